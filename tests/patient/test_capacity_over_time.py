"""Capacity that changes over time: winter escalation beds, fewer pathway starts at weekends.

Short runs: 14 days around 1 December for escalation, four weeks for the weekday pattern.
"""

from __future__ import annotations

import numpy as np

from .helpers import run_patient


def test_escalation_beds_open_on_their_first_day_and_not_before():
    ds = run_patient(
        ["run.start_date=2025-11-24", "run.horizon_years=0.0384", "run.patient.escalation_beds=60"]
    )[0]
    beds = ds["capacity"].sel(service="acute_beds").isel(draw=0).to_series()
    assert np.allclose(beds[:"2025-11-30"], 1404), beds
    assert np.allclose(beds["2025-12-01":], 1464), beds


def test_fewer_pathway_starts_at_weekends():
    """Starts of P1-P3 per weekend day are well below those per weekday (factor 0.5)."""
    ds, results, _ = run_patient(["run.horizon_years=0.0767"], keep_log=True)
    log = results[0].log
    starts = np.char.startswith(log["service"].astype(str), "await") & (log["outcome"] == "start")
    day = np.floor(log["end"][starts]).astype(int)
    dow = (np.datetime64("2025-04-01") + day).astype("datetime64[D]").astype(int)
    weekend = ((dow + 3) % 7) >= 5  # 1970-01-01 was a Thursday
    per_weekend_day = weekend.sum() / 8  # four weekends in 28 days
    per_weekday = (~weekend).sum() / 20
    assert per_weekend_day < 0.8 * per_weekday, (per_weekend_day, per_weekday)


def test_patients_queueing_for_a_full_care_home_can_die_waiting():
    """A full care home and a high death rate while waiting: deaths end queue waits cleanly
    (a regression test: the clock that ends a wait decides what happens, not rounding)."""
    ds = run_patient(
        [
            "run.horizon_years=0.08",
            "place.care_home.beds=5064",
            "place.acute.waiting_deaths_per_1000_day=200",
        ]
    )[0]
    assert float(ds["nctr"].sel(waiting_for="P3").mean()) > 10
    assert float(ds["hospital_deaths"].sum()) > 0


def test_the_capacity_plan_steps_up_on_1_april_in_the_patient_engine():
    """place.plan on the patient engine: today's capacity until 31 March, then x (1 + g)
    (whole beds and places), for beds, community services and care homes alike (care-home
    places held to the plan: the market rule off)."""
    ds = run_patient(
        [
            "run.start_date=2026-03-25",
            "run.horizon_years=0.0384",
            "place.plan.services.acute_beds.growth_per_year=0.1",
            "place.plan.services.reablement.growth_per_year=0.1",
            "place.plan.services.care_home.growth_per_year=0.1",
            "place.care_home.capacity_lag_days=0",
        ]
    )[0]
    cap = ds["capacity"].isel(draw=0)
    for svc, today in (("acute_beds", 1404), ("reablement", 420), ("care_home", 5890)):
        series = cap.sel(service=svc).to_series()
        assert np.allclose(series[:"2026-03-31"], today), (svc, series)
        assert np.allclose(series["2026-04-01":], round(today * 1.1)), (svc, series)
