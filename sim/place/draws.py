"""Parameter draws: stratified samples of the place's uncertain keys.

Each key in ``place.uncertain`` carries ``low``, ``central`` and ``high``; a draw takes the
triangular distribution through them (mode ``central``), stratified so the draws span the
range, from the key's own named stream (:mod:`sim.engines.rng`), so adding or removing a key
leaves every other key's draws unchanged. One draw means the central values.
"""

from __future__ import annotations

import copy

import numpy as np

from sim.config.keys import resolve_key
from sim.config.schema import PlaceCfg
from sim.engines.rng import sample_triangular
from sim.place.data.ensemble import ensemble_draws
from sim.place.validate import validate_place


def sample_uncertain(place: PlaceCfg, draws: int, seed: int) -> dict[str, np.ndarray]:
    """Values per draw for each uncertain key (central values when ``draws == 1``); keys of a
    calibrated ensemble (``place.ensemble``) are its members, drawn by weight.
    """
    fitted = ensemble_draws(place, draws, seed) if place.ensemble else {}
    return {
        k: fitted[k]
        if k in fitted
        else sample_triangular(r.low, r.central, r.high, draws, seed, f"place:{k}")
        for k, r in place.uncertain.items()
    }


def place_for_draw(place: PlaceCfg, values: dict[str, float]) -> PlaceCfg:
    """A copy of ``place`` with the dotted keys set to ``values`` (then validated)."""
    out = copy.deepcopy(place)
    for key, value in values.items():
        parts = key.split(".")
        parent = resolve_key(out, ".".join(parts[:-1])) if len(parts) > 1 else out
        last = parts[-1]
        if isinstance(parent, list):
            parent[int(last)] = float(value)
        elif isinstance(parent, dict):
            parent[last] = float(value)
        else:
            setattr(parent, last, type(getattr(parent, last))(value))
    validate_place(out)
    return out


def best_member(place: PlaceCfg) -> None:
    """Set the place's values (and uncertain centrals) to the best-fitting member of its
    calibrated ensemble (``place.ensemble``), in place.
    """
    best = {k: float(v[0]) for k, v in ensemble_draws(place, 1, 0).items()}
    fitted = place_for_draw(place, best)
    for k, v in best.items():
        place.uncertain[k].central = v
    for name in (
        "population",
        "primary_care",
        "nhs111",
        "ambulance",
        "ed",
        "acute",
        "ucr",
        "reablement",
        "ic_beds",
        "virtual_ward",
        "district_nursing",
        "care_home",
        "follow_up",
        "seasonality",
    ):
        setattr(place, name, getattr(fitted, name))
