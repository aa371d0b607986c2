"""What the main job produces: the appraisal, each run and its configuration."""

from __future__ import annotations

from dataclasses import dataclass

import xarray as xr

from sim.config.schema import Config


@dataclass
class Appraisal:
    """What the main job produces: the appraisal Dataset, each run and its configuration."""

    appraisal: xr.Dataset | None  # None when there are no options
    runs: dict[str, xr.Dataset]  # "baseline" first, "baseline_do_nothing", then each option
    configs: dict[str, Config]
