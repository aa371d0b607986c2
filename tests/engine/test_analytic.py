"""The stock-flow engine against closed-form and hand-computed answers.

Every expected value here is derived independently of the engine: exponential decay, the
binomial (Bernoulli-trial) solution of a discrete Erlang chain, the gamma-distribution solution
of a continuous one, and small hand calculations for capacity, lookups and routing.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from sim.engines.stockflow import Model, ModelError, run


def _describe(m: Model, *names: str) -> None:
    for name in names:
        m.describe(name, units="people", long_name=name)


# -- 1. first-order drain -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "dt", "n_steps"),
    [(0.05, 1.0, 200), (0.7, 1.0, 60), (0.3, 0.1, 500), (2.0, 0.1, 200), (12.0, 0.01, 300)],
)
def test_first_order_drain_matches_exponential(k, dt, n_steps):
    """A hazard k drains 1000 people to exactly 1000*exp(-k*(n+1)*dt) at the end of step n."""
    m = Model("drain")
    m.stock("a", initial=1000.0)
    m.outflow("out", "a", rate_per_day=k, to=None)
    _describe(m, "a_end", "a_out")
    m.report("a_end", stocks=["a"], at="end")
    m.report("a_out", flows=["out"])
    ds = run(m, n_steps=n_steps, dt_days=dt)
    n = np.arange(n_steps)
    expected = 1000.0 * np.exp(-k * (n + 1) * dt)
    np.testing.assert_allclose(ds.a_end.values[0], expected, rtol=1e-12, atol=0)
    before = 1000.0 * np.exp(-k * n * dt)
    np.testing.assert_allclose(ds.a_out.values[0], before - expected, rtol=1e-10, atol=0)


def test_first_order_drain_reports_period_end_with_record_every():
    """With record_every=4 the end-of-period stock is the value after every 4th step."""
    m = Model("drain")
    m.stock("a", initial=1000.0)
    m.outflow("out", "a", rate_per_day=0.2, to=None)
    _describe(m, "a_end")
    m.report("a_end", stocks=["a"], at="end")
    ds = run(m, n_steps=12, dt_days=0.5, record_every=4)
    expected = 1000.0 * np.exp(-0.2 * 0.5 * np.array([4, 8, 12]))
    np.testing.assert_allclose(ds.a_end.values[0], expected, rtol=1e-12, atol=0)


# -- 2. Erlang-k delay ----------------------------------------------------------------------


def _erlang_model(lam: float, k: int, mean_days: float) -> Model:
    m = Model("erlang")
    stages = m.delay("d", mean_days=mean_days, stages=k, to=None)
    m.inflow("in", to=stages[0], rate_per_day=lam)
    _describe(m, "occ", "left")
    m.report("occ", stocks=stages, at="end")
    m.report("left", flows=[f"d.stage{k}"])
    return m


def _binomial_solution(lam: float, k: int, mean_days: float, dt: float, n_steps: int):
    """End-of-step-n stock lam*dt*sum_{m=0..n} P(Binomial(m, p) < k), p = dt*k/mean_days."""
    p = dt * k / mean_days
    m = np.arange(n_steps)
    still_in = stats.binom.cdf(k - 1, m, p)  # P(fewer than k stage completions in m trials)
    return lam * dt * np.cumsum(still_in)


def test_erlang_hand_worked_example():
    """k=1, D=2, dt=1, lam=1: p=1/2; end-of-step stocks 1, 1.5, 1.75 (arrivals wait one step)."""
    ds = run(_erlang_model(1.0, 1, 2.0), n_steps=4, dt_days=1.0)
    # Step 0: 1 arrives, none can leave -> 1. Step 1: half of 1 leaves, 1 arrives -> 1.5.
    # Step 2: half of 1.5 leaves, 1 arrives -> 1.75. Step 3: -> 1.875.
    np.testing.assert_allclose(ds.occ.values[0], [1.0, 1.5, 1.75, 1.875], rtol=1e-15)
    np.testing.assert_allclose(ds.left.values[0], [0.0, 0.5, 0.75, 0.875], rtol=1e-15)
    np.testing.assert_allclose(
        _binomial_solution(1.0, 1, 2.0, 1.0, 4), [1.0, 1.5, 1.75, 1.875], rtol=1e-15
    )


def test_erlang_two_stage_hand_worked_example():
    """k=2, D=2, dt=1 (p=1): a cohort stays exactly 2 censuses, so stocks are 1, 2, 2, 2."""
    ds = run(_erlang_model(1.0, 2, 2.0), n_steps=4, dt_days=1.0)
    np.testing.assert_array_equal(ds.occ.values[0], [1.0, 2.0, 2.0, 2.0])
    np.testing.assert_allclose(_binomial_solution(1.0, 2, 2.0, 1.0, 4), [1.0, 2.0, 2.0, 2.0])


@pytest.mark.parametrize(
    ("lam", "k", "mean_days", "dt"),
    [(10.0, 1, 5.0, 1.0), (10.0, 3, 6.0, 1.0), (7.5, 4, 10.0, 0.5), (100.0, 2, 1.0, 0.25)],
)
def test_erlang_transient_is_the_binomial_solution(lam, k, mean_days, dt):
    """Each step is one Bernoulli(p=dt*k/D) trial to finish a stage, arrivals counted first.

    A person arriving in step j is counted at the end of step j and then makes one trial in
    each later step; at the end of step n they have made m = n - j trials and are still in the
    delay iff fewer than k succeeded, so stock(n) = lam*dt*sum_{m=0..n} P(Binomial(m, p) < k).
    """
    n_steps = int(round(6 * mean_days / dt)) + 20
    ds = run(_erlang_model(lam, k, mean_days), n_steps=n_steps, dt_days=dt)
    expected = _binomial_solution(lam, k, mean_days, dt, n_steps)
    np.testing.assert_allclose(ds.occ.values[0], expected, rtol=1e-11, atol=1e-12 * lam)


@pytest.mark.parametrize(("k", "mean_days", "dt"), [(1, 5.0, 1.0), (3, 6.0, 0.5), (4, 8.0, 2.0)])
def test_erlang_settles_at_littles_law(k, mean_days, dt):
    """Fed at lam per day, the delay settles at lam*D people and discharges lam*dt per step."""
    lam = 12.0
    ds = run(_erlang_model(lam, k, mean_days), n_steps=int(400 * mean_days / dt), dt_days=dt)
    assert ds.occ.values[0, -1] == pytest.approx(lam * mean_days, rel=1e-9)
    assert ds.left.values[0, -1] == pytest.approx(lam * dt, rel=1e-9)


def _continuous_erlang(lam: float, k: int, mean_days: float, t: np.ndarray) -> np.ndarray:
    """lam * int_0^t P(Erlang(k, k/D) > s) ds = lam * (t*S_k(t) + D*F_{k+1}(t))."""
    scale = mean_days / k
    survive = stats.gamma.sf(t, a=k, scale=scale)
    return lam * (t * survive + mean_days * stats.gamma.cdf(t, a=k + 1, scale=scale))


def test_erlang_converges_to_continuous_solution_linearly_in_dt():
    """As dt halves (0.5, 0.25, 0.125) the max error against the Erlang CDF solution halves."""
    lam, k, mean_days, horizon = 10.0, 3, 6.0, 24.0
    for t in (0.5, 3.0, 11.0):  # the closed-form reference against direct quadrature
        direct, _ = integrate.quad(lambda s: stats.gamma.sf(s, a=k, scale=mean_days / k), 0, t)
        assert _continuous_erlang(1.0, k, mean_days, np.array([t]))[0] == pytest.approx(direct)
    errors = []
    for dt in (0.5, 0.25, 0.125):
        n_steps = int(round(horizon / dt))
        ds = run(_erlang_model(lam, k, mean_days), n_steps=n_steps, dt_days=dt)
        t = dt * np.arange(1, n_steps + 1)  # end of step n is time (n+1)*dt
        errors.append(np.max(np.abs(ds.occ.values[0] - _continuous_erlang(lam, k, mean_days, t))))
    for coarse, fine in zip(errors, errors[1:], strict=False):
        assert 1.7 < coarse / fine < 2.3
    assert errors[-1] < 0.01 * lam * mean_days  # within 1% of the steady state at dt=1/8


# -- 3. capacity ----------------------------------------------------------------------------


def _ward_model(demand: float, beds: float, mean_days: float = 4.0, stages: int = 2) -> Model:
    m = Model("ward")
    m.stock("waiting", same_step=True)
    m.inflow("arrivals", to="waiting", rate_per_day=demand)
    ward = m.delay("ward", mean_days=mean_days, stages=stages, to=None)
    m.capacity("beds", limit=beds, stocks=ward)
    m.transfer("admit", capacity="beds", moves=[("waiting", ward[0])])
    _describe(m, "occupied", "queue", "admitted", "limit")
    m.report("occupied", stocks=ward, at="end")
    m.report("queue", stocks=["waiting"], at="end")
    m.report("admitted", flows=["admit"])
    m.report("limit", capacity="beds")
    return m


@pytest.mark.parametrize("dt", [1.0, 0.5])
def test_occupancy_capacity_is_never_exceeded(dt):
    """Demand 50x the discharge rate: occupancy reaches 30 beds and never goes above them."""
    beds = 30.0
    ds = run(_ward_model(demand=300.0, beds=beds), n_steps=int(60 / dt), dt_days=dt)
    occupied = ds.occupied.values[0]
    assert np.all(occupied <= beds * (1 + 1e-12))
    assert occupied[0] == pytest.approx(beds, rel=1e-12)  # first step: the ward fills at once
    np.testing.assert_allclose(occupied, beds, rtol=1e-12)  # beds freed each step are refilled
    np.testing.assert_allclose(ds.limit.values[0], beds)
    # The excess waits in the queue, growing by arrivals minus admissions each step.
    queue = ds.queue.values[0]
    arrived = 300.0 * dt * np.arange(1, queue.size + 1)
    np.testing.assert_allclose(queue, arrived - np.cumsum(ds.admitted.values[0]), rtol=1e-12)
    assert queue[-1] > 0.9 * arrived[-1]


def test_occupancy_capacity_refills_exactly_what_was_discharged():
    """In the steady full state, admissions per step equal discharges of a full ward."""
    beds, mean_days, stages = 30.0, 4.0, 2
    ds = run(_ward_model(300.0, beds, mean_days, stages), n_steps=40, dt_days=1.0)
    # Stage-by-stage a full ward of 30 with p = 1/2 per stage settles with 15 in each stage and
    # discharges 15 * 1/2 = 7.5 per day, the Little's-law rate beds / mean_days.
    assert ds.admitted.values[0, -1] == pytest.approx(beds / mean_days, rel=1e-9)


def test_per_day_transfer_cannot_overfill_an_occupancy_capacity():
    """A transfer limited per day into a bed-limited ward is refused or respects the beds."""
    m = Model("bypass")
    m.stock("waiting", initial=100.0)
    ward = m.delay("ward", mean_days=10.0, stages=1, to=None)
    m.capacity("beds", limit=5.0, stocks=ward)
    m.capacity("slots", limit=50.0, per_day=True)
    m.transfer("admit", capacity="slots", moves=[("waiting", ward[0])])
    _describe(m, "occupied")
    m.report("occupied", stocks=ward, at="end")
    try:
        ds = run(m, n_steps=3)
    except ModelError as err:
        assert "ward[1]" in str(err) and "beds" in str(err)
        return
    assert np.all(ds.occupied.values <= 5.0 * (1 + 1e-12))


def _per_day_model(limit: float, demand: float) -> Model:
    m = Model("clinic")
    m.stock("waiting", same_step=True)
    m.stock("seen")
    m.inflow("referrals", to="waiting", rate_per_day=demand)
    m.capacity("slots", limit=limit, per_day=True)
    m.transfer("book", capacity="slots", moves=[("waiting", "seen")])
    _describe(m, "booked", "queue", "seen_end")
    m.report("booked", flows=["book"])
    m.report("queue", stocks=["waiting"], at="end")
    m.report("seen_end", stocks=["seen"], at="end")
    return m


@pytest.mark.parametrize("dt", [1.0, 0.5, 0.25])
def test_per_day_capacity_moves_at_most_limit_times_dt(dt):
    """A 7-per-day capacity under 40-per-day demand moves exactly 7*dt every step."""
    n_steps = int(20 / dt)
    ds = run(_per_day_model(7.0, 40.0), n_steps=n_steps, dt_days=dt)
    booked = ds.booked.values[0]
    assert np.all(booked <= 7.0 * dt * (1 + 1e-12))
    np.testing.assert_allclose(booked, 7.0 * dt, rtol=1e-12)
    np.testing.assert_allclose(ds.queue.values[0, -1], (40.0 - 7.0) * dt * n_steps, rtol=1e-12)


def test_per_day_capacity_is_shared_by_transfers_using_it():
    """Two transfers on one per-day capacity together move at most limit*dt per step."""
    m = Model("shared")
    m.stock("a", initial=100.0)
    m.stock("b", initial=100.0)
    m.stock("done")
    m.capacity("slots", limit=10.0, per_day=True)
    m.transfer("first", capacity="slots", moves=[("a", "done")])
    m.transfer("second", capacity="slots", moves=[("b", "done")])
    _describe(m, "moved_first", "moved_second")
    m.report("moved_first", flows=["first"])
    m.report("moved_second", flows=["second"])
    ds = run(m, n_steps=5, dt_days=0.5)
    # The earlier-declared transfer takes the whole 5-per-step allowance while it has demand.
    np.testing.assert_allclose(ds.moved_first.values[0], 5.0)
    np.testing.assert_allclose(ds.moved_second.values[0], 0.0)


def test_transfer_rations_in_proportion_to_source_stocks():
    """Sources holding 300 and 100 share 40 free beds as 30 and 10; the rest stays queued."""
    m = Model("ration")
    m.stock("ed", initial=300.0)
    m.stock("gp", initial=100.0)
    ward = m.delay("ward", mean_days=10.0, stages=1, to=None)
    m.capacity("beds", limit=40.0, stocks=ward)
    m.transfer("admit", capacity="beds", moves=[("ed", ward[0]), ("gp", ward[0])])
    _describe(m, "from_ed", "from_gp", "ed_end", "gp_end", "occupied")
    m.report("from_ed", flows=["admit:ed->ward[1]"])
    m.report("from_gp", flows=["admit:gp->ward[1]"])
    m.report("ed_end", stocks=["ed"], at="end")
    m.report("gp_end", stocks=["gp"], at="end")
    m.report("occupied", stocks=ward, at="end")
    ds = run(m, n_steps=3, dt_days=1.0)
    v = {name: ds[name].values[0] for name in ("from_ed", "from_gp", "ed_end", "gp_end")}
    assert v["from_ed"][0] == pytest.approx(30.0, rel=1e-14)
    assert v["from_gp"][0] == pytest.approx(10.0, rel=1e-14)
    assert v["ed_end"][0] == pytest.approx(270.0, rel=1e-14)
    assert v["gp_end"][0] == pytest.approx(90.0, rel=1e-14)
    # Step 1: 40 * 0.1 = 4 discharged, the 4 free beds split 270:90 = 3:1.
    assert v["from_ed"][1] == pytest.approx(3.0, rel=1e-12)
    assert v["from_gp"][1] == pytest.approx(1.0, rel=1e-12)
    np.testing.assert_allclose(ds.occupied.values[0], 40.0, rtol=1e-12)
    total = ds.people_total.values[0]
    np.testing.assert_allclose(total, 400.0 - np.cumsum(ds.people_out.values[0]), rtol=1e-14)


def test_transfer_fraction_limits_demand_below_capacity():
    """With fraction_per_day=0.25 and ample capacity, a quarter of the queue moves each step."""
    m = Model("slow")
    m.stock("queue", initial=800.0)
    m.stock("done")
    m.capacity("slots", limit=1e6, per_day=True)
    m.transfer("go", capacity="slots", moves=[("queue", "done")], fraction_per_day=0.25)
    _describe(m, "q")
    m.report("q", stocks=["queue"], at="end")
    ds = run(m, n_steps=4)
    np.testing.assert_allclose(ds.q.values[0], 800.0 * 0.75 ** np.arange(1, 5), rtol=1e-14)


# -- 4. lookups -----------------------------------------------------------------------------


def test_lookup_of_occupancy_scales_rate_piecewise_linearly():
    """Rate 0.1 x f(occ/100), f = 1 below 0.5, 3 above 0.9, linear between: per-draw flows."""
    m = Model("lookup")
    ward = m.stock("ward", initial=0.0)
    m.capacity("beds", limit=100.0, stocks=[ward])
    m.lookup("pressure", of=[ward], xs=[0.5, 0.9], ys=[1.0, 3.0], per_capacity="beds")
    m.outflow("discharge", ward, rate_per_day=0.1, to=None, lookup="pressure")
    _describe(m, "out", "f", "ward_end")
    m.report("out", flows=["discharge"])
    m.report("f", lookup="pressure")
    m.report("ward_end", stocks=[ward], at="end")
    initial = np.array([20.0, 50.0, 60.0, 70.0, 90.0, 99.0])
    ds = run(m, n_steps=2, params={"ward.initial": initial})
    # Hand-computed table values at occupancy 0.2, 0.5, 0.6, 0.7, 0.9, 0.99.
    f = np.array([1.0, 1.0, 1.5, 2.0, 3.0, 3.0])
    np.testing.assert_allclose(ds.f.values[:, 0], f, rtol=1e-14)
    out0 = initial * (1 - np.exp(-0.1 * f))
    np.testing.assert_allclose(ds.out.values[:, 0], out0, rtol=1e-12)
    # Step 1 uses the table at the new occupancy.
    x1 = initial - out0
    f1 = np.interp(x1 / 100.0, [0.5, 0.9], [1.0, 3.0])
    np.testing.assert_allclose(ds.f.values[:, 1], f1, rtol=1e-12)
    np.testing.assert_allclose(ds.out.values[:, 1], x1 * (1 - np.exp(-0.1 * f1)), rtol=1e-12)


def test_lookup_weighted_sum_without_capacity_and_several_points():
    """A table of 2*a + b over three points, including its flat ends and an interior kink."""
    m = Model("lookup2")
    m.param("a0", 0.0)
    m.stock("a", initial="a0")
    m.stock("b", initial=10.0)
    m.lookup("g", of={"a": 2.0, "b": 1.0}, xs=[20.0, 40.0, 80.0], ys=[0.0, 2.0, 1.0])
    m.outflow("leave", "b", rate_per_day=0.5, to=None, lookup="g")
    _describe(m, "flow", "g")
    m.report("flow", flows=["leave"])
    m.report("g", lookup="g")
    a0 = np.array([0.0, 10.0, 20.0, 35.0, 60.0, 100.0])  # x = 10, 30, 50, 80, 130, 210
    ds = run(m, n_steps=1, params={"a0": a0})
    g = np.array([0.0, 1.0, 1.75, 1.0, 1.0, 1.0])
    np.testing.assert_allclose(ds.g.values[:, 0], g, rtol=1e-14, atol=0)
    np.testing.assert_allclose(ds.flow.values[:, 0], 10.0 * (1 - np.exp(-0.5 * g)), rtol=1e-12)


def test_lookup_weighted_flow_report():
    """A flow reported with a lookup weight is the step-by-step sum of flow x table value."""
    m = Model("weighted")
    m.stock("a", initial=100.0)
    m.lookup("mins", of=["a"], xs=[0.0, 100.0], ys=[0.0, 10.0])
    m.outflow("leave", "a", rate_per_day=0.5, to=None)
    _describe(m, "minutes")
    m.report("minutes", flows=["leave"], lookup="mins")
    ds = run(m, n_steps=4, record_every=2)
    x = 100.0 * np.exp(-0.5 * np.arange(5))
    per_step = (x[:-1] - x[1:]) * x[:-1] / 10.0
    expected = [per_step[0] + per_step[1], per_step[2] + per_step[3]]
    np.testing.assert_allclose(ds.minutes.values[0], expected, rtol=1e-12)


# -- 5. routing -----------------------------------------------------------------------------


def test_routing_shares_split_exactly():
    """Shares 0.2/0.3/0.5 of a hazard outflow go to a, b and outside, to machine precision."""
    m = Model("route")
    m.stock("s", initial=1000.0)
    m.stock("a")
    m.stock("b")
    m.outflow("out", "s", rate_per_day=0.5, to={"a": 0.2, "b": 0.3, None: 0.5})
    _describe(m, "to_a", "to_b", "to_out", "a_end", "b_end")
    m.report("to_a", flows=["out->a"])
    m.report("to_b", flows=["out->b"])
    m.report("to_out", flows=["out->outflow"])
    m.report("a_end", stocks=["a"], at="end")
    m.report("b_end", stocks=["b"], at="end")
    ds = run(m, n_steps=3)
    s = 1000.0 * np.exp(-0.5 * np.arange(4))
    total = s[:-1] - s[1:]
    for var, share in (("to_a", 0.2), ("to_b", 0.3), ("to_out", 0.5)):
        np.testing.assert_allclose(ds[var].values[0], share * total, rtol=1e-13)
    np.testing.assert_allclose(ds.a_end.values[0], 0.2 * (1000.0 - s[1:]), rtol=1e-13)
    np.testing.assert_allclose(ds.b_end.values[0], 0.3 * (1000.0 - s[1:]), rtol=1e-13)
    np.testing.assert_allclose(ds.people_out.values[0], 0.5 * total, rtol=1e-13)


def test_death_exit_is_counted_as_deaths_not_outflow():
    """An exit='death' route is reported under deaths, the rest under people_out.

    The two hazards compete: 1 - exp(-0.3) of the stock leaves, a third of it by death.
    """
    m = Model("deaths")
    m.stock("s", initial=100.0)
    m.outflow("die", "s", rate_per_day=0.1, to=None, exit="death")
    m.outflow("leave", "s", rate_per_day=0.2, to=None)
    ds = run(m, n_steps=1)
    gone = 100.0 * (1 - math.exp(-0.3))
    assert ds.deaths.values[0, 0] == pytest.approx(gone / 3, rel=1e-14)
    assert ds.people_out.values[0, 0] == pytest.approx(gone * 2 / 3, rel=1e-14)


def test_infinite_rate_hub_is_empty_after_every_step_and_routes_same_step():
    """A same_step hub of rate inf routes same-step arrivals at once and ends every step empty."""
    m = Model("hub")
    # The hub's drain is declared first: ordering must still run it after what feeds it.
    m.stock("hub", same_step=True)
    m.stock("a")
    m.stock("b")
    m.stock("up", initial=1000.0)
    m.outflow("route", "hub", rate_per_day=math.inf, to={"a": 0.25, "b": 0.75})
    m.inflow("arrivals", to="hub", rate_per_day=8.0)
    m.outflow("feed", "up", rate_per_day=0.1, to="hub")
    _describe(m, "hub_end", "hub_mean", "a_end", "b_end", "routed")
    m.report("hub_end", stocks=["hub"], at="end")
    m.report("hub_mean", stocks=["hub"])
    m.report("a_end", stocks=["a"], at="end")
    m.report("b_end", stocks=["b"], at="end")
    m.report("routed", flows=["route"])
    ds = run(m, n_steps=6, dt_days=0.5)
    assert np.all(ds.hub_end.values == 0.0)
    assert np.all(ds.hub_mean.values == 0.0)
    up = 1000.0 * np.exp(-0.1 * 0.5 * np.arange(7))
    routed = 8.0 * 0.5 + (up[:-1] - up[1:])
    np.testing.assert_allclose(ds.routed.values[0], routed, rtol=1e-12)
    np.testing.assert_allclose(ds.a_end.values[0], 0.25 * np.cumsum(routed), rtol=1e-12)
    np.testing.assert_allclose(ds.b_end.values[0], 0.75 * np.cumsum(routed), rtol=1e-12)


def test_non_same_step_stock_holds_arrivals_for_one_step():
    """Without same_step, an infinite-rate drain moves only what was there at the step start."""
    m = Model("hold")
    m.stock("mid")
    m.stock("end")
    m.inflow("arrivals", to="mid", rate_per_day=5.0)
    m.outflow("pass", "mid", rate_per_day=math.inf, to="end")
    _describe(m, "mid_end", "end_end")
    m.report("mid_end", stocks=["mid"], at="end")
    m.report("end_end", stocks=["end"], at="end")
    ds = run(m, n_steps=3)
    np.testing.assert_array_equal(ds.mid_end.values[0], [5.0, 5.0, 5.0])
    np.testing.assert_array_equal(ds.end_end.values[0], [0.0, 5.0, 10.0])
