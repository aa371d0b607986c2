"""Appraisal arithmetic: discounting, NPV, benefit-cost ratio and payback.

Conventions (HM Treasury Green Book, EVIDENCE 6.1): the first appraisal year is year 0 and is
not discounted; year ``t`` is divided by ``(1 + r) ** t``. All amounts are real terms at the
finance price year. An option's *benefits* are the cost reductions it causes (and, when
enabled, the money value of health gained); its *costs* are the cost increases it causes,
investment included; NPV = PV(benefits) - PV(costs) = -PV(change in system net cost) plus
health value.
"""

from __future__ import annotations

import numpy as np


def discount_factors(n_years: int, rate: float) -> np.ndarray:
    """``1 / (1 + rate) ** t`` for ``t = 0 .. n_years - 1``."""
    return 1.0 / (1.0 + rate) ** np.arange(n_years)


def present_value(flows: np.ndarray, rate: float) -> np.ndarray:
    """PV of yearly flows along the last axis (year 0 undiscounted)."""
    flows = np.asarray(flows, dtype=float)
    return flows @ discount_factors(flows.shape[-1], rate)


def npv(net_benefit: np.ndarray, rate: float) -> np.ndarray:
    """Net present value of yearly net benefits (benefits - costs), last axis = years."""
    return present_value(net_benefit, rate)


def benefit_cost_ratio(benefits: np.ndarray, costs: np.ndarray, rate: float) -> np.ndarray:
    """PV(benefits) / PV(costs); NaN where an option costs nothing."""
    pv_b, pv_c = present_value(benefits, rate), present_value(costs, rate)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pv_c > 0, pv_b / np.where(pv_c > 0, pv_c, 1.0), np.nan)


def payback_year(net_benefit: np.ndarray, rate: float) -> np.ndarray:
    """Index of the first year from which the *discounted cumulative* net benefit stays at
    or above zero, having been below it (an option that never costs more than it saves pays
    back in year 0); ``NaN`` when it does not pay back within the years given.
    """
    flows = np.atleast_2d(np.asarray(net_benefit, dtype=float))
    cum = np.cumsum(flows * discount_factors(flows.shape[-1], rate), axis=-1)
    out = np.full(flows.shape[0], np.nan)
    for i, row in enumerate(cum):
        below = np.flatnonzero(row < -1e-6)
        if below.size == 0:
            out[i] = 0
        elif below[-1] + 1 < row.size:
            out[i] = below[-1] + 1
    return out.reshape(np.shape(net_benefit)[:-1]) if np.ndim(net_benefit) > 1 else out[0]


def split_gains(delta_cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cost changes into (benefits, costs): decreases are benefits, increases are costs."""
    d = np.asarray(delta_cost, dtype=float)
    return np.clip(-d, 0.0, None), np.clip(d, 0.0, None)
