"""Appraisal: discounting, NPV, BCR and payback against hand-computed examples; baseline
against itself gives exactly zero; the accounts add up; bad settings are refused."""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr

import sim
from sim.appraisal import appraise, summarise
from sim.appraisal.metrics import (
    benefit_cost_ratio,
    discount_factors,
    npv,
    payback_year,
    present_value,
    split_gains,
)
from sim.config.errors import ConfigError
from sim.jobs.load import load_config


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
        ([-100.0, 60.0, 60.0], 0.25, np.nan),  # -100, -52, -13.6: not within the years
        ([-100.0, 10.0], 0.0, np.nan),
        ([0.0, 5.0], 0.035, 0),  # never costs more than it saves
        ([10.0, -20.0, 5.0], 0.0, np.nan),  # in credit, then under water to the end
        ([-10.0, 20.0, -20.0, 30.0], 0.0, 3),  # pays back, slips, pays back for good
    ],
)
def test_payback_year_by_hand(flows, rate, expected):
    got = payback_year(np.array(flows), rate)
    assert (math.isnan(got) and math.isnan(expected)) or got == expected


def test_gains_and_costs_split_the_changes():
    gains, costs = split_gains(np.array([-3.0, 2.0, 0.0]))
    assert gains.tolist() == [3.0, 0.0, 0.0] and costs.tolist() == [0.0, 2.0, 0.0]


@pytest.fixture(scope="module")
def small():
    return sim.appraise(
        ["run.horizon_years=3", "run.record_every_days=365", "run.charts=false",
         "appraisal.options=[homefirst,community_investment]"], draws=3,
    )  # fmt: skip


def test_baseline_against_itself_is_exactly_zero(small):
    cfg = load_config([])
    base = small.runs["baseline"]
    same = appraise(base, {"baseline": base}, cfg.appraisal)
    for var in same.data_vars:
        values = same[var].values
        if var in ("bcr", "cost_per_admission_avoided"):  # 0 / 0: no costs, nothing avoided
            assert np.isnan(values).all(), var
        elif var == "payback_year":
            assert (values == 0).all()
        else:
            assert (values == 0).all(), var


def test_the_appraisal_adds_up(small):
    a = small.appraisal
    r = a.attrs["discount_rate"]
    assert a.attrs["price_year"] == "2024/25" and a["npv"].attrs["units"] == "GBP (2024/25 prices)"
    d = discount_factors(a.sizes["year"], r)
    pv_net = (a["net_cost_change"] * xr.DataArray(d, dims="year")).sum("year")
    xr.testing.assert_allclose(a["npv"], -pv_net)  # health value off by default
    xr.testing.assert_allclose(a["npv"], a["pv_benefits"] - a["pv_costs"])
    # who pays and who saves adds up to the system: money is conserved
    xr.testing.assert_allclose(a["surplus_change"].sum("org"), -a["net_cost_change"])
    ci = a.sel(option="community_investment")
    assert float(ci["investment"].isel(draw=0).sum()) == pytest.approx(5e6 + 10e6 * 365 / 366)
    assert (ci["emergency_admissions_change"].sum("year") < 0).all()
    s = summarise(a)
    assert list(s["stat"].values) == ["P10", "P50", "P90"]
    assert 0 <= float(a["probability_npv_positive"].sel(option="homefirst")) <= 1


def test_health_value_adds_discounted_qalys(small):
    cfg = load_config(["appraisal.health.enabled=true"])
    base = small.runs["baseline"]
    opts = {k: v for k, v in small.runs.items() if k != "baseline"}
    with_health = appraise(base, opts, cfg.appraisal)
    h = cfg.appraisal.health
    adm, ltc = with_health["emergency_admissions_change"], with_health["long_term_care_change"]
    qalys = -adm * h.qaly_per_admission_avoided - ltc * h.qaly_per_long_term_care_avoided
    d = xr.DataArray(discount_factors(qalys.sizes["year"], h.discount_rate), dims="year")
    expected = small.appraisal["npv"] + (qalys * h.value_per_qaly_gbp * d).sum("year")
    xr.testing.assert_allclose(with_health["npv"], expected)


def test_a_shorter_horizon_appraises_fewer_years(small):
    cfg = load_config(["run.horizon_years=3", "appraisal.horizon_years=2"])
    base = small.runs["baseline"]
    a = appraise(base, {"homefirst": small.runs["homefirst"]}, cfg.appraisal)
    assert a.sizes["year"] == 2 and a.attrs["last_year"] == "2026/27"


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("appraisal.options=[homefirst,nope]",
         "appraisal.options: 'nope' is not a scenario; available: annual_contracting"),
        ("appraisal.horizon_years=12",
         "appraisal.horizon_years = 12.0: must be > 0 and <= run.horizon_years (10)"),
        ("appraisal.discount_rate=0.25",
         "appraisal.discount_rate = 0.25: must be between 0 and 0.2 (0-20%)"),
        ("appraisal.discount_rate=-0.01", "appraisal.discount_rate = -0.01"),
    ],
)  # fmt: skip
def test_bad_appraisal_settings_are_refused_before_any_work(override, expected):
    with pytest.raises(ConfigError) as err:
        load_config([override])
    assert expected in str(err.value) and "\n" not in str(err.value)
