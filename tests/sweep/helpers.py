"""Small sweeps for fast tests: half a year, one draw, monthly outputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

SMALL = [
    "run.horizon_years=0.5",
    "run.draws=1",
    "sweep.record_every_days=30",
    "sweep.progress=false",
    "sweep.outputs=[emergency_admissions,occupied,nctr]",
    "sweep.sum_dims=[quintile]",
]


def grid(tmp: Path, name: str, *extra: str) -> list[str]:
    """A 2 x 2 grid over beds and reablement places, 2 variants per chunk."""
    return [
        *SMALL,
        "sweep.method=grid",
        "++sweep.params={place.acute.beds:{values:[1300,1500]},"
        "place.reablement.capacity:{values:[380,460]}}",
        "sweep.chunk_size=2",
        f"sweep.output_dir={tmp}",
        f"sweep.name={name}",
        *extra,
    ]


def assert_same_numbers(a: xr.Dataset, b: xr.Dataset) -> None:
    """Identical values (NaN = NaN) in every variable of ``a``."""
    for v in a.data_vars:
        assert np.array_equal(a[v].values, b[v].values, equal_nan=a[v].dtype.kind == "f"), v
