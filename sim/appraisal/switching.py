"""Switching values: the value of an input at which an option's NPV (mean over draws) is 0.

Methods (reported with each value):

- ``exact``: the discount rate, each unit cost, the economic bed-day value, the value of a
  QALY and the scale of the savings. NPV is recomputed from the option's yearly money with the
  input changed (a unit cost scales the parts of the change in cost, and of the investment,
  that it multiplies, holding activity fixed) and the root found by bracketing and Brent's
  method (``scipy.optimize.brentq``), so NPV at the switching value is 0 to rounding.
- ``fitted``: effect sizes. The model is not re-run; NPV is fitted as a linear function of the
  drawn effect sizes over the draws (ordinary least squares on every effect that varies, when
  there are at least two more draws than such effects; else one effect at a time), and the
  switching value is where the fitted NPV is 0 with the other effects at their mean. With few
  draws it is indicative only.

A switching value is NaN when NPV keeps its sign over the range searched (for example, no
discount rate between 0 and 100% makes it zero).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import brentq

from sim.appraisal.metrics import view_metrics


def root_near(f: Callable[[float], float], grid: np.ndarray, near: float) -> float:
    """The root of ``f`` over ``grid`` (sign changes between grid points) nearest ``near``."""
    values = np.array([f(x) for x in grid])
    exact = grid[values == 0]
    roots = list(exact)
    for i in np.flatnonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0):
        roots.append(brentq(f, grid[i], grid[i + 1], xtol=1e-15, rtol=4 * np.finfo(float).eps))
    if not roots:
        return np.nan
    roots = np.asarray(roots)
    return float(roots[np.argmin(np.abs(roots - near))])


def mean_npv(invest, delta, health, rate, health_rate, ob_costs, ob_benefits) -> float:
    """NPV averaged over draws (first axes), optimism bias applied."""
    m = view_metrics(invest, delta, health, rate, health_rate, ob_costs, ob_benefits)
    return float(np.mean(m["npv"]))


SCALE_GRID = np.concatenate([[0.0], np.geomspace(1e-3, 1e3, 121)])
RATE_GRID = np.linspace(0.0, 1.0, 201)


def exact_switching(
    invest: np.ndarray,
    delta: np.ndarray,
    health: np.ndarray,
    scaled: dict[str, tuple[np.ndarray, np.ndarray]],
    rate: float,
    health_rate: float,
    ob_costs: float,
    ob_benefits: float,
) -> dict[str, float]:
    """Multipliers (and the discount rate) at which the mean NPV is 0.

    Args:
        invest: the option's spending ``(draw, year)``, as in :func:`view_metrics`.
        delta: change in cost ``(draw, year)``.
        health: money value of health ``(draw, year)``.
        scaled: input name -> the parts of ``(invest, delta)`` proportional to it.
        rate: discount rate of money; the switching rate replaces it.
        health_rate: discount rate of health (held).
        ob_costs: optimism bias on costs.
        ob_benefits: optimism bias on benefits.

    Returns:
        ``discount_rate`` (a rate), ``savings`` (a multiplier on ``invest - delta``),
        ``health`` (a multiplier on health value) and each name in ``scaled`` (a multiplier
        on the input); NaN where NPV keeps its sign.
    """
    args = (rate, health_rate, ob_costs, ob_benefits)
    out = {
        "discount_rate": root_near(
            lambda r: mean_npv(invest, delta, health, r, health_rate, ob_costs, ob_benefits),
            RATE_GRID, rate,
        ),
        "savings": root_near(
            lambda k: mean_npv(invest, invest - k * (invest - delta), health, *args),
            SCALE_GRID, 1.0,
        ),
    }  # fmt: skip
    if np.any(health != 0):
        out["health"] = root_near(
            lambda k: mean_npv(invest, delta, k * health, *args), SCALE_GRID, 1.0
        )
    for name, (d_inv, d_delta) in scaled.items():
        if not (np.any(d_inv != 0) or np.any(d_delta != 0)):
            continue
        out[name] = root_near(
            lambda k, a=d_inv, b=d_delta: mean_npv(
                invest + (k - 1) * a, delta + (k - 1) * b, health, *args
            ),
            SCALE_GRID,
            1.0,
        )
    return out


def fitted_switching(npv: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, str]:
    """Effect sizes at which a linear fit of NPV over draws is 0 (others at their mean).

    Args:
        npv: NPV per draw, ``(draw,)``.
        sizes: effect sizes drawn, ``(draw, effect)``.

    Returns:
        Switching value per effect (NaN where the effect does not vary or its slope is 0)
        and the method used (``"joint"``, ``"one at a time"`` or ``"too few draws"``).
    """
    n, k = sizes.shape
    out = np.full(k, np.nan)
    varies = np.flatnonzero(np.ptp(sizes, axis=0) > 0) if n > 1 else np.array([], dtype=int)
    if varies.size == 0 or n < 3:
        return out, "too few draws"
    mean_x, mean_y = sizes.mean(axis=0), float(np.mean(npv))
    x = sizes[:, varies] - mean_x[varies]
    if n >= varies.size + 2:
        beta, *_ = np.linalg.lstsq(x, npv - mean_y, rcond=None)
        method = "joint"
    else:
        beta = np.array([float(c @ (npv - mean_y)) / float(c @ c) for c in x.T])
        method = "one at a time"
    with np.errstate(divide="ignore", invalid="ignore"):
        out[varies] = np.where(beta != 0, mean_x[varies] - mean_y / beta, np.nan)
    return out, method
