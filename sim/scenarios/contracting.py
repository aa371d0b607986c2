"""How the commissioner decides whether an investment carries on, year by year or by term.

``annual``: each financial year is a new contract. An investment is renewed for the next
year only if it paid back within the year: the commissioner's cost in that year, investment
included, is no higher than under the plan (the baseline). The first year it is not, is the
last year it is paid.

``multi_year``: the investment is committed for ``term_years``; at the end of a term it is
renewed only if the system (every organisation, since the agreement pools gains and losses)
was no worse off over the term than under the plan, investment included.

Decisions depend only on the years before them, so one run with the investment kept
throughout gives every draw's first withdrawal year exactly; the scenario is then run again
with the investment stopped there (:func:`sim.jobs.simulate.simulate`).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from sim.config.schema import ContractingCfg, InvestmentCfg

COMMISSIONER = "icb"
TOLERANCE_GBP = 1.0
"""Pounds of slack in a payback test, so rounding never decides a renewal."""


def last_years(
    contracting: ContractingCfg,
    investments: dict[str, InvestmentCfg],
    money: xr.Dataset,
    plan_money: xr.Dataset,
) -> dict[str, np.ndarray] | None:
    """Last financial year (1 = the first of the run) each line is paid, per draw; ``None``
    when nothing is withdrawn or the contracting mode makes no decisions.
    """
    if contracting.mode == "none" or not investments:
        return None
    years = money["year"].values
    k = np.arange(years.size) + 1
    if contracting.mode == "annual":
        extra = _extra_cost(money, plan_money, "cost", COMMISSIONER)
        fails = extra > TOLERANCE_GBP  # (draw, year): did not pay back within the year
        out = {
            name: _first_failure(fails, k, line.start_year) for name, line in investments.items()
        }
    else:
        extra = (money["system_net_cost"] - _align(plan_money["system_net_cost"], money)).values
        out = {
            name: _term_failure(extra, k, line.start_year, contracting.term_years)
            for name, line in investments.items()
        }
    if all(np.isinf(v).all() for v in out.values()):
        return None
    return out


def _extra_cost(money: xr.Dataset, plan: xr.Dataset, var: str, org: str) -> np.ndarray:
    """``var`` of ``org`` in the scenario less the plan, ``(draw, year)``."""
    scen = money[var].sel(org=org)
    return (scen - _align(plan[var].sel(org=org), money)).transpose("draw", "year").values


def _align(da: xr.DataArray, like: xr.Dataset) -> xr.DataArray:
    """The plan's values on the scenario's draws (one plan draw serves all)."""
    if da.sizes.get("draw", 1) == 1 and like.sizes.get("draw", 1) > 1:
        da = da.isel(draw=0, drop=True)
    else:
        da = da.assign_coords(draw=like["draw"].values)
    return da.sel(year=like["year"].values)


def _first_failure(fails: np.ndarray, k: np.ndarray, start: int) -> np.ndarray:
    """Per draw, the first year from ``start`` whose test failed (inf when none)."""
    out = np.full(fails.shape[0], np.inf)
    for d in range(fails.shape[0]):
        bad = np.flatnonzero(fails[d] & (k >= start))
        if bad.size:
            out[d] = k[bad[0]]
    return out


def _term_failure(extra: np.ndarray, k: np.ndarray, start: int, term: int) -> np.ndarray:
    """Per draw, the last year of the first term over which the system was worse off."""
    out = np.full(extra.shape[0], np.inf)
    ends = range(start + term - 1, int(k.max()) + 1, term)
    for d in range(extra.shape[0]):
        for end in ends:
            in_term = (k >= end - term + 1) & (k <= end)
            if extra[d, in_term].sum() > TOLERANCE_GBP:
                out[d] = end
                break
    return out
