"""Payment mechanisms: how a contract turns activity into money from a payer to a provider.

A contract's ``prices`` value the activity it covers, ``V = price_scale * sum(unit cost x
driver)`` in each financial year; the same on the plan (the baseline run) is ``P``. Then:

- ``block``: a fixed sum, ``amount_gbp`` (uplifted from its price year, grown at
  ``growth_per_year``) or, when none is given, the planned value ``P``; activity does not move it.
- ``activity``: ``V``: every unit paid at its unit price.
- ``api`` (NHS Payment Scheme aligned payment and incentive, EVIDENCE 7.21/7.22): a fixed element
  (the block above) plus ``variable_rate * (V - P)`` on the deviation from plan.
- ``blended``: the api payment with ``outcome.pool_share`` of the fixed element held back as an
  outcomes pool, earned in proportion to the change of ``outcome.metric`` against plan, in full
  at ``outcome.target_change`` (e.g. -0.05: 5% fewer emergency admissions than planned).
- ``capitation`` (year of care): a sum per person-year of a cohort (age bands, segments):
  ``amount_gbp`` or the planned value per planned person-year, times the cohort's person-years.
- ``risk_share`` (multi-year agreement): see :func:`risk_share_settlement`.

A contract is in force from ``start_year`` (1 = the first financial year of the run) for
``years`` years (all when none); it pays nothing outside them.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from sim.config.errors import ConfigError
from sim.config.schema import ContractCfg, FinanceCfg
from sim.finance.costs import _aligned
from sim.finance.prices import uplift_factor
from sim.finance.years import FinancialYears


def in_force(contract: ContractCfg | object, years: xr.DataArray) -> xr.DataArray:
    """1 in the financial years a contract (or anything with start_year/years) is in force."""
    k = xr.DataArray(np.arange(years.size) + 1, dims="year", coords={"year": years})
    start = contract.start_year  # type: ignore[attr-defined]
    n = contract.years  # type: ignore[attr-defined]
    active = k >= start
    if n is not None:
        active = active & (k < start + n)
    return active.astype(float)


def priced_value(
    contract: ContractCfg, key: str, unit_gbp: dict[str, xr.DataArray], fy: FinancialYears
) -> xr.DataArray:
    """``price_scale * sum(unit price x driver quantity)``, GBP per (draw, year)."""
    total = None
    for driver, unit in contract.prices.items():
        if unit not in unit_gbp:
            raise ConfigError(f"{key}.prices.{driver} = {unit!r}: no such unit cost")
        value = unit_gbp[unit] * fy.quantity(driver, f"{key}.prices")
        total = value if total is None else total + value
    if total is None:
        total = xr.zeros_like(fy.days).expand_dims(draw=fy.results["draw"].values)
    return contract.price_scale * total


def _stated_amount(
    contract: ContractCfg, cfg: FinanceCfg, fy: FinancialYears, per_year: bool
) -> xr.DataArray:
    """``amount_gbp`` at the price year, grown from the first year, pro rata to days run."""
    assert contract.amount_gbp is not None
    amount = contract.amount_gbp
    if contract.amount_price_year:
        amount *= uplift_factor(cfg.index, contract.amount_price_year, cfg.price_year)
    k = xr.DataArray(np.arange(fy.years.size), dims="year", coords={"year": fy.years})
    grown = amount * (1.0 + contract.growth_per_year) ** k
    return grown * (fy.days / fy.year_days) if per_year else grown


def contract_payment(
    contract: ContractCfg,
    key: str,
    cfg: FinanceCfg,
    unit_gbp: dict[str, xr.DataArray],
    fy: FinancialYears,
    plan: FinancialYears,
) -> xr.DataArray:
    """GBP paid by the payer to the provider per (draw, year) (not for ``risk_share``)."""
    value = priced_value(contract, key, unit_gbp, fy)
    planned = _aligned(priced_value(contract, key, unit_gbp, plan), value)
    mech = contract.mechanism
    if mech in ("block", "api", "blended"):
        fixed = (
            _stated_amount(contract, cfg, fy, per_year=True).broadcast_like(value)
            if contract.amount_gbp is not None
            else planned
        )
    if mech == "block":
        pay = fixed
    elif mech == "activity":
        pay = value
    elif mech == "api":
        pay = fixed + contract.variable_rate * (value - planned)
    elif mech == "blended":
        if contract.outcome is None:
            raise ConfigError(f"{key}.outcome: a blended contract needs an outcome element")
        out = contract.outcome
        metric = fy.quantity(out.metric, f"{key}.outcome.metric")
        metric_plan = _aligned(plan.quantity(out.metric, f"{key}.outcome.metric"), metric)
        change = (metric / metric_plan.where(metric_plan != 0) - 1.0).fillna(0.0)
        achieved = (change / out.target_change).clip(0.0, 1.0)
        pool = out.pool_share * fixed
        pay = fixed - pool + contract.variable_rate * (value - planned) + pool * achieved
    elif mech == "capitation":
        people = _person_years(contract, key, fy)
        if contract.amount_gbp is not None:
            rate = _stated_amount(contract, cfg, fy, per_year=False)
        else:
            people_plan = _aligned(_person_years(contract, key, plan), value)
            rate = planned / people_plan.where(people_plan > 0)
        pay = (rate * people).fillna(0.0)
    else:
        raise ConfigError(f"{key}.mechanism = {mech!r}: not a payment between two parties")
    return (pay * in_force(contract, value["year"])).transpose("draw", "year")


def _person_years(contract: ContractCfg, key: str, fy: FinancialYears) -> xr.DataArray:
    """Person-years lived in the cohort (population level-days / days in the year)."""
    if "population" not in fy.results:
        raise ConfigError(f"{key}: capitation needs the results variable 'population'")
    pop = fy.results["population"]
    for dim, wanted in (
        ("age_band", contract.cohort_age_bands),
        ("segment", contract.cohort_segments),
    ):
        if wanted:
            if dim not in pop.dims:
                raise ConfigError(f"{key}.cohort: population has no {dim} dimension")
            unknown = sorted(set(wanted) - set(pop[dim].values.astype(str)))
            if unknown:
                raise ConfigError(
                    f"{key}.cohort_{dim}s = {list(wanted)}: unknown {unknown}; allowed "
                    f"{list(pop[dim].values.astype(str))}"
                )
            pop = pop.sel({dim: list(wanted)})
    rest = [d for d in pop.dims if d not in ("draw", "time")]
    cohort = pop.sum(rest)
    if "draw" not in cohort.dims:
        cohort = cohort.expand_dims(draw=[0])
    level_days = xr.dot(cohort, fy.overlap_days, dim="time").transpose("draw", "year")
    return level_days / fy.year_days


def risk_share_settlement(
    contract: ContractCfg,
    delta_surplus: xr.DataArray,
) -> xr.DataArray:
    """Transfers from the payer that give each party its share of the pooled gain.

    ``delta_surplus`` is each party's surplus in the scenario minus its surplus on the plan,
    before the settlement, by ``(draw, year, org)``. The parties' gain ``G`` is its sum over the
    parties (so it is net of any investment a party paid); party ``p`` with share ``s_p`` ends
    with ``s_p G``: the payer pays it ``s_p G - delta_p`` (negative: ``p`` pays the payer back),
    and keeps ``s_payer G`` itself. Transfers sum to zero over the parties, so money is
    conserved. Returns GBP by ``(draw, year, provider)``, zero outside the years in force.
    """
    parties = list(contract.shares)
    delta = delta_surplus.sel(org=parties)
    gain = delta.sum("org")
    shares = xr.DataArray(
        [contract.shares[p] for p in parties], dims="org", coords={"org": parties}
    )
    transfer = (shares * gain - delta) * in_force(contract, delta_surplus["year"])
    transfer = transfer.where(transfer["org"] != contract.payer, 0.0)
    return transfer.rename(org="provider").transpose("draw", "year", "provider")
