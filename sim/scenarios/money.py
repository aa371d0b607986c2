"""The money of a scenario: the finance config with its investments and contracts, and what
each investment line pays per draw and year (less any years withdrawn by contracting).
"""

from __future__ import annotations

import copy

import numpy as np
import xarray as xr

from sim.config.schema import Config, FinanceCfg, ScenarioCfg
from sim.finance.investment import investment_schedule


def scenario_finance(cfg: Config) -> FinanceCfg:
    """``cfg.finance`` with the scenario's investment lines and its contracts added."""
    fin = copy.deepcopy(cfg.finance)
    fin.investments = {**fin.investments, **copy.deepcopy(cfg.scenario.investments)}
    fin.contracts = {**fin.contracts, **copy.deepcopy(cfg.scenario.contracts)}
    return fin


def plan_config(cfg: Config) -> Config:
    """The plan a scenario is measured against: the same place and run, no changes."""
    plan = copy.deepcopy(cfg)
    plan.scenario = ScenarioCfg(
        name="plan", description=f"plan for {cfg.scenario.name}: the place with no changes"
    )
    return plan


def changes_anything(scenario: ScenarioCfg) -> bool:
    """Whether a scenario has effects, investments or contracts of its own."""
    return bool(scenario.effects or scenario.investments or scenario.contracts)


def investment_amounts(
    fin: FinanceCfg,
    results: xr.Dataset,
    seed: int,
    last_year: dict[str, np.ndarray] | None = None,
) -> dict[str, xr.DataArray]:
    """GBP per ``(draw, year)`` by line, zero after a draw's last year when withdrawn."""
    amounts = investment_schedule(fin, results, seed)
    if not last_year:
        return amounts
    for name, last in last_year.items():
        k = np.arange(amounts[name].sizes["year"]) + 1
        keep = k[None, :] <= np.asarray(last)[:, None]
        amounts[name] = amounts[name].where(keep, 0.0)
    return amounts
