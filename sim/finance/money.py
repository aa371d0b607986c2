"""The accounts: from a results Dataset (and the plan) to income, cost and surplus per
organisation per financial year, and the payments between organisations.

Money is conserved by construction and by test: every payment is income to one organisation
and cost to another, so per year ``sum(payments) = sum(income)``; an organisation's cost is its
provider costs plus what it pays; ``surplus = income - cost``; ``system_cost`` is the sum of
provider costs and ``system_net_cost = -sum(surplus)`` (the same, as no money enters from
outside the six organisations: self-funders' care-home fees are left out of the cost lines).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import xarray as xr
from omegaconf import OmegaConf

from sim.config.errors import ConfigError
from sim.config.schema import Config, FinanceCfg
from sim.finance.costs import _aligned, provider_costs
from sim.finance.investment import check_investments, investment_schedule
from sim.finance.payments import contract_payment, risk_share_settlement
from sim.finance.prices import unit_costs_by_draw, unit_costs_gbp
from sim.finance.vocabulary import COST_TYPES, ORGANISATIONS
from sim.finance.years import FinancialYears

ORGS = list(ORGANISATIONS)
Investments = Mapping[str, xr.DataArray] | Literal["config"] | None


def compute_money(
    results: xr.Dataset,
    finance_cfg: FinanceCfg | Config,
    plan: xr.Dataset | None = None,
    investments: Investments = "config",
) -> xr.Dataset:
    """The money of a run: costs, payments, income and surplus per organisation and year.

    Args:
        results: a results Dataset (daily or coarser records; dims ``draw, time, ...``).
        finance_cfg: ``cfg.finance`` (or the whole ``Config``).
        plan: the baseline run's results, which set fixed elements, targets and the capacity
            that flow services are staffed for; ``None`` uses ``results`` itself (no deviation
            from plan). Same dates; same draws, or one draw used for all.
        investments: GBP per ``(draw, year)`` by investment line name (lines must be in
            ``finance_cfg.investments``, which says who pays whom); ``"config"`` computes them
            from the configuration with :func:`investment_schedule`; ``None``: no investment.

    Returns:
        A Dataset with dims ``draw, year`` (financial year starting 1 April) and ``org``,
        ``payer``, ``provider``, ``contract``, ``cost_line``, ``cost_type``, ``investment_line``,
        ``memo``; every GBP variable at ``price_year`` prices (in ``units`` and attrs).
    """
    cfg = finance_cfg.finance if isinstance(finance_cfg, Config) else finance_cfg
    if "draw" not in results.dims:
        results = results.expand_dims(draw=[0])
    fy = FinancialYears(results)
    if plan is not None:
        plan = _plan_on_draws(plan, results)
    plan_fy = FinancialYears(plan) if plan is not None else fy
    _check_plan(fy, plan_fy)
    seed = int(results.attrs.get("seed", 0))
    unit = unit_costs_by_draw(cfg, results["draw"].values, seed)
    if isinstance(investments, str):
        if investments != "config":
            raise ConfigError(f"investments = {investments!r}: a mapping, 'config' or None")
        investments = investment_schedule(cfg, results)
    investments = dict(investments or {})
    check_investments(investments, cfg, fy.years)

    acc = _accounts(cfg, unit, fy, plan_fy, investments)
    settle = {k: c for k, c in cfg.contracts.items() if c.mechanism == "risk_share"}
    transfers = xr.zeros_like(acc["payments"])
    if settle:
        plan_acc = acc if plan is None else _accounts(cfg, unit, plan_fy, plan_fy, {})
        delta = acc["surplus"] - _aligned(plan_acc["surplus"], acc["surplus"])
        for name, contract in settle.items():
            t = risk_share_settlement(contract, delta)
            t = t.reindex(provider=ORGS, fill_value=0.0)
            acc["contract_payments"].loc[{"contract": name}] = t.sum("provider")
            transfers.loc[{"payer": contract.payer}] += t
    payments = acc["payments"] + transfers
    return _dataset(cfg, unit, fy, acc, payments, transfers, results, plan is not None)


def _plan_on_draws(plan: xr.Dataset, results: xr.Dataset) -> xr.Dataset:
    """A one-draw plan repeated for every draw of the results (else the plan as it is)."""
    if "draw" not in plan.dims:
        plan = plan.expand_dims(draw=[0])
    n = results.sizes["draw"]
    if plan.sizes["draw"] == 1 and n > 1:
        plan = plan.isel(draw=np.zeros(n, dtype=int)).assign_coords(draw=results["draw"].values)
    return plan


def _check_plan(fy: FinancialYears, plan: FinancialYears) -> None:
    missing = sorted(set(fy.years.tolist()) - set(plan.years.tolist()))
    if missing:
        raise ConfigError(f"plan: no financial years {missing}; it must cover the results' years")
    if not np.allclose(plan.days.sel(year=fy.years).values, fy.days.values):
        raise ConfigError("plan: covers different days of the financial years than the results")
    n, m = fy.results.sizes.get("draw", 1), plan.results.sizes.get("draw", 1)
    if m not in (1, n):
        raise ConfigError(f"plan: has {m} draws; must have 1 or as many as the results ({n})")


def _accounts(
    cfg: FinanceCfg,
    unit: dict[str, xr.DataArray],
    fy: FinancialYears,
    plan: FinancialYears,
    investments: Mapping[str, xr.DataArray],
) -> dict[str, xr.DataArray]:
    """Costs, payments and the resulting income, cost and surplus, before any settlement."""
    lines = provider_costs(cfg, unit, fy, plan)
    zero = xr.zeros_like(lines.isel(cost_line=0, cost_type=0, drop=True))
    by_org = xr.concat(
        [
            lines.sel(cost_line=[k for k, c in cfg.costs.items() if c.provider == org]).sum(
                "cost_line"
            )
            for org in ORGS
        ],
        dim=xr.DataArray(ORGS, dims="org"),
    )
    invested_cost = xr.zeros_like(zero).expand_dims(org=ORGS).copy()
    payments = xr.zeros_like(zero).expand_dims(payer=ORGS, provider=ORGS).copy()
    names = list(cfg.contracts)
    contract_pay = xr.zeros_like(zero).expand_dims(contract=names).copy()
    for name, contract in cfg.contracts.items():
        if contract.mechanism == "risk_share":
            continue
        pay = contract_payment(contract, f"finance.contracts.{name}", cfg, unit, fy, plan)
        contract_pay.loc[{"contract": name}] = pay
        payments.loc[{"payer": contract.payer, "provider": contract.provider}] += pay
    inv_names = list(investments)
    invested = xr.zeros_like(zero).expand_dims(investment_line=inv_names).copy()
    rises = _line_rises(cfg, unit, fy, plan, lines, investments)
    for name, amount in investments.items():
        line = cfg.investments[name]
        amount = _on_draws(amount, zero, name).reindex(year=zero["year"]).fillna(0.0)
        if line.cost == "line":
            amount = rises[name]
        invested.loc[{"investment_line": name}] = amount
        payments.loc[{"payer": line.payer, "provider": line.provider}] += amount
        if line.cost == "amount":
            invested_cost.loc[{"org": line.provider}] += amount
    provider_cost = xr.concat(
        [by_org.sel(cost_type=t, drop=True) for t in COST_TYPES[:3]] + [invested_cost],
        dim="cost_type",
    ).assign_coords(cost_type=list(COST_TYPES))
    acc = {
        "line_cost": lines,
        "provider_cost": provider_cost.transpose("draw", "year", "org", "cost_type"),
        "contract_payments": contract_pay.transpose("draw", "year", "contract"),
        "investment": invested.transpose("draw", "year", "investment_line"),
        "payments": payments.transpose("draw", "year", "payer", "provider"),
    }
    acc.update(_positions(acc["provider_cost"], acc["payments"]))
    return acc


def _line_rises(
    cfg: FinanceCfg,
    unit: dict[str, xr.DataArray],
    fy: FinancialYears,
    plan: FinancialYears,
    lines: xr.DataArray,
    investments: Mapping[str, xr.DataArray],
) -> dict[str, xr.DataArray]:
    """GBP per ``(draw, year)`` paid by each ``cost = line`` investment: the rise of its cost
    line against the plan (never negative), in the years from ``start_year`` to ``end_year``.
    """
    named = {k: cfg.investments[k] for k in investments if cfg.investments[k].cost == "line"}
    if not named:
        return {}
    planned = lines if plan is fy else provider_costs(cfg, unit, plan, plan)
    k = xr.DataArray(np.arange(fy.years.size) + 1, dims="year", coords={"year": fy.years})
    out = {}
    for name, inv in named.items():
        rise = (lines - _aligned(planned, lines)).sel(cost_line=inv.cost_line, drop=True)
        on = (k >= inv.start_year) & (k <= (inv.end_year or np.inf))
        out[name] = rise.sum("cost_type").clip(min=0.0).where(on, 0.0)
    return out


def _on_draws(amount: xr.DataArray, like: xr.DataArray, name: str) -> xr.DataArray:
    """Investment amounts on the results' draws: one draw (or none) serves every draw."""
    n = like.sizes["draw"]
    if "draw" in amount.dims and amount.sizes["draw"] == 1:
        amount = amount.isel(draw=0, drop=True)
    elif "draw" in amount.dims and amount.sizes["draw"] != n:
        raise ConfigError(
            f"investment {name!r}: has {amount.sizes['draw']} draws; must have 1 or {n}"
        )
    elif "draw" in amount.dims:
        amount = amount.assign_coords(draw=like["draw"].values)
    return amount.broadcast_like(like.isel(year=0, drop=True))


def _positions(provider_cost: xr.DataArray, payments: xr.DataArray) -> dict[str, xr.DataArray]:
    """Income, cost and surplus per organisation from provider costs and payments."""
    income = payments.sum("payer").rename(provider="org")
    paid = payments.sum("provider").rename(payer="org")
    cost = provider_cost.sum("cost_type") + paid
    return {"income": income, "cost": cost, "surplus": income - cost}


def _dataset(
    cfg: FinanceCfg,
    unit: dict[str, xr.DataArray],
    fy: FinancialYears,
    acc: dict[str, xr.DataArray],
    payments: xr.DataArray,
    transfers: xr.DataArray,
    results: xr.Dataset,
    has_plan: bool,
) -> xr.Dataset:
    pos = _positions(acc["provider_cost"], payments)
    system_cost = acc["provider_cost"].sum(("org", "cost_type"))
    memo = {
        driver: unit[u] * fy.quantity(driver, f"finance.memo.{driver}")
        for driver, u in cfg.memo.items()
    }
    data = {
        "income": (pos["income"], "Income (payments received)"),
        "cost": (pos["cost"], "Cost (provider costs plus payments made)"),
        "surplus": (pos["surplus"], "Surplus (income - cost)"),
        "payments": (payments, "Payments from payer to provider"),
        "contract_payments": (acc["contract_payments"], "Payments under each contract"),
        "risk_share_transfers": (transfers, "Risk- and gain-share settlements"),
        "provider_cost": (acc["provider_cost"], "Provider costs by behaviour"),
        "line_cost": (  # no investment part: lines cost activity and capacity only
            acc["line_cost"].reindex(cost_type=list(COST_TYPES), fill_value=0.0),
            "Provider costs by cost line",
        ),
        "investment": (acc["investment"], "Investment paid by line"),
        "investment_total": (acc["investment"].sum("investment_line"), "Investment paid"),
        "system_cost": (system_cost, "System cost (sum of provider costs)"),
        "system_net_cost": (-pos["surplus"].sum("org"), "System net cost (-sum of surpluses)"),
    }
    if memo:
        da = xr.concat(list(memo.values()), dim=xr.DataArray(list(memo), dims="memo"))
        data["memo_cost"] = (da.transpose("draw", "year", "memo"), "Memo: cost of (not added)")
    units = f"GBP ({cfg.price_year} prices)"
    ds = xr.Dataset()
    for name, (da, long_name) in data.items():
        da = da.assign_coords(financial_year=fy.days["financial_year"])
        ds[name] = da.assign_attrs(
            units=units, long_name=long_name, price_year=cfg.price_year, cell_methods="year: sum"
        )
    ds["days"] = fy.days
    names = list(cfg.unit_costs)
    central = unit_costs_gbp(cfg)
    unit_coords = {
        "unit_cost_name": names,
        "unit": ("unit_cost_name", [cfg.unit_costs[k].unit for k in names]),
    }
    unit_attrs = {"units": f"GBP per unit ({cfg.price_year} prices)", "price_year": cfg.price_year}
    ds["unit_cost"] = xr.DataArray(
        [central[k] for k in names],
        dims="unit_cost_name",
        coords=unit_coords,
        attrs={**unit_attrs, "long_name": "Unit cost at the price year (central)"},
    )
    ds["unit_cost_by_draw"] = (
        xr.concat([unit[k] for k in names], dim="unit_cost_name")
        .assign_coords(unit_coords)
        .transpose("draw", "unit_cost_name")
        .assign_attrs(unit_attrs, long_name="Unit cost at the price year, as drawn")
    )
    ds = ds.assign_coords(org_name=("org", [ORGANISATIONS[o] for o in ORGS]))
    ds["year"].attrs = {"long_name": "Financial year (calendar year of 1 April)"}
    ds.attrs = {
        "price_year": cfg.price_year,
        "currency": units,
        "scenario": str(results.attrs.get("scenario", "")),
        "plan": "the plan (baseline) run given" if has_plan else "the results themselves",
        "index_source": cfg.index.source,
        "finance_yaml": OmegaConf.to_yaml(OmegaConf.structured(cfg)),
        "conventions": "GBP at the price year (real terms); year = financial year starting "
        "1 April of `year`; part-years cover only the days simulated (`days`)",
    }
    return ds


def plan_money(plan: xr.Dataset, finance_cfg: FinanceCfg | Config) -> xr.Dataset:
    """The plan's own money: the baseline run against itself, without investment."""
    return compute_money(plan, finance_cfg, plan=plan, investments=None)


def commissioner_net_saving(
    money: xr.Dataset, plan_money: xr.Dataset, org: str = "icb"
) -> xr.DataArray:
    """In-year net saving of ``org`` (scenario vs plan, investment included), ``(draw, year)``.

    Positive when the organisation is better off than on the plan in that year: for the
    commissioner, its payments to providers fell by more than the investment it paid. The
    annual-contracting rule "renew only if it paid back within the year" is
    ``commissioner_net_saving(...) >= 0`` (see :func:`paid_back_in_year`).
    """
    if org not in ORGANISATIONS:
        raise ConfigError(f"org = {org!r}: allowed {', '.join(ORGS)}")
    saving = (money["surplus"] - _aligned(plan_money["surplus"], money["surplus"])).sel(org=org)
    return saving.drop_vars(["org", "org_name"], errors="ignore").assign_attrs(
        units=money["surplus"].attrs["units"],
        price_year=money.attrs["price_year"],
        long_name=f"In-year net saving of {org} against plan",
    )


def paid_back_in_year(
    money: xr.Dataset, plan_money: xr.Dataset, org: str = "icb", tol_gbp: float = 0.5
) -> xr.DataArray:
    """True per ``(draw, year)`` where ``org`` saved at least what it invested that year."""
    return commissioner_net_saving(money, plan_money, org) >= -tol_gbp
