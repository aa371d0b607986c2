"""Levers: the quantities of the place that a care shift may change over time.

A scenario never edits outputs; it moves levers, and the model's mechanisms do the rest. Each
lever is a per-step, per-draw factor on one part of the place declaration (a capacity, a rate,
a length of stay, a route). Engines read the lever paths as time series; they know nothing of
scenarios. The table :data:`LEVERS` is the one place that says what each lever does.

A lever's path is built from effects (see :func:`lever_path`): each effect has a size in one
of the lever's units and a ramp profile in [0, 1] over time. ``relative`` sizes are fractions
(-0.2 = 20% less); the other units are absolute changes converted with the lever's base value
from the place (places or beds for capacities, days for lengths of stay and waits, a share or
a rate per day for routes that do not exist at baseline).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Lever:
    """One lever: what it acts on and how an effect of a given unit becomes a factor."""

    name: str
    acts_on: str
    kind: str  # "capacity" | "duration" | "rate" | "route"
    units: tuple[str, ...]  # units an effect's size may be given in
    base_key: str | None = None  # place key of the base value for absolute changes
    targeted: bool = False  # takes age/segment/quintile targets

    @property
    def neutral(self) -> float:
        """The lever's value when nothing changes (1 for factors, 0 for new routes)."""
        return 0.0 if self.kind == "route" else 1.0


_L = Lever
LEVERS: dict[str, Lever] = {
    lever.name: lever
    for lever in (
        _L(
            "acute.beds",
            "general and acute bed capacity (decommissioning or new beds)",
            "capacity",
            ("relative", "beds"),
            "acute.beds",
        ),
        _L(
            "reablement.capacity",
            "P1 home-based intermediate care / reablement places",
            "capacity",
            ("relative", "places", "episodes_per_year"),
            "reablement.capacity",
        ),
        _L(
            "ic_beds.capacity",
            "P2 intermediate-care beds",
            "capacity",
            ("relative", "places", "episodes_per_year"),
            "ic_beds.capacity",
        ),
        _L(
            "ucr.scale",
            "urgent community response: places and the share of UCR-suitable 999 "
            "patients crews can refer (ambulance.ucr_suitable_share) grow together",
            "capacity",
            ("relative", "places"),
            "ucr.capacity",
        ),
        _L(
            "virtual_ward.scale",
            "virtual ward places and step-up referrals grow together",
            "capacity",
            ("relative", "places"),
            "virtual_ward.capacity",
        ),
        _L(
            "district_nursing.scale",
            "district nursing caseload places and referrals grow together",
            "capacity",
            ("relative", "places"),
            "district_nursing.capacity",
        ),
        _L(
            "acute.p1_wait",
            "wait for assessment and start of P1 support (speed of starts)",
            "duration",
            ("relative", "days"),
            "acute.pathway_wait_days.0",
        ),
        _L(
            "acute.p2_wait",
            "wait for assessment and start of P2 beds (speed of starts)",
            "duration",
            ("relative", "days"),
            "acute.pathway_wait_days.1",
        ),
        _L(
            "acute.p3_wait",
            "wait for a care-home placement (speed of starts)",
            "duration",
            ("relative", "days"),
            "acute.pathway_wait_days.2",
        ),
        _L(
            "acute.decondition",
            "deconditioning of patients waiting in hospital (P1 -> P2 and P2 -> P3 rates)",
            "rate",
            ("relative",),
        ),
        _L(
            "acute.home_first_redirect",
            "patients awaiting P2 or P3 reassessed at home and moved to P1 (discharge to "
            "assess); P3 candidates in the residents' age bands go home with long-term care needs",
            "route",
            ("per_day",),
        ),
        _L(
            "reablement.step_up",
            "share of decided admissions of the targeted cohorts taken "
            "by home-based intermediate care instead, while it has places",
            "route",
            ("share",),
            None,
            True,
        ),
        _L(
            "reablement.stay",
            "length of a reablement episode",
            "duration",
            ("relative", "days"),
            "reablement.mean_days",
        ),
        _L(
            "ic_beds.stay",
            "length of an intermediate-care bed stay",
            "duration",
            ("relative", "days"),
            "ic_beds.mean_days",
        ),
        _L(
            "virtual_ward.step_down",
            "rate of early discharge to a virtual ward",
            "rate",
            ("relative",),
        ),
        _L(
            "population.progression",
            "progression between need segments of the targeted cohorts (prevention)",
            "rate",
            ("relative",),
            None,
            True,
        ),
    )
}


@dataclass(frozen=True)
class Targets:
    """Cohorts a targeted lever applies to; an empty tuple means all."""

    ages: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    quintiles: tuple[str, ...] = ()

    def covers(self, age: str, segment: str, quintile: str) -> bool:
        """Whether a cohort is targeted."""
        return (
            (not self.ages or age in self.ages)
            and (not self.segments or segment in self.segments)
            and (not self.quintiles or quintile in self.quintiles)
        )


def series_name(lever: str) -> str:
    """The engine series that carries a lever's path."""
    return f"lever:{lever}"


def ramp(
    days: np.ndarray, start_day: float, ramp_days: float, end_day: np.ndarray | float = np.inf
) -> np.ndarray:
    """Share of an effect in place on each day: 0 before ``start_day``, rising linearly to 1
    over ``ramp_days``, back to 0 from ``end_day`` (per draw when an array); shape
    ``(draws or 1, days)``.
    """
    d = np.asarray(days, dtype=float)[None, :]
    if ramp_days > 0:
        r = np.clip((d - start_day) / ramp_days, 0.0, 1.0)
    else:
        r = (d >= start_day).astype(float)
    end = np.atleast_1d(np.asarray(end_day, dtype=float))[:, None]
    return np.where(d < end, r, 0.0)


def factor(lever: Lever, size: np.ndarray, unit: str, base: np.ndarray | None, r: np.ndarray):
    """The lever factor of one effect: ``size`` per draw (shape ``(draws,)``) in ``unit``,
    phased in by ``r`` (``(draws or 1, steps)``); ``base`` is the lever's base value per draw.
    """
    s = np.asarray(size, dtype=float)[:, None]
    if lever.kind == "route":
        return s * r
    if unit == "relative":  # a fraction of the base: -0.2 = 20% less (or 20% shorter)
        return 1.0 / (1.0 + s * r) if lever.kind == "duration" else 1.0 + s * r
    b = np.asarray(base, dtype=float)[:, None]
    if lever.kind == "capacity":
        return 1.0 + s * r / b
    if lever.kind == "duration":  # a change in days of a mean: speed = D / (D + change)
        return b / (b + s * r)
    raise ValueError(f"lever {lever.name}: unit {unit!r} not allowed")


def combine(lever: Lever, factors: Sequence[np.ndarray]) -> np.ndarray:
    """Several effects on one lever: factors multiply; new routes add."""
    out = np.asarray(factors[0])
    for f in factors[1:]:
        out = out + f if lever.kind == "route" else out * f
    return out
