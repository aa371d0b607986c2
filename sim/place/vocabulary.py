"""The place's vocabulary: one list of each thing every layer names.

Services with a capacity, discharge pathways, and the units of time the place is declared in.
Code that needs one of these lists reads it from here, never writes its own tuple.
"""

from __future__ import annotations

DAYS_PER_YEAR = 365.0
"""Days in a model year (rates per year become rates per day by dividing by this)."""

PATHWAYS = ("P0", "P1", "P2", "P3")
"""Discharge pathways: P0 home, P1 home with support (reablement), P2 an intermediate-care
bed, P3 a care home."""

WAITED_PATHWAYS = PATHWAYS[1:]
"""Pathways patients may wait for in a bed with no criteria to reside (P1-P3)."""

SERVICES = (
    "acute_beds",
    "reablement",
    "ic_beds",
    "virtual_ward",
    "ucr",
    "district_nursing",
    "care_home",
)
"""Services with a capacity, in the order of the ``service`` dimension of results."""

COMMUNITY = ("reablement", "ic_beds", "virtual_ward", "ucr", "district_nursing")
"""Community services (places with a stay)."""

AFTER_DISCHARGE = ("reablement", "ic_beds", "virtual_ward")
"""Services whose patients are followed up for 91 days at home when they leave."""
