"""The compiled stepping kernel: pure functions over flat float64/int64 arrays.

No Python objects, no configuration and no random numbers here: everything arrives as arrays
(see :mod:`sim.engines.stockflow.compile`). :func:`simulate_block` steps a block of up to
:data:`BLOCK` consecutive draws together: the state is laid out ``[stock, draw]`` so each
operation's bookkeeping (which stock, which arcs, which capacity) is read once per block and
its arithmetic runs over the block's draws in a contiguous inner loop. Every draw still does
exactly its own arithmetic in the same order, so draw ``i`` of a batch is bit-for-bit the same
as a single run with the same parameters. A batch runs its blocks in parallel with ``prange``
(:func:`simulate_batch`), a single draw on the calling thread (:func:`simulate_serial`).

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

BLOCK = 32
"""Most draws one thread steps together (the inner, contiguous dimension of its state).

The block's size is an argument, not a Numba literal, so LLVM vectorises the loops over its
draws (a literal size had them unrolled into scalar code). On the default place, 128 draws x 3
years, side by side (wall, 2 threads): blocks of 32 took 1.55-1.64 s, 64 1.56-2.0 s, 16
1.83 s and 8 2.2 s, against 2.21 s for the earlier kernel's literal blocks of 16. A batch with
fewer than a full block per thread (the main job's 30 draws) is cut into one smaller block per
thread: 30 draws x 10 years took 1.8 s rather than 4.0 s as single draws (2026-12-06)."""


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
def _group_fractions(o, end, j, rates, mults, op_kind, dt, frac):
    """Competing risks of one stock in draw ``j`` of the block: write into ``frac[o:end, j]``
    the share of the stock each member takes this step.

    Hazards ``k_i = rate x mult`` per day; a delay stage leaves with probability
    ``p = dt x mult / stage_days`` (at most 1), the hazard ``-ln(1 - p) / dt``. Together a
    fraction ``1 - (1 - p) exp(-K dt)`` leaves, split in proportion to the hazards.
    """
    k_sum = 0.0
    p = 0.0
    r = -1
    for m in range(o, end):
        if op_kind[m] == HAZARD:
            frac[m, j] = rates[m, j] * mults[m, j]
            k_sum += frac[m, j]
        else:
            p = dt * mults[m, j] / rates[m, j]
            if p > 1.0:
                p = 1.0
            r = m
    if r < 0:
        total = -math.expm1(-k_sum * dt) if k_sum > 0.0 else 0.0
        for m in range(o, end):
            frac[m, j] = total * (frac[m, j] / k_sum) if k_sum > 0.0 else 0.0
    elif k_sum == 0.0 or p >= 1.0:
        for m in range(o, end):
            frac[m, j] = 0.0
        frac[r, j] = p
    else:
        h_r = -math.log1p(-p) / dt
        h_sum = h_r + k_sum
        total = p + (1.0 - p) * -math.expm1(-k_sum * dt)
        for m in range(o, end):
            frac[m, j] = total * (frac[m, j] / h_sum)
        frac[r, j] = total * (h_r / h_sum)


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


@njit(cache=True, error_model="numpy")
def simulate_block(b0, nb, P, X0, Z, dt, n_steps, record_every, out, ledger, final, arrays):
    """Step draws ``b0 .. b0 + nb - 1`` for ``n_steps``; write their reports into ``out`` (the
    ledger's rows, the first ``ledger.shape[1]``, also into ``ledger`` in float64) and their last
    state into ``final``. ``arrays`` are the compiled model's, in the order of
    :data:`KERNEL_ARRAYS`.

    ``nb`` is a run-time value (one compiled function for every block size), so LLVM turns
    the inner loops over the block's draws into vector code. Divisions follow IEEE rules (Numba's
    ``error_model="numpy"``: no zero-division checks in the loops); every division here is
    guarded, so no result changes.
    """
    (
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
    ) = arrays
    n_stocks = X0.shape[1]
    n_ops = op_kind.shape[0]
    n_caps = cap_param.shape[0]
    n_lk = lk_t0.shape[0]
    n_rep = rep_kind.shape[0]
    n_arcs = arc_src.shape[0]
    n_ledger = ledger.shape[1]  # the first report rows, also kept in float64
    zsel = np.zeros(nb, dtype=np.int64)  # the row of Z each draw reads
    if Z.shape[0] > 1:
        for j in range(nb):
            zsel[j] = b0 + j

    x = np.empty((n_stocks, nb))
    for s in range(n_stocks):
        for j in range(nb):
            x[s, j] = X0[b0 + j, s]
    x_new = x.copy()
    avail = x.copy()
    flow = np.zeros((n_arcs + 1, nb))  # the last row takes the flows no report reads
    dem = np.zeros((n_arcs, nb))
    level = np.zeros((n_caps, nb))
    level_next = np.zeros((n_caps, nb))
    limit = np.zeros((n_caps, nb))
    room = np.zeros((n_caps, nb))
    room0 = np.zeros((n_caps, nb))
    room_ready = np.zeros(n_caps, dtype=np.bool_)
    fill_days = np.zeros((n_caps, nb))  # 0: no fill time
    # A capacity that follows its occupancy (a market): its places move toward occupancy /
    # target with a first-order lag, from the limit parameter at the start.
    follow = np.empty((n_caps, nb))
    follow_step = np.zeros((n_caps, nb))
    follow_target = np.ones((n_caps, nb))
    for c in range(n_caps):
        for j in range(nb):
            follow[c, j] = P[b0 + j, cap_param[c]]
            if cap_fill[c] >= 0:
                fill_days[c, j] = P[b0 + j, cap_fill[c]]
            if cap_follow[c] >= 0:
                follow_step[c, j] = -math.expm1(-dt / P[b0 + j, cap_lag[c]])
                follow_target[c, j] = P[b0 + j, cap_follow[c]]
    lk_val = np.zeros((n_lk, nb))
    flow_acc = np.zeros((n_arcs, nb))
    level_acc = np.zeros((n_stocks, nb))
    lk_acc = np.zeros((n_lk, nb))
    limit_acc = np.zeros((n_caps, nb))
    base = np.empty(nb)
    total = np.empty(nb)
    remaining = np.empty(nb)
    scratch = np.empty((3, nb))  # a transfer's demand, ration and room used, per draw
    # Reports that are linear in what is accumulated anyway (flow totals, mean or end levels,
    # mean lookups and limits) are evaluated once per period; the others step by step.
    rep_stepwise = np.zeros(n_rep, dtype=np.bool_)
    acc = np.zeros((n_rep, nb))
    flow_used = np.zeros(n_arcs, dtype=np.bool_)
    level_used = np.zeros(n_stocks, dtype=np.bool_)
    for r in range(n_rep):
        k, st = rep_kind[r], rep_stat[r]
        linear = (
            (k == LEVEL and (st == MEAN or st == END))
            or (k == FLOW and st == SUM)
            or ((k == LOOKUP or k == LIMIT) and st == MEAN)
        )
        for i in range(rep_t0[r], rep_t1[r]):
            if rep_lookup[i] >= 0:
                linear = False
        rep_stepwise[r] = not linear
        for j in range(nb):
            acc[r, j] = _acc_start(st)
        if linear and k == FLOW:
            for i in range(rep_t0[r], rep_t1[r]):
                flow_used[rep_target[i]] = True
        if linear and k == LEVEL and st == MEAN:
            for i in range(rep_t0[r], rep_t1[r]):
                level_used[rep_target[i]] = True
    # Only the flows and levels some period report reads are accumulated step by step.
    acc_arcs = np.nonzero(flow_used)[0]
    acc_stocks = np.nonzero(level_used)[0]
    # A routed flow is stored in its own row only if a report reads it, else in the spare row.
    flow_row = np.full(n_arcs, n_arcs, dtype=np.int64)
    for f in acc_arcs:
        flow_row[f] = f
    for r in range(n_rep):
        if rep_stepwise[r] and rep_kind[r] == FLOW:
            for i in range(rep_t0[r], rep_t1[r]):
                flow_row[rep_target[i]] = rep_target[i]
    steps_in_period = 0
    share = np.empty((n_arcs, nb))  # routing shares / transfer fractions of these draws
    for f in range(n_arcs):
        for j in range(nb):
            share[f, j] = P[b0 + j, arc_share[f]]
    # Rates of these draws, and the step fractions of groups whose rates are constant.
    rates = np.zeros((n_ops, nb))
    mults = np.ones((n_ops, nb))
    frac = np.zeros((n_ops, nb))
    constant = np.zeros(n_ops, dtype=np.bool_)
    for o in range(n_ops):
        if op_param[o] >= 0:
            for j in range(nb):
                rates[o, j] = P[b0 + j, op_param[o]] * op_scale[o]
    for o in range(n_ops):
        end = op_group_end[o]
        if end < 0 or not (op_kind[o] == HAZARD or op_kind[o] == RESIDENCE):
            continue
        constant[o] = True
        for m in range(o, end):
            if op_series[m] != 0 or op_lookup[m] >= 0:
                constant[o] = False
        if constant[o]:
            for j in range(nb):
                _group_fractions(o, end, j, rates, mults, op_kind, dt, frac)
    capped = np.nonzero(stock_cap >= 0)[0]
    for s in capped:
        for j in range(nb):
            level_next[stock_cap[s], j] += x[s, j]

    for t in range(n_steps):
        # Capacities: limits this step and occupancy at its start (room is set at first use).
        for c in range(n_caps):
            room_ready[c] = False
            zc = cap_series[c]
            for j in range(nb):
                limit[c, j] = follow[c, j] * Z[zsel[j], zc, t]
                level[c, j] = level_next[c, j]
                free = limit[c, j] - level[c, j]
                room0[c, j] = free if free > 0.0 else 0.0
        # Lookups, from the start-of-step state (a term below 0 is a capacity's occupancy).
        for k in range(n_lk):
            c = lk_cap[k]
            for j in range(nb):
                v = 0.0
                for i in range(lk_t0[k], lk_t1[k]):
                    s = lk_stock[i]
                    v += lk_weight[i] * (x[s, j] if s >= 0 else level[-1 - s, j])
                if c >= 0:
                    v = v / limit[c, j] if limit[c, j] > 0.0 else math.inf
                lk_val[k, j] = _interp(v, lk_xs, lk_ys, lk_p0[k], lk_p1[k])

        for o in range(n_ops):
            kind = op_kind[o]
            if kind == TRANSFER:
                _transfer(
                    o,
                    nb,
                    t,
                    zsel,
                    dt,
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
                    fill_days,
                    share,
                    avail,
                    x_new,
                    flow,
                    dem,
                    level,
                    limit,
                    room,
                    room_ready,
                    scratch,
                )
                continue
            s = op_src[o]
            if kind == HAZARD or kind == RESIDENCE:
                end = op_group_end[o]
                if end < 0:
                    continue  # a later member of a group, stepped with its first member
                if not constant[o]:
                    if end == o + 1:  # one member (the common case): no split
                        zo = op_series[o]
                        lo = op_lookup[o]
                        for j in range(nb):
                            mult = Z[zsel[j], zo, t]
                            if lo >= 0:
                                mult *= lk_val[lo, j]
                            if kind == HAZARD:
                                frac[o, j] = -math.expm1(-rates[o, j] * mult * dt)
                            else:
                                p = dt * mult / rates[o, j]
                                frac[o, j] = 1.0 if p > 1.0 else p
                    else:
                        for m in range(o, end):
                            zm = op_series[m]
                            lm = op_lookup[m]
                            for j in range(nb):
                                mult = Z[zsel[j], zm, t]
                                if lm >= 0:
                                    mult *= lk_val[lm, j]
                                mults[m, j] = mult
                        for j in range(nb):
                            _group_fractions(o, end, j, rates, mults, op_kind, dt, frac)
                for j in range(nb):
                    base[j] = x[s, j] if x[s, j] < avail[s, j] else avail[s, j]
                for m in range(o, end):
                    for j in range(nb):
                        v = base[j] * frac[m, j]
                        total[j] = avail[s, j] if v > avail[s, j] else v
                    _route(
                        nb,
                        total,
                        remaining,
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
                        flow_row,
                        level,
                    )
                continue
            if kind == DRAIN:
                for j in range(nb):
                    total[j] = avail[s, j]
            else:  # INFLOW
                zo = op_series[o]
                lo = op_lookup[o]
                for j in range(nb):
                    v = rates[o, j] * Z[zsel[j], zo, t] * dt
                    if lo >= 0:
                        v *= lk_val[lo, j]
                    total[j] = v
            _route(
                nb,
                total,
                remaining,
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
                flow_row,
                level,
            )

        # Commit the census, free it for the next step, accumulate levels and occupancy.
        for s in range(n_stocks):
            for j in range(nb):
                v = x_new[s, j]
                x[s, j] = v
                avail[s, j] = v
        level_next[:, :] = 0.0
        for s in capped:
            c = stock_cap[s]
            for j in range(nb):
                level_next[c, j] += x[s, j]
        for c in range(n_caps):
            if cap_follow[c] >= 0:
                for j in range(nb):
                    follow[c, j] += follow_step[c, j] * (
                        level_next[c, j] / follow_target[c, j] - follow[c, j]
                    )
        for s in acc_stocks:
            for j in range(nb):
                level_acc[s, j] += x[s, j]
        for f in acc_arcs:
            for j in range(nb):
                flow_acc[f, j] += flow[f, j]
        steps_in_period += 1
        for k in range(n_lk):
            for j in range(nb):
                lk_acc[k, j] += lk_val[k, j]
        for c in range(n_caps):
            for j in range(nb):
                limit_acc[c, j] += limit[c, j]
        for r in range(n_rep):
            if rep_stepwise[r]:
                st = rep_stat[r]
                for j in range(nb):
                    v = _step_value(
                        r,
                        j,
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
                    if st == MAX:
                        if v > acc[r, j]:
                            acc[r, j] = v
                    elif st == MIN:
                        if v < acc[r, j]:
                            acc[r, j] = v
                    elif st == END:
                        acc[r, j] = v
                    else:
                        acc[r, j] += v
        if steps_in_period == record_every or t == n_steps - 1:
            period = t // record_every
            for r in range(n_rep):
                kind = rep_kind[r]
                st = rep_stat[r]
                if rep_stepwise[r]:
                    for j in range(nb):
                        a = acc[r, j]
                        v = a / steps_in_period if st == MEAN else a
                        out[b0 + j, r, period] = v
                        if r < n_ledger:
                            ledger[b0 + j, r, period] = v
                        acc[r, j] = _acc_start(st)
                    continue
                for j in range(nb):
                    v = 0.0
                    for i in range(rep_t0[r], rep_t1[r]):
                        q = rep_target[i]
                        if kind == FLOW:
                            v += rep_weight[i] * flow_acc[q, j]
                        elif kind == LEVEL:
                            v += rep_weight[i] * (x[q, j] if st == END else level_acc[q, j])
                        elif kind == LOOKUP:
                            v += rep_weight[i] * lk_acc[q, j]
                        else:  # LIMIT
                            v += rep_weight[i] * limit_acc[q, j]
                    if st == MEAN:
                        v = v / steps_in_period
                    out[b0 + j, r, period] = v
                    if r < n_ledger:
                        ledger[b0 + j, r, period] = v
            flow_acc[:, :] = 0.0
            level_acc[:, :] = 0.0
            lk_acc[:, :] = 0.0
            limit_acc[:, :] = 0.0
            steps_in_period = 0
    for s in range(n_stocks):
        for j in range(nb):
            final[b0 + j, s] = x[s, j]


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
    j,
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
    """The value of report ``r`` in this step for draw ``j`` of the block (flows and demands
    per day for max/min).
    """
    kind = rep_kind[r]
    v = 0.0
    for i in range(rep_t0[r], rep_t1[r]):
        q = rep_target[i]
        if kind == LEVEL:
            w = x[q, j]
        elif kind == FLOW:
            w = flow[q, j]
            if rep_lookup[i] >= 0:
                w *= lk_val[rep_lookup[i], j]
        elif kind == DEMAND:
            w = dem[q, j]
        elif kind == LOOKUP:
            w = lk_val[q, j]
        elif kind == LIMIT:
            w = limit[q, j]
        else:  # ROOM
            w = room0[q, j]
        v += rep_weight[i] * w
    if (kind == FLOW or kind == DEMAND) and (rep_stat[r] == MAX or rep_stat[r] == MIN):
        v = v / dt
    return v


@njit(cache=True, inline="always")
def _route(
    nb,
    total,
    remaining,
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
    flow_row,
    level,
):
    """Move ``total[j]`` people out of stock ``s`` (or in from outside, ``s < 0``) by the
    routing shares of arcs ``a0:a1``; the last arc with a share takes the rounding remainder.

    Each arc's amounts go into its row of ``flow`` first, then each stock they change is
    updated in a loop of its own: simple loops that LLVM vectorises (one loop doing it all
    stayed scalar, as it could not rule out that the rows overlap).
    """
    for j in range(nb):
        remaining[j] = total[j]
    for f in range(a0, a1):
        d = arc_dst[f]
        co = arc_cap_out[f]
        fr = flow_row[f]
        last = f == a1 - 1
        for j in range(nb):
            a = total[j] * share[f, j]
            a = remaining[j] if (a > remaining[j] or (last and share[f, j] > 0.0)) else a
            remaining[j] -= a
            flow[fr, j] = a
        if s >= 0:
            for j in range(nb):
                avail[s, j] -= flow[fr, j]
            for j in range(nb):
                x_new[s, j] -= flow[fr, j]
        if d >= 0:
            for j in range(nb):
                x_new[d, j] += flow[fr, j]
            if stock_same_step[d]:
                for j in range(nb):
                    avail[d, j] += flow[fr, j]
        if co >= 0:
            for j in range(nb):
                level[co, j] -= flow[fr, j]


@njit(cache=True, inline="always")
def _transfer(
    o,
    nb,
    t,
    zsel,
    dt,
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
    fill_days,
    share,
    avail,
    x_new,
    flow,
    dem,
    level,
    limit,
    room,
    room_ready,
    scratch,
):
    """A capacity-limited transfer: each move asks ``1 - (1 - f z)^dt`` of what is available
    in its source (``z`` the series times the transfer's lookup, if any); together they get
    at most the capacity's room, rationed in proportion.
    """
    demand = scratch[0]
    ration = scratch[1]
    used = scratch[2]
    c = op_cap[o]
    zo = op_series[o]
    a0 = op_arc0[o]
    a1 = op_arc1[o]
    for j in range(nb):
        demand[j] = 0.0
    lo = op_lookup[o]
    for f in range(a0, a1):
        src = arc_src[f]
        for j in range(nb):
            zt = Z[zsel[j], zo, t]
            if lo >= 0:
                zt *= lk_val[lo, j]
            d = avail[src, j] * _per_step(share[f, j] * zt, dt)
            flow[f, j] = d
            dem[f, j] = d
            demand[j] += d
    if not room_ready[c]:
        room_ready[c] = True
        for j in range(nb):
            if cap_per_day[c]:
                room[c, j] = limit[c, j] * dt
            else:
                free = limit[c, j] - level[c, j]
                free = free if free > 0.0 else 0.0
                if fill_days[c, j] > 0.0:
                    phi = dt / fill_days[c, j]
                    if phi < 1.0:
                        free *= phi
                room[c, j] = free
    for j in range(nb):
        free = room[c, j] if room[c, j] > 0.0 else 0.0
        ration[j] = 1.0 if demand[j] <= free else free / demand[j]
        used[j] = 0.0
    for f in range(a0, a1):
        s = arc_src[f]
        d = arc_dst[f]
        same = stock_same_step[d]
        co = arc_cap_out[f]
        counts = cap_per_day[c] or arc_cap_in[f] == c
        for j in range(nb):
            a = flow[f, j] * ration[j]
            if a > avail[s, j]:
                a = avail[s, j]
            flow[f, j] = a
            avail[s, j] -= a
            x_new[s, j] -= a
            x_new[d, j] += a
            if same:
                avail[d, j] += a
            if co >= 0:
                level[co, j] -= a
            if counts:
                used[j] += a
    for j in range(nb):
        room[c, j] -= used[j]


@njit(parallel=True, cache=True, error_model="numpy")
def simulate_batch(P, X0, Z, dt, n_steps, record_every, out, ledger, final, block, *arrays):
    """Step every draw of a batch, blocks of ``block`` draws in parallel (``prange``), the
    draws left over one at a time; ``arrays`` are the compiled model's, in the order of
    :data:`KERNEL_ARRAYS`.
    """
    n = P.shape[0]
    full = n // BLOCK if block == BLOCK else 0  # LLVM then knows these blocks' size
    for i in prange(full):
        simulate_block(
            i * block, block, P, X0, Z, dt, n_steps, record_every, out, ledger, final, arrays
        )
    start, step = full * BLOCK, 1 if full else block  # then what is left, or smaller blocks
    for i in prange(-(-(n - start) // step)):
        b0 = start + i * step
        nb = min(step, n - b0)
        simulate_block(b0, nb, P, X0, Z, dt, n_steps, record_every, out, ledger, final, arrays)


@njit(cache=True, error_model="numpy")
def simulate_serial(P, X0, Z, dt, n_steps, record_every, out, ledger, final, block, *arrays):
    """Step the blocks one after another on the calling thread (no thread-pool start-up: the
    path for a single draw). Same per-draw code as :func:`simulate_batch`, same results.
    """
    n = P.shape[0]
    for b0 in range(0, n, block):
        nb = min(block, n - b0)
        simulate_block(b0, nb, P, X0, Z, dt, n_steps, record_every, out, ledger, final, arrays)


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
