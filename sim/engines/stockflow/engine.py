"""Run a compiled stock-flow model and shape its reports into an :class:`xarray.Dataset`.

Results follow one schema: dimensions ``draw, time`` then the report's own coordinates (e.g.
``service``, ``quintile``); ``time`` is the start date of each recording period, with CF
bounds ``time_bnds`` and ``period_days`` (the last period is shorter when the run is not a
whole number of periods: :mod:`sim.results.schema`). Each variable
carries ``units``, ``long_name`` and a CF ``cell_methods`` saying whether it is a total over the
period (flows), a mean over it (occupancy) or the value at its end (stocks at the census).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import xarray as xr
from numba import get_num_threads

from sim.engines.stockflow.compile import (
    END,
    MAX,
    MEAN,
    MIN,
    RESIDENCE,
    SUM,
    CompiledModel,
    compile_model,
)
from sim.engines.stockflow.generate import (
    GenerationError,
    compile_seconds,
    fits,
    is_ready,
    kernel_name,
    load_kernel,
)
from sim.engines.stockflow.kernels import BLOCK, KERNEL_ARRAYS, simulate_batch, simulate_serial
from sim.engines.stockflow.model import LEDGER, Model, ModelError
from sim.results.schema import with_time_bounds

_CELL_METHODS = {
    SUM: "time: sum",
    MEAN: "time: mean",
    END: "time: point",
    MAX: "time: maximum",
    MIN: "time: minimum",
}


@dataclass(frozen=True)
class RunOutput:
    """Raw kernel output: ``reports[draw, report, period]``, the final stocks and the inputs.

    ``ledger[draw, row, period]`` holds the first ``len(LEDGER)`` report rows (the conservation
    ledger) in float64 whatever the reports' dtype, so people can be counted exactly.
    """

    compiled: CompiledModel
    reports: np.ndarray
    ledger: np.ndarray
    final: np.ndarray
    params: np.ndarray
    initial: np.ndarray
    dt_days: float
    n_steps: int
    record_every: int


def run_arrays(
    compiled: CompiledModel,
    params: np.ndarray,
    *,
    n_steps: int,
    series: np.ndarray | None = None,
    initial: np.ndarray | None = None,
    dt_days: float = 1.0,
    record_every: int = 1,
    out_dtype: type = np.float64,
    kernel: str = "auto",
) -> RunOutput:
    """Step a batch: ``params`` is ``(n_draws, n_params)`` (see ``param_matrix``).

    ``series`` is ``(1 or n_draws, n_series, n_steps)`` (see ``series_array``); ``initial``
    overrides the initial stocks, ``(n_draws, n_stocks)``. Inputs are checked before any work.
    One draw runs on the calling thread (no thread-pool start-up), a batch in parallel in
    blocks of ``kernels.BLOCK`` draws stepped together (smaller blocks, one per thread, when
    the batch has fewer than a full block per thread); the results of a draw are the same
    either way, bit for bit. ``out_dtype=np.float32`` halves the memory of
    the reports (the state is always stepped in float64; each recorded value is rounded once,
    to about 7 significant digits); the ledger is always also kept in float64 (``ledger``), so
    conservation can still be checked to 1e-9.

    ``kernel`` chooses the code a single draw runs on: ``"interpreter"`` (the generic kernel,
    :mod:`~sim.engines.stockflow.kernels`), ``"generated"`` (the model's own kernel,
    :mod:`~sim.engines.stockflow.generate`: compiled on first use, then loaded from the disk
    cache; a ModelError for a batch or a model it cannot write) or ``"auto"`` (the default: the
    generated kernel for a single draw of a model whose kernel is at most
    ``generate.MAX_LINES`` lines long, once that costs no compilation, i.e. it is loaded or in
    the disk cache, or once this process's single runs of the model have spent in the
    interpreter about as long as compiling it takes; the interpreter otherwise). The results
    are the same bit for bit.
    """
    params = np.ascontiguousarray(params, dtype=np.float64)
    n_draws = params.shape[0]
    if params.ndim != 2 or params.shape[1] != len(compiled.param_names):
        raise ModelError(
            f"params shape {params.shape}: expected (draws, {len(compiled.param_names)})"
        )
    if not (isinstance(n_steps, int | np.integer) and n_steps >= 1):
        raise ModelError(f"n_steps = {n_steps!r}: must be an integer >= 1")
    if not (dt_days > 0 and np.isfinite(dt_days)):
        raise ModelError(f"dt_days = {dt_days!r}: must be > 0")
    if not (isinstance(record_every, int | np.integer) and record_every >= 1):
        raise ModelError(f"record_every = {record_every!r}: must be an integer >= 1")
    _check_stage_lengths(compiled, params, dt_days)
    if series is None:
        series = compiled.series_array(None, n_steps, n_draws)
    if series.shape[0] not in (1, n_draws) or series.shape[1:] != (
        len(compiled.series_names),
        n_steps,
    ):
        raise ModelError(f"series shape {series.shape} does not fit the model and run")
    if initial is None:
        initial = compiled.initial_stocks(params)
    initial = np.ascontiguousarray(initial, dtype=np.float64)
    if initial.shape != (n_draws, compiled.n_stocks) or (initial < 0).any():
        raise ModelError(f"initial stocks: shape {initial.shape}, must be >= 0")
    n_periods = -(-n_steps // record_every)
    n_reports = len(compiled.report_index)
    if np.dtype(out_dtype) not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise ModelError(f"out_dtype = {out_dtype!r}: must be float64 or float32")
    out = np.zeros((n_draws, n_reports, n_periods), dtype=out_dtype)
    ledger = np.zeros((n_draws, len(LEDGER), n_periods))
    final = np.zeros((n_draws, compiled.n_stocks))
    run = (
        params,
        initial,
        np.ascontiguousarray(series),
        float(dt_days),
        int(n_steps),
        int(record_every),
        out,
        ledger,
        final,
    )
    generated = _generated_kernel(compiled, n_draws, kernel)
    if generated is not None:
        generated(*run, compiled.arrays["lk_xs"], compiled.arrays["lk_ys"])
    else:
        started = time.perf_counter()
        interpreter = simulate_serial if n_draws == 1 else simulate_batch
        interpreter(*run, _block_size(n_draws), *(compiled.arrays[k] for k in KERNEL_ARRAYS))
        name = compiled.memo.get("kernel_name")
        if kernel == "auto" and n_draws == 1 and name is not None:
            spent = time.perf_counter() - started
            _INTERPRETED_S[name] = _INTERPRETED_S.get(name, 0.0) + spent
    return RunOutput(
        compiled,
        out,
        ledger,
        final,
        params,
        initial,
        float(dt_days),
        int(n_steps),
        int(record_every),
    )


_INTERPRETED_S: dict[str, float] = {}
"""Seconds single runs of each model (by generated kernel name) spent in the interpreter in
this process, while ``kernel="auto"`` waited to compile its generated kernel."""


def _generated_kernel(compiled: CompiledModel, n_draws: int, kernel: str) -> Callable | None:
    """The generated kernel a run uses, or None for the interpreter (see ``run_arrays``).

    ``"auto"`` compiles a model's kernel only once its single runs have spent as long in the
    interpreter as the compilation is expected to take (so a model run once or twice never
    pays for it, and one run many times pays at most about twice the better choice).
    """
    if kernel not in ("auto", "interpreter", "generated"):
        raise ModelError(f"kernel = {kernel!r}: must be 'auto', 'interpreter' or 'generated'")
    if kernel == "interpreter" or (kernel == "auto" and n_draws != 1):
        return None
    if kernel == "generated":
        if n_draws != 1:
            raise ModelError(f"kernel='generated' runs a single draw, not {n_draws}")
        try:
            return load_kernel(compiled)
        except GenerationError as err:
            name = compiled.model.name
            raise ModelError(f"no generated kernel for model {name!r}: {err}") from err
    if not fits(compiled):
        return None
    spent = _INTERPRETED_S.get(kernel_name(compiled), 0.0)
    if is_ready(compiled) or spent >= compile_seconds(compiled):
        try:
            return load_kernel(compiled)
        except (GenerationError, OSError):  # e.g. no writable cache: the interpreter serves
            return None
    return None


def _block_size(n_draws: int) -> int:
    """Draws one thread steps together: ``BLOCK``, or fewer so every thread gets a block."""
    return max(1, min(BLOCK, -(-n_draws // get_num_threads())))


def _check_stage_lengths(compiled: CompiledModel, params: np.ndarray, dt_days: float) -> None:
    """A delay stage shorter than one step would be silently lengthened; refuse it."""
    a = compiled.arrays
    exits = np.flatnonzero(a["op_kind"] == RESIDENCE)
    short = params[:, a["op_param"][exits]] * a["op_scale"][exits] < dt_days * (1 - 1e-12)
    for o in exits[short.any(axis=0)][:1]:  # the first, named (one vectorised check per run)
        name = compiled.op_names[o]
        stage_days = params[:, a["op_param"][o]] * a["op_scale"][o]
        if (stage_days < dt_days * (1 - 1e-12)).any():
            pname = compiled.param_names[a["op_param"][o]]
            raise ModelError(
                f"{name!r}: each delay stage lasts {stage_days.min():.4g} days (parameter "
                f"{pname!r} / stages) but the step is {dt_days} days; use fewer stages or a "
                f"shorter step"
            )


def to_dataset(
    output: RunOutput,
    *,
    start_date: str = "2025-04-01",
    attrs: Mapping[str, object] | None = None,
) -> xr.Dataset:
    """Shape raw reports into a Dataset with named dimensions, units and cell methods."""
    compiled = output.compiled
    n_draws, _, n_periods = output.reports.shape
    period_days = output.record_every * output.dt_days
    start = np.datetime64(start_date, "ns")
    offsets_ns = np.round(np.arange(n_periods) * period_days * 86400e9).astype("timedelta64[ns]")
    coords: dict[str, object] = {
        "draw": np.arange(n_draws),
        "time": start + offsets_ns,
    }
    groups: dict[str, list[int]] = {}
    for r, (var, _) in enumerate(compiled.report_index):
        groups.setdefault(var, []).append(r)
    info = dict(compiled.model.variables)
    stats = compiled.arrays["rep_stat"]
    data_vars = {}
    for var, rows in groups.items():
        cells = [dict(compiled.report_index[r][1]) for r in rows]
        dims = list(cells[0])
        labels = {d: list(dict.fromkeys(c[d] for c in cells)) for d in dims}
        source = output.ledger if var in LEDGER else output.reports
        arr = _variable_array(source, rows, cells, dims, labels)
        units, long_name = LEDGER[var] if var in LEDGER else (info[var].units, info[var].long_name)
        data_vars[var] = xr.Variable(
            ("draw", "time", *dims),
            arr,
            attrs={
                "units": units,
                "long_name": long_name,
                "cell_methods": _CELL_METHODS[int(stats[rows[0]])],
            },
        )
        for d in dims:
            if d in coords and list(coords[d]) != labels[d]:  # type: ignore[arg-type]
                raise ModelError(f"dimension {d!r} has different labels in different variables")
            coords[d] = labels[d]
    data_vars["people_initial"] = xr.Variable(
        ("draw",),
        output.initial.sum(axis=1),
        attrs={"units": "people", "long_name": "People in all stocks at the start"},
    )
    ds = xr.Dataset(data_vars, coords=coords)
    ds["time"].attrs = {
        "long_name": "Start of recording period",
        "period_days": period_days,
    }
    ds["draw"].attrs = {"long_name": "Parameter draw"}
    ds.attrs.update(
        {
            "model": compiled.model.name,
            "engine": "stockflow",
            "dt_days": output.dt_days,
            "period_days": period_days,
            "n_steps": output.n_steps,
            "start_date": str(start_date),
        }
    )
    ds.attrs.update(dict(attrs or {}))
    return with_time_bounds(ds, output.n_steps * output.dt_days)


def _variable_array(
    reports: np.ndarray, rows: list[int], cells: list[dict], dims: list[str], labels: dict
) -> np.ndarray:
    """The ``(draw, time, *dims)`` array of one variable: a view of ``reports`` when its
    cells are consecutive rows in the order of a full grid (no copy), else a copy with NaN for
    cells not reported.
    """
    sizes = [len(labels[d]) for d in dims]
    flat = [
        int(np.ravel_multi_index([labels[d].index(c[d]) for d in dims], sizes)) if dims else 0
        for c in cells
    ]
    n_draws, _, n_periods = reports.shape
    if flat == list(range(int(np.prod(sizes)))) and rows == list(range(rows[0], rows[-1] + 1)):
        block = reports[:, rows[0] : rows[-1] + 1, :].reshape(n_draws, *sizes, n_periods)
        return np.moveaxis(block, -1, 1)
    arr = np.full((n_draws, n_periods, *sizes), np.nan, dtype=reports.dtype)
    for r, f in zip(rows, flat, strict=True):
        arr[(slice(None), slice(None), *np.unravel_index(f, sizes))] = reports[:, r, :]
    return arr


def run(
    model: Model | CompiledModel,
    *,
    n_steps: int,
    params: Mapping[str, float | np.ndarray] | None = None,
    series: Mapping[str, np.ndarray] | None = None,
    n_draws: int | None = None,
    dt_days: float = 1.0,
    record_every: int = 1,
    start_date: str = "2025-04-01",
) -> xr.Dataset:
    """Declare-and-run convenience: compile (if needed), build inputs, step, shape results.

    ``params`` maps parameter names to scalars or per-draw arrays; ``series`` maps series names
    to ``(n_steps,)`` or ``(n_draws, n_steps)`` arrays.
    """
    compiled = model if isinstance(model, CompiledModel) else compile_model(model)
    mat = compiled.param_matrix(params, n_draws)
    z = compiled.series_array(series, n_steps, mat.shape[0])
    out = run_arrays(
        compiled, mat, n_steps=n_steps, series=z, dt_days=dt_days, record_every=record_every
    )
    return to_dataset(out, start_date=start_date)
