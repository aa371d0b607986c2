"""History matching on the simulator itself: rule out parameter sets whose outputs are
implausible given the observations and their uncertainties, in waves.

After Craig, Goldstein, Seheult and Smith (1997), "Pressure matching for hydrocarbon reservoirs:
a case study in the use of Bayes linear strategies for large computer experiments", and Vernon,
Goldstein and Bower (2010), "Galaxy formation: a Bayesian uncertainty analysis", Bayesian
Analysis 5(4). For target ``i`` with observation ``z_i``, the implausibility of a parameter set
``x`` is

    I_i(x) = |z_i - E[f_i(x)]| / sqrt(Var_obs,i + Var_disc,i + Var_ens,i(x))

with the observation variance (the pack's ``sd`` squared), the model discrepancy variance and
the ensemble variance of the simulator's output at ``x`` (zero for one deterministic run; the
variance over repeated stochastic runs otherwise). ``x`` is ruled out when the ``k``-th largest
``I_i`` (second-maximum by default, Vernon et al. 2010, section 4) exceeds the cut-off (3, after
Pukelsheim's three-sigma rule). The engine runs thousands of parameter sets in one compiled
call, so there is no emulator: every design point is run, and its implausibility is exact.

Waves: wave 1 is a scrambled Sobol design (scipy.stats.qmc) over the prior box; each later
wave fills the bounding box of the non-implausible points so far (widened by a margin, within
the prior box) with half its points and, with the other half, perturbs non-implausible points
by a Gaussian with their covariance, so the design refocuses on the non-implausible region.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import qmc

Simulator = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
"""``X (n, p)`` -> (means ``(n, T)``, ensemble variances ``(n, T)``)."""


@dataclass(frozen=True)
class Targets:
    """Observed targets: values ``z``, observation sd and model-discrepancy sd (same units)."""

    names: tuple[str, ...]
    z: np.ndarray
    obs_sd: np.ndarray
    disc_sd: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.names)
        for a in (self.z, self.obs_sd, self.disc_sd):
            if np.shape(a) != (n,):
                raise ValueError(f"targets: every array needs {n} values, one a target")
        if not (np.all(self.obs_sd >= 0) and np.all(self.disc_sd >= 0)):
            raise ValueError("targets: standard deviations must be >= 0")


@dataclass
class Wave:
    """One wave: its design, outputs, implausibilities and what was kept."""

    x: np.ndarray  # (n, p)
    mean: np.ndarray  # (n, T)
    implausibility: np.ndarray  # (n, T)
    kept: np.ndarray  # (n,) bool

    @property
    def fraction(self) -> float:
        """Share of the wave's design that is non-implausible."""
        return float(self.kept.mean()) if self.kept.size else 0.0


@dataclass
class Match:
    """The result: the waves and the non-implausible ensemble across them."""

    names: tuple[str, ...]
    targets: Targets
    cutoff: float
    k: int
    waves: list[Wave] = field(default_factory=list)

    def ensemble(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Non-implausible parameter sets, their outputs and implausibilities, all waves."""
        x = np.concatenate([w.x[w.kept] for w in self.waves])
        m = np.concatenate([w.mean[w.kept] for w in self.waves])
        i = np.concatenate([w.implausibility[w.kept] for w in self.waves])
        return x, m, i


def implausibility(mean: np.ndarray, ens_var: np.ndarray | float, targets: Targets) -> np.ndarray:
    """``I_i(x)`` for each row of ``mean`` (n, T) against each target."""
    var = targets.obs_sd**2 + targets.disc_sd**2 + np.asarray(ens_var)
    return np.abs(targets.z - mean) / np.sqrt(var)


def ensemble_weights(imp: np.ndarray) -> np.ndarray:
    """Weights of non-implausible members by their fit, ``exp(-sum_i I_i^2 / 2)`` normalised.

    The non-implausible set is wider than a posterior (a cut-off of 3 keeps sets a Bayesian
    fit would make unlikely), so predictions from its members drawn evenly over-cover; drawn by
    these weights (the Gaussian likelihood of the targets, uniform prior over the region) they
    approximate the posterior predictive. Draws of the appraisal sample members by them.
    """
    log_w = -0.5 * np.sum(np.asarray(imp, float) ** 2, axis=1)
    w = np.exp(log_w - log_w.max())
    return w / w.sum()


def kth_max(imp: np.ndarray, k: int) -> np.ndarray:
    """The ``k``-th largest implausibility of each row (1 = the maximum)."""
    if not 1 <= k <= imp.shape[1]:
        raise ValueError(f"k = {k} must be between 1 and the number of targets {imp.shape[1]}")
    return -np.sort(-imp, axis=1)[:, k - 1]


def sobol(lows: np.ndarray, highs: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` scrambled Sobol points in the box (``n`` rounded up to a power of 2 then cut)."""
    m = int(np.ceil(np.log2(max(n, 2))))
    pts = qmc.Sobol(len(lows), scramble=True, seed=rng).random_base2(m)[:n]
    return qmc.scale(pts, lows, highs)


def refocus(
    kept: np.ndarray,
    lows: np.ndarray,
    highs: np.ndarray,
    n: int,
    rng: np.random.Generator,
    margin: float = 0.1,
) -> np.ndarray:
    """A design for the next wave from the non-implausible points ``kept`` (m, p)."""
    if len(kept) == 0:
        return sobol(lows, highs, n, rng)
    span = highs - lows
    lo = np.maximum(lows, kept.min(0) - margin * span)
    hi = np.minimum(highs, kept.max(0) + margin * span)
    hi = np.where(hi > lo, hi, np.minimum(highs, lo + 1e-9 * span + 1e-12))
    n_box = n // 2
    box = sobol(lo, hi, n_box, rng)
    cov = np.atleast_2d(np.cov(kept.T)) if len(kept) > len(lows) else np.diag((0.05 * span) ** 2)
    centres = kept[rng.integers(len(kept), size=n - n_box)]
    jitter = rng.multivariate_normal(np.zeros(len(lows)), 0.25 * cov, size=n - n_box, method="eigh")
    near = np.clip(centres + jitter, lows, highs)
    return np.concatenate([box, near])


def history_match(
    simulate: Simulator,
    names: Sequence[str],
    lows: Sequence[float],
    highs: Sequence[float],
    targets: Targets,
    *,
    waves: int = 3,
    per_wave: int = 1024,
    cutoff: float = 3.0,
    k: int = 2,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> Match:
    """Run ``waves`` waves of ``per_wave`` simulator evaluations; see the module docstring."""
    lows, highs = np.asarray(lows, float), np.asarray(highs, float)
    if lows.shape != (len(names),) or highs.shape != lows.shape or not np.all(highs > lows):
        raise ValueError("history_match: one low < high pair per parameter")
    k = min(k, len(targets.names))
    rng = np.random.default_rng(seed)
    match = Match(tuple(names), targets, cutoff, k)
    for w in range(waves):
        kept_so_far = match.ensemble()[0] if match.waves else np.empty((0, len(names)))
        x = (
            sobol(lows, highs, per_wave, rng)
            if w == 0
            else refocus(kept_so_far, lows, highs, per_wave, rng)
        )
        mean, ens_var = simulate(x)
        imp = implausibility(mean, ens_var, targets)
        kept = np.isfinite(imp).all(1) & (kth_max(np.nan_to_num(imp, nan=np.inf), k) <= cutoff)
        match.waves.append(Wave(x, mean, imp, kept))
        if progress:
            progress(
                f"wave {w + 1}/{waves}: {len(x)} runs, {kept.sum()} non-implausible "
                f"({100 * kept.mean():.1f}%)"
            )
    return match


def calibration_inputs(
    place, targets_by_measure: dict[str, tuple[float, float]], discrepancy: float
) -> tuple[list[str], np.ndarray, np.ndarray, Targets]:
    """The parameters to calibrate (``place.uncertain``: keys, lows, highs) and the targets
    (observation, sd; discrepancy sd = ``discrepancy`` x the observation, an assumption).
    """
    keys = list(place.uncertain)
    if not keys:
        raise ValueError("place.uncertain is empty: no parameters to calibrate")
    lows = np.array([place.uncertain[k].low for k in keys], float)
    highs = np.array([place.uncertain[k].high for k in keys], float)
    names = tuple(targets_by_measure)
    z = np.array([targets_by_measure[n][0] for n in names], float)
    sd = np.array([targets_by_measure[n][1] for n in names], float)
    return keys, lows, highs, Targets(names, z, sd, discrepancy * np.abs(z))
