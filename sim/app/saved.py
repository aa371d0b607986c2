"""Saved runs: the folders ``python -m sim`` (or the app) wrote under ``results/``.

:func:`load_run` reads one back into the :class:`~sim.appraisal.result.Appraisal` the main job
returned (the appraisal, each run, each run's configuration from its ``config_yaml``), so the
pages draw the board pack's own tables and charts (:func:`sim.report.content.build_pack`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
import yaml

from sim.appraisal.result import Appraisal
from sim.appraisal.views import config_of
from sim.report.content import Chart, Pack, TableBlock, build_pack
from sim.report.stats import count, gbp_m, option_labels
from sim.report.tables import Table
from sim.results.io import load

DOWNLOADS = {  # file -> (button label, MIME type)
    "board_pack.pdf": ("Board pack (PDF)", "application/pdf"),
    "board_pack.html": ("Board pack (HTML)", "text/html"),
    "board_pack.docx": (
        "Board pack (Word)",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "appraisal.xlsx": (
        "Workbook (Excel)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "results.nc": ("Results (NetCDF)", "application/x-netcdf"),
    "appraisal.nc": ("Appraisal (NetCDF)", "application/x-netcdf"),
}


@dataclass(frozen=True)
class SavedRun:
    """A run folder with an appraisal: its name, path and when it was written."""

    name: str
    path: Path
    written: datetime

    @property
    def label(self) -> str:
        """``name (written YYYY-MM-DD HH:MM UTC)``."""
        return f"{self.name} (written {self.written:%Y-%m-%d %H:%M} UTC)"


def saved_runs(root: Path) -> list[SavedRun]:
    """Run folders of ``root`` holding an appraisal, newest first (staging folders skipped)."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = []
    for p in root.iterdir():
        if p.name.startswith(".") or not (p / "appraisal.nc").is_file():
            continue
        if not (p / "results.nc").is_file():
            continue
        when = datetime.fromtimestamp((p / "appraisal.nc").stat().st_mtime, UTC)
        found.append(SavedRun(p.name, p, when))
    return sorted(found, key=lambda r: (r.written, r.name), reverse=True)


def load_run(folder: Path) -> Appraisal:
    """The main job's result read back from a run folder (``results.nc``, ``appraisal.nc``)."""
    folder = Path(folder)
    stacked = load(folder / "results.nc")
    runs, configs = {}, {}
    for name in map(str, stacked["option"].values):
        ds = stacked.sel(option=name, drop=True)
        ds = ds.drop_vars([v for v in ds.data_vars if ds[v].isnull().all()])
        ds.attrs = {k: v for k, v in stacked.attrs.items() if ":" not in k}
        ds.attrs["scenario"] = stacked.attrs.get(f"scenario:{name}", name)
        ds.attrs["config_yaml"] = stacked.attrs.get(f"config_yaml:{name}", "")
        runs[name] = ds
        configs[name] = config_of(ds)
    return Appraisal(load(folder / "appraisal.nc"), runs, configs)


def pack_of(result: Appraisal) -> Pack:
    """The board pack's content (tables and charts) of a result."""
    return build_pack(result)


def table(pack: Pack, key: str) -> Table:
    """The pack's table whose key (Excel sheet name) is ``key``."""
    return next(t for t in pack.tables if t.key == key)


def chart(pack: Pack, key: str) -> Chart:
    """The pack's chart whose key is ``key``."""
    return next(b for b in pack.blocks if isinstance(b, Chart) and b.key == key)


def shown_tables(pack: Pack) -> list[Table]:
    """The tables the board pack shows (in its order)."""
    return [b.table for b in pack.blocks if isinstance(b, TableBlock)]


MEASURES = (  # (label with units, per-draw values of one option's appraisal, format)
    ("NPV, cash view (GBP m, median)", lambda one: one["npv"].sel(view="cash"), "gbp_m"),
    ("NPV, economic view (GBP m, median)", lambda one: one["npv"].sel(view="economic"), "gbp_m"),
    (
        "Emergency admissions change over the horizon (median)",
        lambda one: _total(one["emergency_admissions_change"]),
        "count",
    ),
    (
        "Delayed (NCTR) bed days change over the horizon (median)",
        lambda one: _total(one["delayed_bed_days_change"]),
        "count",
    ),
)


def compare(a: Appraisal, b: Appraisal) -> pd.DataFrame:
    """Headline results of two runs side by side: one row per option and measure, with the
    medians over draws of run A, run B and B - A (NaN where a run lacks the option).
    """
    labels = {**option_labels(b.appraisal), **option_labels(a.appraisal)}
    opts_a = [str(o) for o in a.appraisal["option"].values]
    opts_b = [str(o) for o in b.appraisal["option"].values]
    rows = []
    for o in [*opts_a, *[x for x in opts_b if x not in opts_a]]:
        for label, get, fmt in MEASURES:
            va = float(get(a.appraisal.sel(option=o)).median("draw")) if o in opts_a else np.nan
            vb = float(get(b.appraisal.sel(option=o)).median("draw")) if o in opts_b else np.nan
            row = {"Option": labels.get(o, o), "Measure": label, "A": va, "B": vb}
            rows.append({**row, "B - A": vb - va, "format": fmt})
    return pd.DataFrame(rows)


def compare_shown(df: pd.DataFrame) -> pd.DataFrame:
    """:func:`compare` as text: GBP millions to one decimal, counts with separators, and
    ``-`` where a run lacks the option.
    """
    out = df[["Option", "Measure"]].copy()
    for col in ("A", "B", "B - A"):
        signed = col == "B - A"
        out[col] = [
            "-" if not np.isfinite(v)
            else (("+" if signed and v > 0 else "") + gbp_m(v)) if f == "gbp_m"
            else count(v, signed=signed)
            for v, f in zip(df[col], df["format"], strict=True)
        ]  # fmt: skip
    return out


def _total(da: xr.DataArray) -> xr.DataArray:
    return da.sum("year") if "year" in da.dims else da


def _flat(tree: object, prefix: str = "") -> dict[str, str]:
    """Dotted key -> value text of a nested mapping (lists kept whole)."""
    if isinstance(tree, dict):
        out: dict[str, str] = {}
        for k, v in tree.items():
            out.update(_flat(v, f"{prefix}{k}."))
        return out
    return {prefix[:-1]: str(tree)}


def config_differences(a: Appraisal, b: Appraisal) -> pd.DataFrame:
    """The settings that differ between two runs' baselines (dotted key, A, B), plus which
    options each appraised.
    """
    fa = _flat(yaml.safe_load(a.runs["baseline"].attrs["config_yaml"]) or {})
    fb = _flat(yaml.safe_load(b.runs["baseline"].attrs["config_yaml"]) or {})
    keys = sorted(k for k in fa.keys() | fb.keys() if fa.get(k) != fb.get(k))
    rows = [{"setting": k, "A": fa.get(k, "(absent)"), "B": fb.get(k, "(absent)")} for k in keys]
    return pd.DataFrame(rows, columns=["setting", "A", "B"])
