"""The API for notebooks and scripts: the same jobs as the command line.

``run`` composes the configuration exactly as ``python -m sim`` does and returns the results
Dataset; ``appraise`` runs the main job (baseline and options) and returns the appraisal;
``load`` reads a saved results file.
"""

from __future__ import annotations

import xarray as xr

from sim.appraisal.result import Appraisal
from sim.jobs.appraise import run_appraisal
from sim.jobs.load import load_config
from sim.jobs.simulate import simulate
from sim.results.io import load

__all__ = ["appraise", "load", "run"]


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


def appraise(overrides: list[str] | None = None, draws: int = 1) -> Appraisal:
    """The main job from a notebook: baseline and options, and the appraisal of them.

    Returns an :class:`~sim.appraisal.result.Appraisal` with ``.appraisal`` (the metrics
    Dataset: dims ``option, draw, year``), ``.runs`` (each run's results Dataset,
    ``"baseline"`` first) and ``.configs``. ``overrides`` and ``draws`` work as in :func:`run`;
    with ``scenario=X`` only X is appraised.
    """
    overrides = _with_draws(overrides, draws)
    return run_appraisal(load_config(overrides), overrides)
