"""sim.financial_years: results over NHS financial years (April-March), checked against
day-by-day sums grouped by hand, across record lengths, and against the annual summary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import sim


def _series(values, start: str, period_days: int, cell_methods: str) -> xr.DataArray:
    time = pd.date_range(start, periods=len(values), freq=f"{period_days}D")
    da = xr.DataArray(
        np.asarray(values, float),
        dims="time",
        coords={"time": time},
        attrs={"cell_methods": cell_methods, "units": "people"},
    )
    da["time"].attrs["period_days"] = float(period_days)
    return da


def _fy(dates: pd.DatetimeIndex) -> np.ndarray:
    return np.where(dates.month >= 4, dates.year, dates.year - 1)


def test_daily_flows_sum_by_financial_year():
    """A flow of 1 a day from 1 March 2025 for 400 days: 31, 365 and 4 days by year."""
    fy = sim.financial_years(_series(np.ones(400), "2025-03-01", 1, "time: sum"))
    assert list(fy["financial_year"].values) == ["2024/25", "2025/26", "2026/27"]
    assert list(fy["year"].values) == [2024, 2025, 2026]
    np.testing.assert_allclose(fy.values, [31, 365, 4])
    np.testing.assert_allclose(fy["days_simulated"].values, [31, 365, 4])


def test_weekly_records_split_by_days_of_overlap():
    """Weekly totals give the day-by-day sums grouped by financial year (by hand)."""
    rng = np.random.default_rng(3)
    daily = rng.uniform(0, 10, 7 * 60)
    days = pd.date_range("2025-02-14", periods=daily.size, freq="D")
    # a week straddling 1 April is split by its days on each side: constant within a week
    daily = np.repeat(daily.reshape(60, 7).mean(axis=1), 7)
    weekly = _series(daily.reshape(60, 7).sum(axis=1), "2025-02-14", 7, "time: sum")
    by_hand = pd.Series(daily).groupby(_fy(days)).sum()
    fy = sim.financial_years(weekly)
    np.testing.assert_allclose(fy.values, by_hand.values)
    np.testing.assert_allclose(fy.sum(), daily.sum())


def test_levels_average_and_stocks_take_the_last_count():
    """Mean of a level over the days simulated in each year; a census takes the year's last."""
    values = np.arange(400.0)
    days = pd.date_range("2025-03-01", periods=400, freq="D")
    mean = sim.financial_years(_series(values, "2025-03-01", 1, "time: mean"))
    np.testing.assert_allclose(mean.values, pd.Series(values).groupby(_fy(days)).mean().values)
    last = sim.financial_years(_series(values, "2025-03-01", 1, "time: point"))
    np.testing.assert_allclose(last.values, pd.Series(values).groupby(_fy(days)).last().values)


def test_without_cell_methods_how_is_required():
    """A reduced variable that lost its attrs must say how to aggregate."""
    da = _series(np.ones(10), "2025-04-01", 1, "time: sum").drop_attrs()
    da["time"].attrs["period_days"] = 1.0
    with pytest.raises(ValueError, match="pass how='sum', 'mean' or 'last'"):
        sim.financial_years(da)
    np.testing.assert_allclose(sim.financial_years(da, how="sum").values, [10])


@pytest.mark.slow
def test_agrees_with_the_annual_summary_of_a_run():
    """On a run of 18 months in 30-day records: the annual summary's totals and means."""
    from sim.report.summary import annual

    ds = sim.run(["run.horizon_years=1.5", "run.record_every_days=30"])
    a = annual(ds)
    fy = sim.financial_years(ds, results=ds)
    np.testing.assert_allclose(
        fy["emergency_admissions"].sum("quintile"), a["emergency_admissions"]
    )
    np.testing.assert_allclose(fy["nctr"].sum("waiting_for"), a["nctr"])
    np.testing.assert_allclose(fy["people_total"], a["population"])
    np.testing.assert_allclose(fy["days_simulated"], [365, 183])
    assert list(fy["financial_year"].values) == list(a["financial_year"].values)
    one = sim.financial_years(ds["nctr"], results=ds).sum("waiting_for")
    np.testing.assert_allclose(one, a["nctr"])
