"""Hydra's own flags on `python -m sim` behave as in any Hydra app (--cfg, --info, --help,
-m), --version prints the package version, bad flags get one line and exit 2, and the `sim`
logger is quiet in library use and concise on the command line."""

from __future__ import annotations

import logging
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml

from sim.cli import main, setup_logging

ROOT = Path(__file__).resolve().parents[2]


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cfg_job_prints_the_composed_config_and_exits_0(tmp_path):
    """`python -m sim --cfg job` (a real process): exit 0, YAML of the job's config with the
    overrides applied and the place file's own values, no Hydra node, nothing written."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "--cfg",
            "job",
            "run.horizon_years=3",
            "place.acute.beds=1500",
            f"run.output_dir={tmp_path}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    cfg = yaml.safe_load(proc.stdout)
    assert set(cfg) >= {"place", "scenario", "run", "finance", "appraisal"}
    assert "hydra" not in cfg
    assert cfg["run"]["horizon_years"] == 3.0 and cfg["place"]["acute"]["beds"] == 1500
    place = yaml.safe_load((ROOT / "configs/place/synthetic_800k.yaml").read_text())
    assert cfg["place"]["reablement"]["capacity"] == place["reablement"]["capacity"]
    assert cfg["scenario"]["name"] == "baseline"
    assert list(tmp_path.iterdir()) == []


def test_cfg_hydra_all_and_package(capsys):
    """--cfg hydra shows Hydra's node (job name sim); all shows both; -p one package."""
    code, out, _ = _run(capsys, "--cfg", "hydra")
    hydra = yaml.safe_load(out)
    assert code == 0 and list(hydra) == ["hydra"] and hydra["hydra"]["job"]["name"] == "sim"
    code, out, _ = _run(capsys, "--cfg", "all", "scenario=homefirst")
    both = yaml.safe_load(out)
    assert code == 0 and {"hydra", "place", "run"} <= set(both)
    assert both["scenario"]["name"] == "homefirst"
    code, out, _ = _run(capsys, "--cfg", "job", "--package", "run", "run.draws=7")
    assert code == 0 and out.startswith("# @package run")
    assert yaml.safe_load(out)["draws"] == 7


def test_info_defaults_lists_the_composed_files(capsys):
    """--info defaults: Hydra's defaults list, with the chosen scenario's file."""
    code, out, _ = _run(capsys, "--info", "defaults", "scenario=homefirst")
    assert code == 0
    rows = [r.split("|")[1].strip() for r in out.splitlines() if r.startswith("|")]
    assert "scenario/homefirst" in rows and "place/synthetic_800k" in rows
    assert "scenario/baseline" not in rows


def test_help_lists_usage_and_every_scenario(capsys):
    """--help: this app's usage, then Hydra's configuration groups (every scenario file)."""
    code, out, _ = _run(capsys, "--help")
    assert code == 0 and out.startswith("usage: python -m sim")
    line = next(ln for ln in out.splitlines() if ln.startswith("scenario: "))
    names = {p.stem for p in (ROOT / "scenarios").glob("*.yaml")}
    assert names <= {n.strip() for n in line.split(":", 1)[1].split(",")}
    assert "--cfg" in out and "--info" in out and "--multirun" in out


def test_version_prints_the_package_version(capsys):
    """--version: this package's installed version (and Hydra's), exit 0."""
    code, out, _ = _run(capsys, "--version")
    assert code == 0
    assert out.startswith(f"sim (nhs-care-shift-sim) {metadata.version('nhs-care-shift-sim')}")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--cfg", "jobs"], "invalid choice: 'jobs'"),
        (["--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["--cfg", "job", "-m"], "--multirun and --cfg together"),
        (["--cfg", "job", "place.acute.bedz=1"], "place.acute.bedz: unknown configuration key"),
        (["--cfg", "job", "place.acute.beds=-5"], "place.acute.beds"),
        (["--config-dir", "/no/such/folder"], "--config-dir '/no/such/folder': not a folder"),
        (["--config-path", "x"], "--config-path is not supported"),
        (["--resolve"], "--resolve works only with --cfg"),
    ],
)
def test_bad_flags_get_one_line_and_exit_2(capsys, args, expected):
    """Bad flags or bad overrides with a flag: exit 2, one error line, nothing on stdout."""
    code, out, err = _run(capsys, *args)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 2 and out == ""
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], err


def test_overrides_and_flags_may_be_intermixed(capsys):
    """Overrides before and after a flag are all applied."""
    code, out, _ = _run(capsys, "run.draws=3", "--cfg", "job", "run.horizon_years=2")
    cfg = yaml.safe_load(out)
    assert code == 0 and cfg["run"]["draws"] == 3 and cfg["run"]["horizon_years"] == 2.0


def test_library_logging_is_quiet_and_cli_logging_concise(capsys):
    """Without set-up a `sim.*` warning prints nothing (a NullHandler, not Python's last
    resort); the CLI's set-up prints `sim.*` INFO as the bare message and hides INFO from
    Dask's distributed while keeping its warnings."""
    sim_log = logging.getLogger("sim")
    saved = (sim_log.handlers[:], sim_log.level, sim_log.propagate)
    try:
        for h in [h for h in sim_log.handlers if not isinstance(h, logging.NullHandler)]:
            sim_log.removeHandler(h)
        sim_log.propagate = False
        logging.getLogger("sim.report.pack").warning("library warning")
        assert capsys.readouterr().err == ""
        setup_logging()
        logging.getLogger("sim.report.pack").info("board pack written")
        logging.getLogger("distributed.scheduler").info("scheduler chatter")
        assert capsys.readouterr().err == "board pack written\n"
        assert logging.getLogger("distributed.scheduler").isEnabledFor(logging.WARNING)
        assert not logging.getLogger("distributed").isEnabledFor(logging.INFO)
    finally:
        sim_log.handlers[:], sim_log.level, sim_log.propagate = saved
