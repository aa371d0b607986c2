"""Small synthetic results Datasets and finance configurations for the money tests.

Synthetic runs start on 1 April 2028, so their three financial years (2028/29 to 2030/31)
have 365 days each and hand calculations stay simple.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from sim.config.schema import (
    ContractCfg,
    CostLineCfg,
    FinanceCfg,
    IndexCfg,
    InvestmentCfg,
    Uncertain,
    UnitCostCfg,
)

START = "2028-04-01"
SERVICES = [
    "acute_beds",
    "reablement",
    "ic_beds",
    "virtual_ward",
    "ucr",
    "district_nursing",
    "care_home",
]
FLOWS = {  # per year, the default place's order of magnitude
    "gp_appointments": 5.2e6,
    "nhs111_calls": 3.2e5,
    "ambulance_incidents": 1.2e5,
    "hear_and_treat": 8.6e3,
    "see_and_treat": 4.2e4,
    "conveyances": 7.2e4,
    "ucr_starts": 7.5e3,
    "ed_attendances": 3.6e5,
    "ed_type1_attendances": 2.4e5,
    "ed_admissions": 6.3e4,
    "emergency_admissions": 9.0e4,
    "readmissions": 7.0e3,
    "at_home_91d": 6.0e3,
    "care_home_admissions": 2.0e3,
    "handover_hours_lost": 2.0e4,
}
OCCUPIED = {
    "acute_beds": 1200.0,
    "reablement": 380.0,
    "ic_beds": 150.0,
    "virtual_ward": 130.0,
    "ucr": 50.0,
    "district_nursing": 2300.0,
    "care_home": 5000.0,
}
CAPACITY = {
    "acute_beds": 1404.0,
    "reablement": 420.0,
    "ic_beds": 165.0,
    "virtual_ward": 161.0,
    "ucr": 60.0,
    "district_nursing": 2500.0,
    "care_home": 5820.0,
}


def _per_year(value, n_years: int, n_draws: int) -> np.ndarray:
    """A value as (draw, year): scalars, per-year lists or (draw, year) arrays."""
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        arr = np.full(n_years, float(arr))
    if arr.ndim == 1:
        arr = np.broadcast_to(arr, (n_draws, n_years))
    return arr


def synthetic_results(
    years: int = 3,
    draws: int = 1,
    flows: dict | None = None,
    occupied: dict | None = None,
    capacity: dict | None = None,
    population: float | list = 800_000.0,
    nctr: float | list = 150.0,
    ltc_at_home: float | list = 400.0,
    start: str = START,
    seed: int = 7,
) -> xr.Dataset:
    """Daily records of a place whose activity is constant within each 365-day year.

    ``flows`` are totals per year; ``occupied`` and ``capacity`` are levels by service; each
    value may be a scalar, one per year, or a (draw, year) array.
    """
    flows = {**FLOWS, **(flows or {})}
    occ = {**OCCUPIED, **(occupied or {})}
    cap = {**CAPACITY, **(capacity or {})}
    n_days = 365 * years
    day_year = np.arange(n_days) // 365
    time = np.datetime64(start, "ns") + np.arange(n_days) * np.timedelta64(1, "D")
    coords = {"draw": np.arange(draws), "time": time}

    def daily(value, per_day: bool) -> np.ndarray:
        arr = _per_year(value, years, draws)[:, day_year]
        return arr / 365.0 if per_day else arr

    ds = xr.Dataset(coords=coords)
    for name, value in flows.items():
        ds[name] = xr.DataArray(
            daily(value, True)[:, :, None],
            dims=("draw", "time", "quintile"),
            coords={"quintile": ["q1"]},
            attrs={"units": "x", "cell_methods": "time: sum"},
        )
    for name, table in (("occupied", occ), ("capacity", cap)):
        ds[name] = xr.DataArray(
            np.stack([daily(table[s], False) for s in SERVICES], axis=-1),
            dims=("draw", "time", "service"),
            coords={"service": SERVICES},
            attrs={"units": "places", "cell_methods": "time: mean"},
        )
    ds["ltc_at_home"] = xr.DataArray(
        daily(ltc_at_home, False),
        dims=("draw", "time"),
        attrs={"units": "people", "cell_methods": "time: mean"},
    )
    ds["nctr"] = xr.DataArray(
        np.stack([daily(nctr, False) / 3] * 3, axis=-1),
        dims=("draw", "time", "waiting_for"),
        coords={"waiting_for": ["P1", "P2", "P3"]},
        attrs={"cell_methods": "time: mean"},
    )
    pop = daily(population, False)
    shares = np.array([[0.5, 0.3], [0.15, 0.05]])  # (age_band, segment)
    ds["population"] = xr.DataArray(
        pop[:, :, None, None] * shares,
        dims=("draw", "time", "age_band", "segment"),
        coords={"age_band": ["young", "old"], "segment": ["well", "frail"]},
        attrs={"cell_methods": "time: point"},
    )
    ds.attrs = {
        "start_date": start,
        "n_steps": n_days,
        "dt_days": 1.0,
        "period_days": 1.0,
        "seed": seed,
        "scenario": "synthetic",
    }
    return ds


def annual_records(daily: xr.Dataset) -> xr.Dataset:
    """The same run recorded every 365 days: flows summed, levels averaged, censuses at end."""
    n = daily.sizes["time"] // 365
    groups = np.repeat(np.arange(n), 365)
    out = xr.Dataset()
    for name, da in daily.data_vars.items():
        method = da.attrs.get("cell_methods", "")
        g = da.assign_coords(time=("time", groups)).groupby("time")
        agg = g.sum() if "sum" in method else g.mean() if "mean" in method else g.last()
        out[name] = agg.assign_attrs(da.attrs)
    out = out.assign_coords(time=daily["time"].values[::365][:n])
    out.attrs = {**daily.attrs, "period_days": 365.0}
    return out


def unit(gbp: float, unit_name: str = "unit") -> UnitCostCfg:
    """A unit cost already at the 2024/25 price year."""
    return UnitCostCfg(unit=unit_name, gbp=gbp, price_year="2024/25", source="test")


def tiny_cfg(**parts) -> FinanceCfg:
    """A small finance configuration at 2024/25 prices with no uplift unless given."""
    base = dict(
        price_year="2024/25",
        index=IndexCfg(growth={"2024/25": 0.0}, source="test"),
        unit_costs={"admission": unit(1000.0), "bed_day": unit(300.0), "gp": unit(40.0)},
        costs={
            "beds": CostLineCfg(
                provider="acute", driver="occupied.acute_beds", unit_cost="bed_day", source="test"
            ),
        },
        contracts={},
        investments={},
        memo={},
    )
    base.update(parts)
    return FinanceCfg(**base)


def contract(**kw) -> ContractCfg:
    """A contract with the test's defaults (icb pays acute for admissions)."""
    kw.setdefault("payer", "icb")
    kw.setdefault("provider", "acute")
    kw.setdefault("prices", {"emergency_admissions": "admission"})
    kw.setdefault("source", "test")
    return ContractCfg(**kw)


def investment(central: float, low: float | None = None, high: float | None = None, **kw):
    """An investment line from the icb to the community provider."""
    kw.setdefault("payer", "icb")
    kw.setdefault("provider", "community")
    gbp = Uncertain(
        central=central,
        low=central if low is None else low,
        high=central if high is None else high,
        source="test",
    )
    return InvestmentCfg(gbp_per_year=gbp, **kw)
