"""Each convention of the stock-flow engine against a closed form or a hand calculation.

Every test runs twice: on the compiled kernel and on the plain-Python reference stepper
(``sim/engines/stockflow/reference.py``), so both are held to the same independent truths.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.engines.stockflow import Model, ModelError, compile_model, run
from sim.engines.stockflow.reference import run_reference


def kernel(model: Model, **kw) -> dict[str, np.ndarray]:
    """Draw 0 of a kernel run: variable -> values (cells of extra dimensions flattened)."""
    ds = run(model, **kw)
    return {v: ds[v].values[0] for v in ds.data_vars if "time" in ds[v].dims}


def reference(model: Model, **kw) -> dict[str, np.ndarray]:
    """The reference stepper's reports, one array per variable (cells in declared order)."""
    out = run_reference(model, **kw)
    by_var: dict[str, list[np.ndarray]] = {}
    for (var, _), values in out.reports.items():
        by_var.setdefault(var, []).append(values)
    return {
        v: (vals[0] if len(vals) == 1 else np.stack(vals, axis=-1)) for v, vals in by_var.items()
    }


ENGINES = pytest.mark.parametrize("engine", [kernel, reference], ids=["kernel", "reference"])


def describe(m: Model, *names: str) -> None:
    for name in names:
        m.describe(name, units="people", long_name=name)


# -- rates per day, exact for any dt -----------------------------------------------------------


@ENGINES
@pytest.mark.parametrize("dt", [1.0, 0.5, 0.25])
def test_transfer_fraction_per_day_moves_the_same_in_a_day_for_any_dt(engine, dt):
    """0.1 a day of 1,000 moves exactly 100 in one day, in 1, 2 or 4 steps (issue 14, 1)."""
    m = Model("fraction")
    m.stock("queue", initial=1000.0)
    m.stock("done")
    m.capacity("slots", limit=1e9, per_day=True)
    m.transfer("go", capacity="slots", moves=[("queue", "done")], fraction_per_day=0.1)
    describe(m, "done_end", "moved")
    m.report("done_end", stocks=["done"], at="end")
    m.report("moved", flows=["go"])
    r = engine(m, n_steps=int(10 / dt), dt_days=dt, record_every=int(1 / dt))
    np.testing.assert_allclose(r["done_end"], 1000.0 * (1 - 0.9 ** np.arange(1, 11)), rtol=1e-12)
    assert r["moved"][0] == pytest.approx(100.0, rel=1e-12)


@ENGINES
@pytest.mark.parametrize("dt", [1.0, 0.5, 0.25])
def test_hazard_is_exact_for_any_dt(engine, dt):
    """A hazard of 0.1 a day leaves 1000 exp(-0.1 t) at every whole day, whatever the step."""
    m = Model("hazard")
    m.stock("a", initial=1000.0)
    m.outflow("out", "a", rate_per_day=0.1, to=None)
    describe(m, "a_end")
    m.report("a_end", stocks=["a"], at="end")
    r = engine(m, n_steps=int(5 / dt), dt_days=dt, record_every=int(1 / dt))
    np.testing.assert_allclose(r["a_end"], 1000.0 * np.exp(-0.1 * np.arange(1, 6)), rtol=1e-12)


# -- competing hazards -----------------------------------------------------------------------


def two_outflows(k1: float, k2: float, first: str = "one") -> Model:
    m = Model("two outflows")
    m.stock("a", initial=1000.0)
    m.stock("b")
    m.stock("c")
    rates = {"one": (k1, "b"), "two": (k2, "c")}
    for name in (first, "two" if first == "one" else "one"):
        k, dst = rates[name]
        m.outflow(name, "a", rate_per_day=k, to=dst)
    describe(m, "a_end", "b_end", "c_end")
    m.report("a_end", stocks=["a"], at="end")
    m.report("b_end", stocks=["b"], at="end")
    m.report("c_end", stocks=["c"], at="end")
    return m


@ENGINES
@pytest.mark.parametrize(("k1", "k2"), [(0.1, 0.1), (1.0, 1.0), (0.3, 0.05), (4.0, 0.01)])
@pytest.mark.parametrize("dt", [1.0, 0.25])
def test_outflows_are_competing_hazards(engine, k1, k2, dt):
    """After t days 1000 exp(-(k1+k2) t) remain; each outflow has taken k_i / K of the rest
    (0.1 + 0.1: 818.7 after a day, not 809.7; 1 + 1: 135.3, not 0; issue 14, 2).
    """
    n = int(3 / dt)
    r = engine(two_outflows(k1, k2), n_steps=n, dt_days=dt)
    t = dt * np.arange(1, n + 1)
    left = 1000.0 * np.exp(-(k1 + k2) * t)
    np.testing.assert_allclose(r["a_end"], left, rtol=1e-12)
    np.testing.assert_allclose(r["b_end"], (1000.0 - left) * k1 / (k1 + k2), rtol=1e-12)
    np.testing.assert_allclose(r["c_end"], (1000.0 - left) * k2 / (k1 + k2), rtol=1e-12)


@pytest.mark.parametrize("engine", [kernel, reference], ids=["kernel", "reference"])
def test_competing_hazards_do_not_depend_on_declaration_order(engine):
    """Declaring the two outflows in the other order gives bit-for-bit the same results."""
    first = engine(two_outflows(0.7, 0.2, first="one"), n_steps=5)
    second = engine(two_outflows(0.7, 0.2, first="two"), n_steps=5)
    for var in ("a_end", "b_end", "c_end"):
        np.testing.assert_array_equal(first[var], second[var])


@ENGINES
@pytest.mark.parametrize("dt", [1.0, 0.5])
def test_delay_stage_competes_with_a_hazard(engine, dt):
    """A one-stage delay of 4 days (p = dt/4 per step) with a death hazard of 0.2 a day: a
    step keeps (1 - p) exp(-0.2 dt); the exit takes h / (h + 0.2) of those leaving, with
    h = -ln(1 - p) / dt.
    """
    m = Model("stage and hazard")
    m.stock("home")
    stage = m.delay("stay", mean_days=4.0, stages=1, to="home", initial=1000.0)[0]
    m.outflow("die", stage, rate_per_day=0.2, to=None, exit="death")
    describe(m, "in_stay", "went_home")
    m.report("in_stay", stocks=[stage], at="end")
    m.report("went_home", flows=["stay.stage1"])
    n = 6
    r = engine(m, n_steps=n, dt_days=dt)
    p = dt / 4.0
    keep = (1 - p) * math.exp(-0.2 * dt)
    x = 1000.0 * keep ** np.arange(n + 1)
    np.testing.assert_allclose(r["in_stay"], x[1:], rtol=1e-12)
    h = -math.log(1 - p) / dt
    np.testing.assert_allclose(r["went_home"], (x[:-1] - x[1:]) * h / (h + 0.2), rtol=1e-12)
    np.testing.assert_allclose(r["deaths"], (x[:-1] - x[1:]) * 0.2 / (h + 0.2), rtol=1e-12)


# -- capacity conventions and fill times -------------------------------------------------------


def full_ward(convention: str, fill: float | None = None) -> Model:
    """10 beds, all full; a one-stage stay of 2 days (half leave each day); 100 waiting."""
    m = Model("full ward")
    m.stock("queue", initial=100.0, same_step=True)
    ward = m.delay("ward", mean_days=2.0, stages=1, to=None, initial=10.0)
    m.capacity("beds", limit=10.0, stocks=ward, convention=convention, fill_time_days=fill)
    m.transfer("admit", capacity="beds", moves=[("queue", ward[0])])
    describe(m, "occupied", "admitted", "room")
    m.report("occupied", stocks=ward, at="end")
    m.report("admitted", flows=["admit"])
    m.report("room", room="beds")
    return m


@ENGINES
def test_same_step_capacity_refills_beds_freed_in_the_step(engine):
    """Same-step: 5 leave and 5 are admitted every day; the ward stays full."""
    r = engine(full_ward("same_step"), n_steps=4)
    np.testing.assert_allclose(r["admitted"], 5.0, rtol=1e-14)
    np.testing.assert_allclose(r["occupied"], 10.0, rtol=1e-14)
    np.testing.assert_allclose(r["room"], 0.0, atol=1e-12)


@ENGINES
def test_start_of_step_capacity_uses_the_room_at_the_start_of_the_step(engine):
    """Start-of-step (Vensim): day 1 admits 0 (full at its start), 5 leave -> 5; day 2 admits
    the 5 free at its start, 2.5 leave -> 7.5; day 3 admits 2.5, 3.75 leave -> 6.25; ...
    """
    r = engine(full_ward("start_of_step"), n_steps=4)
    occupied, admitted, room = [10.0], [], []
    for _ in range(4):
        room.append(10.0 - occupied[-1])
        admitted.append(room[-1])
        occupied.append(occupied[-1] * 0.5 + admitted[-1])
    np.testing.assert_allclose(r["admitted"], admitted, rtol=1e-14)
    np.testing.assert_allclose(r["occupied"], occupied[1:], rtol=1e-14)
    np.testing.assert_allclose(r["room"], room, rtol=1e-14, atol=1e-14)
    assert admitted[:3] == [0.0, 5.0, 2.5]


@ENGINES
@pytest.mark.parametrize(("dt", "fill"), [(1.0, 4.0), (0.5, 4.0), (1.0, 0.5)])
def test_fill_time_fills_a_share_of_the_free_room(engine, dt, fill):
    """An empty 100-place unit with nobody leaving and a fill time T: each step admits
    min(1, dt / T) of the free room, so after n steps 100 (1 - (1 - min(1, dt/T))^n) are in.
    """
    m = Model("fill")
    m.stock("queue", initial=1e6, same_step=True)
    m.stock("unit")
    m.capacity(
        "places", limit=100.0, stocks=["unit"], convention="start_of_step", fill_time_days=fill
    )
    m.transfer("admit", capacity="places", moves=[("queue", "unit")])
    describe(m, "unit_end")
    m.report("unit_end", stocks=["unit"], at="end")
    n = 8
    r = engine(m, n_steps=n, dt_days=dt)
    phi = min(1.0, dt / fill)
    np.testing.assert_allclose(
        r["unit_end"], 100 * (1 - (1 - phi) ** np.arange(1, n + 1)), rtol=1e-13
    )


@ENGINES
def test_fill_time_on_a_same_step_capacity_counts_places_freed_in_the_step(engine):
    """Same-step with fill time 2 days: day 1 frees 5 of 10 beds, fills 5 x 1/2 = 2.5."""
    r = engine(full_ward("same_step", fill=2.0), n_steps=1)
    assert r["admitted"][0] == pytest.approx(2.5, rel=1e-14)
    assert r["occupied"][0] == pytest.approx(7.5, rel=1e-14)


# -- zero shares into capacity-limited stocks ----------------------------------------------------


def zero_share_model(share: float | str = 0.0) -> Model:
    m = Model("zero share")
    m.param("to_ward", 0.0, kind="share")
    m.param("to_home", 1.0, kind="share")
    m.stock("ed", initial=100.0)
    m.stock("home")
    m.stock("ward")
    m.capacity("beds", limit=50.0, stocks=["ward"])
    routes = (
        {"ward": share, "home": 1.0} if share == 0.0 else {"ward": "to_ward", "home": "to_home"}
    )
    m.outflow("leave", "ed", rate_per_day=0.5, to=routes)
    describe(m, "ward_end", "home_end")
    m.report("ward_end", stocks=["ward"], at="end")
    m.report("home_end", stocks=["home"], at="end")
    return m


@ENGINES
@pytest.mark.parametrize("share", [0.0, "named"])
def test_zero_share_into_a_capacity_limited_stock_is_allowed(engine, share):
    """A routing share of 0 into a bed-limited ward is accepted and moves nobody."""
    r = engine(zero_share_model(share), n_steps=3)
    np.testing.assert_array_equal(r["ward_end"], 0.0)
    np.testing.assert_allclose(
        r["home_end"], 100.0 * (1 - np.exp(-0.5 * np.arange(1, 4))), rtol=1e-13
    )


def test_zero_share_made_nonzero_in_a_draw_is_refused():
    """Overriding that share to 0.3 would bypass the capacity: refused, naming the parameter."""
    compiled = compile_model(zero_share_model("named"))
    with pytest.raises(ModelError, match=r"'to_ward' = 0.3.*capacity-limited"):
        compiled.param_matrix({"to_ward": [0.0, 0.3], "to_home": [1.0, 0.7]})


def test_nonzero_share_into_a_capacity_limited_stock_is_refused():
    m = Model("bypass")
    m.stock("ed", initial=100.0)
    m.stock("home")
    m.stock("ward")
    m.capacity("beds", limit=50.0, stocks=["ward"])
    m.outflow("leave", "ed", rate_per_day=0.5, to={"ward": 0.2, "home": 0.8})
    with pytest.raises(ModelError, match=r"'leave->ward' enters capacity-limited stock 'ward'"):
        compile_model(m)


# -- lookups on inflows ---------------------------------------------------------------------


@ENGINES
@pytest.mark.parametrize("dt", [1.0, 0.5])
def test_inflow_scaled_by_a_lookup(engine, dt):
    """Arrivals of 10 a day x f(x), f falling from 1 at x=0 to 0 at x=100: the stock follows
    x' = x + 10 dt (1 - x / 100) from 0, step by step (the lookup reads the start of the step).
    """
    m = Model("inflow lookup")
    m.stock("a")
    m.lookup("room_left", of=["a"], xs=[0.0, 100.0], ys=[1.0, 0.0])
    m.inflow("arrivals", to="a", rate_per_day=10.0, lookup="room_left")
    describe(m, "a_end", "arrived")
    m.report("a_end", stocks=["a"], at="end")
    m.report("arrived", flows=["arrivals"])
    n = 12
    r = engine(m, n_steps=n, dt_days=dt)
    x = [0.0]
    for _ in range(n):
        x.append(x[-1] + 10.0 * dt * (1 - x[-1] / 100.0))
    np.testing.assert_allclose(r["a_end"], x[1:], rtol=1e-13)
    np.testing.assert_allclose(r["arrived"], np.diff(x), rtol=1e-13)


@ENGINES
def test_transfer_scaled_by_a_lookup(engine):
    """A queue of 1,000 whose transfer asks f(x) of what waits, f = 1 - x / 2,000 of the
    queue itself at the start of the step (room never binds): x' = x (1 - (1 - x / 2,000)),
    i.e. x' = x^2 / 2,000, step by step (issue 11: boarders find a bed at a share that falls
    as beds fill).
    """
    m = Model("transfer lookup")
    m.stock("queue", initial=1000.0)
    m.stock("done")
    m.capacity("slots", limit=1e9, stocks=["done"])
    m.lookup("found", of=["queue"], xs=[0.0, 2000.0], ys=[1.0, 0.0])
    m.transfer("go", capacity="slots", moves=[("queue", "done")], lookup="found")
    describe(m, "queue_end", "moved")
    m.report("queue_end", stocks=["queue"], at="end")
    m.report("moved", flows=["go"])
    x = [1000.0]
    for _ in range(5):
        x.append(x[-1] ** 2 / 2000.0)
    r = engine(m, n_steps=5)
    np.testing.assert_allclose(r["queue_end"], x[1:], rtol=1e-13)
    np.testing.assert_allclose(r["moved"], -np.diff(x), rtol=1e-13)


@ENGINES
@pytest.mark.parametrize("first", [False, True])
def test_a_transfer_declared_first_takes_its_fraction_before_the_exits(engine, first):
    """A two-day stage of 1,000 (half leave in a step) with a 0.1-a-day transfer out of it:
    declared ``first``, the transfer takes 0.1 of the 1,000 counted at the start of the step
    (100) and the stage's exit half of the 900 left (450); otherwise the exit takes half of
    the 1,000 (500) and the transfer 0.1 of what is left (50). A board round at midnight
    against discharges during the day (the place's virtual-ward step-down).
    """
    m = Model("first")
    m.stock("home")
    m.stock("ward")
    stage = m.delay("stay", mean_days=2.0, stages=1, to="home", initial=1000.0)[0]
    m.capacity("room", limit=1e9, stocks=["ward"])
    m.transfer("move", capacity="room", moves=[(stage, "ward")], fraction_per_day=0.1, first=first)
    describe(m, "moved", "home_end")
    m.report("moved", flows=["move"])
    m.report("home_end", stocks=["home"], at="end")
    r = engine(m, n_steps=1)
    assert r["moved"][0] == pytest.approx(100.0 if first else 50.0, rel=1e-12)
    assert r["home_end"][0] == pytest.approx(450.0 if first else 500.0, rel=1e-12)


# -- reports: max/min over a period and intermediate quantities ----------------------------------


@ENGINES
def test_max_and_min_over_a_period(engine):
    """A stock of 1000 draining at 0.5 a day, fed by a pulse on day 6 of 8, recorded every 4
    days: max/min of end-of-day levels and of the daily flow, by hand.
    """
    m = Model("peaks")
    m.series("pulse")
    m.stock("a", initial=1000.0)
    m.inflow("in", to="a", rate_per_day=800.0, series="pulse")
    m.outflow("out", "a", rate_per_day=0.5, to=None)
    describe(m, "peak", "trough", "mean", "out_max", "out_min", "in_max")
    m.report("peak", stocks=["a"], at="max")
    m.report("trough", stocks=["a"], at="min")
    m.report("mean", stocks=["a"], at="mean")
    m.report("out_max", flows=["out"], at="max")
    m.report("out_min", flows=["out"], at="min")
    m.report("in_max", flows=["in"], at="max")
    pulse = np.zeros(8)
    pulse[5] = 1.0
    r = engine(m, n_steps=8, dt_days=0.5, record_every=4, series={"pulse": pulse})
    x, out = [1000.0], []
    for t in range(8):
        out.append(x[-1] * (1 - math.exp(-0.25)))
        x.append(x[-1] - out[-1] + 400.0 * pulse[t])
    x1, x2 = np.array(x[1:5]), np.array(x[5:9])
    np.testing.assert_allclose(r["peak"], [x1.max(), x2.max()], rtol=1e-13)
    np.testing.assert_allclose(r["trough"], [x1.min(), x2.min()], rtol=1e-13)
    np.testing.assert_allclose(r["mean"], [x1.mean(), x2.mean()], rtol=1e-13)
    per_day = np.array(out) / 0.5
    np.testing.assert_allclose(r["out_max"], [per_day[:4].max(), per_day[4:].max()], rtol=1e-13)
    np.testing.assert_allclose(r["out_min"], [per_day[:4].min(), per_day[4:].min()], rtol=1e-13)
    np.testing.assert_allclose(r["in_max"], [0.0, 800.0], rtol=1e-13)
    assert r["peak"][1] == pytest.approx(x[6])  # the pulse day, not the period end


@ENGINES
def test_transfer_demand_and_capacity_room_are_reported(engine):
    """7 slots a day for a queue of 40 that all want one: demand 40, 33, 26 ...; 7 moved a day.
    A 10-place unit holding 3 shows 7 free at the start of day 1 and 0 after it is filled.
    """
    m = Model("intermediate")
    m.stock("queue", initial=40.0)
    m.stock("seen")
    m.capacity("slots", limit=7.0, per_day=True)
    m.transfer("book", capacity="slots", moves=[("queue", "seen")])
    m.stock("unit", initial=3.0)
    m.stock("waiting", initial=50.0)
    m.capacity("places", limit=10.0, stocks=["unit"])
    m.transfer("enter", capacity="places", moves=[("waiting", "unit")])
    describe(m, "wanted", "wanted_max", "booked", "free")
    m.report("wanted", demand=["book"])
    m.report("wanted_max", demand=["book"], at="max")
    m.report("booked", flows=["book"])
    m.report("free", room="places")
    r = engine(m, n_steps=4)
    np.testing.assert_allclose(r["wanted"], [40.0, 33.0, 26.0, 19.0], rtol=1e-14)
    np.testing.assert_allclose(r["wanted_max"], r["wanted"], rtol=1e-14)
    np.testing.assert_allclose(r["booked"], 7.0, rtol=1e-14)
    np.testing.assert_allclose(r["free"], [7.0, 0.0, 0.0, 0.0], atol=1e-14)


def test_report_statistic_not_allowed_for_its_kind_is_refused():
    m = Model("bad stat")
    m.stock("a", initial=1.0)
    m.outflow("out", "a", rate_per_day=0.1, to=None)
    describe(m, "x")
    with pytest.raises(ModelError, match=r"at='sum' for level must be one of"):
        m.report("x", stocks=["a"], at="sum")
    with pytest.raises(ModelError, match=r"at='end' for flow must be one of"):
        m.report("x", flows=["out"], at="end")
    with pytest.raises(ModelError, match=r"'out' is not a transfer"):
        m.report("x", demand=["out"])


def test_capacity_convention_and_fill_time_are_checked():
    m = Model("bad capacity")
    m.stock("a")
    with pytest.raises(ModelError, match=r"convention 'vensim' is not one of"):
        m.capacity("c", limit=1.0, stocks=["a"], convention="vensim")
    with pytest.raises(ModelError, match=r"'c.fill_time_days' = 0.0: must be > 0"):
        m.capacity("c", limit=1.0, stocks=["a"], fill_time_days=0.0)
    with pytest.raises(ModelError, match=r"per-day capacity takes no convention or fill time"):
        m.capacity("d", limit=1.0, per_day=True, fill_time_days=2.0)


# -- output shaping ----------------------------------------------------------------------------


@pytest.mark.parametrize(("draws", "kernel"), [(40, "auto"), (1, "interpreter"), (1, "generated")])
def test_float32_runs_keep_the_ledger_in_float64(draws: int, kernel: str):
    """With float32 reports the conservation ledger (people in all stocks, in, out, dead) is
    still recorded in float64, the same values as a float64 run's, and the Dataset's ledger
    variables come from it; the model's own reports are the float64 ones rounded once.
    Batch (blocks of draws), serial and generated kernels alike.
    """
    from sim.engines.stockflow import run_arrays, to_dataset
    from sim.engines.stockflow.model import LEDGER

    m = Model("ledger")
    m.param("k", 1 / 3)
    m.stock("a", initial=1000.0 / 7)
    m.stock("b", initial=0.1)
    m.inflow("born", "a", rate_per_day=math.pi)
    m.outflow("move", "a", rate_per_day="k", to="b")
    m.outflow("die", "b", rate_per_day=0.01, to=None, exit="death")
    m.outflow("leave", "b", rate_per_day=0.1, to=None)
    m.describe("in_b", units="people", long_name="people in b")
    m.report("in_b", stocks=["b"], at="end")
    compiled = compile_model(m)
    p = compiled.param_matrix({"k": np.linspace(0.1, 0.5, draws)})  # the draws differ
    wide = run_arrays(compiled, p, n_steps=30, record_every=7, kernel=kernel)
    narrow = run_arrays(
        compiled, p, n_steps=30, record_every=7, out_dtype=np.float32, kernel=kernel
    )
    n = len(LEDGER)
    assert narrow.ledger.dtype == np.float64
    np.testing.assert_array_equal(narrow.ledger, wide.ledger)
    np.testing.assert_array_equal(wide.ledger, wide.reports[:, :n])
    np.testing.assert_array_equal(narrow.reports, wide.reports.astype(np.float32))
    assert (narrow.reports[:, :n] != narrow.ledger).any()  # float32 would lose digits here
    ds = to_dataset(narrow)
    for var in LEDGER:
        assert ds[var].dtype == np.float64, var
        np.testing.assert_array_equal(ds[var], to_dataset(wide)[var])
    assert ds["in_b"].dtype == np.float32


def test_float32_reports_are_the_float64_ones_rounded_and_cells_land_in_place():
    """float32 output: each value is the float64 one rounded once. Cells declared out of grid
    order (and one missing) land at their coordinates, the missing one NaN.
    """
    from sim.engines.stockflow import run_arrays, to_dataset

    m = Model("cells")
    for s, x0 in (("a", 1000.0), ("b", 10.0), ("c", 1.0)):
        m.stock(s, initial=x0)
        m.outflow(f"out_{s}", s, rate_per_day=0.3, to=None)
    m.describe("level", units="people", long_name="level")
    m.report("level", stocks=["b"], at="end", coords={"x": "1", "y": "0"})
    m.report("level", stocks=["a"], at="end", coords={"x": "0", "y": "0"})
    m.report("level", stocks=["c"], at="end", coords={"x": "0", "y": "1"})
    compiled = compile_model(m)
    p = compiled.param_matrix()
    wide = run_arrays(compiled, p, n_steps=5)
    narrow = run_arrays(compiled, p, n_steps=5, out_dtype=np.float32)
    assert narrow.reports.dtype == np.float32
    np.testing.assert_array_equal(narrow.reports, wide.reports.astype(np.float32))
    ds = to_dataset(wide)
    level = ds["level"].isel(draw=0)
    np.testing.assert_allclose(level.sel(x="0", y="0"), 1000.0 * np.exp(-0.3 * np.arange(1, 6)))
    np.testing.assert_allclose(level.sel(x="1", y="0"), 10.0 * np.exp(-0.3 * np.arange(1, 6)))
    np.testing.assert_allclose(level.sel(x="0", y="1"), 1.0 * np.exp(-0.3 * np.arange(1, 6)))
    assert np.isnan(level.sel(x="1", y="1")).all()
