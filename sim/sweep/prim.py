"""Scenario discovery: PRIM (Friedman and Fisher 1999) and a small CART over sweep cases.

A *case* is one run (a variant and one of its draws); its *inputs* are the swept keys (levers
and uncertainties) and, when a variant has several draws, each draw's sampled uncertain values;
``y`` says whether the case is *of interest* (e.g. NPV > 0). PRIM finds a box (an interval per
numeric input, a set of values per categorical one) where the share of cases of interest is
high, by *peeling*: from the box of all cases, repeatedly remove the ``alpha`` share of cases at
the low or high end of one numeric input (or all cases of one category) whose removal gives the
highest mean of ``y`` in what remains, until the box holds fewer than ``min_mass`` of the
cases. Each step of the *peeling trajectory* is a candidate box with:

- **coverage**: the share of all cases of interest that the box holds;
- **density**: the share of the box's cases that are of interest;
- **mass**: the share of all cases in the box.

The box chosen is the one of highest coverage whose density is at least ``min_density``
(the trajectory trades one for the other). For each input the box restricts, a quasi-p-value
(one-sided binomial test, as in the EMA Workbench) says whether the restriction matters: the
chance of the box's density or more if the cases were drawn at the density of the box
without that restriction.

Written here rather than taken from ema-workbench, whose analysis package needs
scikit-learn, statsmodels, seaborn and platypus-opt (tens of MB and an optimisation library)
for a hundred lines of numpy; the algorithm is the paper's (peeling only, no pasting), and
``tests/sweep/test_prim.py`` checks it recovers a known box.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import binom


@dataclass(frozen=True)
class Limit:
    """A box's restriction of one input: ``[low, high]`` or a set of allowed values."""

    name: str
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] | None = None  # categorical: values kept

    def holds(self, column: np.ndarray) -> np.ndarray:
        """Cases inside this limit."""
        if self.values is not None:
            return np.isin(column, np.asarray(self.values, dtype=column.dtype))
        return (column >= self.low) & (column <= self.high)

    def describe(self) -> str:
        """The limit as text, e.g. ``1250 <= place.acute.beds <= 1480``."""
        if self.values is not None:
            return f"{self.name} in {{{', '.join(map(str, self.values))}}}"
        return f"{self.low:.6g} <= {self.name} <= {self.high:.6g}"


@dataclass(frozen=True)
class Box:
    """One candidate box: its limits (only the inputs it restricts) and statistics."""

    limits: tuple[Limit, ...]
    coverage: float
    density: float
    mass: float
    n: int  # cases in the box
    qp: dict[str, float] = field(default_factory=dict)  # quasi-p-value per restricted input

    def describe(self) -> str:
        """One line per limit, then the statistics."""
        lines = [
            f"  {lim.describe()}  (qp {self.qp.get(lim.name, float('nan')):.2g})"
            for lim in self.limits
        ]
        lines.append(
            f"  coverage {self.coverage:.3f}, density {self.density:.3f}, "
            f"mass {self.mass:.3f} ({self.n} cases)"
        )
        return "\n".join(lines)


@dataclass(frozen=True)
class PrimResult:
    """The peeling trajectory, the chosen box and what it was chosen from."""

    trajectory: tuple[Box, ...]
    chosen: int  # index into ``trajectory``
    names: tuple[str, ...]
    ranges: dict[str, tuple[float, float] | tuple[Any, ...]]  # every input's full range
    n_cases: int
    n_of_interest: int

    @property
    def box(self) -> Box:
        """The chosen box."""
        return self.trajectory[self.chosen]


def _is_categorical(column: np.ndarray) -> bool:
    return column.dtype.kind in "OUSb"


def _box(
    inside: np.ndarray, limits: dict[str, Limit], x: dict[str, np.ndarray], y: np.ndarray
) -> Box:
    """Statistics of the box ``limits`` (the restricted inputs only) holding ``inside``."""
    n = int(inside.sum())
    hits = int(y[inside].sum())
    qp = {}
    for name in limits:
        without = np.ones_like(inside)
        for other in limits.values():
            if other.name != name:
                without &= other.holds(x[other.name])
        p0 = float(y[without].mean())
        qp[name] = float(binom.sf(hits - 1, n, p0)) if n else float("nan")
    restricted = tuple(limits[k] for k in x if k in limits)
    return Box(restricted, hits / max(int(y.sum()), 1), hits / max(n, 1), n / len(y), n, qp)


def _peels(inside: np.ndarray, x: dict[str, np.ndarray], alpha: float):
    """Every candidate peel of the current box: (cases kept, the input's new limit)."""
    for name, col in x.items():
        sub = col[inside]
        if _is_categorical(col):
            cats = sorted(set(sub.tolist()), key=str)
            if len(cats) > 1:
                for c in cats:
                    kept = inside & (col != c)
                    yield kept, Limit(name, values=tuple(v for v in cats if v != c))
            continue
        lo, hi = np.quantile(sub, [alpha, 1.0 - alpha])
        low_cut = inside & (col > max(lo, sub.min()) if lo > sub.min() else col > sub.min())
        high_cut = inside & (col < min(hi, sub.max()) if hi < sub.max() else col < sub.max())
        for kept in (low_cut, high_cut):
            if kept.any():
                rest = col[kept]
                yield kept, Limit(name, low=float(rest.min()), high=float(rest.max()))


def prim(
    x: dict[str, np.ndarray],
    y: np.ndarray,
    *,
    alpha: float = 0.05,
    min_mass: float = 0.05,
    min_density: float = 0.8,
) -> PrimResult:
    """Peel towards a box where ``y`` is mostly true.

    Args:
        x: Input name -> values per case (numbers, or text for categorical inputs).
        y: Whether each case is of interest (bool per case).
        alpha: Share of the box's cases removed by each peel (0.01-0.2 is usual).
        min_mass: Stop when a peel would leave less than this share of all cases.
        min_density: The chosen box has the highest coverage among those of at least this
            density (the densest box when none reaches it).

    Returns:
        The trajectory and the chosen box.
    """
    y = np.asarray(y, dtype=bool)
    n = len(y)
    if n == 0 or any(len(c) != n for c in x.values()):
        raise ValueError("prim: every input needs one value per case, and at least one case")
    if not 0 < alpha < 0.5:
        raise ValueError(f"prim: alpha = {alpha}: must be in (0, 0.5)")
    inside = np.ones(n, dtype=bool)
    limits: dict[str, Limit] = {}
    trajectory = [_box(inside, limits, x, y)]
    while True:
        best, best_mean, best_m = None, -1.0, 0
        for kept, limit in _peels(inside, x, alpha):
            m = int(kept.sum())
            if m == int(inside.sum()) or m < min_mass * n:
                continue
            mean = float(y[kept].mean())
            if mean > best_mean or (mean == best_mean and m > best_m):
                best, best_mean, best_m = (kept, limit), mean, m
        if best is None:
            break
        inside, limit = best
        limits[limit.name] = limit
        trajectory.append(_box(inside, limits, x, y))
    dense = [i for i, b in enumerate(trajectory) if b.density >= min_density]
    if dense:
        chosen = max(dense, key=lambda i: (trajectory[i].coverage, trajectory[i].density))
    else:
        chosen = max(range(len(trajectory)), key=lambda i: trajectory[i].density)
    ranges = {
        k: (
            tuple(sorted(set(c.tolist()), key=str))
            if _is_categorical(c)
            else (float(c.min()), float(c.max()))
        )
        for k, c in x.items()
    }
    return PrimResult(tuple(trajectory), chosen, tuple(x), ranges, n, int(y.sum()))


@dataclass(frozen=True)
class Leaf:
    """A leaf of a classification tree: its box, coverage and density."""

    limits: tuple[Limit, ...]
    coverage: float
    density: float
    n: int


def cart(
    x: dict[str, np.ndarray], y: np.ndarray, *, max_depth: int = 3, min_leaf: int = 20
) -> list[Leaf]:
    """A classification tree (Gini impurity, binary splits; Breiman et al. 1984), its leaves
    as boxes of inputs, for comparison with PRIM (numeric inputs split at midpoints, a
    categorical input as one value against the rest).

    Args:
        x: Input name -> values per case.
        y: Whether each case is of interest.
        max_depth: Largest number of splits from the root to a leaf.
        min_leaf: Fewest cases in a leaf.

    Returns:
        The leaves, densest first.
    """
    y = np.asarray(y, dtype=bool)
    total = max(int(y.sum()), 1)
    leaves: list[Leaf] = []

    def gini(k: float, m: float) -> float:
        p = k / m
        return 2 * p * (1 - p) * m

    def grow(inside: np.ndarray, limits: dict[str, Limit], depth: int) -> None:
        m, k = int(inside.sum()), int(y[inside].sum())
        split = None
        if depth < max_depth and 0 < k < m:
            best = gini(k, m)
            for name, col in x.items():
                for left in _splits(col, inside, min_leaf):
                    ml, kl = int(left.sum()), int(y[left].sum())
                    right = inside & ~left
                    g = gini(kl, ml) + gini(k - kl, m - ml)
                    if g < best - 1e-12:
                        best, split = g, (name, left, right)
        if split is None:
            leaves.append(Leaf(tuple(limits.values()), k / total, k / max(m, 1), m))
            return
        name, left, right = split
        for part in (left, right):
            col = x[name][part]
            lim = (
                Limit(name, values=tuple(sorted(set(col.tolist()), key=str)))
                if _is_categorical(x[name])
                else Limit(name, low=float(col.min()), high=float(col.max()))
            )
            grow(part, {**limits, name: lim}, depth + 1)

    grow(np.ones(len(y), dtype=bool), {}, 0)
    return sorted(leaves, key=lambda leaf: (-leaf.density, -leaf.coverage))


def _splits(col: np.ndarray, inside: np.ndarray, min_leaf: int):
    """Candidate left parts of a split of ``inside`` on one input."""
    sub = col[inside]
    if _is_categorical(col):
        for c in sorted(set(sub.tolist()), key=str):
            left = inside & (col == c)
            if min_leaf <= left.sum() <= inside.sum() - min_leaf:
                yield left
        return
    values = np.unique(sub)
    if len(values) > 64:  # candidate thresholds at quantiles keep the tree fast
        values = np.unique(np.quantile(sub, np.linspace(0, 1, 65)))
    for a, b in zip(values[:-1], values[1:], strict=True):
        left = inside & (col <= (a + b) / 2)
        if min_leaf <= left.sum() <= inside.sum() - min_leaf:
            yield left
