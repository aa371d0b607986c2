"""The main job as a user runs it: `python -m sim` writes a complete run folder."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import sim  # noqa: E402
from sim.jobs.load import load_config  # noqa: E402
from sim.report.charts import CHARTS  # noqa: E402
from sim.report.summary import annual, format_summary  # noqa: E402
from sim.results.checks import check_conservation  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_cli_writes_results_appraisal_summary_charts_and_board_pack(tmp_path):
    """`python -m sim` runs the options appraisal, prints the summary and writes every file of
    the run folder: results of every option, the appraisal, charts and the board pack.
    """
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "run.horizon_years=2",
            "run.draws=2",
            "run.record_every_days=365",
            f"run.output_dir={tmp_path}",
            "run.name=job",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    folder = tmp_path / "job"
    names = {p.name for p in folder.iterdir()}
    expected = {
        "results.nc",
        "appraisal.nc",
        "config.yaml",
        "summary.txt",
        *CHARTS,
        "board_pack.html",
        "board_pack.pdf",
        "appraisal.xlsx",
    }
    assert expected <= names, expected - names
    assert "G&A bed occupancy (%)" in proc.stdout and "Options against baseline" in proc.stdout
    assert "[1/7] baseline" in proc.stderr and "[7/7] combined" in proc.stderr  # progress
    ds = sim.load(folder / "results.nc")
    options = load_config([]).appraisal.options
    assert list(ds["option"].values) == ["baseline", "baseline_do_nothing", *options]
    for option in ds["option"].values:
        check_conservation(ds.sel(option=option, drop=True))
    assert ds.attrs["created_utc"]
    summary = (folder / "summary.txt").read_text()
    assert summary.startswith("Place synthetic_800k, scenario baseline")
    assert "Options against baseline" in summary and "Do nothing: capacity held as today" in summary
    # results.nc stores per-period records to about four significant figures, so the tables
    # formatted from the file match the summary row for row (labels), not digit for digit.
    for option in ("baseline", "baseline_do_nothing"):
        table = format_summary(ds.sel(option=option, drop=True)).split("\n")[1:]
        labels = [line[:40].strip() for line in table if line.strip()]
        assert all(label in summary for label in labels), option
    assert [p.name for p in tmp_path.iterdir()] == ["job"], "no temporary folders left"


def test_annual_summary_adds_up_the_daily_flows_whatever_the_record_length():
    """Financial-year totals equal the sum of daily flows, and weekly records give nearly
    the same; occupancy is a mean in percent.
    """
    daily = sim.run(["run.horizon_years=2", "run.record_every_days=1"])
    weekly = sim.run(["run.horizon_years=2", "run.record_every_days=7"])
    a, w = annual(daily).isel(draw=0), annual(weekly).isel(draw=0)
    flows = daily["emergency_admissions"].isel(draw=0).sum("quintile")
    # reports are float32 (7 significant digits): the daily sum is taken in float32
    assert float(a["emergency_admissions"].sum()) == pytest.approx(float(flows.sum()), rel=1e-6)
    assert list(a["financial_year"].values) == ["2025/26", "2026/27"]
    assert 50 < float(a["acute_occupancy"][0]) <= 100
    # a week that spans 1 April is split by days, so years agree closely and totals exactly
    for var in ("emergency_admissions", "acute_occupancy", "nctr", "population"):
        np.testing.assert_allclose(w[var], a[var], rtol=1e-3, err_msg=var)
    total = float(w["emergency_admissions"].sum())
    assert abs(total - float(flows.sum())) < 1e-6 * total


def test_every_chart_has_title_axis_labels_and_legend():
    """Charts are readable on their own: title, both axis labels, a legend."""
    ds = sim.run(["run.horizon_years=1"], draws=3)
    for name, plot in CHARTS.items():
        fig, ax = plt.subplots()
        plot(ds, ax)
        assert ax.get_title(), name
        assert ax.get_xlabel() and ax.get_ylabel(), name
        assert ax.get_legend() is not None, name
        plt.close(fig)


def test_readme_engine_example_runs():
    """The README's 'engine on its own' example runs as written and queues as expected."""
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```python\n(from sim.engines.stockflow import.*?)```", text, re.S)
    assert block, "README example not found"
    namespace: dict = {}
    exec(block.group(1), namespace)  # noqa: S102
    occupied = namespace["ds"]["occupied"].isel(time=-1).values
    # 10 a day for 6 days needs 60 beds: the 50-bed ward is full, the others hold 60.
    assert list(occupied.round(9)) == [50.0, 60.0, 60.0]
