"""A sample of the fuzz cases through a real ``python -m sim`` process: the same one line and
exit code 2 as in-process, nothing written (the current folder and results compared)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import REPO_RESULTS, ROOT, config_copy, tree

CASES = [
    (["=5"], None, "no key before '='"),
    (["run.name=é"], None, "run.name: cannot parse"),
    (["run.name=../../X"], None, "run.name = '../../X'"),
    (["run.draws=1000000000"], None, "run.draws = 1000000000"),
    (["+foo=bar"], None, "+foo: unknown configuration key"),
    (["hydra.run.dir=/tmp/x"], None, "hydra.run.dir"),
    (["run.name=taken"], "taken", "run.name = 'taken'"),
    ([], "yaml", "default.yaml line"),
    (["run.engine=patient", "run.draws=1", "run.patient.warm_start=big.csv"], "csv",
     "1e+09 patients"),
    (["run.draws=2"], "relative", "SIM_CONFIG_DIR = 'nowhere'"),
]  # fmt: skip


SAMPLE = [
    pytest.param(*c, id=c[2][:30], marks=[pytest.mark.slow] if i >= 3 else [])
    for i, c in enumerate(CASES)
]


@pytest.mark.parametrize(("argv", "setup", "expected"), SAMPLE)
def test_real_process_refuses_in_one_line(tmp_path, argv, setup, expected):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if setup == "taken":
        (cwd / "results" / "taken").mkdir(parents=True)
    elif setup == "yaml":
        folder = config_copy(tmp_path)
        with open(folder / "run" / "default.yaml", "a") as fh:
            fh.write("engine: [stockflow\n")
        env["SIM_CONFIG_DIR"] = str(folder)
    elif setup == "csv":
        (cwd / "big.csv").write_text("service,cohort,patients\nacute_beds,all,1e9\n")
    elif setup == "relative":
        env["SIM_CONFIG_DIR"] = "nowhere"
    before = tree(tmp_path, REPO_RESULTS)
    proc = subprocess.run(
        [sys.executable, "-m", "sim", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr[-2000:]
    assert expected in lines[0] and proc.stdout == ""
    assert tree(tmp_path, REPO_RESULTS) == before
    assert not list(Path(cwd).glob("outputs")) and not list(Path(cwd).glob(".hydra"))
