"""Each payment mechanism against a hand-computed example.

Plan: 90,000 emergency admissions a year at GBP 1,000 (planned value P = GBP 90 m a year);
scenario: 90,000, 81,000 and 72,000 (V = 90, 81, 72 m). No uplift (tiny_cfg).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.config.schema import CostLineCfg, IndexCfg, OutcomeCfg
from sim.finance import compute_money

from .synthetic import contract, investment, synthetic_results, tiny_cfg

M = 1e6
PLAN = synthetic_results(flows={"emergency_admissions": 90_000})
SCEN = synthetic_results(flows={"emergency_admissions": [90_000, 81_000, 72_000]})


def pays(c, scen=SCEN, plan=PLAN, **cfg_parts) -> np.ndarray:
    """GBP m paid under contract ``c`` in each of the three years (draw 0)."""
    money = compute_money(scen, tiny_cfg(contracts={"c": c}, **cfg_parts), plan=plan)
    paid = money["payments"].sel(payer=c.payer, provider=c.provider).isel(draw=0).values / M
    assert np.allclose(paid, money["contract_payments"].sel(contract="c").isel(draw=0) / M)
    return paid


def test_block_from_plan_does_not_move_with_activity():
    """A block set at planned value pays P whatever happens: 90, 90, 90."""
    assert pays(contract(mechanism="block")) == pytest.approx([90, 90, 90])


def test_block_stated_amount_is_uplifted_and_grown():
    """GBP 50 m at 2023/24 prices, 3% index into 2024/25, grown 2% a year in real terms."""
    index = IndexCfg(growth={"2024/25": 0.03}, source="test")
    c = contract(
        mechanism="block", amount_gbp=50 * M, amount_price_year="2023/24", growth_per_year=0.02
    )
    assert pays(c, index=index) == pytest.approx([51.5, 51.5 * 1.02, 51.5 * 1.02**2])


def test_activity_pays_unit_prices_times_activity():
    """Activity-based: V = 90, 81, 72; at price_scale 0.5, half of that."""
    assert pays(contract(mechanism="activity")) == pytest.approx([90, 81, 72])
    assert pays(contract(mechanism="activity", price_scale=0.5)) == pytest.approx([45, 40.5, 36])


def test_api_fixed_element_plus_variable_rate_on_deviation():
    """API: P + 0.3 (V - P) = 90, 87.3, 84.6."""
    c = contract(mechanism="api", variable_rate=0.3)
    assert pays(c) == pytest.approx([90, 87.3, 84.6])


def test_blended_earns_the_outcome_pool_in_proportion_to_the_change():
    """10% pool (9 m) earned 0, 1/2, all for 0%, -10%, -20% against a -20% target."""
    c = contract(
        mechanism="blended",
        variable_rate=0.3,
        outcome=OutcomeCfg(metric="emergency_admissions", target_change=-0.2, pool_share=0.1),
    )
    # 81 fixed + 0.3 (V - P) + 9 x achieved
    assert pays(c) == pytest.approx([81 + 0, 81 - 2.7 + 4.5, 81 - 5.4 + 9])


def test_blended_pays_no_pool_when_the_metric_moves_the_wrong_way():
    """More admissions than planned earns nothing from the pool."""
    more = synthetic_results(flows={"emergency_admissions": 99_000})
    c = contract(
        mechanism="blended",
        outcome=OutcomeCfg(metric="emergency_admissions", target_change=-0.1, pool_share=0.2),
    )
    assert pays(c, scen=more) == pytest.approx([72, 72, 72])


def test_capitation_pays_per_person_year_of_the_cohort():
    """GBP 300 a person-year for the 'old' band (20% of 800,000 = 160,000): GBP 48 m a year;
    priced from plan instead, the rate is 90 m / 160,000 and a growing cohort pays more."""
    c = contract(mechanism="capitation", amount_gbp=300.0, cohort_age_bands=["old"])
    assert pays(c) == pytest.approx([48, 48, 48])
    grows = synthetic_results(population=[800_000, 880_000, 960_000])
    c = contract(mechanism="capitation", cohort_age_bands=["old"])
    assert pays(c, scen=grows) == pytest.approx([90, 99, 108])


def test_contract_pays_only_in_the_years_it_is_in_force():
    """start_year 2 for 1 year: nothing in years 1 and 3."""
    c = contract(mechanism="activity", start_year=2, years=1)
    assert pays(c) == pytest.approx([0, 81, 0])


def test_risk_share_gives_each_party_its_share_of_the_pooled_gain():
    """Multi-year risk and gain share, worked by hand (see docs/money.md).

    Acute costs GBP 1,000 an admission, half fixed on plan; the icb pays it by activity and
    invests GBP 5 m a year in the community provider (spent as received). Shares: icb 0.5,
    acute 0.3, community 0.2. Year 2 (81,000 admissions): against plan the icb gains 9 - 5 =
    4 m, the acute loses 9 m of income but saves 4.5 m of variable cost (-4.5 m): the pooled
    gain is -0.5 m, so the icb pays the acute 4.35 m and the community pays the icb 0.1 m.
    Year 3 (72,000): icb +13 m, acute -9 m, gain +4 m: the acute gets 1.2 + 9 = 10.2 m.
    """
    cfg = dict(
        unit_costs={"admission": tiny_cfg().unit_costs["admission"]},
        costs={
            "adm": CostLineCfg(
                provider="acute",
                driver="emergency_admissions",
                unit_cost="admission",
                fixed_share=0.5,
                source="t",
            )
        },
        contracts={
            "pay": contract(mechanism="activity"),
            "mya": contract(
                mechanism="risk_share",
                provider="",
                shares={"icb": 0.5, "acute": 0.3, "community": 0.2},
            ),
        },
        investments={"inv": investment(5 * M, cost="amount")},
    )
    money = compute_money(SCEN, tiny_cfg(**cfg), plan=PLAN)
    plan = compute_money(PLAN, tiny_cfg(**cfg), plan=PLAN, investments=None)
    t = money["risk_share_transfers"].sel(payer="icb").isel(draw=0) / M
    assert t.sel(provider="acute").values == pytest.approx([-1.5, 4.35, 0.3 * 4.0 + 9.0])
    assert t.sel(provider="community").values == pytest.approx([-1.0, -0.1, 0.2 * 4.0])
    delta = (money["surplus"] - plan["surplus"]).isel(draw=0) / M
    gain = np.array([-5.0, -0.5, 4.0])  # year 3: icb +18 - 5 = 13, acute -18 + 9 = -9
    for org, share in {"icb": 0.5, "acute": 0.3, "community": 0.2}.items():
        assert delta.sel(org=org).values == pytest.approx(share * gain), org
