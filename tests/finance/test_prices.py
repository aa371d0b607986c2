"""Unit costs are uplifted to the stated price year, which every GBP output carries."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import xarray as xr

from sim.config.schema import IndexCfg
from sim.finance import compute_money, unit_costs_gbp, uplift_factor

from .synthetic import synthetic_results


def test_uplift_compounds_the_index_between_price_years():
    """2016/17 -> 2018/19 at 2% then 3% is x 1.0506; back again divides."""
    index = IndexCfg(growth={"2016/17": 0.5, "2017/18": 0.02, "2018/19": 0.03}, source="t")
    assert uplift_factor(index, "2016/17", "2018/19") == pytest.approx(1.02 * 1.03)
    assert uplift_factor(index, "2018/19", "2016/17") == pytest.approx(1 / (1.02 * 1.03))
    assert uplift_factor(index, "2015/16", "2015/16") == 1.0


def test_default_costs_are_at_2024_25_prices(default_finance):
    """EVIDENCE 4.1 (GBP 1,590 at 2016/17) with the default index: 2.5% a year, 2.9% in 2023/24."""
    unit = unit_costs_gbp(default_finance)
    factor = 1.025**7 * 1.029  # 2017/18 .. 2024/25
    assert unit["nel_admission"] == pytest.approx(1590 * factor)
    assert unit["admission_front_end"] == pytest.approx(0.1 * 1590 * factor)
    assert unit["home_care_hour"] == pytest.approx(28.53), "already at 2024/25"
    assert unit["reablement_place_day"] == pytest.approx(2 * 28.53)
    assert unit["care_home_day"] == pytest.approx(1146 * 1.025 / 7)


def test_every_money_variable_states_the_price_year(default_finance):
    """Units read 'GBP (2024/25 prices)' and a price_year attribute on every GBP variable."""
    money = compute_money(synthetic_results(years=1), default_finance)
    assert money.attrs["price_year"] == "2024/25"
    for name, da in money.data_vars.items():
        if name == "days":
            continue
        assert "2024/25 prices" in da.attrs["units"], name
        assert da.attrs["price_year"] == "2024/25", name
        assert da.attrs["long_name"], name


def test_unit_costs_are_drawn_within_their_ranges_when_there_are_draws(default_finance):
    """With 30 draws each ranged cost spans its range, repeats with the seed, and a cost
    defined of another moves with it; one draw (or sampling off) gives the central values."""
    from sim.finance.prices import unit_costs_by_draw

    draws = np.arange(30)
    drawn = unit_costs_by_draw(default_finance, draws, seed=11)
    again = unit_costs_by_draw(default_finance, draws, seed=11)
    central = unit_costs_gbp(default_finance)
    vw = drawn["virtual_ward_day"].values
    factor = central["virtual_ward_day"] / 935
    assert vw.min() >= 655 * factor - 1e-9 and vw.max() <= 1215 * factor + 1e-9
    assert np.ptp(vw) > 0.5 * (1215 - 655) * factor, "stratified draws span the range"
    assert np.array_equal(vw, again["virtual_ward_day"].values)
    assert drawn["care_home_day"].values == pytest.approx(drawn["care_home_week"].values / 7)
    assert drawn["nel_admission"].values == pytest.approx([central["nel_admission"]] * 30)
    one = unit_costs_by_draw(default_finance, np.arange(1), seed=11)
    assert float(one["virtual_ward_day"][0]) == pytest.approx(central["virtual_ward_day"])
    off = copy.deepcopy(default_finance)
    off.sample_unit_costs = False
    flat = unit_costs_by_draw(off, draws, seed=11)["virtual_ward_day"].values
    assert flat == pytest.approx([central["virtual_ward_day"]] * 30)


def test_money_with_drawn_costs_uses_one_set_per_draw_for_plan_and_scenario(default_finance):
    """A one-draw plan serves every draw; the scenario and plan of a run share their costs."""
    many = synthetic_results(years=1, draws=4)
    money = compute_money(many, default_finance, plan=synthetic_results(years=1))
    same = compute_money(many, default_finance, plan=many)
    xr.testing.assert_allclose(money["surplus"], same["surplus"], atol=1e-3)
    by_draw = money["unit_cost_by_draw"].sel(unit_cost_name="virtual_ward_day")
    assert np.ptp(by_draw.values) > 0
    line = money["line_cost"].sel(cost_line="virtual_ward").sum("cost_type").isel(year=0)
    assert line.values == pytest.approx((by_draw * (0.6 * 161 + 0.4 * 130) * 365).values)
