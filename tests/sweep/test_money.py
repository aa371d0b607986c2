"""Sweeps ready for decisions: money and appraisal metrics against each variant's own
baseline (same uncertain values and draws, levers as in the base config) on the batched and
the multirun paths, equal to the main job's appraisal of the same option; each swept key a
coordinate with its real values; the sampled inputs of every draw stored."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from sim.cli import main
from sim.config.errors import ConfigError
from sim.jobs.appraise import run_appraisal
from sim.jobs.load import load_config
from sim.sweep import load_sweep, run_sweep

RUN = ["run.horizon_years=2", "run.draws=2", "run.record_every_days=30"]
OUTPUTS = "sweep.outputs=[nctr,system_net_cost,npv,bcr,cost_per_admission_avoided]"
METRICS = ("npv", "bcr", "cost_per_admission_avoided")


def _main_job(beds: int, scenario: str, run: list[str] = RUN) -> xr.Dataset:
    """The main job's appraisal of one option at a bed count (the independent peer)."""
    overrides = [*run, f"scenario={scenario}", f"place.acute.beds={beds}"]
    return run_appraisal(load_config(overrides), overrides).appraisal.sel(option=scenario)


def _like(got: xr.DataArray, ref: xr.DataArray) -> np.ndarray:
    """``got`` in ``ref``'s dimension order."""
    return got.transpose(*ref.dims).values


@pytest.fixture(scope="module")
def batched(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("money")
    overrides = [
        *RUN, "sweep.draws=2", "sweep.record_every_days=30", "sweep.progress=false", OUTPUTS,
        "sweep.sum_dims=[quintile]", "sweep.method=grid", "sweep.levers=[scenario]",
        "++sweep.params={scenario:{values:[baseline,homefirst]},"
        "place.acute.beds:{values:[1300,1500]}}",
        "sweep.chunk_size=3", "sweep.executor=sequential", f"sweep.output_dir={tmp}",
        "sweep.name=money",
    ]  # fmt: skip
    return load_sweep(run_sweep(overrides))


def test_batched_sweep_has_npv_equal_to_the_main_job(batched):
    ds = batched
    assert ds.sizes["variant"] == 4 and (ds["error"] == "").all()
    assert list(ds["scenario"].values) == ["baseline", "baseline", "homefirst", "homefirst"]
    assert ds["place.acute.beds"].values.tolist() == [1300, 1500, 1300, 1500]
    assert ds["role"].values.tolist() == ["lever", "uncertainty"]
    for v in (0, 1):  # a baseline variant is its own baseline: every change is exactly zero
        assert (ds["npv"].sel(variant=v) == 0).all()
    for v, beds in ((2, 1300), (3, 1500)):
        ref = _main_job(beds, "homefirst")
        for m in METRICS:
            got = _like(ds[m].sel(variant=v), ref[m])
            np.testing.assert_allclose(got, ref[m].values, rtol=1e-9, err_msg=m)
    assert ds["system_net_cost"].dims[:3] == ("variant", "draw", "year")


def test_batched_sweep_stores_each_draws_sampled_inputs(batched):
    from sim.place.draws import sample_uncertain

    cfg = load_config([*RUN, "place.acute.beds=1500"])
    want = sample_uncertain(cfg.place, 2, cfg.run.seed)
    got = batched["parameter_draws"].sel(variant=1)
    assert got.dims == ("draw", "uncertain_key")
    for k, values in want.items():
        np.testing.assert_array_equal(got.sel(uncertain_key=k).values, values)


def test_multirun_has_npv_and_real_swept_values(tmp_path, capsys):
    code = main(
        [
            "-m",
            "scenario=baseline,virtual_wards",
            *RUN,
            "sweep.executor=sequential",
            OUTPUTS,
            "sweep.progress=false",
            f"sweep.output_dir={tmp_path}/sweeps",
            "sweep.name=mr",
        ]
    )
    assert code == 0, capsys.readouterr().err
    ds = xr.open_dataset(tmp_path / "multirun" / "mr" / "results.nc")
    assert list(ds["scenario"].values) == ["baseline", "virtual_wards"]
    assert (ds["npv"].sel(variant=0) == 0).all()
    ref = _main_job(1404, "virtual_wards")
    for m in METRICS:
        np.testing.assert_allclose(
            _like(ds[m].sel(variant=1), ref[m]), ref[m].values, rtol=1e-9, err_msg=m
        )
    assert ds["parameter_draws"].sizes["draw"] == 2


def test_a_lever_that_is_not_swept_is_refused(tmp_path):
    overrides = [
        *RUN,
        "sweep.method=grid",
        "sweep.levers=[place.ic_beds.capacity]",
        "++sweep.params={place.acute.beds:{values:[1300,1500]}}",
        f"sweep.output_dir={tmp_path}",
    ]
    with pytest.raises(ConfigError, match=r"sweep.levers: 'place.ic_beds.capacity' is not"):
        run_sweep(overrides)


def test_one_draw_variants_share_one_money_computation_with_the_same_numbers(tmp_path):
    """One-draw variants with the same money settings (investment amounts aside) are stacked
    on ``draw`` for their money and appraisal; each still equals the main job's appraisal of
    its own run."""
    run = ["run.horizon_years=3", "run.draws=1", "run.record_every_days=30"]
    gbp = "scenario.investments.community_services.gbp_per_year"
    overrides = [
        *run, "sweep.draws=1", "sweep.record_every_days=30", "sweep.progress=false", OUTPUTS,
        "sweep.sum_dims=[quintile]", "sweep.method=grid",
        "++sweep.params={scenario:{values:[combined]},place.acute.beds:{values:[1300,1500]},"
        f"{gbp}:{{values:[5.0e6,15.0e6]}}}}",
        f"sweep.levers=[{gbp}]", "sweep.chunk_size=4", "sweep.executor=sequential",
        f"sweep.output_dir={tmp_path}", "sweep.name=one",
    ]  # fmt: skip
    ds = load_sweep(run_sweep(overrides))
    assert (ds["error"] == "").all() and ds.sizes["draw"] == 1
    assert len(set(ds["npv"].sel(view="cash").values.ravel())) == 4  # each variant its own
    for v in range(4):
        beds = int(ds["place.acute.beds"].values[v])
        amount = float(ds[gbp].values[v])
        one = [*run, *(f"{gbp}.{k}={amount}" for k in ("low", "central", "high"))]
        ref = _main_job(beds, "combined", one)
        for m in METRICS:
            got = _like(ds[m].sel(variant=v), ref[m])
            np.testing.assert_allclose(got, ref[m].values, rtol=1e-9, err_msg=f"{m} of variant {v}")


def test_a_number_set_on_a_range_makes_it_a_decision():
    from sim.sweep.apply import apply_values

    cfg = apply_values(
        load_config(["scenario=combined"]),
        {"scenario.investments.community_services.gbp_per_year": 5e6},
    )
    g = cfg.scenario.investments["community_services"].gbp_per_year
    assert (g.low, g.central, g.high) == (5e6, 5e6, 5e6)
