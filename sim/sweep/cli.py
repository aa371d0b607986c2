"""The command line's sweeps: ``python -m sim -m key=a,b ...`` (Hydra multirun) and
``python -m sim sweep=<name> ...`` (a batched sweep of the ``sweep`` group).

Both check everything before any work, print where the results are and how many variants
failed, and exit 2 with one line on bad input (writing nothing).
"""

from __future__ import annotations

import sys

from sim.config.errors import ConfigError
from sim.sweep.multirun import MULTIRUN_FLAGS, run_multirun
from sim.sweep.runner import run_sweep_counted


def wants_sweep(args: list[str]) -> bool:
    """Whether the arguments ask for a multirun or a batched sweep."""
    if any(a in MULTIRUN_FLAGS for a in args):
        return True
    chosen = [a.split("=", 1)[1] for a in args if a.startswith(("sweep=", "sweep.method="))]
    return any(c != "none" for c in chosen)


def sweep_main(args: list[str]) -> int:
    """Run a multirun or a batched sweep; returns the exit code."""
    try:
        unknown = [a for a in args if a.startswith("-") and a not in MULTIRUN_FLAGS]
        if unknown:
            raise ConfigError(f"unknown option {unknown[0]}; see python -m sim --help")
        if any(a in MULTIRUN_FLAGS for a in args):
            folder, failed = run_multirun(args)
            what = "multirun"
        else:
            folder, failed = run_sweep_counted(args)
            what = "sweep"
        print(f"{what} results in {folder} ({failed} failed variant(s); see errors.txt)")  # noqa: T201
        return 0
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201
        return 2
