"""The app's form: the command line's overrides, validated by the command line's rules."""

from __future__ import annotations

import pytest
import yaml

from sim.app import form as forms
from sim.config.errors import ConfigError
from sim.config.schema import Config
from sim.jobs.load import load_config

STEP_UP = "scenario.effects.step_up_instead_of_admission.size"

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def _message(overrides: list[str]) -> str:
    with pytest.raises(ConfigError) as exc:
        load_config(overrides)
    return str(exc.value)


def test_defaults_are_what_the_command_line_runs():
    cfg: Config = load_config([])
    d = forms.defaults()
    assert (d.place, d.options, d.draws) == (cfg.place.name, cfg.appraisal.options, cfg.run.draws)
    assert d.horizon_years == cfg.run.horizon_years and d.plan_case == cfg.place.plan.case


def test_overrides_compose_to_the_form_values():
    f = forms.Form(options=["homefirst"], horizon_years=2, draws=3, plan_case="do_nothing",
                   run_name="mine")  # fmt: skip
    cfg = load_config(forms.overrides(f))
    assert cfg.run.horizon_years == 2 and cfg.run.draws == 3 and cfg.run.name == "mine"
    assert cfg.place.plan.case == "do_nothing" and cfg.appraisal.options == ["homefirst"]


def test_an_effect_changes_only_the_options_that_have_it():
    f = forms.Form(options=["community_investment", "homefirst", "combined"],
                   values={STEP_UP: 0.01})  # fmt: skip
    extra = forms.option_overrides(f)
    assert set(extra) == {"homefirst", "combined"}  # combined includes HomeFirst's effects
    cfg = load_config([*forms.overrides(f), *extra["combined"], "scenario=combined"])
    assert cfg.scenario.effects["step_up_instead_of_admission"].size.central == 0.01
    assert forms.validate(f) == {}


def test_ranges_are_the_scenario_files_own():
    raw = yaml.safe_load((ROOT / "scenarios" / "homefirst.yaml").read_text())
    got = {r.key: r for r in forms.ranges(["homefirst"])}
    for name, effect in raw["effects"].items():
        r = got[f"scenario.effects.{name}.size"]
        size = effect["size"]
        assert (r.low, r.central, r.high) == (size["low"], size["central"], size["high"])
        assert r.source == size["source"]


@pytest.mark.parametrize(
    ("change", "override"),
    [
        ({"draws": 0}, "run.draws=0"),
        ({"horizon_years": -1}, "run.horizon_years=-1"),
        ({"run_name": "../x"}, "run.name=../x"),
        ({"plan_case": "maybe"}, "place.plan.case=maybe"),
    ],
)
def test_bad_input_gets_the_command_lines_message_under_its_key(change, override):
    f = forms.Form(**{"options": ["homefirst"], **change})
    errs = forms.validate(f)
    expected = _message([*forms.overrides(forms.Form(options=["homefirst"])), override])
    assert list(errs.values()) == [expected]
    assert list(errs) == [override.split("=")[0]]


def test_an_effect_outside_its_range_gets_the_command_lines_message():
    f = forms.Form(options=["homefirst"], values={STEP_UP: 0.5})
    expected = _message([*forms.overrides(f), f"{STEP_UP}.central=0.5", "scenario=homefirst"])
    assert forms.validate(f) == {STEP_UP: expected}
    assert "0.5" in expected and "low <= central <= high" in expected


def test_no_option_is_refused():
    assert "appraisal.options" in forms.validate(forms.Form(options=[]))


def test_the_server_listens_on_loopback_at_the_given_port():
    from sim.app.__main__ import port_number, streamlit_args

    args = streamlit_args(8600)
    assert "--server.address=127.0.0.1" in args and "--server.port=8600" in args
    assert "--browser.gatherUsageStats=false" in args and "--server.headless=true" in args
    assert port_number("8600") == 8600
    for bad in ("0", "65536", "http", "80.5"):
        with pytest.raises(Exception, match=r"--port = .*allowed a whole number 1-65535"):
            port_number(bad)
