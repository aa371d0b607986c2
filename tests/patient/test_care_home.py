"""Care homes as a market on the patient engine, against the stock-flow engine: the default
place for a year (binding capacities as they are). Residents' urgent care and the places that
follow the residents are the same rules on both engines, so the care-home figures agree."""

from __future__ import annotations

import pytest

import sim

from .helpers import run_patient

pytestmark = pytest.mark.xdist_group("care_home")  # fixtures made once

YEAR = ["run.horizon_years=1", "run.record_every_days=1"]


@pytest.fixture(scope="module")
def both():
    return sim.run(YEAR), run_patient(YEAR)[0]


def _total(ds, var: str) -> float:
    return float(ds[var].sum())


def test_care_home_residents_and_places_agree(both):
    """Mean residents within 2%, the market's places within 1%, over the year."""
    sf, pe = both
    for var, rel in (("occupied", 0.02), ("capacity", 0.01)):
        a = float(sf[var].sel(service="care_home").mean())
        b = float(pe[var].sel(service="care_home").mean())
        assert b == pytest.approx(a, rel=rel), (var, a, b)


def test_care_home_admissions_agree(both):
    """About 2,000 admissions a year: within 6% (three Poisson standard deviations)."""
    sf, pe = both
    a, b = _total(sf, "care_home_admissions"), _total(pe, "care_home_admissions")
    assert b == pytest.approx(a, rel=0.06), (a, b)


def test_front_doors_with_residents_agree(both):
    """Residents' 999 incidents, conveyances and type 1 attendances are in both engines'
    totals: incidents, conveyances, type 1 attendances and admissions within 2%."""
    sf, pe = both
    for var in (
        "ambulance_incidents",
        "conveyances",
        "ed_type1_attendances",
        "emergency_admissions",
    ):
        a, b = _total(sf, var), _total(pe, var)
        assert b == pytest.approx(a, rel=0.02), (var, a, b)
