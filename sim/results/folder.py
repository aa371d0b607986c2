"""An exclusive, atomic run folder: claimed before the work, renamed into place at the end.

``claim(root, name)`` is called before any simulation. Under a short lock on the results
folder itself (``flock`` on the directory, Linux and macOS), it

1. removes stale staging folders: hidden ``.<name>.<pid>-<hex>.partial`` folders whose owner
   no longer holds the lock on their ``.owner`` file (a run killed with SIGKILL, or the power
   cut: the kernel drops a dead process's locks);
2. refuses the name if ``root/<name>`` exists or a live run is writing it (one line, at once);
3. creates this process's own staging folder (unique: pid and a random part) and locks its
   ``.owner`` file for as long as the process runs.

The results are written into the staging folder; :meth:`RunFolder.commit` then renames it to
``root/<name>`` under the same lock (a rename within one folder is atomic), so the final name
holds a complete run or nothing. :meth:`RunFolder.abandon` removes the staging folder when the
run fails. Nothing else is left in ``root`` (the lock is on the folder, not a lock file).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sim.config.errors import ConfigError
from sim.results.io import run_directory

STAGING = re.compile(r"^\.(?P<name>.+?)(?:\.(?P<pid>\d+)-[0-9a-f]{32})?\.partial$")
OWNER = ".owner"
MIN_FREE_BYTES = 64 * 2**20  # room for a run's files besides its results (charts, pack)


@dataclass
class RunFolder:
    """A claimed run folder: results go to ``staging``; ``commit`` makes it ``final``."""

    root: Path
    final: Path
    staging: Path
    owner_fd: int | None
    key: str = "run.name"

    def commit(self) -> Path:
        """Rename the staging folder to the final name; returns the final path."""
        with root_lock(self.root):
            (self.staging / OWNER).unlink(missing_ok=True)
            if self.final.exists():  # a process that does not claim names made it meanwhile
                raise ConfigError(
                    f"{self.key} = {self.final.name!r}: {self.final} appeared while the run "
                    f"was being written; the results are lost"
                )
            os.rename(self.staging, self.final)
        self._release()
        return self.final

    def abandon(self) -> None:
        """Remove the staging folder (the run failed or was interrupted)."""
        shutil.rmtree(self.staging, ignore_errors=True)
        self._release()

    def _release(self) -> None:
        if self.owner_fd is not None:
            os.close(self.owner_fd)
            self.owner_fd = None


@contextlib.contextmanager
def root_lock(root: Path) -> Iterator[None]:
    """An exclusive lock on the results folder (held a few milliseconds at a time)."""
    fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing drops the lock


def claim(
    root: Path, name: str | None, *, key: str = "run.name", need_bytes: float = 0
) -> RunFolder:
    """Claim ``root/name`` (a timestamp when ``name`` is empty) before any work.

    Raises:
        ConfigError: the name is taken (a folder, or a live run writing it), or ``root`` cannot
            be created or written, or has less free space than ``need_bytes`` + 64 MiB.
    """
    root = Path(root)
    folder_key = key.replace(".name", ".output_dir")
    existing = next((p for p in (root, *root.absolute().parents) if p.exists()), Path("/"))
    try:
        if not existing.is_dir():
            raise NotADirectoryError(20, "not a folder", str(existing))
        free = shutil.disk_usage(existing).free
    except OSError as exc:
        raise ConfigError(
            f"{folder_key} = {str(root)!r}: cannot create it ({exc.strerror})"
        ) from None
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(
            f"{folder_key} = {str(root)!r}: not writable; allowed a folder you can write"
        )
    if free < need_bytes + MIN_FREE_BYTES:
        raise ConfigError(
            f"{folder_key} = {str(root)!r}: {free / 2**20:.0f} MiB free; the run needs about "
            f"{(need_bytes + MIN_FREE_BYTES) / 2**20:.0f} MiB"
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
        with root_lock(root):
            live = clean_stale(root)
            final = run_directory(root, name)
            while not name and final.name in live:  # a timestamp another run is writing
                final = final.with_name(final.name + "-x")
            if final.exists() or final.is_symlink():
                raise ConfigError(f"{key} = {final.name!r}: {final} exists; choose another name")
            if final.name in live:
                raise ConfigError(
                    f"{key} = {final.name!r}: another run (pid {live[final.name]}) "
                    f"is writing {final}; choose another name"
                )
            staging = root / f".{final.name}.{os.getpid()}-{uuid.uuid4().hex}.partial"
            staging.mkdir()
            fd = os.open(staging / OWNER, os.O_CREAT | os.O_RDWR, 0o644)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.write(fd, str(os.getpid()).encode())
    except OSError as exc:
        raise ConfigError(
            f"{folder_key} = {str(root)!r}: cannot write there ({exc.strerror})"
        ) from None
    return RunFolder(root, final, staging, fd, key)


def clean_stale(root: Path) -> dict[str, str]:
    """Remove staging folders no live process owns; returns name -> pid of the live ones.

    Call with :func:`root_lock` held.
    """
    live: dict[str, str] = {}
    for path in root.iterdir():
        m = STAGING.match(path.name)
        if not m or not path.is_dir() or path.is_symlink():
            continue
        owner = _live_owner(path)
        if owner is None:
            shutil.rmtree(path, ignore_errors=True)
        else:
            live[m.group("name")] = owner
    return live


def _live_owner(staging: Path) -> str | None:
    """The pid of the live process holding the staging folder's lock, or None (stale)."""
    try:
        fd = os.open(staging / OWNER, os.O_RDWR)
    except OSError:
        return None  # no owner file: killed before it was made, or an old-style folder
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return os.read(fd, 32).decode(errors="replace") or "?"
    finally:
        os.close(fd)
    return None
