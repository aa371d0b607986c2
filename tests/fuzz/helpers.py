"""The fuzz harness: a bad input goes through ``sim.cli.main(argv)`` exactly as typed.

Every case must: exit 2; print one line on stderr, ``error: ...``, naming the key or file (and
the value where there is one) and what is allowed; print nothing on stdout; start no work (the
job's and the sweeps' first steps are replaced by a tripwire); and write no file anywhere (the
test's folders, the current folder and the repository's ``results/`` are compared before and
after).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

import sim.cli
import sim.jobs.main
import sim.sweep.cli
import sim.sweep.multirun
import sim.sweep.runner

ROOT = Path(__file__).resolve().parents[2]
REPO_RESULTS = ROOT / "results"
ALLOWED_WORDS = (
    "allowed",
    "must",
    "available",
    "needs",
    "choose",
    "check the spelling",
    "not a",
    "no such",
    "unknown",
    "use ",
    "cannot",
)


def tree(*folders: Path) -> set[tuple[str, int]]:
    """Every file and folder under ``folders`` (hidden ones included), with sizes."""
    out = set()
    for folder in folders:
        if not folder.exists():
            continue
        for dirpath, dirnames, filenames in os.walk(folder):
            for name in dirnames + filenames:
                p = Path(dirpath) / name
                out.add((str(p), p.stat().st_size if p.is_file() else -1))
    return out


def config_copy(tmp: Path) -> Path:
    """A copy of the repository's configs (scenario library included) to break."""
    dst = tmp / "configs"
    shutil.copytree(ROOT / "configs", dst, symlinks=False)
    return dst


class Refuser:
    """Runs ``sim.cli.main`` on a bad input and checks every rule of the harness."""

    def __init__(self, tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
        self.tmp, self.mp, self.capsys = tmp, monkeypatch, capsys
        self.cwd = tmp / "cwd"
        self.cwd.mkdir(exist_ok=True)
        monkeypatch.chdir(self.cwd)

        def tripwire(*_a, **_k):
            raise AssertionError("work started before the input was refused")

        for module, name in (
            (sim.jobs.main, "run_appraisal"),
            (sim.sweep.runner, "run_plan"),
            (sim.sweep.multirun, "run_plan"),
        ):
            monkeypatch.setattr(module, name, tripwire)

    def __call__(
        self,
        argv: list[str],
        *expect: str,
        setup: Callable[[], None] | None = None,
        extra: Iterable[Path] = (),
    ) -> str:
        """Refuse ``argv``; every text in ``expect`` must be in the one error line."""
        if setup is not None:
            setup()
        watched = (self.tmp, REPO_RESULTS, *extra)
        before = tree(*watched)
        self.capsys.readouterr()
        code = sim.cli.main(list(argv))
        out, err = self.capsys.readouterr()
        argv = " ".join(argv)[:200]  # for the messages below
        lines = [line for line in err.splitlines() if line.strip()]
        assert code == 2, f"exit {code} for {argv}: {err}"
        assert len(lines) == 1 and lines[0].startswith("error: "), f"{argv}: {err!r}"
        assert out == "", f"{argv}: stdout {out!r}"
        line = lines[0]
        for text in expect:
            assert text in line, f"{argv}: {text!r} not in {line!r}"
        assert any(w in line for w in ALLOWED_WORDS), f"{argv}: says nothing allowed: {line!r}"
        assert tree(*watched) == before, f"{argv}: files written"
        return line
