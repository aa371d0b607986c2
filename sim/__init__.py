"""sim: a simulator of care shifts across acute, community, ambulance and primary care.

Notebook API::

    import sim
    ds = sim.run(["run.horizon_years=5", "place.acute.beds=1500"])  # as `python -m sim ...`
    ds["occupancy"].sel(service="acute_beds").plot()
    sim.financial_years(ds["emergency_admissions"], results=ds)  # per NHS financial year
    ds2 = sim.load("results/<run>/results.nc")
    pack = sim.appraise(["run.horizon_years=5"], draws=20)  # options against baseline
"""

from __future__ import annotations

import logging
from typing import Any

# Library code logs under ``sim.*`` and stays quiet unless the application configures logging
# (the command line does: sim.cli.setup_logging).
logging.getLogger("sim").addHandler(logging.NullHandler())

__all__ = ["appraise", "financial_years", "load", "main_job", "run"]


def __getattr__(name: str) -> Any:
    """``sim.run``, ``sim.appraise``, ``sim.main_job``, ``sim.load`` and ``sim.financial_years``
    (:mod:`sim.api`), imported on first use.
    """
    if name in __all__:
        # Lazy, so that importing one layer (e.g. sim.config) does not import the engines.
        from sim import api

        return getattr(api, name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
