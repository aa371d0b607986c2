"""The names the money speaks in: organisations, payment mechanisms, cost types and drivers.

Pure data, no imports, so that configuration validation can use it without loading xarray.
"""

from __future__ import annotations

ORGANISATIONS: dict[str, str] = {
    "icb": "Integrated care board (commissioner)",
    "acute": "Acute trust",
    "community": "Community provider",
    "ambulance": "Ambulance trust (999 and NHS 111)",
    "primary_care": "Primary care (general practice)",
    "local_authority": "Local authority adult social care",
}
"""Organisation ids (coordinates of the ``org``, ``payer`` and ``provider`` dims) and names."""

MECHANISMS: tuple[str, ...] = ("block", "activity", "api", "blended", "capitation", "risk_share")
"""Payment mechanisms a contract may use (docs/money.md)."""

COST_TYPES: tuple[str, ...] = ("fixed", "semi_fixed", "variable", "investment")
"""How a provider's costs behave: with capacity, in steps, with activity, or as invested."""

INVESTMENT_COSTS: tuple[str, ...] = ("capacity", "amount")
"""How an investment raises its provider's costs: through the capacity it buys, or as paid."""

FLOW_DRIVERS: tuple[str, ...] = (
    "gp_appointments",
    "gp_unmet",
    "nhs111_calls",
    "ambulance_incidents",
    "hear_and_treat",
    "see_and_treat",
    "conveyances",
    "ucr_starts",
    "ed_attendances",
    "ed_type1_attendances",
    "ed_other_attendances",  # derived: ed_attendances - ed_type1_attendances
    "ed_admissions",
    "emergency_admissions",
    "vw_step_up",
    "vw_step_down",
    "readmissions",
    "at_home_91d",
    "care_home_admissions",
    "discharges",
    "handover_hours_lost",
    "hospital_deaths",
    "deaths",
)
"""Results variables that are totals per period (``cell_methods = "time: sum"``)."""

LEVEL_DRIVERS: tuple[str, ...] = (
    "occupied",
    "capacity",
    "nctr",
    "boarding",
    "acute_patients",
    "population",
)
"""Results variables that are levels (period means or censuses); they cost per day."""

DERIVED_DRIVERS: dict[str, tuple[str, str]] = {
    "ed_other_attendances": ("ed_attendances", "ed_type1_attendances"),
}
"""Drivers computed as the difference of two results variables."""
