"""Checks shared by every configuration group, and the ``run`` group's own.

Every error names the dotted key, the offending value and what is allowed, e.g.
``place.acute.beds = -5: must be >= 0``. The checks of each group live with the group's layer
(:mod:`sim.place.validate`, :mod:`sim.finance.validate`, :mod:`sim.scenarios.validate`,
:mod:`sim.appraisal.validate`); :func:`sim.jobs.load.validate` runs them all before any work.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import PurePath

from sim.config.errors import ConfigError
from sim.config.schema import RunCfg

TOL = 1e-6
ENGINES = ("stockflow", "patient")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
NAME_RULE = "allowed 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit, no '..'"
MAX_HORIZON_YEARS = 100  # dates are numpy datetime64[ns], which end in 2262
MAX_SEED = 2**63 - 1  # numpy's SeedSequence takes any int >= 0; kept to int64


def validate_run(run: RunCfg) -> None:
    """Check the ``run`` group."""
    if run.engine not in ENGINES:
        raise ConfigError(f"run.engine = {run.engine!r}: allowed {', '.join(ENGINES)}")
    check(
        run.horizon_years > 0 and math.isfinite(run.horizon_years),
        "run.horizon_years",
        run.horizon_years,
        "must be > 0",
    )
    check(0 < run.step_days <= 7, "run.step_days", run.step_days, "must be in (0, 7] days")
    check(
        run.record_every_days >= 1,
        "run.record_every_days",
        run.record_every_days,
        "must be an integer >= 1",
    )
    check(
        run.horizon_years <= MAX_HORIZON_YEARS,
        "run.horizon_years",
        run.horizon_years,
        f"must be <= {MAX_HORIZON_YEARS} years",
    )
    check(run.draws >= 1, "run.draws", run.draws, "must be an integer >= 1")
    check(0 <= run.seed <= MAX_SEED, "run.seed", run.seed, f"must be in [0, {MAX_SEED}]")
    try:
        date.fromisoformat(run.start_date)
    except ValueError:
        raise ConfigError(
            f"run.start_date = {run.start_date!r}: must be a date YYYY-MM-DD"
        ) from None
    n_steps = run.horizon_years * 365 / run.step_days
    check(n_steps >= 1, "run.horizon_years", run.horizon_years, "must cover at least one step")
    check(
        run.record_every_days <= n_steps,
        "run.record_every_days",
        run.record_every_days,
        f"must be <= the steps in the run ({int(n_steps)})",
    )
    safe_name(run.name, "run.name")
    results_folder(run.output_dir, "run.output_dir")
    check(
        run.patient.replications >= 1,
        "run.patient.replications",
        run.patient.replications,
        "must be an integer >= 1",
    )
    check(
        run.patient.workers >= 1,
        "run.patient.workers",
        run.patient.workers,
        "must be an integer >= 1",
    )


def safe_name(value: str | None, key: str) -> None:
    """A folder name inside the results folder (``None`` or empty: a timestamp is used)."""
    if value is None or value == "":
        return
    if not NAME.fullmatch(value) or ".." in value:
        raise ConfigError(f"{key} = {value!r}: {NAME_RULE}")


def results_folder(value: str, key: str) -> None:
    """A results folder: named (not empty, not the current folder), no ``..`` parts."""
    text = str(value).strip()
    if not text or PurePath(text) == PurePath("."):
        raise ConfigError(
            f"{key} = {value!r}: must name a results folder (e.g. results), not the current folder"
        )
    if ".." in PurePath(text).parts or "\0" in text or len(text) > 1024:
        raise ConfigError(
            f"{key} = {value!r}: no '..' parts; allowed a folder path such as "
            f"results or /data/results"
        )


def walk_numbers(obj: object, key: str) -> None:
    """Every number under ``obj`` must be finite and >= 0."""
    if dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            if f.name not in ("uncertain", "plan"):  # the plan: sim/place/capacity_plan.py
                walk_numbers(getattr(obj, f.name), f"{key}.{f.name}")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            walk_numbers(v, f"{key}.{k}")
    elif isinstance(obj, list | tuple):
        for i, v in enumerate(obj):
            walk_numbers(v, f"{key}.{i}")
    elif isinstance(obj, int | float) and not isinstance(obj, bool):
        if not math.isfinite(obj) or obj < 0:
            raise ConfigError(f"{key} = {obj}: must be a finite number >= 0")


def check(ok: bool, key: str, value: object, allowed: str) -> None:
    """Raise ``key = value: allowed`` unless ``ok``."""
    if not ok:
        raise ConfigError(f"{key} = {value}: {allowed}")


def share(value: float, key: str) -> None:
    """A share in [0, 1]."""
    check(0 <= value <= 1, key, value, "must be a share in [0, 1]")


def sums_to_one(values: Iterable[float], key: str) -> None:
    """Shares that sum to 1."""
    values = list(values)
    for i, v in enumerate(values):
        share(v, f"{key}.{i}" if "(" not in key else key)
    total = sum(values)
    if abs(total - 1) > TOL:
        raise ConfigError(f"{key} = {values}: shares sum to {total:.6g}; must sum to 1")


def length(values: Sequence[object], per: Sequence[object], key: str, what: str) -> None:
    """One value per item of ``per`` (a ``what``)."""
    if len(values) != len(per):
        raise ConfigError(
            f"{key} = {list(values)}: has {len(values)} values; needs one per {what} ({len(per)})"
        )


def increasing(xs: Sequence[float], ys: Sequence[float], key: str) -> None:
    """A lookup table: x and y of one non-zero length, x strictly increasing."""
    if len(xs) != len(ys) or not xs:
        raise ConfigError(f"{key}: x and y tables must have the same non-zero length")
    if any(b <= a for a, b in zip(xs, xs[1:], strict=False)):
        raise ConfigError(f"{key}: x values {list(xs)} must be strictly increasing")
