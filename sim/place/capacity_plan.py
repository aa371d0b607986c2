"""The business-as-usual capacity plan: capacity by service and financial year.

A plan (``place.plan``) gives, for each planned service, a growth rate a year or a table of
capacities by financial year. The first financial year of the run (the one holding
``run.start_date``) is the base year: its capacity is the place's configured capacity (today).
Each later year's capacity applies from 1 April of that year to 31 March (a step change, as
budgets and bed bases change by financial year). Engines read the plan as per-step factors on
today's capacity, exactly as they read a capacity lever; a lever on the same capacity
multiplies on top, so an option is always measured against the plan it is added to.

Two cases: ``bau`` (the plan) and ``do_nothing`` (capacity as today: every factor 1). A
service without an entry keeps today's capacity in both.

Services and their units (today's capacity from the place key named in :data:`SERVICES`):
G&A beds, care-home beds, reablement places, intermediate-care beds, virtual-ward places,
urgent community response places, district nursing caseload places, GP appointments a year
and ambulance crews on duty (the patient-level engine's fleet; the stock-flow engine has no
crew constraint, so there it is recorded but moves nothing).
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import xarray as xr

from sim.config.errors import ConfigError
from sim.config.schema import PlaceCfg, PlanCfg, RunCfg

CASES = ("bau", "do_nothing")
"""Named plan cases: the business-as-usual plan, and capacity held as today."""


@dataclass(frozen=True)
class PlanService:
    """A planned service: where today's capacity is and its units."""

    key: str  # dotted key of today's capacity (``place.`` or ``run.`` prefix)
    units: str
    stockflow: bool = True  # the stock-flow engine has a capacity for it


SERVICES: dict[str, PlanService] = {
    "acute_beds": PlanService("place.acute.beds", "beds"),
    "care_home": PlanService("place.care_home.beds", "beds"),
    "reablement": PlanService("place.reablement.capacity", "places"),
    "ic_beds": PlanService("place.ic_beds.capacity", "beds"),
    "virtual_ward": PlanService("place.virtual_ward.capacity", "places"),
    "ucr": PlanService("place.ucr.capacity", "places"),
    "district_nursing": PlanService("place.district_nursing.capacity", "places"),
    "gp_appointments": PlanService(
        "place.primary_care.appointments_per_head_year", "appointments a year"
    ),
    "ambulance_crews": PlanService("run.patient.ambulance_crews", "crews", stockflow=False),
}
"""Every service a plan may name, in reporting order."""

_LABEL = re.compile(r"^(\d{4})/(\d{2})$")


def series_name(service: str) -> str:
    """The engine series that carries a service's plan factor."""
    return f"plan:{service}"


def financial_year(d: date) -> int:
    """The financial year holding ``d``, by the calendar year it starts in (2025 = 2025/26)."""
    return d.year if d.month >= 4 else d.year - 1


def year_label(year: int) -> str:
    """``2026`` -> ``"2026/27"``."""
    return f"{year}/{(year + 1) % 100:02d}"


def parse_label(label: str) -> int | None:
    """The start year of a financial year label such as ``"2026/27"``; None if malformed."""
    m = _LABEL.match(str(label).strip())
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        return None
    return int(m.group(1))


def run_years(run: RunCfg) -> tuple[int, int]:
    """First (base) and last financial year the run touches."""
    start = date.fromisoformat(run.start_date)
    days = max(int(round(run.horizon_years * 365.0)), 1)
    last = np.datetime64(run.start_date, "D") + np.timedelta64(days - 1, "D")
    return financial_year(start), financial_year(last.astype(object))


def today_capacity(service: str, place: PlaceCfg, crews: float | None = None) -> float:
    """Today's capacity of a planned service in its units (GP: appointments a year)."""
    if service == "gp_appointments":
        return place.primary_care.appointments_per_head_year * place.population.size
    if service == "ambulance_crews":
        return float("nan") if crews is None else float(crews)
    obj: object = place
    for part in SERVICES[service].key.split(".")[1:]:
        obj = getattr(obj, part)
    return float(obj)  # type: ignore[arg-type]


def year_factors(plan: PlanCfg, service: str, base: float, first: int, last: int) -> np.ndarray:
    """Capacity over today's for each financial year ``first..last`` (first = 1)."""
    n = last - first + 1
    entry = plan.services.get(service)
    if plan.case == "do_nothing" or entry is None:
        return np.ones(n)
    if entry.growth_per_year is not None:
        return (1.0 + float(entry.growth_per_year)) ** np.arange(n)
    table = {parse_label(k): float(v) for k, v in (entry.table or {}).items()}
    if base <= 0:
        return np.ones(n)
    return np.array([1.0] + [table[y] / base for y in range(first + 1, last + 1)])


def step_factors(
    place: PlaceCfg, start_date: str, n_steps: int, dt_days: float, crews: float | None = None
) -> dict[str, np.ndarray]:
    """Per-step capacity factors of every planned service (shape ``(n_steps,)``).

    A step takes the factor of the financial year its first day falls in.
    """
    days = np.datetime64(start_date, "D") + np.floor(np.arange(n_steps) * dt_days).astype(int)
    ym = days.astype("datetime64[M]").astype(int)  # months since 1970-01
    fy = 1970 + ym // 12 - (ym % 12 < 3)
    first, last = int(fy[0]), int(fy[-1])
    out = {}
    for svc in SERVICES:
        base = today_capacity(svc, place, crews)
        f = year_factors(place.plan, svc, base, first, last)
        out[svc] = f[fy - first]
    return out


def validate_plan(place: PlaceCfg, run: RunCfg) -> None:
    """One-line :class:`ConfigError` naming the key for a plan that cannot be run.

    Checks: the case is known; every service is known; each has a source and exactly one of
    a finite growth rate above -1 or a table; a table's keys are financial-year labels after
    the base year with no gaps, reaching the run's last year; its capacities finite and >= 0.
    """
    plan = place.plan
    if plan.case not in CASES:
        raise ConfigError(f"place.plan.case = {plan.case!r}: allowed {', '.join(CASES)}")
    first, last = run_years(run)
    for svc, entry in plan.services.items():
        key = f"place.plan.services.{svc}"
        if svc not in SERVICES:
            raise ConfigError(f"{key}: unknown service {svc!r}; known: {', '.join(SERVICES)}")
        if not str(entry.source).strip():
            raise ConfigError(f"{key}.source: empty; give its EVIDENCE row or 'assumption: why'")
        has_growth, has_table = entry.growth_per_year is not None, entry.table is not None
        if has_growth == has_table:
            raise ConfigError(
                f"{key}: give exactly one of growth_per_year or table (has "
                f"{'both' if has_growth else 'neither'})"
            )
        if has_growth:
            g = entry.growth_per_year
            if not (isinstance(g, int | float) and math.isfinite(g) and g > -1):
                raise ConfigError(
                    f"{key}.growth_per_year = {g}: must be a finite fraction a year > -1"
                )
            continue
        _check_table(entry.table or {}, key, first, last)


def _check_table(table: dict[str, float], key: str, first: int, last: int) -> None:
    """A table of capacities by financial year: known years, no gaps, the run covered."""
    years = {}
    for label, value in table.items():
        y = parse_label(label)
        if y is None:
            raise ConfigError(
                f"{key}.table.{label}: unknown year; allowed financial-year labels such as "
                f"{year_label(first + 1)!r}"
            )
        if y <= first:
            raise ConfigError(
                f"{key}.table.{label}: unknown year for this run; the table starts after the "
                f"base year {year_label(first)} (whose capacity is the place's configured one)"
            )
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
            raise ConfigError(f"{key}.table.{label} = {value}: capacity must be finite and >= 0")
        years[y] = value
    if not years:
        raise ConfigError(f"{key}.table: empty; give a capacity for {year_label(first + 1)} on")
    ys = sorted(years)
    gaps = [year_label(y) for y in range(ys[0], ys[-1] + 1) if y not in years]
    if ys[0] != first + 1:
        gaps = [year_label(y) for y in range(first + 1, ys[0])] + gaps
    if gaps:
        raise ConfigError(f"{key}.table: a gap at {', '.join(gaps)}; every year must be given")
    if ys[-1] < last:
        raise ConfigError(
            f"{key}.table: ends at {year_label(ys[-1])}; the run reaches {year_label(last)}"
        )


def plan_table(place: PlaceCfg, run: RunCfg) -> list[tuple[str, str, list[float]]]:
    """Capacity of every planned service by financial year of the run, in its units:
    ``(service, units, [capacity in each year])``.
    """
    first, last = run_years(run)
    rows = []
    for svc, meta in SERVICES.items():
        base = today_capacity(svc, place, run.patient.ambulance_crews)
        factors = year_factors(place.plan, svc, base, first, last)
        rows.append((svc, meta.units, list(base * factors)))
    return rows


def planned_capacity(place: PlaceCfg, run: RunCfg, n_steps: int, n_periods: int) -> xr.DataArray:
    """Planned capacity of every service, mean over each recording period of
    ``run.record_every_days`` steps, in each service's units (GP appointments a year):
    dims ``time, plan_service`` (no coordinate on ``time``; the run's Dataset gives it).
    """
    f = step_factors(place, run.start_date, n_steps, run.step_days, run.patient.ambulance_crews)
    starts = np.arange(0, n_steps, run.record_every_days)
    counts = np.diff(np.append(starts, n_steps))
    cols = []
    for svc in SERVICES:
        base = today_capacity(svc, place, run.patient.ambulance_crews)
        cols.append(base * np.add.reduceat(f[svc], starts) / counts)
    return xr.DataArray(
        np.stack(cols, axis=-1)[:n_periods],
        dims=("time", "plan_service"),
        coords={
            "plan_service": list(SERVICES),
            "plan_units": ("plan_service", [m.units for m in SERVICES.values()]),
        },
        attrs={
            "units": "as plan_units",
            "long_name": "Planned capacity (mean over period; GP appointments a year)",
            "cell_methods": "time: mean",
            "plan_case": place.plan.case,
        },
    )


def plans_anything(place: PlaceCfg) -> bool:
    """Whether the place's plan changes any capacity (case ``bau`` with services)."""
    return place.plan.case != "do_nothing" and bool(place.plan.services)


def holding_capacity(place: PlaceCfg) -> PlaceCfg:
    """A copy of the place with capacity held as today (case ``do_nothing``)."""
    out = copy.deepcopy(place)
    out.plan.case = "do_nothing"
    return out
