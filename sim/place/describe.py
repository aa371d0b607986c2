"""The place described for readers outside the place layer: its labels, key sizes and
uncertain inputs, so the scenarios, report and jobs never read place parameters themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.schema import PlaceCfg


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain place key: its range and source."""

    key: str
    low: float
    central: float
    high: float
    source: str


def cohort_labels(place: PlaceCfg) -> dict[str, list[str]]:
    """The labels a scenario may target: age bands, need segments and quintiles."""
    pop = place.population
    return {
        "ages": list(pop.age_bands),
        "segments": list(pop.segments),
        "quintiles": [f"q{i + 1}" for i in range(len(pop.quintile_shares))],
    }


def n_cohorts(place: PlaceCfg) -> int:
    """Cohorts: age bands x need segments x deprivation quintiles."""
    labels = cohort_labels(place)
    return len(labels["ages"]) * len(labels["segments"]) * len(labels["quintiles"])


def key_sizes(place: PlaceCfg) -> list[tuple[str, float, str]]:
    """The place's key sizes at the start: (what, value, units)."""
    return [
        ("Residents at the start", place.population.size, "people"),
        ("General and acute beds", place.acute.beds, "beds"),
        ("Urgent community response", place.ucr.capacity, "places"),
        ("Reablement (P1)", place.reablement.capacity, "places"),
        ("Intermediate-care beds (P2)", place.ic_beds.capacity, "beds"),
        ("Virtual wards", place.virtual_ward.capacity, "places"),
        ("District nursing caseload", place.district_nursing.capacity, "places"),
        ("Care-home beds", place.care_home.beds, "beds"),
    ]


def uncertain_inputs(place: PlaceCfg) -> list[UncertainInput]:
    """The place's uncertain keys with their ranges and sources."""
    return [
        UncertainInput(k, u.low, u.central, u.high, u.source) for k, u in place.uncertain.items()
    ]
