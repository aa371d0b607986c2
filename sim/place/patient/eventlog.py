"""The per-episode event log on disk, written atomically as CSV.gz, in one of two shapes.

- ``episodes`` (one row per episode): ``draw, replication, patient, cohort, service, arrival,
  start, end, outcome, duration`` with times in days from the start date (``arrival`` is when
  the patient asked for the service, ``start`` when they got it, ``end`` when they left;
  ``duration`` is the sampled time of the episode itself). An episode still open at the
  horizon has outcome ``ongoing`` and ends at the horizon (``start`` is empty if the patient
  was still waiting). Contacts that start no journey (hear-and-treat 999 calls, GP
  appointments, NHS 111 calls, other A&E types) are counted in the results, not logged.
- ``process_mining`` (one row per event, the shape pm4py and bupaR read): ``case_id`` (one
  journey: ``draw-replication-patient``), ``activity`` (the service), ``timestamp`` (ISO date
  and time), ``lifecycle`` (``start`` when the service began, ``complete`` when it ended: the
  XES lifecycle extension's standard transitions), ``activity_instance`` (the episode, to pair
  a start with its complete), ``outcome``, ``cohort``, ``draw``, ``replication``. An episode
  open at the horizon has a ``start`` and no ``complete``; one still waiting has neither.
  For pm4py: ``pm4py.format_dataframe(df, case_id="case_id", activity_key="activity",
  timestamp_key="timestamp")``; for bupaR: ``eventlog(df, case_id = "case_id", activity_id =
  "activity", activity_instance_id = "activity_instance", lifecycle_id = "lifecycle",
  timestamp = "timestamp", resource_id = "cohort")`` after parsing ``timestamp``.

Parquet is not a dependency; gzip-compressed CSV is read by ``pandas.read_csv``, R and any
spreadsheet tool. The file is written to a temporary name in the same folder and renamed into
place, so no half-written log is ever left.
"""

from __future__ import annotations

import csv
import gzip
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sim.engines.des.monitors import EPISODE_COLUMNS
from sim.place.cohorts import Place
from sim.place.patient.engine import ReplicationResult

HEADER = ("draw", "replication", *EPISODE_COLUMNS)
FORMATS = ("episodes", "process_mining")
PM_COLUMNS = (
    "case_id",
    "activity",
    "timestamp",
    "lifecycle",
    "activity_instance",
    "outcome",
    "cohort",
    "draw",
    "replication",
)
"""Columns of the process-mining shape, in order."""


def write_event_log(
    results: Sequence[ReplicationResult],
    place: Place,
    path: str | Path,
    fmt: str = "episodes",
    start_date: str = "2025-04-01",
) -> Path:
    """Write every replication's episodes to ``path`` (CSV, gzip-compressed); returns it.

    Args:
        results: replications run with the log kept.
        place: the place (for cohort labels).
        path: the file to write (``.csv.gz``).
        fmt: ``episodes`` (one row per episode) or ``process_mining`` (one row per event).
        start_date: the run's start date (ISO), the origin of the process-mining timestamps.
    """
    if fmt not in FORMATS:
        raise ValueError(f"event log format {fmt!r}: allowed {', '.join(FORMATS)}")
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(fd)
    try:
        if fmt == "episodes":
            _write_episodes(results, place, tmp)
        else:
            frame = process_mining_frame(results, place, start_date)
            frame.to_csv(
                tmp,
                index=False,
                compression={"method": "gzip", "compresslevel": 3},
                date_format="%Y-%m-%dT%H:%M:%S.%f",
            )
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _write_episodes(results: Sequence[ReplicationResult], place: Place, tmp: str) -> None:
    labels = [c.label for c in place.cohorts]
    with gzip.open(tmp, "wt", newline="", compresslevel=3) as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for r in results:
            if not r.log:
                continue
            cols = r.log
            n = len(cols["patient"])
            cohort = [labels[c] for c in cols["cohort"].tolist()]
            rows = zip(
                [r.draw] * n,
                [r.replication] * n,
                cols["patient"].tolist(),
                cohort,
                cols["service"].tolist(),
                _round(cols["arrival"]),
                _round(cols["start"]),
                _round(cols["end"]),
                cols["outcome"].tolist(),
                _round(cols["duration"]),
                strict=True,
            )
            w.writerows(rows)


def process_mining_frame(
    results: Sequence[ReplicationResult], place: Place, start_date: str
) -> pd.DataFrame:
    """The episode logs as a standard process-mining event log (see the module docstring).

    One ``start`` event per episode that began (``start`` finite) and one ``complete`` event
    per episode that ended before the horizon; sorted by case, then time, starts before
    completes at the same moment. Timestamps are ``datetime64[ns]`` from ``start_date``.
    """
    labels = np.asarray([c.label for c in place.cohorts], dtype=object)
    origin = np.datetime64(start_date, "ns")
    parts = []
    for r in results:
        if not r.log:
            continue
        log = r.log
        n = len(log["patient"])
        episode = np.arange(n)
        began = np.isfinite(log["start"])
        ended = log["outcome"] != "ongoing"
        for life, keep, time in (("start", began, log["start"]), ("complete", ended, log["end"])):
            case = [f"{r.draw}-{r.replication}-{p}" for p in log["patient"][keep].tolist()]
            parts.append(
                pd.DataFrame(
                    {
                        "case_id": case,
                        "activity": log["service"][keep].astype(str),
                        "timestamp": origin
                        + np.round(time[keep] * 86400e9).astype("timedelta64[ns]"),
                        "lifecycle": life,
                        "activity_instance": [
                            f"{r.draw}-{r.replication}-e{k}" for k in episode[keep].tolist()
                        ],
                        "outcome": np.where(life == "start", "", log["outcome"][keep].astype(str)),
                        "cohort": labels[log["cohort"][keep]],
                        "draw": np.full(int(keep.sum()), r.draw, dtype=np.int64),
                        "replication": np.full(int(keep.sum()), r.replication, dtype=np.int64),
                        "_order": (0 if life == "start" else 1),
                    }
                )
            )
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _PM_TYPES.items()})
    df = pd.concat(parts, ignore_index=True)
    df = df.sort_values(["draw", "replication", "case_id", "timestamp", "_order"], kind="stable")
    df = df.drop(columns="_order").reset_index(drop=True)
    for name in ("case_id", "activity", "lifecycle", "activity_instance", "outcome", "cohort"):
        df[name] = df[name].astype(str)
    return df[list(PM_COLUMNS)]


_PM_TYPES = {
    "case_id": str,
    "activity": str,
    "timestamp": "datetime64[ns]",
    "lifecycle": str,
    "activity_instance": str,
    "outcome": str,
    "cohort": str,
    "draw": np.int64,
    "replication": np.int64,
}


def _round(values) -> list[str]:
    return [repr(v) for v in values.tolist()]
