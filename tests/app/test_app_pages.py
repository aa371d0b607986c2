"""Every page of the app in Streamlit's headless test client (``AppTest``): inputs, a run
in the worker process, the outputs, and a bad input's message with nothing run.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from sim.app import jobs, saved
from sim.config.errors import ConfigError
from sim.jobs.load import load_config
from sim.report.content import build_pack

pytestmark = pytest.mark.xdist_group("app")  # one worker: the saved runs are made once

MAIN = str(Path(__file__).resolve().parents[2] / "sim" / "app" / "main.py")
SHORT = ["run.horizon_years=2", "run.draws=2", "appraisal.options=[homefirst]"]
STEP_UP = "scenario.effects.step_up_instead_of_admission.size"


@pytest.fixture
def app(runs_root, monkeypatch) -> AppTest:
    """The app, started in ``runs_root`` (its results/ holds the saved runs), with the short
    settings of the saved runs on the first page.
    """
    monkeypatch.chdir(runs_root)
    at = AppTest.from_file(MAIN, default_timeout=120).run()
    at.number_input(key="w_horizon_years").set_value(2.0).run()
    at.number_input(key="w_draws").set_value(2).run()
    at.multiselect(key="w_options").set_value(["homefirst"]).run()
    return at


def _page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"pages/{name}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table_text(at: AppTest, i: int) -> str:
    return at.table[i].value.to_string()


def _expected_message(overrides: list[str]) -> str:
    with pytest.raises(ConfigError) as exc:
        load_config(overrides)
    return str(exc.value)


def test_setup_page_takes_every_input_and_shows_a_bad_ones_message(app):
    at = app
    assert not at.exception and not at.error
    assert at.selectbox(key="w_place").value == "synthetic_800k"
    assert "example_icb" in at.selectbox(key="w_place").options
    assert at.radio(key="w_plan_case").value == "bau"
    at.radio(key="w_plan_case").set_value("do_nothing").run()
    assert at.session_state["plan_case"] == "do_nothing"
    at.number_input(key="w_draws").set_value(0).run()
    expected = _expected_message([*SHORT, "run.draws=0"])
    assert [e.value for e in at.error] == [expected]  # the command line's line, once
    # the message sits right under its field: the next element after the draws input
    at.number_input(key="w_draws").set_value(2).run()
    assert not at.error


def test_effects_page_shows_each_range_and_source_and_refuses_a_value_outside(app, runs_root):
    at = _page(app, "effects")
    raw = yaml.safe_load(Path(__file__).resolve().parents[2].joinpath(
        "scenarios", "homefirst.yaml").read_text())["effects"]  # fmt: skip
    text = " ".join(str(m.value) for m in [*at.markdown, *at.caption])
    for name, effect in raw.items():
        size = effect["size"]
        assert at.number_input(key=f"w_eff:scenario.effects.{name}.size").value == size["central"]
        assert size["source"] in text
        fmt = "{:,.0f}" if abs(size["high"]) >= 1000 else "{:g}"
        assert f"{fmt.format(size['low'])} to {fmt.format(size['high'])}" in text
    assert "EVIDENCE 7.2:" in text  # the cited evidence row itself, from sim/evidence
    at.number_input(key=f"w_eff:{STEP_UP}").set_value(0.5).run()
    expected = _expected_message([*SHORT, f"{STEP_UP}.central=0.5", "scenario=homefirst"])
    assert [e.value for e in at.error] == [expected]
    # the run page refuses to start: the message again, no job, no new folder
    before = sorted(p.name for p in (runs_root / "results").iterdir())
    at = _page(at, "run")
    at.button[0].click().run()
    assert "Nothing was run" in at.warning[0].value
    assert any(expected in e.value for e in at.error)
    assert "job" not in at.session_state
    assert sorted(p.name for p in (runs_root / "results").iterdir()) == before


def test_results_pages_show_the_board_packs_own_tables_and_charts(app, central):
    pack = build_pack(central)
    money = saved.table(pack, "Options - money").display
    who = saved.table(pack, "Who pays and saves").display
    at = app
    at.session_state["run_folder"] = "central"
    at = _page(at, "results")
    assert at.selectbox(key="run_folder").value == "central"
    shown = at.table[0].value
    assert list(shown.index) == list(money.iloc[:, 0])
    assert shown.iloc[:, 0].tolist() == money.iloc[:, 1].tolist()  # the same cells
    labels = [b.label for b in at.get("download_button")]
    assert "Results (NetCDF)" in labels and "Appraisal (NetCDF)" in labels
    at = _page(at, "who_pays")
    assert at.table[0].value.iloc[:, 0].tolist() == who.iloc[:, 1].tolist()
    assert len(at.get("image")) == 2  # cumulative cash by organisation, the waterfall
    at = _page(at, "charts")
    assert len(at.get("image")) == 6  # NPV and five fan charts
    at = _page(at, "risk")
    assert len(at.get("image")) == 2
    assert any("Switching values" in m.value for m in at.markdown)
    at = _page(at, "validation")
    rows = [r for r in (Path(__file__).resolve().parents[2] / "docs" / "validation.md")
            .read_text().splitlines() if r.startswith("|")][2:]  # fmt: skip
    assert len(at.table[0].value) == len(rows)


def test_compare_page_shows_both_runs_and_what_differs(app):
    at = app
    at = _page(at, "compare")
    at.selectbox(key="compare_a").set_value("central").run()
    at.selectbox(key="compare_b").set_value("no-step-up").run()
    table = at.table[0].value
    adm = table.loc[("HomeFirst", "Emergency admissions change over the horizon (median)")]
    assert adm["A"] != adm["B"]  # without step-up, fewer admissions are avoided
    a, b = (int(adm[c].replace(",", "")) for c in ("A", "B"))
    # B - A is the difference of the unrounded medians, so it may differ from the difference
    # of the two rounded figures shown by one
    assert b > a and abs(int(adm["B - A"].replace(",", "")) - (b - a)) <= 1
    assert len(at.get("image")) == 2


def test_a_run_goes_to_a_worker_with_progress_and_can_be_cancelled(app, runs_root):
    at = app
    at.number_input(key="w_draws").set_value(40).run()
    at.number_input(key="w_horizon_years").set_value(10.0).run()
    at.text_input(key="w_run_name").set_value("cancelled").run()
    at = _page(at, "run")
    at.button[0].click().run()  # returns at once: the run is in another process
    job = jobs.JOBS[at.session_state["job"]]
    assert job.state == "running" and job.process.pid != __import__("os").getpid()
    deadline = time.monotonic() + 120
    while not job.lines and time.monotonic() < deadline:
        time.sleep(0.2)
    at.run()
    assert at.get("progress") or job.state != "running"
    cancel = next(b for b in at.button if b.label == "Cancel the run")
    cancel.click().run()
    assert job.state == "cancelled" and job.process.poll() is not None
    assert "Cancelled" in at.warning[0].value
    left = [p.name for p in (runs_root / "results").iterdir() if "cancelled" in p.name]
    assert left == []  # the claimed folder was removed


@pytest.mark.slow
def test_run_page_runs_the_command_lines_job_and_saves_the_board_pack(app, runs_root):
    at = app
    at.text_input(key="w_run_name").set_value("from-app").run()
    at = _page(at, "effects")
    at.number_input(key=f"w_eff:{STEP_UP}").set_value(0.01).run()
    at = _page(at, "run")
    code = at.code[-1].value
    assert code.startswith("python -m sim ") and f"{STEP_UP}.central=0.01" in code
    at.button[0].click().run()
    job = jobs.wait(jobs.JOBS[at.session_state["job"]], 600)
    assert job.state == "done", job.error
    at.run()
    assert "saved to results/from-app" in at.success[0].value
    folder = runs_root / "results" / "from-app"
    for f in saved.DOWNLOADS:
        assert (folder / f).is_file(), f
    assert (folder / "board_pack.pdf").read_bytes()[:5] == b"%PDF-"
    result = saved.load_run(folder)
    assert result.configs["homefirst"].scenario.effects[
        "step_up_instead_of_admission"].size.central == 0.01  # fmt: skip
    assert result.configs["baseline"].run.draws == 2
    at = _page(at, "results")
    assert at.selectbox(key="run_folder").value == "from-app"
    assert {b.label for b in at.get("download_button")} >= {"Board pack (PDF)", "Workbook (Excel)"}


def test_a_damaged_saved_run_gives_one_line_not_a_traceback(app, runs_root):
    broken = runs_root / "results" / "zz-broken"
    broken.mkdir()
    (broken / "results.nc").write_bytes(b"not netcdf")
    (broken / "appraisal.nc").write_bytes(b"not netcdf")
    try:
        at = app
        at.session_state["run_folder"] = "zz-broken"
        at.switch_page("pages/results.py").run()
        assert not at.exception
        assert len(at.error) == 1 and "Could not read the saved run" in at.error[0].value
        assert "\n" not in at.error[0].value
    finally:
        for f in broken.iterdir():
            f.unlink()
        broken.rmdir()
