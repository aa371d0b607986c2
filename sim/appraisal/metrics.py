"""Appraisal arithmetic: discounting, NPV, benefit-cost ratio, payback, optimism bias.

Conventions (HM Treasury Green Book, EVIDENCE 6.1): the first appraisal year is year 0 and is
not discounted; year ``t`` is divided by ``(1 + r) ** t``. All amounts are real terms at the
finance price year.

Costs and benefits (:func:`view_metrics`), per draw and year, from three aggregates only, so
they do not depend on how cost lines are split: ``I`` the option's own spending (its
investment lines), ``D`` the change in cost (option - baseline, investment included) and ``H``
the money value of health gained. ``S = I - D`` is what the option saves elsewhere. Costs are
``I + max(-S, 0)`` (its spending plus any net cost it adds elsewhere) and benefits
``max(S, 0)``; health adds to benefits when positive, to costs when negative, discounted at its
own rate. Optimism bias raises costs by ``(1 + ob_costs)`` and divides benefits by
``(1 + ob_benefits)``. NPV = PV(benefits) - PV(costs), which without optimism bias is
``-PV(D) + PV(H)``; BCR = PV(benefits) / PV(costs).
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


NEVER_A_NET_COST = -np.inf
NOT_WITHIN_HORIZON = np.inf
PAYBACK_FLAGS = {NEVER_A_NET_COST: "never a net cost", NOT_WITHIN_HORIZON: "not within the horizon"}


def payback_year(net_benefit: np.ndarray, rate: float) -> np.ndarray:
    """Index of the first year from which the *discounted cumulative* net benefit stays at
    or above zero, having been below it; ``-inf`` (:data:`NEVER_A_NET_COST`) when it is never
    below zero, ``+inf`` (:data:`NOT_WITHIN_HORIZON`) when it does not pay back within the
    years given. Never 0 for an option that costs nothing: 0 would read as "pays back at once".
    """
    given = np.asarray(net_benefit, dtype=float)
    flows = given.reshape(-1, given.shape[-1])
    cum = np.cumsum(flows * discount_factors(flows.shape[-1], rate), axis=-1)
    out = np.full(flows.shape[0], NOT_WITHIN_HORIZON)
    for i, row in enumerate(cum):
        below = np.flatnonzero(row < -1e-6)
        if below.size == 0:
            out[i] = NEVER_A_NET_COST
        elif below[-1] + 1 < row.size:
            out[i] = below[-1] + 1
    return out.reshape(given.shape[:-1]) if given.ndim > 1 else out[0]


def view_metrics(
    invest: np.ndarray,
    delta: np.ndarray,
    health: np.ndarray,
    rate: float,
    health_rate: float,
    ob_costs: float = 0.0,
    ob_benefits: float = 0.0,
) -> dict[str, np.ndarray]:
    """PV of costs and benefits, NPV, BCR and payback with optimism bias (module docstring).

    Args:
        invest: the option's own spending, GBP a year (last axis = years).
        delta: change in cost, option - baseline, investment included, GBP a year.
        health: money value of health gained, GBP a year (zeros in the cash view).
        rate: discount rate of money, a year.
        health_rate: discount rate of health, a year.
        ob_costs: optimism bias on costs (0.41 = +41%).
        ob_benefits: optimism bias on benefits (benefits divided by 1 + it).

    Returns:
        ``pv_benefits``, ``pv_costs``, ``npv``, ``npv_unadjusted`` (no optimism bias),
        ``bcr`` (NaN where PV costs are 0), ``payback_year`` and the discounted yearly
        ``benefits`` and ``costs`` (optimism bias applied).
    """
    invest, delta, health = (np.asarray(x, dtype=float) for x in (invest, delta, health))
    n = delta.shape[-1]
    d, dh = discount_factors(n, rate), discount_factors(n, health_rate)
    saving = invest - delta
    ben = np.clip(saving, 0.0, None) * d + np.clip(health, 0.0, None) * dh
    cost = (invest + np.clip(-saving, 0.0, None)) * d + np.clip(-health, 0.0, None) * dh
    ben_adj, cost_adj = ben / (1.0 + ob_benefits), cost * (1.0 + ob_costs)
    pv_b, pv_c = ben_adj.sum(-1), cost_adj.sum(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        bcr = np.where(pv_c > 0, pv_b / np.where(pv_c > 0, pv_c, 1.0), np.nan)
    return {
        "pv_benefits": pv_b,
        "pv_costs": pv_c,
        "npv": pv_b - pv_c,
        "npv_unadjusted": (ben - cost).sum(-1),
        "bcr": bcr,
        "payback_year": payback_year(ben_adj - cost_adj, 0.0),
        "benefits": ben_adj,
        "costs": cost_adj,
    }


def split_gains(delta_cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cost changes into (benefits, costs): decreases are benefits, increases are costs."""
    d = np.asarray(delta_cost, dtype=float)
    return np.clip(-d, 0.0, None), np.clip(d, 0.0, None)
