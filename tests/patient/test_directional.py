"""Directional checks with common random numbers (same seed, same arrivals and patients).

Short horizons keep them quick: 120 days for pathway capacity (enough for a queue for
reablement to build when it is short), 60 days for demand.
"""

from __future__ import annotations

from .helpers import run_patient


def test_more_p1_capacity_gives_fewer_delayed_discharge_bed_days_and_shorter_handovers():
    """Reablement (P1) places 250 vs 420, the same patients: both effects, one pair of runs."""
    base = ["run.horizon_years=0.33"]
    few = run_patient(base + ["place.reablement.capacity=250"])[0]
    more = run_patient(base + ["place.reablement.capacity=420"])[0]
    # Common random numbers: the same incidents arrive in both, but for the few that the
    # (slightly different) population at home adds or removes.
    a, b = (float(x["ambulance_incidents"].sum()) for x in (few, more))
    assert abs(a - b) < 0.002 * a, (a, b)
    check_fewer_delayed_discharge_bed_days((few, more))
    check_shorter_handovers((few, more))


def check_fewer_delayed_discharge_bed_days(p1_capacity):
    few, more = p1_capacity
    a = float(few["nctr"].sel(waiting_for="P1").sum())
    b = float(more["nctr"].sel(waiting_for="P1").sum())
    assert b < a, f"expected fewer P1 delayed bed days with more reablement ({b:.0f} vs {a:.0f})"


def check_shorter_handovers(p1_capacity):
    few, more = p1_capacity
    a = float(few["handover_delay_minutes"].sel(statistic="mean").squeeze())
    b = float(more["handover_delay_minutes"].sel(statistic="mean").squeeze())
    assert b < a, f"expected shorter handovers with more reablement ({b:.1f} vs {a:.1f} min)"
    assert float(more["handover_hours_lost"].sum()) < float(few["handover_hours_lost"].sum())


def test_more_arrivals_mean_higher_occupancy():
    base = ["run.horizon_years=0.165"]
    low = run_patient(base)[0]
    high = run_patient(base + ["place.population.size=900000", "place.care_home.residents=5697"])[0]
    assert float(high["ed_attendances"].sum()) > float(low["ed_attendances"].sum())
    a = float(low["occupied"].sel(service="acute_beds").mean())
    b = float(high["occupied"].sel(service="acute_beds").mean())
    assert b > a, f"expected higher bed occupancy with more arrivals ({b:.0f} vs {a:.0f})"
