"""Batched sweeps: cheap parameter rows equal a full rebuild; a batched variant equals its own
run; a failing variant is recorded while the others complete.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engines.stockflow import compile_model
from sim.jobs.load import load_config
from sim.jobs.simulate import simulate_run
from sim.place.cohorts import build_place
from sim.place.stockflow.declare import build_model
from sim.place.stockflow.rows import check_against_full_build, declare_values, param_row
from sim.scenarios.effects import lever_targets
from sim.sweep import load_sweep, run_sweep

from .helpers import SMALL


@pytest.mark.parametrize(
    "overrides",
    [
        [],
        ["scenario=homefirst"],
        [
            "scenario=combined",
            "place.follow_up.stages=2",
            "place.acute.max_stages=2",
            "place.reablement.stages=2",
        ],
    ],
)
def test_value_only_declaration_equals_the_full_build(overrides):
    """Names, values and lookup tables of the cheap declaration are the full build's."""
    cfg = load_config(overrides)
    place = build_place(cfg.place)
    targets = lever_targets(cfg.scenario)
    compiled = compile_model(build_model(place, 1.0, targets))
    vm = declare_values(place, 1.0, targets)
    check_against_full_build(compiled, vm)
    assert np.array_equal(param_row(compiled, vm.values), compiled.default_params())


def test_batched_variants_equal_their_own_runs(tmp_path):
    """Each variant of a sweep (group key, dotted keys, 2 draws) gives exactly the numbers
    of ``simulate_run`` on its own configuration.
    """
    base = ["run.horizon_years=0.5", "run.draws=2", "run.record_every_days=30"]
    overrides = [
        *[o for o in SMALL if not o.startswith("run.")], *base, "sweep.draws=2",
        "sweep.method=grid", "sweep.outputs=[]", "sweep.sum_dims=[]",
        "++sweep.params={scenario:{values:[baseline,homefirst]},"
        "place.acute.beds:{values:[1250,1550]},place.ic_beds.mean_days:{values:[25.0,40.0]}}",
        "sweep.chunk_size=3", "sweep.executor=sequential", f"sweep.output_dir={tmp_path}",
        "sweep.name=same", "sweep.record_every_days=30",
    ]  # fmt: skip
    ds = load_sweep(run_sweep(overrides))
    assert ds.sizes["variant"] == 8 and ds.sizes["draw"] == 2
    for v in (0, 3, 5, 6):
        one = load_config([*base, *str(ds["overrides"].values[v]).split()])
        ref = simulate_run(one)
        for name in ("occupied", "nctr", "emergency_admissions", "population", "deaths"):
            got = ds[name].sel(variant=v).values
            assert np.array_equal(got, ref[name].values), (v, name)


def test_a_failing_variant_is_recorded_and_the_others_complete(tmp_path):
    """A variant whose place cannot be built gets its error; the others run."""
    overrides = [
        *SMALL, "sweep.method=grid", "sweep.executor=sequential", "sweep.chunk_size=3",
        "++sweep.params={place.ed.type1_admitted_share:{values:[0.25,0.6,0.28]}}",
        f"sweep.output_dir={tmp_path}", "sweep.name=fails",
    ]  # fmt: skip
    folder = run_sweep(overrides)
    ds = load_sweep(folder)
    errors = [str(e) for e in ds["error"].values]
    assert errors[0] == "" and errors[2] == ""
    assert "admitted share" in errors[1]
    assert np.isnan(ds["nctr"].sel(variant=1)).all()
    assert np.isfinite(ds["nctr"].sel(variant=[0, 2])).all()
    assert "variant 1:" in (folder / "errors.txt").read_text()
