"""Care homes as a market (issue 11 part 2): residents' urgent care at the published rates,
national front-door totals that count residents once, places that follow occupancy, who pays,
and long-term care avoided showing in total care-home admissions."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.config.errors import ConfigError
from sim.engines.stockflow import compile_model, run_arrays
from sim.jobs.load import load_config
from sim.place.cohorts import build_place
from sim.place.stockflow.declare import build_model, resident_labels, series_values
from sim.place.stockflow.warm import warm_start

pytestmark = pytest.mark.xdist_group("care_home_market")  # fixtures made once

YEAR = ["run.horizon_years=1", "run.draws=1", "run.record_every_days=365"]


def _resident_year() -> dict[str, float]:
    """One year of the default place with extra reports of residents' own urgent care."""
    place = build_place(load_config([]).place)
    m = build_model(place, 1.0)
    labs = resident_labels(place)
    extra = {
        "res_incidents": {f"ch_amb_outcome[{lab}]": 1.0 for lab in labs},
        "res_type1": {f"ch_ed_outcome[{lab}]": 1.0 for lab in labs},
        "res_admissions": {f"ch_admission_route[{lab}]": 1.0 for lab in labs},
    }
    for var, flows in extra.items():
        m.describe(var, units="1", long_name=var)
        refs = {a: w for ref, w in flows.items() for a in m.arcs_of(ref)}
        m.report(var, flows=refs)
    m.describe("res_in_home", units="people", long_name="residents in the home")
    m.report("res_in_home", stocks=[f"care_home[{lab}]" for lab in labs])
    compiled = compile_model(m)
    n = 365
    series = compiled.series_array(series_values(place, "2025-04-01", n, 1.0), n, 1)
    x, params = warm_start(compiled, compiled.param_matrix(), series, 1.0)
    out = run_arrays(
        compiled, params, n_steps=n, series=series, initial=x, dt_days=1.0, record_every=n
    )
    return {var: float(out.reports[0, r, 0]) for r, (var, _) in enumerate(compiled.report_index)}


def test_residents_make_urgent_care_at_the_published_rates():
    """Per resident-year in the home: 999 incidents 0.51 (EVIDENCE 10.17), type 1 attendances
    0.98 (10.2), emergency admissions 0.70 (10.1). The hazards act on residents in the home;
    the person-years are its mean census."""
    got = _resident_year()
    years = got["res_in_home"]
    assert got["res_incidents"] / years == pytest.approx(0.51, rel=0.01)
    assert got["res_type1"] / years == pytest.approx(0.98, rel=0.01)
    assert got["res_admissions"] / years == pytest.approx(0.70, rel=0.01)


def test_national_front_door_totals_count_residents_once():
    """England's per-head figures include residents: with residents' urgent care on, people at
    home make the rest, so 999 incidents, type 1 attendances and ED admissions stay at the
    place's totals (within 1%), and the admitted share at EVIDENCE 1.4's 26.3%."""
    on = sim.run(YEAR)
    off = sim.run([*YEAR, "place.care_home.urgent_care_age_bands=[]"])
    for var in ("ambulance_incidents", "ed_type1_attendances", "ed_admissions"):
        a, b = float(on[var].sum()), float(off[var].sum())
        assert a == pytest.approx(b, rel=0.01), (var, a, b)
    share = float(on["ed_admissions"].sum() / on["ed_type1_attendances"].sum())
    assert share == pytest.approx(0.263, abs=0.01)


@pytest.fixture(scope="module")
def homefirst():
    """Baseline and HomeFirst, five years, central values, annual records."""
    five = ["run.horizon_years=5", "run.draws=1", "run.record_every_days=365"]
    base, hf = sim.run(five), sim.run([*five, "scenario=homefirst"])

    def fy(ds, var):
        return sim.financial_years(ds[var], results=ds).isel(draw=0)

    return base, hf, fy


def test_homefirst_lowers_total_care_home_admissions(homefirst):
    """Long-term care avoided is not refilled from the community: from 2027/28 total
    care-home admissions fall by at least 90% of the fall in admissions from hospital and
    intermediate care, by more than 300 a year."""
    base, hf, fy = homefirst
    fewer = (fy(base, "care_home_admissions") - fy(hf, "care_home_admissions")).sum("quintile")
    from_hospital = (
        fy(base, "care_home_admissions_after_hospital")
        - fy(hf, "care_home_admissions_after_hospital")
    ).sum("quintile")
    assert np.all(fewer.values[2:] > 300), fewer.values
    assert np.all(fewer.values[2:] >= 0.9 * from_hospital.values[2:]), (fewer, from_hospital)


def test_fewer_residents_shrink_the_market_and_the_council_pays_for_fewer(homefirst):
    """The places follow the residents down (a lag: the gap in places grows each year) and
    the council-funded residents (51.1%, EVIDENCE 10.33) fall with them."""
    base, hf, fy = homefirst
    places = (fy(base, "capacity") - fy(hf, "capacity")).sel(service="care_home").values
    council = fy(base, "care_home_residents") - fy(hf, "care_home_residents")
    assert np.all(np.diff(places[1:]) > 0) and places[-1] > 300, places
    assert np.all(council.sel(funder="council").values[2:] > 100), council.values


def test_residents_by_funder_split_the_occupied_places(homefirst):
    """council + self-funded = occupied care-home places; self-funded 48.9% (EVIDENCE 10.33)."""
    base, _, _ = homefirst
    by = base["care_home_residents"]
    np.testing.assert_allclose(
        by.sum("funder"), base["occupied"].sel(service="care_home"), rtol=1e-6
    )  # reports are float32: about 7 significant digits
    share = by.sel(funder="self_funded") / by.sum("funder")
    np.testing.assert_allclose(share, 0.489, rtol=1e-6)


def test_places_follow_occupancy_toward_the_target_over_ten_years():
    """The market holds occupancy near 86% (EVIDENCE 10.29) while demand grows: every year
    of the default run within 84-90%; with places held fixed it runs above that."""
    ten = ["run.draws=1", "run.record_every_days=365"]
    occ = sim.run(ten)["occupancy"].sel(service="care_home").isel(draw=0).values
    fixed = sim.run([*ten, "place.care_home.capacity_lag_days=0"])
    held = fixed["occupancy"].sel(service="care_home").isel(draw=0).values
    assert np.all((occ >= 0.84) & (occ <= 0.90)), occ
    assert held[-1] > occ[-1] + 0.05, (held, occ)


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("place.care_home.target_occupancy=0", "place.care_home.target_occupancy"),
        ("place.care_home.target_occupancy=1.2", "place.care_home.target_occupancy"),
        ("place.care_home.self_funded_share=1.5", "place.care_home.self_funded_share"),
        ("place.care_home.conveyed_share=-0.1", "place.care_home.conveyed_share"),
        ("place.care_home.capacity_lag_days=-1", "place.care_home.capacity_lag_days"),
        (
            "place.care_home.emergency_admissions_per_resident_year=2",
            "place.care_home.emergency_admissions_per_resident_year",
        ),
        (
            "place.care_home.ambulance_incidents_per_resident_year=2",
            "place.care_home.ed_attendances_per_resident_year",
        ),
        ("place.care_home.urgent_care_age_bands=[90+]", "place.care_home.urgent_care_age_bands"),
        (
            "place.care_home.ambulance_incidents_per_resident_year=inf",
            "place.care_home.ambulance_incidents_per_resident_year",
        ),
    ],
)
def test_bad_care_home_values_get_a_one_line_error(override, key):
    with pytest.raises(ConfigError) as err:
        load_config([override])
    message = str(err.value)
    assert key in message and "\n" not in message, message
