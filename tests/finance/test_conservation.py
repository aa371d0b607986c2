"""Money is conserved, and a scenario that changes nothing changes no money.

Each year and draw: what payers pay equals what providers receive; an organisation's cost is
its provider costs plus what it pays; income - cost = surplus; system cost is the sum of
provider costs; system net cost is minus the sum of surpluses.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import xarray as xr

from sim.config.schema import OutcomeCfg
from sim.finance import commissioner_net_saving, compute_money, paid_back_in_year, plan_money

from .synthetic import contract, investment, synthetic_results

M = 1e6


@pytest.fixture(scope="module")
def every_mechanism(default_finance):
    """The default contracts plus a blended, a capitation, a stated block, a multi-year risk
    share and two investment lines (one costed by capacity, one spent as paid)."""
    cfg = copy.deepcopy(default_finance)
    cfg.contracts["outcomes"] = contract(
        mechanism="blended",
        provider="community",
        variable_rate=0.5,
        prices={"occupied.virtual_ward": "virtual_ward_day"},
        outcome=OutcomeCfg(metric="emergency_admissions", target_change=-0.05, pool_share=0.2),
    )
    cfg.contracts["year_of_care"] = contract(
        mechanism="capitation",
        provider="community",
        cohort_segments=["frail"],
        amount_gbp=150.0,
        start_year=2,
        prices={},
    )
    cfg.contracts["fixed_block"] = contract(
        mechanism="block",
        provider="ambulance",
        amount_gbp=2 * M,
        amount_price_year="2020/21",
        growth_per_year=0.01,
        prices={},
    )
    cfg.contracts["five_year"] = contract(
        mechanism="risk_share",
        provider="",
        years=5,
        prices={},
        shares={"icb": 0.4, "acute": 0.4, "community": 0.2},
    )
    cfg.investments["vw"] = investment(6 * M, 4 * M, 9 * M, ramp_up_years=2)
    cfg.investments["prevention"] = investment(
        2 * M, provider="primary_care", cost="amount", start_year=2, end_year=2
    )
    return cfg


def scenario(draws: int = 3) -> xr.Dataset:
    """Fewer admissions and beds, more virtual-ward use, different in every draw."""
    k = np.linspace(0.9, 1.0, draws)[:, None] * np.array([1.0, 0.95, 0.9])[None, :]
    return synthetic_results(
        draws=draws,
        flows={"emergency_admissions": 90_000 * k, "conveyances": 72_000 * k},
        occupied={"acute_beds": 1200 * k, "virtual_ward": 130 / k},
        capacity={"virtual_ward": 161 / k},
        population=[800_000, 808_000, 816_000],
    )


def assert_conserved(money: xr.Dataset) -> None:
    """The accounting identities, each year and draw, to a penny on hundreds of millions."""
    atol = 1e-2
    received = money["payments"].sum("payer").rename(provider="org")
    paid = money["payments"].sum("provider").rename(payer="org")
    provider = money["provider_cost"].sum("cost_type")
    assert np.allclose(money["income"], received.transpose(*money["income"].dims), atol=atol)
    assert np.allclose(
        money["payments"].sum(("payer", "provider")), money["income"].sum("org"), atol=atol
    ), "what payers pay = what providers receive"
    assert np.allclose(money["cost"], provider + paid, atol=atol)
    assert np.allclose(money["income"] - money["cost"], money["surplus"], atol=atol)
    assert np.allclose(money["system_cost"], provider.sum("org"), atol=atol)
    assert np.allclose(
        money["system_cost"],
        money["line_cost"].sum(("cost_line", "cost_type"))
        + money["provider_cost"].sel(cost_type="investment").sum("org"),
        atol=atol,
    )
    assert np.allclose(money["system_net_cost"], -money["surplus"].sum("org"), atol=atol)
    assert np.allclose(money["system_net_cost"], money["system_cost"], atol=atol)
    assert np.allclose(money["investment_total"], money["investment"].sum("investment_line"))
    assert bool(np.isfinite(money["surplus"]).all())


def test_money_is_conserved_under_every_mechanism(every_mechanism):
    """All six mechanisms and both kinds of investment at once, three draws, three years."""
    plan = synthetic_results(draws=3)
    money = compute_money(scenario(), every_mechanism, plan=plan)
    assert_conserved(money)
    assert (money["investment_total"].isel(draw=0) > 0).all()
    assert np.abs(money["risk_share_transfers"]).max() > 0, "the risk share settled something"
    assert money.sizes == {
        "draw": 3,
        "year": 3,
        "org": 6,
        "payer": 6,
        "provider": 6,
        "contract": 10,
        "cost_line": 16,
        "cost_type": 4,
        "investment_line": 2,
        "memo": 2,
        "unit_cost_name": 21,
    }


def test_risk_share_settlement_moves_money_only_between_its_parties(every_mechanism):
    """The parties' total surplus is what it was before settling; others are untouched."""
    plan = synthetic_results(draws=3)
    cfg = copy.deepcopy(every_mechanism)
    without = copy.deepcopy(cfg)
    del without.contracts["five_year"]
    a = compute_money(scenario(), cfg, plan=plan)
    b = compute_money(scenario(), without, plan=plan)
    parties = ["icb", "acute", "community"]
    assert np.allclose(
        a["surplus"].sel(org=parties).sum("org"), b["surplus"].sel(org=parties).sum("org")
    )
    others = ["ambulance", "primary_care", "local_authority"]
    xr.testing.assert_allclose(a["surplus"].sel(org=others), b["surplus"].sel(org=others))
    xr.testing.assert_allclose(a["system_cost"], b["system_cost"])


def test_a_scenario_that_changes_nothing_changes_no_money(every_mechanism):
    """The plan run against itself, and an identical copy of it, give identical accounts."""
    cfg = copy.deepcopy(every_mechanism)
    cfg.investments.clear()
    plan = synthetic_results(draws=2)
    same = synthetic_results(draws=2)
    base = plan_money(plan, cfg)
    money = compute_money(same, cfg, plan=plan)
    for name in (
        "income",
        "cost",
        "surplus",
        "payments",
        "system_cost",
        "system_net_cost",
        "provider_cost",
        "risk_share_transfers",
    ):
        xr.testing.assert_equal(money[name], base[name])
    assert float(np.abs(money["risk_share_transfers"]).max()) == 0.0
    assert (commissioner_net_saving(money, base) == 0).all()
    assert paid_back_in_year(money, base).all()


def test_money_of_a_short_model_run(default_finance):
    """The real place (two years, annual records, two draws): conserved, finite, reproducible,
    and the baseline against itself has no deviation from plan."""
    from sim.jobs.load import load_config
    from sim.jobs.simulate import simulate

    cfg = load_config(["run.horizon_years=2", "run.record_every_days=365", "run.draws=2"])
    results = simulate(cfg)
    money = compute_money(results, cfg, plan=results)
    assert_conserved(money)
    assert list(money["financial_year"].values) == ["2025/26", "2026/27"]
    system = money["system_cost"] / M
    assert ((system > 300) & (system < 3000)).all(), "hundreds of GBP m for 800,000 people"
    acute = money["cost"].sel(org="acute") / M
    assert ((acute > 100) & (acute < 1000)).all()
    again = compute_money(results, cfg, plan=results)
    xr.testing.assert_identical(money, again)
