"""Prices at one price year: the uplift index and unit costs.

Costs are quoted at the price year of their source (e.g. reference costs at 2016/17). The index
gives the growth of NHS pay and prices into each financial year; a cost at year ``a`` is worth
``cost * prod(1 + growth[y] for a < y <= b)`` at year ``b``. Every GBP the money package
returns is at ``finance.price_year`` prices: real terms, no inflation after the price year.

A unit cost with a ``low``-``high`` range is drawn once per parameter draw (when there are
several) from a triangular distribution with its mode at ``gbp``, stratified so the draws span
the range, from a stream seeded by the run's seed and the unit cost's name: the plan and the
scenario of one run get the same costs, and a cost defined ``of`` another moves with it.
"""

from __future__ import annotations

import re

import numpy as np
import xarray as xr

from sim.config.errors import ConfigError
from sim.config.schema import FinanceCfg, IndexCfg
from sim.engines.rng import sample_triangular

_LABEL = re.compile(r"^(\d{4})/(\d{2})$")


def year_start(label: str, key: str = "year") -> int:
    """The calendar year a financial year label starts in: ``"2016/17"`` -> 2016."""
    m = _LABEL.match(str(label))
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise ConfigError(f"{key} = {label!r}: must be a financial year like '2024/25'")
    return int(m.group(1))


def year_label(start: int) -> str:
    """The label of the financial year starting in April of ``start``: 2024 -> ``"2024/25"``."""
    return f"{start}/{(start + 1) % 100:02d}"


def index_years(index: IndexCfg) -> list[int]:
    """Financial years the index covers: the year before its first growth rate to its last."""
    starts = sorted(year_start(k, f"finance.index.growth.{k}") for k in index.growth)
    return [starts[0] - 1, *starts] if starts else []


def uplift_factor(index: IndexCfg, from_year: str, to_year: str) -> float:
    """Multiply a cost at ``from_year`` prices by this to state it at ``to_year`` prices."""
    a, b = year_start(from_year), year_start(to_year)
    covered = index_years(index)
    for label, y in ((from_year, a), (to_year, b)):
        if y not in covered:
            raise ConfigError(
                f"price year {label!r}: not in finance.index (covers "
                f"{year_label(covered[0]) if covered else '-'} to "
                f"{year_label(covered[-1]) if covered else '-'})"
            )
    growth = {year_start(k): v for k, v in index.growth.items()}
    factor = 1.0
    for y in range(min(a, b) + 1, max(a, b) + 1):
        factor *= 1.0 + growth[y]
    return factor if b >= a else 1.0 / factor


def unit_costs_gbp(cfg: FinanceCfg) -> dict[str, float]:
    """Every unit cost in GBP at ``cfg.price_year`` prices (``of`` entries resolved), central."""
    return {k: float(v) for k, v in _resolve(cfg, {}).items()}


def unit_costs_by_draw(cfg: FinanceCfg, draws: np.ndarray, seed: int) -> dict[str, xr.DataArray]:
    """Every unit cost at the price year per draw: drawn within its range when there are
    several draws and ``cfg.sample_unit_costs``; the central value otherwise.
    """
    n = len(draws)
    quoted: dict[str, np.ndarray] = {}
    for name, uc in cfg.unit_costs.items():
        if uc.of is not None or uc.gbp is None:
            continue
        lo = uc.gbp if uc.low is None else uc.low
        hi = uc.gbp if uc.high is None else uc.high
        if not cfg.sample_unit_costs:
            lo = hi = uc.gbp
        quoted[name] = sample_triangular(lo, uc.gbp, hi, n, seed, f"unit_cost:{name}")
    return {
        k: xr.DataArray(v, dims="draw", coords={"draw": draws})
        for k, v in _resolve(cfg, quoted).items()
    }


def _resolve(cfg: FinanceCfg, quoted: dict[str, np.ndarray]) -> dict[str, np.ndarray | float]:
    """Unit costs at the price year from quoted values (``gbp`` unless given in ``quoted``)."""
    out: dict[str, np.ndarray | float] = {}

    def resolve(name: str, seen: tuple[str, ...]) -> np.ndarray | float:
        if name in out:
            return out[name]
        if name not in cfg.unit_costs:
            raise ConfigError(
                f"finance.unit_costs.{seen[-1]}.of = {name!r}: no such unit cost"
                if seen
                else f"unit cost {name!r}: not in finance.unit_costs"
            )
        if name in seen:
            raise ConfigError(f"finance.unit_costs.{name}.of: refers back to itself ({seen})")
        uc = cfg.unit_costs[name]
        if uc.of is not None:
            value = resolve(uc.of, (*seen, name)) * uc.times
        else:
            assert uc.gbp is not None and uc.price_year is not None
            gbp = quoted.get(name, uc.gbp)
            value = gbp * uplift_factor(cfg.index, uc.price_year, cfg.price_year) * uc.times
        out[name] = value
        return value

    for name in cfg.unit_costs:
        resolve(name, ())
    return out
