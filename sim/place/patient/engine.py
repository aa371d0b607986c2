"""Run the patient-level engine: replications (in parallel if asked) -> one results Dataset.

Lifecycle, explicit: **build** the inputs of each parameter draw from the declaration
(:func:`~sim.place.patient.inputs.prepare_inputs`), **init** one
:class:`~sim.place.patient.processes.PlaceSim` per replication (warm start, pre-sampled
arrivals), **run** it to the horizon, **collect** its monitors into the results schema
(:mod:`sim.place.patient.dataset`). A replication's numbers depend only on the inputs, the
seed and the replication number, so running them in one process or several gives identical
results.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from sim.place.patient.inputs import PlaceInputs
from sim.place.patient.processes import BY_DAY, BY_QUINTILE, PlaceSim

log = logging.getLogger(__name__)

QUANTILES = (0.5, 0.9, 0.95, 0.99)
TALLIES = (
    "handover_delay_minutes",
    "ed_hours",
    "crew_wait_minutes",
    "discharge_wait_days_P1",
    "discharge_wait_days_P2",
    "discharge_wait_days_P3",
)


@dataclass
class ReplicationResult:
    """What one replication returns: daily counts, level readings, tally summaries, the log."""

    draw: int
    replication: int
    counts: dict[str, np.ndarray]
    area: dict[str, np.ndarray]
    census: dict[str, np.ndarray]
    capacity: dict[str, np.ndarray]
    tallies: dict[str, np.ndarray]  # name -> [mean, p50, p90, p95, p99, n]
    people_initial: float
    log: dict[str, np.ndarray] | None
    events: int  # SimPy events scheduled
    seconds: float
    streams: list[str]


def run_replication(
    inputs: PlaceInputs, seed: int, replication: int, keep_log: bool = False
) -> ReplicationResult:
    """Build, warm-start and run one replication of the place; collect its monitors."""
    start = time.perf_counter()
    sim = PlaceSim(inputs, seed, replication, keep_log=keep_log)
    rec = sim.run()
    counts = {name: rec.counts(name) for name in (*BY_QUINTILE, *BY_DAY)}
    tallies = {}
    for name in TALLIES:
        values = np.asarray(rec.tallies.get(name, []), dtype=float)
        if len(values):
            tallies[name] = np.array([values.mean(), *np.quantile(values, QUANTILES), len(values)])
        else:
            tallies[name] = np.array([np.nan] * (1 + len(QUANTILES)) + [0.0])
    return ReplicationResult(
        draw=inputs.draw,
        replication=replication,
        counts=counts,
        area=rec.area,
        census=rec.census,
        capacity=rec.capacity,
        tallies=tallies,
        people_initial=float(sim.people_initial),
        log=rec.log_arrays() if keep_log else None,
        events=int(next(sim.env._eid)),  # noqa: SLF001 - SimPy's count of scheduled events
        seconds=time.perf_counter() - start,
        streams=sim.streams.names,
    )


def _job(args: tuple) -> ReplicationResult:
    return run_replication(*args)


def run_all(
    inputs: list[PlaceInputs],
    seed: int,
    replications: int,
    workers: int = 1,
    keep_log: bool = False,
) -> list[ReplicationResult]:
    """Every (draw, replication), in that order; in ``workers`` processes when > 1."""
    jobs = [(inp, seed, r, keep_log) for inp in inputs for r in range(replications)]
    if workers <= 1 or len(jobs) == 1:
        return [_job(j) for j in jobs]
    # fork: workers inherit the prepared inputs and need no re-import of the caller's script
    # (they run no Numba code, so the parent's Numba threads do not matter); spawn elsewhere.
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=ctx) as pool:
        return list(pool.map(_job, jobs))
