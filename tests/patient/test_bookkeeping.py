"""Every count of the Dataset has its episodes in the event log, and every 999 incident ends
in exactly one outcome, whatever the urgent community response (UCR) capacity.

30 days of the default place with the episode log, at UCR capacities from 1 (almost every
referral finds it full and is conveyed instead) to ample. The log is complete at the horizon:
episodes still open have a row with outcome ``ongoing``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.place.patient.eventlog import PM_COLUMNS, process_mining_frame, write_event_log

from .helpers import run_patient

pytestmark = pytest.mark.xdist_group("bookkeeping")  # fixtures made once

MONTH = ["run.horizon_years=0.082"]  # 30 days


@pytest.fixture(scope="module", params=[1, 20, 10_000], ids=lambda c: f"ucr={c}")
def month(request):
    return run_patient(MONTH + [f"place.ucr.capacity={request.param}"], keep_log=True)


def total(ds, name: str) -> int:
    return int(round(float(ds[name].isel(draw=0).sum())))


def rows(log, service: str, outcome: str | None = None, new: bool = False) -> int:
    keep = log["service"] == service
    if outcome is not None:
        keep &= log["outcome"] == outcome
    if new:  # begun in the run, not a warm-start episode (those begin at time 0)
        keep &= log["arrival"] > 0
    return int(keep.sum())


def test_incidents_end_in_exactly_one_outcome(month):
    """hear-and-treat + see-and-treat + conveyed + incidents open at the horizon = incidents
    (an incident referred to a full UCR is conveyed, not also see-and-treat)."""
    ds, results, _ = month
    log = results[0].log
    open_ = rows(log, "ambulance", "ongoing")
    outcomes = total(ds, "hear_and_treat") + total(ds, "see_and_treat") + total(ds, "conveyances")
    assert outcomes + open_ == total(ds, "ambulance_incidents")
    assert total(ds, "ambulance_incidents") > 5_000 and 0 < open_ < 200


def test_ucr_referrals_are_see_and_treat_or_conveyed(month):
    """Referrals a UCR takes are see-and-treat; at capacity 1 most are conveyed instead."""
    ds, results, _ = month
    log = results[0].log
    assert rows(log, "ambulance", "ucr") == total(ds, "ucr_starts")
    assert rows(log, "ambulance", "home") + rows(log, "ambulance", "ucr") == total(
        ds, "see_and_treat"
    )


def test_event_log_counts_equal_the_dataset(month):
    """Each count of the Dataset, recounted from the episodes of the log."""
    ds, results, _ = month
    log = results[0].log
    assert rows(log, "ambulance") == total(ds, "ambulance_incidents") - total(ds, "hear_and_treat")
    assert rows(log, "ambulance", "conveyed") == total(ds, "conveyances")
    assert rows(log, "ed") == total(ds, "ed_type1_attendances")
    assert rows(log, "ed", "admit") == total(ds, "ed_admissions")
    # An admission is same-day, boards (waits for a bed) or takes a free bed at once.
    at_once = (log["service"] == "acute_beds") & (log["arrival"] > 0)
    at_once &= log["start"] == log["arrival"]
    admitted = rows(log, "same_day") + rows(log, "boarding", new=True) + int(at_once.sum())
    assert admitted == total(ds, "emergency_admissions")
    assert rows(log, "boarding", "sent_home") == total(ds, "boarders_sent_home")
    discharges = ds["discharges"].isel(draw=0).sum(["time", "quintile"])
    for k in range(4):
        step_down = rows(log, "acute_beds", "step_down") if k == 0 else 0
        assert rows(log, "acute_beds", f"P{k}") + step_down == int(discharges.sel(pathway=f"P{k}"))
    assert rows(log, "acute_beds", "step_down") == total(ds, "vw_step_down")
    deaths = rows(log, "acute_beds", "death") + sum(
        rows(log, f"await_p{k}", "death") for k in (1, 2, 3)
    )
    assert deaths == total(ds, "hospital_deaths")
    assert rows(log, "follow_up", "home") == total(ds, "at_home_91d")
    assert rows(log, "follow_up", "readmitted") == total(ds, "readmissions")


def test_every_person_in_services_at_the_horizon_has_an_open_episode(month):
    """The log is complete: people in services at the end = people with an episode still open,
    each ending at the horizon."""
    ds, results, _ = month
    log = results[0].log
    ongoing = log["outcome"] == "ongoing"
    people = float(ds["people_in_services"].isel(draw=0, time=-1))
    assert len(np.unique(log["patient"][ongoing])) == int(people)
    assert np.all(log["end"][ongoing] == ds.attrs["n_steps"])


def test_process_mining_shape(month, tmp_path):
    """Case id, activity, timestamp and lifecycle (start/complete) with the right types; one
    start per episode begun, one complete per episode ended; written as CSV.gz and read back."""
    ds, results, inputs = month
    log = results[0].log
    df = process_mining_frame(results, inputs[0].place, ds.attrs["start_date"])
    assert tuple(df.columns) == PM_COLUMNS
    assert df["timestamp"].dtype == "datetime64[ns]"
    assert set(df["lifecycle"]) == {"start", "complete"}
    assert pd.api.types.is_string_dtype(df["case_id"]) and pd.api.types.is_integer_dtype(df["draw"])
    counts = df["lifecycle"].value_counts()
    assert counts["start"] == int(np.isfinite(log["start"]).sum())
    assert counts["complete"] == int((log["outcome"] != "ongoing").sum())
    first = pd.Timestamp(ds.attrs["start_date"])
    assert df["timestamp"].min() >= first
    assert df["timestamp"].max() <= first + pd.Timedelta(days=int(ds.attrs["n_steps"]))
    # each episode: its start no later than its complete
    pair = df.pivot_table(
        index="activity_instance", columns="lifecycle", values="timestamp", aggfunc="first"
    ).dropna()
    assert (pair["start"] <= pair["complete"]).all()
    path = write_event_log(
        results,
        inputs[0].place,
        tmp_path / "events.csv.gz",
        "process_mining",
        ds.attrs["start_date"],
    )
    back = pd.read_csv(path, parse_dates=["timestamp"])
    assert list(back.columns) == list(PM_COLUMNS) and len(back) == len(df)


def test_pm4py_reads_the_process_mining_shape(month):
    """pm4py (optional; AGPL, not a dependency) accepts the frame as an event log."""
    pm4py = pytest.importorskip("pm4py")
    ds, results, inputs = month
    df = process_mining_frame(results, inputs[0].place, ds.attrs["start_date"]).head(5_000)
    out = pm4py.format_dataframe(
        df, case_id="case_id", activity_key="activity", timestamp_key="timestamp"
    )
    assert {"case:concept:name", "concept:name", "time:timestamp"} <= set(out.columns)
    assert out["time:timestamp"].notna().all()
