"""Fuzz: bad files and environment (YAML configuration files in a temporary SIM_CONFIG_DIR,
scenario and sweep files, warm-start CSVs, SIM_CONFIG_DIR itself) and taken or unusable
results folders: each refused in one line before any work, writing nothing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import sim.results.folder
from sim.config.compose import _composed

from .helpers import ROOT, Refuser

PE = ["run.engine=patient", "run.draws=1"]


@pytest.fixture
def refuse(tmp_path, monkeypatch, capsys):
    return Refuser(tmp_path, monkeypatch, capsys)


@pytest.fixture
def configs(tmp_path, monkeypatch):
    """A writable copy of configs/ in use through SIM_CONFIG_DIR."""
    folder = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", folder)
    monkeypatch.setenv("SIM_CONFIG_DIR", str(folder))
    return folder


def edit(path: Path, old: str | None, new: str) -> None:
    """Replace ``old`` by ``new`` in ``path`` (append ``new`` when ``old`` is None)."""
    text = path.read_text() if path.exists() else ""
    if old is None:
        path.write_text(text + new)
    else:
        assert old in text, (path, old)
        path.write_text(text.replace(old, new, 1))


# (file in configs/, text to replace or None to append, new text, argv, expected texts)
YAML_CASES = [
    ("run/default.yaml", None, "engine: [stockflow\n", [], "default.yaml line", "malformed YAML"),
    ("run/default.yaml", None, "\tdraws: 3\n", [], "default.yaml line"),
    (
        "place/synthetic_800k.yaml",
        None,
        'x: !!python/object/apply:os.system ["echo hi"]\n',
        [],
        "synthetic_800k.yaml line",
        "no !! tags",
    ),
    ("config.yaml", None, "foo: !!python/name:os.system\n", [], "config.yaml line", "no !! tags"),
    (
        "finance/default.yaml",
        'price_year: "2024/25"',
        'price_year: "${oc.env:HOME}"',
        [],
        "finance.price_year",
        "resolvers",
    ),
    ("run/default.yaml", "draws: 30", "draws: ${oc.env:DRAWS,3}", [], "run.draws", "resolvers"),
    ("run/default.yaml", "name: null", "name: ${now:%Y}", [], "run.name", "resolvers"),
    (
        "appraisal/default.yaml",
        "discount_rate: 0.035",
        "discount_rate: lots",
        [],
        "appraisal.discount_rate = 'lots'",
        "appraisal/default.yaml",
        "allowed a number",
    ),
    ("run/default.yaml", None, "bogus: 1\n", [], "run.bogus", "run/default.yaml"),
    ("run/default.yaml", "horizon_years: 10", "horizon_years: 1000", [], "run.horizon_years"),
    ("run/default.yaml", "name: null", "name: ../../escape", [], "run.name", "'../../escape'"),
    ("run/default.yaml", "output_dir: results", 'output_dir: ""', [], "run.output_dir"),
    ("run/default.yaml", "draws: 30", "draws: 1000000000", [], "run.draws = 1000000000"),
    ("place/synthetic_800k.yaml", "beds: 1404", "beds: 1.0e12", [], "place.acute.beds"),
    ("place/synthetic_800k.yaml", "beds: 1404", "beds: -1", [], "place.acute.beds"),
    ("config.yaml", "place: synthetic_800k", "place: nowhere", [], "place=nowhere", "available"),
    (
        "scenario/homefirst.yaml",
        'start: "2026-04-01"',
        'start: "1900-04-01"',
        ["scenario=homefirst"],
        "scenario.effects.reablement_places.start = '1900-04-01'",
        "2013-04-01",
    ),
    (
        "scenario/homefirst.yaml",
        "lever: reablement.capacity",
        "lever: nope",
        ["scenario=homefirst"],
        "scenario.effects.reablement_places.lever = 'nope'",
    ),
    (
        "scenario/homefirst.yaml",
        "size: {low: -4.3,",
        "size: {low: -50,",
        ["scenario=homefirst"],
        "scenario.effects.assessment_at_home.size.low = -50",
        "allowed > -",
    ),
    (
        "scenario/bad.yaml",
        None,
        "name: bad\ndescription: x\nmechanism: !!python/name:os.system\n",
        ["scenario=bad"],
        "bad.yaml line",
        "no !! tags",
    ),
    (
        "scenario/bad.yaml",
        None,
        "name: bad\ndescription: [x\n",
        ["scenario=bad"],
        "bad.yaml line",
        "malformed YAML",
    ),
    (
        "scenario/bad.yaml",
        None,
        "defaults: [base_scenario, _self_]\nname: bad\n"
        "description: x\neffects: {e: {lever: acute.beds, unit: beds, size: {low: -9e9, "
        "central: -1, high: 0, source: a}}}\n",
        ["scenario=bad"],
        "scenario.effects.e.size.low",
        "allowed > -1404",
    ),
    (
        "sweep/bad.yaml",
        None,
        "defaults: [base_sweep, _self_]\nmethod: lhs\nsamples: -5\n"
        "params: {place.acute.beds: {low: 1, high: 2}}\n",
        ["sweep=bad"],
        "sweep.samples",
    ),
    (
        "sweep/bad.yaml",
        None,
        "defaults: [base_sweep, _self_]\nmethod: grid\nname: ../x\n",
        ["sweep=bad"],
        "sweep.name",
        "'../x'",
    ),
    (
        "sweep/bad.yaml",
        None,
        "defaults: [base_sweep, _self_]\nmethod: grid\nname: ${oc.env:HOME}\n",
        ["sweep=bad"],
        "sweep.name",
        "resolvers",
    ),
    ("sweep/bad.yaml", None, "method: [grid\n", ["sweep=bad"], "bad.yaml line"),
    (
        "sweep/bad.yaml",
        None,
        "defaults: [base_sweep, _self_]\nmethod: lhs\nsamples: 3\n"
        "params: {place.acute.bedz: {low: 1, high: 2}}\n",
        ["sweep=bad"],
        "place.acute.bedz",
    ),
]


@pytest.mark.parametrize(
    ("path", "old", "new", "argv", "expect"),
    [(c[0], c[1], c[2], c[3], c[4:]) for c in YAML_CASES],
    ids=[f"{c[0]}:{c[2][:30]}" for c in YAML_CASES],
)
def test_bad_configuration_file(refuse, configs, path, old, new, argv, expect):
    """A broken YAML file: one line naming the file (and line) or the key it sets."""
    refuse(argv, *expect, setup=lambda: edit(configs / path, old, new))


def test_unreadable_binary_yaml(refuse, configs):
    """Bytes that are not text: one line naming the configuration folder."""
    path = configs / "scenario" / "bin.yaml"
    refuse(
        ["scenario=bin"],
        "configuration folder",
        "cannot read",
        setup=lambda: path.write_bytes(b"\xff\xfe\x00bad"),
    )


ENV_CASES = [
    ("", "SIM_CONFIG_DIR is set but empty"),
    ("relative/nowhere", "SIM_CONFIG_DIR = 'relative/nowhere'", "no config.yaml"),
    ("/nonexistent/configs", "SIM_CONFIG_DIR = '/nonexistent/configs'"),
    ("{tmp}/file.txt", "SIM_CONFIG_DIR", "file.txt"),
    ("{tmp}/emptydir", "SIM_CONFIG_DIR", "emptydir", "no config.yaml"),
]


@pytest.mark.parametrize(
    ("value", "expect"),
    [(c[0], c[1:]) for c in ENV_CASES],
    ids=[c[0] or "empty" for c in ENV_CASES],
)
def test_bad_config_dir(refuse, tmp_path, monkeypatch, value, expect):
    """SIM_CONFIG_DIR that is empty, missing, a file or a folder without config.yaml."""
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "emptydir").mkdir()
    monkeypatch.setenv("SIM_CONFIG_DIR", value.format(tmp=tmp_path))
    refuse(["run.draws=2"], *expect)


def test_relative_config_dir_is_taken_from_the_current_folder(refuse, monkeypatch):
    """A relative SIM_CONFIG_DIR works (from the current folder); a bad key is still named."""
    shutil.copytree(ROOT / "configs", refuse.cwd / "myconfigs")
    monkeypatch.setenv("SIM_CONFIG_DIR", "myconfigs")
    refuse(["place.acute.beds=-1"], "place.acute.beds = -1.0")


# warm-start CSVs of the patient engine: (file content as bytes, expected texts)
CSV_CASES = [
    (b"services,cohort,patients\n", "needs columns service,cohort,patients"),
    (b"", "needs columns service,cohort,patients"),
    (b"service,cohort,patients\nwards,all,3\n", "line 2: service 'wards'; allowed"),
    (b"service,cohort,patients\nacute_beds,all,-3\n", "line 2: patients = -3.0: must be"),
    (b"service,cohort,patients\nacute_beds,all,nan\n", "line 2: patients = nan"),
    (b"service,cohort,patients\nacute_beds,all,inf\n", "line 2: patients = inf"),
    (b"service,cohort,patients\nacute_beds,all,many\n", "line 2: patients 'many' is not a number"),
    (b"service,cohort,patients\nacute_beds,old|frail,3\n", "line 2: cohort 'old|frail'"),
    (b"service,cohort,patients\nacute_beds, ,3\n", "line 2: cohort ''"),
    (b"service,cohort,patients\nacute_beds,all,1e9\n", "1e+09 patients", "allowed up to"),
    (
        b"service,cohort,patients\ncare_home,all,500000\nacute_beds,all,400000\n",
        "900000 patients",
        "place.population.size",
    ),
    (b"\xff\xfe\x00\x01garbage", "not a text CSV file"),
    (b'service,cohort,patients\n"acute_beds,all,3\n', "line 2: service 'acute_beds,all,3"),
]


@pytest.mark.parametrize(
    ("content", "expect"),
    [(c[0], c[1:]) for c in CSV_CASES],
    ids=[c[0][:30].decode(errors="replace") for c in CSV_CASES],
)
def test_bad_warm_start_csv(refuse, tmp_path, content, expect):
    """Each malformed snapshot: one line naming the file and line, before any work."""
    path = tmp_path / "today.csv"
    path.write_bytes(content)
    refuse([*PE, f"run.patient.warm_start={path}"], "run.patient.warm_start", *expect)


def test_huge_warm_start_csv(refuse, tmp_path):
    """A 20 MB file (sparse) is refused by its size before it is read."""
    path = tmp_path / "huge.csv"
    with open(path, "wb") as fh:
        fh.truncate(20 * 2**20)
    refuse([*PE, f"run.patient.warm_start={path}"], "huge.csv", "allowed up to")


@pytest.mark.parametrize("value", ["{tmp}/nope.csv", "{tmp}", "stock_flow"])
def test_missing_warm_start(refuse, tmp_path, value):
    """A path that is not a file (or a misspelt 'stockflow')."""
    refuse(
        [*PE, f"run.patient.warm_start={value.format(tmp=tmp_path)}"],
        "run.patient.warm_start",
        "no such file",
    )


def test_event_log_in_a_missing_folder(refuse, tmp_path):
    refuse([*PE, f"run.patient.event_log={tmp_path}/no/such/log.csv.gz"], "run.patient.event_log")


def test_taken_run_name_is_refused_at_once(refuse):
    """An existing results/<name> is refused before the work (not after it)."""
    taken = refuse.cwd / "results" / "taken"
    taken.mkdir(parents=True)
    refuse(["run.name=taken"], "run.name = 'taken'", "exists; choose another name")


def test_results_folder_that_is_a_file(refuse):
    (refuse.cwd / "afile").write_text("x")
    refuse(["run.output_dir=afile"], "run.output_dir = 'afile'", "cannot create it")


def test_results_folder_not_writable(refuse, monkeypatch):
    """Read-only (as root ignores permissions, the check is made to fail)."""
    monkeypatch.setattr(sim.results.folder.os, "access", lambda *a, **k: False)
    refuse(["run.output_dir=ro"], "run.output_dir = 'ro'", "not writable")
    assert not (refuse.cwd / "ro").exists()


def test_results_folder_without_room(refuse, monkeypatch):
    usage = shutil._ntuple_diskusage(10**9, 10**9 - 10**6, 10**6)  # 1 MB free
    monkeypatch.setattr(sim.results.folder.shutil, "disk_usage", lambda p: usage)
    refuse(["run.name=x"], "run.output_dir = 'results'", "MiB free", "needs about")


def test_sweep_folder_holding_something_else(refuse):
    """sweep.name naming a folder that is not this sweep: refused before any chunk runs."""
    folder = refuse.cwd / "results" / "sweeps" / "other"
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("mine")
    refuse(
        ["sweep=capacity_lhs", "sweep.name=other", "sweep.samples=2"],
        "sweep.name = 'other'",
        "choose another name",
    )


def test_cache_does_not_hide_an_edit(refuse, configs):
    """Composed once, then a file breaks: the next command sees the broken file."""
    from sim.jobs.load import load_config

    load_config([])
    assert _composed
    refuse(
        [],
        "default.yaml line",
        setup=lambda: edit(configs / "run" / "default.yaml", None, "engine: [x\n"),
    )
    os.environ.pop("DRAWS", None)


@pytest.mark.parametrize("where", ["/tmp/episodes.csv.gz", "../episodes.csv.gz"])
def test_event_log_outside_the_results_folder(refuse, where):
    """The event log, like every output, is written inside the results folder only."""
    refuse([*PE, f"run.patient.event_log={where}"], "run.patient.event_log")
