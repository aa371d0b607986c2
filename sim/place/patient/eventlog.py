"""The per-episode event log on disk: one row per episode, written atomically as CSV.gz.

Columns: ``draw, replication, patient, cohort, service, arrival, start, end, outcome,
duration`` with times in days from the start date (``arrival`` is when the patient asked for
the service, ``start`` when they got it, ``end`` when they left; ``duration`` is the sampled
time of the episode itself). Parquet is not a dependency; gzip-compressed CSV is read by
``pandas.read_csv`` and any spreadsheet tool. The file is written to a temporary name in the
same folder and renamed into place, so no half-written log is ever left.
"""

from __future__ import annotations

import csv
import gzip
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sim.engines.des.monitors import EPISODE_COLUMNS
from sim.place.cohorts import Place
from sim.place.patient.engine import ReplicationResult

HEADER = ("draw", "replication", *EPISODE_COLUMNS)


def write_event_log(results: Sequence[ReplicationResult], place: Place, path: str | Path) -> Path:
    """Write every replication's episodes to ``path`` (CSV, gzip-compressed); returns it."""
    path = Path(path)
    labels = [c.label for c in place.cohorts]
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(fd)
    try:
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
                    [r.draw] * n, [r.replication] * n, cols["patient"].tolist(), cohort,
                    cols["service"].tolist(), _round(cols["arrival"]), _round(cols["start"]),
                    _round(cols["end"]), cols["outcome"].tolist(), _round(cols["duration"]),
                    strict=True,
                )  # fmt: skip
                w.writerows(rows)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _round(values) -> list[str]:
    return [repr(v) for v in values.tolist()]
