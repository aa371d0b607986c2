"""Fixed, semi-fixed and variable provider costs: less acute activity leaves stranded costs
until capacity is taken out.

Acute bed day GBP 300: 35% per available bed, 45% per staffed ward of 28 beds, 20% per
occupied bed. 1,404 beds throughout unless a test decommissions some.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.config.schema import CostLineCfg
from sim.finance import compute_money

from .synthetic import synthetic_results, tiny_cfg

U = 300.0


def beds(**kw) -> CostLineCfg:
    """The acute bed line under test."""
    return CostLineCfg(
        provider="acute",
        driver="occupied.acute_beds",
        unit_cost="bed_day",
        fixed_share=0.35,
        semi_fixed_share=0.45,
        step=28,
        source="t",
        **kw,
    )


def acute_cost(scen, plan=None, line=None) -> np.ndarray:
    """GBP per day of acute cost by type (fixed, semi_fixed, variable) and year (draw 0)."""
    money = compute_money(scen, tiny_cfg(costs={"beds": line or beds()}), plan=plan)
    per_day = money["provider_cost"].sel(org="acute").isel(draw=0) / money["days"]
    return per_day.sel(cost_type=["fixed", "semi_fixed", "variable"]).transpose("year", ...).values


PLAN = synthetic_results(occupied={"acute_beds": 1200.0})


def test_fewer_occupied_beds_save_only_the_variable_part_while_beds_stay_open():
    """1,200 -> 1,190 occupied beds (same 43 wards): cost falls by 20% x 300 x 10 a day only."""
    scen = synthetic_results(occupied={"acute_beds": [1200.0, 1190.0, 1190.0]})
    cost = acute_cost(scen, PLAN)  # (year, type)
    fixed, semi, variable = cost[:, 0], cost[:, 1], cost[:, 2]
    assert fixed == pytest.approx([U * 0.35 * 1404] * 3)
    assert semi == pytest.approx([U * 0.45 * 43 * 28] * 3)
    assert variable == pytest.approx([U * 0.2 * 1200, U * 0.2 * 1190, U * 0.2 * 1190])
    saving = cost[0].sum() - cost[1].sum()
    assert saving == pytest.approx(U * 0.2 * 10), "only the variable part is saved"
    assert saving < 0.25 * U * 10, "most of the average bed-day cost is stranded"


def test_semi_fixed_costs_step_down_when_whole_wards_close():
    """1,100 occupied beds need 40 wards of 28, not 43: three wards' semi-fixed cost goes."""
    scen = synthetic_results(occupied={"acute_beds": [1200.0, 1100.0, 1100.0]})
    cost = acute_cost(scen, PLAN)
    assert cost[1, 1] == pytest.approx(U * 0.45 * 40 * 28)
    assert cost[0, 1] - cost[1, 1] == pytest.approx(U * 0.45 * 3 * 28)
    assert cost[1, 0] == pytest.approx(cost[0, 0]), "fixed costs follow beds, which stay open"


def test_fixed_costs_fall_once_the_scenario_decommissions_beds():
    """Beds taken out in the model (capacity 1,404 -> 1,300 in year 3) release fixed costs."""
    scen = synthetic_results(
        occupied={"acute_beds": [1200.0, 1100.0, 1100.0]},
        capacity={"acute_beds": [1404.0, 1404.0, 1300.0]},
    )
    cost = acute_cost(scen, PLAN)
    assert cost[:, 0] == pytest.approx(U * 0.35 * np.array([1404, 1404, 1300]))


def test_finance_decommissioning_releases_fixed_costs_after_its_lag():
    """With a one-year lag, year 3's fixed base falls by year 2's fall in use against plan."""
    scen = synthetic_results(occupied={"acute_beds": [1200.0, 1100.0, 1100.0]})
    cost = acute_cost(scen, PLAN, beds(decommission_lag_years=1))
    assert cost[:, 0] == pytest.approx(U * 0.35 * np.array([1404, 1404, 1304]))
    cost2 = acute_cost(scen, PLAN, beds(decommission_lag_years=2))
    assert cost2[:, 0] == pytest.approx(U * 0.35 * np.array([1404, 1404, 1404]))


def test_flow_fixed_costs_follow_planned_activity():
    """ED staffed for the plan's 240,000 attendances: 200,000 save only the variable half."""
    line = CostLineCfg(
        provider="acute", driver="ed_type1_attendances", unit_cost="gp", fixed_share=0.5, source="t"
    )
    plan = synthetic_results(flows={"ed_type1_attendances": 240_000})
    scen = synthetic_results(flows={"ed_type1_attendances": 200_000})
    money = compute_money(scen, tiny_cfg(costs={"ed": line}), plan=plan)
    cost = money["line_cost"].sel(cost_line="ed").isel(draw=0, year=0)
    assert float(cost.sel(cost_type="fixed")) == pytest.approx(40 * 0.5 * 240_000)
    assert float(cost.sel(cost_type="variable")) == pytest.approx(40 * 0.5 * 200_000)
    alone = compute_money(scen, tiny_cfg(costs={"ed": line}))  # no plan: its own activity
    assert float(alone["line_cost"].sel(cost_line="ed").isel(draw=0, year=0).sum()) == (
        pytest.approx(40 * 200_000)
    )


def test_share_limits_a_line_to_the_part_the_provider_pays_for():
    """Care homes at 63% publicly funded: 5,000 residents x 0.63 x GBP 100 a day."""
    line = CostLineCfg(
        provider="local_authority",
        driver="occupied.care_home",
        unit_cost="ch",
        share=0.63,
        source="t",
    )
    cfg = tiny_cfg(costs={"ch": line}, unit_costs={"ch": tiny_cfg().unit_costs["gp"]})
    cfg.unit_costs["ch"].gbp = 100.0
    money = compute_money(synthetic_results(), cfg)
    per_day = money["provider_cost"].sel(org="local_authority").sum("cost_type") / money["days"]
    assert per_day.isel(draw=0).values == pytest.approx([5000 * 0.63 * 100] * 3)
