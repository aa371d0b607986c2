"""The warm start: the place run for a year so services begin in their usual state.

Front-door rates in the evidence are per resident, but in the model only people at home use
front doors (people in follow-up, reablement or on a virtual ward reach hospital through their
service's own exits). So after a first warm-up each cohort's front-door rates are divided by
its share of people at home, and the warm-up is repeated with the calibrated rates.
"""

from __future__ import annotations

import math

import numpy as np

from sim.engines.stockflow import run_arrays
from sim.engines.stockflow.compile import CompiledModel
from sim.engines.stockflow.engine import RunOutput
from sim.place.stockflow.declare import RESIDENT_KINDS, PlaceModel

WARMUP_DAYS = 365.0
"""Days simulated before the start date so services begin in their usual state."""

FRONT_DOORS = ("gp_demand", "nhs111_call", "call_999", "walk_in", "direct_admission")
"""Operations whose rates are per resident in the evidence but apply to people at home."""

MIN_AT_HOME_SHARE = 0.5
"""Floor on a cohort's share of residents at home when front-door rates are divided by it, so
a cohort almost wholly in services (a warm-up far from equilibrium) cannot get runaway rates."""

CALIBRATION_PASSES = 2
"""Warm-ups run: the first measures the share at home, the second starts from calibrated rates."""


def warm_start(
    compiled: CompiledModel,
    params: np.ndarray,
    series: np.ndarray,
    dt: float,
    out_dtype: type = np.float32,
) -> tuple[np.ndarray, np.ndarray]:
    """Initial stocks after a warm-up, and the parameters calibrated on it.

    The place runs for :data:`WARMUP_DAYS` with every series held at its mean. Each cohort's
    care-home residents are then reset to their configured number and its people at home to
    the configured cohort size less everyone in services, so each cohort starts at its
    configured size; front-door rates are divided by the share of people at home.

    Args:
        compiled: the compiled place (its model a :class:`PlaceModel`).
        params: parameters, shape ``(draws, params)``.
        series: per-step inputs, shape ``(draws or 1, series, steps)``.
        dt: step length, days.
        out_dtype: the dtype of the warm-up's reports, which are not used: that of the run
            that follows (float32 for :func:`run_warm`), so both use one compiled kernel
            (Numba compiles one per dtype, about half a minute each on a cold cache).

    Returns:
        Stocks at the end of the warm-up ``(draws, stocks)`` and the calibrated parameters.
    """
    model = compiled.model
    if not isinstance(model, PlaceModel):
        raise TypeError("warm_start needs the place's own declaration (a PlaceModel)")
    x0 = compiled.initial_stocks(params)
    n = int(round(WARMUP_DAYS / dt))
    mean = series[:, :, : min(series.shape[2], n)].mean(axis=2, keepdims=True)
    z = np.repeat(mean, n, axis=2)
    s_index = {s: i for i, s in enumerate(compiled.stock_names)}
    p_index = {p: i for i, p in enumerate(compiled.param_names)}
    calibrated = params.copy()
    for _ in range(CALIBRATION_PASSES):
        warm = run_arrays(
            compiled,
            calibrated,
            n_steps=n,
            series=z,
            initial=x0,
            dt_days=dt,
            record_every=n,
            out_dtype=out_dtype,
        )
        x = warm.final.copy()
        for label, kinds in model.cohort_stocks.items():
            home = s_index[kinds["home"][0]]
            care = s_index[kinds["care_home"][0]]
            others = sorted(
                s_index[s]
                for k, names in kinds.items()
                if k not in ("home", "care_home", *RESIDENT_KINDS)
                for s in names
            )
            away = [s_index[s] for k in RESIDENT_KINDS for s in kinds.get(k, ())]
            doors = [
                p_index[f"{d}[{label}].rate_per_day"]
                for d in FRONT_DOORS
                if f"{d}[{label}].rate_per_day" in p_index
            ]
            for b in range(len(x)):  # per draw, so a draw never depends on the batch size
                residents = x0[b, home]
                # residents away from the home (in ED or hospital) count among its residents
                # exact sums (math.fsum): independent of the order of the stocks and of
                # stocks a lever adds that hold nobody, so a lever at zero gives the baseline
                x[b, care] = max(x0[b, care] - math.fsum(x[b, away]), 0.0)
                x[b, home] = max(residents - math.fsum(x[b, others]), 0.0)
                at_home = x[b, home] / residents if residents > 0 else 1.0
                for j in doors:
                    calibrated[b, j] = params[b, j] / max(at_home, MIN_AT_HOME_SHARE)
    return x, calibrated


def shared_warm_start(
    compiled: CompiledModel, central: np.ndarray, series: np.ndarray, dt: float
) -> tuple[np.ndarray, np.ndarray]:
    """One warm-up at the central parameters, to share across many parameter sets.

    For a history match, which runs thousands of parameter sets of one place: each set starts
    from the central set's warmed-up stocks, and its front-door rates are divided by the
    central set's share of people at home (:func:`warm_start` divides each set's by its own).
    The set's first year then includes its move from the central state to its own; how far
    this shifts the targets is measured in benchmarks/README.md (issue 13).

    Args:
        compiled: the compiled place (its model a :class:`PlaceModel`).
        central: the central parameter row, shape ``(params,)``.
        series: per-step inputs, shape ``(1, series, steps)``.
        dt: step length, days.

    Returns:
        Warmed-up stocks ``(stocks,)`` and the factor ``(params,)`` each parameter row is
        multiplied by (1 except for front-door rates).
    """
    x, calibrated = warm_start(compiled, central[None, :], series, dt)
    base = central
    factor = np.divide(calibrated[0], base, out=np.ones_like(base), where=base != 0)
    return x[0], factor


def run_warm(
    compiled: CompiledModel,
    params: np.ndarray,
    *,
    series: np.ndarray,
    today: np.ndarray,
    dt: float,
    n_steps: int,
    record_every: int,
    start: tuple[np.ndarray, np.ndarray] | None = None,
) -> RunOutput:
    """Run the draws ``params`` for ``n_steps`` steps of ``dt`` days on ``series``, from
    their own warm-up on today's inputs (:func:`warm_start`), or from a shared warm state
    ``start = (stocks, rate factor)`` (:func:`shared_warm_start`).

    Reports are recorded in float32 (about 7 significant digits, as the results file stores
    them), halving the memory of a large batch; the conservation ledger stays float64.
    """
    if start is None:
        initial, params = warm_start(compiled, params, today, dt)
    else:
        initial, params = np.repeat(start[0][None, :], len(params), 0), params * start[1]
    return run_arrays(
        compiled,
        params,
        n_steps=n_steps,
        series=series,
        initial=initial,
        dt_days=dt,
        record_every=record_every,
        out_dtype=np.float32,  # the ledger is kept in float64 (RunOutput.ledger) all the same
    )
