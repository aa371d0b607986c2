"""Money and appraisal metrics of sweep variants, against each variant's own baseline.

A sweep declares which swept keys are **levers** (policy choices: ``sweep.levers``; the
``scenario`` is always one) and which are **uncertainties** (every other swept key). A
variant's *baseline* is its twin with the same uncertain values, seed and draws and every
lever as in the base configuration (``scenario`` at ``baseline``): the two share their random
numbers, so differences are the levers' effect. Each variant's money is computed as
:func:`sim.jobs.simulate.simulate` computes it, with its baseline as the plan that sets the
fixed elements of payments; appraisal metrics (NPV, benefit-cost ratio, net cost per
admission avoided ...) are :func:`sim.appraisal.appraise.appraise` of the variant against its
baseline. Nothing here re-implements the money or the appraisal.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import xarray as xr

from sim.appraisal.appraise import appraise
from sim.config.compose import to_yaml
from sim.config.keys import resolve_key
from sim.config.schema import Config, FinanceCfg
from sim.finance.money import compute_money
from sim.scenarios.money import investment_amounts, scenario_finance

MONEY_OUTPUTS = (
    "income", "cost", "surplus", "payments", "contract_payments", "risk_share_transfers",
    "provider_cost", "line_cost", "investment", "investment_total", "system_cost",
    "system_net_cost",
)  # fmt: skip
"""Money variables of a run (:func:`sim.finance.money.compute_money`), dims ``draw, year ..``."""

APPRAISAL_OUTPUTS = (
    "npv", "bcr", "cost_per_admission_avoided", "pv_benefits", "pv_costs", "payback_year",
    "net_cost_change", "beds_freed", "emergency_admissions_change", "bed_days_change",
    "delayed_bed_days_change",
)  # fmt: skip
"""Appraisal metrics a sweep can keep per variant and draw (against its baseline)."""

ALWAYS_KEPT = ("parameter_draws", "effect_size")
"""Sampled inputs of every draw, kept whatever ``sweep.outputs`` says."""

BASELINE_SCENARIO = "baseline"


def needs_money(outputs: Sequence[str]) -> bool:
    """Whether the outputs ask for money or appraisal metrics."""
    return any(o in MONEY_OUTPUTS or o in APPRAISAL_OUTPUTS for o in outputs)


def is_lever(key: str, levers: Sequence[str]) -> bool:
    """Whether a swept key is a lever (a policy choice) rather than an uncertainty."""
    return key == "scenario" or key in levers


def twin_value(key: str, base: Config) -> Any:
    """The value of a lever key in the base configuration (``baseline`` for the scenario)."""
    if key == "scenario":
        return BASELINE_SCENARIO
    if key == "place":
        return base.place.name
    return resolve_key(base, key)


def central_finance(fin: FinanceCfg) -> FinanceCfg:
    """``fin`` with every unit cost and investment amount at its central value, as a run of
    one draw has them: the money of many one-draw variants stacked on ``draw`` is then each
    variant's own money.
    """
    out = copy.deepcopy(fin)
    out.sample_unit_costs = False
    for line in out.investments.values():
        line.gbp_per_year.low = line.gbp_per_year.high = line.gbp_per_year.central
    return out


def with_money(
    results: xr.Dataset,
    cfg: Config,
    plan: xr.Dataset | None,
    *,
    central: bool = False,
    investments: dict[str, xr.DataArray] | None = None,
) -> xr.Dataset:
    """``results`` with its money, measured against ``plan`` (None: against itself).

    As :func:`sim.jobs.simulate.simulate` (investments from the scenario's lines), without
    its contracting re-runs. ``central``: unit costs and investment amounts at their central
    values whatever the number of draws (for one-draw variants stacked on ``draw``);
    ``investments``: GBP per ``(draw, year)`` by line, given (else from ``cfg``).
    """
    fin = scenario_finance(cfg)
    fin = central_finance(fin) if central else fin
    if investments is None:
        investments = investment_amounts(fin, results, cfg.run.seed)
    money = compute_money(results, fin, plan, investments)
    money = money.rename({"days": "days_in_year"})
    return xr.merge([results, money], combine_attrs="override")


def appraisal_outputs(
    baseline: xr.Dataset, variant: xr.Dataset, cfg: Config, names: Sequence[str]
) -> xr.Dataset:
    """The appraisal metrics ``names`` of ``variant`` against ``baseline`` (both with money),
    dims ``draw`` (and ``view``, cash and economic, and ``year`` for yearly metrics).
    """
    fin = {"variant": scenario_finance(cfg)}
    table = appraise(baseline, {"variant": variant}, cfg.appraisal, fin).sel(option="variant")
    keep = [n for n in names if n in APPRAISAL_OUTPUTS and n in table]
    out = table[keep].drop_vars(["option"], errors="ignore")
    return out.drop_vars([c for c in out.coords if c not in out.dims], errors="ignore")


def one_draw_investments(results: xr.Dataset, cfg: Config) -> dict[str, xr.DataArray]:
    """A one-draw variant's investment by line, GBP per ``(draw, year)``, as its own run
    pays them (amounts at their central values).
    """
    fin = central_finance(scenario_finance(cfg))
    return investment_amounts(fin, results, cfg.run.seed)


def money_settings(cfg: Config) -> str:
    """What a variant's money depends on besides its results and its investments' amounts:
    one-draw variants with the same settings share one money computation.
    """
    fin = central_finance(scenario_finance(cfg))
    for line in fin.investments.values():
        line.gbp_per_year.low = line.gbp_per_year.central = line.gbp_per_year.high = 0.0
    return to_yaml(fin) + to_yaml(cfg.appraisal)
