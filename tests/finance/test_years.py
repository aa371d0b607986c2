"""Recording periods become financial years (1 April - 31 March) whatever the record step."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from sim.finance import FinancialYears, compute_money

from .synthetic import annual_records, synthetic_results


def test_daily_and_annual_records_give_the_same_money(default_finance):
    """The accounts from daily records equal those from 365-day records of the same run."""
    daily = synthetic_results(
        draws=2,
        flows={"emergency_admissions": [90e3, 85e3, 80e3]},
        occupied={"acute_beds": [1200.0, 1150.0, 1100.0]},
    )
    annual = annual_records(daily)
    plan = synthetic_results(draws=2)
    a = compute_money(daily, default_finance, plan=plan)
    b = compute_money(annual, default_finance, plan=annual_records(plan))
    assert list(a["year"].values) == [2028, 2029, 2030]
    assert list(a["financial_year"].values) == ["2028/29", "2029/30", "2030/31"]
    for name in ("income", "cost", "surplus", "payments", "system_cost", "line_cost"):
        xr.testing.assert_allclose(a[name], b[name], rtol=1e-9)


def test_a_period_across_1_april_is_split_by_its_days():
    """A 365-day record from 1 October splits 182 / 183 days between two financial years."""
    daily = synthetic_results(years=2, start="2028-10-01")
    annual = annual_records(daily)
    fy = FinancialYears(annual)
    assert list(fy.years) == [2028, 2029, 2030]
    assert fy.days.values == pytest.approx([182, 365, 183])
    flow = fy.quantity("emergency_admissions")
    assert float(flow.sum()) == pytest.approx(float(annual["emergency_admissions"].sum()))
    assert flow.isel(draw=0).values == pytest.approx(90_000 * np.array([182, 365, 183]) / 365)
    beds = fy.mean_level("occupied.acute_beds").isel(draw=0).values
    assert beds == pytest.approx([1200.0] * 3)


def test_derived_and_labelled_drivers():
    """ed_other_attendances = all types - type 1; occupied.<service> picks one service."""
    fy = FinancialYears(synthetic_results(years=1))
    other = fy.quantity("ed_other_attendances").isel(draw=0, year=0)
    assert float(other) == pytest.approx(3.6e5 - 2.4e5)
    ucr = fy.quantity("occupied.ucr").isel(draw=0, year=0)
    assert float(ucr) == pytest.approx(50 * 365)


def test_a_short_last_period_and_a_slice_of_a_run_count_only_their_days():
    """A 400-day run recorded every 365 days ends its second period after 35 days; a run cut
    to its first year counts one year, not the whole run."""
    daily = synthetic_results(years=2)
    annual = annual_records(daily)
    annual.attrs["n_steps"] = 400
    fy = FinancialYears(annual)
    assert fy.days.values == pytest.approx([365, 35])
    first = FinancialYears(annual_records(daily).isel(time=[0]))
    assert first.days.values == pytest.approx([365])
