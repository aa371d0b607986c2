"""Cross-engine: the default place with non-binding capacities and as declared.

Non-binding: one replication of one year (about 15-30 s). As declared: four replications on
two workers (about a minute). Admissions, bed days and occupancy of acute beds
agree within 2%. Bed days and occupancy use the NHS definition (a bed occupied at midnight),
the stock-flow engine's census. docs/cross_engine.md explains the remaining differences.
"""

from __future__ import annotations

import pytest

import sim

from .helpers import NON_BINDING, run_patient

YEAR = ["run.horizon_years=1", "run.record_every_days=1"]


def test_engines_agree_with_non_binding_capacities():
    """One run of each engine (it takes a while), every check below on them."""
    both = (sim.run(YEAR + NON_BINDING), run_patient(YEAR + NON_BINDING)[0])
    check_annual_admissions_agree_within_2_percent(both)
    check_bed_days_agree_within_2_percent(both)
    check_occupancy_agrees_within_2_percent(both)
    check_time_weighted_bed_days_within_2_percent(both)


def check_annual_admissions_agree_within_2_percent(both):
    sf, pe = both
    a, b = float(sf["emergency_admissions"].sum()), float(pe["emergency_admissions"].sum())
    assert b == pytest.approx(a, rel=0.02), (a, b)


def check_bed_days_agree_within_2_percent(both):
    sf, pe = both
    a = float(sf["occupied"].sel(service="acute_beds").sum())
    b = float(pe["occupied_midnight"].sel(service="acute_beds").sum())
    assert b == pytest.approx(a, rel=0.02), (a, b)


def check_occupancy_agrees_within_2_percent(both):
    sf, pe = both
    a = float(sf["occupancy"].sel(service="acute_beds").mean())
    b = float((pe["occupied_midnight"] / pe["capacity"]).sel(service="acute_beds").mean())
    assert b == pytest.approx(a, rel=0.02), (a, b)


def check_time_weighted_bed_days_within_2_percent(both):
    """Patient-days (every minute counts) against the stock-flow census."""
    sf, pe = both
    a = float(sf["occupied"].sel(service="acute_beds").sum())
    b = float(pe["occupied"].sel(service="acute_beds").sum())
    assert b == pytest.approx(a, rel=0.02), (a, b)


def test_engines_agree_on_the_default_place_with_crowding():
    """The default place as declared (91% occupancy, boarding below full): both engines read
    one crowding curve (sim/place/crowding.py), so boarding agrees by construction; admissions,
    bed days, occupancy, conveyances and NCTR within 2% (four replications).

    Handover hours lost are within 2% in how each engine turns its bed pressure into minutes
    lost per conveyance (the table, read per conveyance), but not in total: the table is
    steep (about 16% more minutes for 1% more bed pressure where the place runs), so a
    patient replication's year differs from the next by about 8% (SD of eight replications,
    docs/cross_engine.md) and the mean of four can differ from the stock-flow engine's by
    several percent by chance; the total is held to 15% (nearly four SDs of the mean of four).
    """
    sf = sim.run(YEAR)
    pe = run_patient(YEAR, replications=4, workers=2)[0]
    n = pe.sizes["draw"]

    def pair(a: float, b: float) -> tuple[float, float]:
        return a, b / n

    def per_table_minute(ds, conveyances: float, hours: float) -> float:
        """Minutes lost per conveyance over the mean of the table at the engine's pressure."""
        return hours * 60.0 / conveyances / float(ds["bed_pressure_handover_minutes"].mean())

    sf_conv, pe_conv = float(sf["conveyances"].sum()), float(pe["conveyances"].sum())
    sf_hours = float(sf["handover_hours_lost"].sum())
    pe_hours = float(pe["handover_hours_lost"].sum())
    checks = {
        "admissions": (pair(float(sf["emergency_admissions"].sum()),
                            float(pe["emergency_admissions"].sum())), 0.02),
        "bed days": (pair(float(sf["occupied"].sel(service="acute_beds").sum()),
                          float(pe["occupied_midnight"].sel(service="acute_beds").sum())), 0.02),
        "conveyances": (pair(sf_conv, pe_conv), 0.02),
        "boarding": ((float(sf["boarding"].mean()), float(pe["boarding"].mean())), 0.10),
        "nctr": ((float(sf["nctr"].sum("waiting_for").mean()),
                  float(pe["nctr"].sum("waiting_for").mean())), 0.02),
        "handover minutes per table minute": ((per_table_minute(sf, sf_conv, sf_hours),
                                               per_table_minute(pe, pe_conv, pe_hours)), 0.02),
        "handover hours lost": (pair(sf_hours, pe_hours), 0.15),
    }  # fmt: skip
    occ = float(sf["occupancy"].sel(service="acute_beds").mean())
    pe_occ = float((pe["occupied_midnight"] / pe["capacity"]).sel(service="acute_beds").mean())
    assert pe_occ == pytest.approx(occ, rel=0.02), (occ, pe_occ)
    assert float(sf["boarding"].mean()) > 5, "the default place boards below full"
    for name, ((a, b), rel) in checks.items():
        assert b == pytest.approx(a, rel=rel), (name, a, b)
