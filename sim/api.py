"""The API for notebooks and scripts: the same jobs as the command line.

``run`` composes the configuration exactly as ``python -m sim`` does and returns the results
Dataset; ``appraise`` runs the main job (baseline and options) and returns the appraisal;
``main_job`` runs it as ``python -m sim`` does and writes the run folder;
``load`` reads a saved results file; ``financial_years`` aggregates results over NHS financial
years.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import xarray as xr

from sim.appraisal.result import Appraisal
from sim.finance.years import FinancialYears
from sim.jobs.appraise import run_appraisal
from sim.jobs.load import load_config
from sim.jobs.main import run_main_job
from sim.jobs.simulate import simulate
from sim.results.io import load

__all__ = ["appraise", "financial_years", "load", "main_job", "run"]

HOW = {"time: sum": "sum", "time: mean": "mean", "time: point": "last"}


def _with_draws(overrides: list[str] | None, draws: int) -> list[str]:
    """``overrides`` with ``run.draws`` set to ``draws`` unless an override already sets it."""
    overrides = list(overrides or [])
    if not any(o.split("=", 1)[0].lstrip("+") == "run.draws" for o in overrides):
        overrides.append(f"run.draws={int(draws)}")
    return overrides


def run(overrides: list[str] | None = None, draws: int = 1) -> xr.Dataset:
    """Compose the configuration exactly as the CLI does, run it and return the Dataset.

    Args:
        overrides: Hydra overrides, e.g. ``["run.horizon_years=5", "place.acute.beds=1500"]``.
        draws: parameter draws (sets ``run.draws`` unless an override already does).
    """
    return simulate(load_config(_with_draws(overrides, draws)))


def appraise(
    overrides: list[str] | None = None,
    draws: int = 1,
    progress: Callable[[str], None] | None = None,
    option_overrides: dict[str, list[str]] | None = None,
) -> Appraisal:
    """The main job from a notebook: baseline and options, and the appraisal of them.

    Returns an :class:`~sim.appraisal.result.Appraisal` with ``.appraisal`` (the metrics
    Dataset: dims ``option, draw, year``), ``.runs`` (each run's results Dataset,
    ``"baseline"`` first) and ``.configs``. ``overrides`` and ``draws`` work as in :func:`run`;
    with ``scenario=X`` only X is appraised. ``progress`` receives one line per run (as the
    command line prints them); ``option_overrides`` adds overrides to one option only
    (``{"homefirst": ["scenario.effects.reablement_places.size.central=400"]}``), each option
    validated as the command line validates it.
    """
    overrides = _with_draws(overrides, draws)
    return run_appraisal(load_config(overrides), overrides, progress, option_overrides)


def main_job(
    overrides: list[str] | None = None,
    draws: int = 1,
    progress: Callable[[str], None] = lambda message: None,
    option_overrides: dict[str, list[str]] | None = None,
) -> Path:
    """The main job exactly as ``python -m sim`` runs it: the run folder is claimed before
    the work (a taken ``run.name`` or an unwritable results folder is refused at once), then
    the baseline and options are run, appraised and written with the board pack.

    Returns the run folder. ``overrides`` and ``draws`` work as in :func:`run`; ``progress``
    is called with a line of text at each stage; ``option_overrides`` as in :func:`appraise`.
    """
    overrides = _with_draws(overrides, draws)
    return run_main_job(load_config(overrides), overrides, progress, option_overrides)


def financial_years(
    data: xr.DataArray | xr.Dataset, how: str | None = None, results: xr.Dataset | None = None
) -> xr.DataArray | xr.Dataset:
    """Aggregate results over NHS financial years (1 April to 31 March), not calendar years.

    Records of any length are split between financial years by their days of overlap
    (:class:`sim.finance.years.FinancialYears`, the split the money uses), so daily, weekly,
    monthly and annual records give the same figures. Other dimensions are kept.

    Args:
        data: a results variable (or several, as a Dataset) with a ``time`` dimension.
        how: ``"sum"`` (flows: the total in each year), ``"mean"`` (levels such as occupied
            beds: the mean over the days simulated in each year) or ``"last"`` (stocks
            counted at a period's end: the last count in each year). By default read from
            the variable's CF ``cell_methods`` (``time: sum``, ``time: mean``,
            ``time: point``).
        results: the Dataset ``data`` came from, for the exact end of the last recording
            period (else the ``period_days`` of the ``time`` coordinate is used).

    Returns:
        ``data`` with ``time`` replaced by ``year`` (the calendar year of 1 April) and the
        coordinates ``financial_year`` (``"2025/26"``) and ``days_simulated`` (days of each
        year the run covers: fewer than 365 in a partly simulated year).

    Raises:
        ValueError: no ``time`` dimension, or ``how`` neither given nor in ``cell_methods``.
    """
    if isinstance(data, xr.Dataset):
        timed = [v for v in data.data_vars if "time" in data[v].dims]
        return xr.Dataset(
            {
                v: financial_years(data[v], how, results if results is not None else data)
                for v in timed
            },
            attrs=data.attrs,
        )
    if "time" not in data.dims:
        raise ValueError(f"financial_years: {data.name!r} has no time dimension")
    method = how or HOW.get(str(data.attrs.get("cell_methods", "")).strip())
    if method not in ("sum", "mean", "last"):
        raise ValueError(
            f"financial_years: {data.name!r} has cell_methods "
            f"{data.attrs.get('cell_methods')!r}; pass how='sum', 'mean' or 'last'"
        )
    source = results
    if source is None:
        attrs = {k: v for k, v in data["time"].attrs.items() if k == "period_days"}
        source = xr.Dataset(coords={"time": data["time"].values}, attrs=attrs)
    fy = FinancialYears(source.sel(time=data["time"].values) if results is not None else source)
    overlap = fy.overlap_days.assign_coords(time=data["time"].values)
    period = fy.period_days.assign_coords(time=data["time"].values)
    if method == "sum":
        out = xr.dot(data, overlap / period, dim="time")
    elif method == "mean":
        out = xr.dot(data, overlap, dim="time") / fy.days.where(fy.days > 0)
    else:
        last = (overlap > 0).cumsum("time").argmax("time")  # the last period in each year
        out = data.isel(time=last).drop_vars("time")
    dims = [d if d != "time" else "year" for d in data.dims]
    out = out.transpose(*dims).assign_coords(
        financial_year=fy.days["financial_year"], days_simulated=("year", fy.days.values)
    )
    note = {"sum": "total", "mean": "mean over the days simulated", "last": "last count"}
    return out.assign_attrs(
        {**data.attrs, "cell_methods": f"year: {note[method]} (NHS financial year, April-March)"}
    )
