"""Investment lines: ramp-up, end, part-years, uncertain amounts, and what they buy."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config.errors import ConfigError
from sim.config.schema import CostLineCfg, UnitCostCfg
from sim.finance import (
    commissioner_net_saving,
    compute_money,
    investment_schedule,
    paid_back_in_year,
    places_for_investment,
    plan_money,
)
from sim.finance.investment import ramp

from .synthetic import contract, investment, synthetic_results, tiny_cfg

M = 1e6


def test_ramp_up_start_and_end():
    """Start in year 2, two years to ramp up: 0, 1/2, 1, 1; with end_year 3: 0, 1/2, 1, 0."""
    years = np.arange(1, 5)
    assert ramp(investment(1.0, start_year=2, ramp_up_years=2), years) == pytest.approx(
        [0, 0.5, 1, 1]
    )
    line = investment(1.0, start_year=2, ramp_up_years=2, end_year=3)
    assert ramp(line, years) == pytest.approx([0, 0.5, 1, 0])
    assert ramp(investment(1.0), years) == pytest.approx([1, 1, 1, 1])


def test_schedule_pays_part_years_pro_rata():
    """A run from 1 October pays 182/365 of the first year's amount."""
    cfg = tiny_cfg(investments={"inv": investment(8 * M)})
    amounts = investment_schedule(cfg, synthetic_results(years=1, start="2028-10-01"))["inv"]
    assert amounts.isel(draw=0).values / M == pytest.approx([8 * 182 / 365, 8 * 183 / 365])
    assert "2024/25 prices" in amounts.attrs["units"]


def test_uncertain_amounts_are_reproducible_and_within_range():
    """Twenty draws stay in [low, high], repeat with the seed, and one draw is central."""
    cfg = tiny_cfg(
        investments={"a": investment(8 * M, 5 * M, 12 * M), "b": investment(8 * M, 5 * M, 12 * M)}
    )
    res = synthetic_results(years=1, draws=20)
    one = investment_schedule(cfg, res)
    again = investment_schedule(cfg, res)
    a = one["a"].isel(year=0).values / M
    assert ((a >= 5) & (a <= 12)).all() and np.ptp(a) > 3
    assert np.array_equal(a, again["a"].isel(year=0).values / M)
    assert not np.array_equal(a, one["b"].isel(year=0).values / M), "own stream per line"
    central = investment_schedule(cfg, synthetic_results(years=1))["a"]
    assert float(central.isel(draw=0, year=0)) == pytest.approx(8 * M)


def test_investment_costs_rise_by_what_it_buys():
    """GBP 1 m a year buys 1 m / (365 x 250) UCR places; full, they cost back GBP 1 m."""
    ucr = CostLineCfg(
        provider="community", driver="occupied.ucr", unit_cost="ucr", fixed_share=0.8, source="t"
    )
    cfg = tiny_cfg(
        unit_costs={
            "ucr": UnitCostCfg(unit="place day", gbp=250.0, price_year="2024/25", source="t")
        },
        costs={"ucr": ucr},
        investments={"inv": investment(1 * M)},
    )
    places = places_for_investment(1 * M, "ucr", cfg)
    assert places == pytest.approx(1e6 / (365 * 250))
    base = synthetic_results(occupied={"ucr": 60.0}, capacity={"ucr": 60.0})
    more = synthetic_results(occupied={"ucr": 60 + places}, capacity={"ucr": 60 + places})
    before = compute_money(base, cfg, investments=None)
    after = compute_money(more, cfg)
    extra = (after["cost"] - before["cost"]).sel(org="community").isel(draw=0)
    assert extra.values / M == pytest.approx([1, 1, 1])
    assert after["income"].sel(org="community").isel(draw=0).values / M == pytest.approx([1] * 3)


def test_annual_contracting_helper_says_whether_an_investment_paid_back_in_year():
    """The icb pays admissions by activity (GBP 1,000) and invests GBP 5 m: 90,000 -> 87,000
    -> 80,000 admissions save 3 m then 10 m, a net -2 m then +5 m: not paid back, then paid."""
    cfg = tiny_cfg(
        contracts={"pay": contract(mechanism="activity")},
        investments={"inv": investment(5 * M, cost="amount")},
    )
    plan = synthetic_results(years=2)
    scen = synthetic_results(years=2, flows={"emergency_admissions": [87_000, 80_000]})
    saving = commissioner_net_saving(compute_money(scen, cfg, plan=plan), plan_money(plan, cfg))
    assert saving.isel(draw=0).values / M == pytest.approx([-2, 5])
    assert "2024/25" in saving.attrs["units"]
    paid = paid_back_in_year(compute_money(scen, cfg, plan=plan), plan_money(plan, cfg))
    assert paid.isel(draw=0).values.tolist() == [False, True]


def test_unknown_investment_amounts_are_refused():
    """Amounts for a line that is not configured name the allowed lines."""
    res = synthetic_results(years=1)
    amounts = investment_schedule(tiny_cfg(investments={"x": investment(1.0)}), res)
    with pytest.raises(ConfigError, match="investment 'x': not in finance.investments"):
        compute_money(res, tiny_cfg(), investments=amounts)


def test_one_draw_of_amounts_serves_every_draw():
    """Amounts given for one draw are paid in every draw of a many-draw run."""
    cfg = tiny_cfg(investments={"inv": investment(2 * M)})
    one = investment_schedule(cfg, synthetic_results(years=2))
    money = compute_money(synthetic_results(years=2, draws=3), cfg, investments=one)
    assert money["investment_total"].values / M == pytest.approx(np.full((3, 2), 2.0))
    many = investment_schedule(cfg, synthetic_results(years=2, draws=2))
    with pytest.raises(ConfigError, match="investment 'inv': has 2 draws; must have 1 or 3"):
        compute_money(synthetic_results(years=2, draws=3), cfg, investments=many)
