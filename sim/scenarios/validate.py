"""Check a scenario before any work: levers, units, ranges, dates, targets, money, contracting.

Every error names the dotted key, the value and what is allowed, e.g.
``scenario.effects.x.size: low 0.5 > high 0.2; need low <= central <= high``.
"""

from __future__ import annotations

import math
from datetime import date

from sim.config.errors import ConfigError
from sim.config.keys import resolve_key
from sim.config.schema import Config, EffectCfg, Uncertain
from sim.finance.prices import index_years
from sim.finance.validate import validate_finance
from sim.place.describe import cohort_labels
from sim.place.levers import LEVERS
from sim.place.vocabulary import DAYS_PER_YEAR
from sim.scenarios.investments import check_buys
from sim.scenarios.money import scenario_finance

CONTRACTING = ("none", "annual", "multi_year")


def validate_scenario(cfg: Config) -> None:
    """Raise :class:`ConfigError` on the first problem in ``cfg.scenario``."""
    sc = cfg.scenario
    labels = cohort_labels(cfg.place)
    for name, e in sc.effects.items():
        key = f"scenario.effects.{name}"
        if e.lever not in LEVERS:
            raise ConfigError(f"{key}.lever = {e.lever!r}: allowed {', '.join(sorted(LEVERS))}")
        lever = LEVERS[e.lever]
        if e.unit not in lever.units:
            raise ConfigError(
                f"{key}.unit = {e.unit!r}: allowed {', '.join(lever.units)} (lever {e.lever})"
            )
        _range(e.size, f"{key}.size")
        if lever.kind == "route" and e.size.low < 0:
            raise ConfigError(f"{key}.size.low = {e.size.low}: a new route's size must be >= 0")
        if e.unit == "relative" and e.size.low <= -1:
            raise ConfigError(f"{key}.size.low = {e.size.low}: a relative change must be > -1")
        _date(e.start, f"{key}.start")
        _start_in_range(cfg, e.start, f"{key}.start")
        _absolute_size(cfg, e, key)
        for field in ("lag_years", "ramp_years"):
            value = getattr(e, field)
            if not (math.isfinite(value) and 0 <= value <= MAX_LAG_YEARS):
                raise ConfigError(f"{key}.{field} = {value}: must be in [0, {MAX_LAG_YEARS:g}]")
        for dim, allowed in labels.items():
            chosen = list(getattr(e, dim))
            if chosen and not lever.targeted:
                raise ConfigError(
                    f"{key}.{dim}: lever {e.lever} is not targeted; allowed only on targeted "
                    f"levers (remove {dim})"
                )
            for label in chosen:
                if label not in allowed:
                    raise ConfigError(f"{key}.{dim}: {label!r} unknown; allowed {allowed}")
    for name, line in sc.investments.items():
        check_buys(name, line)
    _validate_money(cfg)
    c = sc.contracting
    if c.mode not in CONTRACTING:
        raise ConfigError(
            f"scenario.contracting.mode = {c.mode!r}: allowed {', '.join(CONTRACTING)}"
        )
    if c.term_years < 1:
        raise ConfigError(f"scenario.contracting.term_years = {c.term_years}: must be >= 1")
    paying_lines = [k for k, line in sc.investments.items() if line.cost == "line"]
    if c.mode != "none" and paying_lines:
        raise ConfigError(
            f"scenario.investments.{paying_lines[0]}: cost = line pays for capacity the "
            f"effects add, which contracting cannot withdraw; use contracting.mode none"
        )
    if c.mode != "none" and not sc.investments:
        raise ConfigError(
            f"scenario.contracting.mode = {c.mode!r}: the scenario has no investments to "
            f"contract for; use mode none"
        )


def _validate_money(cfg: Config) -> None:
    """The scenario's investments and contracts, checked as the finance checks its own,
    with errors naming the scenario's keys.
    """
    try:
        validate_finance(scenario_finance(cfg))
    except ConfigError as exc:
        msg = str(exc)
        for group in ("investments", "contracts"):
            for name in getattr(cfg.scenario, group):
                msg = msg.replace(f"finance.{group}.{name}", f"scenario.{group}.{name}")
        raise ConfigError(msg) from None


def _range(r: Uncertain, key: str) -> None:
    values = (r.low, r.central, r.high)
    if not all(math.isfinite(v) for v in values):
        raise ConfigError(f"{key} = {values}: low, central and high must be finite")
    if not r.low <= r.central <= r.high:
        raise ConfigError(
            f"{key}: low {r.low} / central {r.central} / high {r.high}; must be low <= central "
            f"<= high (numeric bounds: a reduction has a more negative low)"
        )
    if not str(r.source).strip():
        raise ConfigError(f"{key}.source is empty: must cite an EVIDENCE row or say 'assumption'")


MAX_LAG_YEARS = 100.0  # beyond any run (run.horizon_years <= 100)


def _start_in_range(cfg: Config, start: str, key: str) -> None:
    """An effect starts between the first year of the cost index and the longest run's end
    (an effect after the end of a short run does nothing, and is allowed).
    """
    years = index_years(cfg.finance.index)
    first = date(years[0], 4, 1) if years else date(1900, 1, 1)
    run_start = date.fromisoformat(cfg.run.start_date)
    last = date(run_start.year + int(MAX_LAG_YEARS), run_start.month, min(run_start.day, 28))
    when = date.fromisoformat(start)
    if not first <= when <= last:
        raise ConfigError(
            f"{key} = {start!r}: allowed {first.isoformat()} (the first year of finance.index) "
            f"to {last.isoformat()} ({MAX_LAG_YEARS:g} years after run.start_date, the longest run)"
        )


def _absolute_size(cfg: Config, e: EffectCfg, key: str) -> None:
    """An absolute cut (places, beds, days) cannot remove more than the lever's base value."""
    lever = LEVERS[e.lever]
    if e.unit == "relative" or lever.kind == "route" or lever.base_key is None:
        return
    base = float(resolve_key(cfg.place, lever.base_key))
    if e.unit == "episodes_per_year":  # places = episodes a year x mean length / 365
        base = (
            base
            * DAYS_PER_YEAR
            / float(resolve_key(cfg.place, f"{lever.base_key.split('.')[0]}.mean_days"))
        )
    if e.size.low <= -base:
        raise ConfigError(
            f"{key}.size.low = {e.size.low:g} {e.unit}: cuts all of place.{lever.base_key} "
            f"({base:g} {e.unit}); allowed > {-base:g}"
        )


def _date(value: str, key: str) -> None:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{key} = {value!r}: must be a date YYYY-MM-DD") from None
