"""From a scenario's effects to lever paths: one factor per lever, per draw and per step.

Effect sizes are uncertain (``low``, ``central``, ``high``). With one draw the central value
is used; with more, each effect is sampled on its own stream, a Latin hypercube column
seeded by the run seed and the effect's name. So two scenarios that share an effect draw the
same sizes for it (common random numbers), and adding an effect leaves the others unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from sim.config.errors import ConfigError
from sim.config.keys import resolve_key
from sim.config.schema import EffectCfg, PlaceCfg, ScenarioCfg, Uncertain
from sim.engines.rng import sample_triangular
from sim.place.levers import LEVERS, Targets, combine, factor, ramp
from sim.place.vocabulary import DAYS_PER_YEAR


@dataclass(frozen=True)
class LeverPaths:
    """What a scenario does to the model: which levers, for whom, and their paths."""

    targets: dict[str, Targets]  # lever -> cohorts it applies to
    paths: dict[str, np.ndarray]  # lever -> factor, shape (draws, steps)
    sizes: dict[str, np.ndarray]  # effect or investment name -> sampled size per draw


def sample(r: Uncertain, name: str, draws: int, seed: int) -> np.ndarray:
    """Values per draw of an uncertain size: central for one draw, else triangular."""
    return sample_triangular(r.low, r.central, r.high, draws, seed, name)


def day_of(when: str, start_date: str) -> float:
    """Days from the run's start date to ``when`` (both ISO dates)."""
    return float((date.fromisoformat(when) - date.fromisoformat(start_date)).days)


def lever_targets(scenario: ScenarioCfg) -> dict[str, Targets]:
    """The levers a scenario moves and the cohorts each applies to (one targeting a lever)."""
    out: dict[str, Targets] = {}
    for name, e in scenario.effects.items():
        t = Targets(tuple(e.ages), tuple(e.segments), tuple(e.quintiles))
        if e.lever in out and out[e.lever] != t:
            raise ConfigError(
                f"scenario.effects.{name}.lever = {e.lever!r}: another effect targets other "
                f"cohorts with this lever; give all its effects the same ages/segments/quintiles"
            )
        out[e.lever] = t
    for inv in scenario.investments.values():
        for lever in inv.buys:
            out.setdefault(lever, Targets())
    return out


def effect_factor(
    name: str,
    e: EffectCfg,
    places: Sequence[PlaceCfg],
    days: np.ndarray,
    start_date: str,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """One effect's factor on its lever, ``(draws, steps)``, and its sampled sizes (in the
    effect's own unit).
    """
    lever = LEVERS[e.lever]
    draws = len(places)
    sampled = sample(e.size, f"effect:{name}", draws, seed)
    size, base = sampled, None
    if e.unit not in ("relative", "share", "per_day"):
        size, base = _absolute(e, places, sampled)
    r = ramp(
        days,
        day_of(e.start, start_date) + e.lag_years * DAYS_PER_YEAR,
        e.ramp_years * DAYS_PER_YEAR,
    )
    return factor(lever, size, e.unit, base, r), sampled


def _absolute(e: EffectCfg, places: Sequence[PlaceCfg], size: np.ndarray):
    """Sizes in places/beds/days with the lever's base value from each draw's place."""
    lever = LEVERS[e.lever]
    base = np.array([float(resolve_key(p, lever.base_key)) for p in places])
    if e.unit == "episodes_per_year":  # places = episodes a year x mean length / 365
        service = lever.base_key.split(".")[0]
        mean = np.array([float(resolve_key(p, f"{service}.mean_days")) for p in places])
        size = size * mean / DAYS_PER_YEAR
    return size, base


def lever_paths(
    scenario: ScenarioCfg,
    places: Sequence[PlaceCfg],
    n_steps: int,
    dt_days: float,
    start_date: str,
    seed: int,
    extra: Mapping[str, Sequence[np.ndarray]] | None = None,
) -> LeverPaths:
    """Lever paths of a scenario's effects for ``places`` (one per draw), plus any ``extra``
    factors per lever (e.g. capacity bought by investments).
    """
    days = np.arange(n_steps) * dt_days
    by_lever: dict[str, list[np.ndarray]] = {k: list(v) for k, v in (extra or {}).items()}
    sizes: dict[str, np.ndarray] = {}
    for name, e in scenario.effects.items():
        f, sizes[name] = effect_factor(name, e, places, days, start_date, seed)
        by_lever.setdefault(e.lever, []).append(f)
    draws = len(places)
    paths = {
        lever: np.broadcast_to(combine(LEVERS[lever], fs), (draws, n_steps)).copy()
        for lever, fs in by_lever.items()
    }
    for lever, p in paths.items():
        if not np.all(np.isfinite(p)) or p.min() < 0:
            raise ConfigError(
                f"scenario: lever {lever!r} reaches {p.min():.3g}; an effect makes it negative "
                f"(a relative change below -1, or a reduction larger than the base value)"
            )
    return LeverPaths(lever_targets(scenario), paths, sizes)
