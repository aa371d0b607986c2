"""The batched engine as the simulator of a history match: many parameter sets, one call.

:func:`engine_simulator` compiles the place once and returns ``X -> outputs``: each row of
``X`` sets the place's uncertain keys (:func:`sim.place.draws.place_for_draw`), becomes one
row of the parameter matrix (the value-only declaration of :mod:`sim.place.stockflow.rows`)
and all rows run in one compiled call, exactly as a sweep's batch does; the outputs are the
pack's measures in the run's first financial year (:data:`MEASURE_OUTPUTS`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence

import numpy as np
import xarray as xr

from sim.config.errors import ConfigError
from sim.config.keys import resolve_key
from sim.config.schema import Config
from sim.engines.stockflow import compile_model, to_dataset
from sim.finance.years import FinancialYears
from sim.jobs.simulate import add_derived, n_steps, run_inputs, series_pair
from sim.place.cohorts import build_place
from sim.place.draws import place_for_draw
from sim.place.stockflow.declare import build_model
from sim.place.stockflow.rows import RowTable, declare_values, draw_rows, param_row
from sim.place.stockflow.warm import run_warm, shared_warm_start
from sim.report.summary import annual
from sim.scenarios.effects import LeverPaths
from sim.sweep.batch import checked_params


def _flow(name: str) -> Callable[[xr.Dataset, xr.Dataset], xr.DataArray]:
    return lambda yr, ds: yr[name]


def _episodes(svc: str) -> Callable[[xr.Dataset, xr.Dataset], xr.DataArray]:
    def get(yr: xr.Dataset, ds: xr.Dataset) -> xr.DataArray:
        return FinancialYears(ds).quantity(f"episodes_started.{svc}")

    return get


def _bed_days(yr: xr.Dataset, ds: xr.Dataset) -> xr.DataArray:
    fy = FinancialYears(ds)
    return fy.mean_level("occupied.acute_beds") * fy.overlap_days.sum("time")


MEASURE_OUTPUTS: dict[str, Callable[[xr.Dataset, xr.Dataset], xr.DataArray]] = {
    "emergency_admissions": _flow("emergency_admissions"),
    "emergency_bed_days": _bed_days,
    "ed_attendances": _flow("ed_attendances"),
    "nctr_patients": _flow("nctr"),
    "ambulance_incidents": _flow("ambulance_incidents"),
    "ambulance_conveyances": _flow("conveyances"),
    "ucr_episodes": _episodes("ucr"),
    "reablement_episodes": _episodes("reablement"),
    "ic_bed_admissions": _episodes("ic_beds"),
    "virtual_ward_admissions": _episodes("virtual_ward"),
    "care_home_admissions": _flow("care_home_admissions"),
    "deaths": _flow("deaths"),
}
"""Pack measures the stock-flow engine simulates -> their first-year value per draw."""


WARM_MODES = ("each", "shared")
"""``each``: every parameter set warms up on its own, as a run does; ``shared``: one warm-up
at the central set serves all (:func:`sim.place.stockflow.warm.shared_warm_start`)."""


def engine_simulator(
    cfg: Config,
    keys: Sequence[str],
    measures: Sequence[str],
    *,
    warm: str = "each",
    box: tuple[Sequence[float], Sequence[float]] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``X (n, len(keys))`` -> (first-year ``measures`` ``(n, T)``, zero ensemble variance).

    The stock-flow engine is deterministic, so one run per parameter set has no ensemble
    variance. Results are recorded once a year (the targets are annual). ``warm`` is one of
    :data:`WARM_MODES`: ``shared`` runs a year of simulation per set instead of three (two
    warm-up passes and the year), at the cost of starting each set from the central state.
    With ``box`` (the keys' lows and highs) the parameter rows are interpolated from a table
    of exact declarations (:class:`~sim.place.stockflow.rows.RowTable`, checked against
    exact ones to 1e-4 relative) instead of declared per set; when the table refuses
    (``progress`` says why), each set is declared exactly. Raises :class:`ConfigError` for a
    measure the engine does not simulate or another mode.
    """
    if warm not in WARM_MODES:
        raise ConfigError(f"warm = {warm!r}: must be one of {', '.join(WARM_MODES)}")
    for m in measures:
        if m not in MEASURE_OUTPUTS:
            raise ConfigError(
                f"target {m!r} is not simulated; calibrate against {', '.join(MEASURE_OUTPUTS)}"
            )
    cfg = copy.deepcopy(cfg)
    cfg.run.draws = 1
    run = cfg.run
    dt, steps = run.step_days, n_steps(cfg)
    inputs = run_inputs(cfg)
    targets = inputs.lever_paths.targets
    place = build_place(cfg.place)
    compiled = compile_model(build_model(place, dt, targets))
    fingerprint = declare_values(place, dt, targets).fingerprint()
    series, today = series_pair(compiled, cfg, inputs)
    plain = LeverPaths(targets, {}, {})
    record = steps  # one record a year: the targets are annual
    start = None
    if warm == "shared":
        central = param_row(compiled, declare_values(place, dt, targets).values)
        start = shared_warm_start(compiled, central, today, dt)

    def exact_rows(x: np.ndarray) -> np.ndarray:
        places = [
            build_place(place_for_draw(cfg.place, dict(zip(keys, map(float, row), strict=True))))
            for row in x
        ]
        return draw_rows(compiled, fingerprint, places, dt, targets)

    table = None
    if box is not None:
        at = [float(resolve_key(cfg.place, k)) for k in keys]
        try:
            table = RowTable(
                lambda v: exact_rows(np.array([[v[k] for k in keys]]))[0], keys, *box, at
            )
        except (ValueError, ConfigError) as err:
            if progress:
                progress(f"parameter rows declared per set: {err}")

    def simulate(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rows = table.rows(x) if table is not None else exact_rows(x)
        out = run_warm(
            compiled,
            checked_params(compiled, rows),
            series=series,
            today=today,
            dt=dt,
            n_steps=steps,
            record_every=record,
            start=start,
        )
        ds = add_derived(to_dataset(out, start_date=run.start_date), {}, plain, record)
        yr = annual(ds)
        cols = []
        for m in measures:
            da = MEASURE_OUTPUTS[m](yr, ds)
            extra = [d for d in da.dims if d not in ("draw", "year")]
            da = da.sum(extra) if extra else da
            cols.append(da.isel(year=0).transpose("draw").values)
        mean = np.column_stack(cols).astype(float)
        return mean, np.zeros_like(mean)

    return simulate
