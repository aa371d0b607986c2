"""The default place end to end: conservation, reproducibility, batches, API = CLI, schema."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import sim
from sim.cli import main
from sim.results.checks import ConservationError, check_conservation
from sim.results.io import RELATIVE_PRECISION

ONE_YEAR = ["run.horizon_years=1"]


@pytest.fixture(scope="module")
def year() -> xr.Dataset:
    return sim.run(ONE_YEAR)


def test_people_are_conserved_every_day(year):
    """Change in people equals in - out - deaths for every day, to 1e-9 relative."""
    check_conservation(year, rtol=1e-9)


def test_conservation_check_detects_a_lost_person(year):
    """The checker fails when one person goes missing in one period (week 21)."""
    broken = year.copy(deep=True)
    broken["people_total"][0, 20:] -= 1.0
    with pytest.raises(ConservationError, match="not conserved"):
        check_conservation(broken)


def test_same_config_and_seed_give_identical_dataset(year):
    """Two runs of the same configuration are identical, values and attributes."""
    xr.testing.assert_identical(year, sim.run(ONE_YEAR))


def test_every_variable_has_units_and_long_name_and_no_nan(year):
    """The results schema: units and descriptions everywhere, no missing values."""
    for name, var in year.data_vars.items():
        assert var.attrs.get("units"), name
        assert var.attrs.get("long_name"), name
        assert not np.isnan(var.values).any(), name
    assert year.attrs["config_yaml"].startswith("place:")
    assert "git_commit" in year.attrs and "sim_version" in year.attrs


def test_draw_of_a_batch_equals_single_run_with_its_values():
    """Draw i of a 3-draw batch equals a one-draw run with draw i's sampled values, exactly."""
    batch = sim.run(ONE_YEAR, draws=3)
    assert batch.sizes["draw"] == 3
    values = batch["parameter_draws"]
    assert float(values.std("draw").max()) > 0, "draws should differ"
    i = 2
    overrides = [
        f"place.{k}={float(values.sel(draw=i, uncertain_key=k))!r}"
        for k in values.uncertain_key.values
    ]
    single = sim.run(ONE_YEAR + overrides)
    for name in ("people_total", "emergency_admissions", "occupied", "nctr", "deaths"):
        np.testing.assert_array_equal(
            batch[name].isel(draw=i).values, single[name].isel(draw=0).values, err_msg=name
        )


def test_api_composes_what_the_cli_composes_and_load_reads_it_back(tmp_path):
    """sim.run and `python -m sim` (the main job) give the same numbers; sim.load reads them."""
    overrides = [
        *ONE_YEAR,
        f"run.output_dir={tmp_path}",
        "run.name=api",
        "run.charts=false",
        "run.draws=1",
        "appraisal.options=[]",
    ]
    assert main(overrides) == 0
    loaded = sim.load(tmp_path / "api" / "results.nc")
    assert list(loaded["option"].values) == ["baseline", "baseline_do_nothing"]
    assert loaded.attrs["created_utc"] and loaded.attrs["scenario:baseline"] == "baseline"
    direct = sim.run(overrides)
    got = loaded.sel(option="baseline", drop=True).drop_attrs()
    # per-period records are stored to 13 significant bits (sim.results.io), the rest exactly
    xr.testing.assert_allclose(got, direct.drop_attrs(), rtol=RELATIVE_PRECISION, atol=0)
    for name in ("people_total", "people_in", "deaths", "system_net_cost"):
        xr.testing.assert_identical(got[name], direct[name].drop_attrs())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["api"]


def test_more_reablement_capacity_means_fewer_patients_waiting_for_p1():
    """Directional: doubling P1 capacity and halving its wait cuts P1 delays and bed use."""
    base = sim.run(ONE_YEAR)
    more = sim.run(
        [*ONE_YEAR, "place.reablement.capacity=840", "place.acute.pathway_wait_days.0=3"]
    )
    nctr = lambda ds: float(ds["nctr"].sel(waiting_for="P1").mean())  # noqa: E731
    beds = lambda ds: float(ds["occupied"].sel(service="acute_beds").mean())  # noqa: E731
    assert nctr(more) < 0.7 * nctr(base)
    assert beds(more) < beds(base)


def test_fewer_beds_mean_more_boarding_and_longer_handovers():
    """Directional: cutting beds by 12% raises boarding and ambulance hours lost."""
    base = sim.run(ONE_YEAR)
    fewer = sim.run([*ONE_YEAR, "place.acute.beds=1236"])
    assert float(fewer["boarding"].mean()) > float(base["boarding"].mean()) + 1
    assert float(fewer["handover_hours_lost"].sum()) > 1.2 * float(
        base["handover_hours_lost"].sum()
    )
    check_conservation(fewer)
