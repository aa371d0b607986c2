"""Hydra multirun: ``python -m sim -m scenario=a,b place.acute.beds=1300,1500``.

Overrides use Hydra's sweep syntax (``a,b``, ``range(1200,1700,100)``, ``choice(a,b)``) and
expand, as Hydra's basic sweeper does, to every combination, in the order given. Each
variant is composed and validated before any runs (a bad key or value stops the multirun
with one line naming it), then run exactly as ``python -m sim <its overrides>`` simulates it
(its plan and money included) by the sweep executor, one chunk file per ``sweep.chunk_size``
variants, resumable like any sweep. The variants are gathered into one Dataset with a
``variant`` dimension (``results.nc`` in the multirun folder; the overrides of each variant
in ``overrides``).
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from omegaconf.errors import OmegaConfBaseException

from sim.config.errors import ConfigError
from sim.config.schema import Config
from sim.jobs.load import load_config
from sim.results.io import run_directory, write_dataset_atomic
from sim.sweep.design import Design
from sim.sweep.execute import progress_bar
from sim.sweep.money import APPRAISAL_OUTPUTS, is_lever, twin_value
from sim.sweep.plan import SweepSpec, check_sweep_settings
from sim.sweep.runner import run_plan, tasks_for
from sim.sweep.store import load_sweep, open_folder

MULTIRUN_FLAGS = ("-m", "--multirun")


def expand(overrides: list[str]) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Swept keys and the value of each in every variant (cartesian product, Hydra's order)."""
    parser = OverridesParser.create()
    try:
        parsed = parser.parse_overrides(overrides)
    except (HydraException, OmegaConfBaseException) as exc:
        raise ConfigError(
            f"multirun overrides: {str(exc).strip().splitlines()[0]}; allowed Hydra's sweep "
            f"syntax, e.g. key=a,b or key=range(1200,1700,100)"
        ) from None
    keys, axes = [], []
    for o in parsed:
        if o.is_sweep_override():
            values = list(o.sweep_string_iterator())
            if not values:
                raise ConfigError(f"{o.get_key_element()}: empty sweep (no values)")
            keys.append(o.get_key_element())
            axes.append(values)
    return tuple(keys), list(itertools.product(*axes))


def plan_multirun(overrides: list[str]) -> tuple[SweepSpec, Config]:
    """Compose and validate every variant; a plan whose bases are the variants themselves."""
    keys, rows = expand(overrides)
    if not keys:
        raise ConfigError(
            "multirun: no key has several values; allowed e.g. -m scenario=baseline,homefirst"
        )
    parser = OverridesParser.create()
    fixed = [o.input_line for o in parser.parse_overrides(overrides) if not o.is_sweep_override()]
    bases: dict[tuple, Config] = {}
    first: Config | None = None
    try:
        base = load_config(fixed)  # the configuration without the swept keys
    except ConfigError as exc:
        raise ConfigError(f"{exc} (multirun overrides {' '.join(fixed)})") from None
    show = base.sweep.progress and sys.stderr.isatty()  # a refusal stays one line in logs
    with progress_bar(len(rows), 0, show, desc="composing", unit="variant") as bar:
        for row in rows:
            variant = [*fixed, *(f"{k}={v}" for k, v in zip(keys, row, strict=True))]
            try:
                cfg = load_config(variant)
            except ConfigError as exc:
                raise ConfigError(f"{exc} (multirun variant {' '.join(variant)})") from None
            first = first or cfg
            bases[tuple(row)] = cfg
            bar.update(1)
    assert first is not None
    sweep = first.sweep
    check_sweep_settings(sweep)
    for key in sweep.levers:
        if key not in keys:
            raise ConfigError(
                f"sweep.levers: {key!r} is not swept; levers must be among the "
                f"multirun keys ({', '.join(keys)})"
            )
    levers = tuple(k for k in keys if is_lever(k, sweep.levers))
    twins: tuple[tuple, ...] = ()
    if any(o in APPRAISAL_OUTPUTS for o in sweep.outputs):
        lever_at = {k: str(twin_value(k, base)) for k in levers}
        twins = tuple(
            tuple(lever_at.get(k, v) for k, v in zip(keys, row, strict=True)) for row in rows
        )
        for row in dict.fromkeys(twins):
            if row not in bases:
                variant = [*fixed, *(f"{k}={v}" for k, v in zip(keys, row, strict=True))]
                bases[row] = load_config(variant)
    plan = SweepSpec(
        sweep=sweep,
        design=Design("multirun", keys, tuple(tuple(r) for r in rows)),
        group_keys=keys,
        value_keys=(),
        bases=bases,
        combos=tuple(tuple(r) for r in rows),
        value_rows=tuple(() for _ in rows),
        outputs=tuple(sweep.outputs),
        sum_dims=tuple(sweep.sum_dims),
        levers=levers,
        twin_combos=twins,
    )
    return plan, first


def run_multirun(overrides: list[str]) -> tuple[Path, int]:
    """Run every variant; returns the folder (with ``results.nc``) and the failures."""
    overrides = [o for o in overrides if o not in MULTIRUN_FLAGS]
    plan, first = plan_multirun(overrides)
    root = Path(first.sweep.output_dir).parent / "multirun"
    folder = run_directory(root, first.sweep.name)
    todo = open_folder(folder, plan)
    failed = run_plan(plan, folder, todo, tasks=tasks_for(plan, todo, mode="full"))
    write_dataset_atomic(load_sweep(folder), folder / "results.nc")
    return folder, failed
