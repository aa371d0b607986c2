"""Scenario results beside the evidence: the measures the published figures describe,
computed from a scenario run and its plan (the same run with no changes).

Used by ``scripts/scenario_evidence.py`` (which writes ``docs/scenarios.md``) and by the
tests, so the table and the checks can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from sim.finance.years import FinancialYears
from sim.place.vocabulary import DAYS_PER_YEAR, WAITED_PATHWAYS


@dataclass(frozen=True)
class Row:
    """One measure: model values per draw beside an evidence range."""

    measure: str
    model: np.ndarray  # per draw
    low: float | None
    high: float | None
    source: str
    kind: str  # what the model value is: emergent, or which input sets it

    def central(self) -> float:
        """The first draw (the central run when draws = 1)."""
        return float(self.model[0])

    def within(self) -> bool | None:
        """Whether the central value lies in the evidence range (None without a range)."""
        if self.low is None or self.high is None:
            return None
        return bool(self.low <= self.central() <= self.high)


def year_of(ds: xr.Dataset, start: str) -> xr.Dataset:
    """The record period starting on ``start`` (annual records)."""
    return ds.sel(time=np.datetime64(start))


def total(ds: xr.Dataset, var: str, **sel) -> np.ndarray:
    """Per draw: ``var`` summed over every dim but ``draw``."""
    da = ds[var].sel(**sel) if sel else ds[var]
    return da.sum([d for d in da.dims if d != "draw"]).values


def waiting_days_per_patient(y: xr.Dataset) -> np.ndarray:
    """Mean days in hospital with no criteria to reside per patient discharged on P1-P3:
    the time from medically optimised to leaving, for people needing support to leave.
    """
    nctr_days = total(y, "nctr") * DAYS_PER_YEAR
    return nctr_days / total(y, "discharges", pathway=list(WAITED_PATHWAYS))


def mean_stay(y: xr.Dataset, service: str) -> np.ndarray:
    """Mean length of an episode in a community service (Little's law: places / starts)."""
    occupied = y["occupied"].sel(service=service).values * DAYS_PER_YEAR
    return occupied / y["episodes_started"].sel(community_service=service).values


def homefirst_rows(run: xr.Dataset, plan: xr.Dataset, year: str) -> list[Row]:
    """Leeds HomeFirst figures (EVIDENCE S.1-S.4, 7.1-7.6) against the model in one year."""
    r, p = year_of(run, year), year_of(plan, year)
    return [
        Row(
            "Fewer emergency admissions a year",
            total(p, "emergency_admissions") - total(r, "emergency_admissions"),
            786,
            1212,
            "EVIDENCE S.1 (1,212), 7.1 (786), 7.2 (869)",
            "emergent (step-up share calibrated, see scenarios/homefirst.yaml)",
        ),
        Row(
            "Shorter wait in hospital for people needing discharge support (%)",
            100 * (1 - waiting_days_per_patient(r) / waiting_days_per_patient(p)),
            31,
            36,
            "EVIDENCE S.2 (-36%), 7.4 (-31%)",
            "emergent (P1 assessment wait calibrated)",
        ),
        Row(
            "Shorter intermediate-care (short-term) bed stays (days)",
            mean_stay(p, "ic_beds") - mean_stay(r, "ic_beds"),
            8.2,
            9.9,
            "EVIDENCE S.3 (-9.9 days), 7.5 (-8.2 days)",
            "input: ic_beds.stay effect (EVIDENCE S.3, 7.5), through the Erlang stay",
        ),
        Row(
            "More people a year going home instead of long-term care",
            total(p, "care_home_admissions_after_hospital")
            - total(r, "care_home_admissions_after_hospital"),
            169,
            607,
            "EVIDENCE S.4 (607), 7.6 (169; 421)",
            "emergent (reassessment share calibrated)",
        ),
    ]


def community_rows(run: xr.Dataset, plan: xr.Dataset, year: str) -> list[Row]:
    """Community investment against EVIDENCE S.5/S.6 (7.11) and 7.12, in one year."""
    r, p = year_of(run, year), year_of(plan, year)
    adm = 100 * (total(r, "emergency_admissions") / total(p, "emergency_admissions") - 1)
    conv_rate_r = total(r, "conveyances") / total(r, "ambulance_incidents")
    conv_rate_p = total(p, "conveyances") / total(p, "ambulance_incidents")
    fy = int(str(np.datetime64(year, "Y")))
    invested = run["investment_total"].sel(year=fy).values
    acute_cash = (
        plan["provider_cost"].sel(year=fy, org="acute").sum("cost_type").values
        - run["provider_cost"].sel(year=fy, org="acute").sum("cost_type").values
    )
    acute_value = _acute_activity_value(p, run, fy) - _acute_activity_value(r, run, fy)
    return [
        Row(
            "Change in non-elective admission rate (%)",
            adm,
            -15,
            -15,
            "EVIDENCE S.5, 7.11 (15% lower; cross-sectional association between systems)",
            "emergent",
        ),
        Row(
            "Change in ambulance conveyance rate (% of incidents conveyed, relative)",
            100 * (conv_rate_r / conv_rate_p - 1),
            -10,
            -10,
            "EVIDENCE S.6, 7.11 (10% lower; cross-sectional association)",
            "emergent",
        ),
        Row(
            "Acute activity value saved per GBP 100 invested (GBP, at full unit costs)",
            100 * acute_value / invested,
            131,
            131,
            "EVIDENCE 7.12 (GBP 131 of acute savings per GBP 100)",
            "emergent",
        ),
        Row(
            "Acute cash saved per GBP 100 invested (GBP, variable costs only: fixed and "
            "semi-fixed costs stay until beds are taken out)",
            100 * acute_cash / invested,
            None,
            None,
            "EVIDENCE 7.12 counts savings, not cash released",
            "emergent",
        ),
    ]


def _acute_activity_value(y: xr.Dataset, money: xr.Dataset, fy: int) -> np.ndarray:
    """Acute activity valued at full unit costs: admissions, occupied bed days, type 1 ED."""
    unit = money["unit_cost"]

    def cost(name: str) -> float:
        return float(unit.sel(unit_cost_name=name))

    bed_days = y["occupied"].sel(service="acute_beds").values * DAYS_PER_YEAR
    return (
        total(y, "emergency_admissions") * cost("nel_admission")
        + bed_days * cost("excess_bed_day")
        + total(y, "ed_type1_attendances") * cost("ae_attendance")
    )


def ten_year(run: xr.Dataset) -> dict[str, np.ndarray]:
    """Totals over the whole run per draw: activity, bed days, money."""
    fy = FinancialYears(run)

    def days(driver: str) -> np.ndarray:  # level-days over the run (e.g. bed days)
        return fy.quantity(driver).sum("year").values

    return {
        "emergency admissions": total(run, "emergency_admissions"),
        "conveyances": total(run, "conveyances"),
        "acute bed days": days("occupied.acute_beds"),
        "delayed (NCTR) bed days": days("nctr"),
        "long-term care after hospital": total(run, "care_home_admissions_after_hospital"),
        "handover hours lost": total(run, "handover_hours_lost"),
        "investment (GBP)": total(run, "investment_total"),
        "system net cost (GBP)": total(run, "system_net_cost"),
    }
