"""Global sensitivity with SALib: which uncertain inputs drive an output.

A ``sobol`` or ``morris`` sweep (:mod:`sim.sweep.design`) runs SALib's design through the
batched sweep; :func:`analyse_sweep` turns chosen outputs (metrics) into indices:

- Sobol (Saltelli design, :func:`SALib.analyze.sobol.analyze`): first-order ``S1`` (the
  share of the output's variance due to one input alone) and total ``ST`` (including all
  its interactions), each with its bootstrap confidence interval (``*_conf``, 95%);
- Morris (elementary effects, :func:`SALib.analyze.morris.analyze`): ``mu_star`` (mean
  absolute effect of moving an input across its range), ``sigma`` (non-linearity and
  interactions) and ``mu_star_conf``.

Indices are a Dataset with dimensions ``metric, parameter``; :func:`plot_sensitivity` draws
the tornado chart of one metric.

A *metric* is a results variable reduced to one number per variant: ``nctr`` or
``occupied[service=acute_beds]`` (a selection), summed over its other dimensions, averaged
over time periods and draws. With annual periods a flow becomes its mean annual total.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from sim.config.errors import ConfigError
from sim.sweep.design import MORRIS_LEVELS

CONF_LEVEL = 0.95


def metric(ds: xr.Dataset, spec: str) -> xr.DataArray:
    """One number per variant from a sweep Dataset (see the module docstring)."""
    m = re.fullmatch(r"\s*([A-Za-z_][\w]*)\s*(?:\[(.*)\])?\s*", spec)
    if not m or m.group(1) not in ds:
        known = [str(v) for v in ds.data_vars if "variant" in ds[v].dims]
        raise ConfigError(f"metric {spec!r}: no such output; available: {', '.join(known)}")
    da = ds[m.group(1)]
    for part in filter(None, (m.group(2) or "").split(",")):
        dim, _, label = part.partition("=")
        dim, label = dim.strip(), label.strip()
        if dim not in da.dims or label not in [str(x) for x in da[dim].values]:
            raise ConfigError(f"metric {spec!r}: no {dim}={label}")
        da = da.sel({dim: label})
    flow = da.attrs.get("cell_methods", "") == "time: sum"
    period = ds["time"].attrs.get("period_days")
    keep = {"variant", "draw", "time"}
    da = da.sum([d for d in da.dims if d not in keep], keep_attrs=True)
    out = da.mean([d for d in ("time", "draw") if d in da.dims], keep_attrs=True)
    units = da.attrs.get("units", "")
    if flow and period:
        units = f"{units} per {period:g} days"
    return out.assign_attrs(units=units, long_name=spec)


def _problem(ds: xr.Dataset) -> dict[str, Any]:
    keys = [str(k) for k in ds["design_key"].values]
    x = ds["design_value"].values
    return {
        "num_vars": len(keys),
        "names": keys,
        "bounds": [
            [float(np.nanmin(x[:, j])), float(np.nanmax(x[:, j]))] for j in range(len(keys))
        ],
    }


def sobol_indices(
    problem: dict[str, Any], outputs: dict[str, np.ndarray], seed: int = 1
) -> xr.Dataset:
    """First and total Sobol indices (with 95% intervals) of each output, as a Dataset."""
    from SALib.analyze import sobol

    rows = []
    for y in outputs.values():
        r = sobol.analyze(
            problem,
            np.asarray(y, float),
            calc_second_order=False,
            conf_level=CONF_LEVEL,
            seed=seed,
            print_to_console=False,
        )
        rows.append(r)
    names = {
        "S1": "First-order Sobol index",
        "S1_conf": "95% interval half-width of S1",
        "ST": "Total Sobol index",
        "ST_conf": "95% interval half-width of ST",
    }
    return _indices(problem, outputs, rows, names, "sobol")


def morris_indices(
    problem: dict[str, Any], x: np.ndarray, outputs: dict[str, np.ndarray], seed: int = 1
) -> xr.Dataset:
    """Morris elementary-effect statistics of each output, as a Dataset."""
    from SALib.analyze import morris

    rows = [
        morris.analyze(
            problem,
            x,
            np.asarray(y, float),
            conf_level=CONF_LEVEL,
            num_levels=MORRIS_LEVELS,
            seed=seed,
            print_to_console=False,
        )
        for y in outputs.values()
    ]
    names = {
        "mu": "Mean elementary effect",
        "mu_star": "Mean absolute elementary effect",
        "sigma": "Standard deviation of elementary effects",
        "mu_star_conf": "95% interval half-width of mu_star",
    }
    return _indices(problem, outputs, rows, names, "morris")


def _indices(problem, outputs, rows, names, method) -> xr.Dataset:
    data = {}
    for key, long_name in names.items():
        units = "1" if method == "sobol" else "units of the metric"
        data[key] = xr.DataArray(
            np.array([np.asarray(r[key], float) for r in rows]),
            dims=("metric", "parameter"),
            attrs={"units": units, "long_name": long_name},
        )
    ds = xr.Dataset(data, coords={"metric": list(outputs), "parameter": problem["names"]})
    return ds.assign_attrs(method=method, conf_level=CONF_LEVEL)


def analyse_sweep(ds: xr.Dataset, metrics: list[str], seed: int = 1) -> xr.Dataset:
    """Sobol or Morris indices of ``metrics`` from a finished sobol or morris sweep."""
    method = ds.attrs.get("sweep_method")
    if method not in ("sobol", "morris"):
        raise ConfigError(f"sweep method {method!r}: sensitivity needs a sobol or morris sweep")
    if "error" in ds and (ds["error"].astype(str) != "").any():
        bad = int((ds["error"].astype(str) != "").sum())
        raise ConfigError(f"{bad} variant(s) failed; SALib needs every row of its design")
    ds = ds.sortby("variant")
    problem = _problem(ds)
    values = {}
    units = {}
    for spec in metrics:
        da = metric(ds, spec)
        values[spec] = da.values
        units[spec] = da.attrs["units"]
    if method == "sobol":
        out = sobol_indices(problem, values, seed)
    else:
        out = morris_indices(problem, ds["design_value"].values, values, seed)
    out["metric_units"] = xr.DataArray([units[m] for m in metrics], dims="metric")
    return out


def plot_sensitivity(indices: xr.Dataset, metric_name: str, path: str | Path | None = None):
    """Tornado chart of one metric: parameters sorted by total effect, with 95% intervals.

    With ``path`` the chart is written there (a ``Figure`` on an Agg canvas, outside pyplot);
    without, it is a pyplot figure, shown in a notebook (or by ``plt.show()``). Returns the
    Figure. Neither way changes matplotlib's backend.
    """
    ix = indices.sel(metric=metric_name)
    sobol = indices.attrs.get("method") == "sobol"
    main = "ST" if sobol else "mu_star"
    order = np.argsort(ix[main].values)
    params = [str(p) for p in ix["parameter"].values[order]]
    y = np.arange(len(params))
    units = str(indices["metric_units"].sel(metric=metric_name).values)
    size = (8, 1.2 + 0.45 * len(params))
    if path is None:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=size)
    else:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=size)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
    if sobol:
        ax.barh(
            y + 0.2,
            ix["ST"].values[order],
            0.4,
            xerr=ix["ST_conf"].values[order],
            label="total (ST)",
            color="#1f77b4",
        )
        ax.barh(
            y - 0.2,
            ix["S1"].values[order],
            0.4,
            xerr=ix["S1_conf"].values[order],
            label="first order (S1)",
            color="#ff7f0e",
        )
        ax.set_xlabel("Sobol index (share of the output's variance, 1)")
    else:
        ax.barh(
            y,
            ix["mu_star"].values[order],
            0.6,
            xerr=ix["mu_star_conf"].values[order],
            label="mu* (mean |elementary effect|)",
            color="#1f77b4",
        )
        ax.set_xlabel(f"Morris mu* ({units})")
    ax.set_yticks(y, params)
    ax.set_ylabel("Swept parameter")
    ax.axvline(0, color="black", lw=0.8)
    ax.legend(loc="lower right")
    ax.set_title(
        f"What drives {metric_name} ({units})\n{'Sobol' if sobol else 'Morris'} "
        f"indices; bars: 95% intervals",
        fontsize=10,
    )
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig
