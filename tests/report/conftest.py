"""One small appraisal (2 options, 3 draws, 2 years) and its board pack, made once per test
session and shared between pytest-xdist workers through a lock file."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest

OVERRIDES = [
    "run.horizon_years=2",
    "run.record_every_days=365",
    "appraisal.options=[homefirst,multiyear_payments]",
]
DRAWS = 3


def _shared_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by every worker of this session
    return root / "board_pack_fixture"


def _make(folder: Path) -> None:
    import sim
    from sim.report.pack import write_board_pack

    result = sim.appraise(OVERRIDES, draws=DRAWS)
    pack = folder / "pack"
    write_board_pack(result, pack)
    with open(folder / "result.pkl.partial", "wb") as fh:
        pickle.dump(result, fh)
    os.replace(folder / "result.pkl.partial", folder / "result.pkl")


@pytest.fixture(scope="session")
def made(tmp_path_factory):
    """(Appraisal result, folder holding board_pack.html/.pdf and appraisal.xlsx)."""
    folder = _shared_dir(tmp_path_factory)
    folder.mkdir(parents=True, exist_ok=True)
    done = folder / "result.pkl"
    lock = folder / "lock"
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        os.close(fd)
        if not done.exists():
            try:
                _make(folder)
            except BaseException as exc:
                (folder / "failed").write_text(repr(exc))
                raise
    except FileExistsError:
        deadline = time.monotonic() + 600
        while not done.exists():
            if (folder / "failed").exists():
                raise RuntimeError("the board-pack fixture failed in another worker") from None
            if time.monotonic() > deadline:
                raise TimeoutError("the board-pack fixture was not made in time") from None
            time.sleep(0.5)
    with open(done, "rb") as fh:
        return pickle.load(fh), folder / "pack"


@pytest.fixture(scope="session")
def result(made):
    """The Appraisal (appraisal Dataset, runs, configs)."""
    return made[0]


@pytest.fixture(scope="session")
def pack_dir(made):
    """Folder with the written board pack."""
    return made[1]
