"""What the patient-level engine records: daily counts, time-weighted levels, tallies and an
optional per-episode log, kept outside the process code (processes call one method each).

- **counts** per day and quintile (admissions, conveyances, ...) or per day only;
- **levels** (:class:`~sim.engines.des.resources.Level` and ``Pool``) are read at every
  midnight: the patient-days of the day just ended (time-weighted mean occupancy) and the
  census at midnight;
- **tallies**: one value per patient (handover delay, time in ED, days waiting for discharge),
  summarised as percentiles;
- the **episode log**: one row per episode (patient, cohort, service, arrival, start, end,
  outcome, sampled duration), kept only when asked for; complete at the horizon (an episode
  still open then has a row with outcome ``ongoing``, ``end`` at the horizon and, if the
  patient was still waiting, ``start`` NaN).
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence

import numpy as np

from sim.engines.des.resources import Level, Pool

EPISODE_COLUMNS = ("patient", "cohort", "service", "arrival", "start", "end", "outcome", "duration")
"""Columns of the episode log; times in days from the start date."""


class Recorder:
    """Counters, level readings, tallies and the episode log of one replication."""

    def __init__(
        self,
        n_days: int,
        n_quintiles: int,
        by_quintile: Sequence[str],
        by_day: Sequence[str],
        levels: dict[str, Level],
        keep_log: bool,
    ) -> None:
        self.n_days = n_days
        self.nq = n_quintiles
        size = (n_days + 1) * n_quintiles
        self.by_q = {name: [0] * size for name in by_quintile}
        self.by_day = {name: [0.0] * (n_days + 1) for name in by_day}
        self.levels = levels
        self.area = {name: np.zeros(n_days) for name in levels}
        self.census = {name: np.zeros(n_days) for name in levels}
        self.capacity = {
            name: np.zeros(n_days) for name, lv in levels.items() if isinstance(lv, Pool)
        }
        self.tallies: dict[str, list[float]] = {}
        self.log: EpisodeLog | None = EpisodeLog() if keep_log else None

    def read_day(self, day: int) -> None:
        """At midnight ending ``day``: patient-days, censuses and capacity of every level."""
        for name, lv in self.levels.items():
            self.area[name][day] = lv.read_area()
            self.census[name][day] = lv.value
            if isinstance(lv, Pool):
                self.capacity[name][day] = lv.read_capacity_area()

    def tally(self, name: str, value: float) -> None:
        """One patient's value of a distribution (e.g. handover delay, minutes)."""
        values = self.tallies.get(name)
        if values is None:
            values = self.tallies[name] = []
        values.append(value)

    def values(self, name: str) -> list[float]:
        """The list :meth:`tally` appends ``name``'s values to (created empty if need be), for
        process code that appends to it directly.
        """
        values = self.tallies.get(name)
        if values is None:
            values = self.tallies[name] = []
        return values

    def episode(
        self,
        patient: int,
        cohort: int,
        service: str,
        arrival: float,
        start: float,
        end: float,
        outcome: str,
        duration: float,
    ) -> None:
        """One row of the episode log (ignored unless the log is kept)."""
        if self.log is not None:
            log = self.log
            log.end(log.begin(patient, cohort, service, arrival, start), end, outcome, duration)

    def begin(
        self, patient: int, cohort: int, service: str, arrival: float, start: float = math.nan
    ) -> int:
        """Open an episode in a service; its row is written when it ends (or, if it is still
        open at the horizon, by :meth:`finish` with outcome ``ongoing``). ``start`` is NaN
        while the patient still waits for the service (see :meth:`start`).
        """
        if self.log is None:
            return -1
        return self.log.begin(patient, cohort, service, arrival, start)

    def start(self, token: int, start: float) -> None:
        """The patient of an open episode gets the service (a crew, a cubicle) at ``start``."""
        if self.log is not None:
            self.log.start[token] = start

    def end(self, token: int, end: float, outcome: str, duration: float) -> None:
        """Close an episode opened with :meth:`begin`."""
        if self.log is not None:
            self.log.end(token, end, outcome, duration)

    def finish(self, horizon: float) -> None:
        """Write the episodes still open at the horizon (outcome ``ongoing``)."""
        if self.log is not None:
            self.log.finish(horizon)

    def counts(self, name: str) -> np.ndarray:
        """Daily counts, ``(n_days, n_quintiles)`` or ``(n_days,)``."""
        if name in self.by_q:
            return np.asarray(self.by_q[name], dtype=float).reshape(-1, self.nq)[: self.n_days]
        return np.asarray(self.by_day[name], dtype=float)[: self.n_days]

    def log_arrays(self) -> dict[str, np.ndarray]:
        """The episode log as columns (empty arrays when no log was kept)."""
        return (self.log or EpisodeLog()).arrays()


class EpisodeLog:
    """The episode log as growing columns of raw numbers (``array``), one entry per episode.

    An episode takes its row when it begins (its token is the row number) and fills in its
    end, outcome and duration when it ends; the rows are returned in the order episodes
    ended, then those still open at the horizon in the order they began. Columns of machine
    numbers rather than a tuple of Python objects per row: about half the time of a run that
    keeps the log, and a fraction of its memory.
    """

    def __init__(self) -> None:
        self.patient = array("q")
        self.cohort = array("q")
        self.service: list[str] = []
        self.arrival = array("d")
        self.start = array("d")  # NaN while the patient waits for the service
        self.end_time = array("d")
        self.outcome: list[str] = []
        self.duration = array("d")
        self.closed = array("q")  # the order in which episodes ended; -1 while open
        self.n_closed = 0

    def begin(self, patient: int, cohort: int, service: str, arrival: float, start: float) -> int:
        """A new open episode; its token (row number)."""
        token = len(self.closed)
        self.patient.append(patient)
        self.cohort.append(cohort)
        self.service.append(service)
        self.arrival.append(arrival)
        self.start.append(start)
        self.end_time.append(math.nan)
        self.outcome.append("ongoing")
        self.duration.append(math.nan)
        self.closed.append(-1)
        return token

    def end(self, token: int, end: float, outcome: str, duration: float) -> None:
        """Close episode ``token`` at time ``end``."""
        self.end_time[token] = end
        self.outcome[token] = outcome
        self.duration[token] = duration
        self.closed[token] = self.n_closed
        self.n_closed += 1

    def finish(self, horizon: float) -> None:
        """Episodes still open end at the horizon (outcome ``ongoing``, duration NaN)."""
        for token in range(len(self.closed)):
            if self.closed[token] < 0:
                self.end_time[token] = horizon
                self.closed[token] = self.n_closed
                self.n_closed += 1

    def arrays(self) -> dict[str, np.ndarray]:
        """The columns of :data:`EPISODE_COLUMNS`, in the order episodes ended."""
        closed = np.frombuffer(self.closed, dtype=np.int64) if self.closed else np.zeros(0, int)
        order = np.argsort(closed, kind="stable")
        cols = (self.patient, self.cohort, self.service, self.arrival, self.start,
                self.end_time, self.outcome, self.duration)  # fmt: skip
        out = {}
        for name, col in zip(EPISODE_COLUMNS, cols, strict=True):
            if isinstance(col, list):
                values = np.empty(len(col), dtype=object)
                values[:] = col
            else:
                kind = np.int64 if col.typecode == "q" else np.float64
                values = np.frombuffer(col, dtype=kind) if len(col) else np.zeros(0, kind)
            out[name] = values[order]
        return out
