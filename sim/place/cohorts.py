"""The place declaration: cohorts of residents and their per-cohort rates, derived from config.

A :class:`Place` is what both engines run. It is built from a validated
:class:`~sim.config.schema.PlaceCfg` by :func:`build_place`, which

1. splits the population into cohorts (age band x need segment x deprivation quintile);
2. turns England's per-head rates into per-cohort hazards per day, spread by relative use and
   rescaled so that the population mean equals the national rate at the start;
3. works out the *direct* rate of each front door so that, with the routes between them
   (unmet GP demand -> NHS 111 -> 999 / ED; 999 -> conveyance to ED), each door's total equals
   its cited national figure at the start (see :func:`front_door_rates`);
4. gives care-home residents their own urgent care (999 incidents, type 1 attendances,
   emergency admissions at the published rates for residents) and takes it out of the
   national totals before they are spread over people at home, since England's per-head
   figures count residents too (see :func:`resident_urgent_care`).

All rates are per person per day; shares are fractions of a flow.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import product

import numpy as np

from sim.config.errors import ConfigError
from sim.config.schema import PlaceCfg, RelativeUse
from sim.place.vocabulary import DAYS_PER_YEAR


@dataclass(frozen=True)
class Cohort:
    """One cell of the population: age band, need segment and deprivation quintile."""

    age: str
    segment: str
    quintile: str

    @property
    def label(self) -> str:
        """A stable text label, e.g. ``65-79|frail|q1``."""
        return f"{self.age}|{self.segment}|{self.quintile}"


@dataclass(frozen=True)
class FrontDoor:
    """Per-head annual rates of each front door's *direct* use, and derived routing shares."""

    gp_demand: float
    nhs111_direct: float
    ambulance_direct: float
    ed_walk_in: float
    walk_in_type1_share: float


@dataclass(frozen=True)
class Place:
    """The resolved place: cohorts, starting populations and per-cohort rates (per day)."""

    cfg: PlaceCfg
    cohorts: tuple[Cohort, ...]
    at_home: np.ndarray  # people at home at the start, per cohort
    in_care_home: np.ndarray  # care-home residents at the start, per cohort
    rate: dict[str, np.ndarray]  # per cohort, per person per day
    share: dict[str, np.ndarray]  # per cohort, fraction
    los_days: np.ndarray  # clinical length of stay per cohort, days
    pathway_shares: np.ndarray  # (cohort, P0..P3) of live discharges
    births_per_day: np.ndarray  # per cohort
    migration_per_day: np.ndarray  # per cohort
    front_door: FrontDoor

    @property
    def n(self) -> int:
        """Number of cohorts."""
        return len(self.cohorts)

    def index(self, dim: str) -> np.ndarray:
        """Position of each cohort along ``age``, ``segment`` or ``quintile``."""
        labels = self.labels(dim)
        return np.array([labels.index(getattr(c, dim)) for c in self.cohorts])

    def labels(self, dim: str) -> list[str]:
        """Labels of one cohort dimension, in order."""
        pop = self.cfg.population
        if dim == "age":
            return list(pop.age_bands)
        if dim == "segment":
            return list(pop.segments)
        return [f"q{i + 1}" for i in range(len(pop.quintile_shares))]


def build_place(cfg: PlaceCfg) -> Place:
    """Derive cohorts, starting populations and per-cohort daily rates from a place config."""
    pop = cfg.population
    ages, segs = list(pop.age_bands), list(pop.segments)
    quints = [f"q{i + 1}" for i in range(len(pop.quintile_shares))]
    cohorts = tuple(Cohort(a, s, q) for a, s, q in product(ages, segs, quints))
    ai = np.array([ages.index(c.age) for c in cohorts])
    si = np.array([segs.index(c.segment) for c in cohorts])
    qi = np.array([quints.index(c.quintile) for c in cohorts])
    seg_share = np.array([pop.segment_shares[a] for a in ages])  # (age, segment)
    people = (
        pop.size
        * np.asarray(pop.age_shares)[ai]
        * seg_share[ai, si]
        * np.asarray(pop.quintile_shares)[qi]
    )
    need = np.asarray(pop.need_by_quintile)[qi]
    ch = cfg.care_home
    # Care-home residents: mostly 80+, frail or complex (assumption; see the YAML).
    ch_weight = (
        people
        * np.array([0.0, 0.02, 0.3, 1.0])[np.minimum(si, 3)]
        * np.where(ai == len(ages) - 1, 3.0, np.where(ai == len(ages) - 2, 1.0, 0.05))
    )
    in_care_home = ch.residents * ch_weight / ch_weight.sum()
    at_home = people - in_care_home
    eligible = np.array([c.age in ch.urgent_care_age_bands for c in cohorts])
    res = resident_urgent_care(cfg, float(in_care_home[eligible].sum()))

    def spread(per_head_year: float, rel: RelativeUse) -> np.ndarray:
        """Per-cohort daily hazards for people at home, whose mean use is ``per_head_year``
        per resident (the national rate counts every resident; the place's front doors are
        used from home).
        """
        rr = np.asarray(rel.age)[ai] * np.asarray(rel.segment)[si] * need
        return per_head_year * people.sum() * rr / np.sum(at_home * rr) / DAYS_PER_YEAR

    n_people = float(people.sum())
    fd0 = front_door_rates(cfg)
    # People at home make the national totals less what residents make (their 999 incidents
    # and their type 1 attendances that did not come by ambulance).
    other = (res.attendances - res.conveyed) / n_people
    walk_in = fd0.ed_walk_in - other
    type1_walk_in = fd0.ed_walk_in * fd0.walk_in_type1_share - other
    if walk_in <= 0 or type1_walk_in < 0 or fd0.ambulance_direct < res.incidents / n_people:
        raise ConfigError(
            f"place.care_home.ed_attendances_per_resident_year = "
            f"{ch.ed_attendances_per_resident_year}: residents would make more 999 incidents "
            f"or type 1 attendances than the place's national totals; allowed: less than them"
        )
    fd = replace(
        fd0,
        ambulance_direct=fd0.ambulance_direct - res.incidents / n_people,
        ed_walk_in=walk_in,
        walk_in_type1_share=type1_walk_in / walk_in,
    )

    ed, amb, gp = cfg.ed, cfg.ambulance, cfg.primary_care
    deaths = np.array([pop.deaths_per_1000_year[a] for a in ages])[ai, si] * need / 1000
    progression = np.zeros(len(cohorts))
    prog_table = np.array([pop.progression_per_1000_year[a] for a in ages])  # (age, transition)
    has_next = si < len(segs) - 1
    progression[has_next] = prog_table[ai[has_next], si[has_next]] * need[has_next] / 1000
    ageing = band_exit_per_year(pop.age_band_years, pop.top_year_share)[ai]

    ed_use = RelativeUse(
        age=list(np.asarray(ed.relative_use.age) * np.asarray(ed.relative_admission.age)),
        segment=list(
            np.asarray(ed.relative_use.segment) * np.asarray(ed.relative_admission.segment)
        ),
    )
    admit_rr = (
        np.asarray(ed.relative_admission.age)[ai] * np.asarray(ed.relative_admission.segment)[si]
    )
    # Type 1 attendances by cohort, from every route (walk-in, conveyed, sent by 111), so the
    # admitted share averages to its national figure over the real attendance mix.
    type1_weight = at_home * (
        spread(fd.ed_walk_in * fd.walk_in_type1_share, ed.relative_use)
        + spread(
            (amb.incidents_per_head_year - res.incidents / n_people) * amb.see_and_convey,
            amb.relative_use,
        )
        + spread(cfg.nhs111.calls_per_head_year * cfg.nhs111.to_ed, gp.relative_use)
    )
    # Residents' attendances and admissions count in the national admitted share too.
    per_day = 1.0 / DAYS_PER_YEAR  # type1_weight is attendances a day
    scale = (
        ed.type1_admitted_share * (type1_weight.sum() + res.attendances * per_day)
        - res.admissions * per_day
    )
    admitted = max(scale, 0.0) * admit_rr / np.sum(type1_weight * admit_rr)
    if admitted.max() > 0.95 or scale <= 0:
        worst = cohorts[int(admitted.argmax())].label
        raise ConfigError(
            f"place.ed.relative_admission: gives cohort {worst} an admitted share of "
            f"{admitted.max():.2f}; allowed at most 0.95 (flatten the relative admission)"
        )
    vw = cfg.virtual_ward
    dn = cfg.district_nursing
    per_day = 1.0 / (1000 * DAYS_PER_YEAR)  # per 1,000 a year -> per person a day
    rate = {
        "gp_demand": spread(fd.gp_demand, gp.relative_use),
        "nhs111": spread(fd.nhs111_direct, gp.relative_use),
        "ambulance": spread(fd.ambulance_direct, amb.relative_use),
        "walk_in": spread(fd.ed_walk_in, ed.relative_use),
        "direct_admission": spread(ed.direct_admissions_per_head_year, ed_use),
        "death": deaths / DAYS_PER_YEAR,
        "progression": progression / DAYS_PER_YEAR,
        "ageing": ageing / DAYS_PER_YEAR,
        "care_home_admission": np.where(
            np.array([c.segment == "frail" for c in cohorts]),
            ch.community_admissions_per_1000_year * per_day,
            0.0,
        ),
        # care-home residents' 999 calls and their type 1 attendances by other routes
        "ch_call_999": np.where(eligible, ch.ambulance_incidents_per_resident_year, 0.0)
        / DAYS_PER_YEAR,
        "ch_ed_other": np.where(eligible, res.other_per_resident, 0.0) / DAYS_PER_YEAR,
        "dn_referral": np.where(
            np.array([c.segment in dn.segments for c in cohorts]),
            dn.referrals_per_1000_year * per_day,
            0.0,
        ),
    }
    share = {
        "type1_admitted": admitted,
        "vw_step_up": np.where(
            np.array([c.segment in vw.step_up_segments for c in cohorts]), vw.step_up_share, 0.0
        ),
        "acute_death": np.asarray(cfg.acute.death_share)[ai],
        "ch_conveyed": np.where(eligible, ch.conveyed_share, 0.0),
        "ch_admitted": np.where(eligible, res.admitted_share, 0.0),
    }
    los = np.asarray(cfg.acute.los_days)[ai] * np.asarray(cfg.acute.los_segment_ratio)[si]
    pathway = np.array([cfg.acute.pathway_shares[a] for a in ages])[ai]
    births = np.where(
        ai == 0,
        pop.births_per_1000_year
        / 1000
        * pop.size
        / DAYS_PER_YEAR
        * seg_share[0, si]
        * np.asarray(pop.quintile_shares)[qi],
        0.0,
    )
    migration = pop.net_migration_per_1000_year / 1000 / DAYS_PER_YEAR * people
    return Place(
        cfg=cfg,
        cohorts=cohorts,
        at_home=at_home,
        in_care_home=in_care_home,
        rate=rate,
        share=share,
        los_days=los,
        pathway_shares=pathway,
        births_per_day=births,
        migration_per_day=migration,
        front_door=fd,
    )


@dataclass(frozen=True)
class ResidentUrgentCare:
    """Care-home residents' urgent care a year at the configured number of residents in the
    urgent-care age bands, and the shares that route it.
    """

    incidents: float  # 999 incidents a year
    conveyed: float  # of which conveyed to type 1 ED
    attendances: float  # type 1 attendances a year, every route
    admissions: float  # emergency admissions a year (all through ED)
    other_per_resident: float  # type 1 attendances not by ambulance, per resident a year
    admitted_share: float  # of residents' type 1 attendances


def resident_urgent_care(cfg: PlaceCfg, residents: float) -> ResidentUrgentCare:
    """What ``residents`` care-home residents make a year at the place's per-resident rates.

    Attendances not by ambulance are the attendance rate less conveyances (the published
    rates count every route, EVIDENCE 10.2); every emergency admission comes through ED, so
    the admitted share is admissions over attendances.
    """
    ch = cfg.care_home
    conveyed = ch.ambulance_incidents_per_resident_year * ch.conveyed_share
    att, adm = ch.ed_attendances_per_resident_year, ch.emergency_admissions_per_resident_year
    return ResidentUrgentCare(
        incidents=residents * ch.ambulance_incidents_per_resident_year,
        conveyed=residents * conveyed,
        attendances=residents * att,
        admissions=residents * adm,
        other_per_resident=max(att - conveyed, 0.0),
        admitted_share=adm / att if att > 0 else 0.0,
    )


def band_exit_per_year(widths: list[float], top_year_share: list[float]) -> np.ndarray:
    """Share of each age band ageing into the next a year: its oldest single year's share
    of the band when given, else ``1 / width`` (people spread evenly); 0 for the open band.
    """
    w = np.asarray(widths, dtype=float)
    even = np.where(w > 0, 1.0 / np.where(w > 0, w, 1.0), 0.0)
    if not top_year_share:
        return even
    return np.where(w > 0, np.asarray(top_year_share, dtype=float), 0.0)


def front_door_rates(cfg: PlaceCfg) -> FrontDoor:
    """Direct per-head annual rates so that each door's total matches its national figure.

    With G appointments per head, demand ratio d and a share u of unmet demand calling 111:
    111 direct = calls - G (d - 1) u; 999 direct = incidents - calls x to_ambulance;
    ED walk-in = attendances - incidents x conveyed - calls x to_ed, of which type 1 is what
    remains of the type 1 total after conveyances and 111 referrals.
    """
    gp, n111, amb, ed = cfg.primary_care, cfg.nhs111, cfg.ambulance, cfg.ed
    unmet_to_111 = (
        gp.appointments_per_head_year * (gp.demand_over_capacity - 1) * gp.unmet_to_111_share
    )
    nhs111_direct = n111.calls_per_head_year - unmet_to_111
    ambulance_direct = amb.incidents_per_head_year - n111.calls_per_head_year * n111.to_ambulance
    conveyed = amb.incidents_per_head_year * amb.see_and_convey
    referred = n111.calls_per_head_year * n111.to_ed
    walk_in = ed.attendances_per_head_year - conveyed - referred
    type1_walk_in = ed.attendances_per_head_year * ed.type1_share - conveyed - referred
    checks = {
        "place.nhs111.calls_per_head_year": nhs111_direct,
        "place.ambulance.incidents_per_head_year": ambulance_direct,
        "place.ed.attendances_per_head_year": walk_in,
        "place.ed.type1_share": type1_walk_in,
    }
    for key, value in checks.items():
        if value < 0:
            raise ConfigError(
                f"{key}: too small for the flows routed into it from other services (direct "
                f"rate would be {value:.4f} per head a year); allowed: a total at least as large "
                f"as its inflows from 111, 999 and unmet GP demand"
            )
    return FrontDoor(
        gp_demand=gp.appointments_per_head_year * gp.demand_over_capacity,
        nhs111_direct=nhs111_direct,
        ambulance_direct=ambulance_direct,
        ed_walk_in=walk_in,
        walk_in_type1_share=type1_walk_in / walk_in if walk_in > 0 else 0.0,
    )
