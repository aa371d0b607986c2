"""From a sweep configuration to a checked plan: bases, design and chunks, before any work.

Everything that can be wrong with a sweep is found here, before a variant runs or a file is
written, and reported as one :class:`~sim.config.errors.ConfigError` line naming the key or
address: an unknown method or executor, a sweep over an unknown key or a key a batched sweep
cannot vary, an empty or inverted range, values the configuration refuses (each key is tried
at the ends of its range), an unknown output or dimension, an unreachable Dask scheduler, or a
results folder that holds another sweep.
"""

from __future__ import annotations

import hashlib
import json
import math
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from sim.config.compose import options, to_yaml
from sim.config.errors import ConfigError
from sim.config.keys import resolve_key
from sim.config.schema import Config, SweepCfg
from sim.engines.stockflow.model import LEDGER
from sim.jobs.load import load_config
from sim.place.cohorts import build_place
from sim.place.stockflow.declare import build_model
from sim.sweep.apply import UNSET, apply_values
from sim.sweep.design import GROUP_KEYS, METHODS, Design, build_design
from sim.sweep.money import APPRAISAL_OUTPUTS, MONEY_OUTPUTS, is_lever, needs_money, twin_value

EXECUTORS = ("sequential", "processes", "dask")
KEEP = object()  # a baseline keeps the variant's value of an uncertainty
BATCH_PREFIXES = ("place.", "scenario.")
SEEDED = ("run.seed",)


@dataclass(frozen=True)
class SweepSpec:
    """A checked sweep: its bases (one composed config per group-option combination), the
    design, and what to keep of each variant.
    """

    sweep: SweepCfg
    design: Design
    group_keys: tuple[str, ...]
    value_keys: tuple[str, ...]
    bases: dict[tuple[Any, ...], Config]
    combos: tuple[tuple[Any, ...], ...]  # per variant
    value_rows: tuple[tuple[Any, ...], ...]  # per variant, the dotted keys' values
    outputs: tuple[str, ...]
    sum_dims: tuple[str, ...]
    levers: tuple[str, ...] = ()  # swept keys that are policy choices (the rest: uncertainties)
    twin_combos: tuple[tuple[Any, ...], ...] = ()  # per variant, its baseline's group values
    twin_rows: tuple[tuple[Any, ...], ...] = ()  # per variant, its baseline's dotted values

    @property
    def money(self) -> bool:
        """Whether each variant runs beside its baseline (money or appraisal outputs)."""
        return needs_money(self.outputs)

    @property
    def n_chunks(self) -> int:
        """Number of chunk files."""
        return -(-len(self.design) // self.sweep.chunk_size)

    def chunk_variants(self, index: int) -> range:
        """Variant ids in chunk ``index``."""
        size = self.sweep.chunk_size
        return range(index * size, min((index + 1) * size, len(self.design)))

    def fingerprint(self) -> str:
        """What makes two sweeps the same (so a rerun may resume): bases, design, outputs."""
        h = hashlib.sha256()
        for combo in sorted(self.bases, key=repr):
            h.update(repr(combo).encode())
            h.update(to_yaml(self.bases[combo]).encode())
        h.update(repr((self.design.keys, self.design.rows)).encode())
        h.update(repr((self.outputs, self.sum_dims, self.sweep.chunk_size)).encode())
        h.update(repr((self.levers, self.twin_combos, self.twin_rows)).encode())
        return h.hexdigest()


def check_sweep_settings(sweep: SweepCfg) -> None:
    """The sweep group's own settings (no keys resolved yet)."""
    if sweep.method not in METHODS:
        raise ConfigError(f"sweep.method = {sweep.method!r}: allowed {', '.join(METHODS)}")
    if sweep.executor not in EXECUTORS:
        raise ConfigError(f"sweep.executor = {sweep.executor!r}: allowed {', '.join(EXECUTORS)}")
    if sweep.draws < 0:
        raise ConfigError(f"sweep.draws = {sweep.draws}: must be >= 0 (0 = run.draws)")
    for key in ("chunk_size", "workers", "threads_per_worker", "record_every_days"):
        value = getattr(sweep, key)
        if value < 1:
            raise ConfigError(f"sweep.{key} = {value}: must be an integer >= 1")
    if sweep.method == "none":
        return
    for key in sweep.levers:
        if key not in sweep.params:
            raise ConfigError(
                f"sweep.levers: {key!r} is not a swept key; levers must be among "
                f"sweep.params ({', '.join(sweep.params) or 'none'})"
            )
    if not sweep.params:
        raise ConfigError(
            "sweep.params: empty; name at least one key to sweep, e.g. "
            "sweep.params={place.acute.beds:{low:1200,high:1700}}"
        )
    if sweep.method in ("random", "lhs", "sobol", "morris") and sweep.samples < 1:
        raise ConfigError(
            f"sweep.samples = {sweep.samples}: must be >= 1 for method {sweep.method}"
        )
    for key, p in sweep.params.items():
        where = f"sweep.params.{key}"
        has_range = p.low is not None or p.high is not None
        if not p.values and not has_range:
            raise ConfigError(f"{where}: empty range; give values [..] or low and high")
        if p.values and has_range:
            raise ConfigError(f"{where}: give values or low/high, not both")
        if has_range:
            if p.low is None or p.high is None:
                raise ConfigError(f"{where}: give both low and high")
            if not (math.isfinite(p.low) and math.isfinite(p.high)) or p.low > p.high:
                raise ConfigError(
                    f"{where}: low {p.low} > high {p.high} (an empty range); need low <= high"
                )
            if p.central is not None and not (p.low <= p.central <= p.high):
                raise ConfigError(f"{where}.central = {p.central}: must be in [low, high]")
            if sweep.method == "grid" and (p.levels < 1 or (p.levels == 1 and p.low < p.high)):
                raise ConfigError(
                    f"{where}.levels = {p.levels}: a grid over a range needs "
                    f"levels >= 2 (or values [..])"
                )
        if key in GROUP_KEYS and not p.values:
            raise ConfigError(f"{where}: a config group takes values (option names)")
        if sweep.method in ("sobol", "morris") and (p.values or p.low == p.high):
            raise ConfigError(f"{where}: {sweep.method} needs a range low < high")
    if sweep.executor == "dask" and sweep.scheduler:
        check_scheduler(sweep.scheduler)


def check_scheduler(address: str, timeout_s: float = 3.0) -> None:
    """Refuse a scheduler address that is malformed or where nothing answers."""
    url = urlparse(address if "://" in address else f"tcp://{address}")
    if url.scheme not in ("tcp", "tls") or not url.hostname or not url.port:
        raise ConfigError(f"sweep.scheduler = {address!r}: expected tcp://host:port")
    try:
        with socket.create_connection((url.hostname, url.port), timeout=timeout_s):
            pass
    except OSError as exc:
        why = exc.strerror or exc
        raise ConfigError(
            f"sweep.scheduler = {address!r}: no Dask scheduler reachable at "
            f"{url.hostname}:{url.port} ({why})"
        ) from None


def plan_sweep(cfg: Config, overrides: list[str]) -> SweepSpec:
    """Check a composed configuration's sweep and build its plan (no variant runs)."""
    sweep = cfg.sweep
    check_sweep_settings(sweep)
    if sweep.method == "none":
        raise ConfigError("sweep.method = 'none': choose a sweep, e.g. sweep=capacity_lhs")
    if cfg.run.engine != "stockflow":
        raise ConfigError(
            f"run.engine = {cfg.run.engine!r}: batched sweeps run the stockflow "
            f"engine; use python -m sim -m ... for the patient engine"
        )
    for key in sweep.params:
        if key in GROUP_KEYS:
            allowed = options(key)
            bad = [v for v in sweep.params[key].values if str(v) not in allowed]
            if bad:
                raise ConfigError(
                    f"sweep.params.{key}: no such {key} {bad}; available: {', '.join(allowed)}"
                )
        elif not (key.startswith(BATCH_PREFIXES) or key in SEEDED):
            raise ConfigError(
                f"sweep.params.{key}: a batched sweep varies place.*, scenario.* keys, the "
                f"scenario or place and run.seed; sweep other keys with python -m sim -m {key}=a,b"
            )
    design = build_design(sweep)
    group_keys = tuple(k for k in design.keys if k in GROUP_KEYS)
    value_keys = tuple(k for k in design.keys if k not in GROUP_KEYS)
    gi = [design.keys.index(k) for k in group_keys]
    vi = [design.keys.index(k) for k in value_keys]
    combos = tuple(tuple(row[i] for i in gi) for row in design.rows)
    base_overrides = [o for o in overrides if not o.lstrip("+~").startswith("sweep")]
    value_rows = tuple(tuple(row[i] for i in vi) for row in design.rows)
    levers = tuple(k for k in design.keys if is_lever(k, sweep.levers))
    twin_combos: tuple[tuple[Any, ...], ...] = ()
    twin_rows: tuple[tuple[Any, ...], ...] = ()
    if needs_money(sweep.outputs):
        twin_combos, twin_rows = _twins(cfg, group_keys, value_keys, levers, combos, value_rows)
    bases: dict[tuple[Any, ...], Config] = {}
    for combo in dict.fromkeys((*combos, *twin_combos)):
        extra = [f"{k}={v}" for k, v in zip(group_keys, combo, strict=True)]
        base = cfg if not extra else load_config([*base_overrides, *extra])
        base = apply_values(base, {})  # a private copy
        base.run.record_every_days = sweep.record_every_days
        if sweep.draws:
            base.run.draws = sweep.draws
        base.sweep = SweepCfg()
        bases[combo] = base
    _check_keys_and_ends(sweep, {c: bases[c] for c in combos}, value_keys, value_rows)
    outputs, sum_dims = _check_outputs(sweep, next(iter(bases.values())))
    if twin_combos:
        _check_money_runs(bases)
    return SweepSpec(
        sweep,
        design,
        group_keys,
        value_keys,
        bases,
        combos,
        value_rows,
        outputs,
        sum_dims,
        levers,
        twin_combos,
        twin_rows,
    )


def _twins(
    cfg: Config,
    group_keys: tuple[str, ...],
    value_keys: tuple[str, ...],
    levers: tuple[str, ...],
    combos: tuple[tuple[Any, ...], ...],
    value_rows: tuple[tuple[Any, ...], ...],
) -> tuple[tuple[tuple[Any, ...], ...], tuple[tuple[Any, ...], ...]]:
    """Each variant's baseline: its uncertain values, its levers as in the base config."""
    gt = tuple(twin_value(k, cfg) if k in levers else KEEP for k in group_keys)
    # the baseline scenario has none of an option's scenario.* keys: they are left unset
    unset = "scenario" in levers
    vt = tuple(
        UNSET
        if unset and k.startswith("scenario.")
        else twin_value(k, cfg)
        if k in levers
        else KEEP
        for k in value_keys
    )
    tc = tuple(tuple(v if t is KEEP else t for v, t in zip(c, gt, strict=True)) for c in combos)
    tr = tuple(tuple(v if t is KEEP else t for v, t in zip(r, vt, strict=True)) for r in value_rows)
    return tc, tr


def _check_money_runs(bases: dict[tuple[Any, ...], Config]) -> None:
    """Money in a batched sweep has no contracting re-runs: refuse scenarios that need them."""
    for base in bases.values():
        mode = base.scenario.contracting.mode
        if mode != "none":
            raise ConfigError(
                f"sweep.outputs: money of scenario {base.scenario.name!r} "
                f"(contracting.mode = {mode!r}) re-runs withdrawn investments; "
                f"sweep it with python -m sim -m ... (multirun)"
            )


def _check_keys_and_ends(
    sweep: SweepCfg,
    bases: dict[tuple[Any, ...], Config],
    keys: tuple[str, ...],
    rows: tuple[tuple[Any, ...], ...],
) -> None:
    """Every key exists in every base and each end of its values gives a valid config."""
    for key in keys:
        p = sweep.params[key]
        if p.values:
            ends = list(dict.fromkeys(p.values))[:50]
        else:
            ends = [p.low, p.high]
            ends = [int(round(v)) for v in ends] if p.integer else ends
        for combo, base in bases.items():
            try:
                resolve_key(base, key)
            except (KeyError, AttributeError, IndexError, ValueError):
                where = f" (with {', '.join(map(str, combo))})" if combo else ""
                raise ConfigError(
                    f"sweep.params.{key}: no such configuration key{where}; check the spelling"
                ) from None
            for v in ends:
                try:
                    apply_values(base, {key: v})
                except ConfigError as exc:
                    raise ConfigError(f"sweep.params.{key} = {v!r}: {exc}") from None


def _check_outputs(sweep: SweepCfg, base: Config) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Outputs must be result variables; summed dimensions must exist."""
    model = build_model(build_place(base.place), base.run.step_days)
    known = set(model.variables) | set(LEDGER) | {"people_initial", "occupancy"}
    known |= set(MONEY_OUTPUTS) | set(APPRAISAL_OUTPUTS)
    for name in sweep.outputs:
        if name not in known:
            raise ConfigError(
                f"sweep.outputs: no result variable {name!r}; available: {', '.join(sorted(known))}"
            )
    dims = {k for r in model.reports for k, _ in r.coords}
    for d in sweep.sum_dims:
        if d not in dims:
            raise ConfigError(
                f"sweep.sum_dims: no dimension {d!r}; available: {', '.join(sorted(dims))}"
            )
    return tuple(sweep.outputs), tuple(sweep.sum_dims)


def describe(plan: SweepSpec) -> str:
    """One line about a plan, for logs."""
    return json.dumps(
        {
            "method": plan.design.method,
            "variants": len(plan.design),
            "keys": list(plan.design.keys),
            "chunks": plan.n_chunks,
        }
    )
