"""One ward on the patient-level engine's building blocks: the queueing-theory check and the
benchmark model.

Patients arrive as a Poisson process (pre-sampled in bulk, :func:`poisson_arrivals`), take one
of ``servers`` beds from a :class:`~sim.engines.des.resources.Pool` (waiting in turn, or
turned away when ``queue=False``: M/M/c/c), stay a sampled time (unit-mean variates from
:class:`~sim.engines.des.sampling.Rows`) and leave. The same streams, pools, rows and
levels run the place, so agreement with Erlang B and C here is agreement of the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from sim.engines.des.resources import Pool
from sim.engines.des.rng import Streams
from sim.engines.des.sampling import Family, Rows, poisson_arrivals


@dataclass(frozen=True)
class WardResult:
    """Per replication: waits, blocking, time-weighted occupancy and the work done."""

    arrivals: int
    served: int
    blocked: int
    mean_wait: float  # over arrivals served, days
    p_wait: float  # share of served arrivals that waited at all
    mean_busy: float  # time-weighted mean beds in use (after warm-up)
    mean_in_system: float  # time-weighted mean patients waiting or in a bed (after warm-up)
    mean_time_in_system: float  # days, over patients who arrived after warm-up and left
    events: int  # SimPy events scheduled
    seconds: float


def run_ward(
    arrival_rate: float,
    mean_stay: float,
    servers: int,
    horizon: float,
    seed: int,
    replication: int = 0,
    *,
    queue: bool = True,
    warmup: float = 0.0,
    stay: str = "exponential",
) -> WardResult:
    """Simulate one ward; rates per day, times in days.

    Args:
        arrival_rate: patients per day (Poisson).
        mean_stay: mean length of stay, days.
        servers: beds.
        horizon: days simulated.
        seed: the run's seed (streams are named, see :mod:`sim.engines.des.rng`).
        replication: replication number.
        queue: wait for a bed (M/M/c) or be turned away when all are full (M/M/c/c).
        warmup: days excluded from the statistics.
        stay: stay distribution family (``exponential`` for M/M/c).
    """
    import time

    start = time.perf_counter()
    env = simpy.Environment()
    streams = Streams(seed, replication)
    n_days = int(np.ceil(horizon))
    times = poisson_arrivals(
        streams["arrivals"], np.full((n_days, 1), arrival_rate), np.ones(24), stable=False
    ).times
    times = times[times < horizon]
    fam = Family.of(stay)
    rows = Rows(streams["stays"], fam.n_uniforms, [fam.unit], chunk=8192)
    beds = Pool(env, servers)
    stats = {"served": 0, "blocked": 0, "waited": 0, "wait": 0.0, "n_sys": 0, "t_sys": 0.0}
    in_system = Pool(env, float("inf"))  # a level: waiting or in a bed

    def patient(t_arr: float, stay_days: float):
        ev = beds.acquire()
        in_system.add(1)
        if ev is not None:
            yield ev
        wait = env.now - t_arr
        if t_arr >= warmup:
            stats["served"] += 1
            stats["wait"] += wait
            stats["waited"] += wait > 0
        yield env.timeout(stay_days)
        beds.release()
        in_system.add(-1)
        if t_arr >= warmup:
            stats["n_sys"] += 1
            stats["t_sys"] += env.now - t_arr

    def arrivals():
        for t in times.tolist():
            yield env.timeout(t - env.now)
            stay_days = mean_stay * rows.next()[0]
            if not queue and beds.value >= beds.capacity:
                if t >= warmup:
                    stats["blocked"] += 1
                continue
            env.process(patient(t, stay_days))

    def reset_at_warmup():
        yield env.timeout(warmup)
        beds.read_area()
        in_system.read_area()

    env.process(arrivals())
    if warmup > 0:
        env.process(reset_at_warmup())
    env.run(until=horizon)
    span = horizon - warmup
    served = max(stats["served"], 1)
    return WardResult(
        arrivals=int(len(times)),
        served=stats["served"],
        blocked=stats["blocked"],
        mean_wait=stats["wait"] / served,
        p_wait=stats["waited"] / served,
        mean_busy=beds.read_area() / span,
        mean_in_system=in_system.read_area() / span,
        mean_time_in_system=stats["t_sys"] / max(stats["n_sys"], 1),
        events=int(next(env._eid)),  # noqa: SLF001 - SimPy's count of scheduled events
        seconds=time.perf_counter() - start,
    )


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of M/M/c/c with offered load ``load`` (erlangs)."""
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Probability of waiting in M/M/c with offered load ``load`` (< servers)."""
    b = erlang_b(servers, load)
    rho = load / servers
    return b / (1 - rho + rho * b)


def mmc_mean_wait(arrival_rate: float, mean_stay: float, servers: int) -> float:
    """Mean wait in queue of M/M/c (days): ``C(c, a) / (c mu - lambda)``."""
    load = arrival_rate * mean_stay
    return erlang_c(servers, load) / (servers / mean_stay - arrival_rate)
