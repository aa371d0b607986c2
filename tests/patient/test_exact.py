"""Fixed durations and non-binding capacities: time in system is the sum of the durations.

30 days of the default place with every duration fixed (stays, episodes, ED, crews, handover
delays) and every capacity far above demand, with the episode log. Waits for a pathway,
readmissions and deaths stay random clocks; they are episodes with a sampled duration too.
"""

from __future__ import annotations

import numpy as np
import pytest

from .helpers import NON_BINDING, run_patient

FIXED = [
    "run.horizon_years=0.082",
    "run.patient.los_distribution=fixed",
    "run.patient.service_distribution=fixed",
    "run.patient.handover_delay_distribution=fixed",
    *(f"run.patient.{k}.distribution=fixed" for k in ("on_scene_minutes", "to_hospital_minutes",
      "turnaround_minutes", "ed_discharged_hours", "ed_decision_hours")),
]  # fmt: skip


@pytest.fixture(scope="module")
def fixed_run():
    return run_patient(FIXED + NON_BINDING, keep_log=True)


def test_time_in_system_equals_the_sum_of_durations(fixed_run):
    """For every journey begun and finished within the run: last end - first arrival equals
    the sum of its episodes' sampled durations (to 1e-9 days: floating point only)."""
    _, results, _ = fixed_run
    log = results[0].log
    order = np.lexsort((log["end"], log["patient"]))
    pid, arr, end, dur = (log[k][order] for k in ("patient", "arrival", "end", "duration"))
    outcome = log["outcome"][order]
    first = np.r_[0, np.flatnonzero(np.diff(pid)) + 1]
    last = np.r_[first[1:] - 1, len(pid) - 1]
    sums = np.add.reduceat(np.nan_to_num(dur, nan=np.inf), first)
    done = (outcome[last] != "ongoing") & (arr[first] > 0)  # journeys begun and finished
    assert done.sum() > 10_000
    np.testing.assert_allclose(end[last][done] - arr[first][done], sums[done], rtol=0, atol=1e-9)


def test_no_one_waits_for_a_resource(fixed_run):
    """Non-binding capacities: every episode starts when it is asked for (waits for a pathway
    are assessment, recorded as their own episodes)."""
    _, results, _ = fixed_run
    log = results[0].log
    resource = ~np.char.startswith(log["service"].astype(str), "await")
    np.testing.assert_allclose(log["start"][resource], log["arrival"][resource], rtol=0, atol=1e-9)


def test_fixed_durations_are_the_configured_means(fixed_run):
    """Stays, ED times and community episodes take exactly their configured means."""
    ds, results, inputs = fixed_run
    log, place = results[0].log, inputs[0].place
    new = log["arrival"] > 0
    stays = (
        new & (log["service"] == "acute_beds") & ~np.isin(log["outcome"], ["step_down", "ongoing"])
    )
    los = place.los_days[log["cohort"][stays]]
    np.testing.assert_allclose(log["duration"][stays], los, rtol=1e-12)
    ed_home = (log["service"] == "ed") & (log["outcome"] == "home")
    walked_in = ed_home & (log["duration"] < 0.13)  # not conveyed (no handover in the episode)
    np.testing.assert_allclose(log["duration"][walked_in], 3.0 / 24, rtol=1e-12)
    vw = new & (log["service"] == "virtual_ward") & (log["outcome"] != "ongoing")
    np.testing.assert_allclose(log["duration"][vw], place.cfg.virtual_ward.mean_days, rtol=1e-12)
