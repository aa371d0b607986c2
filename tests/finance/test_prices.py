"""Unit costs are uplifted to the stated price year, which every GBP output carries."""

from __future__ import annotations

import pytest

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
