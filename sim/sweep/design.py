"""Sweep designs: which variants to run, as one row of values per variant.

A design maps swept keys to values. Keys are dotted configuration keys (``place.acute.beds``,
``place.acute.pathway_wait_days.0``, ``scenario.effects.more_p1.size.central``) or config
groups (``scenario``, ``place``) whose values are option names. Methods:

- ``grid``: every combination of each key's ``values`` (or ``levels`` evenly spaced values
  from ``low`` to ``high``);
- ``random``: ``samples`` independent draws; ``lhs``: a Latin hypercube of ``samples``
  (stratified: each key's range is cut into ``samples`` equal-probability strata, one draw
  each); ranges are uniform, or triangular through ``central``; keys with ``values`` pick one;
- ``sobol`` and ``morris``: SALib's designs for global sensitivity (ranges only): Saltelli's
  ``N (D + 2)`` rows for first and total Sobol indices, ``N (D + 1)`` rows of Morris
  trajectories. The rows' order is SALib's, so the outputs can go back to SALib unchanged.

Every design is a pure function of the sweep config and its seed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import qmc, triang

from sim.config.schema import SweepCfg, SweepParamCfg

GROUP_KEYS = ("scenario", "place")
"""Keys whose values are config-group options; each option composes its own base config."""

METHODS = ("none", "grid", "random", "lhs", "sobol", "morris")
MORRIS_LEVELS = 4


@dataclass(frozen=True)
class Design:
    """Variants of a sweep: ``keys`` and one tuple of values per variant (``rows``)."""

    method: str
    keys: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def __len__(self) -> int:
        return len(self.rows)

    def values(self, i: int) -> dict[str, Any]:
        """Key -> value of variant ``i``."""
        return dict(zip(self.keys, self.rows[i], strict=True))

    def overrides(self, i: int) -> list[str]:
        """Variant ``i`` as Hydra overrides (``key=value``), e.g. for ``python -m sim``."""
        return [f"{k}={_fmt(v)}" for k, v in self.values(i).items()]

    def numeric(self) -> np.ndarray:
        """Values as floats, ``(variants, keys)``; NaN for option names."""
        out = np.full((len(self.rows), len(self.keys)), np.nan)
        for j in range(len(self.keys)):
            for i, row in enumerate(self.rows):
                v = row[j]
                if isinstance(v, bool):
                    continue
                try:
                    out[i, j] = float(v)
                except (TypeError, ValueError):
                    pass
        return out


def _fmt(v: Any) -> str:
    return repr(float(v)) if isinstance(v, float) else str(v)


def salib_problem(sweep: SweepCfg) -> dict[str, Any]:
    """SALib's problem dict for a sweep's ranges (names are the swept keys)."""
    names = list(sweep.params)
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [[float(sweep.params[k].low), float(sweep.params[k].high)] for k in names],
    }


def build_design(sweep: SweepCfg) -> Design:
    """The variants of a validated sweep config."""
    keys = tuple(sweep.params)
    specs = [sweep.params[k] for k in keys]
    if sweep.method == "grid":
        axes = [_grid_values(p) for p in specs]
        rows = tuple(itertools.product(*axes))
        return Design("grid", keys, rows)
    if sweep.method in ("random", "lhs"):
        n = sweep.samples
        if sweep.method == "lhs":
            u = qmc.LatinHypercube(d=len(keys), seed=np.random.default_rng(sweep.seed)).random(n)
        else:
            u = np.random.default_rng(sweep.seed).random((n, len(keys)))
        cols = [_from_uniform(p, u[:, j]) for j, p in enumerate(specs)]
        return Design(sweep.method, keys, tuple(zip(*cols, strict=True)))
    if sweep.method in ("sobol", "morris"):
        x = salib_sample(sweep)
        cols = []
        for j, p in enumerate(specs):
            col = np.round(x[:, j]) if p.integer else x[:, j]
            cols.append([int(v) if p.integer else float(v) for v in col])
        return Design(sweep.method, keys, tuple(zip(*cols, strict=True)))
    raise ValueError(f"no design for method {sweep.method!r}")


def salib_sample(sweep: SweepCfg) -> np.ndarray:
    """SALib's sample matrix for a sobol or morris sweep, ``(rows, keys)``."""
    problem = salib_problem(sweep)
    if sweep.method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, sweep.samples, calc_second_order=False, seed=sweep.seed)
    from SALib.sample import morris

    return morris.sample(problem, sweep.samples, num_levels=MORRIS_LEVELS, seed=sweep.seed)


def _grid_values(p: SweepParamCfg) -> list[Any]:
    if p.values:
        return list(p.values)
    vals = np.linspace(float(p.low), float(p.high), p.levels)
    return [int(round(v)) for v in vals] if p.integer else [float(v) for v in vals]


def _from_uniform(p: SweepParamCfg, u: np.ndarray) -> list[Any]:
    """Values of one key from uniforms in [0, 1)."""
    if p.values:
        idx = np.minimum((u * len(p.values)).astype(int), len(p.values) - 1)
        return [p.values[i] for i in idx]
    lo, hi = float(p.low), float(p.high)
    if hi == lo:
        x = np.full(u.shape, lo)
    elif p.central is not None:
        c = (float(p.central) - lo) / (hi - lo)
        x = triang(c, loc=lo, scale=hi - lo).ppf(u)
    else:
        x = lo + u * (hi - lo)
    if p.integer:
        return [int(v) for v in np.round(x)]
    return [float(v) for v in x]
