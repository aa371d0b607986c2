"""Faults: runs racing for one name, runs killed at any moment, a full or read-only disk, and
sweep workers whose coordinator is killed.

- Two runs started at once with the same ``run.name``: one wins, the other is refused in one
  line at once, and the winner's folder holds the winner's own configuration and results.
- SIGKILL at any phase (composing, simulating, writing) leaves nothing behind once the next run
  has started: no visible folder of the killed run and no hidden staging folder.
- A disk that fills or turns read-only while the results are written: one line, exit 1, and
  neither the final folder nor a staging folder is left.
- A sweep coordinator killed with SIGKILL: its worker processes exit within seconds.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import xarray as xr

import sim.api
import sim.cli
import sim.jobs.main
import sim.jobs.save
from sim.config.errors import ConfigError
from sim.jobs.appraise import run_appraisal
from sim.jobs.load import load_config
from sim.results.folder import STAGING

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["run.horizon_years=0.1", "run.draws=1", "appraisal.options=[]", "run.charts=false"]


def start(out: Path, name: str, *extra: str) -> subprocess.Popen:
    """``python -m sim`` on a small run in the background."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "sim", *SMALL, f"run.output_dir={out}", f"run.name={name}", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=out.parent,
    )


def leftovers(out: Path) -> list[str]:
    """Hidden entries (staging folders) in the results folder."""
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(3))
def test_two_runs_with_one_name_one_wins(tmp_path, trial):
    """Started together: one exits 0 with its own results; the other exits 2 in one line."""
    out = tmp_path / "results"
    runs = {beds: start(out, "same", f"place.acute.beds={beds}") for beds in (1300, 1500)}
    done = {beds: (p.wait(timeout=600), *p.communicate()) for beds, p in runs.items()}
    winners = [b for b, (code, _o, _e) in done.items() if code == 0]
    assert len(winners) == 1, {b: (c, e[-500:]) for b, (c, _o, e) in done.items()}
    (winner,) = winners
    (loser,) = [b for b in done if b != winner]
    code, stdout, stderr = done[loser]
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and stdout == "", stderr
    assert lines[0].startswith("error: run.name = 'same': ")
    assert "choose another name" in lines[0]
    folder = out / "same"
    assert f"beds: {winner}.0" in (folder / "config.yaml").read_text()
    with xr.open_dataset(folder / "results.nc") as ds:
        assert f"beds: {winner}.0" in ds.attrs["config_yaml:baseline"]
    assert leftovers(out) == [] and sorted(p.name for p in out.iterdir()) == ["same"]


def wait_for(check, timeout: float = 300.0) -> None:
    """Poll ``check`` until true (the phase to kill in has been reached)."""
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "phase not reached"
        time.sleep(0.05)


def staging_of(out: Path, name: str) -> list[Path]:
    return [p for p in out.glob(f".{name}.*.partial") if STAGING.match(p.name)]


@pytest.mark.slow
def test_sigkill_at_any_phase_leaves_nothing_after_the_next_run(tmp_path):
    """Killed while composing, after claiming its folder, while writing: the next run
    removes every staging folder; no folder of a killed run is visible.
    """
    out = tmp_path / "results"
    out.mkdir()
    phases = {
        "composing": lambda p: time.sleep(0.3),
        "simulating": lambda p: wait_for(lambda: staging_of(out, "simulating")),
        "writing": lambda p: wait_for(lambda: any((s / "config.yaml").exists()
                                                  for s in staging_of(out, "writing"))),
    }  # fmt: skip
    for name, reach in phases.items():
        proc = start(out, name)
        reach(proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert not (out / name).exists()
    assert leftovers(out), "no staging folder was left to clean: the test killed too late"
    proc = start(out, "next")
    code = proc.wait(timeout=600)
    assert code == 0, proc.communicate()[1][-2000:]
    assert leftovers(out) == []
    assert sorted(p.name for p in out.iterdir()) == ["next"]


@pytest.fixture(scope="module")
def small_result():
    """A finished small run (the work), so that only the writing is faulted below."""
    cfg = load_config(SMALL)
    return cfg, run_appraisal(cfg, SMALL)


@pytest.mark.parametrize(
    ("target", "exc", "reason"),
    [
        (
            "write_dataset_atomic",
            OSError(errno.ENOSPC, "No space left on device", "results.nc"),
            "No space left on device",
        ),
        (
            "write_text_atomic",
            OSError(errno.EROFS, "Read-only file system", "config.yaml"),
            "Read-only file system",
        ),
        (
            "write_text_atomic",
            PermissionError(errno.EACCES, "Permission denied", "summary.txt"),
            "Permission denied",
        ),
    ],
)
def test_disk_full_or_read_only_while_writing(
    tmp_path, monkeypatch, capsys, small_result, target, exc, reason
):
    """One line (exit 1) naming the file and the reason; no folder and no staging left."""
    cfg, result = small_result
    monkeypatch.setattr(sim.jobs.main, "run_appraisal", lambda *a, **k: result)

    def fail(*_a, **_k):
        raise exc

    monkeypatch.setattr(sim.jobs.save, target, fail)
    out = tmp_path / "results"
    code = sim.cli.main([*SMALL, f"run.output_dir={out}", "run.name=full"])
    stdout, stderr = capsys.readouterr()
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert code == 1 and stdout == ""
    assert len(errors) == 1 and stderr.rstrip().endswith(errors[0]), stderr
    assert "Traceback" not in stderr
    assert reason in errors[0] and str(exc.filename) in errors[0]
    assert list(out.iterdir()) == []


def test_api_main_job_claims_the_name_before_the_work(tmp_path, monkeypatch, small_result):
    """``sim.api.main_job`` is the CLI's path: it writes the run folder, and a taken name is
    refused at once, before any simulation, leaving the first run's folder as it was.
    """
    cfg, result = small_result
    out = tmp_path / "results"
    argv = [*SMALL, f"run.output_dir={out}", "run.name=taken"]
    monkeypatch.setattr(sim.jobs.main, "run_appraisal", lambda *a, **k: result)
    folder = sim.api.main_job(argv)
    assert folder == out / "taken"
    assert {"config.yaml", "results.nc", "summary.txt"} <= {p.name for p in folder.iterdir()}
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}

    def must_not_run(*_a, **_k):
        raise AssertionError("the simulation ran although the name was taken")

    monkeypatch.setattr(sim.jobs.main, "run_appraisal", must_not_run)
    with pytest.raises(ConfigError, match="run.name"):
        sim.api.main_job(argv)
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before
    assert [p.name for p in out.iterdir()] == ["taken"]  # no staging folder left


def children(pid: int) -> list[int]:
    """Live processes whose parent is ``pid`` (Linux /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                out.append(int(entry.name))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc (Linux)")
@pytest.mark.parametrize("executor", ["processes", "dask"])
def test_sweep_workers_stop_when_the_coordinator_is_killed(tmp_path, executor):
    """SIGKILL the coordinator of a sweep on local worker processes (a process pool, or a
    Dask LocalCluster whose workers watch their parent through Dask's own pipe): every worker
    exits within seconds.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "sim", "sweep=capacity_lhs", "sweep.samples=40",
            "sweep.chunk_size=1", "sweep.workers=2", f"sweep.executor={executor}",
            "sweep.progress=false", "run.horizon_years=2", f"sweep.output_dir={tmp_path}",
            "sweep.name=orphans"]  # fmt: skip
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    workers: list[int] = []
    try:
        wait_for(lambda: len(children(proc.pid)) >= 2, timeout=300)
        time.sleep(1.0)  # the workers have started their tasks
        workers = children(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        end = time.monotonic() + 20
        while any(alive(w) for w in workers) and time.monotonic() < end:
            time.sleep(0.2)
        assert not any(alive(w) for w in workers), "workers outlived their coordinator"
    finally:
        if proc.poll() is None:
            proc.kill()
        for w in workers:  # this test's own workers, should they have outlived it
            if alive(w):
                os.kill(w, signal.SIGKILL)
