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


@njit(cache=True, inline="always")
def _step_fraction(kind: int, rate: float, mult: float, dt: float) -> float:
    """Share of a stock leaving in one step: exact ``1 - exp(-k dt)`` for a hazard ``k`` per
    day; ``dt / stage_days`` (at most 1) for a delay stage, whose ``rate`` is its mean days.
    ``mult`` scales the rate (hazard) or the speed (stage).
    """
    if kind == HAZARD:
        return -math.expm1(-rate * mult * dt)
    p = dt * mult / rate
    return 1.0 if p > 1.0 else p


@njit(cache=True)
def simulate_draw(
    b, P, X0, Z, dt, n_steps, record_every, out, final,
    stock_same_step, stock_cap,
    op_kind, op_src, op_param, op_scale, op_series, op_lookup, op_cap, op_arc0, op_arc1,
    arc_src, arc_dst, arc_share, arc_cap_out, arc_cap_in,
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
    n_arcs = arc_src.shape[0]
    flow_acc = np.zeros(n_arcs)
    level_acc = np.zeros(n_stocks)
    lk_acc = np.zeros(n_lk)
    limit_acc = np.zeros(n_caps)
    rep_stepwise = np.zeros(n_rep, dtype=np.bool_)
    for r in range(n_rep):
        for j in range(rep_t0[r], rep_t1[r]):
            if rep_lookup[j] >= 0:
                rep_stepwise[r] = True
    steps_in_period = 0
    share = np.empty(n_arcs)  # routing shares / transfer fractions of this draw, contiguous
    for f in range(n_arcs):
        share[f] = P[b, arc_share[f]]
    # Fractions of hazard and residence operations with constant rates: once per draw.
    step_frac = np.full(n_ops, -1.0)
    for o in range(n_ops):
        if op_series[o] == 0 and op_lookup[o] < 0:
            rate = P[b, op_param[o]] * op_scale[o]
            if op_kind[o] == HAZARD:
                step_frac[o] = _step_fraction(HAZARD, rate, 1.0, dt)
            elif op_kind[o] == RESIDENCE:
                step_frac[o] = _step_fraction(RESIDENCE, rate, 1.0, dt)

    # State at the start of a step: x (census), avail (still free to leave), x_new (end of
    # step, built up by moves) and the occupancy of each capacity; refreshed in one pass at the
    # end of every step.
    level_next = np.zeros(n_caps)
    for s in range(n_stocks):
        avail[s] = x[s]
        x_new[s] = x[s]
        if stock_cap[s] >= 0:
            level_next[stock_cap[s]] += x[s]

    for t in range(n_steps):
        # Capacities: limits this step, current occupancy, per-day allowances.
        for c in range(n_caps):
            limit[c] = P[b, cap_param[c]] * Z[zb, cap_series[c], t]
            room[c] = limit[c] * dt
            level[c] = level_next[c]
        # Lookups, from the start-of-step state (a term below 0 is a capacity's occupancy).
        for k in range(n_lk):
            v = 0.0
            for j in range(lk_t0[k], lk_t1[k]):
                i = lk_stock[j]
                v += lk_weight[j] * (x[i] if i >= 0 else level[-1 - i])
            c = lk_cap[k]
            if c >= 0:
                v = v / limit[c] if limit[c] > 0.0 else math.inf
            lk_val[k] = _interp(v, lk_xs, lk_ys, lk_p0[k], lk_p1[k])

        for o in range(n_ops):
            kind = op_kind[o]
            a0 = op_arc0[o]
            a1 = op_arc1[o]
            if kind == TRANSFER:
                c = op_cap[o]
                zt = Z[zb, op_series[o], t]
                demand = 0.0
                for f in range(a0, a1):
                    d = avail[arc_src[f]] * share[f] * zt
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
                    flow_acc[f] += a
                    moved += a
                    avail[s] -= a
                    x_new[s] -= a
                    x_new[d] += a
                    if stock_same_step[d]:
                        avail[d] += a
                    if arc_cap_out[f] >= 0:
                        level[arc_cap_out[f]] -= a
                    if arc_cap_in[f] >= 0:
                        level[arc_cap_in[f]] += a
                if cap_per_day[c]:
                    room[c] -= moved
                continue

            s = op_src[o]
            if kind == DRAIN:
                total = avail[s]
            elif kind == INFLOW:
                total = P[b, op_param[o]] * op_scale[o] * Z[zb, op_series[o], t] * dt
            else:
                f = step_frac[o]
                if f < 0.0:
                    mult = Z[zb, op_series[o], t]
                    if op_lookup[o] >= 0:
                        mult *= lk_val[op_lookup[o]]
                    f = _step_fraction(kind, P[b, op_param[o]] * op_scale[o], mult, dt)
                total = (avail[s] if stock_same_step[s] else x[s]) * f
                if total > avail[s]:
                    total = avail[s]
            remaining = total
            for f in range(a0, a1):
                if f == a1 - 1:
                    a = remaining
                else:
                    a = total * share[f]
                    if a > remaining:
                        a = remaining
                remaining -= a
                flow[f] = a
                flow_acc[f] += a
                d = arc_dst[f]
                if s >= 0:
                    avail[s] -= a
                    x_new[s] -= a
                if d >= 0:
                    x_new[d] += a
                    if stock_same_step[d]:
                        avail[d] += a
                if arc_cap_out[f] >= 0:
                    level[arc_cap_out[f]] -= a
                if arc_cap_in[f] >= 0:
                    level[arc_cap_in[f]] += a

        # One pass: commit the census, free it for the next step, accumulate levels and
        # capacity occupancy. Reports are linear in flows (accumulated as they move), levels,
        # lookups and limits, so they are evaluated once per period; only flows weighted by a
        # lookup (e.g. handover minutes per conveyance) are multiplied step by step.
        for c in range(n_caps):
            level_next[c] = 0.0
        for s in range(n_stocks):
            v = x_new[s]
            x[s] = v
            avail[s] = v
            level_acc[s] += v
            if stock_cap[s] >= 0:
                level_next[stock_cap[s]] += v
        steps_in_period += 1
        for k in range(n_lk):
            lk_acc[k] += lk_val[k]
        for c in range(n_caps):
            limit_acc[c] += limit[c]
        for r in range(n_rep):
            if rep_stepwise[r]:
                v = 0.0
                for j in range(rep_t0[r], rep_t1[r]):
                    w = rep_weight[j] * flow[rep_target[j]]
                    if rep_lookup[j] >= 0:
                        w *= lk_val[rep_lookup[j]]
                    v += w
                acc[r] += v
        if steps_in_period == record_every or t == n_steps - 1:
            period = t // record_every
            for r in range(n_rep):
                kind = rep_kind[r]
                if rep_stepwise[r]:
                    out[b, r, period] = acc[r]
                    acc[r] = 0.0
                    continue
                v = 0.0
                for j in range(rep_t0[r], rep_t1[r]):
                    i = rep_target[j]
                    if kind == FLOW:
                        v += rep_weight[j] * flow_acc[i]
                    elif kind == LEVEL_END:
                        v += rep_weight[j] * x[i]
                    elif kind == LEVEL_MEAN:
                        v += rep_weight[j] * level_acc[i]
                    elif kind == LOOKUP:
                        v += rep_weight[j] * lk_acc[i]
                    else:  # LIMIT
                        v += rep_weight[j] * limit_acc[i]
                if kind == FLOW or kind == LEVEL_END:
                    out[b, r, period] = v
                else:
                    out[b, r, period] = v / steps_in_period
            flow_acc[:] = 0.0
            level_acc[:] = 0.0
            lk_acc[:] = 0.0
            limit_acc[:] = 0.0
            steps_in_period = 0
    for s in range(n_stocks):
        final[b, s] = x[s]


@njit(parallel=True, cache=True)
def simulate_batch(
    P, X0, Z, dt, n_steps, record_every, out, final,
    stock_same_step, stock_cap,
    op_kind, op_src, op_param, op_scale, op_series, op_lookup, op_cap, op_arc0, op_arc1,
    arc_src, arc_dst, arc_share, arc_cap_out, arc_cap_in,
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
            op_arc1, arc_src, arc_dst, arc_share, arc_cap_out, arc_cap_in,
            cap_per_day, cap_param, cap_series,
            lk_t0, lk_t1, lk_stock, lk_weight, lk_cap, lk_p0, lk_p1, lk_xs, lk_ys,
            rep_kind, rep_t0, rep_t1, rep_target, rep_weight, rep_lookup,
        )  # fmt: skip


KERNEL_ARRAYS = (
    "stock_same_step", "stock_cap",
    "op_kind", "op_src", "op_param", "op_scale", "op_series", "op_lookup", "op_cap",
    "op_arc0", "op_arc1",
    "arc_src", "arc_dst", "arc_share", "arc_cap_out", "arc_cap_in",
    "cap_per_day", "cap_param", "cap_series",
    "lk_t0", "lk_t1", "lk_stock", "lk_weight", "lk_cap", "lk_p0", "lk_p1", "lk_xs", "lk_ys",
    "rep_kind", "rep_t0", "rep_t1", "rep_target", "rep_weight", "rep_lookup",
)  # fmt: skip
"""The compiled arrays, in the order the kernels take them after the leading arguments."""
