"""The compiled stepping kernel: pure functions over flat float64/int64 arrays.

No Python objects, no configuration and no random numbers here: everything arrives as arrays
(see :mod:`sim.engines.stockflow.compile`). One draw is stepped by :func:`simulate_draw`; a batch
runs in parallel with ``prange`` over draws, each draw independent, so draw ``i`` of a batch is
bit-for-bit the same as a single run with the same parameters.

Within a step, hazards read the stocks as they were at the start of the step (``x``); every
operation takes people only from what is still *available* (``avail``), so no stock can go
negative whatever the parameters; inflows are added to the end-of-step state (``x_new``) and
become available in the same step only for ``same_step`` stocks.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

INFLOW, HAZARD, RESIDENCE, DRAIN, TRANSFER = 0, 1, 2, 3, 4
LEVEL, FLOW, LOOKUP, LIMIT, DEMAND, ROOM = 0, 1, 2, 3, 4, 5
SUM, MEAN, END, MAX, MIN = 0, 1, 2, 3, 4


@njit(cache=True, inline="always")
def _interp(v: float, xs: np.ndarray, ys: np.ndarray, p0: int, p1: int) -> float:
    """Piecewise-linear table lookup, flat beyond the first and last points."""
    if p1 - p0 == 1 or v <= xs[p0]:
        y = ys[p0]
    elif v >= xs[p1 - 1]:
        y = ys[p1 - 1]
    else:
        i = p0
        while xs[i + 1] < v:
            i += 1
        w = (v - xs[i]) / (xs[i + 1] - xs[i])
        y = ys[i] + w * (ys[i + 1] - ys[i])
    return y


@njit(cache=True, inline="always")
def _group_fractions(o, end, rates, mults, op_kind, dt, frac):
    """Competing risks of one stock: write into ``frac[o:end]`` the share of the stock each
    member takes this step.

    Hazards ``k_i = rate x mult`` per day; a delay stage leaves with probability
    ``p = dt x mult / stage_days`` (at most 1), the hazard ``-ln(1 - p) / dt``. Together a
    fraction ``1 - (1 - p) exp(-K dt)`` leaves, split in proportion to the hazards.
    """
    k_sum = 0.0
    p = 0.0
    r = -1
    for m in range(o, end):
        if op_kind[m] == HAZARD:
            frac[m] = rates[m] * mults[m]
            k_sum += frac[m]
        else:
            p = dt * mults[m] / rates[m]
            if p > 1.0:
                p = 1.0
            r = m
    if r < 0:
        total = -math.expm1(-k_sum * dt) if k_sum > 0.0 else 0.0
        for m in range(o, end):
            frac[m] = total * (frac[m] / k_sum) if k_sum > 0.0 else 0.0
    elif k_sum == 0.0 or p >= 1.0:
        for m in range(o, end):
            frac[m] = 0.0
        frac[r] = p
    else:
        h_r = -math.log1p(-p) / dt
        h_sum = h_r + k_sum
        total = p + (1.0 - p) * -math.expm1(-k_sum * dt)
        for m in range(o, end):
            frac[m] = total * (frac[m] / h_sum)
        frac[r] = total * (h_r / h_sum)


@njit(cache=True, inline="always")
def _per_step(g: float, dt: float) -> float:
    """A fraction ``g`` per day (at most 1) as a fraction per step: ``1 - (1 - g)^dt``."""
    if g >= 1.0:
        f = 1.0
    elif dt == 1.0:
        f = g
    else:
        f = -math.expm1(dt * math.log1p(-g))
    return f


@njit(cache=True)
def simulate_draw(
    b,
    P,
    X0,
    Z,
    dt,
    n_steps,
    record_every,
    out,
    final,
    stock_same_step,
    stock_cap,
    op_kind,
    op_src,
    op_param,
    op_scale,
    op_series,
    op_lookup,
    op_cap,
    op_arc0,
    op_arc1,
    op_group_end,
    arc_src,
    arc_dst,
    arc_share,
    arc_cap_out,
    arc_cap_in,
    cap_per_day,
    cap_param,
    cap_series,
    cap_fill,
    cap_follow,
    cap_lag,
    lk_t0,
    lk_t1,
    lk_stock,
    lk_weight,
    lk_cap,
    lk_p0,
    lk_p1,
    lk_xs,
    lk_ys,
    rep_kind,
    rep_stat,
    rep_t0,
    rep_t1,
    rep_target,
    rep_weight,
    rep_lookup,
):
    """Step draw ``b`` for ``n_steps``; write its reports into ``out[b]``, its last state into
    ``final[b]``.
    """
    n_stocks = X0.shape[1]
    n_ops = op_kind.shape[0]
    n_caps = cap_param.shape[0]
    n_lk = lk_t0.shape[0]
    n_rep = rep_kind.shape[0]
    n_arcs = arc_src.shape[0]
    zb = np.int64(b) if Z.shape[0] > 1 else np.int64(0)

    x = X0[b].copy()
    x_new = x.copy()
    avail = x.copy()
    flow = np.zeros(n_arcs)
    dem = np.zeros(n_arcs)
    level = np.zeros(n_caps)
    level_next = np.zeros(n_caps)
    limit = np.zeros(n_caps)
    room = np.zeros(n_caps)
    room0 = np.zeros(n_caps)
    room_ready = np.zeros(n_caps, dtype=np.bool_)
    lk_val = np.zeros(n_lk)
    flow_acc = np.zeros(n_arcs)
    level_acc = np.zeros(n_stocks)
    lk_acc = np.zeros(n_lk)
    limit_acc = np.zeros(n_caps)
    # A capacity that follows its occupancy (a market): its places move toward occupancy /
    # target with a first-order lag, from the limit parameter at the start.
    follow = np.zeros(n_caps)
    follow_step = np.zeros(n_caps)
    for c in range(n_caps):
        follow[c] = P[b, cap_param[c]]
        if cap_follow[c] >= 0:
            follow_step[c] = -math.expm1(-dt / P[b, cap_lag[c]])
    # Reports that are linear in what is accumulated anyway (flow totals, mean or end levels,
    # mean lookups and limits) are evaluated once per period; the others step by step.
    rep_stepwise = np.zeros(n_rep, dtype=np.bool_)
    acc = np.zeros(n_rep)
    flow_used = np.zeros(n_arcs, dtype=np.bool_)
    level_used = np.zeros(n_stocks, dtype=np.bool_)
    for r in range(n_rep):
        k, st = rep_kind[r], rep_stat[r]
        linear = (
            (k == LEVEL and (st == MEAN or st == END))
            or (k == FLOW and st == SUM)
            or ((k == LOOKUP or k == LIMIT) and st == MEAN)
        )
        for j in range(rep_t0[r], rep_t1[r]):
            if rep_lookup[j] >= 0:
                linear = False
        rep_stepwise[r] = not linear
        acc[r] = _acc_start(st)
        if linear and k == FLOW:
            for j in range(rep_t0[r], rep_t1[r]):
                flow_used[rep_target[j]] = True
        if linear and k == LEVEL and st == MEAN:
            for j in range(rep_t0[r], rep_t1[r]):
                level_used[rep_target[j]] = True
    # Only the flows and levels some period report reads are accumulated step by step.
    acc_arcs = np.nonzero(flow_used)[0]
    acc_stocks = np.nonzero(level_used)[0]
    steps_in_period = 0
    share = np.empty(n_arcs)  # routing shares / transfer fractions of this draw, contiguous
    for f in range(n_arcs):
        share[f] = P[b, arc_share[f]]
    # Rates of this draw, and the step fractions of groups whose rates are constant.
    rates = np.zeros(n_ops)
    mults = np.ones(n_ops)
    frac = np.zeros(n_ops)
    constant = np.zeros(n_ops, dtype=np.bool_)
    for o in range(n_ops):
        if op_param[o] >= 0:
            rates[o] = P[b, op_param[o]] * op_scale[o]
    for o in range(n_ops):
        end = op_group_end[o]
        if end < 0 or not (op_kind[o] == HAZARD or op_kind[o] == RESIDENCE):
            continue
        constant[o] = True
        for m in range(o, end):
            if op_series[m] != 0 or op_lookup[m] >= 0:
                constant[o] = False
        if constant[o]:
            _group_fractions(o, end, rates, mults, op_kind, dt, frac)
    capped = np.nonzero(stock_cap >= 0)[0]
    for s in capped:
        level_next[stock_cap[s]] += x[s]

    for t in range(n_steps):
        # Capacities: limits this step and occupancy at its start (room is set at first use).
        for c in range(n_caps):
            limit[c] = follow[c] * Z[zb, cap_series[c], t]
            level[c] = level_next[c]
            room_ready[c] = False
            free = limit[c] - level[c]
            room0[c] = free if free > 0.0 else 0.0
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
            if kind == TRANSFER:
                _transfer(
                    o,
                    b,
                    t,
                    zb,
                    dt,
                    P,
                    Z,
                    op_cap,
                    op_series,
                    op_lookup,
                    lk_val,
                    op_arc0,
                    op_arc1,
                    arc_src,
                    arc_dst,
                    arc_cap_out,
                    arc_cap_in,
                    stock_same_step,
                    cap_per_day,
                    cap_fill,
                    share,
                    avail,
                    x_new,
                    flow,
                    dem,
                    level,
                    limit,
                    room,
                    room_ready,
                )
                continue
            s = op_src[o]
            if kind == HAZARD or kind == RESIDENCE:
                end = op_group_end[o]
                if end < 0:
                    continue  # a later member of a group, stepped with its first member
                if not constant[o]:
                    if end == o + 1:  # one member (the common case): no split
                        mult = Z[zb, op_series[o], t]
                        if op_lookup[o] >= 0:
                            mult *= lk_val[op_lookup[o]]
                        if kind == HAZARD:
                            frac[o] = -math.expm1(-rates[o] * mult * dt)
                        else:
                            p = dt * mult / rates[o]
                            frac[o] = 1.0 if p > 1.0 else p
                    else:
                        for m in range(o, end):
                            mult = Z[zb, op_series[m], t]
                            if op_lookup[m] >= 0:
                                mult *= lk_val[op_lookup[m]]
                            mults[m] = mult
                        _group_fractions(o, end, rates, mults, op_kind, dt, frac)
                base = x[s] if x[s] < avail[s] else avail[s]
                for m in range(o, end):
                    total = base * frac[m]
                    if total > avail[s]:
                        total = avail[s]
                    _route(
                        total,
                        s,
                        op_arc0[m],
                        op_arc1[m],
                        share,
                        arc_dst,
                        arc_cap_out,
                        stock_same_step,
                        avail,
                        x_new,
                        flow,
                        level,
                    )
                continue
            if kind == DRAIN:
                total = avail[s]
            else:  # INFLOW
                total = rates[o] * Z[zb, op_series[o], t] * dt
                if op_lookup[o] >= 0:
                    total *= lk_val[op_lookup[o]]
            _route(
                total,
                s,
                op_arc0[o],
                op_arc1[o],
                share,
                arc_dst,
                arc_cap_out,
                stock_same_step,
                avail,
                x_new,
                flow,
                level,
            )

        # One pass: commit the census, free it for the next step, accumulate levels and
        # capacity occupancy.
        for c in range(n_caps):
            level_next[c] = 0.0
        for s in range(n_stocks):
            v = x_new[s]
            x[s] = v
            avail[s] = v
        for s in capped:
            level_next[stock_cap[s]] += x[s]
        for c in range(n_caps):
            if cap_follow[c] >= 0:
                follow[c] += follow_step[c] * (level_next[c] / P[b, cap_follow[c]] - follow[c])
        for s in acc_stocks:
            level_acc[s] += x[s]
        for f in acc_arcs:
            flow_acc[f] += flow[f]
        steps_in_period += 1
        for k in range(n_lk):
            lk_acc[k] += lk_val[k]
        for c in range(n_caps):
            limit_acc[c] += limit[c]
        for r in range(n_rep):
            if rep_stepwise[r]:
                v = _step_value(
                    r,
                    dt,
                    rep_kind,
                    rep_stat,
                    rep_t0,
                    rep_t1,
                    rep_target,
                    rep_weight,
                    rep_lookup,
                    x,
                    flow,
                    dem,
                    lk_val,
                    limit,
                    room0,
                )
                st = rep_stat[r]
                if st == MAX:
                    if v > acc[r]:
                        acc[r] = v
                elif st == MIN:
                    if v < acc[r]:
                        acc[r] = v
                elif st == END:
                    acc[r] = v
                else:
                    acc[r] += v
        if steps_in_period == record_every or t == n_steps - 1:
            period = t // record_every
            for r in range(n_rep):
                kind = rep_kind[r]
                st = rep_stat[r]
                if rep_stepwise[r]:
                    out[b, r, period] = acc[r] / steps_in_period if st == MEAN else acc[r]
                    acc[r] = _acc_start(st)
                    continue
                v = 0.0
                for j in range(rep_t0[r], rep_t1[r]):
                    i = rep_target[j]
                    if kind == FLOW:
                        v += rep_weight[j] * flow_acc[i]
                    elif kind == LEVEL:
                        v += rep_weight[j] * (x[i] if st == END else level_acc[i])
                    elif kind == LOOKUP:
                        v += rep_weight[j] * lk_acc[i]
                    else:  # LIMIT
                        v += rep_weight[j] * limit_acc[i]
                if st == MEAN:
                    v = v / steps_in_period
                out[b, r, period] = v
            flow_acc[:] = 0.0
            level_acc[:] = 0.0
            lk_acc[:] = 0.0
            limit_acc[:] = 0.0
            steps_in_period = 0
    for s in range(n_stocks):
        final[b, s] = x[s]


@njit(cache=True, inline="always")
def _acc_start(stat: int) -> float:
    """The value a period's accumulator starts from."""
    v = 0.0
    if stat == MAX:
        v = -math.inf
    elif stat == MIN:
        v = math.inf
    return v


@njit(cache=True, inline="always")
def _step_value(
    r,
    dt,
    rep_kind,
    rep_stat,
    rep_t0,
    rep_t1,
    rep_target,
    rep_weight,
    rep_lookup,
    x,
    flow,
    dem,
    lk_val,
    limit,
    room0,
):
    """The value of report ``r`` in this step (flows and demands per day for max/min)."""
    kind = rep_kind[r]
    v = 0.0
    for j in range(rep_t0[r], rep_t1[r]):
        i = rep_target[j]
        if kind == LEVEL:
            w = x[i]
        elif kind == FLOW:
            w = flow[i]
            if rep_lookup[j] >= 0:
                w *= lk_val[rep_lookup[j]]
        elif kind == DEMAND:
            w = dem[i]
        elif kind == LOOKUP:
            w = lk_val[i]
        elif kind == LIMIT:
            w = limit[i]
        else:  # ROOM
            w = room0[i]
        v += rep_weight[j] * w
    if (kind == FLOW or kind == DEMAND) and (rep_stat[r] == MAX or rep_stat[r] == MIN):
        v = v / dt
    return v


@njit(cache=True, inline="always")
def _route(
    total,
    s,
    a0,
    a1,
    share,
    arc_dst,
    arc_cap_out,
    stock_same_step,
    avail,
    x_new,
    flow,
    level,
):
    """Move ``total`` people out of stock ``s`` (or in from outside, ``s < 0``) by the routing
    shares of arcs ``a0:a1``; the last arc with a share takes the rounding remainder.
    """
    remaining = total
    for f in range(a0, a1):
        if f == a1 - 1 and share[f] > 0.0:
            a = remaining
        else:
            a = total * share[f]
            if a > remaining:
                a = remaining
        remaining -= a
        flow[f] = a
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


@njit(cache=True, inline="always")
def _transfer(
    o,
    b,
    t,
    zb,
    dt,
    P,
    Z,
    op_cap,
    op_series,
    op_lookup,
    lk_val,
    op_arc0,
    op_arc1,
    arc_src,
    arc_dst,
    arc_cap_out,
    arc_cap_in,
    stock_same_step,
    cap_per_day,
    cap_fill,
    share,
    avail,
    x_new,
    flow,
    dem,
    level,
    limit,
    room,
    room_ready,
):
    """A capacity-limited transfer: each move asks ``1 - (1 - f z)^dt`` of what is available
    in its source (``z`` the series times the transfer's lookup, if any); together they get
    at most the capacity's room, rationed in proportion.
    """
    c = op_cap[o]
    zt = Z[zb, op_series[o], t]
    if op_lookup[o] >= 0:
        zt *= lk_val[op_lookup[o]]
    a0 = op_arc0[o]
    a1 = op_arc1[o]
    demand = 0.0
    for f in range(a0, a1):
        d = avail[arc_src[f]] * _per_step(share[f] * zt, dt)
        flow[f] = d
        dem[f] = d
        demand += d
    if not room_ready[c]:
        room_ready[c] = True
        if cap_per_day[c]:
            room[c] = limit[c] * dt
        else:
            free = limit[c] - level[c]
            free = free if free > 0.0 else 0.0
            if cap_fill[c] >= 0:
                phi = dt / P[b, cap_fill[c]]
                if phi < 1.0:
                    free *= phi
            room[c] = free
    free = room[c] if room[c] > 0.0 else 0.0
    ration = 1.0 if demand <= free else free / demand
    used = 0.0
    for f in range(a0, a1):
        s = arc_src[f]
        d = arc_dst[f]
        a = flow[f] * ration
        if a > avail[s]:
            a = avail[s]
        flow[f] = a
        avail[s] -= a
        x_new[s] -= a
        x_new[d] += a
        if stock_same_step[d]:
            avail[d] += a
        if arc_cap_out[f] >= 0:
            level[arc_cap_out[f]] -= a
        if cap_per_day[c] or arc_cap_in[f] == c:
            used += a
    room[c] -= used


@njit(parallel=True, cache=True)
def simulate_batch(
    P,
    X0,
    Z,
    dt,
    n_steps,
    record_every,
    out,
    final,
    stock_same_step,
    stock_cap,
    op_kind,
    op_src,
    op_param,
    op_scale,
    op_series,
    op_lookup,
    op_cap,
    op_arc0,
    op_arc1,
    op_group_end,
    arc_src,
    arc_dst,
    arc_share,
    arc_cap_out,
    arc_cap_in,
    cap_per_day,
    cap_param,
    cap_series,
    cap_fill,
    cap_follow,
    cap_lag,
    lk_t0,
    lk_t1,
    lk_stock,
    lk_weight,
    lk_cap,
    lk_p0,
    lk_p1,
    lk_xs,
    lk_ys,
    rep_kind,
    rep_stat,
    rep_t0,
    rep_t1,
    rep_target,
    rep_weight,
    rep_lookup,
):
    """Step every draw of a batch in parallel (``prange`` over draws)."""
    for b in prange(P.shape[0]):
        simulate_draw(
            b,
            P,
            X0,
            Z,
            dt,
            n_steps,
            record_every,
            out,
            final,
            stock_same_step,
            stock_cap,
            op_kind,
            op_src,
            op_param,
            op_scale,
            op_series,
            op_lookup,
            op_cap,
            op_arc0,
            op_arc1,
            op_group_end,
            arc_src,
            arc_dst,
            arc_share,
            arc_cap_out,
            arc_cap_in,
            cap_per_day,
            cap_param,
            cap_series,
            cap_fill,
            cap_follow,
            cap_lag,
            lk_t0,
            lk_t1,
            lk_stock,
            lk_weight,
            lk_cap,
            lk_p0,
            lk_p1,
            lk_xs,
            lk_ys,
            rep_kind,
            rep_stat,
            rep_t0,
            rep_t1,
            rep_target,
            rep_weight,
            rep_lookup,
        )


@njit(cache=True)
def simulate_serial(
    P,
    X0,
    Z,
    dt,
    n_steps,
    record_every,
    out,
    final,
    stock_same_step,
    stock_cap,
    op_kind,
    op_src,
    op_param,
    op_scale,
    op_series,
    op_lookup,
    op_cap,
    op_arc0,
    op_arc1,
    op_group_end,
    arc_src,
    arc_dst,
    arc_share,
    arc_cap_out,
    arc_cap_in,
    cap_per_day,
    cap_param,
    cap_series,
    cap_fill,
    cap_follow,
    cap_lag,
    lk_t0,
    lk_t1,
    lk_stock,
    lk_weight,
    lk_cap,
    lk_p0,
    lk_p1,
    lk_xs,
    lk_ys,
    rep_kind,
    rep_stat,
    rep_t0,
    rep_t1,
    rep_target,
    rep_weight,
    rep_lookup,
):
    """Step the draws one after another on the calling thread (no thread-pool start-up: the
    path for a single draw). Same per-draw code as :func:`simulate_batch`, same results.
    """
    for b in range(P.shape[0]):
        simulate_draw(
            b,
            P,
            X0,
            Z,
            dt,
            n_steps,
            record_every,
            out,
            final,
            stock_same_step,
            stock_cap,
            op_kind,
            op_src,
            op_param,
            op_scale,
            op_series,
            op_lookup,
            op_cap,
            op_arc0,
            op_arc1,
            op_group_end,
            arc_src,
            arc_dst,
            arc_share,
            arc_cap_out,
            arc_cap_in,
            cap_per_day,
            cap_param,
            cap_series,
            cap_fill,
            cap_follow,
            cap_lag,
            lk_t0,
            lk_t1,
            lk_stock,
            lk_weight,
            lk_cap,
            lk_p0,
            lk_p1,
            lk_xs,
            lk_ys,
            rep_kind,
            rep_stat,
            rep_t0,
            rep_t1,
            rep_target,
            rep_weight,
            rep_lookup,
        )


KERNEL_ARRAYS = (
    "stock_same_step", "stock_cap",
    "op_kind", "op_src", "op_param", "op_scale", "op_series", "op_lookup", "op_cap",
    "op_arc0", "op_arc1", "op_group_end",
    "arc_src", "arc_dst", "arc_share", "arc_cap_out", "arc_cap_in",
    "cap_per_day", "cap_param", "cap_series", "cap_fill", "cap_follow", "cap_lag",
    "lk_t0", "lk_t1", "lk_stock", "lk_weight", "lk_cap", "lk_p0", "lk_p1", "lk_xs", "lk_ys",
    "rep_kind", "rep_stat", "rep_t0", "rep_t1", "rep_target", "rep_weight", "rep_lookup",
)  # fmt: skip
"""The compiled arrays, in the order the kernels take them after the leading arguments."""
