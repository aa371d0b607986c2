"""Runs off the request thread: each run is a worker process (:mod:`sim.app.worker`).

The app starts a :class:`Job` and returns at once; a reader thread collects the worker's
progress lines, and the page polls :attr:`Job.fraction` and :attr:`Job.state`. The cancel
button sends SIGTERM (the worker removes its claimed folder) and SIGKILL after a grace period
(a stale staging folder is then removed by the next run, as for the command line).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import sim

GRACE_SECONDS = 5.0
STEP = re.compile(r"^\[(\d+)/(\d+)\]")
JOBS: dict[str, Job] = {}  # every job of this server process, by id


@dataclass
class Job:
    """One run in a worker process: its request, progress lines and outcome."""

    id: str
    overrides: list[str]
    option_overrides: dict[str, list[str]]
    process: subprocess.Popen
    lines: list[str] = field(default_factory=list)
    state: str = "running"  # running | done | failed | cancelled
    folder: Path | None = None
    error: str | None = None
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    fraction: float = 0.0  # of the work done, 0 to 1

    @property
    def seconds(self) -> float:
        """Seconds since the start (to the end when finished)."""
        return (self.ended or time.monotonic()) - self.started

    def _read(self) -> None:
        """Collect the worker's JSON lines until it exits."""
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            try:
                msg = json.loads(raw)
            except json.JSONDecodeError:
                continue
            if "progress" in msg:
                self._progress(str(msg["progress"]))
            elif "done" in msg:
                self.folder = Path(msg["done"])
            elif "error" in msg:
                self.error = str(msg["error"])
        code = self.process.wait()
        self.ended = time.monotonic()
        if self.state == "cancelled":
            return
        if code == 0 and self.folder is not None:
            self.state, self.fraction = "done", 1.0
        else:
            self.state = "failed"
            self.error = self.error or f"the run stopped (exit code {code})"

    def _progress(self, line: str) -> None:
        self.lines.append(line)
        if m := STEP.match(line):
            i, n = int(m.group(1)), int(m.group(2))
            self.fraction = (i - 1) / (n + 1)
        elif line.startswith("writing results"):
            self.fraction = max(self.fraction, 0.9)


def _env() -> dict[str, str]:
    """This environment, with this copy of ``sim`` first on the worker's path."""
    env = dict(os.environ)
    root = str(Path(sim.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
    return env


def start(overrides: list[str], option_overrides: dict[str, list[str]] | None = None) -> Job:
    """Start a worker for ``overrides`` (validated already) and return its :class:`Job`."""
    extra = option_overrides or {}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.app.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_env(),
    )
    assert proc.stdin is not None
    proc.stdin.write(json.dumps({"overrides": overrides, "option_overrides": extra}) + "\n")
    proc.stdin.flush()  # kept open: the worker stops when it closes (the app has gone)
    job = Job(uuid.uuid4().hex[:12], list(overrides), extra, proc)
    JOBS[job.id] = job
    threading.Thread(target=job._read, daemon=True).start()
    return job


def cancel(job: Job) -> None:
    """Stop ``job``: SIGTERM, then SIGKILL after :data:`GRACE_SECONDS`."""
    if job.state != "running":
        return
    job.state = "cancelled"
    job.process.terminate()
    try:
        job.process.wait(GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        job.process.kill()
        job.process.wait()
    job.ended = time.monotonic()


def wait(job: Job, timeout: float) -> Job:
    """Wait until ``job`` has finished, or ``timeout`` seconds (for tests and scripts)."""
    end = time.monotonic() + timeout
    while job.state == "running" and time.monotonic() < end:
        time.sleep(0.1)
    return job
