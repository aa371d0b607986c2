"""A sweep killed midway (SIGKILL) resumes: finished chunks are kept, no partial file is
left, and the result is identical to an uninterrupted run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import xarray as xr

from sim.sweep import load_sweep, run_sweep

from .helpers import SMALL

REPO = Path(__file__).resolve().parents[2]


def overrides(tmp: Path, name: str) -> list[str]:
    return [
        *SMALL,
        "sweep.method=lhs",
        "sweep.samples=12",
        "sweep.chunk_size=2",
        "sweep.executor=sequential",
        "++sweep.params={place.acute.beds:{low:1250,high:1550},"
        "place.ic_beds.capacity:{low:130,high:200}}",
        f"sweep.output_dir={tmp}",
        f"sweep.name={name}",
    ]


def test_killed_sweep_resumes_to_identical_results(tmp_path):
    """SIGKILL after the first chunk, re-run, compare with an uninterrupted sweep."""
    folder = tmp_path / "killed"
    chunks = folder / "chunks"
    code = "import sys; from sim.sweep import run_sweep; run_sweep(sys.argv[1:])"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *overrides(tmp_path, "killed")],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(chunks.glob("chunk-*.nc")):
        assert proc.poll() is None, "the sweep ended before it could be killed"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = sorted(chunks.glob("chunk-*.nc"))
    assert 1 <= len(done) < 6, f"killed after {len(done)} of 6 chunks"
    for f in done:  # every finished chunk is complete and readable
        xr.open_dataset(f).close()
    resumed = load_sweep(run_sweep(overrides(tmp_path, "killed")))
    assert not [p for p in folder.rglob("*") if p.name.endswith(".partial")]
    assert len(list(chunks.glob("chunk-*.nc"))) == 6
    whole = load_sweep(run_sweep(overrides(tmp_path, "whole")))
    xr.testing.assert_identical(resumed.drop_attrs(), whole.drop_attrs())


def test_rerun_of_a_finished_sweep_runs_nothing(tmp_path):
    """All chunks exist: a rerun writes no chunk again."""
    folder = run_sweep(overrides(tmp_path, "again"))
    stamps = {p: p.stat().st_mtime_ns for p in (folder / "chunks").glob("chunk-*.nc")}
    run_sweep(overrides(tmp_path, "again"))
    assert stamps == {p: p.stat().st_mtime_ns for p in (folder / "chunks").glob("chunk-*.nc")}
