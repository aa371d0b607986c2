"""Numbers for the board pack: percentiles over draws, totals over the appraisal years, labels.

Every number a board sees is a percentile of the parameter draws: the median (P50) with the
P10-P90 range. Flows (money a year, admissions a year) are summed over the appraisal years;
levels (beds freed) are averaged or read in the final year. Payback years that fall beyond the
horizon count as infinite, so their percentiles never interpolate with them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from sim.appraisal.metrics import discount_factors, view_metrics

STATS = ("P10", "P50", "P90")
QUANTILES = (0.1, 0.5, 0.9)


@dataclass(frozen=True)
class Spread:
    """P10, P50 and P90 of one measure over draws, and how many draws gave a value."""

    p10: float
    p50: float
    p90: float
    n: int  # draws with a value (cost per admission avoided is undefined in some)

    @property
    def values(self) -> tuple[float, float, float]:
        """(P10, P50, P90)."""
        return self.p10, self.p50, self.p90


def spread(values: np.ndarray | xr.DataArray, *, nearest: bool = False) -> Spread:
    """Percentiles of draws, ignoring NaN; ``nearest`` for ordinal values (payback years)."""
    x = np.asarray(values, dtype=float).ravel()
    ok = x[~np.isnan(x)]
    if ok.size == 0:
        return Spread(np.nan, np.nan, np.nan, 0)
    method = "nearest" if nearest else "linear"
    q = np.quantile(ok, QUANTILES, method=method)
    return Spread(float(q[0]), float(q[1]), float(q[2]), int(ok.size))


def band(da: xr.DataArray, dim: str = "draw") -> xr.DataArray:
    """P10/P50/P90 along ``dim`` as a ``stat`` dimension (NaN ignored)."""
    q = da.quantile(list(QUANTILES), dim=dim, skipna=True)
    return q.assign_coords(quantile=list(STATS)).rename(quantile="stat")


def total(da: xr.DataArray) -> xr.DataArray:
    """Sum over the appraisal years."""
    return da.sum("year")


def present_value(da: xr.DataArray, rate: float) -> xr.DataArray:
    """Discounted sum over years (first appraisal year undiscounted, Green Book)."""
    df = xr.DataArray(
        discount_factors(da.sizes["year"], rate), dims="year", coords={"year": da["year"]}
    )
    return (da * df).sum("year")


def cumulative_discounted_net_benefit(appraisal: xr.Dataset, view: str = "cash") -> xr.DataArray:
    """Running NPV by year in one view: the discounted cumulative benefits minus costs with
    optimism bias, as :func:`sim.appraisal.metrics.view_metrics` makes them, so it ends at the
    view's NPV. Health value (economic view) at ``attrs["health_discount_rate"]``.
    """
    a = appraisal
    rate = float(a.attrs["discount_rate"])
    health_rate = float(a.attrs.get("health_discount_rate", rate))
    ob = a["optimism_bias"] if "optimism_bias" in a else None
    obc = float(ob.sel(applied_to="costs")) if ob is not None else 0.0
    obb = float(ob.sel(applied_to="benefits")) if ob is not None else 0.0
    delta = a["net_cost_change"] if view == "cash" else a["economic_cost_change"]
    health = a["health_value"] if view == "economic" else xr.zeros_like(delta)
    dims = [d for d in delta.dims if d != "year"] + ["year"]
    inv, dl, hv = (
        x.broadcast_like(delta).transpose(*dims).values for x in (a["investment"], delta, health)
    )
    m = view_metrics(inv, dl, hv, rate, health_rate, obc, obb)
    net = xr.DataArray(m["benefits"] - m["costs"], dims=dims, coords={d: delta[d] for d in dims})
    return net.cumsum("year").assign_coords(financial_year=delta["financial_year"])


KNOWN_NAMES = {
    "homefirst": "HomeFirst",
    "multiyear_payments": "Multi-year payments",
    "annual_contracting": "Annual contracting",
    "community_investment": "Community investment",
    "virtual_wards": "Virtual wards",
}


def option_labels(appraisal: xr.Dataset) -> dict[str, str]:
    """Readable option names: ``community_investment`` -> ``Community investment``."""
    return {
        str(o): KNOWN_NAMES.get(str(o), str(o).replace("_", " ").capitalize())
        for o in appraisal["option"].values
    }


def payback_label(value: float, years: list[str]) -> str:
    """A payback year index as its financial year, in words when it has none: -inf 'never a
    net cost', inf (or NaN) 'beyond horizon' (not within the years appraised).
    """
    if value == -np.inf:
        return "never a net cost"
    if not np.isfinite(value):
        return "beyond horizon"
    i = int(round(value))
    return years[i] if 0 <= i < len(years) else "beyond horizon"


# -- formatting ------------------------------------------------------------------------------
def gbp_m(x: float, digits: int = 1) -> str:
    """GBP millions: ``-£36.3m``."""
    if not np.isfinite(x):
        return "n/a"
    m = x / 1e6
    if round(abs(m), digits) == 0:
        return "£0.0m" if digits else "£0m"
    sign = "-" if m < 0 else ""
    return f"{sign}£{abs(m):,.{digits}f}m"


def gbp(x: float) -> str:
    """Whole pounds with thousands separators: ``-£1,234``."""
    if not np.isfinite(x):
        return "n/a"
    sign = "-" if x < 0 else ""
    return f"{sign}£{abs(x):,.0f}"


def count(x: float, signed: bool = True) -> str:
    """A count with thousands separators, signed for changes: ``-14,735``, ``+323``."""
    if not np.isfinite(x):
        return "n/a"
    r = round(x)
    if r == 0:
        return "0"
    return f"{r:+,.0f}" if signed else f"{r:,.0f}"


def number(x: float, digits: int = 1, signed: bool = False) -> str:
    """A number with ``digits`` decimals and thousands separators."""
    if not np.isfinite(x):
        return "n/a"
    return f"{x:+,.{digits}f}" if signed else f"{x:,.{digits}f}"


def percent(x: float) -> str:
    """A share as a whole percentage."""
    return "n/a" if not np.isfinite(x) else f"{100 * x:.0f}%"
