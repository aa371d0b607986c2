"""Both views of a tiny synthetic option, worked by hand: 10 acute beds freed, 100 admissions,
100 handover hours and 2 boarding places avoided, 10 deaths and 5 long-term care admissions
averted a year, for GBP 1 m a year spent as received; three 365-day years."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from sim.appraisal.appraise import appraise
from sim.config.schema import CostLineCfg
from sim.finance.money import compute_money
from sim.jobs.load import load_config


def _synthetic():
    """tests/finance/synthetic.py (the money tests' helpers), loaded by path."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "finance" / "synthetic.py"
    spec = importlib.util.spec_from_file_location("finance_synthetic", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_S = _synthetic()
investment, synthetic_results, tiny_cfg, unit = (
    _S.investment,
    _S.synthetic_results,
    _S.tiny_cfg,
    _S.unit,
)

YEARS = 3


def _run(beds: float, adm: float, hours: float, boarding: float, deaths: float, ltc: float):
    flows = {
        "emergency_admissions": adm,
        "handover_hours_lost": hours,
        "deaths": deaths,
        "care_home_admissions_after_hospital": ltc,
        "follow_up_deaths": 100.0,
    }
    ds = synthetic_results(years=YEARS, flows=flows, occupied={"acute_beds": beds})
    ds["boarding"] = xr.full_like(ds["occupied"].isel(service=0, drop=True), boarding).assign_attrs(
        cell_methods="time: mean"
    )
    ds["population"] = ds["population"].expand_dims(quintile=["q1"], axis=-1)
    return ds


@pytest.fixture(scope="module")
def tiny():
    fin = tiny_cfg(
        unit_costs={"admission": unit(1000.0), "bed_day": unit(300.0), "crew": unit(150.0)},
        costs={
            "beds": CostLineCfg(
                provider="acute",
                driver="occupied.acute_beds",
                unit_cost="bed_day",
                fixed_share=0.35,
                semi_fixed_share=0.45,
                step=28,
                source="test",
            ),
            "admissions": CostLineCfg(
                provider="acute",
                driver="emergency_admissions",
                unit_cost="admission",
                fixed_share=0.5,
                source="test",
            ),
        },
        investments={"staff": investment(1e6, cost="amount")},
    )
    base_fin = tiny_cfg(unit_costs=fin.unit_costs, costs=fin.costs)
    b = _run(1200.0, 9.0e4, 2.0e4, 20.0, 1000.0, 500.0)
    o = _run(1190.0, 9.0e4 - 100, 2.0e4 - 100, 18.0, 990.0, 495.0)
    base = b.merge(compute_money(b, base_fin, plan=b, investments=None), compat="override")
    opt = o.merge(compute_money(o, fin, plan=b), compat="override")
    cfg = load_config([])
    cfg.appraisal.economic.handover_hour_unit_cost = "crew"
    return appraise(base, {"tiny": opt}, cfg.appraisal, finance={"tiny": fin}).sel(option="tiny")


def test_economic_and_cash_npv_by_hand(tiny):
    bed = 344.60 * 1.0258 * 1.0732 * 1.0247 * 1.0402  # EVIDENCE 10.90 uplifted, 10.96-10.99
    # economic change in cost a year: bed days and boarding days at the bed-day value,
    # admissions at full unit cost, crew hours, plus the GBP 1 m spent
    econ = -3650 * bed - 730 * bed - 100 * 1000.0 - 100 * 150.0 + 1e6
    # cash: only the variable 20% of bed days (no ward closes: 1,190 and 1,200 beds both fill
    # 43 wards of 28), the variable half of admissions, and the GBP 1 m
    cash = -3650 * 300 * 0.2 - 100 * 1000 * 0.5 + 1e6
    np.testing.assert_allclose(tiny["economic_cost_change"].isel(draw=0), [econ] * 3, rtol=1e-9)
    np.testing.assert_allclose(tiny["net_cost_change"].isel(draw=0), [cash] * 3, rtol=1e-9)
    # QALYs: 100 x 0.01 + 5 x 0.1 + life years (10 deaths averted a year: 5, 15, 25) x 0.7
    qalys = np.array([1.5 + 3.5, 1.5 + 10.5, 1.5 + 17.5])
    np.testing.assert_allclose(tiny["qalys_gained"].isel(draw=0), qalys, rtol=1e-9)
    d = 1 / 1.035 ** np.arange(3)
    dh = 1 / 1.015 ** np.arange(3)
    for view, delta, health in (("cash", cash, 0 * qalys), ("economic", econ, 70000 * qalys)):
        saving = 1e6 - delta  # > 0 in both views
        pv_b = (saving * d).sum() / 1.25 + (health * dh).sum() / 1.25
        pv_c = (1e6 * d).sum() * 1.41
        got = tiny.sel(view=view).isel(draw=0)
        assert float(got["pv_benefits"]) == pytest.approx(pv_b, rel=1e-9)
        assert float(got["pv_costs"]) == pytest.approx(pv_c, rel=1e-9)
        assert float(got["npv"]) == pytest.approx(pv_b - pv_c, rel=1e-9)
        assert float(got["bcr"]) == pytest.approx(pv_b / pv_c, rel=1e-9)
        expected = (-delta * d).sum() + (health * dh).sum()
        assert float(got["npv_unadjusted"]) == pytest.approx(expected, rel=1e-9)
    # cost per admission avoided (one draw: meaningful), cash view: 3 x cash / 300
    per = tiny["cost_per_admission_avoided"].sel(view="cash").isel(draw=0)
    assert float(per) == pytest.approx(cash / 100, rel=1e-9)
    assert float(tiny["implementation_cost"].isel(draw=0)) == 0.0  # the GBP 1 m is a running cost
