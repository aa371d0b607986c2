"""Provider costs: each cost line is a driver from the results times a unit cost, split into
fixed, semi-fixed and variable parts, so that less activity shows stranded costs.

For a line with unit cost ``u`` (GBP at the price year), ``share`` ``s`` and driver quantity
``q`` (a flow's total, or a level's level-days, e.g. occupied bed days) in a financial year:

- **variable** ``= u (1 - f - sf) s q``: moves with activity;
- **semi-fixed** ``= u sf s step ceil(L / step) days``: steps with the mean level ``L`` (e.g.
  wards of 28 beds are opened or closed as occupied beds change); level drivers only;
- **fixed** ``= u f s B``: ``B`` is the capacity behind the driver: available places
  (``capacity.<service>`` level-days) for ``occupied.<service>``, and otherwise the *planned*
  quantity (the baseline run: staff and fleet sized to plan). Less activity leaves it unchanged
  until capacity is taken out: a scenario lowers capacity in the model, or
  ``decommission_lag_years = L`` lowers ``B`` by the fall in use against plan ``L`` years
  earlier.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from sim.config.errors import ConfigError
from sim.config.schema import CostLineCfg, FinanceCfg
from sim.finance.years import FinancialYears

EPS = 1e-9


def line_costs(
    line: CostLineCfg,
    key: str,
    unit_gbp: float | xr.DataArray,
    fy: FinancialYears,
    plan: FinancialYears | None,
) -> dict[str, xr.DataArray]:
    """Fixed, semi-fixed and variable GBP of one cost line, each ``(draw, year)``."""
    s = line.share
    f, sf = line.fixed_share, line.semi_fixed_share
    q = fy.quantity(line.driver, f"{key}.driver") * s
    kind = fy.kind(line.driver, f"{key}.driver")
    variable = unit_gbp * (1.0 - f - sf) * q
    if sf > 0:
        level = fy.mean_level(line.driver, f"{key}.driver").fillna(0.0) * s
        steps = np.ceil(level / line.step - EPS).clip(min=0) * line.step
        semi = unit_gbp * sf * steps * fy.days
    else:
        semi = xr.zeros_like(q)
    base = _fixed_base(line, key, fy, plan, q, kind)
    fixed = unit_gbp * f * base
    return {"fixed": fixed, "semi_fixed": semi, "variable": variable}


def _fixed_base(
    line: CostLineCfg,
    key: str,
    fy: FinancialYears,
    plan: FinancialYears | None,
    q: xr.DataArray,
    kind: str,
) -> xr.DataArray:
    """What fixed costs follow: available places, or planned activity, less decommissioning."""
    s = line.share
    name, _, label = line.driver.partition(".")
    if line.fixed_share == 0:
        return xr.zeros_like(q)
    if name == "occupied" and label:
        base = fy.quantity(f"capacity.{label}", f"{key}.driver") * s
    elif plan is not None:
        base = _aligned(plan.quantity(line.driver, f"{key}.driver"), q) * s
    else:
        base = q
    lag = line.decommission_lag_years
    if lag is not None and plan is not None:
        planned = _aligned(plan.quantity(line.driver, f"{key}.driver"), q) * s
        fall_per_day = ((planned - q) / fy.days.where(fy.days > 0)).fillna(0.0).clip(min=0)
        released = fall_per_day.shift(year=lag, fill_value=0.0) * fy.days
        base = (base - released).clip(min=0)
    return base


def _aligned(planned: xr.DataArray, like: xr.DataArray) -> xr.DataArray:
    """The plan on the results' draws and years (a one-draw plan is used for every draw)."""
    if planned.sizes.get("draw", 1) == 1 and like.sizes["draw"] > 1:
        planned = planned.isel(draw=0, drop=True)
    return planned.reindex(year=like["year"], fill_value=np.nan).broadcast_like(like)


def provider_costs(
    cfg: FinanceCfg,
    unit_gbp: dict[str, xr.DataArray],
    fy: FinancialYears,
    plan: FinancialYears | None,
) -> xr.DataArray:
    """GBP by ``(draw, year, cost_line, cost_type)`` for every line in ``cfg.costs``."""
    rows = []
    for name, line in cfg.costs.items():
        if line.unit_cost not in unit_gbp:
            raise ConfigError(
                f"finance.costs.{name}.unit_cost = {line.unit_cost!r}: no such unit cost"
            )
        parts = line_costs(line, f"finance.costs.{name}", unit_gbp[line.unit_cost], fy, plan)
        rows.append(
            xr.concat([parts[t] for t in ("fixed", "semi_fixed", "variable")], dim="cost_type")
            .assign_coords(cost_type=["fixed", "semi_fixed", "variable"])
            .expand_dims(cost_line=[name])
        )
    return xr.concat(rows, dim="cost_line").transpose("draw", "year", "cost_line", "cost_type")
