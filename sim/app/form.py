"""The app's form as the command line's overrides, validated by the command line's rules.

Every input becomes a Hydra override (``run.draws=2``, ``place.plan.case=do_nothing``,
``scenario.effects.reablement_places.size.central=400``) and is checked by
:func:`sim.jobs.load.load_config`, the function ``python -m sim`` uses; its one-line
:class:`~sim.config.errors.ConfigError` names the key, so the page shows it beside the field
that key belongs to. Nothing here runs a simulation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from sim.config.compose import options as group_options
from sim.config.errors import ConfigError
from sim.config.schema import Config
from sim.jobs.load import load_config

PLAN_CASES = {
    "bau": "Business as usual: capacity follows the place's plan (place.plan)",
    "do_nothing": "Do nothing: capacity held as today",
}
KEY = re.compile(r"^\+*([A-Za-z0-9_.\-\[\]]+)")


@dataclass(frozen=True)
class Range:
    """An adjustable uncertain size: an effect or an investment amount of some options."""

    key: str  # the override's key without ``.central``, e.g. scenario.effects.x.size
    label: str
    unit: str
    low: float
    central: float
    high: float
    source: str
    options: tuple[str, ...]  # the options that have it


@dataclass
class Form:
    """What the user chose; :func:`overrides` turns it into the command line's overrides."""

    place: str = "synthetic_800k"
    options: list[str] = field(default_factory=list)
    horizon_years: float = 10.0
    draws: int = 30
    plan_case: str = "bau"
    run_name: str = ""
    values: dict[str, float] = field(default_factory=dict)  # Range.key -> central chosen


def _number(x: float) -> str:
    """A value as Hydra reads it back exactly (``repr`` of the float, integers plain)."""
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


@lru_cache(maxsize=64)
def _config(overrides: tuple[str, ...]) -> Config:
    return load_config(list(overrides))


def defaults() -> Form:
    """The form as ``python -m sim`` would run: the configured place, options and run."""
    cfg = _config(())
    return Form(
        place=cfg.place.name,
        options=list(cfg.appraisal.options),
        horizon_years=float(cfg.run.horizon_years),
        draws=int(cfg.run.draws),
        plan_case="bau",
    )


def places() -> list[str]:
    """The places the configuration folder offers (``place=NAME``)."""
    return group_options("place", [])


@lru_cache(maxsize=1)
def scenarios() -> dict[str, str]:
    """Every option of the scenario library (not the baseline): name -> description."""
    out = {}
    for name in group_options("scenario", []):
        if name != "baseline":
            out[name] = _config((f"scenario={name}",)).scenario.description
    return out


def ranges(options: list[str]) -> list[Range]:
    """The adjustable sizes of ``options``: effect sizes and uncertain investment amounts,
    each once with the options that use it (``combined`` shares HomeFirst's).
    """
    found: dict[str, Range] = {}
    for name in options:
        sc = _config((f"scenario={name}",)).scenario
        items = [(f"scenario.effects.{k}.size", k.replace("_", " "), e.unit, e.size)
                 for k, e in sc.effects.items()]  # fmt: skip
        items += [(f"scenario.investments.{k}.gbp_per_year",
                   f"{k.replace('_', ' ')}: investment",
                   "GBP_per_year", i.gbp_per_year)
                  for k, i in sc.investments.items()
                  if i.gbp_per_year.high > i.gbp_per_year.low]  # fmt: skip
        for key, label, unit, u in items:
            if key in found:
                r = found[key]
                found[key] = Range(**{**r.__dict__, "options": (*r.options, name)})
            else:
                found[key] = Range(key, label, unit, u.low, u.central, u.high, u.source, (name,))
    return sorted(found.values(), key=lambda r: r.key.startswith("scenario.investments."))


def overrides(form: Form) -> list[str]:
    """The command line's overrides shared by the baseline and every option."""
    out = [
        f"place={form.place}",
        f"run.horizon_years={_number(form.horizon_years)}",
        f"run.draws={_number(form.draws)}",
        f"place.plan.case={form.plan_case}",
        f"appraisal.options=[{','.join(form.options)}]",
    ]
    if form.run_name.strip():
        out.append(f"run.name={form.run_name.strip()}")
    return out


def option_overrides(form: Form) -> dict[str, list[str]]:
    """Per option, the effect sizes and amounts changed from the scenario's own central."""
    out: dict[str, list[str]] = {}
    for r in ranges(form.options):
        value = form.values.get(r.key)
        if value is None or float(value) == r.central:
            continue
        for name in r.options:
            out.setdefault(name, []).append(f"{r.key}.central={_number(value)}")
    return out


def field_of(message: str) -> str:
    """The configuration key a one-line error is about (its first word)."""
    m = KEY.match(message)
    return m.group(1) if m else ""


def validate(form: Form) -> dict[str, str]:
    """Every problem found, by configuration key (empty: the run can start). Checks the
    shared overrides and each option with its own, as the run will compose them.
    """
    if not form.options:
        return {"appraisal.options": "appraisal.options = []: choose at least one option"}
    base = overrides(form)
    try:
        _config(tuple(base))
    except ConfigError as exc:
        return {field_of(str(exc)): str(exc)}
    errors: dict[str, str] = {}
    rest = [o for o in base if not o.startswith("appraisal.options=")]
    for name, extra in option_overrides(form).items():
        try:
            _config((*rest, *extra, f"scenario={name}"))
        except ConfigError as exc:
            errors.setdefault(field_of(str(exc)), str(exc))
    return errors


def defaults_config() -> Config:
    """The configuration ``python -m sim`` composes with no overrides."""
    return _config(())
