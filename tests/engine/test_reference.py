"""The compiled kernel against the plain-Python reference stepper on random small models.

The reference (``sim/engines/stockflow/reference.py``) re-implements the engine's conventions
from the declaration, one draw at a time, without Numba or flat arrays. Random chains exercise
every feature at once: competing hazards (with series and lookups), Erlang delays whose stages
also lose people to a hazard, capacity-limited wards under both capacity conventions, with and
without fill times, per-day capacities, transfers asking a fraction per day with a series,
overflow drains, routing hubs, an inflow scaled by a lookup, and every kind of report and
statistic (sum, mean, end, max, min; flows, levels, demands, rooms, limits, lookups).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engines.stockflow import Model, compile_model, run_arrays
from sim.engines.stockflow.reference import run_reference

SETTINGS = settings(derandomize=True, max_examples=60, deadline=None)
N_STEPS = 20


@dataclass(frozen=True)
class Segment:
    kind: str  # "hazards" | "delay" | "ward" | "hub"
    rates: tuple[float, ...]  # competing hazards per day (hazards), or extra stage hazard
    mean_days: float
    stages: int
    share: float  # share of the first outflow that moves on
    limit: float
    per_day: bool
    convention: str
    fill_time: float | None
    fraction: float  # a transfer's fraction per day
    overflow: bool  # a drain after the transfer takes what it leaves
    seasonal: bool  # rates or fractions scaled by the series
    pressured: bool  # the first hazard scaled by the lookup
    initial: float


@st.composite
def segments(draw, dt: float) -> Segment:
    kind = draw(st.sampled_from(["hazards", "delay", "ward", "hub"]))
    stages = draw(st.integers(1, 3))
    return Segment(
        kind=kind,
        rates=tuple(draw(st.lists(st.floats(0.0, 3.0), min_size=1, max_size=3))),
        mean_days=draw(st.floats(max(1.0, stages * dt), 20.0)),
        stages=stages,
        share=draw(st.floats(0.0, 1.0)),
        limit=draw(st.floats(0.0, 500.0)),
        per_day=draw(st.booleans()),
        convention=draw(st.sampled_from(["same_step", "start_of_step"])),
        fill_time=draw(st.one_of(st.none(), st.floats(0.1, 5.0))),
        fraction=draw(st.floats(0.0, 1.0)),
        overflow=draw(st.booleans()),
        seasonal=draw(st.booleans()),
        pressured=draw(st.booleans()),
        initial=draw(st.floats(0.0, 1e4)),
    )


@st.composite
def models(draw):
    dt = draw(st.sampled_from([1.0, 0.5, 0.25]))
    segs = draw(st.lists(segments(dt), min_size=1, max_size=4))
    inflow = draw(st.floats(0.0, 1e3))
    return build(segs, inflow), dt, draw(st.sampled_from([1, 3]))


def build(segs: list[Segment], inflow: float) -> Model:
    """A chain outside -> segment 0 -> ... -> outside, declared from the end."""
    m = Model("random chain")
    m.series("season")
    stocks: list[str] = []
    nxt: str | None = None
    for i in reversed(range(len(segs))):
        seg = segs[i]
        z = "season" if seg.seasonal else None
        if seg.kind == "hazards":
            s = m.stock(f"s{i}", initial=seg.initial)
            stocks.append(s)
            first = {nxt: seg.share, None: 1.0 - seg.share} if nxt is not None else {None: 1.0}
            lk = "pressure" if seg.pressured else None
            m.outflow(f"h{i}.0", s, seg.rates[0], to=first, series=z, lookup=lk)
            for j, k in enumerate(seg.rates[1:], start=1):
                m.outflow(f"h{i}.{j}", s, k, to=None, exit="death" if j == 1 else "outflow")
            nxt = s
        elif seg.kind == "delay":
            stages = m.delay(
                f"d{i}", seg.mean_days, seg.stages, to=nxt, initial=seg.initial, series=z
            )
            stocks.extend(stages)
            for j, s in enumerate(stages):
                m.outflow(f"d{i}.death{j}", s, seg.rates[0] / 10, to=None, exit="death")
            nxt = stages[0]
        elif seg.kind == "hub":
            s = m.stock(f"hub{i}", initial=seg.initial, same_step=True)
            stocks.append(s)
            m.outflow(f"route{i}", s, rate_per_day=math.inf, to=nxt)
            nxt = s
        else:
            ward = m.delay(f"w{i}", seg.mean_days, seg.stages, to=nxt, initial=seg.initial)
            if seg.per_day:
                m.capacity(f"c{i}", limit=seg.limit, per_day=True)
            else:
                m.capacity(
                    f"c{i}",
                    limit=seg.limit,
                    stocks=ward,
                    convention=seg.convention,
                    fill_time_days=seg.fill_time,
                )
                m.describe(f"room{i}", units="places", long_name="Free room")
                m.report(f"room{i}", room=f"c{i}")
            q = m.stock(f"q{i}", initial=seg.initial, same_step=True)
            stocks.extend([*ward, q])
            m.transfer(
                f"admit{i}",
                capacity=f"c{i}",
                moves=[(q, ward[0])],
                fraction_per_day=seg.fraction,
                series=z,
            )
            if seg.overflow:
                m.outflow(f"overflow{i}", q, math.inf, to=nxt)
            m.describe(f"demand{i}", units="people", long_name="Asked for")
            for stat in ("sum", "max"):
                m.report(f"demand{i}", demand=[f"admit{i}"], at=stat, coords={"stat": stat})
            m.describe(f"limit{i}", units="places", long_name="Limit")
            m.report(f"limit{i}", capacity=f"c{i}", at="min")
            nxt = q
    assert nxt is not None
    m.lookup("pressure", of=stocks, xs=[0.0, 1e3, 1e4], ys=[0.5, 1.0, 2.0])
    m.inflow("arrivals", to=nxt, rate_per_day=inflow, series="season", lookup="pressure")
    m.describe("stock", units="people", long_name="Every stock")
    m.describe("flow", units="people", long_name="Every operation's flow")
    m.describe("pressure", units="1", long_name="The lookup")
    for s in m.stocks:
        for stat in ("mean", "end", "max", "min"):
            m.report("stock", stocks=[s], at=stat, coords={"stock": s, "stat": stat})
    for op in m.operations:
        for stat in ("sum", "max", "min"):
            m.report("flow", flows=[op], at=stat, coords={"op": op, "stat": stat})
    m.report("pressure", lookup="pressure", at="max")
    return m


def season(n_steps: int) -> np.ndarray:
    return 1.0 + 0.5 * np.sin(np.arange(n_steps) / 2.0)


@SETTINGS
@given(models())
def test_kernel_agrees_with_reference_stepper(case):
    """Every report cell of every period agrees to 1e-9 relative (of the variable's scale)."""
    model, dt, record_every = case
    compiled = compile_model(model)
    z = {"season": season(N_STEPS)}
    out = run_arrays(
        compiled,
        compiled.param_matrix(),
        n_steps=N_STEPS,
        series=compiled.series_array(z, N_STEPS, 1),
        dt_days=dt,
        record_every=record_every,
    )
    ref = run_reference(model, n_steps=N_STEPS, series=z, dt_days=dt, record_every=record_every)
    assert len(ref.reports) == len(compiled.report_index)
    scale = {}
    for cell, values in ref.reports.items():
        scale[cell[0]] = max(scale.get(cell[0], 1.0), float(np.abs(values).max()))
    for r, cell in enumerate(compiled.report_index):
        np.testing.assert_allclose(
            out.reports[0, r],
            ref.reports[cell],
            rtol=1e-9,
            atol=1e-9 * scale[cell[0]],
            err_msg=str(cell),
        )
    for i, s in enumerate(compiled.stock_names):
        assert out.final[0, i] >= 0.0
        assert math.isclose(
            out.final[0, i], ref.final[s], rel_tol=1e-9, abs_tol=1e-9 * scale["stock"]
        )
