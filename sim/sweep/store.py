"""A sweep's folder on disk: one NetCDF file per chunk, written atomically, resumable.

```
results/sweeps/<name>/
  manifest.json     what the sweep is (fingerprint of bases, design, outputs); written first
  config.yaml       the resolved base configuration and the sweep settings
  design.nc         the design: values of every swept key per variant
  chunks/chunk-00000.nc ...   outputs of each chunk's variants (dims variant, draw, time, ...)
  errors.txt        the failed variants and their errors (rewritten at the end of each run)
```

A chunk file exists only once complete (temporary file, then rename), so a sweep killed at any
moment leaves finished chunks and, at worst, a hidden ``*.partial`` file that the next run
removes before it starts. Re-running the same sweep skips chunks whose file exists; a different
sweep under the same name is refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from sim.config.compose import to_yaml
from sim.config.errors import ConfigError
from sim.results.io import write_dataset_atomic, write_text_atomic
from sim.results.provenance import provenance
from sim.sweep.plan import SweepSpec

CHUNK_GLOB = "chunk-*.nc"


def chunk_path(folder: Path, index: int) -> Path:
    """Path of chunk ``index``."""
    return folder / "chunks" / f"chunk-{index:05d}.nc"


def open_folder(folder: Path, plan: SweepSpec) -> list[int]:
    """Create or reopen a sweep folder; returns the chunk indices still to run.

    Refuses a folder holding a different sweep. Removes partial files left by a killed run.
    """
    manifest = folder / "manifest.json"
    fingerprint = plan.fingerprint()
    if manifest.exists():
        old = json.loads(manifest.read_text())
        if old.get("fingerprint") != fingerprint:
            raise ConfigError(
                f"sweep.name = {folder.name!r}: {folder} holds a different sweep (other keys, "
                f"values, outputs or base config); choose another name or remove it"
            )
    elif folder.exists() and any(folder.iterdir()):
        raise ConfigError(
            f"sweep.name = {folder.name!r}: {folder} exists and is not a sweep; choose another "
            f"name or remove it"
        )
    (folder / "chunks").mkdir(parents=True, exist_ok=True)
    for stale in [
        *(folder / "chunks").glob(".*.partial"),
        *(folder / "chunks").glob(".progress-*"),
    ]:
        stale.unlink()
    for stale in folder.glob(".*.partial"):
        stale.unlink()
    if not manifest.exists():
        base = next(iter(plan.bases.values()))
        write_text_atomic(to_yaml(base), folder / "config.yaml")
        write_dataset_atomic(design_dataset(plan), folder / "design.nc")
        info = {
            "fingerprint": fingerprint,
            "variants": len(plan.design),
            "chunks": plan.n_chunks,
            "chunk_size": plan.sweep.chunk_size,
            "method": plan.design.method,
            "keys": list(plan.design.keys),
            "outputs": list(plan.outputs),
            "levers": list(plan.levers),
            "sum_dims": list(plan.sum_dims),
            "provenance": {k: str(v) for k, v in provenance().items()},
        }
        write_text_atomic(json.dumps(info, indent=1), manifest)
    return [i for i in range(plan.n_chunks) if not chunk_path(folder, i).exists()]


def _typed_column(values: list[Any]) -> np.ndarray:
    """One key's values as numbers when every value is one (multirun gives text), else text."""
    for kind in (int, float):
        try:
            out = [kind(v) for v in values]
        except (TypeError, ValueError):
            continue
        if kind is int and any(isinstance(v, float) or "." in str(v) for v in values):
            continue
        if all(not isinstance(v, bool) for v in values):
            return np.asarray(out)
    return np.asarray([str(v) for v in values], dtype=object)


def key_coords(plan: SweepSpec) -> dict[str, xr.DataArray]:
    """A coordinate on ``variant`` per swept key, holding its real values (option names
    included), with the key's role (lever or uncertainty).
    """
    d = plan.design
    out = {}
    for j, key in enumerate(d.keys):
        role = "lever" if key in plan.levers else "uncertainty"
        out[key] = xr.DataArray(
            _typed_column([row[j] for row in d.rows]),
            dims="variant",
            attrs={"long_name": f"Swept value of {key}", "role": role},
        )
    return out


def design_dataset(plan: SweepSpec) -> xr.Dataset:
    """The design as a Dataset on ``variant``: each swept key's values (a coordinate per key,
    and all numeric ones in ``design_value``), the overrides as text and each key's role.
    """
    d = plan.design
    n = len(d)
    roles = ["lever" if k in plan.levers else "uncertainty" for k in d.keys]
    return xr.Dataset(
        {
            "design_value": xr.DataArray(
                d.numeric(),
                dims=("variant", "design_key"),
                attrs={"units": "as each key", "long_name": "Swept value (NaN: option name)"},
            ),
            "overrides": xr.DataArray(
                np.array([" ".join(d.overrides(i)) for i in range(n)], dtype=object),
                dims="variant",
                attrs={"units": "1", "long_name": "The variant as python -m sim overrides"},
            ),
        },
        coords={
            "variant": np.arange(n),
            "design_key": list(d.keys),
            "role": ("design_key", roles),
            **key_coords(plan),
        },
        attrs={"method": d.method, "levers": json.dumps(list(plan.levers))},
    )


def write_chunk(folder: Path, index: int, ds: xr.Dataset) -> Path:
    """Write one chunk atomically."""
    return write_dataset_atomic(ds, chunk_path(folder, index))


def write_errors(folder: Path) -> int:
    """Collect failed variants of every finished chunk into ``errors.txt``; returns how many."""
    lines = []
    for path in sorted((folder / "chunks").glob(CHUNK_GLOB)):
        with xr.open_dataset(path) as ds:
            err = ds["error"].values
            ids = ds["variant"].values
        lines += [f"variant {v}: {e}" for v, e in zip(ids, err, strict=True) if e]
    write_text_atomic("\n".join(lines) + ("\n" if lines else ""), folder / "errors.txt")
    return len(lines)


def load_sweep(folder: str | Path, *, lazy: bool = False) -> xr.Dataset:
    """All chunks of a sweep as one Dataset on ``variant`` with its design.

    With ``lazy=True`` the chunks stay on disk (Dask arrays), so a sweep larger than memory
    can still be summarised; otherwise they are loaded.
    """
    folder = Path(folder)
    files = sorted((folder / "chunks").glob(CHUNK_GLOB))
    if not files:
        raise ConfigError(f"{folder}: no finished chunks (is it a sweep folder?)")
    ds = xr.open_mfdataset(
        files,
        combine="nested",
        concat_dim="variant",
        join="outer",
        data_vars="all",
        coords="minimal",
        compat="override",
        engine="netcdf4",
    )
    with xr.open_dataset(folder / "design.nc") as design:
        design = design.load()
    ds = ds.merge(design.sel(variant=ds["variant"]))
    info = json.loads((folder / "manifest.json").read_text())
    ds.attrs.update(
        {
            "sweep_method": info["method"],
            "sweep_variants": info["variants"],
            "sweep_keys": json.dumps(info["keys"]),
            "config_yaml": (folder / "config.yaml").read_text(),
        }
    )
    return ds if lazy else ds.load()
