"""Parameter draws: Latin hypercube samples of the place's uncertain keys.

Each key in ``place.uncertain`` carries ``low``, ``central`` and ``high``; a draw takes the
triangular distribution through them (mode ``central``). One draw means the central values.
"""

from __future__ import annotations

import copy

import numpy as np
from scipy.stats import qmc, triang

from sim.config.keys import resolve_key
from sim.config.schema import PlaceCfg, Uncertain
from sim.place.validate import validate_place


def sample_uncertain(place: PlaceCfg, draws: int, seed: int) -> dict[str, np.ndarray]:
    """Values per draw for each uncertain key (central values when ``draws == 1``)."""
    keys = list(place.uncertain)
    if draws == 1 or not keys:
        return {k: np.full(draws, place.uncertain[k].central) for k in keys}
    u = qmc.LatinHypercube(d=len(keys), seed=np.random.default_rng(seed)).random(draws)
    return {k: _triangular(place.uncertain[k], u[:, j]) for j, k in enumerate(keys)}


def _triangular(r: Uncertain, u: np.ndarray) -> np.ndarray:
    if r.high == r.low:
        return np.full(u.shape, r.central)
    c = (r.central - r.low) / (r.high - r.low)
    return triang(c, loc=r.low, scale=r.high - r.low).ppf(u)


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
