"""Output analysis: uncertainty summaries, how many draws are enough, and warm-up checks.

Engine-agnostic: every helper takes an :class:`xarray.DataArray` (or Dataset) with named
dimensions, whatever engine made it: ``draw`` for parameter draws or replications, ``time``
for the time series.

- :func:`p10_p50_p90`: the P10/P50/P90 of draws, on a labelled ``quantile`` dimension;
- :func:`ci_half_width` and :func:`draws_for_half_width`: the Student-t confidence interval
  of a mean over draws or replications, and how many are needed for a target half-width
  (absolute, or relative to the mean), by the usual sequential rule
  ``n = ceil((t_{n-1} s / h)^2)`` (Law, *Simulation Modeling and Analysis*, 5th ed., 9.4.1);
- :func:`warmup_mser`: the MSER-5 truncation point of a time series (White 1997; Hoad,
  Robinson and Davies 2010 recommend it among warm-up methods), averaged over draws or
  replications first (Welch's ensemble mean), and whether the warm-up fits the series.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from scipy import stats

QUANTILES = {"P10": 0.1, "P50": 0.5, "P90": 0.9}


def p10_p50_p90(data: xr.DataArray | xr.Dataset, dim: str = "draw"):
    """P10, P50 and P90 over ``dim`` on a ``quantile`` dimension labelled P10/P50/P90."""
    out = data.quantile(list(QUANTILES.values()), dim=dim, keep_attrs=True)
    return out.assign_coords(quantile=list(QUANTILES))


def ci_half_width(
    sample: xr.DataArray, dim: str = "draw", confidence: float = 0.95
) -> xr.DataArray:
    """Half-width of the Student-t confidence interval of the mean over ``dim``."""
    n = sample.sizes[dim]
    if n < 2:
        raise ValueError(f"{dim}: need at least 2 values for a confidence interval, got {n}")
    t = stats.t.ppf(0.5 + confidence / 2, n - 1)
    return (t * sample.std(dim, ddof=1) / math.sqrt(n)).assign_attrs(
        units=sample.attrs.get("units", ""), long_name=f"{confidence:.0%} CI half-width"
    )


def draws_for_half_width(
    sample: xr.DataArray,
    half_width: float,
    *,
    dim: str = "draw",
    confidence: float = 0.95,
    relative: bool = False,
    max_draws: int = 1_000_000,
) -> xr.DataArray:
    """Draws (or replications) needed so the CI of the mean has at most ``half_width``.

    ``sample`` is a pilot run (at least 2 along ``dim``); with ``relative=True`` the target
    is a fraction of the mean (0.05 = within 5%). Returns the smallest ``n >= 2`` with
    ``t_{n-1} s / sqrt(n) <= h``, per element of the other dimensions.
    """
    if half_width <= 0:
        raise ValueError(f"half_width = {half_width}: must be > 0")
    if sample.sizes[dim] < 2:
        raise ValueError(f"{dim}: the pilot needs at least 2 values")
    s = sample.std(dim, ddof=1)
    h = half_width * abs(sample.mean(dim)) if relative else xr.full_like(s, half_width)

    def needed(sd: float, target: float) -> int:
        if sd == 0:
            return 2
        if target <= 0 or not np.isfinite(target):
            return max_draws
        n = max(2, math.ceil((stats.norm.ppf(0.5 + confidence / 2) * sd / target) ** 2))
        while (
            n < max_draws and stats.t.ppf(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n) > target
        ):
            n += 1
        return n

    out = xr.apply_ufunc(np.vectorize(needed, otypes=[np.int64]), s, h)
    target = f"{half_width:g}{' x mean' if relative else ''}"
    return out.assign_attrs(
        units="draws", long_name=f"Draws for a {confidence:.0%} CI half-width of {target}"
    )


def warmup_mser(
    series: xr.DataArray, *, dim: str = "time", batch: int = 5, max_share: float = 0.5
) -> xr.Dataset:
    """MSER-``batch`` warm-up of a time series (other dimensions averaged first).

    Returns ``truncation`` (periods to discard), ``truncation_time`` (the first period kept),
    the ``mser`` statistic per candidate truncation, and ``settled``: whether the
    truncation point lies in the first ``max_share`` of the series (if not, the run is too
    short or never settles, and its warm-up cannot be trusted).
    """
    other = [d for d in series.dims if d != dim]
    y = series.mean(other).values if other else series.values
    n = len(y) // batch
    if n < 4:
        raise ValueError(f"{dim}: {len(y)} values make {n} batches of {batch}; need >= 4")
    means = y[: n * batch].reshape(n, batch).mean(axis=1)
    mser = np.full(n, np.nan)
    for d in range(n - 4):  # keep at least 5 batches
        rest = means[d:]
        mser[d] = rest.var() / len(rest)
    d_star = int(np.nanargmin(mser))
    cut = d_star * batch
    coord = series[dim].values
    return xr.Dataset(
        {
            "truncation": xr.DataArray(
                cut, attrs={"units": f"{dim} steps", "long_name": "Warm-up periods to discard"}
            ),
            "truncation_time": xr.DataArray(coord[cut], attrs={"long_name": "First period kept"}),
            "mser": xr.DataArray(
                mser,
                dims="batch_start",
                coords={"batch_start": np.arange(n) * batch},
                attrs={
                    "units": "squared units of the series",
                    "long_name": f"MSER-{batch} statistic",
                },
            ),
            "settled": xr.DataArray(
                bool(cut <= max_share * len(y)),
                attrs={"long_name": f"Truncation within the first {max_share:.0%} of the series"},
            ),
        }
    )
