"""Declaring a stock-flow model as data: stocks, flows, capacities, lookups, series and reports.

A declaration holds no numbers of its own beyond defaults: every rate, share, limit and initial
value is a *parameter* (declared by name, or created automatically from a number), so that a batch
of parameter sets can be run in one compiled call.

Example, one ward with an Erlang-3 stay and a bed cap::

    m = Model("one ward")
    m.stock("waiting", same_step=True)  # a queue; arrivals may be admitted the day they arrive
    m.inflow("arrivals", to="waiting", rate_per_day=10.0)
    ward = m.delay("ward", mean_days=6.0, stages=3, to=None)  # discharged out of the model
    m.capacity("beds", limit=70.0, stocks=ward)
    m.transfer("admit", capacity="beds", moves=[("waiting", ward[0])])
    m.describe("occupied", units="beds", long_name="Occupied beds")
    m.report("occupied", stocks=ward)

Conventions (all times in days; ``dt`` is the step):

- Stocks are counted at the end of each step (the NHS midnight census).
- ``outflow`` rates are continuous-time hazards per day. All the hazard outflows of a stock (and
  the exit of a delay stage) are **competing risks** acting on the stock counted at the start of
  the step: with total hazard ``K`` a fraction ``1 - exp(-K dt)`` leaves, and outflow ``i`` takes
  the share ``k_i / K`` of it, whatever the order of declaration (two outflows of 0.1/day leave
  ``1000 exp(-0.2)`` of 1000 after a day, for any ``dt``).
- ``delay`` stages leave with probability ``p = dt * stages / mean_days`` per step, so the mean
  number of censuses a person is counted in equals ``mean_days / dt`` exactly and Little's law
  holds in discrete time (stock = inflow per day x mean days). A stage must last at least one
  step. A stage with hazard outflows too competes with them as the hazard ``-ln(1 - p) / dt``:
  the stage loses ``1 - (1 - p) exp(-K dt)`` (a stage of exactly one step empties by its exit).
- ``transfer`` moves ask for a fraction ``f`` per day of what is available in their source,
  ``1 - (1 - f)^dt`` per step (the same after a day for any ``dt``; ``f = 1``: all of it); the
  moves of one transfer share the free capacity in proportion to demand; what cannot move waits in
  its source stock. Transfers and drains (``rate_per_day=inf``) from a stock take from what its
  hazards leave, in the order they were declared (a drain declared after a transfer takes the
  overflow). A transfer declared with ``first=True`` instead takes its fraction of the stock
  counted at the start of the step, before the stock's hazards and exits act on the rest (a
  daily decision taken at the midnight census, such as a board round's).
- A capacity's free room is ``limit - occupancy``: with ``convention="same_step"`` (the default)
  places freed in the step can be refilled in the same step; with ``"start_of_step"`` (Vensim,
  PySD) the occupancy is the one at the start of the step. With ``fill_time_days=T`` transfers
  fill at most ``min(1, dt / T)`` of the free room per step (Vensim's ``MAX(0, cap - occ) / T``).
- A capacity that *follows its occupancy* (``follow_occupancy=target, lag_days=L``, a market
  whose places respond to demand) starts at its limit parameter and after each step moves
  toward ``occupancy / target`` by ``1 - exp(-dt / L)`` of the gap (exact first-order smoothing
  of the end-of-step occupancy); its series multiplies the followed value.
- Inflows to a ``same_step`` stock can leave it in the same step (queues and routing hubs);
  otherwise people stay at least one step in a stock.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

Value = float | int | str
"""A number (a fixed parameter made on the fly) or the name of a declared parameter."""

OUTSIDE = None
"""Destination or source meaning outside the model (births, migration, deaths, discharges)."""


class ModelError(ValueError):
    """A model declaration or its inputs are invalid; the message names the offending item."""


@dataclass(frozen=True)
class Param:
    """A named scalar input. ``value`` is the default; ``kind`` says what values are allowed."""

    name: str
    value: float
    kind: str = "nonnegative"  # "nonnegative" | "share" | "positive"
    units: str = ""
    description: str = ""


@dataclass(frozen=True)
class Stock:
    """A count of people in one state. ``initial`` is ``weight x param`` people."""

    name: str
    initial_param: str
    initial_weight: float = 1.0
    same_step: bool = False


@dataclass(frozen=True)
class Arc:
    """One route of an operation: ``share`` of its total (or, for a transfer, the fraction of
    ``src`` demanded per step) goes from ``src`` to ``dst``; ``None`` means outside.
    """

    name: str
    src: str | None
    dst: str | None
    share_param: str
    exit: str = "outflow"  # for dst None: "outflow" or "death"


@dataclass(frozen=True)
class Operation:
    """A group of arcs computed together once per step.

    ``kind``: ``inflow`` (``rate`` people/day from outside), ``hazard`` (rate per day, exact
    exponential), ``residence`` (``rate`` is the mean residence in days of one delay stage),
    ``drain`` (everything available this step), ``transfer`` (capacity-limited).
    """

    name: str
    kind: str
    src: str | None
    rate_param: str | None
    series: str | None
    lookup: str | None
    capacity: str | None
    arcs: tuple[Arc, ...]
    rate_scale: float = 1.0  # a delay stage lasts mean_days x rate_scale (= 1 / stages)
    first: bool = False  # a transfer that draws on its sources before their hazards


CONVENTIONS = ("same_step", "start_of_step")
"""How an occupancy capacity measures its free room (see the module docstring)."""


@dataclass(frozen=True)
class Capacity:
    """A limit: on the total of ``stocks`` (``per_day=False``) or on people moved per day.

    ``convention`` says whether places freed in a step can be refilled in it (``same_step``) or
    the room is measured at the start of the step (``start_of_step``, as Vensim); ``fill_param``
    names a fill time in days (at most ``dt / fill`` of the free room is filled per step).
    """

    name: str
    limit_param: str
    per_day: bool
    series: str | None
    stocks: tuple[str, ...]
    convention: str = "same_step"
    fill_param: str | None = None
    follow_param: str | None = None  # target occupancy: the limit follows occupancy / target
    lag_param: str | None = None  # days of the first-order lag of a following limit


@dataclass(frozen=True)
class Lookup:
    """A table function ``y = f(x)``, piecewise linear and flat beyond its ends, where
    ``x = sum(weight * stock)``, divided by the limit of ``per_capacity`` if given.
    """

    name: str
    terms: tuple[tuple[str, float], ...]
    per_capacity: str | None
    xs: tuple[float, ...]
    ys: tuple[float, ...]


REPORT_STATS = {
    "level": ("mean", "end", "max", "min"),
    "flow": ("sum", "max", "min"),
    "demand": ("sum", "max", "min"),
    "lookup": ("mean", "max", "min"),
    "limit": ("mean", "max", "min"),
    "room": ("mean", "max", "min"),
}
"""For each report kind, the statistics over a recording period it allows (the first is the
default). ``max``/``min`` of flows and demands are of their rate per day in one step."""


@dataclass(frozen=True)
class Report:
    """One recorded quantity: a weighted sum of stocks, arcs, transfer demands, a lookup, a
    capacity's limit or its free room, summarised over each period by ``stat`` and placed in
    variable ``var`` at ``coords`` (extra dimensions beside ``draw`` and ``time``).
    """

    var: str
    kind: str  # "level" | "flow" | "demand" | "lookup" | "limit" | "room"
    terms: tuple[tuple[str, float, str | None], ...]  # (stock/arc/lookup name, weight, lookup)
    coords: tuple[tuple[str, str], ...]
    stat: str = "mean"  # see REPORT_STATS


@dataclass(frozen=True)
class VariableInfo:
    """Units and description of a reported variable."""

    name: str
    units: str
    long_name: str


LEDGER = {
    "people_total": ("people", "People in all stocks at the end of the period"),
    "people_in": ("people", "People entering from outside the model (births, migration in)"),
    "people_out": ("people", "People leaving to outside the model other than by death"),
    "deaths": ("people", "Deaths"),
}
"""Variables every run records so that conservation of people can be proved."""


def ledger_reports(stocks: Sequence[str], arcs: Sequence[Arc]) -> list[Report]:
    """The conservation ledger every run records (:data:`LEDGER`): people in all ``stocks``
    at the end of each period, and those entering, leaving and dying on ``arcs``.
    """

    def flows(keep) -> tuple:
        return tuple((a.name, 1.0, None) for a in arcs if keep(a))

    return [
        Report("people_total", "level", tuple((s, 1.0, None) for s in stocks), (), "end"),
        Report("people_in", "flow", flows(lambda a: a.src is None), (), "sum"),
        Report(
            "people_out", "flow", flows(lambda a: a.dst is None and a.exit != "death"), (), "sum"
        ),
        Report("deaths", "flow", flows(lambda a: a.dst is None and a.exit == "death"), (), "sum"),
    ]


@dataclass
class Model:
    """A stock-flow model declaration, built by calling its methods in any order."""

    name: str = "model"
    params: dict[str, Param] = field(default_factory=dict)
    stocks: dict[str, Stock] = field(default_factory=dict)
    operations: dict[str, Operation] = field(default_factory=dict)
    capacities: dict[str, Capacity] = field(default_factory=dict)
    lookups: dict[str, Lookup] = field(default_factory=dict)
    series_names: list[str] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    variables: dict[str, VariableInfo] = field(default_factory=dict)
    arcs: dict[str, Arc] = field(default_factory=dict)  # every arc by name

    # -- parameters and series -----------------------------------------------------------------
    def param(
        self,
        name: str,
        value: float,
        *,
        kind: str = "nonnegative",
        units: str = "",
        description: str = "",
    ) -> str:
        """Declare a named parameter with a default value; returns its name."""
        if name in self.params:
            raise ModelError(f"parameter {name!r} is declared twice")
        if kind not in ("nonnegative", "share", "positive"):
            raise ModelError(f"parameter {name!r}: kind {kind!r} is not nonnegative|share|positive")
        _check_value(name, float(value), kind)
        self.params[name] = Param(name, float(value), kind, units, description)
        return name

    def series(self, name: str) -> str:
        """Declare a per-step input series (values given at run time; default all ones)."""
        if name in self.series_names:
            raise ModelError(f"series {name!r} is declared twice")
        self.series_names.append(name)
        return name

    def _value(self, v: Value, auto_name: str, kind: str = "nonnegative") -> str:
        """Return the parameter name for ``v``, creating a fixed parameter for a number."""
        if isinstance(v, str):
            if v not in self.params:
                raise ModelError(f"{auto_name}: unknown parameter {v!r}")
            return v
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ModelError(f"{auto_name}: {v!r} is neither a number nor a parameter name")
        return self.param(auto_name, float(v), kind=kind)

    # -- stocks ------------------------------------------------------------------------------
    def stock(self, name: str, initial: Value = 0.0, *, same_step: bool = False) -> str:
        """Declare a stock of people; ``same_step`` lets inflows leave again in the same step."""
        self._new_name(name, self.stocks, "stock")
        if name in self.capacities:
            raise ModelError(f"stock {name!r}: the name is taken by a capacity")
        init = self._value(initial, f"{name}.initial")
        self.stocks[name] = Stock(name, init, 1.0, same_step)
        return name

    # -- operations --------------------------------------------------------------------------
    def inflow(
        self,
        name: str,
        to: str | Mapping[str, Value],
        rate_per_day: Value,
        *,
        series: str | None = None,
        lookup: str | None = None,
    ) -> str:
        """People arriving from outside at ``rate_per_day`` x series(t) x lookup, split over
        ``to``.
        """
        rate = self._value(rate_per_day, f"{name}.rate_per_day")
        return self._operation(name, "inflow", None, rate, to, series=series, lookup=lookup)

    def outflow(
        self,
        name: str,
        src: str,
        rate_per_day: Value,
        to: str | None | Mapping[str | None, Value],
        *,
        series: str | None = None,
        lookup: str | None = None,
        exit: str = "outflow",
    ) -> str:
        """First-order outflow: a hazard ``k`` per day on ``src``, competing with its other
        hazard outflows (alone it takes ``1 - exp(-k dt)`` of the stock each step).

        ``rate_per_day`` may be ``math.inf`` to move everything available this step (a routing
        hub, or the overflow of a transfer declared before it). The rate is multiplied by
        ``series(t)`` and by ``lookup`` when given.
        """
        if isinstance(rate_per_day, int | float) and math.isinf(rate_per_day):
            if series is not None or lookup is not None:
                raise ModelError(
                    f"outflow {name!r}: an infinite rate (move everything) takes no series or "
                    f"lookup; give a finite rate to scale it"
                )
            return self._operation(name, "drain", src, None, to, exit=exit)
        rate = self._value(rate_per_day, f"{name}.rate_per_day")
        return self._operation(
            name, "hazard", src, rate, to, series=series, lookup=lookup, exit=exit
        )

    def delay(
        self,
        name: str,
        mean_days: Value,
        stages: int,
        to: str | None | Mapping[str | None, Value],
        *,
        initial: Value = 0.0,
        series: str | None = None,
        lookup: str | None = None,
        exit: str = "outflow",
    ) -> list[str]:
        """An Erlang-``stages`` delay of mean ``mean_days``; returns its stage stock names.

        Stage ``i`` is the stock ``name[i]``; ``initial`` people are spread evenly over the
        stages (the steady-state split). Leaving the last stage is routed by ``to``. A lookup or
        series multiplies the speed of every stage (values above 1 shorten the stay).
        """
        if not isinstance(stages, int) or stages < 1:
            raise ModelError(f"delay {name!r}: stages = {stages!r}, must be an integer >= 1")
        mean = self._value(mean_days, f"{name}.mean_days", kind="positive")
        init = self._value(initial, f"{name}.initial")
        names = [f"{name}[{i + 1}]" for i in range(stages)]
        for s in names:
            self._new_name(s, self.stocks, "stock")
            self.stocks[s] = Stock(s, init, 1.0 / stages, False)
        for i, s in enumerate(names):
            dst: str | None | Mapping[str | None, Value] = names[i + 1] if i + 1 < stages else to
            self._operation(
                f"{name}.stage{i + 1}",
                "residence",
                s,
                mean,
                dst,
                series=series,
                lookup=lookup,
                exit=exit,
                rate_scale=1.0 / stages,
            )
        return names

    def transfer(
        self,
        name: str,
        capacity: str,
        moves: Sequence[tuple[str, str] | tuple[str, str, Value]],
        *,
        fraction_per_day: Value = 1.0,
        series: str | None = None,
        lookup: str | None = None,
        first: bool = False,
    ) -> str:
        """Capacity-limited moves ``(src, dst[, fraction])``: each asks for its fraction ``f``
        per day (default ``fraction_per_day``) x series(t) x lookup (when given; a table of
        stocks at the start of the step), at most 1, of what is available in
        its source: ``1 - (1 - f)^dt`` of it per step, so the same after a day for any ``dt``.
        All moves share the free capacity in proportion to demand. A fraction below 1 makes a
        process wait (geometric, ``1 / f`` days on average at ``dt = 1``) before capacity is even
        asked for. ``first=True``: the moves take their fraction of the sources counted at the
        start of the step, before the sources' hazards and delay exits (which then act on what
        is left); otherwise they take from what those leave.
        """
        if capacity not in self.capacities:
            raise ModelError(f"transfer {name!r}: unknown capacity {capacity!r}")
        if series is not None and series not in self.series_names:
            raise ModelError(f"transfer {name!r}: unknown series {series!r}")
        self._new_name(name, self.operations, "operation")
        frac = self._value(fraction_per_day, f"{name}.fraction_per_day", kind="share")
        arcs = []
        for move in moves:
            src, dst = move[0], move[1]
            self._check_stock(src, f"transfer {name!r} source")
            self._check_stock(dst, f"transfer {name!r} destination")
            arc_name = f"{name}:{src}->{dst}"
            own = frac if len(move) == 2 else self._value(move[2], f"{arc_name}.fraction", "share")
            arcs.append(Arc(arc_name, src, dst, own))
        if not arcs:
            raise ModelError(f"transfer {name!r} has no moves")
        self._store(
            Operation(
                name, "transfer", None, None, series, lookup, capacity, tuple(arcs), first=first
            )
        )
        return name

    def _operation(
        self,
        name: str,
        kind: str,
        src: str | None,
        rate: str | None,
        to: str | None | Mapping[str | None, Value],
        *,
        series: str | None = None,
        lookup: str | None = None,
        exit: str = "outflow",
        rate_scale: float = 1.0,
    ) -> str:
        self._new_name(name, self.operations, "operation")
        if src is not None:
            self._check_stock(src, f"{name!r} source")
        if series is not None and series not in self.series_names:
            raise ModelError(f"{name!r}: unknown series {series!r}")
        if exit not in ("outflow", "death"):
            raise ModelError(f"{name!r}: exit {exit!r} must be 'outflow' or 'death'")
        routes: Mapping[str | None, Value] = to if isinstance(to, Mapping) else {to: 1.0}
        if not routes:
            raise ModelError(f"{name!r}: no destination")
        if kind == "inflow" and None in routes:
            raise ModelError(f"inflow {name!r} must go to a stock")
        arcs = []
        fixed_total = 0.0
        all_fixed = True
        for dst, share in routes.items():
            if dst is not None:
                self._check_stock(dst, f"{name!r} destination")
            label = dst if dst is not None else exit
            arc_name = f"{name}->{label}"
            if isinstance(share, str):
                all_fixed = False
            else:
                fixed_total += float(share)
            sp = self._value(share, f"{arc_name}.share", kind="share")
            arcs.append(Arc(arc_name, src, dst, sp, exit if dst is None else "outflow"))
        if all_fixed and abs(fixed_total - 1.0) > 1e-9:
            shares = {str(k): v for k, v in routes.items()}
            raise ModelError(f"{name!r}: routing shares {shares} sum to {fixed_total}, not 1")
        self._store(Operation(name, kind, src, rate, series, lookup, None, tuple(arcs), rate_scale))
        return name

    def _store(self, op: Operation) -> None:
        for a in op.arcs:
            if a.name in self.arcs:
                raise ModelError(f"flow {a.name!r} is declared twice")
            self.arcs[a.name] = a
        self.operations[op.name] = op

    # -- capacities and lookups ---------------------------------------------------------------
    def capacity(
        self,
        name: str,
        limit: Value,
        *,
        stocks: Iterable[str] = (),
        per_day: bool = False,
        series: str | None = None,
        convention: str = "same_step",
        fill_time_days: Value | None = None,
        follow_occupancy: Value | None = None,
        lag_days: Value | None = None,
    ) -> str:
        """A limit on the total of ``stocks`` (beds, places), or with ``per_day`` on the people
        moved per day by the transfers that use it (appointments, assessments).

        For an occupancy capacity, ``convention`` is ``"same_step"`` (places freed in a step
        can be refilled in it) or ``"start_of_step"`` (free room measured at the start of the
        step, as Vensim and PySD); ``fill_time_days`` (> 0) limits the transfers into it to
        ``min(1, dt / fill_time_days)`` of the free room per step. With ``follow_occupancy``
        (a target occupancy in (0, 1]) and ``lag_days`` (> 0) the limit follows the occupancy
        (see the module docstring).
        """
        self._new_name(name, self.capacities, "capacity")
        if name in self.stocks:
            raise ModelError(f"capacity {name!r}: the name is taken by a stock")
        if convention not in CONVENTIONS:
            raise ModelError(
                f"capacity {name!r}: convention {convention!r} is not one of {list(CONVENTIONS)}"
            )
        if per_day and (convention != "same_step" or fill_time_days is not None):
            raise ModelError(
                f"capacity {name!r}: a per-day capacity takes no convention or fill time"
            )
        lim = self._value(limit, f"{name}.limit")
        fill = None
        if fill_time_days is not None:
            fill = self._value(fill_time_days, f"{name}.fill_time_days", kind="positive")
            if self.params[fill].kind != "positive":
                raise ModelError(
                    f"capacity {name!r}: fill time parameter {fill!r} must be declared with "
                    f"kind='positive'"
                )
        follow = lag = None
        if (follow_occupancy is None) != (lag_days is None):
            raise ModelError(f"capacity {name!r}: give both follow_occupancy and lag_days")
        if follow_occupancy is not None:
            if per_day:
                raise ModelError(f"capacity {name!r}: a per-day capacity cannot follow occupancy")
            follow = self._value(follow_occupancy, f"{name}.follow_occupancy", kind="positive")
            lag = self._value(lag_days, f"{name}.lag_days", kind="positive")
            for pname in (follow, lag):
                if self.params[pname].kind != "positive":
                    raise ModelError(
                        f"capacity {name!r}: parameter {pname!r} must be declared with "
                        f"kind='positive'"
                    )
        members = tuple(stocks)
        if per_day and members:
            raise ModelError(f"capacity {name!r}: a per-day capacity takes no stocks")
        if not per_day and not members:
            raise ModelError(f"capacity {name!r}: an occupancy capacity needs its stocks")
        for s in members:
            self._check_stock(s, f"capacity {name!r}")
            for other in self.capacities.values():
                if s in other.stocks:
                    raise ModelError(f"stock {s!r} is in capacities {other.name!r} and {name!r}")
        if series is not None and series not in self.series_names:
            raise ModelError(f"capacity {name!r}: unknown series {series!r}")
        self.capacities[name] = Capacity(
            name, lim, per_day, series, members, convention, fill, follow, lag
        )
        return name

    def lookup(
        self,
        name: str,
        of: Iterable[str] | Mapping[str, float],
        xs: Sequence[float],
        ys: Sequence[float],
        *,
        per_capacity: str | None = None,
    ) -> str:
        """A piecewise-linear table function of ``sum(of)`` (optionally divided by a limit).

        ``of`` names stocks, or occupancy capacities (meaning the total of their stocks).
        """
        self._new_name(name, self.lookups, "lookup")
        terms = of.items() if isinstance(of, Mapping) else ((s, 1.0) for s in of)
        terms = tuple((s, float(w)) for s, w in terms)
        for s, _ in terms:
            cap = self.capacities.get(s)
            if cap is not None and not cap.per_day:
                continue
            self._check_stock(s, f"lookup {name!r}")
        if per_capacity is not None and per_capacity not in self.capacities:
            raise ModelError(f"lookup {name!r}: unknown capacity {per_capacity!r}")
        if len(xs) != len(ys) or len(xs) < 1:
            raise ModelError(f"lookup {name!r}: xs and ys must have the same length >= 1")
        if any(b <= a for a, b in zip(xs, xs[1:], strict=False)):
            raise ModelError(f"lookup {name!r}: xs {list(xs)} must be strictly increasing")
        if not all(math.isfinite(v) for v in (*xs, *ys)):
            raise ModelError(f"lookup {name!r}: table values must be finite")
        if min(ys) < 0:
            raise ModelError(
                f"lookup {name!r}: ys {list(ys)} must be >= 0 (they multiply rates and flows)"
            )
        self.lookups[name] = Lookup(
            name, terms, per_capacity, tuple(map(float, xs)), tuple(map(float, ys))
        )
        return name

    # -- reports -----------------------------------------------------------------------------
    def describe(self, var: str, *, units: str, long_name: str) -> str:
        """Give a reported variable its units and description (both required)."""
        if var in self.variables or var in LEDGER:
            raise ModelError(f"variable {var!r} is described twice (or is a ledger name)")
        self.variables[var] = VariableInfo(var, units, long_name)
        return var

    def report(
        self,
        var: str,
        *,
        stocks: Iterable[str] | Mapping[str, float] | None = None,
        flows: Iterable[str] | Mapping[str, float] | None = None,
        demand: Iterable[str] | Mapping[str, float] | None = None,
        lookup: str | None = None,
        capacity: str | None = None,
        room: str | None = None,
        at: str | None = None,
        coords: Mapping[str, str] | None = None,
    ) -> None:
        """Record one cell of ``var``: a weighted sum of ``stocks`` (end-of-step levels), of
        ``flows`` (operation or arc names; weighted step by step by ``lookup`` if given), of
        ``demand`` (transfers or their moves: people asked for before rationing by capacity),
        or a ``capacity``'s limit, the free ``room`` of an occupancy capacity (its limit minus its
        occupancy at the start of each step, at least 0), or a ``lookup``'s value.

        ``at`` summarises each recording period: stocks ``mean`` (default), ``end``, ``max`` or
        ``min``; flows and demands ``sum`` (default), or ``max``/``min`` of their rate per day;
        limits, rooms and lookups ``mean`` (default), ``max`` or ``min``.
        """
        if var not in self.variables:
            raise ModelError(f"report: describe variable {var!r} (units, long_name) first")
        given = [x is not None for x in (stocks, flows, demand, capacity, room)]
        if sum(given) != 1 and not (lookup is not None and not any(given)):
            raise ModelError(
                f"report {var!r}: give exactly one of stocks, flows, demand, capacity, room or "
                f"a lookup"
            )
        for cap in (capacity, room):
            if cap is not None and cap not in self.capacities:
                raise ModelError(f"report {var!r}: unknown capacity {cap!r}")
        if room is not None and self.capacities[room].per_day:
            raise ModelError(f"report {var!r}: room of {room!r}: per-day capacities have none")
        if lookup is not None and lookup not in self.lookups:
            raise ModelError(f"report {var!r}: unknown lookup {lookup!r}")
        if lookup is not None and (stocks is not None or demand is not None):
            raise ModelError(f"report {var!r}: a lookup weight applies to flows only")
        terms: list[tuple[str, float, str | None]] = []
        if stocks is not None:
            kind = "level"
            for s, w in _weighted(stocks):
                self._check_stock(s, f"report {var!r}")
                terms.append((s, w, None))
        elif flows is not None:
            kind = "flow"
            for ref, w in _weighted(flows):
                terms.extend((a, w, lookup) for a in self.arcs_of(ref))
        elif demand is not None:
            kind = "demand"
            for ref, w in _weighted(demand):
                arcs = self.arcs_of(ref)
                if self.operations[self._op_of(arcs[0])].kind != "transfer":
                    raise ModelError(f"report {var!r}: {ref!r} is not a transfer (demand)")
                terms.extend((a, w, None) for a in arcs)
        elif capacity is not None or room is not None:
            kind = "limit" if capacity is not None else "room"
            terms.append((capacity or room, 1.0, None))  # type: ignore[arg-type]
        else:
            kind = "lookup"
            terms.append((lookup, 1.0, None))  # type: ignore[arg-type]
        allowed = REPORT_STATS[kind]
        stat = allowed[0] if at is None else at
        if stat not in allowed:
            raise ModelError(f"report {var!r}: at={at!r} for {kind} must be one of {list(allowed)}")
        self.reports.append(Report(var, kind, tuple(terms), tuple((coords or {}).items()), stat))

    def _op_of(self, arc: str) -> str:
        """The operation an arc belongs to."""
        for op in self.operations.values():
            if any(a.name == arc for a in op.arcs):
                return op.name
        raise ModelError(f"unknown flow {arc!r}")

    def arcs_of(self, ref: str) -> list[str]:
        """Arc names for an operation name (all its arcs) or an arc name."""
        if ref in self.operations:
            return [a.name for a in self.operations[ref].arcs]
        if ref in self.arcs:
            return [ref]
        raise ModelError(f"unknown flow {ref!r} (neither an operation nor an arc)")

    # -- helpers -----------------------------------------------------------------------------
    def _new_name(self, name: str, table: Mapping[str, object], what: str) -> None:
        if not isinstance(name, str) or not name:
            raise ModelError(f"{what} name must be a non-empty string, got {name!r}")
        if name in table:
            raise ModelError(f"{what} {name!r} is declared twice")

    def _check_stock(self, name: str, where: str) -> None:
        if name not in self.stocks:
            raise ModelError(f"{where}: unknown stock {name!r}")


def _weighted(items: Iterable[str] | Mapping[str, float]) -> list[tuple[str, float]]:
    if isinstance(items, Mapping):
        return [(k, float(v)) for k, v in items.items()]
    return [(k, 1.0) for k in items]


def _check_value(name: str, value: float, kind: str) -> None:
    """Raise ModelError unless ``value`` is allowed for a parameter of ``kind``."""
    if not math.isfinite(value):
        raise ModelError(f"parameter {name!r} = {value}: must be finite")
    if value < 0:
        raise ModelError(f"parameter {name!r} = {value}: must be >= 0")
    if kind == "share" and value > 1:
        raise ModelError(f"parameter {name!r} = {value}: a share must be in [0, 1]")
    if kind == "positive" and value <= 0:
        raise ModelError(f"parameter {name!r} = {value}: must be > 0")
