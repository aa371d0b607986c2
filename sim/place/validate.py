"""Check the ``place`` group before any work (one-line errors naming key, value, rule).

Every number in the place is finite and non-negative; shares lie in [0, 1]; splits sum to 1;
per-band and per-segment lists have the right length; lookups increase; uncertain keys exist.
"""

from __future__ import annotations

import math

from sim.config.errors import ConfigError
from sim.config.keys import resolve_key
from sim.config.schema import PlaceCfg, ServiceCfg
from sim.config.validate import check, increasing, length, share, sums_to_one, walk_numbers
from sim.place.vocabulary import PATHWAYS, WAITED_PATHWAYS


def validate_place(place: PlaceCfg) -> None:
    """Check the ``place`` group."""
    walk_numbers(place, "place")
    pop = place.population
    bands, segs = list(pop.age_bands), list(pop.segments)
    check(pop.size > 0, "place.population.size", pop.size, "must be > 0")
    length(pop.age_band_years, bands, "place.population.age_band_years", "age band")
    length(pop.age_shares, bands, "place.population.age_shares", "age band")
    if pop.top_year_share:
        length(pop.top_year_share, bands, "place.population.top_year_share", "age band")
        for i, v in enumerate(pop.top_year_share):
            share(v, f"place.population.top_year_share.{i}")
    share(pop.hospice_share_of_home_deaths, "place.population.hospice_share_of_home_deaths")
    sums_to_one(pop.age_shares, "place.population.age_shares")
    sums_to_one(pop.quintile_shares, "place.population.quintile_shares")
    length(
        pop.need_by_quintile, pop.quintile_shares, "place.population.need_by_quintile", "quintile"
    )
    if len(segs) != 4 or segs[-1] != "frail":
        raise ConfigError(
            f"place.population.segments = {segs}: allowed four segments in order of need, the last "
            f"'frail' (e.g. [well, ltc, complex, frail])"
        )
    for table, per, what in (
        ("segment_shares", segs, "segment"),
        ("deaths_per_1000_year", segs, "segment"),
        ("progression_per_1000_year", segs[:-1], "transition"),
    ):
        values = getattr(pop, table)
        if sorted(values) != sorted(bands):
            raise ConfigError(
                f"place.population.{table}: has bands {sorted(values)}; must have exactly the "
                f"age bands {bands}"
            )
        for band in bands:
            length(values[band], per, f"place.population.{table}.{band}", what)
            if table == "segment_shares":
                sums_to_one(values[band], f"place.population.{table}.{band}")
    for key in ("primary_care", "ambulance", "ed"):
        rel = getattr(place, key).relative_use
        length(rel.age, bands, f"place.{key}.relative_use.age", "age band")
        length(rel.segment, segs, f"place.{key}.relative_use.segment", "segment")
    length(place.ed.relative_admission.age, bands, "place.ed.relative_admission.age", "age band")
    length(
        place.ed.relative_admission.segment, segs, "place.ed.relative_admission.segment", "segment"
    )
    n111 = place.nhs111
    sums_to_one([n111.to_ambulance, n111.to_ed, n111.to_home], "place.nhs111.to_*")
    a = place.ambulance
    sums_to_one(
        [a.hear_and_treat, a.see_and_treat, a.see_and_treat_to_ucr, a.see_and_convey],
        "place.ambulance outcomes (hear_and_treat, see_and_treat, "
        "see_and_treat_to_ucr, see_and_convey)",
    )
    check(
        a.ucr_suitable_share <= a.see_and_convey,
        "place.ambulance.ucr_suitable_share",
        a.ucr_suitable_share,
        f"must be <= see_and_convey ({a.see_and_convey})",
    )
    increasing(a.handover_bed_pressure, a.handover_minutes_lost, "place.ambulance.handover")
    for key in ("unmet_to_111_share",):
        share(getattr(place.primary_care, key), f"place.primary_care.{key}")
    check(
        place.primary_care.demand_over_capacity >= 1,
        "place.primary_care.demand_over_capacity",
        place.primary_care.demand_over_capacity,
        "must be >= 1",
    )
    for key in ("type1_share", "type1_admitted_share"):
        share(getattr(place.ed, key), f"place.ed.{key}")
    _validate_acute(place)
    for key in ("ucr", "reablement", "ic_beds", "virtual_ward", "district_nursing"):
        _validate_service(getattr(place, key), f"place.{key}")
    share(place.virtual_ward.step_up_share, "place.virtual_ward.step_up_share")
    share(place.virtual_ward.step_down_per_day, "place.virtual_ward.step_down_per_day")
    for key, names in (
        ("virtual_ward.step_up_segments", place.virtual_ward.step_up_segments),
        ("district_nursing.segments", place.district_nursing.segments),
    ):
        unknown = sorted(set(names) - set(segs))
        if unknown:
            raise ConfigError(f"place.{key} = {list(names)}: unknown {unknown}; allowed {segs}")
    ch = place.care_home
    check(
        ch.residents <= ch.beds,
        "place.care_home.residents",
        ch.residents,
        f"must be <= place.care_home.beds ({ch.beds})",
    )
    check(
        ch.residents < pop.size,
        "place.care_home.residents",
        ch.residents,
        "must be below the population",
    )
    _validate_care_home(place)
    check(place.follow_up.days > 0, "place.follow_up.days", place.follow_up.days, "must be > 0")
    check(
        place.follow_up.stages >= 1,
        "place.follow_up.stages",
        place.follow_up.stages,
        "must be >= 1",
    )
    check(
        abs(place.seasonality.winter_amplitude) < 1,
        "place.seasonality.winter_amplitude",
        place.seasonality.winter_amplitude,
        "must be in [0, 1)",
    )
    _validate_uncertain(place)
    _validate_sizes(place)


CAPACITIES = (
    "acute.beds",
    "ucr.capacity",
    "reablement.capacity",
    "ic_beds.capacity",
    "virtual_ward.capacity",
    "district_nursing.capacity",
    "care_home.beds",
)
PER_HEAD_YEAR = (
    "primary_care.appointments_per_head_year",
    "nhs111.calls_per_head_year",
    "ambulance.incidents_per_head_year",
    "ed.attendances_per_head_year",
    "ed.direct_admissions_per_head_year",
)
MAX_PER_HEAD_YEAR = 365.0  # assumption: nobody uses a service more than once a day on average
MAX_POPULATION = 100e6  # more than England (57 million, ONS mid-2022): not one place


def _validate_sizes(place: PlaceCfg) -> None:
    """Sizes a place can have: no more places than residents, no more than daily use."""
    size = place.population.size
    check(
        size <= MAX_POPULATION,
        "place.population.size",
        size,
        f"must be <= {MAX_POPULATION:.0f} (more than England)",
    )
    for key in CAPACITIES:
        value = resolve_key(place, key)
        allowed = f"must be <= place.population.size ({size:g}): more places than residents"
        check(value <= size, f"place.{key}", value, allowed)
    for key in PER_HEAD_YEAR:
        value = resolve_key(place, key)
        check(
            value <= MAX_PER_HEAD_YEAR,
            f"place.{key}",
            value,
            f"must be <= {MAX_PER_HEAD_YEAR:g} a head a year (daily use)",
        )


def validate_step(place: PlaceCfg, step_days: float) -> None:
    """Every delay stage lasts at least one step (the stock-flow engine refuses a shorter one):
    acute stays of every cohort (the shortest band x the shortest segment ratio), community
    services and follow-up, each per stage.
    """
    ac = place.acute
    shortest = {
        "place.acute.los_days": min(ac.los_days) * min(ac.los_segment_ratio),
        "place.follow_up.days": place.follow_up.days / place.follow_up.stages,
    }
    for key in ("ucr", "reablement", "ic_beds", "virtual_ward", "district_nursing"):
        svc = getattr(place, key)
        shortest[f"place.{key}.mean_days"] = svc.mean_days / svc.stages
    key, days = min(shortest.items(), key=lambda kv: kv[1])
    check(
        step_days <= days,
        "run.step_days",
        step_days,
        f"must be <= {days:g} days, the shortest delay stage ({key} per stage)",
    )


def _validate_acute(place: PlaceCfg) -> None:
    ac = place.acute
    bands = list(place.population.age_bands)
    share(ac.zero_los_share, "place.acute.zero_los_share")
    length(ac.los_days, bands, "place.acute.los_days", "age band")
    length(
        ac.los_segment_ratio, place.population.segments, "place.acute.los_segment_ratio", "segment"
    )
    for i, v in enumerate(ac.los_days):
        check(v > 0, f"place.acute.los_days.{i}", v, "must be > 0 days")
    length(ac.death_share, bands, "place.acute.death_share", "age band")
    for i, v in enumerate(ac.death_share):
        share(v, f"place.acute.death_share.{i}")
    if sorted(ac.pathway_shares) != sorted(bands):
        raise ConfigError(f"place.acute.pathway_shares: must have exactly the age bands {bands}")
    for band in bands:
        length(ac.pathway_shares[band], PATHWAYS, f"place.acute.pathway_shares.{band}", "pathway")
        sums_to_one(ac.pathway_shares[band], f"place.acute.pathway_shares.{band}")
    length(ac.pathway_wait_days, WAITED_PATHWAYS, "place.acute.pathway_wait_days", "pathway")
    for i, v in enumerate(ac.pathway_wait_days):
        check(v >= 1, f"place.acute.pathway_wait_days.{i}", v, "must be >= 1 day")
    length(
        ac.decondition_per_day,
        ["P1->P2", "P2->P3"],
        "place.acute.decondition_per_day",
        "transition",
    )
    share(ac.weekend_pathway_factor, "place.acute.weekend_pathway_factor")
    increasing(ac.pressure_bed_pressure, ac.pressure_discharge_speed, "place.acute.pressure")
    for i, v in enumerate(ac.pressure_discharge_speed):
        check(v > 0, f"place.acute.pressure_discharge_speed.{i}", v, "must be > 0")
    check(ac.max_stages >= 1, "place.acute.max_stages", ac.max_stages, "must be >= 1")
    check(
        math.isfinite(ac.crowding_full_occupancy) and ac.crowding_full_occupancy > 0,
        "place.acute.crowding_full_occupancy",
        ac.crowding_full_occupancy,
        "must be a finite bed pressure > 0",
    )
    check(
        math.isfinite(ac.crowding_spread) and 0 <= ac.crowding_spread <= 1,
        "place.acute.crowding_spread",
        ac.crowding_spread,
        "must be between 0 and 1 (a standard deviation of bed pressure)",
    )


MAX_PER_RESIDENT_YEAR = 365.0  # assumption: nobody uses urgent care more than once a day


def _validate_care_home(place: PlaceCfg) -> None:
    """Residents' urgent care and the market: known age bands, shares, rates a resident can
    make, admissions within attendances, a target occupancy in (0, 1].
    """
    ch, key = place.care_home, "place.care_home"
    bands = list(place.population.age_bands)
    unknown = sorted(set(ch.urgent_care_age_bands) - set(bands))
    if unknown:
        raise ConfigError(
            f"{key}.urgent_care_age_bands = {list(ch.urgent_care_age_bands)}: unknown "
            f"{unknown}; allowed {bands}"
        )
    for name in ("conveyed_share", "self_funded_share"):
        share(getattr(ch, name), f"{key}.{name}")
    for name in (
        "ambulance_incidents_per_resident_year",
        "ed_attendances_per_resident_year",
        "emergency_admissions_per_resident_year",
    ):
        value = getattr(ch, name)
        check(
            value <= MAX_PER_RESIDENT_YEAR,
            f"{key}.{name}",
            value,
            f"must be <= {MAX_PER_RESIDENT_YEAR:g} a resident a year (daily use)",
        )
    att = ch.ed_attendances_per_resident_year
    check(
        ch.emergency_admissions_per_resident_year <= att,
        f"{key}.emergency_admissions_per_resident_year",
        ch.emergency_admissions_per_resident_year,
        f"must be <= ed_attendances_per_resident_year ({att:g}): every admission comes through ED",
    )
    conveyed = ch.ambulance_incidents_per_resident_year * ch.conveyed_share
    check(
        conveyed <= att,
        f"{key}.ed_attendances_per_resident_year",
        att,
        f"must be >= the conveyances it includes (ambulance_incidents_per_resident_year x "
        f"conveyed_share = {conveyed:g})",
    )
    check(
        0 < ch.target_occupancy <= 1,
        f"{key}.target_occupancy",
        ch.target_occupancy,
        "must be in (0, 1]",
    )


def _validate_service(svc: ServiceCfg, key: str) -> None:
    check(svc.mean_days > 0, f"{key}.mean_days", svc.mean_days, "must be > 0 days")
    check(svc.stages >= 1, f"{key}.stages", svc.stages, "must be an integer >= 1")
    check(
        svc.mean_days / svc.stages >= 1,
        f"{key}.mean_days",
        svc.mean_days,
        f"each of its {svc.stages} stages must last at least one day",
    )
    sums_to_one(
        [svc.to_home, svc.to_hospital, svc.to_care_home, svc.died],
        f"{key} exits (to_home, to_hospital, to_care_home, died)",
    )


def _validate_uncertain(place: PlaceCfg) -> None:
    for key, rng in place.uncertain.items():
        try:
            value = resolve_key(place, key)
        except (KeyError, AttributeError, IndexError):
            raise ConfigError(
                f"place.uncertain.{key}: no such place key (use dotted keys like acute.beds)"
            ) from None
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ConfigError(f"place.uncertain.{key}: {value!r} is not a number")
        if not (rng.low <= rng.central <= rng.high):
            raise ConfigError(
                f"place.uncertain.{key}: low {rng.low}, central {rng.central}, high {rng.high}: "
                f"must satisfy low <= central <= high"
            )
        if rng.low < 0:
            raise ConfigError(f"place.uncertain.{key}.low = {rng.low}: must be >= 0")
