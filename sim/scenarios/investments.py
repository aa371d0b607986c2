"""From investment lines to capacity: the places each year's money buys, as lever factors.

A line pays ``gbp_per_year`` (ramped up by financial year, see :mod:`sim.finance.investment`)
and ``buys`` splits it between capacity levers. Each share buys places at the finance unit
cost of a place-day of that service (:func:`sim.finance.investment.places_for_investment`),
so the model's extra capacity and the money booked for it always agree. A line may stop
earlier for some draws (annual contracting withdraws it; see :mod:`sim.scenarios.contracting`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import numpy as np

from sim.config.errors import ConfigError
from sim.config.keys import resolve_key
from sim.config.schema import FinanceCfg, InvestmentCfg, PlaceCfg, ScenarioCfg
from sim.finance.investment import amounts_per_draw, places_for_investment, ramp
from sim.place.levers import LEVERS

SERVICE_OF_LEVER = {
    "acute.beds": "acute_beds",
    "reablement.capacity": "reablement",
    "ic_beds.capacity": "ic_beds",
    "ucr.scale": "ucr",
    "virtual_ward.scale": "virtual_ward",
    "district_nursing.scale": "district_nursing",
}
"""Capacity levers money can buy, and the service (cost line ``occupied.<service>``) of each."""


def financial_year_of_steps(start_date: str, n_steps: int, dt_days: float) -> np.ndarray:
    """Financial year of each step, 1 = the year (1 April to 31 March) the run starts in."""
    start = date.fromisoformat(start_date)
    first = start.year if start.month >= 4 else start.year - 1
    days = np.floor(np.arange(n_steps) * dt_days).astype(int)
    fy = np.array(
        [
            (d.year if d.month >= 4 else d.year - 1)
            for d in (start + timedelta(int(x)) for x in days)
        ]
    )
    return fy - first + 1


def check_buys(name: str, line: InvestmentCfg) -> None:
    """A line's ``buys`` names capacity levers with shares summing to 1."""
    key = f"scenario.investments.{name}.buys"
    if line.cost in ("amount", "line"):  # spent as received, or paying a cost line's rise
        if line.buys:
            raise ConfigError(
                f"{key}: a line with cost = {line.cost} buys no capacity; remove buys"
            )
        return
    if not line.buys:
        raise ConfigError(f"{key} is empty: name the capacity levers the money buys")
    for lever, share in line.buys.items():
        if lever not in SERVICE_OF_LEVER:
            raise ConfigError(
                f"{key}.{lever}: not a capacity lever; allowed {sorted(SERVICE_OF_LEVER)}"
            )
        if not 0 <= share <= 1:
            raise ConfigError(f"{key}.{lever} = {share}: a share must be in [0, 1]")
    total = sum(line.buys.values())
    if abs(total - 1) > 1e-6:
        raise ConfigError(f"{key}: shares sum to {total:g}, must sum to 1")


def investment_factors(
    scenario: ScenarioCfg,
    finance: FinanceCfg,
    places: Sequence[PlaceCfg],
    n_steps: int,
    dt_days: float,
    start_date: str,
    seed: int,
    last_year: Mapping[str, np.ndarray] | None = None,
) -> dict[str, list[np.ndarray]]:
    """Capacity factors ``(draws, steps)`` per lever bought by the scenario's investments.

    ``last_year`` (line -> per draw) stops a line after that financial year in some draws.
    """
    draws = len(places)
    k = financial_year_of_steps(start_date, n_steps, dt_days)
    out: dict[str, list[np.ndarray]] = {}
    for name, line in scenario.investments.items():
        check_buys(name, line)
        full = amounts_per_draw(line, name, draws, seed)  # GBP a year at full ramp, per draw
        gbp = full[:, None] * ramp(line, k)[None, :]
        if last_year is not None and name in last_year:
            gbp = np.where(k[None, :] > np.asarray(last_year[name])[:, None], 0.0, gbp)
        for lever, share in line.buys.items():
            service = SERVICE_OF_LEVER[lever]
            per_gbp = places_for_investment(1.0, service, finance)
            base_key = LEVERS[lever].base_key
            base = np.array([float(resolve_key(p, base_key)) for p in places])[:, None]
            out.setdefault(lever, []).append(1.0 + gbp * share * per_gbp / base)
    return out
