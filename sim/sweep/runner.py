"""Run a sweep: plan and check it, open (or resume) its folder, run the chunks left.

``run_sweep(overrides)`` composes the configuration exactly as ``python -m sim`` does (the
``sweep`` group says what to vary and how to run it), checks everything before any work, then
runs each unfinished chunk with the chosen executor behind a progress bar. A failed variant
is recorded (``error`` in its chunk, and ``errors.txt``) while the others complete.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from sim.config.schema import Config
from sim.jobs.load import load_config
from sim.results.io import run_directory
from sim.sweep.batch import ChunkTask
from sim.sweep.execute import ChunkReport, execute, progress_bar
from sim.sweep.plan import SweepSpec, describe, plan_sweep
from sim.sweep.store import open_folder, write_errors

log = logging.getLogger(__name__)


def sweep_config(overrides: list[str] | None = None) -> Config:
    """Compose and validate the configuration with its ``sweep`` group (as the CLI does)."""
    return load_config(list(overrides or []))


def run_sweep(overrides: list[str] | None = None, *, cfg: Config | None = None) -> Path:
    """Run (or resume) the sweep the overrides describe; returns its folder."""
    return run_sweep_counted(overrides, cfg=cfg)[0]


def run_sweep_counted(
    overrides: list[str] | None = None, *, cfg: Config | None = None
) -> tuple[Path, int]:
    """:func:`run_sweep`, also returning the number of failed variants."""
    overrides = list(overrides or [])
    cfg = cfg if cfg is not None else sweep_config(overrides)
    plan = plan_sweep(cfg, overrides)
    folder = run_directory(Path(cfg.sweep.output_dir), cfg.sweep.name)
    todo = open_folder(folder, plan)
    log.info("sweep %s -> %s (%d chunk(s) to run)", describe(plan), folder, len(todo))
    return folder, run_plan(plan, folder, todo)


def tasks_for(plan: SweepSpec, todo: list[int], mode: str = "batch") -> Iterator[ChunkTask]:
    """One picklable task per chunk, with only the bases its variants use."""
    s = plan.sweep
    threads = None if s.executor == "sequential" else s.threads_per_worker
    for index in todo:
        ids = plan.chunk_variants(index)
        combos = tuple(plan.combos[i] for i in ids)
        twin_combos = tuple(plan.twin_combos[i] for i in ids) if plan.twin_combos else ()
        used = dict.fromkeys((*combos, *twin_combos))
        yield ChunkTask(
            index=index,
            variant_ids=tuple(ids),
            keys=plan.value_keys,
            rows=tuple(plan.value_rows[i] for i in ids),
            combos=combos,
            bases={c: plan.bases[c] for c in used},
            outputs=plan.outputs,
            sum_dims=plan.sum_dims,
            threads=threads,
            group_keys=plan.group_keys,
            mode=mode,
            twin_combos=twin_combos,
            twin_rows=tuple(plan.twin_rows[i] for i in ids) if plan.twin_rows else (),
        )


def run_plan(
    plan: SweepSpec, folder: Path, todo: list[int], tasks: Iterable[ChunkTask] | None = None
) -> int:
    """Run the chunks ``todo``; returns the number of failed variants in the whole sweep."""
    s = plan.sweep
    total = len(plan.design)
    left = sum(len(plan.chunk_variants(i)) for i in todo)
    start = time.perf_counter()
    counted: dict[int, int] = {}  # chunk index -> variants already on the bar
    with progress_bar(total, total - left, s.progress) as bar:

        def on_progress(index: int, done: int) -> None:
            step = done - counted.get(index, 0)
            if step > 0:
                counted[index] = done
                bar.update(step)

        def on_done(report: ChunkReport) -> None:
            on_progress(report.index, report.n_variants)
            for vid, err in report.errors.items():
                log.warning("variant %d failed: %s", vid, err)

        execute(
            tasks if tasks is not None else tasks_for(plan, todo),
            folder,
            executor=s.executor,
            workers=s.workers,
            scheduler=s.scheduler,
            on_done=on_done,
            on_progress=on_progress,
        )
    failed = write_errors(folder)
    log.info(
        "sweep finished in %.1f s; %d of %d variant(s) failed",
        time.perf_counter() - start,
        failed,
        total,
    )
    return failed
