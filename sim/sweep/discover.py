"""Scenario discovery over a sweep: where in its inputs does an option succeed or fail?

``python -m sim.sweep.discover <sweep folder> --metric npv --threshold 0`` reads a batched
sweep's folder (or a multirun folder's ``results.nc``), makes one case per variant and draw
(inputs: every swept key, lever or uncertainty, and each draw's sampled uncertain values when
they vary), marks the cases where the metric is above the threshold (``--below`` for below),
runs PRIM (:func:`sim.sweep.prim.prim`) and a classification tree (:func:`sim.sweep.prim.cart`)
and writes, beside the sweep (``discovery/<metric>/``): ``discovery.txt`` (the box, its
coverage and density, the tree's leaves), ``discovery.json``, ``prim_trajectory.png`` (coverage
against density at every peel) and ``prim_box.png`` (the box's limits within each input's
range). ``--where scenario=homefirst`` keeps only the variants of one option.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from sim.config.errors import ConfigError
from sim.sweep.prim import Leaf, PrimResult, cart, prim
from sim.sweep.store import load_sweep


def open_results(folder: str | Path) -> xr.Dataset:
    """A sweep's results: its chunks (batched sweep) or ``results.nc`` (multirun)."""
    folder = Path(folder)
    if (folder / "chunks").is_dir():
        return load_sweep(folder)
    if (folder / "results.nc").is_file():
        with xr.open_dataset(folder / "results.nc") as ds:
            return ds.load()
    raise ConfigError(f"{folder}: not a sweep folder (no chunks/ and no results.nc)")


def cases(
    ds: xr.Dataset, metric: str, where: dict[str, str] | None = None, view: str = "economic"
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Inputs per case (variant x draw) and the metric's value per case.

    Inputs: every swept key (its coordinate on ``variant``) and, when draws vary, each
    sampled uncertain value (``parameter_draws``; named ``place.<key>``) and scenario effect
    size (``effect_size``; named ``effect.<name>``). Constant inputs and failed variants
    (metric NaN) are left out.
    """
    if metric not in ds:
        known = [v for v in ds.data_vars if set(ds[v].dims) <= {"variant", "draw"}]
        raise ConfigError(
            f"--metric {metric!r}: not in the sweep's results; per-variant "
            f"outputs: {', '.join(sorted(known))}"
        )
    y = ds[metric]
    if "view" in y.dims:  # the appraisal's cash and economic views: one at a time
        if view not in y["view"].values:
            raise ConfigError(
                f"--view {view!r}: the metric has views {', '.join(map(str, y['view'].values))}"
            )
        y = y.sel(view=view, drop=True)
    extra = [d for d in y.dims if d not in ("variant", "draw")]
    if extra:
        raise ConfigError(
            f"--metric {metric!r} has dims {extra}; choose a metric per variant "
            f"and draw (e.g. npv, bcr)"
        )
    if "draw" not in y.dims:
        y = y.expand_dims(draw=[0])
    y = y.transpose("variant", "draw")
    n_var, n_draw = y.shape
    x: dict[str, np.ndarray] = {}
    for key in [str(k) for k in ds["design_key"].values]:
        col = (
            ds[key].values
            if key in ds.coords or key in ds
            else ds["design_value"].sel(design_key=key).values
        )
        x[key] = np.repeat(np.asarray(col), n_draw)
    for var, dim, prefix in (
        ("parameter_draws", "uncertain_key", "place."),
        ("effect_size", "effect", "effect."),
    ):
        if var in ds and "draw" in ds[var].dims:
            for k in ds[dim].values:
                name = f"{prefix}{k}"
                if name not in x:
                    x[name] = ds[var].sel({dim: k}).transpose("variant", "draw").values.ravel()
    values = y.values.ravel().astype(float)
    keep = np.isfinite(values)
    for key, want in (where or {}).items():
        if key not in x:
            raise ConfigError(
                f"--where {key}={want}: {key!r} is not an input; inputs: {', '.join(x)}"
            )
        keep &= np.array([str(v) == want for v in x[key]])
    if not keep.any():
        raise ConfigError(f"no case left with a value of {metric!r} (failed variants or --where)")
    x = {
        k: (v[keep] if v.dtype.kind != "O" else v[keep].astype(str).astype(object))
        for k, v in x.items()
    }
    x = {
        k: v
        for k, v in x.items()
        if len(np.unique(v.astype(str) if v.dtype.kind == "O" else v)) > 1
    }
    if not x:
        raise ConfigError("no input varies across the cases left; nothing to discover")
    return x, values[keep]


def plot_trajectory(res: PrimResult, title: str = "") -> Figure:
    """Coverage against density at every peel, coloured by restricted inputs; the chosen box
    ringed.
    """
    fig = Figure(figsize=(6.5, 4.5))
    ax = fig.subplots()
    cov = [b.coverage for b in res.trajectory]
    den = [b.density for b in res.trajectory]
    dims = [len(b.limits) for b in res.trajectory]
    sc = ax.scatter(cov, den, c=dims, cmap="viridis", s=18)
    ax.plot(cov, den, color="0.7", lw=0.8, zorder=0)
    c = res.box
    ax.scatter(
        [c.coverage],
        [c.density],
        s=140,
        facecolors="none",
        edgecolors="red",
        linewidths=1.5,
        label=f"chosen box (step {res.chosen})",
    )
    fig.colorbar(sc, ax=ax, label="inputs restricted")
    ax.set_xlabel("Coverage (share of all cases of interest in the box)")
    ax.set_ylabel("Density (share of the box's cases of interest)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title(title or "PRIM peeling trajectory")
    ax.legend(loc="lower left")
    fig.tight_layout()
    return fig


def plot_box(res: PrimResult, title: str = "") -> Figure:
    """The chosen box's limits within each restricted input's full range (0 = its lowest
    value in the sweep, 1 = its highest), with the limits in the input's own units.
    """
    box = res.box
    limits = list(box.limits)
    fig = Figure(figsize=(9.5, 1.6 + 0.8 * max(len(limits), 1)))
    ax = fig.subplots()
    for i, lim in enumerate(limits):
        full = res.ranges[lim.name]
        if lim.values is not None:
            kept = [v in lim.values for v in full]
            for j, (v, k) in enumerate(zip(full, kept, strict=True)):
                x0 = j / len(full)
                ax.barh(
                    i, 1 / len(full), left=x0, color="tab:blue" if k else "0.85", edgecolor="white"
                )
                ax.text(x0 + 0.5 / len(full), i, str(v), ha="center", va="center", fontsize=8)
            continue
        lo, hi = full  # type: ignore[misc]
        span = (hi - lo) or 1.0
        a, b = (lim.low - lo) / span, (lim.high - lo) / span
        ax.barh(i, 1.0, color="0.9")
        ax.barh(i, b - a, left=a, color="tab:blue")
        ax.text(a, i + 0.32, f"{lim.low:.4g}", ha="center", fontsize=8)
        ax.text(b, i + 0.32, f"{lim.high:.4g}", ha="center", fontsize=8)
    ax.set_yticks(range(len(limits)))
    ax.set_yticklabels([f"{_wrap(lim.name)}\n(qp {box.qp[lim.name]:.1g})" for lim in limits])
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.6, len(limits) - 0.2)
    ax.set_xlabel("Position in the input's sampled range (0 = lowest, 1 = highest)", fontsize=9)
    ax.set_title(
        title or f"PRIM box: coverage {box.coverage:.2f}, density {box.density:.2f}", fontsize=10
    )
    fig.tight_layout()
    return fig


def _wrap(name: str, width: int = 30) -> str:
    """A dotted key over lines of at most about ``width`` characters, broken after dots."""
    lines, line = [], ""
    for part in name.split("."):
        piece = part if not line else "." + part
        if line and len(line) + len(piece) > width:
            lines.append(line + ".")
            line = part
        else:
            line += piece
    return "\n".join([*lines, line])


def summary(res: PrimResult, leaves: list[Leaf], metric: str, rule: str) -> str:
    """The box and the tree's densest leaves as text."""
    lines = [f"Cases: {res.n_cases} (variant x draw); of interest ({metric} {rule}): "
             f"{res.n_of_interest} ({res.n_of_interest / res.n_cases:.1%})",
             f"PRIM box (peel {res.chosen} of {len(res.trajectory) - 1}):",
             res.box.describe(), "", "Classification tree, leaves densest first:"]  # fmt: skip
    for leaf in leaves[:4]:
        rule_text = " and ".join(lim.describe() for lim in leaf.limits) or "all cases"
        lines.append(
            f"  density {leaf.density:.3f}, coverage {leaf.coverage:.3f} "
            f"({leaf.n} cases): {rule_text}"
        )
    return "\n".join(lines)


def _as_json(res: PrimResult, leaves: list[Leaf]) -> dict[str, Any]:
    def lim(x):
        return {
            "name": x.name,
            "low": x.low,
            "high": x.high,
            "values": list(x.values) if x.values is not None else None,
        }

    return {
        "n_cases": res.n_cases,
        "n_of_interest": res.n_of_interest,
        "chosen": res.chosen,
        "box": {
            "coverage": res.box.coverage,
            "density": res.box.density,
            "mass": res.box.mass,
            "limits": [lim(x) for x in res.box.limits],
            "qp": res.box.qp,
        },
        "trajectory": [
            {
                "coverage": b.coverage,
                "density": b.density,
                "mass": b.mass,
                "restricted": len(b.limits),
            }
            for b in res.trajectory
        ],
        "cart_leaves": [
            {
                "coverage": f.coverage,
                "density": f.density,
                "n": f.n,
                "limits": [lim(x) for x in f.limits],
            }
            for f in leaves
        ],
    }


def discover(
    folder: str | Path,
    metric: str = "npv",
    threshold: float = 0.0,
    *,
    below: bool = False,
    where: dict[str, str] | None = None,
    view: str = "economic",
    alpha: float = 0.05,
    min_density: float = 0.8,
    out: str | Path | None = None,
) -> tuple[PrimResult, list[Leaf], Path]:
    """Run PRIM and CART on a sweep's results and write the text, JSON and charts."""
    ds = open_results(folder)
    x, values = cases(ds, metric, where, view)
    y = values < threshold if below else values > threshold
    res = prim(x, y, alpha=alpha, min_density=min_density)
    leaves = cart(x, y)
    rule = f"{'<' if below else '>'} {threshold:g}"
    out = Path(out) if out else Path(folder) / "discovery" / metric
    out.mkdir(parents=True, exist_ok=True)
    (out / "discovery.txt").write_text(summary(res, leaves, metric, rule) + "\n")
    (out / "discovery.json").write_text(json.dumps(_as_json(res, leaves), indent=1))
    plot_trajectory(res, f"PRIM: where {metric} {rule}").savefig(
        out / "prim_trajectory.png", dpi=110
    )
    plot_box(res).savefig(out / "prim_box.png", dpi=110)
    return res, leaves, out


def main(argv: list[str] | None = None) -> int:
    """The command line."""
    ap = argparse.ArgumentParser(
        prog="python -m sim.sweep.discover", description=__doc__.splitlines()[0]
    )
    ap.add_argument("folder", help="a sweep folder (results/sweeps/<name>) or multirun folder")
    ap.add_argument("--metric", default="npv", help="a per-variant output (default npv)")
    ap.add_argument("--threshold", type=float, default=0.0)
    ap.add_argument("--below", action="store_true", help="cases of interest: metric < threshold")
    ap.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="keep variants whose swept KEY has VALUE (repeatable)",
    )
    ap.add_argument("--view", default="economic", help="appraisal view: economic or cash")
    ap.add_argument("--alpha", type=float, default=0.05, help="share peeled per step")
    ap.add_argument("--min-density", type=float, default=0.8)
    ap.add_argument("--out", default=None, help="output folder (default: beside the sweep)")
    args = ap.parse_args(argv)
    where = {}
    for item in args.where:
        if "=" not in item:
            print(f"--where {item!r}: expected KEY=VALUE", file=sys.stderr)
            return 2
        k, v = item.split("=", 1)
        where[k] = v
    try:
        res, leaves, out = discover(
            args.folder,
            args.metric,
            args.threshold,
            below=args.below,
            where=where,
            view=args.view,
            alpha=args.alpha,
            min_density=args.min_density,
            out=args.out,
        )
    except (ConfigError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rule = f"{'<' if args.below else '>'} {args.threshold:g}"
    print(summary(res, leaves, args.metric, rule))
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
