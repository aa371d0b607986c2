"""Check the appraisal settings before any work (one-line errors naming key, value, rule)."""

from __future__ import annotations

import math

from sim.config.compose import options
from sim.config.errors import ConfigError
from sim.config.schema import Config


def validate_appraisal(cfg: Config) -> None:
    """Options that exist, a horizon within the run, rates in range, health values >= 0."""
    a = cfg.appraisal
    available = options("scenario")
    for name in a.options:
        if name not in available:
            raise ConfigError(
                f"appraisal.options: {name!r} is not a scenario; available: {', '.join(available)}"
            )
    if a.horizon_years is not None and not (0 < a.horizon_years <= cfg.run.horizon_years):
        raise ConfigError(
            f"appraisal.horizon_years = {a.horizon_years}: must be > 0 and <= run.horizon_years "
            f"({cfg.run.horizon_years:g})"
        )
    for key, rate in (("discount_rate", a.discount_rate),
                      ("health.discount_rate", a.health.discount_rate)):  # fmt: skip
        if not (math.isfinite(rate) and 0 <= rate <= 0.2):
            raise ConfigError(f"appraisal.{key} = {rate}: must be between 0 and 0.2 (0-20%)")
    for key in ("value_per_qaly_gbp", "qaly_per_admission_avoided",
                "qaly_per_long_term_care_avoided"):  # fmt: skip
        value = getattr(a.health, key)
        if not (math.isfinite(value) and value >= 0):
            raise ConfigError(f"appraisal.health.{key} = {value}: must be a finite number >= 0")
