"""Investment lines: GBP a year from a payer to a provider, ramped up, for some years.

In year ``k`` of the run (1 = first) a line pays ``gbp * ramp(k)`` where ``ramp`` is 0 before
``start_year``, ``(k - start_year + 1) / ramp_up_years`` (at most 1) from then, and 0 after
``end_year``; part-years are paid pro rata to the days simulated. With one draw the amount is
the central value; with several, each draw takes a stratified sample of a triangular
distribution over ``low, central, high`` from its own seeded stream (named after the line), so
the same seed gives the same amounts and adding a line does not change the others.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr

from sim.config.errors import ConfigError
from sim.config.schema import FinanceCfg, InvestmentCfg
from sim.engines.rng import sample_triangular
from sim.finance.prices import unit_costs_gbp
from sim.finance.years import FinancialYears


def ramp(line: InvestmentCfg, years: np.ndarray) -> np.ndarray:
    """Fraction of the full amount paid in each year of the run (``years``: 1, 2, ...)."""
    k = np.asarray(years, dtype=float) - line.start_year
    n = max(line.ramp_up_years, 1)
    frac = np.clip((k + 1) / n, 0.0, 1.0)
    if line.end_year is not None:
        frac = np.where(np.asarray(years) > line.end_year, 0.0, frac)
    return frac


def amounts_per_draw(line: InvestmentCfg, name: str, n_draws: int, seed: int) -> np.ndarray:
    """GBP a year at full ramp, one per draw: central for one draw, else triangular samples."""
    g = line.gbp_per_year
    return sample_triangular(g.low, g.central, g.high, n_draws, seed, f"investment:{name}")


def investment_schedule(
    cfg: FinanceCfg, results: xr.Dataset, seed: int | None = None
) -> dict[str, xr.DataArray]:
    """GBP paid per ``(draw, year)`` by each line of ``cfg.investments`` over the results' years.

    Args:
        cfg: the finance configuration.
        results: the run the money is for (its draws, dates and ``seed`` attribute).
        seed: overrides ``results.attrs["seed"]`` for the draws of uncertain amounts.
    """
    fy = FinancialYears(results)
    draws = results["draw"].values if "draw" in results.dims else np.array([0])
    seed = int(results.attrs.get("seed", 0)) if seed is None else seed
    k = np.arange(fy.years.size) + 1
    part = (fy.days / fy.year_days).values
    out = {}
    for name, line in cfg.investments.items():
        full = amounts_per_draw(line, name, draws.size, seed)
        values = full[:, None] * (ramp(line, k) * part)[None, :]
        out[name] = xr.DataArray(
            values,
            dims=("draw", "year"),
            coords={"draw": draws, "year": fy.years},
            attrs={
                "units": f"GBP ({cfg.price_year} prices)",
                "price_year": cfg.price_year,
                "long_name": f"Investment {name}: {line.payer} to {line.provider}",
            },
        )
    return out


def places_for_investment(gbp_per_year: float, service: str, cfg: FinanceCfg) -> float:
    """Places (beds, caseload places) a year's GBP buys in ``service`` at full unit cost.

    Uses the unit cost of the cost line whose driver is ``occupied.<service>``: a place costs
    ``365 x unit cost`` a year when full, so the cost lines charge the investment back at full
    occupancy. Convert investment into capacity with this, so the model and the money agree.
    """
    unit = unit_costs_gbp(cfg)
    for line in cfg.costs.values():
        if line.driver == f"occupied.{service}":
            return float(gbp_per_year) / (365.0 * unit[line.unit_cost] * line.share)
    allowed = sorted(
        ln.driver.split(".", 1)[1] for ln in cfg.costs.values() if ln.driver.startswith("occupied.")
    )
    raise ConfigError(f"service {service!r}: no cost line costs it; allowed {allowed}")


def check_investments(
    investments: Mapping[str, xr.DataArray], cfg: FinanceCfg, years: np.ndarray
) -> None:
    """Every amount names a configured line and covers the money's years."""
    for name, da in investments.items():
        if name not in cfg.investments:
            raise ConfigError(
                f"investment {name!r}: not in finance.investments; allowed "
                f"{sorted(cfg.investments) or 'none configured'}"
            )
        missing = sorted(set(years.tolist()) - set(da["year"].values.tolist()))
        if missing:
            raise ConfigError(f"investment {name!r}: no amounts for years {missing}")
