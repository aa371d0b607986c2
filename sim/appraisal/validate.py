"""Check the appraisal settings before any work (one-line errors naming key, value, rule)."""

from __future__ import annotations

import math

from sim.appraisal.views import bed_day_value
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
    for key, rate in (
        ("discount_rate", a.discount_rate),
        ("health.discount_rate", a.health.discount_rate),
    ):
        if not (math.isfinite(rate) and 0 <= rate <= 0.2):
            raise ConfigError(f"appraisal.{key} = {rate}: must be between 0 and 0.2 (0-20%)")
    h = a.health
    if not (math.isfinite(h.value_per_qaly_gbp) and h.value_per_qaly_gbp > 0):
        raise ConfigError(
            f"appraisal.health.value_per_qaly_gbp = {h.value_per_qaly_gbp}: must be a finite "
            f"number > 0 (GBP per QALY; EVIDENCE 10.88: 70,000)"
        )
    for key in (
        "qaly_per_admission_avoided",
        "qaly_per_long_term_care_avoided",
        "qaly_per_life_year",
    ):
        value = getattr(h, key)
        if not (math.isfinite(value) and value >= 0):
            raise ConfigError(f"appraisal.health.{key} = {value}: must be a finite number >= 0")
    for key in ("costs", "benefits"):
        value = getattr(a.optimism_bias, key)
        if not (math.isfinite(value) and 0 <= value <= 2):
            raise ConfigError(
                f"appraisal.optimism_bias.{key} = {value}: must be between 0 and 2 (0-200%)"
            )
    e = a.economic
    for key in ("bed_day_gbp", "opportunity_share", "boarding_day_share"):
        value = getattr(e, key)
        if not (math.isfinite(value) and value >= 0):
            raise ConfigError(f"appraisal.economic.{key} = {value}: must be a finite number >= 0")
    units = sorted(cfg.finance.unit_costs)
    if e.handover_hour_unit_cost not in units:
        raise ConfigError(
            f"appraisal.economic.handover_hour_unit_cost = {e.handover_hour_unit_cost!r}: not a "
            f"finance unit cost; allowed {', '.join(units)}"
        )
    bed_day_value(a, cfg.finance.price_year)  # the uplift covers the years to the price year
