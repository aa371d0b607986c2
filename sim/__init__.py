"""sim: a simulator of care shifts across acute, community, ambulance and primary care.

Notebook API::

    import sim
    ds = sim.run(["run.horizon_years=5", "place.acute.beds=1500"])  # as `python -m sim ...`
    ds["occupancy"].sel(service="acute_beds").plot()
    ds2 = sim.load("results/<run>/results.nc")
    pack = sim.appraise(["run.horizon_years=5"], draws=20)  # options against baseline
"""

from __future__ import annotations

import xarray as xr

from sim.results.io import load

__all__ = ["appraise", "load", "run"]


def run(overrides: list[str] | None = None, draws: int = 1) -> xr.Dataset:
    """Compose the configuration exactly as the CLI does, run it and return the Dataset.

    Args:
        overrides: Hydra overrides, e.g. ``["run.horizon_years=5", "place.acute.beds=1500"]``.
        draws: parameter draws (sets ``run.draws`` unless an override already does).
    """
    from sim.config.compose import compose_config
    from sim.runner import simulate

    overrides = list(overrides or [])
    if not any(o.split("=", 1)[0].lstrip("+") == "run.draws" for o in overrides):
        overrides.append(f"run.draws={int(draws)}")
    return simulate(compose_config(overrides))


def appraise(overrides: list[str] | None = None, draws: int = 1):
    """The main job from a notebook: baseline and options, and the appraisal of them.

    Returns an :class:`sim.appraisal.run.Appraisal` with ``.appraisal`` (the metrics Dataset:
    dims ``option, draw, year``), ``.runs`` (each run's results Dataset, ``"baseline"``
    first) and ``.configs``. ``overrides`` and ``draws`` work as in :func:`run`; with
    ``scenario=X`` only X is appraised.
    """
    from sim.appraisal.run import run_appraisal
    from sim.config.compose import compose_config

    overrides = list(overrides or [])
    if not any(o.split("=", 1)[0].lstrip("+") == "run.draws" for o in overrides):
        overrides.append(f"run.draws={int(draws)}")
    return run_appraisal(compose_config(overrides), overrides)
