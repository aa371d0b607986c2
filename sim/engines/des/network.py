"""Small queueing networks declared in a few lines, run on the engine's own building blocks.

A :class:`Network` is Poisson arrivals into the first of a chain of :class:`Station` s. Each
station has ``servers`` (beds, crews, places), a service time (mean and family) and a waiting
room of ``buffer`` places (``inf``: an unlimited queue; ``0``: none). It runs on the blocks and
process patterns of the place (:mod:`sim.place.patient.processes`):

- arrivals are pre-sampled in bulk (:func:`~sim.engines.des.sampling.poisson_arrivals`) and
  each customer's service times are one row of unit-mean variates
  (:class:`~sim.engines.des.sampling.Rows`), from named streams
  (:class:`~sim.engines.des.rng.Streams`);
- a station's servers and its places (servers + buffer) are
  :class:`~sim.engines.des.resources.Pool` s: a customer arriving from outside to a full
  station is **lost** (as a district-nursing referral when the caseload is full:
  ``try_acquire``); one with room **queues** first come first served (as a 999 incident for a
  crew: ``acquire``);
- a customer finishing service whose next station is full **keeps its server** until a place
  there frees (*blocking after service*, as a patient with no criteria to reside keeps the
  acute bed until reablement has room);
- a :class:`~sim.engines.des.monitors.Recorder` reads every level at each midnight
  (time-weighted servers busy and customers present), keeps per-customer tallies (waits,
  blocking, time in system) and, if asked, the episode log (one episode per station visit).

So an M/M/c ward, an M/M/c/c ward with loss, or a tandem with blocking is a declaration::

    from sim.engines.des.network import Network, Station, run_network

    ward = Network(8.0, (Station("ward", servers=10, mean_service=1.0),))
    loss = Network(8.0, (Station("ward", servers=10, mean_service=1.0, buffer=0),))
    tandem = Network(4.0, (Station("assess", 2, 0.4, to="treat"),
                           Station("treat", 1, 0.2, buffer=2)))
    r = run_network(tandem, horizon=1000, seed=1, warmup=50)
    r.stations["assess"].mean_blocked  # days a customer kept an assess server, blocked

:func:`to_ciw` builds the same network in Ciw (the ``bench``/``test`` extras), and
:func:`run_ciw` summarises a Ciw run the same way, for cross-checks.

Times are in days and rates per day, as everywhere in the engine (any unit works if all use it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import simpy

from sim.engines.des.monitors import Recorder
from sim.engines.des.resources import Pool
from sim.engines.des.rng import Streams
from sim.engines.des.sampling import Family, Rows, poisson_arrivals


@dataclass(frozen=True)
class Station:
    """One station: servers, the service time and the waiting room.

    Attributes:
        name: unique in its network.
        servers: number of servers (beds, crews), >= 1.
        mean_service: mean service time, days (> 0).
        buffer: waiting places besides the servers: ``inf`` (unlimited queue) or a whole
            number >= 0 (0: no waiting; arrivals from outside to a full station are lost,
            customers from an upstream station are blocked there).
        to: the next station's name, or ``None`` (leave the network).
        service: duration family of :class:`~sim.engines.des.sampling.Family` (``exponential``
            for Markovian stations).
        cv: coefficient of variation (gamma, lognormal).
        stages: stages of an Erlang service.
    """

    name: str
    servers: int
    mean_service: float
    buffer: float = math.inf
    to: str | None = None
    service: str = "exponential"
    cv: float = 1.0
    stages: int = 1

    @property
    def family(self) -> Family:
        """The unit-mean service-time family."""
        return Family.of(self.service, cv=self.cv, stages=self.stages)


@dataclass(frozen=True)
class Network:
    """Poisson arrivals (``arrival_rate`` a day) into ``stations[0]``, then along ``to``."""

    arrival_rate: float
    stations: tuple[Station, ...]

    def __post_init__(self) -> None:
        names = [s.name for s in self.stations]
        if not self.stations or len(set(names)) != len(names):
            raise ValueError(f"network stations {names}: need at least one, names unique")
        if not (math.isfinite(self.arrival_rate) and self.arrival_rate > 0):
            raise ValueError(f"network arrival_rate = {self.arrival_rate}: must be > 0")
        for s in self.stations:
            if s.to is not None and s.to not in names:
                raise ValueError(f"station {s.name}: to = {s.to!r} is not a station ({names})")
            if int(s.servers) != s.servers or s.servers < 1:
                raise ValueError(f"station {s.name}: servers = {s.servers}: a whole number >= 1")
            if not (s.mean_service > 0 and math.isfinite(s.mean_service)):
                raise ValueError(f"station {s.name}: mean_service = {s.mean_service}: > 0")
            if not (s.buffer == math.inf or (s.buffer >= 0 and int(s.buffer) == s.buffer)):
                raise ValueError(f"station {s.name}: buffer = {s.buffer}: inf or a whole >= 0")
            s.family  # noqa: B018 - raises on an unknown family
        seen, at = set(), self.stations[0].name
        while at is not None:  # the route from the first station must end
            if at in seen:
                raise ValueError(f"network route loops back to station {at!r}")
            seen.add(at)
            at = self.station(at).to

    def station(self, name: str) -> Station:
        """The station called ``name``."""
        return next(s for s in self.stations if s.name == name)


@dataclass
class StationStats:
    """One station over the observed period (customers arriving after the warm-up).

    Times in days; means of time-weighted levels over the days after the warm-up.
    """

    arrivals: int  # customers arriving at the station (lost ones included)
    lost: int  # arrivals from outside turned away (station full)
    served: int  # customers who started service
    mean_wait: float  # from arrival at the station to the start of service
    p_wait: float  # share of those served who waited at all
    mean_blocked: float  # after service, holding a server until the next station had room
    mean_busy: float  # time-weighted servers in use
    mean_present: float  # time-weighted customers at the station (waiting, served, blocked)


@dataclass
class NetworkResult:
    """One replication: per station, and for the whole journey."""

    stations: dict[str, StationStats]
    arrivals: int  # arrivals from outside after the warm-up
    lost: int  # of which lost at the first station
    mean_time_in_system: float  # days, customers who arrived after the warm-up and left
    events: int  # SimPy events scheduled
    log: dict[str, np.ndarray] | None = field(default=None, repr=False)

    @property
    def lost_share(self) -> float:
        """Share of arrivals from outside that were lost."""
        return self.lost / max(self.arrivals, 1)


def run_network(
    net: Network,
    horizon: float,
    seed: int,
    replication: int = 0,
    *,
    warmup: float = 0.0,
    keep_log: bool = False,
) -> NetworkResult:
    """Simulate ``net`` for ``horizon`` days (whole days); statistics after ``warmup`` days.

    Args:
        net: the network.
        horizon: days simulated (rounded up to whole days: levels are read at midnights).
        seed: the run's seed (named streams ``arrivals`` and ``service``).
        replication: replication number.
        warmup: whole days excluded from the statistics.
        keep_log: keep the episode log (one row per station visit).
    """
    n_days, first_day = int(math.ceil(horizon)), int(warmup)
    env = simpy.Environment()
    streams = Streams(seed, replication)
    times = poisson_arrivals(
        streams["arrivals"], np.full((n_days, 1), net.arrival_rate), np.ones(24), stable=False
    ).times
    index = {s.name: i for i, s in enumerate(net.stations)}
    fams = [s.family for s in net.stations]
    cols = np.cumsum([0] + [f.n_uniforms for f in fams]).tolist()
    columns = [
        (lambda u, f=f, a=a, b=b: f.unit(u[:, a:b]))
        for f, a, b in zip(fams, cols[:-1], cols[1:], strict=True)
    ]
    rows = Rows(streams["service"], cols[-1], columns, chunk=8192)
    servers = [Pool(env, float(s.servers)) for s in net.stations]
    room = [Pool(env, s.servers + s.buffer) for s in net.stations]
    levels = {f"{s.name}.busy": servers[i] for i, s in enumerate(net.stations)}
    levels |= {f"{s.name}.present": room[i] for i, s in enumerate(net.stations)}
    rec = Recorder(n_days, 1, (), (), levels, keep_log)
    route = [index[s.to] if s.to is not None else -1 for s in net.stations]
    means = [s.mean_service for s in net.stations]
    k = len(net.stations)
    tally = {"arrivals": [0] * k, "lost": [0] * k, "served": [0] * k, "waited": [0] * k}
    journeys: list[float] = []

    def customer(pid: int, t0: float, row: list[float]):
        """A journey along the route; the first station's place is already taken."""
        i, t_in = 0, t0
        while True:
            tok = rec.begin(pid, 0, net.stations[i].name, t_in)
            ev = servers[i].acquire()  # queue for a server (first come, first served)
            if ev is not None:
                yield ev
            observed = t0 >= warmup
            if observed:
                tally["served"][i] += 1
                tally["waited"][i] += env.now > t_in
                rec.tally(f"wait.{i}", env.now - t_in)
            rec.start(tok, env.now)
            service = means[i] * row[i]
            yield env.timeout(service)
            t_done, j = env.now, route[i]
            if j >= 0:
                if observed:
                    tally["arrivals"][j] += 1
                ev = room[j].acquire()  # blocked after service: keep the server meanwhile
                if ev is not None:
                    yield ev
            if observed:
                rec.tally(f"blocked.{i}", env.now - t_done)
            servers[i].release()
            room[i].release()
            rec.end(tok, env.now, "next" if j >= 0 else "out", service)
            if j < 0:
                if observed:
                    journeys.append(env.now - t0)
                return
            i, t_in = j, env.now

    def arrivals():
        for pid, t in enumerate(times.tolist()):
            yield env.timeout(t - env.now)
            row = rows.next()
            observed = t >= warmup
            tally["arrivals"][0] += observed
            if room[0].try_acquire():  # room at the first station, or lost
                env.process(customer(pid, t, row))
            elif observed:
                tally["lost"][0] += 1

    def clock():
        for day in range(n_days):
            yield env.timeout(day + 1 - env.now)
            rec.read_day(day)

    env.process(arrivals())
    env.process(clock())
    env.run(until=n_days + 1e-9)  # a hair past the horizon: the last midnight's reading
    rec.finish(float(n_days))

    def mean_of(name: str) -> float:
        values = rec.tallies.get(name, [])
        return float(np.mean(values)) if values else float("nan")

    span = slice(first_day, n_days)
    stats = {
        s.name: StationStats(
            arrivals=tally["arrivals"][i],
            lost=tally["lost"][i],
            served=tally["served"][i],
            mean_wait=mean_of(f"wait.{i}"),
            p_wait=tally["waited"][i] / max(tally["served"][i], 1),
            mean_blocked=mean_of(f"blocked.{i}"),
            mean_busy=float(rec.area[f"{s.name}.busy"][span].mean()),
            mean_present=float(rec.area[f"{s.name}.present"][span].mean()),
        )
        for i, s in enumerate(net.stations)
    }
    return NetworkResult(
        stations=stats,
        arrivals=tally["arrivals"][0],
        lost=tally["lost"][0],
        mean_time_in_system=float(np.mean(journeys)) if journeys else float("nan"),
        events=int(next(env._eid)),  # noqa: SLF001 - SimPy's count of scheduled events
        log=rec.log_arrays() if keep_log else None,
    )


def to_ciw(net: Network):
    """The same network in Ciw (``pip install ciw``): exponential stations only."""
    import ciw  # optional: the test and bench extras, not a dependency

    if any(s.service != "exponential" for s in net.stations):
        raise ValueError("to_ciw: only exponential service times are translated")
    index = {s.name: i for i, s in enumerate(net.stations)}
    n = len(net.stations)
    routing = [[0.0] * n for _ in range(n)]
    for i, s in enumerate(net.stations):
        if s.to is not None:
            routing[i][index[s.to]] = 1.0
    return ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(net.arrival_rate)] + [None] * (n - 1),
        service_distributions=[ciw.dists.Exponential(1.0 / s.mean_service) for s in net.stations],
        number_of_servers=[int(s.servers) for s in net.stations],
        queue_capacities=[
            s.buffer if s.buffer == math.inf else int(s.buffer) for s in net.stations
        ],
        routing=routing,
    )


def run_ciw(net: Network, horizon: float, seed: int, *, warmup: float = 0.0) -> NetworkResult:
    """Run ``net`` in Ciw and summarise it as :func:`run_network` does (waits, blocking, losses
    and time in system of customers arriving after ``warmup``; time-weighted levels are not
    available from Ciw's records and are NaN).
    """
    import ciw  # optional: the test and bench extras, not a dependency

    ciw.seed(seed)
    q = ciw.Simulation(to_ciw(net))
    q.simulate_until_max_time(horizon)
    recs = [r for r in q.get_all_records(only=["service", "rejection"])]
    index = {s.name: i + 1 for i, s in enumerate(net.stations)}
    first_arrival: dict[int, float] = {}
    for r in recs:
        first_arrival[r.id_number] = min(first_arrival.get(r.id_number, math.inf), r.arrival_date)
    stats = {}
    for s in net.stations:
        mine = [r for r in recs if r.node == index[s.name] and first_arrival[r.id_number] >= warmup]
        served = [r for r in mine if r.record_type == "service"]
        lost = sum(r.record_type == "rejection" for r in mine)
        stats[s.name] = StationStats(
            arrivals=len(mine),
            lost=lost,
            served=len(served),
            mean_wait=float(np.mean([r.waiting_time for r in served])) if served else math.nan,
            p_wait=float(np.mean([r.waiting_time > 0 for r in served])) if served else math.nan,
            mean_blocked=float(np.mean([r.time_blocked for r in served])) if served else math.nan,
            mean_busy=math.nan,
            mean_present=math.nan,
        )
    exits: dict[int, float] = {}
    for r in recs:
        if r.record_type == "service" and r.destination == -1:
            exits[r.id_number] = r.exit_date
    journeys = [exits[c] - first_arrival[c] for c in exits if first_arrival[c] >= warmup]
    first = stats[net.stations[0].name]
    return NetworkResult(
        stations=stats,
        arrivals=first.arrivals,
        lost=first.lost,
        mean_time_in_system=float(np.mean(journeys)) if journeys else math.nan,
        events=0,
    )
