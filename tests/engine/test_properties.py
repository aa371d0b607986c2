"""Properties of the stock-flow engine over randomly generated small models (hypothesis).

Each model is a chain of segments fed from outside: a hazard stock (part of its outflow dies),
an Erlang delay, a capacity-limited ward (a same-step queue, a transfer and a delay) or an
infinite-rate routing hub. Every stock is reported, so any negative or NaN value is caught.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import get_num_threads

from sim.engines.stockflow import Model, ModelError, compile_model, run
from sim.engines.stockflow.kernels import BLOCK

SETTINGS = settings(derandomize=True, max_examples=40, deadline=None)

rates = st.floats(0.0, 1e3, allow_nan=False)
shares = st.floats(0.0, 1.0, allow_nan=False)
people = st.floats(0.0, 1e9, allow_nan=False)
limits = st.floats(0.0, 1e6, allow_nan=False)


@dataclass(frozen=True)
class Segment:
    kind: str  # "hazard" | "delay" | "ward" | "hub"
    rate: float  # hazard per day, or delay mean days
    stages: int
    share: float  # share of a hazard outflow that moves on (the rest dies)
    limit: float
    per_day: bool
    initial: float


@st.composite
def segments(draw, dt: float) -> Segment:
    kind = draw(st.sampled_from(["hazard", "delay", "ward", "hub"]))
    stages = draw(st.integers(1, 4))
    if kind == "hazard":
        rate = draw(rates)
    else:  # a delay stage must last at least one step
        rate = draw(st.floats(max(1.0, stages * dt), 60.0))
    return Segment(
        kind=kind,
        rate=rate,
        stages=stages,
        share=draw(shares),
        limit=draw(limits),
        per_day=draw(st.booleans()),
        initial=draw(people),
    )


@st.composite
def models(draw):
    dt = draw(st.sampled_from([1.0, 0.5, 0.25]))
    segs = draw(st.lists(segments(dt), min_size=1, max_size=4))
    inflow = draw(st.floats(0.0, 1e6))
    return build(segs, inflow), dt


def build(segs: list[Segment], inflow: float) -> Model:
    """A chain outside -> segment 0 -> ... -> segment n-1 -> outside, declared from the end."""
    m = Model("random chain")
    nxt: str | None = None  # where the segment being declared sends people
    for i in reversed(range(len(segs))):
        seg = segs[i]
        if seg.kind == "hazard":
            m.stock(f"s{i}", initial=seg.initial)
            routes = {nxt: seg.share, None: 1.0 - seg.share} if nxt is not None else {None: 1.0}
            m.outflow(f"h{i}", f"s{i}", seg.rate, to=routes, exit="death")
            nxt = f"s{i}"
        elif seg.kind == "delay":
            nxt = m.delay(f"d{i}", seg.rate, seg.stages, to=nxt, initial=seg.initial)[0]
        elif seg.kind == "hub":
            m.stock(f"hub{i}", initial=seg.initial, same_step=True)
            m.outflow(f"route{i}", f"hub{i}", rate_per_day=math.inf, to=nxt)
            nxt = f"hub{i}"
        else:
            ward = m.delay(f"w{i}", seg.rate, seg.stages, to=nxt, initial=seg.initial)
            if seg.per_day:
                m.capacity(f"c{i}", limit=seg.limit, per_day=True)
            else:
                m.capacity(f"c{i}", limit=seg.limit, stocks=ward)
            m.stock(f"q{i}", initial=seg.initial, same_step=True)
            m.transfer(f"admit{i}", capacity=f"c{i}", moves=[(f"q{i}", ward[0])])
            nxt = f"q{i}"
    assert nxt is not None
    m.inflow("arrivals", to=nxt, rate_per_day=inflow)
    m.describe("end", units="people", long_name="Every stock at the end of the step")
    m.describe("mean", units="people", long_name="Every stock, mean over the period")
    m.describe("flow", units="people", long_name="Every operation's flow")
    for s in m.stocks:
        m.report("end", stocks=[s], at="end", coords={"stock": s})
        m.report("mean", stocks=[s], coords={"stock": s})
    for op in m.operations:
        m.report("flow", flows=[op], coords={"op": op})
    return m


@SETTINGS
@given(models())
def test_random_models_stay_nonnegative_finite_and_conserve_people(model_and_dt):
    """Every stock and flow stays finite and >= 0; people_total changes by in - out - deaths."""
    model, dt = model_and_dt
    ds = run(model, n_steps=30, dt_days=dt)
    for var in ("end", "mean", "flow", "people_total", "people_in", "people_out", "deaths"):
        values = ds[var].values
        assert np.all(np.isfinite(values)), var
        assert np.all(values >= 0.0), (var, values.min())
    total = ds.people_total.values[0]
    before = np.concatenate([ds.people_initial.values, total[:-1]])
    net = ds.people_in.values[0] - ds.people_out.values[0] - ds.deaths.values[0]
    error = np.abs((total - before) - net)
    # rounding scales with the larger of the two totals (a stock of 1e8 can empty to 6 people)
    assert np.all(error <= 1e-9 * np.maximum(np.maximum(total, before), 1.0)), error.max()
    # The ledger total is the sum of all stocks.
    np.testing.assert_allclose(ds.end.sum("stock").values, ds.people_total.values, rtol=1e-12)


@SETTINGS
@given(models())
def test_capacity_limits_hold_in_random_models(model_and_dt):
    """Occupancy never exceeds max(limit, initial occupancy); per-day moves stay <= limit*dt."""
    model, dt = model_and_dt
    ds = run(model, n_steps=20, dt_days=dt)
    for cap in model.capacities.values():
        if cap.per_day:
            moved = ds.flow.sel(op=f"admit{cap.name[1:]}").values
            assert np.all(moved <= cap_limit(model, cap.name) * dt * (1 + 1e-12) + 1e-9)
            continue
        occupied = ds.end.sel(stock=list(cap.stocks)).sum("stock").values
        limit = cap_limit(model, cap.name)
        start = sum(model_initial(model, s) for s in cap.stocks)
        bound = max(limit, start)  # admissions stop while the ward starts over its limit
        assert np.all(occupied <= bound * (1 + 1e-12) + 1e-9)


def cap_limit(model: Model, name: str) -> float:
    return model.params[model.capacities[name].limit_param].value


def model_initial(model: Model, stock: str) -> float:
    s = model.stocks[stock]
    return s.initial_weight * model.params[s.initial_param].value


def _batch_model() -> Model:
    m = Model("batch")
    m.param("k", 0.2)
    m.param("mean", 6.0, kind="positive")
    m.param("beds", 40.0)
    m.param("demand", 12.0)
    m.stock("queue", same_step=True)
    m.series("season")
    m.inflow("arrivals", to="queue", rate_per_day="demand", series="season")
    m.stock("home", initial=100.0)
    ward = m.delay("ward", mean_days="mean", stages=3, to={"home": 0.7, None: 0.3})
    m.outflow("die", "home", rate_per_day="k", to=None, exit="death")
    m.capacity("beds", limit="beds", stocks=ward)
    m.lookup("busy", of=ward, xs=[0.5, 1.0], ys=[1.0, 1.5], per_capacity="beds")
    m.transfer("admit", capacity="beds", moves=[("queue", ward[0])])
    m.describe("occ", units="beds", long_name="Occupied")
    m.describe("busy", units="1", long_name="Pressure")
    m.report("occ", stocks=ward)
    m.report("busy", lookup="busy")
    return m


batch_values = st.lists(
    st.tuples(
        st.floats(0.0, 5.0), st.floats(3.0, 30.0), st.floats(0.0, 200.0), st.floats(0.0, 100.0)
    ),
    min_size=1,
    max_size=6,
)


@settings(derandomize=True, max_examples=20, deadline=None)
@given(batch_values, st.sampled_from([1, 3]))
def test_batch_draw_equals_single_run_bit_for_bit(rows, record_every):
    """Draw i of a batched run is exactly (np.array_equal) a single run with the i-th values."""
    compiled = compile_model(_batch_model())
    cols = np.array(rows).T
    names = ("k", "mean", "beds", "demand")
    season = 1.0 + 0.5 * np.sin(np.arange(24) / 3.0)
    kwargs = dict(n_steps=24, series={"season": season}, record_every=record_every)
    batch = run(compiled, params=dict(zip(names, cols, strict=True)), **kwargs)
    assert batch.sizes["draw"] == len(rows)
    for i, row in enumerate(rows):
        single = run(compiled, params=dict(zip(names, row, strict=True)), **kwargs)
        for var in single.data_vars:
            assert np.array_equal(batch[var].values[i], single[var].values[0]), var


@pytest.mark.parametrize("full_blocks", [True, False], ids=["full-blocks", "smaller-blocks"])
def test_blocks_of_draws_equal_single_runs_bit_for_bit(full_blocks):
    """A batch stepped in blocks of draws gives each draw exactly its single run, for draws
    whose capacity binds and draws whose does not, with per-draw series: a large batch (two
    full blocks per thread and a remainder stepped one draw at a time) and one too small for
    a full block per thread (smaller blocks, one per thread, the last one shorter)."""
    compiled = compile_model(_batch_model())
    threads = get_num_threads()
    n = 2 * BLOCK * threads + 3 if full_blocks else BLOCK * threads - 3
    rng = np.random.default_rng(7)
    cols = {
        "k": rng.uniform(0.0, 5.0, n),
        "mean": rng.uniform(3.0, 30.0, n),
        "beds": rng.uniform(0.0, 200.0, n),
        "demand": rng.uniform(0.0, 100.0, n),
    }
    season = 1.0 + 0.5 * np.sin(np.arange(24)[None, :] / 3.0 + np.arange(n)[:, None])
    kwargs = dict(n_steps=24, record_every=3)
    batch = run(compiled, params=cols, series={"season": season}, **kwargs)
    for i in sorted({0, BLOCK - 1, BLOCK, n // 2, n - 4, n - 1} & set(range(n))):
        one = {k: v[i] for k, v in cols.items()}
        single = run(compiled, params=one, series={"season": season[i]}, **kwargs)
        for var in single.data_vars:
            assert np.array_equal(batch[var].values[i], single[var].values[0]), (var, i)


@SETTINGS
@given(models())
def test_same_inputs_give_identical_results(model_and_dt):
    """Running the same declaration with the same inputs twice gives identical datasets."""
    model, dt = model_and_dt
    first = run(model, n_steps=10, dt_days=dt, record_every=3)
    second = run(model, n_steps=10, dt_days=dt, record_every=3)
    xr.testing.assert_identical(first, second)


def test_negative_lookup_values_cannot_make_a_stock_negative():
    """A lookup with negative values is refused or cannot drive any stock below zero."""
    m = Model("negative lookup")
    m.stock("a", initial=100.0)
    m.stock("b")
    try:
        m.lookup("f", of=["a"], xs=[0.0], ys=[-1.0])
        m.outflow("move", "a", rate_per_day=0.5, to="b", lookup="f")
        m.describe("end", units="people", long_name="Stocks at the end of the step")
        m.report("end", stocks=["a"], at="end", coords={"stock": "a"})
        m.report("end", stocks=["b"], at="end", coords={"stock": "b"})
        ds = run(m, n_steps=3)
    except ModelError as err:
        assert "'f'" in str(err) and "-1" in str(err)
        return
    assert np.all(ds.end.values >= 0.0), ds.end.values
