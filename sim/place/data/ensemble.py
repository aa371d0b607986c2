"""A calibrated ensemble as the place's parameter draws (``place.ensemble: <file>``).

The file is ``ensemble.csv`` written by ``python -m sim.calibrate``: one non-implausible
parameter set a row, the place keys as the first columns, then ``weight`` (by fit). With
``run.draws > 1`` each draw is a member, drawn by weight (stratified over the weights'
cumulative sum, stream ``place:ensemble``); with one draw the place is the best-fitting member.
Uncertain keys the ensemble does not hold are drawn from their ranges as before.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from sim.config.errors import ConfigError
from sim.config.schema import PlaceCfg
from sim.engines.rng import stratified_uniforms


def read_ensemble(place: PlaceCfg) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(keys, values ``(m, k)``, weights ``(m,)``) of ``place.ensemble``; one-line errors."""
    path = Path(place.ensemble)
    if not path.is_file():
        raise ConfigError(f"place.ensemble = {place.ensemble!r}: no such file")
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    if not rows or "weight" not in rows[0]:
        raise ConfigError(f"{path}: needs a header with the place keys, then 'weight'")
    header = rows[0]
    keys = header[: header.index("weight")]
    for k in keys:
        if k not in place.uncertain:
            raise ConfigError(
                f"{path}: column {k!r} is not in place.uncertain "
                f"({', '.join(place.uncertain)}); calibrate this place again"
            )
    if len(rows) < 2:
        raise ConfigError(f"{path}: has no members (nothing was non-implausible)")
    try:
        data = np.array([[float(v) for v in r[: len(keys) + 1]] for r in rows[1:]])
    except ValueError:
        raise ConfigError(f"{path}: a value is not a number") from None
    values, weights = data[:, :-1], data[:, -1]
    if not (np.isfinite(data).all() and (weights >= 0).all() and weights.sum() > 0):
        raise ConfigError(f"{path}: values must be finite and weights >= 0, not all 0")
    for j, k in enumerate(keys):
        r = place.uncertain[k]
        bad = (values[:, j] < r.low) | (values[:, j] > r.high)
        if bad.any():
            i = int(np.argmax(bad))
            raise ConfigError(
                f"{path}: row {i + 2}, column {k!r}: {values[i, j]:g} is outside "
                f"place.uncertain's range {r.low:g}-{r.high:g}"
            )
    return keys, values, weights / weights.sum()


def ensemble_draws(place: PlaceCfg, draws: int, seed: int) -> dict[str, np.ndarray]:
    """Per-draw values of the ensemble's keys: members drawn by weight (the best with one)."""
    keys, values, weights = read_ensemble(place)
    if draws == 1:
        pick = np.array([int(np.argmax(weights))])
    else:
        u = stratified_uniforms(seed, "place:ensemble", draws)
        pick = np.minimum(np.searchsorted(np.cumsum(weights), u, side="right"), len(weights) - 1)
    return {k: values[pick, j] for j, k in enumerate(keys)}
