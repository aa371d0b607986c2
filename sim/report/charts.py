"""Standard charts of one run: beds, delays, front-door activity and population.

With several draws, lines are medians and bands span P10 to P90 of the draws. Each ``plot_*``
draws into the matplotlib Axes it is given (``plt.subplots()`` in a notebook);
:func:`save_charts` writes PNG files with the object-oriented API (a ``Figure`` on an Agg
canvas), so nothing here changes matplotlib's global backend or pyplot's state.
"""

from __future__ import annotations

from pathlib import Path

import xarray as xr
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.report.summary import annual


def _band(ax, da: xr.DataArray, label: str, **kw) -> None:
    """Median line, with a P10-P90 band when there are several draws."""
    if da.sizes.get("draw", 1) > 1:
        q = da.quantile([0.1, 0.5, 0.9], dim="draw")
        ax.fill_between(da.time.values, q.sel(quantile=0.1), q.sel(quantile=0.9), alpha=0.25, **kw)
        ax.plot(da.time.values, q.sel(quantile=0.5), label=label, **kw)
    else:
        ax.plot(da.time.values, da.isel(draw=0), label=label, **kw)


def _legend(ax, ds: xr.Dataset, **kw) -> None:
    """A legend that says what the shaded bands are when there are several draws."""
    n = ds.sizes.get("draw", 1)
    title = kw.pop("title", None)
    if n > 1:
        title = (f"{title}: " if title else "") + f"median, band P10-P90 of {n} draws"
    ax.legend(title=title, **kw)


def _weekly(da: xr.DataArray) -> xr.DataArray:
    """7-day means, for readable daily series (coarser records are left as they are)."""
    if float(da["time"].attrs.get("period_days", 1)) >= 7 or da.sizes["time"] < 7:
        return da
    return da.coarsen(time=7, boundary="trim").mean()


def plot_beds(ds: xr.Dataset, ax) -> None:
    """Occupied G&A beds, of which patients with no criteria to reside, against capacity."""
    _band(ax, _weekly(ds["occupied"].sel(service="acute_beds")), "occupied G&A beds", color="C0")
    _band(ax, _weekly(ds["nctr"].sum("waiting_for")), "of which no criteria to reside", color="C3")
    _band(ax, _weekly(ds["capacity"].sel(service="acute_beds")), "beds", color="k", ls="--")
    ax.set(title="Acute (G&A) beds, weekly mean", ylabel="beds", xlabel="date")
    _legend(ax, ds, loc="center right")


def plot_nctr(ds: xr.Dataset, ax) -> None:
    """Patients waiting in hospital, by the pathway they wait for."""
    for i, p in enumerate(ds["nctr"].waiting_for.values):
        _band(ax, _weekly(ds["nctr"].sel(waiting_for=p)), f"waiting for {p}", color=f"C{i}")
    ax.set(title="No criteria to reside, by pathway awaited", ylabel="patients", xlabel="date")
    _legend(ax, ds)


def plot_activity(ds: xr.Dataset, ax) -> None:
    """Annual front-door activity."""
    a = annual(ds).median("draw")
    for i, (var, label) in enumerate(
        (
            ("ed_attendances", "ED attendances"),
            ("emergency_admissions", "emergency admissions"),
            ("ambulance_incidents", "999 incidents"),
            ("conveyances", "conveyances"),
        )
    ):
        ax.plot(a["financial_year"], a[var] / 1000, marker="o", label=label, color=f"C{i}")
    ax.set(
        title="Annual urgent and emergency activity (median of draws)",
        ylabel="thousands a year",
        xlabel="financial year",
    )
    ax.tick_params(axis="x", labelrotation=45)
    ax.legend()


def plot_population(ds: xr.Dataset, ax) -> None:
    """Residents by age band."""
    pop = ds["population"].sum(["segment", "quintile"])
    for i, band in enumerate(pop.age_band.values):
        _band(ax, pop.sel(age_band=band) / 1000, str(band), color=f"C{i}")
    ax.set(title="Population by age band", ylabel="thousand people", xlabel="date")
    _legend(ax, ds, title="age band")


CHARTS = {
    "beds.png": plot_beds,
    "nctr.png": plot_nctr,
    "activity.png": plot_activity,
    "population.png": plot_population,
}


def save_charts(ds: xr.Dataset, folder: Path) -> list[Path]:
    """Write each chart of :data:`CHARTS` as a PNG in ``folder``; returns the paths."""
    paths = []
    for name, plot in CHARTS.items():
        fig = Figure(figsize=(9, 4.5), layout="constrained")
        FigureCanvasAgg(fig)
        plot(ds, fig.add_subplot())
        path = Path(folder) / name
        fig.savefig(path, dpi=110)
        paths.append(path)
    return paths
