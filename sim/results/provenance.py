"""Provenance metadata recorded alongside every simulation run."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

DIST_NAME = "nhs-care-shift-sim"
"""Distribution name of this project."""

_SOURCE_DIR = Path(__file__).resolve().parent.parent
"""Directory of the ``sim`` package; git is queried from here."""

_GIT_TIMEOUT_S = 5.0
_GIT_ENV_OVERRIDES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")


def _dist_version(name: str) -> str:
    """Return the installed version of a distribution, or ``"unknown"``."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def _git(directory: Path, *args: str) -> str:
    """Run a git command in ``directory`` and return its stripped stdout."""
    env = {k: v for k, v in os.environ.items() if k not in _GIT_ENV_OVERRIDES}
    result = subprocess.run(
        ["git", "-C", str(directory), *args],
        capture_output=True,
        text=True,
        timeout=_GIT_TIMEOUT_S,
        check=True,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    return result.stdout.strip()


def _git_commit(source_dir: Path) -> str:
    """Return the commit of the repository holding ``source_dir``.

    The repository must be the project checkout itself (its top level is the
    parent of the package directory); otherwise, e.g. for an installed copy
    that happens to live inside some unrelated repository, ``"unknown"`` is
    returned. A ``-dirty`` suffix marks uncommitted changes. Never raises.
    """
    try:
        toplevel, commit = _git(source_dir, "rev-parse", "--show-toplevel", "HEAD").splitlines()
        if Path(toplevel).resolve() != source_dir.resolve().parent:
            return "unknown"
        if _git(source_dir, "status", "--porcelain"):
            commit += "-dirty"
        return commit
    except (OSError, ValueError, subprocess.SubprocessError):
        return "unknown"


def provenance() -> dict[str, str]:
    """Describe the software that produced a run.

    Returns:
        Mapping with string values for ``sim_version``, ``git_commit``
        (``-dirty`` suffixed if the checkout has uncommitted changes,
        ``"unknown"`` outside a git checkout), ``python``, ``numpy``,
        ``numba``, ``xarray`` and ``created_utc`` (ISO-8601, UTC).
    """
    return {
        "sim_version": _dist_version(DIST_NAME),
        "git_commit": _git_commit(_SOURCE_DIR),
        "python": platform.python_version(),
        "numpy": _dist_version("numpy"),
        "numba": _dist_version("numba"),
        "xarray": _dist_version("xarray"),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    }
