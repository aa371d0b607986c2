"""Check a composed configuration before any work starts.

Every error names the dotted key, the offending value and what is allowed, e.g.
``place.acute.beds = -5: must be >= 0``. Checks: every number in the place is finite and
non-negative; shares lie in [0, 1]; splits sum to 1; per-band and per-segment lists have the
right length; lookups increase; run settings are in range.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from datetime import date

from sim.config.errors import ConfigError
from sim.config.schema import Config, PlaceCfg, RunCfg, ServiceCfg

TOL = 1e-6
ENGINES = ("stockflow", "patient")


def validate(cfg: Config) -> None:
    """Raise :class:`ConfigError` on the first problem found; return quietly otherwise."""
    validate_run(cfg.run)
    validate_place(cfg.place)
    from sim.finance.validate import validate_finance  # the money: sim/finance/

    validate_finance(cfg.finance)
    from sim.scenarios.validate import validate_scenario  # care shifts: sim/scenarios/

    validate_scenario(cfg)
    from sim.appraisal.validate import validate_appraisal  # options appraisal: sim/appraisal/

    validate_appraisal(cfg)
    if cfg.run.engine == "patient":
        from sim.config.patient import validate_patient

        validate_patient(cfg)


def validate_run(run: RunCfg) -> None:
    """Check the ``run`` group."""
    if run.engine not in ENGINES:
        raise ConfigError(f"run.engine = {run.engine!r}: allowed {', '.join(ENGINES)}")
    _check(run.horizon_years > 0 and math.isfinite(run.horizon_years), "run.horizon_years",
           run.horizon_years, "must be > 0")  # fmt: skip
    _check(0 < run.step_days <= 7, "run.step_days", run.step_days, "must be in (0, 7] days")
    _check(run.record_every_days >= 1, "run.record_every_days", run.record_every_days,
           "must be an integer >= 1")  # fmt: skip
    _check(run.draws >= 1, "run.draws", run.draws, "must be an integer >= 1")
    _check(run.seed >= 0, "run.seed", run.seed, "must be >= 0")
    try:
        date.fromisoformat(run.start_date)
    except ValueError:
        raise ConfigError(
            f"run.start_date = {run.start_date!r}: must be a date YYYY-MM-DD"
        ) from None
    n_steps = run.horizon_years * 365 / run.step_days
    _check(n_steps >= 1, "run.horizon_years", run.horizon_years, "must cover at least one step")


def validate_place(place: PlaceCfg) -> None:
    """Check the ``place`` group."""
    _walk_numbers(place, "place")
    pop = place.population
    bands, segs = list(pop.age_bands), list(pop.segments)
    _check(pop.size > 0, "place.population.size", pop.size, "must be > 0")
    _length(pop.age_band_years, bands, "place.population.age_band_years", "age band")
    _length(pop.age_shares, bands, "place.population.age_shares", "age band")
    _sums_to_one(pop.age_shares, "place.population.age_shares")
    _sums_to_one(pop.quintile_shares, "place.population.quintile_shares")
    _length(pop.need_by_quintile, pop.quintile_shares, "place.population.need_by_quintile",
            "quintile")  # fmt: skip
    if len(segs) != 4 or segs[-1] != "frail":
        raise ConfigError(
            f"place.population.segments = {segs}: four segments in order of need, the last "
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
            _length(values[band], per, f"place.population.{table}.{band}", what)
            if table == "segment_shares":
                _sums_to_one(values[band], f"place.population.{table}.{band}")
    for key in ("primary_care", "ambulance", "ed"):
        rel = getattr(place, key).relative_use
        _length(rel.age, bands, f"place.{key}.relative_use.age", "age band")
        _length(rel.segment, segs, f"place.{key}.relative_use.segment", "segment")
    _length(place.ed.relative_admission.age, bands, "place.ed.relative_admission.age", "age band")
    _length(place.ed.relative_admission.segment, segs, "place.ed.relative_admission.segment",
            "segment")  # fmt: skip
    n111 = place.nhs111
    _sums_to_one([n111.to_ambulance, n111.to_ed, n111.to_home], "place.nhs111.to_*")
    a = place.ambulance
    _sums_to_one([a.hear_and_treat, a.see_and_treat, a.see_and_treat_to_ucr, a.see_and_convey],
                 "place.ambulance outcomes (hear_and_treat, see_and_treat, "
                 "see_and_treat_to_ucr, see_and_convey)")  # fmt: skip
    _check(a.ucr_suitable_share <= a.see_and_convey, "place.ambulance.ucr_suitable_share",
           a.ucr_suitable_share, f"must be <= see_and_convey ({a.see_and_convey})")  # fmt: skip
    _increasing(a.handover_bed_pressure, a.handover_minutes_lost, "place.ambulance.handover")
    for key in ("unmet_to_111_share",):
        _share(getattr(place.primary_care, key), f"place.primary_care.{key}")
    _check(place.primary_care.demand_over_capacity >= 1, "place.primary_care.demand_over_capacity",
           place.primary_care.demand_over_capacity, "must be >= 1")  # fmt: skip
    for key in ("type1_share", "type1_admitted_share"):
        _share(getattr(place.ed, key), f"place.ed.{key}")
    _validate_acute(place)
    for key in ("ucr", "reablement", "ic_beds", "virtual_ward", "district_nursing"):
        _validate_service(getattr(place, key), f"place.{key}")
    _share(place.virtual_ward.step_up_share, "place.virtual_ward.step_up_share")
    _share(place.virtual_ward.step_down_per_day, "place.virtual_ward.step_down_per_day")
    for key, names in (("virtual_ward.step_up_segments", place.virtual_ward.step_up_segments),
                       ("district_nursing.segments", place.district_nursing.segments)):  # fmt: skip
        unknown = sorted(set(names) - set(segs))
        if unknown:
            raise ConfigError(f"place.{key} = {list(names)}: unknown {unknown}; allowed {segs}")
    ch = place.care_home
    _check(ch.residents <= ch.beds, "place.care_home.residents", ch.residents,
           f"must be <= place.care_home.beds ({ch.beds})")  # fmt: skip
    _check(ch.residents < pop.size, "place.care_home.residents", ch.residents,
           "must be below the population")  # fmt: skip
    _check(place.follow_up.days > 0, "place.follow_up.days", place.follow_up.days, "must be > 0")
    _check(place.follow_up.stages >= 1, "place.follow_up.stages", place.follow_up.stages,
           "must be >= 1")  # fmt: skip
    _check(abs(place.seasonality.winter_amplitude) < 1, "place.seasonality.winter_amplitude",
           place.seasonality.winter_amplitude, "must be in [0, 1)")  # fmt: skip
    _validate_uncertain(place)


def _validate_acute(place: PlaceCfg) -> None:
    ac = place.acute
    bands = list(place.population.age_bands)
    _share(ac.zero_los_share, "place.acute.zero_los_share")
    _length(ac.los_days, bands, "place.acute.los_days", "age band")
    _length(ac.los_segment_ratio, place.population.segments, "place.acute.los_segment_ratio",
            "segment")  # fmt: skip
    for i, v in enumerate(ac.los_days):
        _check(v > 0, f"place.acute.los_days.{i}", v, "must be > 0 days")
    _length(ac.death_share, bands, "place.acute.death_share", "age band")
    for i, v in enumerate(ac.death_share):
        _share(v, f"place.acute.death_share.{i}")
    if sorted(ac.pathway_shares) != sorted(bands):
        raise ConfigError(f"place.acute.pathway_shares: must have exactly the age bands {bands}")
    for band in bands:
        _length(ac.pathway_shares[band], ["P0", "P1", "P2", "P3"],
                f"place.acute.pathway_shares.{band}", "pathway")  # fmt: skip
        _sums_to_one(ac.pathway_shares[band], f"place.acute.pathway_shares.{band}")
    _length(ac.pathway_wait_days, ["P1", "P2", "P3"], "place.acute.pathway_wait_days", "pathway")
    for i, v in enumerate(ac.pathway_wait_days):
        _check(v >= 1, f"place.acute.pathway_wait_days.{i}", v, "must be >= 1 day")
    _length(ac.decondition_per_day, ["P1->P2", "P2->P3"], "place.acute.decondition_per_day",
            "transition")  # fmt: skip
    _share(ac.weekend_pathway_factor, "place.acute.weekend_pathway_factor")
    _increasing(ac.pressure_bed_pressure, ac.pressure_discharge_speed, "place.acute.pressure")
    for i, v in enumerate(ac.pressure_discharge_speed):
        _check(v > 0, f"place.acute.pressure_discharge_speed.{i}", v, "must be > 0")
    _check(ac.max_stages >= 1, "place.acute.max_stages", ac.max_stages, "must be >= 1")


def _validate_service(svc: ServiceCfg, key: str) -> None:
    _check(svc.mean_days > 0, f"{key}.mean_days", svc.mean_days, "must be > 0 days")
    _check(svc.stages >= 1, f"{key}.stages", svc.stages, "must be an integer >= 1")
    _check(svc.mean_days / svc.stages >= 1, f"{key}.mean_days", svc.mean_days,
           f"each of its {svc.stages} stages must last at least one day")  # fmt: skip
    _sums_to_one([svc.to_home, svc.to_hospital, svc.to_care_home, svc.died],
                 f"{key} exits (to_home, to_hospital, to_care_home, died)")  # fmt: skip


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


def resolve_key(obj: object, key: str) -> object:
    """The value at a dotted key (list items by index), e.g. ``acute.decondition_per_day.0``."""
    for part in key.split("."):
        if isinstance(obj, dict):
            obj = obj[part]
        elif isinstance(obj, list):
            obj = obj[int(part)]
        else:
            if not hasattr(obj, part):
                raise KeyError(part)
            obj = getattr(obj, part)
    return obj


# -- helpers -------------------------------------------------------------------------------
def _walk_numbers(obj: object, key: str) -> None:
    """Every number under ``obj`` must be finite and >= 0."""
    if dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            if f.name != "uncertain":
                _walk_numbers(getattr(obj, f.name), f"{key}.{f.name}")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            _walk_numbers(v, f"{key}.{k}")
    elif isinstance(obj, list | tuple):
        for i, v in enumerate(obj):
            _walk_numbers(v, f"{key}.{i}")
    elif isinstance(obj, int | float) and not isinstance(obj, bool):
        if not math.isfinite(obj) or obj < 0:
            raise ConfigError(f"{key} = {obj}: must be a finite number >= 0")


def _check(ok: bool, key: str, value: object, allowed: str) -> None:
    if not ok:
        raise ConfigError(f"{key} = {value}: {allowed}")


def _share(value: float, key: str) -> None:
    _check(0 <= value <= 1, key, value, "must be a share in [0, 1]")


def _sums_to_one(values: Iterable[float], key: str) -> None:
    values = list(values)
    for i, v in enumerate(values):
        _share(v, f"{key}.{i}" if "(" not in key else key)
    total = sum(values)
    if abs(total - 1) > TOL:
        raise ConfigError(f"{key} = {values}: shares sum to {total:.6g}; must sum to 1")


def _length(values: Sequence[object], per: Sequence[object], key: str, what: str) -> None:
    if len(values) != len(per):
        raise ConfigError(
            f"{key} = {list(values)}: has {len(values)} values; needs one per {what} ({len(per)})"
        )


def _increasing(xs: Sequence[float], ys: Sequence[float], key: str) -> None:
    if len(xs) != len(ys) or not xs:
        raise ConfigError(f"{key}: x and y tables must have the same non-zero length")
    if any(b <= a for a, b in zip(xs, xs[1:], strict=False)):
        raise ConfigError(f"{key}: x values {list(xs)} must be strictly increasing")
