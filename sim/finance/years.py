"""From the model's recording periods to financial years (1 April to 31 March).

Results are recorded per period (a day, a year, ...). Each period's share of each financial
year is its overlap in days, so daily and annual records give the same annual totals: a flow
(total per period) is split in proportion to the overlap, and a level (mean over the period)
becomes level-days (e.g. occupied bed days). ``year`` is the calendar year in which the
financial year starts (2025 = 2025/26); a run that starts or ends inside a year covers only
part of it, and ``days`` says how much.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from sim.config.errors import ConfigError
from sim.finance.prices import year_label
from sim.finance.vocabulary import DERIVED_DRIVERS, FLOW_DRIVERS, LEVEL_DRIVERS

DAY = np.timedelta64(1, "D")


def _fy_start(year: int) -> np.datetime64:
    return np.datetime64(f"{year:04d}-04-01", "ns")


def _financial_year(t: np.datetime64) -> int:
    d = t.astype("datetime64[D]").item()
    return d.year if d.month >= 4 else d.year - 1


def _days(days: float) -> np.timedelta64:
    return np.timedelta64(int(round(days * 86400e9)), "ns")


def period_bounds(results: xr.Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) of each recording period, as ``datetime64[ns]`` arrays
    (the CF bounds ``time_bnds`` when the results have them).
    """
    if "time_bnds" in results.variables:
        bounds = results["time_bnds"].values.astype("datetime64[ns]")
        return bounds[:, 0], bounds[:, 1]
    starts = results["time"].values.astype("datetime64[ns]")
    attrs = results.attrs
    ends_at = []  # candidates for the end of the last period; the earliest wins
    if "period_days" in attrs:
        ends_at.append(starts[-1] + _days(float(attrs["period_days"])))
    elif len(starts) > 1:
        ends_at.append(starts[-1] + (starts[-1] - starts[-2]))
    if "n_steps" in attrs and "dt_days" in attrs and "start_date" in attrs:
        run_days = float(attrs["n_steps"]) * float(attrs["dt_days"])
        ends_at.append(np.datetime64(str(attrs["start_date"]), "ns") + _days(run_days))
    if not ends_at:
        raise ConfigError(
            "results: one period and no n_steps/dt_days/start_date or period_days attrs; "
            "cannot tell how long it is"
        )
    end = min(ends_at)
    ends = np.append(starts[1:], end)
    return starts, ends


@dataclass
class FinancialYears:
    """The overlap of recording periods with financial years, and driver totals per year."""

    results: xr.Dataset
    overlap_days: xr.DataArray = field(init=False)  # (time, year)
    period_days: xr.DataArray = field(init=False)  # (time,)
    days: xr.DataArray = field(init=False)  # (year,) days of each year the run covers
    year_days: xr.DataArray = field(init=False)  # (year,) length of each financial year
    _cache: dict[str, xr.DataArray] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        starts, ends = period_bounds(self.results)
        years = np.arange(_financial_year(starts[0]), _financial_year(ends[-1] - DAY) + 1)
        fy0 = np.array([_fy_start(y) for y in years])
        fy1 = np.array([_fy_start(y + 1) for y in years])
        lo = np.maximum(starts[:, None], fy0[None, :])
        hi = np.minimum(ends[:, None], fy1[None, :])
        overlap = np.clip((hi - lo) / DAY, 0.0, None)
        coords = {"year": years, "financial_year": ("year", [year_label(y) for y in years])}
        time = self.results["time"]
        self.overlap_days = xr.DataArray(
            overlap, dims=("time", "year"), coords={"time": time, **coords}
        )
        self.period_days = xr.DataArray((ends - starts) / DAY, dims="time", coords={"time": time})
        self.days = self.overlap_days.sum("time")
        self.days.attrs = {"units": "days", "long_name": "Days of the financial year simulated"}
        self.year_days = xr.DataArray((fy1 - fy0) / DAY, dims="year", coords=coords)

    @property
    def years(self) -> np.ndarray:
        """Financial years (calendar year of 1 April)."""
        return self.overlap_days["year"].values

    def series(self, driver: str, key: str) -> tuple[xr.DataArray, str]:
        """The driver per recording period, summed over its other dims, and its kind."""
        name, _, label = driver.partition(".")
        if name in DERIVED_DRIVERS and not label:
            a, b = DERIVED_DRIVERS[name]
            sa, _ = self.series(a, key)
            sb, _ = self.series(b, key)
            return sa - sb, "flow"
        if name not in self.results:
            raise ConfigError(f"{key} = {driver!r}: the results have no variable {name!r}")
        da = self.results[name]
        if label:
            dims = [d for d in da.dims if d not in ("draw", "time")]
            hit = [d for d in dims if label in da[d].values.astype(str)]
            if not hit:
                labels = sorted({str(v) for d in dims for v in da[d].values})
                raise ConfigError(f"{key} = {driver!r}: no {label!r} in {name}; allowed {labels}")
            da = da.sel({hit[0]: label}, drop=True)
        da = da.reset_coords(drop=True)
        rest = [d for d in da.dims if d not in ("draw", "time")]
        da = da.sum(rest) if rest else da
        if "draw" not in da.dims:
            da = da.expand_dims(draw=[0])
        method = str(self.results[name].attrs.get("cell_methods", ""))
        if "sum" in method or (not method and name in FLOW_DRIVERS):
            kind = "flow"
        elif "mean" in method or "point" in method or name in LEVEL_DRIVERS:
            kind = "level"
        else:
            raise ConfigError(f"{key} = {driver!r}: {name} is neither a flow nor a level")
        return da, kind

    def kind(self, driver: str, key: str = "driver") -> str:
        """``"flow"`` (a total per period) or ``"level"`` (a mean; costs per day)."""
        return self.series(driver, key)[1]

    def quantity(self, driver: str, key: str = "driver") -> xr.DataArray:
        """Per draw and financial year: a flow's total, or a level's level-days."""
        if driver not in self._cache:
            da, kind = self.series(driver, key)
            weights = self.overlap_days / self.period_days if kind == "flow" else self.overlap_days
            self._cache[driver] = xr.dot(da, weights, dim="time").transpose("draw", "year")
        return self._cache[driver]

    def mean_level(self, driver: str, key: str = "driver") -> xr.DataArray:
        """Per draw and financial year: a level's mean over the days simulated."""
        return self.quantity(driver, key) / self.days.where(self.days > 0)
