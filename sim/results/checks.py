"""Checks that any results Dataset can be put through, whichever engine made it."""

from __future__ import annotations

import numpy as np
import xarray as xr


class ConservationError(AssertionError):
    """People were created or lost: the ledger does not balance."""


LEDGER_TOTALS = ("people_in_services", "people_total")
"""The ledger's count of people, by engine: people in services (patient engine) or in every
stock (stock-flow engine); the first present is used."""


def ledger_total(ds: xr.Dataset) -> str:
    """The name of the ledger's count of people in ``ds`` (see :data:`LEDGER_TOTALS`)."""
    return next((v for v in LEDGER_TOTALS if v in ds), LEDGER_TOTALS[-1])


def conservation_residual(ds: xr.Dataset) -> xr.DataArray:
    """Per draw and period: change in people minus (in - out - deaths), relative to scale.

    The scale is the largest number of people held at any time in that draw (at least 1).
    """
    total = ds[ledger_total(ds)].reset_coords(drop=True)  # time bounds are not needed here
    before = xr.concat(
        [
            ds["people_initial"].expand_dims(time=[total.time[0].values]),
            total.isel(time=slice(None, -1)),
        ],
        dim="time",
    )
    before["time"] = total["time"]
    change = total - before
    net = ds["people_in"] - ds["people_out"] - ds["deaths"]
    scale = np.maximum(total.max("time"), 1.0)
    return (change - net) / scale


def check_conservation(ds: xr.Dataset, rtol: float = 1e-9) -> None:
    """Raise :class:`ConservationError` unless every period and draw balances to ``rtol``."""
    missing = [
        v
        for v in (ledger_total(ds), "people_in", "people_out", "deaths", "people_initial")
        if v not in ds
    ]
    if missing:
        raise ConservationError(f"results lack the ledger variables {missing}")
    res = conservation_residual(ds)
    worst = float(np.abs(res).max())
    if not np.isfinite(worst) or worst > rtol:
        where = np.unravel_index(int(np.nanargmax(np.abs(res.values))), res.shape)
        raise ConservationError(
            f"people not conserved: relative residual {worst:.3g} > {rtol:g} at "
            f"{dict(zip(res.dims, where, strict=True))}"
        )
