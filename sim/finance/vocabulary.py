"""The names the money speaks in: organisations, payment mechanisms, cost types and drivers.

Pure data (the drivers are results variables of :mod:`sim.results.schema`), so that
configuration validation can use it without loading xarray.
"""

from __future__ import annotations

from sim.results.schema import BOTH as BOTH_ENGINES
from sim.results.schema import FLOWS, LEVELS, VARIABLES

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

INVESTMENT_COSTS: tuple[str, ...] = ("capacity", "amount", "line")
"""How an investment raises its provider's costs: through the capacity it buys, as paid, or
(``line``) it pays the rise of one cost line against plan (capacity the scenario's effects add).
"""

FLOW_DRIVERS: tuple[str, ...] = (
    *(name for name in FLOWS if VARIABLES[name].engines == BOTH_ENGINES),
    "ed_other_attendances",  # derived: ed_attendances - ed_type1_attendances
    "deaths",  # the conservation ledger's deaths
)
"""Results variables that are totals per period (``cell_methods = "time: sum"``) on both
engines, so money can be computed from either."""

LEVEL_DRIVERS: tuple[str, ...] = tuple(
    name for name in LEVELS if VARIABLES[name].engines == BOTH_ENGINES
)
"""Results variables that are levels (period means or censuses); they cost per day."""

DERIVED_DRIVERS: dict[str, tuple[str, str]] = {
    "ed_other_attendances": ("ed_attendances", "ed_type1_attendances"),
}
"""Drivers computed as the difference of two results variables."""
