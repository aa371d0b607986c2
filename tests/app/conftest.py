"""Fixtures of the app's tests: saved runs in a results folder of their own."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("streamlit", reason='the app extra is not installed: pip install -e ".[app]"')

import sim  # noqa: E402
from sim.jobs.load import load_config  # noqa: E402
from sim.jobs.save import save_appraisal  # noqa: E402

# two runs (baseline and HomeFirst): with the do-nothing plan there is no second baseline
SHORT = [
    "run.horizon_years=2",
    "run.draws=2",
    "appraisal.options=[homefirst]",
    "place.plan.case=do_nothing",
]
STEP_UP = "scenario.effects.step_up_instead_of_admission.size"


@pytest.fixture(scope="session")
def runs_root(tmp_path_factory) -> Path:
    """A folder whose ``results/`` holds two short saved runs of HomeFirst against the
    do-nothing baseline, ``central`` and ``no-step-up`` (the step-up effect at 0), as the app
    saves them but without the board pack files (the run page's test writes those).
    """
    root = tmp_path_factory.mktemp("app")
    for name, extra in (("central", []), ("no-step-up", [f"{STEP_UP}.central=0"])):
        overrides = [*SHORT, f"run.name={name}", f"run.output_dir={root / 'results'}"]
        result = sim.appraise(overrides, 2, option_overrides={"homefirst": extra})
        save_appraisal(result, load_config(overrides), charts=False)
    return root


@pytest.fixture(scope="session")
def central(runs_root):
    """The ``central`` run read back (the Appraisal the app draws from)."""
    from sim.app.saved import load_run

    return load_run(runs_root / "results" / "central")
