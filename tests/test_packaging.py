"""A non-editable install carries its data: the wheel holds configs/, the scenario library,
docs/validation.md and the evidence table, and the installed package runs from another folder.

The wheel is built from a copy of the repository (so no build/ folder is left in it) with
``pip wheel --no-deps --no-build-isolation``, then installed with ``pip install --no-deps
--target`` into a temporary folder put first on ``PYTHONPATH`` (the dependencies come from the
test environment); no virtual environment is made.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("packaging")  # fixtures made once

ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(
    ".git",
    "results",
    "build",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    "notebooks",
    "benchmarks",
    "tests",
)


def _data_files() -> dict[str, Path]:
    """Wheel path -> repository file, for every data file the package must carry."""
    groups = [p for p in (ROOT / "configs").glob("*/*.yaml") if p.parent.name != "scenario"]
    files = {f"sim/conf/{p.relative_to(ROOT / 'configs')}": p for p in groups}
    files["sim/conf/config.yaml"] = ROOT / "configs" / "config.yaml"
    files |= {f"sim/conf/scenario/{p.name}": p for p in (ROOT / "scenarios").glob("*.yaml")}
    files["sim/report/validation.md"] = ROOT / "docs" / "validation.md"
    files["sim/evidence/evidence.csv"] = ROOT / "sim" / "evidence" / "evidence.csv"
    return files


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert done.returncode == 0, f"{' '.join(cmd)}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, symlinks=True, ignore=SKIP)
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp / "dist"),
            str(src),
        ]
    )
    (found,) = (tmp / "dist").glob("*.whl")
    return found


@pytest.mark.slow
def test_wheel_carries_configs_scenarios_validation_and_evidence(wheel):
    files = _data_files()
    assert len(files) >= 15  # 5 config groups, 8 scenarios, validation.md, the evidence table
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        missing = sorted(set(files) - names)
        assert not missing, f"not in the wheel: {missing}"
        for name, path in files.items():
            assert z.read(name) == path.read_bytes(), f"{name} differs from {path}"
    assert not [n for n in names if n.startswith(("configs/", "scenarios/", "docs/"))]


@pytest.mark.slow
def test_installed_wheel_runs_from_an_empty_folder(wheel, tmp_path):
    site, work = tmp_path / "site", tmp_path / "work"
    work.mkdir()
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ]
    )
    env = {k: v for k, v in os.environ.items() if k != "SIM_CONFIG_DIR"}
    env["PYTHONPATH"] = str(site)
    code = (
        "import sim, sim.report.narrative as n\n"
        "from sim.config.compose import config_dir\n"
        "from sim.jobs.load import load_config\n"
        "from sim.evidence import evidence_row\n"
        "cfg = load_config(['scenario=homefirst'])\n"
        "print(sim.__file__, config_dir(), n.VALIDATION.is_file(), cfg.scenario.name,\n"
        "      evidence_row('S.3').value, sep='|')\n"
    )
    out = _run([sys.executable, "-c", code], cwd=work, env=env).stdout.strip().split("|")
    assert Path(out[0]).is_relative_to(site)
    assert Path(out[1]) == site / "sim" / "conf"
    assert out[2:] == ["True", "homefirst", "-9.9 days"]
    listed = _run([sys.executable, "-m", "sim", "--scenarios"], cwd=work, env=env).stdout
    assert {line.split()[0] for line in listed.splitlines()} == {
        p.stem for p in (ROOT / "scenarios").glob("*.yaml")
    }
    assert list(work.iterdir()) == []  # nothing read or written beside the working folder


def _own_place(folder: Path) -> Path:
    """A folder holding only place/my_place.yaml: the default place with fewer acute beds."""
    import yaml

    from sim.config.compose import config_dir

    raw = yaml.safe_load((config_dir() / "place" / "synthetic_800k.yaml").read_text())
    raw["name"], raw["acute"]["beds"] = "my_place", 1234
    (folder / "place").mkdir(parents=True)
    (folder / "place" / "my_place.yaml").write_text(yaml.safe_dump(raw))
    return folder


def test_config_dir_adds_a_folder_after_the_package_configs(tmp_path):
    from sim.cli import _config_dir_override
    from sim.config.compose import options
    from sim.jobs.load import load_config

    mine = _own_place(tmp_path / "mine")
    args = _config_dir_override(["--config-dir", str(mine), "place=my_place"])
    assert args == ["place=my_place", f"hydra.searchpath=[file://{mine.resolve()}]"]
    assert _config_dir_override([f"--config-dir={mine}"]) == args[1:]
    cfg = load_config(args)
    assert (cfg.place.name, cfg.place.acute.beds) == ("my_place", 1234)
    assert options("place", args) == sorted({*options("place"), "my_place"})
    assert "homefirst" in options("scenario", args)  # the package's library is still there


def test_bad_config_dir_is_a_one_line_error(tmp_path, capsys):
    from sim.cli import main

    missing = tmp_path / "nowhere"
    assert main(["--config-dir", str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"error: --config-dir '{missing}': not a folder; give a folder of YAML files laid out "
        "as configs/ (place/, scenario/, run/, ...)\n"
    )
    assert main(["--config-dir"]) == 2
    assert "--config-dir '': not a folder" in capsys.readouterr().err


def test_sim_config_dir_replaces_the_package_configs(tmp_path, monkeypatch):
    from sim.config.compose import config_dir
    from sim.config.errors import ConfigError

    copy = tmp_path / "configs"
    shutil.copytree(config_dir(), copy)  # follows the scenario -> ../scenarios link
    monkeypatch.setenv("SIM_CONFIG_DIR", str(copy))
    assert config_dir() == copy
    monkeypatch.setenv("SIM_CONFIG_DIR", str(tmp_path))
    with pytest.raises(ConfigError, match=r"has no config.yaml; set SIM_CONFIG_DIR"):
        config_dir()
