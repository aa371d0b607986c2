"""Where chunks run: in this process, in local worker processes, or on a Dask cluster.

All three run the same function, :func:`run_and_write`, on the same :class:`ChunkTask`: the
worker runs the chunk's variants and writes its file atomically, and only a short report
comes back, so the coordinating process holds no results and its memory stays flat however
many variants there are. At most ``2 x workers`` chunks are in flight at a time.

- ``sequential``: one chunk after another here (Numba uses every core for the batch);
- ``processes``: a pool of ``workers`` spawned processes, each with ``threads_per_worker``
  Numba threads;
- ``dask``: ``dask.distributed`` on the scheduler at ``sweep.scheduler`` (workers must see
  the sweep folder, e.g. shared storage), or a ``LocalCluster`` of ``workers`` processes when
  no address is given.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from sim.sweep.batch import ChunkTask, timed_chunk
from sim.sweep.store import write_chunk

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChunkReport:
    """What a worker reports back: the chunk, its variants, failures and seconds."""

    index: int
    n_variants: int
    errors: dict[int, str]
    seconds: float


def progress_path(folder: Path, index: int) -> Path:
    """Where a worker notes how many of chunk ``index``'s variants have finished."""
    return Path(folder) / "chunks" / f".progress-{index:05d}"


class FileProgress:
    """A worker's per-variant progress, written to a small file the coordinator polls
    (works for local processes and for Dask workers that share the sweep folder).
    """

    def __init__(self, folder: str, index: int) -> None:
        self.path = progress_path(Path(folder), index)

    def __call__(self, done: int) -> None:
        """Note that ``done`` variants of the chunk have finished."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(str(done))
        tmp.replace(self.path)


def read_progress(folder: Path, index: int) -> int:
    """Variants of chunk ``index`` finished so far (0 when nothing is noted)."""
    try:
        return int(progress_path(folder, index).read_text() or 0)
    except (OSError, ValueError):
        return 0


def run_and_write(task: ChunkTask, folder: str, on_variant=None) -> ChunkReport:
    """Run a chunk and write its file atomically (in whichever process runs it); progress
    per variant goes to ``on_variant`` (default: the chunk's progress file).
    """
    note = on_variant or FileProgress(folder, task.index)
    ds, errors, seconds = timed_chunk(task, note)
    write_chunk(Path(folder), task.index, ds)
    progress_path(Path(folder), task.index).unlink(missing_ok=True)
    return ChunkReport(task.index, len(task.variant_ids), errors, seconds)


def execute(
    tasks: Iterable[ChunkTask],
    folder: Path,
    *,
    executor: str,
    workers: int,
    scheduler: str | None,
    on_done: Callable[[ChunkReport], None],
    on_progress: Callable[[int, int], None] | None = None,
) -> None:
    """Run every task with the chosen executor, calling ``on_done`` as each chunk finishes
    and ``on_progress(chunk index, variants finished)`` as its variants finish.
    """
    tell = on_progress or (lambda index, done: None)
    if executor == "sequential":
        for task in tasks:
            on_done(run_and_write(task, str(folder), lambda d, i=task.index: tell(i, d)))
    elif executor == "processes":
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=follow_parent, initargs=(os.getpid(),)
        ) as pool:
            _bounded(
                lambda t: pool.submit(run_and_write, t, str(folder)),
                tasks,
                workers,
                on_done,
                lambda fs: wait(fs, timeout=POLL_S, return_when=FIRST_COMPLETED).done,
                lambda: _poll(folder, tell),
            )
    elif executor == "dask":
        _run_dask(tasks, folder, workers, scheduler, on_done, lambda: _poll(folder, tell))
    else:
        raise ValueError(f"unknown executor {executor!r}")


PARENT_POLL_SECONDS = 0.5


def follow_parent(parent: int) -> None:
    """Worker initialiser: the worker exits when its coordinator dies (even by SIGKILL).

    A daemon thread polls ``os.getppid()``: once the coordinator is gone the worker is
    re-parented (to init or a subreaper) and exits at once, abandoning its chunk (whose file
    is written atomically, so nothing partial remains; the next run redoes it). Polling is
    used rather than Linux's ``PR_SET_PDEATHSIG``, which fires when the *thread* that started
    the worker ends, not the process, and exists on Linux only.
    """
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(
        target=_watch_parent, args=(parent,), daemon=True, name="follow-parent"
    ).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


POLL_S = 0.5  # seconds between looks at the workers' progress files


def _poll(folder: Path, tell: Callable[[int, int], None]) -> None:
    """Tell the progress noted in every in-flight chunk's progress file."""
    for path in (Path(folder) / "chunks").glob(".progress-*[0-9]"):
        index = int(path.name.rsplit("-", 1)[1])
        tell(index, read_progress(folder, index))


def _bounded(submit, tasks, workers, on_done, wait_some, poll=lambda: None) -> None:
    """Keep at most ``2 x workers`` tasks in flight; report each as it completes and the
    progress of the others between waits.
    """
    pending = set()
    it: Iterator[ChunkTask] = iter(tasks)
    exhausted = False
    while True:
        while not exhausted and len(pending) < 2 * workers:
            task = next(it, None)
            if task is None:
                exhausted = True
                break
            pending.add(submit(task))
        if not pending:
            return
        for fut in wait_some(pending):
            pending.discard(fut)
            on_done(fut.result())
        poll()


def _run_dask(tasks, folder: Path, workers: int, scheduler: str | None, on_done, poll) -> None:
    from dask.distributed import Client, LocalCluster, wait  # optional at import time

    cluster = None
    if scheduler:
        client = Client(scheduler, timeout="10s")
    else:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    try:

        def submit(task: ChunkTask):
            return client.submit(run_and_write, task, str(folder), pure=False)

        def wait_some(pending):
            try:
                return wait(list(pending), timeout=POLL_S, return_when="FIRST_COMPLETED").done
            except TimeoutError:
                return []

        _bounded(submit, tasks, workers, on_done, wait_some, poll)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def progress_bar(
    total: int, initial: int, enabled: bool, desc: str = "sweep", unit: str = "variant"
):
    """A tqdm bar over variants on stderr (a no-op when disabled)."""
    from tqdm import tqdm

    return tqdm(
        total=total,
        initial=initial,
        unit=unit,
        disable=not enabled,
        file=sys.stderr,
        desc=desc,
        dynamic_ncols=True,
    )
