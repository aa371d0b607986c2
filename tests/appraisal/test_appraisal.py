"""Appraisal: discounting, NPV, BCR, payback, optimism bias, switching values and the
economic view against hand-computed examples; baseline against itself gives exactly zero in
both views; BCR does not depend on how cost lines are split; bad settings are refused."""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr

import sim
from sim.appraisal.appraise import appraise, summarise
from sim.appraisal.metrics import (
    benefit_cost_ratio,
    discount_factors,
    npv,
    payback_year,
    present_value,
    split_gains,
    view_metrics,
)
from sim.appraisal.switching import exact_switching, fitted_switching
from sim.config.errors import ConfigError
from sim.jobs.load import load_config

pytestmark = pytest.mark.xdist_group("appraisal")  # fixtures made once


def test_discount_factors_follow_the_green_book_convention():
    """Year 0 undiscounted; year t divided by 1.035^t (EVIDENCE 6.1)."""
    np.testing.assert_allclose(discount_factors(3, 0.035), [1.0, 1 / 1.035, 1 / 1.035**2])


def test_npv_by_hand():
    # -100 + 50/1.1 + 60/1.21 = -100 + 45.4545... + 49.5867... = -4.9586...
    assert npv(np.array([-100.0, 50.0, 60.0]), 0.10) == pytest.approx(-4.958677685950413)
    assert npv(np.array([[1.0, 1.0], [2.0, 0.0]]), 0.0).tolist() == [2.0, 2.0]
    assert present_value(np.array([0.0, 103.5]), 0.035) == pytest.approx(100.0)


def test_benefit_cost_ratio_by_hand():
    # PV benefits 50/1.1 + 50/1.21 = 86.776..., PV costs 100 -> 0.86776...
    bcr = benefit_cost_ratio(np.array([0.0, 50, 50]), np.array([100.0, 0, 0]), 0.10)
    assert bcr == pytest.approx(86.77685950413223 / 100)
    assert math.isnan(benefit_cost_ratio(np.array([5.0]), np.array([0.0]), 0.035))


@pytest.mark.parametrize(
    ("flows", "rate", "expected"),
    [
        ([-100.0, 60.0, 60.0], 0.0, 2),  # cumulative -100, -40, +20
        ([-100.0, 60.0, 60.0], 0.25, np.inf),  # -100, -52, -13.6: not within the years
        ([-100.0, 10.0], 0.0, np.inf),
        ([0.0, 5.0], 0.035, -np.inf),  # never a net cost (never 0: that reads "at once")
        ([0.0, 0.0], 0.035, -np.inf),  # costs nothing, saves nothing: never a net cost
        ([10.0, -20.0, 5.0], 0.0, np.inf),  # in credit, then under water to the end
        ([-10.0, 20.0, -20.0, 30.0], 0.0, 3),  # pays back, slips, pays back for good
    ],
)
def test_payback_year_by_hand(flows, rate, expected):
    assert payback_year(np.array(flows), rate) == expected


def test_gains_and_costs_split_the_changes():
    gains, costs = split_gains(np.array([-3.0, 2.0, 0.0]))
    assert gains.tolist() == [3.0, 0.0, 0.0] and costs.tolist() == [0.0, 2.0, 0.0]


def test_optimism_bias_by_hand():
    """Costs x 1.41, benefits / 1.25 (the default rates), by hand at a 10% rate."""
    invest = np.array([100.0, 100.0])
    delta = np.array([100.0, -50.0])  # year 0 saves nothing; year 1 saves 150 elsewhere
    m = view_metrics(invest, delta, np.zeros(2), 0.10, 0.015, 0.41, 0.25)
    pv_costs = (100 + 100 / 1.1) * 1.41  # = 269.1818...
    pv_benefits = (150 / 1.1) / 1.25  # = 109.0909...
    assert m["pv_costs"] == pytest.approx(pv_costs, abs=1e-9)
    assert m["pv_benefits"] == pytest.approx(pv_benefits, abs=1e-9)
    assert m["npv"] == pytest.approx(pv_benefits - pv_costs, abs=1e-9)
    assert m["npv_unadjusted"] == pytest.approx(-100 + 50 / 1.1, abs=1e-9)
    assert m["bcr"] == pytest.approx(pv_benefits / pv_costs)
    # an extra cost elsewhere (S < 0) is a cost, raised by the cost rate; health at its rate
    m = view_metrics(
        np.array([0.0, 0.0]), np.array([0.0, 10.0]), np.array([0.0, 20.0]), 0.10, 0.015, 0.5, 1.0
    )
    assert m["pv_costs"] == pytest.approx(10 / 1.1 * 1.5)
    assert m["pv_benefits"] == pytest.approx(20 / 1.015 / 2.0)


def test_bcr_does_not_depend_on_how_lines_are_split():
    """The same aggregate change gives the same BCR however it is split into lines; the old
    per-line netting of gains and costs would not."""
    invest = np.array([10.0, 10.0])
    one_line = np.array([4.0, -6.0])  # change in cost, investment included
    halves = [np.array([4.0, -16.0]), np.array([0.0, 10.0])]  # the same change, two lines
    a = view_metrics(invest, one_line, np.zeros(2), 0.035, 0.015, 0.41, 0.25)
    b = view_metrics(invest, halves[0] + halves[1], np.zeros(2), 0.035, 0.015, 0.41, 0.25)
    assert a["bcr"] == b["bcr"]
    gains = sum(split_gains(h)[0] for h in halves)
    assert gains.sum() != split_gains(one_line)[0].sum()  # per-line netting would differ


def test_switching_values_make_npv_zero():
    """At each exact switching value the mean NPV is 0 to 1e-6; a linear case by hand."""
    invest = np.array([[100.0, 0.0], [100.0, 0.0]])
    delta = np.array([[100.0, -160.0], [100.0, -200.0]])  # saves 160, 200 in year 1
    bed = np.array([[0.0, -100.0], [0.0, -120.0]])  # the part of delta from bed days
    args = (0.10, 0.015, 0.0, 0.0)
    sv = exact_switching(invest, delta, np.zeros_like(delta), {"bed": (0 * bed, bed)}, *args)
    # mean NPV(r) = -100 + 180 / (1 + r) = 0 -> r = 0.8
    assert sv["discount_rate"] == pytest.approx(0.8, abs=1e-12)
    # savings x k: -100 + 180 k / 1.1 = 0 -> k = 110 / 180
    assert sv["savings"] == pytest.approx(110 / 180, abs=1e-12)
    # bed part x k: -100 + (180 - 110 + 110 k) / 1.1 = 0 -> k = 40 / 110
    assert sv["bed"] == pytest.approx(40 / 110, abs=1e-12)
    for name, k in sv.items():
        if name == "discount_rate":
            m = view_metrics(invest, delta, 0 * delta, k, 0.015)
        elif name == "savings":
            m = view_metrics(invest, invest - k * (invest - delta), 0 * delta, 0.10, 0.015)
        else:
            m = view_metrics(invest, delta + (k - 1) * bed, 0 * delta, 0.10, 0.015)
        assert abs(m["npv"].mean()) < 1e-6, name
    # with optimism bias the function is piecewise linear; still exactly 0 at the root
    sv = exact_switching(invest, delta, np.zeros_like(delta), {}, 0.10, 0.015, 0.41, 0.25)
    m = view_metrics(invest, delta, 0 * delta, sv["discount_rate"], 0.015, 0.41, 0.25)
    assert abs(m["npv"].mean()) < 1e-6
    # no root: an option that only saves keeps NPV > 0 at any rate
    none = exact_switching(0 * invest, -np.abs(delta), 0 * delta, {}, *args)
    assert math.isnan(none["discount_rate"])


def test_fitted_switching_by_hand():
    """NPV = 10 (x - 2) over draws: the fitted switching value is 2, its fitted NPV 0."""
    x = np.array([[1.0], [2.0], [4.0], [5.0]])
    npv_ = 10 * (x[:, 0] - 2)
    sv, how = fitted_switching(npv_, x)
    assert how == "joint" and sv[0] == pytest.approx(2.0, abs=1e-12)
    fit = npv_.mean() + 10 * (sv[0] - x[:, 0].mean())
    assert abs(fit) < 1e-6
    assert fitted_switching(npv_[:2], x[:2])[1] == "too few draws"


@pytest.fixture(scope="module")
def small():
    return sim.appraise(
        [
            "run.horizon_years=3",
            "run.record_every_days=365",
            "run.charts=false",
            "appraisal.options=[homefirst,community_investment]",
        ],
        draws=3,
    )


def test_baseline_against_itself_is_exactly_zero(small):
    """Both views: zero NPV, costs, benefits and changes; BCR 0/0 is NaN; payback never."""
    cfg = load_config([])
    base = small.runs["baseline"]
    same = appraise(base, {"baseline": base}, cfg.appraisal)
    assert list(same["view"].values) == ["cash", "economic"]
    for var in same.data_vars:
        if "draw" not in same[var].dims:
            continue
        values = same[var].values
        if var in ("bcr", "cost_per_admission_avoided") or var.startswith("at_home_91d_share"):
            if var.startswith("at_home_91d_share_change"):
                assert (values == 0).all(), var
            elif not var.startswith("at_home_91d_share"):
                assert np.isnan(values).all(), var  # 0 / 0: no costs, nothing avoided
        elif var == "payback_year":
            assert (values == -np.inf).all()  # never a net cost
        else:
            assert (values == 0).all(), var


def test_economic_npv_by_hand(small):
    """The economic NPV recomputed by hand from the runs: bed days at EVIDENCE 10.90 uplifted
    by NHSCII, activity at full unit cost, capacity lines as booked, handover crew hours,
    boarding days, health at the value of a QALY (1.5%), optimism bias on top."""
    from sim.finance.years import FinancialYears

    cfg = load_config(["scenario=community_investment"])
    a, fin = small.appraisal, cfg.finance
    base, opt = small.runs["baseline"], small.runs["community_investment"]
    fb, fo = FinancialYears(base), FinancialYears(opt)
    bed = 344.60 * 1.0258 * 1.0732 * 1.0247 * 1.0402  # 2020/21 -> 2024/25, EVIDENCE 10.96-99
    d = 0.0
    for name, line in fin.costs.items():
        if line.driver == "occupied.acute_beds":
            d = d + bed * line.share * (fo.quantity(line.driver) - fb.quantity(line.driver))
        elif line.driver.startswith("occupied."):
            d = d + (opt["line_cost"] - base["line_cost"]).sel(cost_line=name).sum("cost_type")
        else:
            u = opt["unit_cost_by_draw"].sel(unit_cost_name=line.unit_cost)
            d = d + u * line.share * (fo.quantity(line.driver) - fb.quantity(line.driver))
    crew = opt["unit_cost_by_draw"].sel(unit_cost_name="ambulance_crew_hour")
    d = d + crew * (fo.quantity("handover_hours_lost") - fb.quantity("handover_hours_lost"))
    d = d + bed * (fo.quantity("boarding") - fb.quantity("boarding"))
    d = d + (opt["provider_cost"] - base["provider_cost"]).sel(cost_type="investment").sum("org")
    h = cfg.appraisal.health
    averted = -(fo.quantity("deaths") - fb.quantity("deaths")).values  # (draw, year)
    life_years = np.cumsum(averted, axis=1) - 0.5 * averted  # half a year in the year of death
    qalys = (
        -(fo.quantity("emergency_admissions") - fb.quantity("emergency_admissions"))
        * h.qaly_per_admission_avoided
        - (
            fo.quantity("care_home_admissions_after_hospital")
            - fb.quantity("care_home_admissions_after_hospital")
        )
        * h.qaly_per_long_term_care_avoided
        + life_years * h.qaly_per_life_year
    )
    health = qalys * 70000.0
    invest = opt["investment_total"]
    got = a.sel(option="community_investment", view="economic")
    n = d.sizes["year"]
    disc = xr.DataArray(discount_factors(n, 0.035), dims="year")
    disc_h = xr.DataArray(discount_factors(n, 0.015), dims="year")
    s = invest - d
    pv_b = (s.clip(min=0) * disc).sum("year") + (health.clip(min=0) * disc_h).sum("year")
    pv_c = ((invest + (-s).clip(min=0)) * disc).sum("year") + ((-health).clip(min=0) * disc_h).sum(
        "year"
    )
    np.testing.assert_allclose(got["economic_cost_change"].values, d.values, rtol=1e-9)
    expected = pv_b.values / 1.25 - pv_c.values * 1.41
    np.testing.assert_allclose(got["npv"].values, expected, rtol=1e-9)
    np.testing.assert_allclose(got["npv_unadjusted"].values, (pv_b - pv_c).values, rtol=1e-9)


def test_the_appraisal_adds_up(small):
    a = small.appraisal
    r = a.attrs["discount_rate"]
    assert a.attrs["price_year"] == "2024/25" and a["npv"].attrs["units"] == "GBP (2024/25 prices)"
    d = discount_factors(a.sizes["year"], r)
    pv_net = (a["net_cost_change"] * xr.DataArray(d, dims="year")).sum("year")
    cash = a.sel(view="cash", drop=True)
    xr.testing.assert_allclose(cash["npv_unadjusted"], -pv_net)  # no health in the cash view
    xr.testing.assert_allclose(a["npv"], a["pv_benefits"] - a["pv_costs"])
    # the cash view's parts add up to the change in system net cost
    xr.testing.assert_allclose(cash["cost_change"], a["net_cost_change"])
    # who pays and who saves adds up to the system: money is conserved
    xr.testing.assert_allclose(a["surplus_change"].sum("org"), -a["net_cost_change"])
    ci = a.sel(option="community_investment")
    assert float(ci["investment"].isel(draw=0).sum()) > 5e6 + 10e6 * 365 / 366
    assert (a["implementation_cost"] > 0).all()  # every option has a set-up cost
    hf = a.sel(option="homefirst")
    assert (hf["investment"].sum("year") > hf["implementation_cost"]).all()  # running too
    assert (ci["emergency_admissions_change"].sum("year") < 0).all()
    s = summarise(a)
    assert list(s["stat"].values) == ["P10", "P50", "P90"]
    assert ((a["probability_npv_positive"] >= 0) & (a["probability_npv_positive"] <= 1)).all()
    # cost per admission avoided: every draw defined or the option marked not meaningful
    per = a["cost_per_admission_avoided"]
    assert (np.isfinite(per).all(("draw",)) | ~a["cost_per_admission_meaningful"]).all()
    # people at home 91 days: a proportion, its change in percentage points
    share = a["at_home_91d_share_horizon"]
    assert ((share > 0.5) & (share < 1)).all()
    pp = 100 * (share - a["at_home_91d_share_baseline_horizon"])
    xr.testing.assert_allclose(a["at_home_91d_share_change_horizon"], pp)


def test_bcr_unchanged_when_a_cost_line_is_split_in_two(small):
    """Split the type 1 ED cost line into two lines of half the share each, recompute the
    money of the baseline and HomeFirst, appraise again: BCR and NPV are unchanged in both
    views (the old per-line netting of gains and costs was not line-split invariant)."""
    import copy

    from sim.finance.money import compute_money
    from sim.scenarios.money import scenario_finance

    cfg = load_config(["run.horizon_years=3", "scenario=homefirst"])
    fin = scenario_finance(cfg)
    split = copy.deepcopy(fin)
    half = copy.deepcopy(fin.costs["ed_type1"])
    half.share = 0.5
    del split.costs["ed_type1"]
    split.costs["ed_type1_a"], split.costs["ed_type1_b"] = half, copy.deepcopy(half)
    base_fin = copy.deepcopy(split)
    base_fin.investments = {}

    def results_only(ds: xr.Dataset) -> xr.Dataset:
        return ds[[v for v in ds.data_vars if "year" not in ds[v].dims]]

    base_r = results_only(small.runs["baseline"])
    opt_r = results_only(small.runs["homefirst"])
    base = base_r.merge(
        compute_money(base_r, base_fin, plan=base_r, investments=None), compat="override"
    )
    opt = opt_r.merge(compute_money(opt_r, split, plan=base_r), compat="override")
    again = appraise(base, {"homefirst": opt}, cfg.appraisal, finance={"homefirst": split})
    first = small.appraisal.sel(option=["homefirst"])
    assert again.sizes["view"] == 2
    for var in ("bcr", "npv", "pv_costs", "pv_benefits"):
        np.testing.assert_allclose(again[var].values, first[var].values, rtol=1e-9)


def test_homefirst_reablement_is_an_investment_line(small):
    """HomeFirst's extra reablement cost is paid by the ICB as an investment line, equal to
    the rise of the LA's reablement cost line against plan."""
    base, hf = small.runs["baseline"], small.runs["homefirst"]
    rise = (hf["line_cost"] - base["line_cost"]).sel(cost_line="reablement").sum("cost_type")
    paid = hf["investment"].sel(investment_line="reablement_running")
    np.testing.assert_allclose(paid.values, rise.clip(min=0).values, rtol=1e-12)
    assert float(paid.sum()) > 0


def test_a_shorter_horizon_appraises_fewer_years(small):
    cfg = load_config(["run.horizon_years=3", "appraisal.horizon_years=2"])
    base = small.runs["baseline"]
    a = appraise(base, {"homefirst": small.runs["homefirst"]}, cfg.appraisal)
    assert a.sizes["year"] == 2 and a.attrs["last_year"] == "2026/27"


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        (
            "appraisal.options=[homefirst,nope]",
            "appraisal.options: 'nope' is not a scenario; available: annual_contracting",
        ),
        (
            "appraisal.horizon_years=12",
            "appraisal.horizon_years = 12.0: must be > 0 and <= run.horizon_years (10)",
        ),
        (
            "appraisal.discount_rate=0.25",
            "appraisal.discount_rate = 0.25: must be between 0 and 0.2 (0-20%)",
        ),
        ("appraisal.discount_rate=-0.01", "appraisal.discount_rate = -0.01"),
        (
            "appraisal.optimism_bias.costs=2.5",
            "appraisal.optimism_bias.costs = 2.5: must be between 0 and 2 (0-200%)",
        ),
        (
            "appraisal.optimism_bias.benefits=-0.1",
            "appraisal.optimism_bias.benefits = -0.1: must be between 0 and 2 (0-200%)",
        ),
        (
            "appraisal.health.value_per_qaly_gbp=0",
            "appraisal.health.value_per_qaly_gbp = 0.0: must be a finite number > 0",
        ),
        (
            "appraisal.health.value_per_qaly_gbp=-5",
            "appraisal.health.value_per_qaly_gbp = -5.0: must be a finite number > 0",
        ),
        (
            ["scenario=homefirst", "scenario.investments.reablement_running.cost_line=nope"],
            "scenario.investments.reablement_running.cost_line = 'nope': allowed acute_admissions",
        ),
        (
            ["scenario=homefirst", "scenario.investments.assessment_staff.provider=council"],
            "scenario.investments.assessment_staff.provider = 'council': unknown organisation",
        ),
        (
            ["scenario=homefirst", "scenario.investments.reablement_running.provider=community"],
            "scenario.investments.reablement_running.cost_line = 'reablement': provided by "
            "'local_authority'",
        ),
        (
            ["scenario=[homefirst,annual_contracting]"],
            "scenario.investments.reablement_running: cost = line pays for capacity the effects",
        ),
    ],
)
def test_bad_appraisal_settings_are_refused_before_any_work(override, expected):
    with pytest.raises(ConfigError) as err:
        load_config(override if isinstance(override, list) else [override])
    assert expected in str(err.value) and "\n" not in str(err.value)


def test_annual_and_multi_year_contracting_offer_the_same_investment():
    """Like for like: both contracting options carry community investment's lines unchanged,
    and both are appraised by default, so their difference is the contracting rule."""
    assert {"community_investment", "annual_contracting", "multiyear_payments"} <= set(
        load_config([]).appraisal.options
    )
    names = ("community_investment", "annual_contracting", "multiyear_payments")
    sc = {n: load_config([f"scenario={n}"]).scenario for n in names}
    assert sc["annual_contracting"].investments == sc["community_investment"].investments
    assert sc["multiyear_payments"].investments == sc["community_investment"].investments
    assert sc["annual_contracting"].contracting.mode == "annual"
    assert sc["multiyear_payments"].contracting.mode == "multi_year"
