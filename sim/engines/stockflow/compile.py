"""Compile a :class:`~sim.engines.stockflow.model.Model` into flat arrays for the kernel.

The hazard outflows and the delay-stage exit of a stock form one *group* of competing risks,
stepped together (contiguous in the order, the first member leading). Groups, transfers, drains
and inflows are put in a stable topological order: a transfer or drain drawing from a
``same_step`` stock comes after the operations that feed it; a stock's hazard group comes before
the transfers and drains drawing from it, which keep their declared order (earlier ones have
priority), except transfers declared ``first``, which come before the group (and before the
others); a transfer into a ``same_step`` occupancy capacity comes after the operations that
free places in it (so a bed emptied today can be filled today).
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from sim.engines.stockflow.model import LEDGER, Model, ModelError, _check_value, ledger_reports

# Operation kinds as the kernel sees them.
INFLOW, HAZARD, RESIDENCE, DRAIN, TRANSFER = 0, 1, 2, 3, 4
_KIND = {"inflow": INFLOW, "hazard": HAZARD, "residence": RESIDENCE, "drain": DRAIN}
# Report kinds and statistics over a period.
LEVEL, FLOW, LOOKUP, LIMIT, DEMAND, ROOM = 0, 1, 2, 3, 4, 5
_REPORT_KIND = {
    "level": LEVEL,
    "flow": FLOW,
    "lookup": LOOKUP,
    "limit": LIMIT,
    "demand": DEMAND,
    "room": ROOM,
}
SUM, MEAN, END, MAX, MIN = 0, 1, 2, 3, 4
_REPORT_STAT = {"sum": SUM, "mean": MEAN, "end": END, "max": MAX, "min": MIN}


@dataclass(frozen=True)
class CompiledModel:
    """Flat integer and float arrays describing a model, plus the name maps to read them."""

    model: Model
    param_names: tuple[str, ...]
    stock_names: tuple[str, ...]
    arc_names: tuple[str, ...]
    op_names: tuple[str, ...]
    series_names: tuple[str, ...]  # index 0 is the constant series of ones
    report_index: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # (var, coords) per report
    arrays: dict[str, np.ndarray]
    zero_shares: tuple[str, ...] = ()  # share parameters into a capacity that must stay 0
    memo: dict = field(default_factory=dict, compare=False, repr=False)  # derived, cached

    @property
    def n_stocks(self) -> int:
        """Number of stocks."""
        return len(self.stock_names)

    def default_params(self) -> np.ndarray:
        """The declared default parameter values, shape ``(n_params,)``."""
        return np.array([self.model.params[p].value for p in self.param_names])

    def param_matrix(
        self, values: Mapping[str, float | np.ndarray] | None = None, n_draws: int | None = None
    ) -> np.ndarray:
        """Parameter values for a batch, shape ``(n_draws, n_params)``.

        ``values`` maps parameter names to a scalar (all draws) or an array of one value per
        draw; unnamed parameters take their defaults. Every value is checked against its kind,
        and the routing shares of each operation must sum to 1 in every draw.
        """
        values = dict(values or {})
        unknown = sorted(set(values) - set(self.param_names))
        if unknown:
            raise ModelError(f"unknown parameter(s) {unknown}")
        sizes = {np.size(v) for v in values.values() if np.ndim(v) > 0}
        if n_draws is None:
            n_draws = max(sizes) if sizes else 1
        for name, v in values.items():
            if np.ndim(v) > 0 and np.size(v) != n_draws:
                raise ModelError(f"parameter {name!r}: {np.size(v)} values for {n_draws} draws")
        mat = np.tile(self.default_params(), (n_draws, 1))
        index = {p: i for i, p in enumerate(self.param_names)}
        for name, v in values.items():
            mat[:, index[name]] = np.asarray(v, dtype=float).reshape(-1)
        for j, name in enumerate(self.param_names):
            kind = self.model.params[name].kind
            col = mat[:, j]
            bad = ~np.isfinite(col) | (col < 0)
            if kind == "share":
                bad |= col > 1
            if kind == "positive":
                bad |= col <= 0
            if bad.any():
                _check_value(name, float(col[bad.argmax()]), kind)
        self._check_shares(mat)
        return mat

    def _check_shares(self, mat: np.ndarray) -> None:
        a = self.arrays
        for name in self.zero_shares:
            col = mat[:, self.param_names.index(name)]
            if (col != 0).any():
                raise ModelError(
                    f"parameter {name!r} = {col[(col != 0).argmax()]:g}: a share into a "
                    f"capacity-limited stock must be 0 (people enter it only by a transfer)"
                )
        for o, op in enumerate(self.op_names):
            if a["op_kind"][o] == TRANSFER:
                continue
            cols = a["arc_share"][a["op_arc0"][o] : a["op_arc1"][o]]
            total = mat[:, cols].sum(axis=1)
            bad = np.abs(total - 1.0) > 1e-9
            if bad.any():
                d = int(bad.argmax())
                shares = {self.param_names[c]: float(mat[d, c]) for c in cols}
                raise ModelError(
                    f"routing shares of {op!r} sum to {total[d]:.12g} in draw {d}, not 1: {shares}"
                )

    def initial_stocks(self, params: np.ndarray) -> np.ndarray:
        """Initial stock values per draw, shape ``(n_draws, n_stocks)``."""
        a = self.arrays
        return params[:, a["stock_init_param"]] * a["stock_init_weight"][None, :]

    def series_array(
        self, values: Mapping[str, np.ndarray] | None, n_steps: int, n_draws: int
    ) -> np.ndarray:
        """Per-step inputs, shape ``(1 or n_draws, n_series, n_steps)``; missing series are ones.

        Each value is an array of ``n_steps`` (shared by all draws) or ``(n_draws, n_steps)``.
        """
        values = dict(values or {})
        unknown = sorted(set(values) - set(self.series_names[1:]))
        if unknown:
            raise ModelError(f"unknown series {unknown}; declared: {list(self.series_names[1:])}")
        per_draw = any(np.ndim(v) == 2 for v in values.values())
        z = np.ones((n_draws if per_draw else 1, len(self.series_names), n_steps))
        for name, v in values.items():
            arr = np.asarray(v, dtype=float)
            if arr.ndim not in (1, 2) or arr.shape[-1] != n_steps:
                raise ModelError(
                    f"series {name!r}: shape {arr.shape}, expected ({n_steps},) or "
                    f"({n_draws}, {n_steps})"
                )
            if arr.ndim == 2 and arr.shape[0] != n_draws:
                raise ModelError(f"series {name!r}: {arr.shape[0]} rows for {n_draws} draws")
            if not np.all(np.isfinite(arr)) or (arr < 0).any():
                raise ModelError(f"series {name!r}: values must be finite and >= 0")
            z[:, self.series_names.index(name), :] = arr
        return z


def compile_model(model: Model) -> CompiledModel:
    """Check a declaration and turn it into flat arrays (see module docstring for ordering)."""
    stocks = list(model.stocks)
    s_ix = {s: i for i, s in enumerate(stocks)}
    params = list(model.params)
    p_ix = {p: i for i, p in enumerate(params)}
    caps = list(model.capacities)
    c_ix = {c: i for i, c in enumerate(caps)}
    lks = list(model.lookups)
    l_ix = {k: i for i, k in enumerate(lks)}
    series = ["<ones>", *model.series_names]
    z_ix = {z: i for i, z in enumerate(series)}

    for op in model.operations.values():  # lookups may be declared after their users
        if op.lookup is not None and op.lookup not in l_ix:
            raise ModelError(f"{op.name!r}: unknown lookup {op.lookup!r}")
    stock_cap = np.full(len(stocks), -1, dtype=np.int64)
    for c, cap in model.capacities.items():
        for s in cap.stocks:
            stock_cap[s_ix[s]] = c_ix[c]
    zero_shares = _check_capacity_entries(model, stock_cap, s_ix)

    order = _operation_order(model)
    ops = [model.operations[o] for o in order]
    arcs = [a for op in ops for a in op.arcs]
    arc_ix = {a.name: i for i, a in enumerate(arcs)}
    op_arc0 = np.zeros(len(ops), dtype=np.int64)
    op_arc1 = np.zeros(len(ops), dtype=np.int64)
    k = 0
    for o, op in enumerate(ops):
        op_arc0[o], op_arc1[o] = k, k + len(op.arcs)
        k += len(op.arcs)

    def idx(table: Mapping[str, int], key: str | None) -> int:
        return -1 if key is None else table[key]

    arrays: dict[str, np.ndarray] = {
        "stock_same_step": np.array([model.stocks[s].same_step for s in stocks], dtype=np.bool_),
        "stock_cap": stock_cap,
        "stock_init_param": np.array([p_ix[model.stocks[s].initial_param] for s in stocks]),
        "stock_init_weight": np.array([model.stocks[s].initial_weight for s in stocks]),
        "op_kind": np.array(
            [TRANSFER if op.kind == "transfer" else _KIND[op.kind] for op in ops], dtype=np.int64
        ),
        "op_src": np.array([idx(s_ix, op.src) for op in ops], dtype=np.int64),
        "op_param": np.array([idx(p_ix, op.rate_param) for op in ops], dtype=np.int64),
        "op_scale": np.array([op.rate_scale for op in ops], dtype=np.float64),
        "op_series": np.array([z_ix[op.series] if op.series else 0 for op in ops], np.int64),
        "op_lookup": np.array([idx(l_ix, op.lookup) for op in ops], dtype=np.int64),
        "op_cap": np.array([idx(c_ix, op.capacity) for op in ops], dtype=np.int64),
        "op_arc0": op_arc0,
        "op_arc1": op_arc1,
        "op_group_end": _group_ends(ops),
        "arc_src": np.array([idx(s_ix, a.src) for a in arcs], dtype=np.int64),
        "arc_dst": np.array([idx(s_ix, a.dst) for a in arcs], dtype=np.int64),
        "arc_share": np.array([p_ix[a.share_param] for a in arcs], dtype=np.int64),
        # Capacity groups an arc leaves / enters (-1 when it stays within its group). Leaving a
        # start-of-step capacity frees no place within the step, so it is not counted.
        "arc_cap_out": np.array(
            [_crossing(a.src, a.dst, stock_cap, s_ix, model, caps, leaving=True) for a in arcs],
            np.int64,
        ),
        "arc_cap_in": np.array(
            [_crossing(a.dst, a.src, stock_cap, s_ix, model, caps) for a in arcs], np.int64
        ),
        "cap_per_day": np.array([model.capacities[c].per_day for c in caps], dtype=np.bool_),
        "cap_param": np.array([p_ix[model.capacities[c].limit_param] for c in caps], np.int64),
        "cap_fill": np.array(
            [idx(p_ix, model.capacities[c].fill_param) for c in caps], dtype=np.int64
        ),
        "cap_follow": np.array(
            [idx(p_ix, model.capacities[c].follow_param) for c in caps], dtype=np.int64
        ),
        "cap_lag": np.array(
            [idx(p_ix, model.capacities[c].lag_param) for c in caps], dtype=np.int64
        ),
        "cap_series": np.array(
            [z_ix[model.capacities[c].series] if model.capacities[c].series else 0 for c in caps],
            dtype=np.int64,
        ),
    }
    arrays.update(_lookup_arrays(model, lks, s_ix, c_ix))
    reports, report_index = _reports_with_ledger(model, arcs)
    arrays.update(_report_arrays(reports, s_ix, arc_ix, l_ix, c_ix))
    for key in ("stock_init_param",):
        arrays[key] = arrays[key].astype(np.int64)
    return CompiledModel(
        model=model,
        param_names=tuple(params),
        stock_names=tuple(stocks),
        arc_names=tuple(a.name for a in arcs),
        op_names=tuple(order),
        series_names=tuple(series),
        report_index=tuple(report_index),
        arrays=arrays,
        zero_shares=tuple(zero_shares),
    )


def _group_ends(ops: list) -> np.ndarray:
    """Per operation: for the first hazard/residence operation on a stock, the index past the
    last of its group (they are contiguous); -1 for the other members; ``o + 1`` otherwise.
    """
    ends = np.arange(1, len(ops) + 1, dtype=np.int64)
    o = 0
    while o < len(ops):
        if ops[o].kind in ("hazard", "residence"):
            end = o + 1
            while end < len(ops) and _group_key(ops[end]) == _group_key(ops[o]):
                ends[end] = -1
                end += 1
            ends[o] = end
            o = end
        else:
            o += 1
    return ends


def _group_key(op) -> str | None:
    """The stock whose competing-risk group ``op`` belongs to, or None."""
    return op.src if op.kind in ("hazard", "residence") else None


def _crossing(
    here: str | None,
    there: str | None,
    stock_cap: np.ndarray,
    s_ix,
    model: Model,
    caps: list[str],
    *,
    leaving: bool = False,
) -> int:
    """The capacity group of ``here`` if an arc between ``here`` and ``there`` crosses its
    boundary, else -1 (and -1 for leaving a ``start_of_step`` capacity).
    """
    if here is None:
        return -1
    c_here = int(stock_cap[s_ix[here]])
    c_there = int(stock_cap[s_ix[there]]) if there is not None else -1
    if c_here < 0 or c_here == c_there:
        return -1
    if leaving and model.capacities[caps[c_here]].convention == "start_of_step":
        return -1
    return c_here


def _check_capacity_entries(
    model: Model, stock_cap: np.ndarray, s_ix: Mapping[str, int]
) -> list[str]:
    """Only transfers may bring people into an occupancy capacity from outside it (a routing
    share of exactly 0 is allowed); returns the share parameters that must stay 0.
    """
    zero_shares: list[str] = []
    for op in model.operations.values():
        if op.kind == "transfer":
            cap = model.capacities[op.capacity]  # type: ignore[index]
            for a in op.arcs:
                if not cap.per_day and a.dst not in cap.stocks:
                    raise ModelError(
                        f"transfer {op.name!r} uses capacity {cap.name!r} but moves into "
                        f"{a.dst!r}, which is not one of its stocks"
                    )
                c_dst = stock_cap[s_ix[a.dst]]
                if cap.per_day and c_dst >= 0 and c_dst != stock_cap[s_ix[a.src]]:
                    raise ModelError(
                        f"transfer {op.name!r} moves into {a.dst!r}, which is limited by "
                        f"capacity {list(model.capacities)[c_dst]!r}; a move into it must be a "
                        f"transfer using that capacity, not the per-day capacity {cap.name!r}"
                    )
            continue
        for a in op.arcs:
            if a.dst is None:
                continue
            c_dst = stock_cap[s_ix[a.dst]]
            c_src = stock_cap[s_ix[a.src]] if a.src is not None else -1
            if c_dst >= 0 and c_dst != c_src:
                if len(op.arcs) > 1 and model.params[a.share_param].value == 0.0:
                    zero_shares.append(a.share_param)
                    continue
                raise ModelError(
                    f"flow {a.name!r} enters capacity-limited stock {a.dst!r} without a capacity "
                    f"check; use a transfer (or give it a routing share of 0)"
                )
    return zero_shares


def _operation_order(model: Model) -> list[str]:
    """Stable topological order of operations (see module docstring); raises on a cycle.

    Each stock's hazard group is one node (at the position of its first member); the result
    lists the members of a group together, sorted by name.
    """
    ops = model.operations
    node_of: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    lead_of: dict[str, str] = {}  # stock -> first hazard/residence operation drawing on it
    for n, op in ops.items():
        key = _group_key(op)
        node_of[n] = lead_of.setdefault(key, n) if key is not None else n
        members.setdefault(node_of[n], []).append(n)
    names = list(members)
    pos = {n: i for i, n in enumerate(names)}
    edges: dict[str, set[str]] = {n: set() for n in names}
    group: dict[str, str] = {}  # stock -> its hazard group node
    takers: dict[str, list[str]] = {}  # stock -> transfer/drain nodes drawing on it, declared order
    for n in names:
        op = ops[n]
        if _group_key(op) is not None:
            group[op.src] = n  # type: ignore[index]
            continue
        for src in dict.fromkeys(a.src for a in op.arcs if a.src is not None):
            takers.setdefault(src, []).append(n)
    for n, op in ops.items():
        for a in op.arcs:
            if a.dst is not None and model.stocks[a.dst].same_step:
                for m in takers.get(a.dst, []):
                    if m != node_of[n]:
                        edges[node_of[n]].add(m)
    for src, nodes in takers.items():
        early = [n for n in nodes if ops[n].first]  # before the source's hazards (first=True)
        late = [n for n in nodes if not ops[n].first]
        if src in group:
            for n in early:
                edges[n].add(group[src])
            edges[group[src]].update(late)
        chain = early + late
        for first, second in zip(chain, chain[1:], strict=False):
            edges[first].add(second)
    for n, op in ops.items():
        if op.kind != "transfer":
            continue
        cap = model.capacities[op.capacity]  # type: ignore[index]
        if cap.convention != "same_step":
            continue
        stocks = set(cap.stocks)
        for m, other in ops.items():
            if node_of[m] != n and any(a.src in stocks and a.dst not in stocks for a in other.arcs):
                edges[node_of[m]].add(n)
    indeg = {n: 0 for n in names}
    for n in names:
        for m in edges[n]:
            indeg[m] += 1
    heap = [(pos[n], n) for n in names if indeg[n] == 0]
    heapq.heapify(heap)
    order = []
    while heap:
        _, n = heapq.heappop(heap)
        # A group's members in name order: sums over them do not depend on declaration order.
        order.extend(sorted(members[n]) if _group_key(ops[n]) is not None else members[n])
        for m in edges[n]:
            indeg[m] -= 1
            if indeg[m] == 0:
                heapq.heappush(heap, (pos[m], m))
    if len(order) != len(ops):
        stuck = sorted((n for n in names if indeg[n] > 0), key=pos.get)
        raise ModelError(f"operations depend on each other within a step (a cycle): {stuck[:8]}")
    return order


def _lookup_arrays(model, lks, s_ix, c_ix) -> dict[str, np.ndarray]:
    t0, t1, stock, weight, cap, p0, p1, xs, ys = [], [], [], [], [], [], [], [], []
    for name in lks:
        lk = model.lookups[name]
        t0.append(len(stock))
        for s, w in lk.terms:
            stock.append(s_ix[s] if s in s_ix else -1 - c_ix[s])  # < 0: a capacity's occupancy
            weight.append(w)
        t1.append(len(stock))
        cap.append(-1 if lk.per_capacity is None else c_ix[lk.per_capacity])
        p0.append(len(xs))
        xs.extend(lk.xs)
        ys.extend(lk.ys)
        p1.append(len(xs))
    i64 = np.int64
    return {
        "lk_t0": np.array(t0, i64),
        "lk_t1": np.array(t1, i64),
        "lk_stock": np.array(stock, i64),
        "lk_weight": np.array(weight, np.float64),
        "lk_cap": np.array(cap, i64),
        "lk_p0": np.array(p0, i64),
        "lk_p1": np.array(p1, i64),
        "lk_xs": np.array(xs, np.float64),
        "lk_ys": np.array(ys, np.float64),
    }


def _reports_with_ledger(model: Model, arcs) -> tuple[list, list]:
    """The conservation ledger and the model's reports, checked for clashing cells."""
    ledger = ledger_reports(list(model.stocks), arcs)
    assert set(r.var for r in ledger) == set(LEDGER)
    reports = ledger + list(model.reports)
    seen: dict[str, tuple[str, ...]] = {}
    cells = set()
    for r in reports:
        dims = tuple(d for d, _ in r.coords)
        if seen.setdefault(r.var, dims) != dims:
            raise ModelError(f"variable {r.var!r}: reports disagree on dimensions {dims}")
        if (r.var, r.coords) in cells:
            raise ModelError(f"variable {r.var!r}: cell {dict(r.coords)} is reported twice")
        cells.add((r.var, r.coords))
    return reports, [(r.var, r.coords) for r in reports]


def _report_arrays(reports, s_ix, arc_ix, l_ix, c_ix) -> dict[str, np.ndarray]:
    kind, stat, t0, t1, target, weight, lookup = [], [], [], [], [], [], []
    for r in reports:
        kind.append(_REPORT_KIND[r.kind])
        stat.append(_REPORT_STAT[r.stat])
        t0.append(len(target))
        table = {
            "level": s_ix,
            "flow": arc_ix,
            "demand": arc_ix,
            "lookup": l_ix,
            "limit": c_ix,
            "room": c_ix,
        }[r.kind]
        for name, w, lk in r.terms:
            target.append(table[name])
            weight.append(w)
            lookup.append(-1 if lk is None else l_ix[lk])
        t1.append(len(target))
    i64 = np.int64
    return {
        "rep_kind": np.array(kind, i64),
        "rep_stat": np.array(stat, i64),
        "rep_t0": np.array(t0, i64),
        "rep_t1": np.array(t1, i64),
        "rep_target": np.array(target, i64),
        "rep_weight": np.array(weight, np.float64),
        "rep_lookup": np.array(lookup, i64),
    }
