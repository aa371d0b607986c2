"""Size limits: refuse a run that would not fit in memory or time, before allocating anything.

The stock-flow engine holds, per run, arrays of ``draws x steps`` (inputs per step, the recorded
results). Measured as the peak RSS (``resource.getrusage``) of ``simulate`` on the
built-in place, one run, after composing (4 December 2026, after the block kernel and the care-home
market; a machine under load):

=====  =======  ======  ==================
draws  horizon  record  peak RSS over base
=====  =======  ======  ==================
400    2 y      365 d   155 MiB
400    2 y      7 d     232 MiB
400    4 y      7 d     413 MiB
=====  =======  ======  ==================

So a draw-step costs about 370 bytes plus about 1,970 bytes per recorded step (records every
``record_every_days`` steps: 245 report cells of 8 bytes), over a fixed ~50 MiB.
:data:`BYTES_PER_DRAW_STEP` and :data:`BYTES_PER_RECORDED` round these up (x1.5 for safety),
and :data:`FIXED_BYTES` doubles the fixed part. The main job keeps every run in memory (the
baseline, each option, and a plan run), so the estimate is multiplied by the runs.
The patient-level engine runs one replication-year in tens of seconds; it is limited by
replication-years instead.
"""

from __future__ import annotations

import os

from sim.config.errors import ConfigError
from sim.config.schema import Config

BYTES_PER_DRAW_STEP = 560  # measured ~370 (see above), x1.5
BYTES_PER_RECORDED = 3_000  # measured ~1,970 per recorded draw-step, x1.5
FIXED_BYTES = 100 * 2**20  # measured ~50 MiB per run, x2
MAX_DRAWS = 100_000  # Latin hypercube rows; beyond this a sweep is the tool
MAX_REPLICATION_YEARS = 2_000  # patient engine: replications x draws x years (hours of work)
MEMORY_SHARE = 0.5  # of physical memory one job may plan to use


def physical_memory() -> int:
    """Bytes of physical memory (4 GiB when the system does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 4 * 2**30


def estimate_bytes(cfg: Config, runs: int) -> float:
    """Peak memory of ``runs`` stock-flow runs of ``cfg`` held at once, bytes."""
    run = cfg.run
    steps = run.horizon_years * 365.25 / run.step_days
    draw_steps = run.draws * steps
    recorded = draw_steps / run.record_every_days
    return runs * (FIXED_BYTES + draw_steps * BYTES_PER_DRAW_STEP + recorded * BYTES_PER_RECORDED)


def check_size(cfg: Config) -> None:
    """Refuse a run too big for this machine's memory, or for hours of patient-level work."""
    run = cfg.run
    if run.draws > MAX_DRAWS:
        raise ConfigError(
            f"run.draws = {run.draws}: must be <= {MAX_DRAWS} (use a sweep for more variants)"
        )
    if run.engine == "patient":
        work = run.patient.replications * run.draws * run.horizon_years
        if work > MAX_REPLICATION_YEARS:
            raise ConfigError(
                f"run.patient.replications x run.draws x run.horizon_years = "
                f"{run.patient.replications} x {run.draws} x {run.horizon_years:g} = {work:g} "
                f"replication-years: must be <= {MAX_REPLICATION_YEARS} (hours of work)"
            )
        return
    runs = len(cfg.appraisal.options) + 2  # baseline, options, a plan run in flight
    need = estimate_bytes(cfg, runs)
    budget = MEMORY_SHARE * physical_memory()
    if need > budget:
        raise ConfigError(
            f"run.draws x run.horizon_years = {run.draws} x {run.horizon_years:g} years "
            f"(step {run.step_days:g} d, recorded every {run.record_every_days} d, {runs} runs) "
            f"needs about {need / 2**30:.1f} GiB; allowed up to {budget / 2**30:.1f} GiB (half "
            f"this machine's memory): fewer draws, a shorter horizon or a longer record period"
        )


def results_bytes(cfg: Config) -> float:
    """Upper estimate of the files of a run folder, bytes: every run's recorded results
    (~1,900 bytes a recorded draw-step in memory, measured as ``Dataset.nbytes``; the NetCDF
    files are compressed, so this over-states them).
    """
    run = cfg.run
    recorded = run.draws * run.horizon_years * 365.25 / run.step_days / run.record_every_days
    return (len(cfg.appraisal.options) + 1) * recorded * 1_900
