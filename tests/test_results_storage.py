"""Compact results files: CF time bounds, Conventions, float32 within the documented precision
and the main job's results.nc within its size budget."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from sim.results.io import RELATIVE_PRECISION, SIGNIFICANT_BITS, load, round_mantissa
from sim.results.schema import CONVENTIONS, with_time_bounds

MAIN_JOB_BUDGET_BYTES = 30e6  # issue 16: the main job's results.nc at most 30 MB


def test_round_mantissa_error_is_within_the_documented_bound():
    rng = np.random.default_rng(1)
    x = rng.standard_normal(200_000) * 10.0 ** rng.uniform(-30, 30, 200_000)
    y = round_mantissa(x).astype(np.float64)
    rel = np.abs(y - x) / np.abs(x)
    assert rel.max() <= RELATIVE_PRECISION
    assert rel.max() > 0.9 * RELATIVE_PRECISION  # the bound is tight: values are rounded
    # SIGNIFICANT_BITS mantissa bits kept: the low 52 - SIGNIFICANT_BITS bits are zero
    assert not np.any(y.view(np.uint64) & np.uint64((1 << (52 - SIGNIFICANT_BITS)) - 1))


def test_round_mantissa_keeps_special_values_and_refuses_overflow():
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0])
    y = round_mantissa(x)
    assert np.isnan(y[0]) and y[1] == np.inf and y[2] == -np.inf
    assert np.array_equal(y[3:], [0.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="float32 range"):
        round_mantissa(np.array([1e39]))


def test_time_bounds_mark_a_partial_last_period():
    start = np.datetime64("2025-04-01", "ns")
    ds = xr.Dataset(coords={"time": start + np.arange(3) * np.timedelta64(7, "D")})
    out = with_time_bounds(ds, run_days=17.0)
    assert out.attrs["Conventions"] == CONVENTIONS
    assert out["time"].attrs["bounds"] == "time_bnds"
    assert out["period_days"].values.tolist() == [7.0, 7.0, 3.0]
    assert out["time_bnds"].values[-1, 1] == start + np.timedelta64(17, "D")
    with pytest.raises(ValueError, match="ends before"):
        with_time_bounds(ds, run_days=14.0)


def _main_job_files(tmp_path_factory):
    """The main job as ``python -m sim`` runs it (default place, baseline and four options,
    30 draws, ten years of weekly records), saved without charts; made once per worker."""
    from sim.jobs.appraise import run_appraisal
    from sim.jobs.load import load_config
    from sim.jobs.save import save_appraisal

    out = tmp_path_factory.mktemp("main")
    overrides = [f"run.output_dir={out}", "run.name=job"]
    cfg = load_config(overrides)
    result = run_appraisal(cfg, overrides)
    folder = save_appraisal(result, cfg, charts=False)
    return result, folder


@pytest.mark.slow
def test_main_job_results_file(tmp_path_factory):
    """One main job (about 100 s) for the three checks of its results.nc: CF and within the
    documented precision, inside the size budget, the ledger exact."""
    main_job_files = _main_job_files(tmp_path_factory)
    _cf_and_within_precision(main_job_files)
    _fit_the_size_budget(main_job_files)
    _keep_the_ledger_exact(main_job_files)


def _cf_and_within_precision(main_job_files):
    result, folder = main_job_files
    path = folder / "results.nc"
    with xr.open_dataset(path) as raw:  # as any CF reader sees it
        assert raw.attrs["Conventions"] == CONVENTIONS
        assert raw["time"].attrs["bounds"] == "time_bnds"
        assert raw["population"].dtype == np.float32
        bnds = raw["time_bnds"].values
        days = raw["period_days"].values
    # ten years of weekly records: 521 weeks and a 3-day last period, marked, not hidden
    assert days[:-1].tolist() == [7.0] * 521 and days[-1] == 3.0
    assert np.array_equal(bnds[1:, 0], bnds[:-1, 1])
    assert (bnds[-1, 1] - bnds[0, 0]) / np.timedelta64(1, "D") == 3650
    ds = load(path)
    for name, run in result.runs.items():
        for v in run.data_vars:
            a = run[v].values
            if not np.issubdtype(a.dtype, np.floating):
                continue
            got = ds[v].sel(option=name, drop=True)  # options may differ in labels (contracts)
            labels = {d: run[d].values for d in run[v].dims if d in run.coords and d in got.dims}
            b = got.sel(labels).transpose(*run[v].dims).values
            assert np.array_equal(np.isnan(a), np.isnan(b)), v
            ok = np.isfinite(a)
            err = np.abs(b[ok] - a[ok])
            assert np.all(err <= RELATIVE_PRECISION * np.abs(a[ok])), v


def _fit_the_size_budget(main_job_files):
    _, folder = main_job_files
    assert Path(folder / "results.nc").stat().st_size <= MAIN_JOB_BUDGET_BYTES


def _keep_the_ledger_exact(main_job_files):
    from sim.results.checks import check_conservation

    ds = load(main_job_files[1] / "results.nc")
    for option in ds["option"].values:
        check_conservation(ds.sel(option=option, drop=True))
