"""Checks of the patient-level engine's settings (``run.patient``), before any work starts.

Each error names the dotted key, its value and what is allowed, on one line, e.g.
``run.patient.ed_decision_hours.mean = -1.0: must be > 0``. Besides ranges, a service every
patient of some kind must pass (ambulance crews for 999 incidents, ED cubicles for type 1
attendances, acute beds for decided admissions, care-home beds for pathway 3) may not have
capacity 0 unless an overflow rule lets patients go round it.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

from sim.config.errors import ConfigError
from sim.config.schema import Config, DurationCfg
from sim.place.cohorts import build_place
from sim.place.patient.inputs import read_snapshot

DURATION_KINDS = ("lognormal", "gamma", "exponential", "fixed")
LOS_KINDS = ("erlang", "gamma", "lognormal", "exponential", "fixed")
SERVICE_KINDS = ("erlang", "exponential", "fixed")
HANDOVER_KINDS = ("exponential", "fixed")
OVERFLOW = ("queue", "corridor")


def validate_patient(cfg: Config) -> None:
    """Raise :class:`ConfigError` on the first problem in ``run.patient`` (and the place
    capacities it depends on); return quietly otherwise.
    """
    p = cfg.run.patient
    key = "run.patient"
    _int_at_least(p.replications, f"{key}.replications", 1)
    _int_at_least(p.workers, f"{key}.workers", 1)
    _one_of(p.los_distribution, f"{key}.los_distribution", LOS_KINDS)
    _positive(p.los_cv, f"{key}.los_cv")
    _one_of(p.service_distribution, f"{key}.service_distribution", SERVICE_KINDS)
    _one_of(p.handover_delay_distribution, f"{key}.handover_delay_distribution", HANDOVER_KINDS)
    _one_of(p.ed_overflow, f"{key}.ed_overflow", OVERFLOW)
    for name, n in (
        ("ed_hourly_profile", 24),
        ("ambulance_hourly_profile", 24),
        ("weekday_profile", 7),
    ):
        _profile(getattr(p, name), f"{key}.{name}", n)
    for name in (
        "on_scene_minutes",
        "to_hospital_minutes",
        "turnaround_minutes",
        "ed_discharged_hours",
        "ed_decision_hours",
    ):
        _duration(getattr(p, name), f"{key}.{name}")
    if not (math.isfinite(p.handover_minutes) and p.handover_minutes >= 0):
        raise ConfigError(f"{key}.handover_minutes = {p.handover_minutes}: must be >= 0")
    _int_at_least(p.escalation_beds, f"{key}.escalation_beds", 0)
    for name in ("escalation_from", "escalation_to"):
        value = getattr(p, name)
        try:
            date.fromisoformat(f"2024-{value}")
        except (TypeError, ValueError):
            raise ConfigError(f"{key}.{name} = {value!r}: must be a day MM-DD") from None
    if p.warm_start != "stockflow" and not Path(p.warm_start).is_file():
        raise ConfigError(
            f"{key}.warm_start = {p.warm_start!r}: no such file; allowed: stockflow or the "
            f"path of a snapshot CSV with columns service,cohort,patients"
        )
    if p.warm_start != "stockflow":  # every row checked here, before any progress line
        read_snapshot(Path(p.warm_start), build_place(cfg.place), {})
    results = Path(cfg.run.output_dir).resolve()
    if p.event_log is not None and not Path(p.event_log).resolve().is_relative_to(results):
        raise ConfigError(  # runs write inside their results folder only
            f"{key}.event_log = {p.event_log!r}: outside the results folder; allowed a file "
            f"inside run.output_dir, e.g. {cfg.run.output_dir}/episodes.csv.gz"
        )
    if p.event_log is not None and not Path(p.event_log).parent.is_dir():
        raise ConfigError(
            f"{key}.event_log = {p.event_log!r}: its folder does not exist; allowed a file in "
            f"an existing folder"
        )
    if p.event_log_format not in ("episodes", "process_mining"):
        raise ConfigError(
            f"{key}.event_log_format = {p.event_log_format!r}: allowed episodes, process_mining"
        )
    _required_capacities(cfg)
    sc = cfg.scenario
    if sc.effects or sc.investments or sc.contracts:
        raise ConfigError(
            f"run.engine = 'patient': scenario={sc.name} changes the place over time (effects, "
            f"investments or contracts), which only the stock-flow engine runs so far; allowed: "
            f"scenario=baseline with place overrides, or run.engine=stockflow"
        )


def _required_capacities(cfg: Config) -> None:
    """Services some patients must pass: capacity 0 is refused unless something overflows."""
    p, place = cfg.run.patient, cfg.place
    if p.ambulance_crews < 1:
        raise ConfigError(
            f"run.patient.ambulance_crews = {p.ambulance_crews}: every 999 incident seen face to "
            f"face needs a crew and there is no overflow; must be an integer >= 1"
        )
    if p.ed_cubicles < 1 and p.ed_overflow == "queue":
        raise ConfigError(
            f"run.patient.ed_cubicles = {p.ed_cubicles}: type 1 attendances need a cubicle and "
            f"run.patient.ed_overflow = 'queue' has no overflow; allowed: >= 1, or "
            f"ed_overflow=corridor"
        )
    if p.ed_cubicles < 0:
        raise ConfigError(f"run.patient.ed_cubicles = {p.ed_cubicles}: must be >= 0")
    ac = place.acute
    if ac.beds + p.escalation_beds < 1 and ac.boarding_discharge_per_day <= 0:
        raise ConfigError(
            f"place.acute.beds = {ac.beds}: decided admissions need a bed and "
            f"place.acute.boarding_discharge_per_day = {ac.boarding_discharge_per_day} sends "
            f"none home from ED; allowed: beds >= 1 or boarding_discharge_per_day > 0"
        )
    p3 = any(shares[3] > 0 for shares in ac.pathway_shares.values())
    if p3 and place.care_home.beds < 1:
        raise ConfigError(
            f"place.care_home.beds = {place.care_home.beds}: pathway 3 discharges need a "
            f"care-home bed and have no other way out; allowed: >= 1"
        )


def _duration(d: DurationCfg, key: str) -> None:
    _one_of(d.distribution, f"{key}.distribution", DURATION_KINDS)
    if not (math.isfinite(d.mean) and d.mean > 0):
        raise ConfigError(f"{key}.mean = {d.mean}: must be > 0")
    if d.distribution in ("lognormal", "gamma"):
        _positive(d.cv, f"{key}.cv")


def _profile(values: list[float], key: str, n: int) -> None:
    if len(values) != n:
        what = "hourly" if n == 24 else "daily (Monday first)"
        raise ConfigError(
            f"{key} = {list(values)}: has {len(values)} values; needs {n} {what} values"
        )
    for i, v in enumerate(values):
        if not (math.isfinite(v) and v >= 0):
            raise ConfigError(f"{key}.{i} = {v}: must be a finite number >= 0")
    if sum(values) <= 0:
        raise ConfigError(f"{key} = {list(values)}: must have a value > 0")


def _one_of(value: str, key: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"{key} = {value!r}: allowed {', '.join(allowed)}")


def _positive(value: float, key: str) -> None:
    if not (math.isfinite(value) and value > 0):
        raise ConfigError(f"{key} = {value}: must be > 0")


def _int_at_least(value: int, key: str, low: int) -> None:
    if int(value) != value or value < low:
        raise ConfigError(f"{key} = {value}: must be an integer >= {low}")
