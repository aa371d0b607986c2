"""Every output variable of a run, declared once: dims, units, long name and CF cell methods.

Both engines fill this schema: the stock-flow place reports each variable under its name and
takes its units and long name from here; the patient engine shapes its monitors into the same
variables. Dims are those after ``draw, time`` (and ``time`` is absent for a per-run value).
``cell_methods`` follows the CF conventions: ``time: sum`` for totals over each recording
period (flows), ``time: mean`` for period means of levels, ``time: point`` for the census at the
period's end. Money variables are declared with the money (:mod:`sim.finance.money`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

SUM, MEAN, POINT = "time: sum", "time: mean", "time: point"
STAT = "patient: statistic"  # a mean or percentile over patients
BOTH, PATIENT = ("stockflow", "patient"), ("patient",)


@dataclass(frozen=True)
class Variable:
    """One output variable: its dims after ``draw, time``, units, long name, cell method."""

    dims: tuple[str, ...]
    units: str
    long_name: str
    cell_methods: str
    engines: tuple[str, ...] = BOTH
    per_period: bool = True  # dims start ``draw, time``; else ``draw`` alone

    @property
    def attrs(self) -> dict[str, str]:
        """The variable's attributes in a Dataset."""
        return {"units": self.units, "long_name": self.long_name, "cell_methods": self.cell_methods}

    def dims_of(self) -> tuple[str, ...]:
        """The variable's dims in a Dataset."""
        return ("draw", "time", *self.dims) if self.per_period else ("draw", *self.dims)

    @property
    def is_flow(self) -> bool:
        """A total over each recording period."""
        return self.cell_methods == SUM


V = Variable
Q = ("quintile",)
VARIABLES: dict[str, Variable] = {
    # -- residents and services ----------------------------------------------------------------
    "population": V(("age_band", "segment", "quintile"), "people", "Residents (all settings), end of period", POINT),
    "occupied": V(("service",), "people", "Occupied beds or places (mean over period)", MEAN),
    "capacity": V(("service",), "beds or places", "Capacity (mean over period)", MEAN),
    "occupancy": V(("service",), "1", "Occupancy (occupied / capacity)", MEAN),
    "nctr": V(("waiting_for",), "patients", "Patients with no criteria to reside, waiting in an acute bed for their discharge pathway", MEAN),
    "boarding": V((), "patients", "Decided admissions waiting in ED for a bed", MEAN),
    "decision_to_admit_over_12h": V((), "patients", "Decided admissions waiting more than 12 hours in ED from the decision to admit (stock-flow: boarding overnight below full)", SUM),
    "acute_patients": V(("age_band",), "patients", "Patients in acute beds by age band", MEAN),
    "bed_pressure_handover_minutes": V((), "minutes", "Handover minutes lost beyond 15 per conveyance at current bed pressure", MEAN),
    # -- activity, by deprivation quintile -----------------------------------------------------
    "gp_appointments": V(Q, "appointments", "GP appointments given", SUM),
    "gp_unmet": V(Q, "appointments", "GP appointments wanted but not available", SUM),
    "nhs111_calls": V(Q, "calls", "NHS 111 calls", SUM),
    "ambulance_incidents": V(Q, "incidents", "999 incidents", SUM),
    "hear_and_treat": V(Q, "incidents", "Incidents closed by telephone advice", SUM),
    "see_and_treat": V(Q, "incidents", "Incidents treated at scene (not conveyed)", SUM),
    "conveyances": V(Q, "patients", "Patients conveyed to ED by ambulance", SUM),
    "ucr_starts": V(Q, "episodes", "Urgent community response episodes started", SUM),
    "ed_attendances": V(Q, "attendances", "A&E attendances, all types", SUM),
    "ed_type1_attendances": V(Q, "attendances", "Type 1 ED attendances", SUM),
    "ed_admissions": V(Q, "admissions", "Type 1 ED attendances admitted", SUM),
    "emergency_admissions": V(Q, "admissions", "Emergency admissions (incl. zero length of stay)", SUM),
    "vw_step_up": V(Q, "patients", "Admissions avoided by virtual ward step-up", SUM),
    "vw_step_down": V(Q, "patients", "Early discharges to a virtual ward", SUM),
    "readmissions": V(Q, "admissions", "Readmissions within 91 days of going home", SUM),
    "at_home_91d": V(Q, "people", "People still at home 91 days after discharge", SUM),
    "follow_up_deaths": V(Q, "people", "Deaths within 91 days of going home", SUM, ("stockflow",)),
    "care_home_admissions": V(Q, "people", "Permanent care-home admissions", SUM),
    "discharges": V(("pathway", "quintile"), "patients", "Discharges from acute beds by pathway", SUM),
    # -- system pressure and deaths ------------------------------------------------------------
    "handover_hours_lost": V((), "hours", "Ambulance hours lost to handover delays beyond 15 minutes", SUM),
    "hospital_deaths": V((), "people", "Deaths in acute beds", SUM),
    "deaths_by_place": V(("place_of_death", "age_band"), "people", "Deaths by place of death (hospital, care home, home, hospice)", SUM, ("stockflow",)),
    "care_home_admissions_after_hospital": V(Q, "people", "People going into long-term care straight from hospital (P3) or at the end of reablement or an intermediate-care bed", SUM, ("stockflow",)),
    "ltc_at_home": V((), "people", "People at home with long-term care needs and no care-home place (home care; time-weighted mean)", MEAN),
    "care_home_residents": V(("funder",), "people", "Care-home residents by who pays their fees: council (with any NHS-funded nursing care) or themselves (mean over period)", MEAN, ("stockflow",)),
    "episodes_started": V(("community_service",), "episodes", "Episodes started in community services (entries to the service)", SUM, ("stockflow",)),
    # -- the patient engine's operational detail -----------------------------------------------
    "occupied_midnight": V(("service",), "people", "Occupied beds or places at midnight (mean census over period)", MEAN, PATIENT),
    "ed_patients": V((), "patients", "Patients in type 1 ED (time-weighted mean)", MEAN, PATIENT),
    "crews_busy": V((), "crews", "Ambulance crews busy (time-weighted mean)", MEAN, PATIENT),
    "follow_up": V((), "people", "People at home in their 91 days after discharge (time-weighted mean)", MEAN, PATIENT),
    "ed_over_4h": V((), "attendances", "Type 1 attendances leaving ED after more than 4 hours", SUM, PATIENT),
    "ed_over_12h": V((), "attendances", "Type 1 attendances leaving ED after more than 12 hours", SUM, PATIENT),
    "ed_corridor": V((), "attendances", "Type 1 attendances treated without a cubicle (corridor)", SUM, PATIENT),
    "boarders_sent_home": V((), "patients", "Decided admissions treated in ED and sent home", SUM, PATIENT),
    "people_initial": V((), "people", "People in services at the start (warm start)", "point", PATIENT, per_period=False),
    "handover_delay_minutes": V(("statistic",), "minutes", "Ambulance handover delay beyond 15 minutes, per conveyance (mean and percentiles over patients)", STAT, PATIENT, per_period=False),
    "ed_hours": V(("statistic",), "hours", "Time in ED per type 1 attendance, arrival to leaving ED (mean and percentiles over patients)", STAT, PATIENT, per_period=False),
    "crew_wait_minutes": V(("statistic",), "minutes", "Wait for an ambulance crew per incident attended (mean and percentiles over patients)", STAT, PATIENT, per_period=False),
    "discharge_wait_days": V(("waiting_for", "statistic"), "days", "Days from medically optimised to the start of the pathway, per patient who started it (mean and percentiles)", STAT, PATIENT, per_period=False),
}  # fmt: skip
"""Every simulated output variable by name (the conservation ledger is the engines' own)."""

FLOWS = tuple(name for name, v in VARIABLES.items() if v.is_flow)
"""Variables that are totals per recording period."""

LEVELS = tuple(name for name, v in VARIABLES.items() if not v.is_flow)
"""Variables that are levels: period means or end-of-period censuses."""


# CF time conventions shared by every results Dataset: the ``Conventions`` attribute, each
# recording period's bounds (``time_bnds``) and its length in days (``period_days``). ``time`` is
# the start of each recording period. A run whose length is not a whole number of periods (ten
# years of weekly records end with a 3-day week) keeps its last, shorter period: ``time_bnds``
# gives every period's start and end (exclusive) and ``period_days`` its length, so a partial
# period is never hidden. Totals over a period (``time: sum``) cover ``period_days`` days.

CONVENTIONS = "CF-1.10"
"""The version of the Climate and Forecast conventions the results follow."""

DAY_NS = 86400e9


def with_time_bounds(ds: xr.Dataset, run_days: float) -> xr.Dataset:
    """``ds`` with ``time_bnds`` (time, bnds) and ``period_days`` (time) coordinates, the CF
    ``bounds`` attribute on ``time`` and the ``Conventions`` attribute.

    Args:
        ds: A Dataset whose ``time`` holds the start of each recording period.
        run_days: Length of the whole run in days; the last period ends there.

    Returns:
        A new Dataset (``ds`` is not modified).
    """
    starts = ds["time"].values.astype("datetime64[ns]")
    end = np.datetime64(starts[0], "ns") + np.timedelta64(int(round(run_days * DAY_NS)), "ns")
    if len(starts) and end <= starts[-1]:
        raise ValueError(f"run of {run_days} days ends before its last period starts")
    ends = np.append(starts[1:], end)
    days = (ends - starts) / np.timedelta64(1, "D")
    out = ds.assign_coords(
        time_bnds=(("time", "bnds"), np.stack([starts, ends], axis=1)),
        period_days=("time", days.astype(float)),
    )
    out["time"].attrs = {**ds["time"].attrs, "bounds": "time_bnds", "standard_name": "time"}
    out["time_bnds"].attrs = {"long_name": "Start and end (exclusive) of each recording period"}
    out["period_days"].attrs = {
        "units": "days",
        "long_name": "Length of each recording period (the last may be shorter)",
    }
    out.attrs["Conventions"] = CONVENTIONS
    return out
