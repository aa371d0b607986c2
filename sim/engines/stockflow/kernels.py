"""The compiled stepping kernel: pure functions over flat float64/int64 arrays.

No Python objects, no configuration and no random numbers here: everything arrives as arrays
(see :mod:`sim.engines.stockflow.compile`). One draw is stepped by :func:`simulate_draw`; a batch
runs in parallel with ``prange`` over draws, each draw independent, so draw ``i`` of a batch is
bit-for-bit the same as a single run with the same parameters.

Within a step, every operation reads the stocks as they were at the start of the step (``x``)
and takes people only from what is still *available* (``avail``), so no stock can go negative
whatever the parameters; inflows are added to the end-of-step state (``x_new``) and become
available in the same step only for ``same_step`` stocks.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

INFLOW, HAZARD, RESIDENCE, DRAIN, TRANSFER = 0, 1, 2, 3, 4
LEVEL_END, LEVEL_MEAN, FLOW, LOOKUP, LIMIT = 0, 1, 2, 3, 4


@njit(cache=True, inline="always")
def _interp(v: float, xs: np.ndarray, ys: np.ndarray, p0: int, p1: int) -> float:
    """Piecewise-linear table lookup, flat beyond the first and last points."""
    if p1 - p0 == 1 or v <= xs[p0]:
        return ys[p0]
    if v >= xs[p1 - 1]:
        return ys[p1 - 1]
    i = p0
    while xs[i + 1] < v:
        i += 1
    w = (v - xs[i]) / (xs[i + 1] - xs[i])
    return ys[i] + w * (ys[i + 1] - ys[i])


@njit(cache=True)
def simulate_draw(
    b, P, X0, Z, dt, n_steps, record_every, out, final,
    stock_same_step, stock_cap,
    op_kind, op_src, op_param, op_scale, op_series, op_lookup, op_cap, op_arc0, op_arc1,
    arc_src, arc_dst, arc_share,
    cap_per_day, cap_param, cap_series,
    lk_t0, lk_t1, lk_stock, lk_weight, lk_cap, lk_p0, lk_p1, lk_xs, lk_ys,
    rep_kind, rep_t0, rep_t1, rep_target, rep_weight, rep_lookup,
):  # fmt: skip
    """Step draw ``b`` for ``n_steps``; write its reports into ``out[b]``, its last state into
    ``final[b]``.
    """
    n_stocks = X0.shape[1]
    n_ops = op_kind.shape[0]
    n_caps = cap_param.shape[0]
    n_lk = lk_t0.shape[0]
    n_rep = rep_kind.shape[0]
    zb = np.int64(b) if Z.shape[0] > 1 else np.int64(0)

    x = X0[b].copy()
    x_new = np.empty(n_stocks)
    avail = np.empty(n_stocks)
    flow = np.zeros(arc_src.shape[0])
    level = np.zeros(n_caps)
    limit = np.zeros(n_caps)
    room = np.zeros(n_caps)
    lk_val = np.zeros(n_lk)
    acc = np.zeros(n_rep)
    steps_in_period = 0

    for t in range(n_steps):
        # Capacities: limits this step, current occupancy, per-day allowances.
        for c in range(n_caps):
            limit[c] = P[b, cap_param[c]] * Z[zb, cap_series[c], t]
            room[c] = limit[c] * dt
            level[c] = 0.0
        for s in range(n_stocks):
            c = stock_cap[s]
            if c >= 0:
                level[c] += x[s]
        # Lookups, from the start-of-step state.
        for k in range(n_lk):
            v = 0.0
            for j in range(lk_t0[k], lk_t1[k]):
                v += lk_weight[j] * x[lk_stock[j]]
            c = lk_cap[k]
            if c >= 0:
                v = v / limit[c] if limit[c] > 0.0 else math.inf
            lk_val[k] = _interp(v, lk_xs, lk_ys, lk_p0[k], lk_p1[k])
        for s in range(n_stocks):
            avail[s] = x[s]
            x_new[s] = x[s]

        for o in range(n_ops):
            kind = op_kind[o]
            a0 = op_arc0[o]
            a1 = op_arc1[o]
            if kind == TRANSFER:
                c = op_cap[o]
                zt = Z[zb, op_series[o], t]
                demand = 0.0
                for f in range(a0, a1):
                    d = avail[arc_src[f]] * P[b, arc_share[f]] * zt
                    if d > avail[arc_src[f]]:
                        d = avail[arc_src[f]]
                    flow[f] = d
                    demand += d
                free = room[c] if cap_per_day[c] else limit[c] - level[c]
                if free < 0.0:
                    free = 0.0
                frac = 1.0 if demand <= free else free / demand
                moved = 0.0
                for f in range(a0, a1):
                    s = arc_src[f]
                    d = arc_dst[f]
                    a = flow[f] * frac
                    if a > avail[s]:
                        a = avail[s]
                    flow[f] = a
                    moved += a
                    avail[s] -= a
                    x_new[s] -= a
                    x_new[d] += a
                    if stock_same_step[d]:
                        avail[d] += a
                    cs = stock_cap[s]
                    cd = stock_cap[d]
                    if cs != cd:
                        if cs >= 0:
                            level[cs] -= a
                        if cd >= 0:
                            level[cd] += a
                if cap_per_day[c]:
                    room[c] -= moved
                continue

            s = op_src[o]
            if kind == DRAIN:
                total = avail[s]
            else:
                rate = P[b, op_param[o]] * op_scale[o]
                mult = Z[zb, op_series[o], t]
                if op_lookup[o] >= 0:
                    mult *= lk_val[op_lookup[o]]
                if kind == INFLOW:
                    total = rate * mult * dt
                else:
                    base = avail[s] if stock_same_step[s] else x[s]
                    if kind == HAZARD:
                        total = -base * math.expm1(-rate * mult * dt)
                    else:  # RESIDENCE: rate is the mean residence of one stage, days
                        p = dt * mult / rate
                        if p > 1.0:
                            p = 1.0
                        total = base * p
                    if total > avail[s]:
                        total = avail[s]
            remaining = total
            for f in range(a0, a1):
                if f == a1 - 1:
                    a = remaining
                else:
                    a = total * P[b, arc_share[f]]
                    if a > remaining:
                        a = remaining
                remaining -= a
                flow[f] = a
                d = arc_dst[f]
                cs = -1
                if s >= 0:
                    avail[s] -= a
                    x_new[s] -= a
                    cs = stock_cap[s]
                cd = -1
                if d >= 0:
                    x_new[d] += a
                    if stock_same_step[d]:
                        avail[d] += a
                    cd = stock_cap[d]
                if cs != cd:
                    if cs >= 0:
                        level[cs] -= a
                    if cd >= 0:
                        level[cd] += a

        for s in range(n_stocks):
            x[s] = x_new[s]

        # Reports: accumulate this step; write at the end of each period.
        steps_in_period += 1
        period_end = steps_in_period == record_every or t == n_steps - 1
        period = t // record_every
        for r in range(n_rep):
            kind = rep_kind[r]
            if kind == LEVEL_END and not period_end:
                continue
            v = 0.0
            for j in range(rep_t0[r], rep_t1[r]):
                i = rep_target[j]
                if kind == FLOW:
                    w = rep_weight[j] * flow[i]
                    if rep_lookup[j] >= 0:
                        w *= lk_val[rep_lookup[j]]
                    v += w
                elif kind == LOOKUP:
                    v += rep_weight[j] * lk_val[i]
                elif kind == LIMIT:
                    v += rep_weight[j] * limit[i]
                else:
                    v += rep_weight[j] * x[i]
            if kind == LEVEL_END:
                out[b, r, period] = v
            else:
                acc[r] += v
        if period_end:
            for r in range(n_rep):
                kind = rep_kind[r]
                if kind == FLOW:
                    out[b, r, period] = acc[r]
                elif kind != LEVEL_END:
                    out[b, r, period] = acc[r] / steps_in_period
                acc[r] = 0.0
            steps_in_period = 0
    for s in range(n_stocks):
        final[b, s] = x[s]


@njit(parallel=True, cache=True)
def simulate_batch(
    P, X0, Z, dt, n_steps, record_every, out, final,
    stock_same_step, stock_cap,
    op_kind, op_src, op_param, op_scale, op_series, op_lookup, op_cap, op_arc0, op_arc1,
    arc_src, arc_dst, arc_share,
    cap_per_day, cap_param, cap_series,
    lk_t0, lk_t1, lk_stock, lk_weight, lk_cap, lk_p0, lk_p1, lk_xs, lk_ys,
    rep_kind, rep_t0, rep_t1, rep_target, rep_weight, rep_lookup,
):  # fmt: skip
    """Step every draw of a batch in parallel (``prange`` over draws)."""
    for b in prange(P.shape[0]):
        simulate_draw(
            b, P, X0, Z, dt, n_steps, record_every, out, final,
            stock_same_step, stock_cap,
            op_kind, op_src, op_param, op_scale, op_series, op_lookup, op_cap, op_arc0,
            op_arc1, arc_src, arc_dst, arc_share,
            cap_per_day, cap_param, cap_series,
            lk_t0, lk_t1, lk_stock, lk_weight, lk_cap, lk_p0, lk_p1, lk_xs, lk_ys,
            rep_kind, rep_t0, rep_t1, rep_target, rep_weight, rep_lookup,
        )  # fmt: skip


KERNEL_ARRAYS = (
    "stock_same_step", "stock_cap",
    "op_kind", "op_src", "op_param", "op_scale", "op_series", "op_lookup", "op_cap",
    "op_arc0", "op_arc1",
    "arc_src", "arc_dst", "arc_share",
    "cap_per_day", "cap_param", "cap_series",
    "lk_t0", "lk_t1", "lk_stock", "lk_weight", "lk_cap", "lk_p0", "lk_p1", "lk_xs", "lk_ys",
    "rep_kind", "rep_t0", "rep_t1", "rep_target", "rep_weight", "rep_lookup",
)  # fmt: skip
"""The compiled arrays, in the order the kernels take them after the leading arguments."""
