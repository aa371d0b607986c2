"""Run a chunk of sweep variants as rows of one parameter matrix, in one compiled call.

Variants that share the model's structure (the same scenario levers, stage counts, routes and
lookup tables) form a *structure group*: the model is built and compiled once per group, and
each variant (times its parameter draws) adds rows to the group's parameter matrix, computed
by the cheap value-only declaration of :mod:`sim.place.stockflow.rows`. Each variant is
prepared exactly as :func:`sim.jobs.simulate.simulate_run` prepares a run (its uncertain
draws, investments and lever paths, series and warm-up), so a variant's numbers equal those
of a run of its own; the engine steps every draw independently, so batching changes nothing.

A variant whose configuration is invalid, or whose draws change the structure, is recorded
with its error (outputs NaN) and the others carry on.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from sim.config.errors import ConfigError
from sim.config.schema import Config
from sim.engines.stockflow import compile_model, to_dataset
from sim.engines.stockflow.compile import TRANSFER, CompiledModel
from sim.jobs.simulate import add_derived, n_steps, run_inputs, series_pair, simulate
from sim.place.cohorts import build_place
from sim.place.stockflow.declare import build_model
from sim.place.stockflow.rows import check_against_full_build, declare_values, draw_rows, param_row
from sim.place.stockflow.warm import run_warm
from sim.scenarios.effects import LeverPaths
from sim.sweep.apply import apply_values
from sim.sweep.money import (
    ALWAYS_KEPT,
    APPRAISAL_OUTPUTS,
    appraisal_outputs,
    money_settings,
    one_draw_investments,
    with_money,
)

log = logging.getLogger(__name__)

MAX_CACHED_MODELS = 8


@dataclass(frozen=True)
class ChunkTask:
    """What a worker needs to run one chunk: picklable, independent of any other chunk."""

    index: int
    variant_ids: tuple[int, ...]
    keys: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    combos: tuple[tuple[Any, ...], ...]  # group-key values per variant (keys into ``bases``)
    bases: dict[tuple[Any, ...], Config]
    outputs: tuple[str, ...]
    sum_dims: tuple[str, ...]
    threads: int | None = None  # Numba threads in the worker (None: leave as is)
    group_keys: tuple[str, ...] = field(default_factory=tuple)
    mode: str = "batch"  # batch: rows of one compiled call | full: simulate() per variant
    twin_combos: tuple[tuple[Any, ...], ...] = ()  # per variant, its baseline (money only)
    twin_rows: tuple[tuple[Any, ...], ...] = ()


@dataclass
class Prepared:
    """One variant ready to run: its config, draws, lever paths, places and series."""

    vid: int
    cfg: Config
    lever_paths: LeverPaths
    rows: np.ndarray
    series: np.ndarray
    today: np.ndarray
    group: tuple
    samples: dict[str, np.ndarray] = field(default_factory=dict)  # uncertain key -> per draw


_MODELS: OrderedDict[tuple, tuple[CompiledModel, tuple]] = OrderedDict()


def _compiled_for(key: tuple, cfg: Config, paths: LeverPaths) -> tuple[CompiledModel, tuple]:
    """The group's compiled model and fingerprint, built once per worker process."""
    if key in _MODELS:
        _MODELS.move_to_end(key)
        return _MODELS[key]
    place = build_place(cfg.place)
    dt = cfg.run.step_days
    compiled = compile_model(build_model(place, dt, paths.targets))
    vm = declare_values(place, dt, paths.targets)
    check_against_full_build(compiled, vm)
    _MODELS[key] = (compiled, vm.fingerprint())
    while len(_MODELS) > MAX_CACHED_MODELS:
        _MODELS.popitem(last=False)
    return _MODELS[key]


def prepare_variant(vid: int, base: Config, values: dict[str, Any], combo: tuple) -> Prepared:
    """A variant's configuration and inputs, as :func:`sim.jobs.simulate.simulate_run` does."""
    cfg = apply_values(base, values)
    run = cfg.run
    dt, steps = run.step_days, n_steps(cfg)
    inputs = run_inputs(cfg)
    paths, places = inputs.lever_paths, inputs.places
    central = declare_values(inputs.place, dt, paths.targets)
    group = (combo, steps, dt, tuple(sorted(paths.targets.items())), central.fingerprint())
    compiled, fingerprint = _compiled_for(group, cfg, paths)
    if run.draws == 1:
        rows = param_row(compiled, central.values)[None, :]
    else:
        rows = draw_rows(compiled, fingerprint, [build_place(p) for p in places], dt, paths.targets)
    check_rows(compiled, rows)
    series, today = series_pair(compiled, cfg, inputs)
    return Prepared(vid, cfg, paths, rows, series, today, group, inputs.samples)


def _rows_of(arrays: Sequence[np.ndarray], counts: Sequence[int]) -> np.ndarray:
    """Stack per-variant series ``(1 or draws, n, steps)`` into one batch array; shared
    (shape 1) when every variant has the same single series.
    """
    first = arrays[0]
    if all(a.shape[0] == 1 for a in arrays) and all(
        a is first or np.array_equal(a, first) for a in arrays
    ):
        return first
    return np.concatenate(
        [np.broadcast_to(a, (c, *a.shape[1:])) for a, c in zip(arrays, counts, strict=True)]
    )


def run_group(members: list[Prepared], outputs: Sequence[str], sum_dims: Sequence[str]):
    """Run one structure group's variants in one compiled call; a Dataset on ``variant``."""
    ds = run_group_full(members)
    return shape_outputs(
        ds, [m.vid for m in members], [m.rows.shape[0] for m in members], outputs, sum_dims
    )


def run_group_full(members: list[Prepared]) -> xr.Dataset:
    """Every result variable of a group's variants, their draws one after another on
    ``draw``, with each draw's sampled uncertain values (``parameter_draws``).
    """
    cfg = members[0].cfg
    run = cfg.run
    dt, steps = run.step_days, n_steps(cfg)
    compiled, _ = _MODELS[members[0].group]
    counts = [m.rows.shape[0] for m in members]
    params = checked_params(compiled, np.concatenate([m.rows for m in members]))
    series = _rows_of([m.series for m in members], counts)
    today = _rows_of([m.today for m in members], counts)
    out = run_warm(
        compiled,
        params,
        series=series,
        today=today,
        dt=dt,
        n_steps=steps,
        record_every=run.record_every_days,
    )
    ds = to_dataset(out, start_date=run.start_date, attrs={"seed": run.seed})
    keys = list(members[0].samples)
    samples = {k: np.concatenate([m.samples[k] for m in members]) for k in keys}
    return add_derived(
        ds, samples, LeverPaths(members[0].lever_paths.targets, {}, {}), run.record_every_days
    )


def split_group(ds: xr.Dataset, members: list[Prepared]) -> dict[int, xr.Dataset]:
    """A group's Dataset cut into one Dataset per member (its own draws, from 0)."""
    out, start = {}, 0
    for m in members:
        n = m.rows.shape[0]
        out[m.vid] = ds.isel(draw=slice(start, start + n)).assign_coords(draw=np.arange(n))
        start += n
    return out


_CHECKS: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}


def check_rows(compiled: CompiledModel, rows: np.ndarray) -> None:
    """One variant's rows checked as ``param_matrix`` would check them (kinds, and routing
    shares summing to 1), vectorised, so a bad variant fails alone instead of its group.
    """
    key = id(compiled)
    if key not in _CHECKS:
        kinds = [compiled.model.params[p].kind for p in compiled.param_names]
        a = compiled.arrays
        ops = [o for o in range(len(compiled.op_names)) if a["op_kind"][o] != TRANSFER]
        cols = np.concatenate([a["arc_share"][a["op_arc0"][o] : a["op_arc1"][o]] for o in ops])
        sizes = np.array([a["op_arc1"][o] - a["op_arc0"][o] for o in ops])
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        _CHECKS[key] = (
            np.array([k == "share" for k in kinds]),
            np.array([k == "positive" for k in kinds]),
            cols,
            starts,
        )
    share, positive, cols, starts = _CHECKS[key]
    bad = ~np.isfinite(rows) | (rows < 0) | (share & (rows > 1)) | (positive & (rows <= 0))
    if bad.any():
        d, j = np.argwhere(bad)[0]
        raise ConfigError(
            f"draw {d}: parameter {compiled.param_names[j]!r} = "
            f"{rows[d, j]:.6g} is out of its range"
        )
    total = np.add.reduceat(rows[:, cols], starts, axis=1)
    off = np.abs(total - 1.0) > 1e-9
    if off.any():
        d, g = np.argwhere(off)[0]
        raise ConfigError(f"draw {d}: routing shares sum to {total[d, g]:.12g}, not 1")


def checked_params(compiled: CompiledModel, rows: np.ndarray) -> np.ndarray:
    """The rows checked as :meth:`CompiledModel.param_matrix` checks any batch (kinds, and
    routing shares summing to 1 in every row).
    """
    return compiled.param_matrix({p: rows[:, j] for j, p in enumerate(compiled.param_names)})


def shape_outputs(
    ds: xr.Dataset,
    vids: Sequence[int],
    counts: Sequence[int],
    outputs: Sequence[str],
    sum_dims: Sequence[str],
) -> xr.Dataset:
    """Keep ``outputs`` (all per-draw variables when empty), sum ``sum_dims`` away and split
    the batch's ``draw`` axis into ``variant`` and ``draw``.
    """
    names = list(outputs) or [v for v in ds.data_vars if ds[v].dims[:1] == ("draw",)]
    names += [v for v in ALWAYS_KEPT if v in ds.data_vars and v not in names]
    ds = ds[names].drop_attrs(deep=False)
    dims = [d for d in sum_dims if d in ds.dims]
    if dims:
        ds = xr.Dataset(
            {v: ds[v].sum([d for d in dims if d in ds[v].dims], keep_attrs=True) for v in names},
            attrs=ds.attrs,
        )
    if len(set(counts)) != 1:
        raise ValueError("variants of one group must have the same number of draws")
    n_draws = counts[0]
    data = {}
    for v in names:
        da = ds[v]
        shape = (len(vids), n_draws, *da.shape[1:])
        data[v] = xr.Variable(
            ("variant", "draw", *da.dims[1:]), da.values.reshape(shape), attrs=da.attrs
        )
    coords = {k: c for k, c in ds.coords.items() if k != "draw" and "draw" not in c.dims}
    coords["variant"] = np.asarray(vids, dtype=np.int64)
    coords["draw"] = np.arange(n_draws)
    return xr.Dataset(data, coords=coords)


Progress = Callable[[int], None]
"""Called with the number of a chunk's variants finished so far (ran or failed)."""


def _no_progress(done: int) -> None:
    """Progress nobody watches."""


def run_chunk(
    task: ChunkTask, on_variant: Progress = _no_progress
) -> tuple[xr.Dataset, dict[int, str]]:
    """Run every variant of a chunk: outputs on ``variant`` (NaN where a variant failed)
    and the error of each failed variant; ``on_variant`` hears of each variant as it ends.
    """
    if task.threads:
        import numba

        numba.set_num_threads(min(task.threads, numba.config.NUMBA_NUM_THREADS))
    if task.mode == "full":
        return run_full(task, on_variant)
    if task.twin_combos:
        return run_money(task, on_variant)
    errors: dict[int, str] = {}
    groups: OrderedDict[tuple, list[Prepared]] = OrderedDict()
    for vid, row, combo in zip(task.variant_ids, task.rows, task.combos, strict=True):
        values = dict(zip(task.keys, row, strict=True))
        try:
            p = prepare_variant(vid, task.bases[combo], values, combo)
        except Exception as exc:  # noqa: BLE001 - recorded with the variant, others go on
            errors[vid] = _one_line(exc)
            continue
        groups.setdefault((p.group, p.rows.shape[0]), []).append(p)
    parts = []
    done = len(errors)
    on_variant(done)
    for members in groups.values():
        try:
            parts.append(run_group(members, task.outputs, task.sum_dims))
        except Exception as exc:  # noqa: BLE001
            msg = _one_line(exc)
            log.debug("group failed: %s", traceback.format_exc())
            errors.update(dict.fromkeys((m.vid for m in members), msg))
        done += len(members)
        on_variant(done)  # a group's variants run in one call and end together
    return assemble(task.variant_ids, parts, errors), errors


def _twin_ids(task: ChunkTask) -> tuple[list[tuple[int, tuple, tuple]], dict[int, int]]:
    """Runs of a money chunk: each variant and each distinct baseline (negative ids), and
    the baseline id of each variant (itself when no lever moves it).
    """
    jobs: list[tuple[int, tuple, tuple]] = []
    twin_of: dict[int, int] = {}
    seen: dict[tuple, int] = {}
    for vid, combo, row in zip(task.variant_ids, task.combos, task.rows, strict=True):
        jobs.append((vid, combo, row))
        seen.setdefault((combo, row), vid)
    for vid, tcombo, trow in zip(task.variant_ids, task.twin_combos, task.twin_rows, strict=True):
        key = (tcombo, trow)
        if key not in seen:
            seen[key] = -len(seen) - 1
            jobs.append((seen[key], tcombo, trow))
        twin_of[vid] = seen[key]
    return jobs, twin_of


def run_money(task: ChunkTask, on_variant: Progress) -> tuple[xr.Dataset, dict[int, str]]:
    """A chunk whose outputs include money or appraisal metrics: every variant and its
    baseline run as rows of compiled calls; then each variant's money against its baseline
    and the appraisal of one against the other.
    """
    jobs, twin_of = _twin_ids(task)
    errors: dict[int, str] = {}
    prepared: dict[int, Prepared] = {}
    groups: OrderedDict[tuple, list[Prepared]] = OrderedDict()
    for rid, combo, row in jobs:
        try:
            p = prepare_variant(
                rid, task.bases[combo], dict(zip(task.keys, row, strict=True)), combo
            )
        except Exception as exc:  # noqa: BLE001 - recorded with the variant, others go on
            errors[rid] = _one_line(exc)
            continue
        prepared[rid] = p
        groups.setdefault((p.group, p.rows.shape[0]), []).append(p)
    full: dict[int, xr.Dataset] = {}
    for members in groups.values():
        try:
            full.update(split_group(run_group_full(members), members))
        except Exception as exc:  # noqa: BLE001
            errors.update(dict.fromkeys((m.vid for m in members), _one_line(exc)))
    results = [o for o in task.outputs if o not in APPRAISAL_OUTPUTS]
    batches: OrderedDict[tuple, list[int]] = OrderedDict()
    for vid in task.variant_ids:
        tid = twin_of[vid]
        if vid not in full or tid not in full:
            errors[vid] = errors.get(vid) or f"its baseline failed: {errors.get(tid, '?')}"
            continue
        batches.setdefault(_money_key(prepared[vid], prepared[tid]), []).append(vid)
    parts, done = [], len(errors)
    for vids in batches.values():
        try:
            if len(vids) > 1:  # one-draw variants sharing their money settings: one call
                parts.append(money_batch(vids, twin_of, prepared, full, task, results))
            else:
                vid, tid = vids[0], twin_of[vids[0]]
                ds = with_money(full[vid], prepared[vid].cfg, full[tid])
                base = with_money(full[tid], prepared[tid].cfg, None)
                parts.append(variant_outputs(vid, ds, base, prepared[vid].cfg, task, results))
        except Exception as exc:  # noqa: BLE001
            errors.update(dict.fromkeys(vids, _one_line(exc)))
        done += len(vids)
        on_variant(done)
    errors = {k: v for k, v in errors.items() if k >= 0}
    return assemble(task.variant_ids, parts, errors), errors


def _money_key(variant: Prepared, baseline: Prepared) -> tuple:
    """Variants with one draw whose money settings (finance, the scenario's investments,
    contracts and appraisal) and whose baseline's are the same share one money computation;
    any other variant is alone.
    """
    if variant.rows.shape[0] != 1:
        return (variant.vid,)
    return (money_settings(variant.cfg), money_settings(baseline.cfg))


def _stack(parts: list[xr.Dataset]) -> xr.Dataset:
    """One-draw Datasets one after another on ``draw`` (relabelled 0, 1, ...)."""
    ds = xr.concat(
        parts,
        dim="draw",
        data_vars="minimal",
        coords="minimal",
        compat="override",
        join="override",
        combine_attrs="override",
    )
    return ds.assign_coords(draw=np.arange(ds.sizes["draw"]))


def _stack_lines(per_variant: list[dict[str, xr.DataArray]]) -> dict[str, xr.DataArray]:
    """Investment by line of one-draw variants, one after another on ``draw``."""
    out = {}
    for line in per_variant[0]:
        da = xr.concat([p[line] for p in per_variant], dim="draw")
        out[line] = da.assign_coords(draw=np.arange(da.sizes["draw"]))
    return out


def money_batch(
    vids: list[int],
    twin_of: dict[int, int],
    prepared: dict[int, Prepared],
    full: dict[int, xr.Dataset],
    task: ChunkTask,
    results: Sequence[str],
) -> xr.Dataset:
    """Money and appraisal of many one-draw variants in one computation: each variant is a
    draw of one stacked Dataset, its baseline the same draw of the stacked baselines (money
    and appraisal are computed draw by draw; unit costs and investments at their central
    values, as each one-draw variant has them).
    """
    res = _stack([full[v] for v in vids])
    plan = _stack([full[twin_of[v]] for v in vids])
    cfg, tcfg = prepared[vids[0]].cfg, prepared[twin_of[vids[0]]].cfg
    paid = _stack_lines([one_draw_investments(full[v], prepared[v].cfg) for v in vids])
    base_paid = _stack_lines(
        [one_draw_investments(full[twin_of[v]], prepared[twin_of[v]].cfg) for v in vids]
    )
    ds = with_money(res, cfg, plan, central=True, investments=paid)
    base = with_money(plan, tcfg, None, central=True, investments=base_paid)
    part = shape_outputs(ds, vids, [1] * len(vids), results or ["people_initial"], task.sum_dims)
    if not results:
        part = part.drop_vars("people_initial")
    metrics = appraisal_outputs(base, ds, cfg, task.outputs)
    for name, da in metrics.data_vars.items():
        da = da.transpose("draw", ...)
        part[name] = xr.Variable(
            ("variant", "draw", *da.dims[1:]),
            da.values.reshape(len(vids), 1, *da.shape[1:]),
            attrs=da.attrs,
        )
        part = part.assign_coords({d: da[d].values for d in da.dims[1:] if d in da.coords})
    return part


def variant_outputs(
    vid: int,
    ds: xr.Dataset,
    baseline: xr.Dataset,
    cfg: Config,
    task: ChunkTask,
    results: Sequence[str],
) -> xr.Dataset:
    """One variant's kept results and appraisal metrics, on ``variant``."""
    n = ds.sizes["draw"]
    part = shape_outputs(ds, [vid], [n], results or ["people_initial"], task.sum_dims)
    if not results:
        part = part.drop_vars("people_initial")
    metrics = appraisal_outputs(baseline, ds, cfg, task.outputs)
    if metrics.data_vars:
        metrics = metrics.expand_dims(variant=np.asarray([vid], dtype=np.int64))
        part = xr.merge([part, metrics.transpose("variant", "draw", ...)], combine_attrs="override")
    return part


def run_full(task: ChunkTask, on_variant: Progress) -> tuple[xr.Dataset, dict[int, str]]:
    """Each variant as ``python -m sim <overrides>`` simulates it (its plan and money
    included), one after another; outputs on ``variant``. With appraisal outputs, each
    variant's baseline (see :mod:`sim.sweep.money`) runs too and the variant is appraised
    against it.
    """
    errors: dict[int, str] = {}
    parts = []
    baselines: dict[tuple, xr.Dataset] = {}
    results = [o for o in task.outputs if o not in APPRAISAL_OUTPUTS]
    twins = task.twin_combos or (None,) * len(task.variant_ids)
    for i, (vid, combo, twin) in enumerate(zip(task.variant_ids, task.combos, twins, strict=True)):
        on_variant(i)
        try:
            ds = simulate(task.bases[combo])
            if twin is None:
                parts.append(
                    shape_outputs(ds, [vid], [ds.sizes["draw"]], task.outputs, task.sum_dims)
                )
                continue
            if twin not in baselines:
                baselines[twin] = ds if twin == combo else simulate(task.bases[twin])
            parts.append(
                variant_outputs(vid, ds, baselines[twin], task.bases[combo], task, results)
            )
        except Exception as exc:  # noqa: BLE001 - recorded with the variant, others go on
            errors[vid] = _one_line(exc)
    on_variant(len(task.variant_ids))
    return assemble(task.variant_ids, parts, errors), errors


def assemble(
    vids: Sequence[int], parts: Sequence[xr.Dataset], errors: dict[int, str]
) -> xr.Dataset:
    """One chunk Dataset in variant order, with an ``error`` text per variant ('' = ran)."""
    if parts:
        ds = parts[0] if len(parts) == 1 else xr.concat(parts, "variant", join="outer")
        ds = ds.reindex(variant=np.asarray(vids, dtype=np.int64))
    else:
        ds = xr.Dataset(coords={"variant": np.asarray(vids, dtype=np.int64)})
    ds["error"] = xr.DataArray(
        np.array([errors.get(v, "") for v in vids], dtype=object),
        dims="variant",
        attrs={"long_name": "Why the variant failed ('' when it ran)", "units": "1"},
    )
    return ds


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"


def timed_chunk(
    task: ChunkTask, on_variant: Progress = _no_progress
) -> tuple[xr.Dataset, dict[int, str], float]:
    """:func:`run_chunk` with its wall time in seconds."""
    t0 = time.perf_counter()
    ds, errors = run_chunk(task, on_variant)
    return ds, errors, time.perf_counter() - t0
