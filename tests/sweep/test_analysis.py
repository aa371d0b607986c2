"""Output analysis helpers: P10/P50/P90, draws for a CI half-width, MSER-5 warm-up."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from scipy import stats

from sim.sweep.analysis import ci_half_width, draws_for_half_width, p10_p50_p90, warmup_mser


def test_p10_p50_p90_are_labelled_quantiles():
    da = xr.DataArray(np.arange(101.0), dims="draw", attrs={"units": "beds"})
    q = p10_p50_p90(da)
    assert list(q["quantile"].values) == ["P10", "P50", "P90"]
    assert q.sel(quantile="P50") == 50 and q.attrs["units"] == "beds"


def test_draws_for_half_width_meets_the_target_exactly():
    """The n returned is the smallest n whose t-interval is within the target."""
    rng = np.random.default_rng(0)
    pilot = xr.DataArray(rng.normal(100, 10, 20), dims="draw")
    n = int(draws_for_half_width(pilot, 1.0))
    s = float(pilot.std(ddof=1))

    def hw(k):
        return stats.t.ppf(0.975, k - 1) * s / np.sqrt(k)

    assert hw(n) <= 1.0 < hw(n - 1)
    relative = 1.0 / abs(float(pilot.mean()))
    assert int(draws_for_half_width(pilot, relative, relative=True)) == n
    with pytest.raises(ValueError, match="half_width"):
        draws_for_half_width(pilot, 0)


def test_ci_half_width_matches_the_t_formula():
    x = xr.DataArray([1.0, 2.0, 3.0, 4.0], dims="draw")
    assert np.isclose(
        float(ci_half_width(x)), stats.t.ppf(0.975, 3) * np.std([1, 2, 3, 4], ddof=1) / 2
    )


def test_mser_finds_the_end_of_an_initial_transient():
    """A series that starts far from its mean and settles after 100 steps: truncation near
    100 (any engine's time series with replications on ``draw``)."""
    rng = np.random.default_rng(1)
    t = np.arange(1000)
    y = 50 + 40 * np.exp(-t / 20.0) + rng.normal(0, 1, (5, 1000))
    da = xr.DataArray(
        y, dims=("draw", "time"), coords={"time": pd.date_range("2025-04-01", periods=1000)}
    )
    w = warmup_mser(da)
    assert 60 <= int(w["truncation"]) <= 160 and bool(w["settled"])
    flat = warmup_mser(da.isel(time=slice(200, None)))
    assert int(flat["truncation"]) <= 50


def test_mser_flags_a_series_that_never_settles():
    rng = np.random.default_rng(2)
    da = xr.DataArray(np.linspace(0, 100, 500) + rng.normal(0, 1, 500), dims="time")
    assert not bool(warmup_mser(da)["settled"])
