"""A plain-Python reference stepper: the engine's semantics for one draw, read from the
declaration, with no Numba and no flat arrays.

It is slow and simple on purpose: tests run random small models through it and through the
compiled kernel and compare every report, so the kernel is checked against something that is not
itself. It shares with the compiler only the rule that orders operations within a step
(:func:`sim.engines.stockflow.compile._operation_order`), which is part of the declaration's
meaning; everything else (competing risks, per-step fractions, capacity room under both
conventions, fill times, lookups, routing and reports) is written again here from the
conventions in :mod:`sim.engines.stockflow.model`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sim.engines.stockflow.compile import _operation_order
from sim.engines.stockflow.model import Model, Operation, Report, ledger_reports


@dataclass(frozen=True)
class ReferenceOutput:
    """Reports by cell ``(var, coords)`` (one value per period, the model's ledger first) and
    the stocks at the end of the run.
    """

    reports: dict[tuple[str, tuple[tuple[str, str], ...]], np.ndarray]
    final: dict[str, float]


def run_reference(
    model: Model,
    *,
    n_steps: int,
    params: Mapping[str, float] | None = None,
    series: Mapping[str, np.ndarray] | None = None,
    dt_days: float = 1.0,
    record_every: int = 1,
) -> ReferenceOutput:
    """Step one draw of ``model`` for ``n_steps`` of ``dt_days``; ``params`` override defaults
    (scalars), ``series`` give per-step inputs (arrays of ``n_steps``; missing ones are 1).
    """
    p = {name: prm.value for name, prm in model.params.items()}
    p.update({k: float(v) for k, v in (params or {}).items()})
    z = {name: np.ones(n_steps) for name in model.series_names}
    z.update({k: np.asarray(v, dtype=float) for k, v in (series or {}).items()})
    stepper = _Stepper(model, p, z, dt_days)
    reports = _ledger(model) + list(model.reports)
    n_periods = -(-n_steps // record_every)
    out = {(r.var, r.coords): np.zeros(n_periods) for r in reports}
    period: list[dict] = []
    for t in range(n_steps):
        period.append(stepper.step(t))
        if len(period) == record_every or t == n_steps - 1:
            for r in reports:
                out[(r.var, r.coords)][t // record_every] = _summarise(r, period, dt_days)
            period = []
    return ReferenceOutput(out, dict(stepper.x))


def _ledger(model: Model) -> list[Report]:
    """The conservation ledger every run records (people in all stocks, in, out, dead)."""
    arcs = [a for op in model.operations.values() for a in op.arcs]
    return ledger_reports(list(model.stocks), arcs)


def _summarise(r: Report, steps: list[dict], dt: float) -> float:
    """One report over one recording period, from the per-step records."""
    values = []
    for rec in steps:
        v = 0.0
        for name, w, lk in r.terms:
            if r.kind == "level":
                v += w * rec["x"][name]
            elif r.kind == "flow":
                v += w * rec["flow"][name] * (rec["lookup"][lk] if lk else 1.0)
            elif r.kind == "demand":
                v += w * rec["demand"][name]
            elif r.kind == "lookup":
                v += w * rec["lookup"][name]
            elif r.kind == "limit":
                v += w * rec["limit"][name]
            else:  # room
                v += w * rec["room"][name]
        values.append(v)
    if r.stat == "sum":
        return math.fsum(values)
    if r.stat == "mean":
        return math.fsum(values) / len(values)
    if r.stat == "end":
        return values[-1]
    per_day = 1.0 / dt if r.kind in ("flow", "demand") else 1.0
    return (max(values) if r.stat == "max" else min(values)) * per_day


def _interp(v: float, xs: tuple[float, ...], ys: tuple[float, ...]) -> float:
    """Piecewise linear, flat beyond the ends."""
    return float(np.interp(v, xs, ys))


class _Stepper:
    """The state of one draw and the rules of one step."""

    def __init__(self, model: Model, p: dict[str, float], z: dict[str, np.ndarray], dt: float):
        self.m, self.p, self.z, self.dt = model, p, z, dt
        self.x = {name: s.initial_weight * p[s.initial_param] for name, s in model.stocks.items()}
        self.order = [model.operations[n] for n in _operation_order(model)]
        self.cap_of = {s: c.name for c in model.capacities.values() for s in c.stocks}
        # limits that follow occupancy (a market) start at their limit parameter
        self.follow = {c.name: p[c.limit_param] for c in model.capacities.values()}

    def _series(self, name: str | None, t: int) -> float:
        return 1.0 if name is None else float(self.z[name][t])

    def step(self, t: int) -> dict:
        """Advance one step; return what reports read (state, flows, demands, lookups...)."""
        m, p, dt = self.m, self.p, self.dt
        limit = {
            c.name: self.follow[c.name] * self._series(c.series, t) for c in m.capacities.values()
        }
        occ = {c.name: sum(self.x[s] for s in c.stocks) for c in m.capacities.values()}
        lookup = {}
        for lk in m.lookups.values():
            v = sum(w * (occ[s] if s in m.capacities else self.x[s]) for s, w in lk.terms)
            if lk.per_capacity is not None:
                lim = limit[lk.per_capacity]
                v = v / lim if lim > 0 else math.inf
            lookup[lk.name] = _interp(v, lk.xs, lk.ys)
        room0 = {c: max(0.0, limit[c] - occ[c]) for c in occ}
        st = _StepState(dict(self.x), dict(self.x), {c: 0.0 for c in occ}, {}, {}, {})
        done: set[str] = set()
        for op in self.order:
            if op.kind in ("hazard", "residence"):
                if op.src not in done:
                    done.add(op.src)  # type: ignore[arg-type]
                    self._competing(op.src, t, lookup, st)  # type: ignore[arg-type]
            elif op.kind == "transfer":
                self._transfer(op, t, limit, occ, st, lookup)
            elif op.kind == "drain":
                self._route(op, st.avail[op.src], st)  # type: ignore[index]
            else:  # inflow
                rate = p[op.rate_param] * self._series(op.series, t) * dt  # type: ignore[index]
                self._route(op, rate * (lookup[op.lookup] if op.lookup else 1.0), st)
        self.x = st.new
        for c in m.capacities.values():
            if c.follow_param is not None:
                occupied = sum(self.x[s] for s in c.stocks)
                gap = occupied / p[c.follow_param] - self.follow[c.name]
                self.follow[c.name] += -math.expm1(-dt / p[c.lag_param]) * gap  # type: ignore[index]
        return {
            "x": dict(self.x),
            "flow": st.flow,
            "demand": st.demand,
            "lookup": lookup,
            "limit": limit,
            "room": room0,
        }

    def _competing(self, stock: str, t: int, lookup: dict, st: _StepState) -> None:
        """All hazard outflows and the stage exit of ``stock`` as competing risks."""
        members = [
            op for op in self.order if op.src == stock and op.kind in ("hazard", "residence")
        ]
        hazard: dict[str, float] = {}
        p_exit, exit_op = 0.0, None
        for op in members:
            mult = self._series(op.series, t) * (lookup[op.lookup] if op.lookup else 1.0)
            rate = self.p[op.rate_param] * op.rate_scale  # type: ignore[index]
            if op.kind == "hazard":
                hazard[op.name] = rate * mult
            else:
                p_exit, exit_op = min(1.0, self.dt * mult / rate), op.name
        k = sum(hazard.values())
        survive = (1.0 - p_exit) * math.exp(-k * self.dt)
        share: dict[str, float] = dict.fromkeys(hazard, 0.0)
        if exit_op is not None and (p_exit >= 1.0 or k == 0.0):
            share[exit_op] = p_exit
        elif exit_op is None:
            share = {n: (1.0 - survive) * h / k for n, h in hazard.items()} if k > 0 else share
        else:
            h_exit = -math.log(1.0 - p_exit) / self.dt
            total_h = h_exit + k
            share = {n: (1.0 - survive) * h / total_h for n, h in hazard.items()}
            share[exit_op] = (1.0 - survive) * h_exit / total_h
        base = min(self.x[stock], st.avail[stock])
        for op in members:
            self._route(op, min(base * share[op.name], st.avail[stock]), st)

    def _route(self, op: Operation, total: float, st: _StepState) -> None:
        """Split ``total`` over the arcs of ``op`` by their shares and move it."""
        remaining = total
        for i, arc in enumerate(op.arcs):
            share = self.p[arc.share_param]
            last = i == len(op.arcs) - 1
            amount = remaining if last and share > 0 else min(total * share, remaining)
            remaining -= amount
            self._move(arc.src, arc.dst, amount, st)
            st.flow[arc.name] = amount

    def _move(self, src: str | None, dst: str | None, amount: float, st: _StepState) -> None:
        if src is not None:
            st.avail[src] -= amount
            st.new[src] -= amount
            cap = self.cap_of.get(src)
            if cap is not None and self.cap_of.get(dst) != cap:  # type: ignore[arg-type]
                if self.m.capacities[cap].convention == "same_step":
                    st.freed[cap] += amount
        if dst is not None:
            st.new[dst] += amount
            if self.m.stocks[dst].same_step:
                st.avail[dst] += amount

    def _transfer(
        self, op: Operation, t: int, limit: dict, occ: dict, st: _StepState, lookup: dict
    ) -> None:
        """Moves ask ``1 - (1 - f z)^dt`` of what is available (``z`` the series times the
        lookup); they share the room.
        """
        cap = self.m.capacities[op.capacity]  # type: ignore[index]
        zt = self._series(op.series, t) * (lookup[op.lookup] if op.lookup else 1.0)
        wants = []
        for arc in op.arcs:
            f = min(1.0, self.p[arc.share_param] * zt)
            per_step = 1.0 if f >= 1.0 else 1.0 - (1.0 - f) ** self.dt
            wants.append(st.avail[arc.src] * per_step)  # type: ignore[index]
            st.demand[arc.name] = wants[-1]
        if cap.name not in st.room:
            if cap.per_day:
                st.room[cap.name] = limit[cap.name] * self.dt
            else:
                free = max(0.0, limit[cap.name] - (occ[cap.name] - st.freed[cap.name]))
                if cap.fill_param is not None:
                    free *= min(1.0, self.dt / self.p[cap.fill_param])
                st.room[cap.name] = free
        free = max(0.0, st.room[cap.name])
        demand = sum(wants)
        ration = 1.0 if demand <= free else free / demand
        for arc, want in zip(op.arcs, wants, strict=True):
            amount = min(want * ration, st.avail[arc.src])  # type: ignore[index]
            self._move(arc.src, arc.dst, amount, st)
            st.flow[arc.name] = amount
            entering = self.cap_of.get(arc.dst) == cap.name != self.cap_of.get(arc.src)  # type: ignore[arg-type]
            if cap.per_day or entering:
                st.room[cap.name] -= amount


@dataclass
class _StepState:
    """What changes within one step."""

    avail: dict[str, float]  # still free to leave this step
    new: dict[str, float]  # the end-of-step census being built
    freed: dict[str, float]  # places freed this step in same-step capacities
    room: dict[str, float]  # free room of each capacity, set at its first transfer
    flow: dict[str, float]
    demand: dict[str, float]
