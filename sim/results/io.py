"""Atomic reading and writing of simulation results.

Results are stored as NetCDF4 files via xarray. NetCDF attributes can only hold
strings, numbers and numeric arrays, so richer attribute values (nested dicts,
lists, bools, ``None``) are serialised to JSON strings carrying a ``json:``
prefix on write and decoded again by :func:`load`.

Per-period records can be stored compactly (``compact=True``, the main job's ``results.nc``):
every float variable with a ``time`` dimension is rounded to :data:`SIGNIFICANT_BITS` bits of
mantissa and stored as float32 with the shuffle filter and zlib, so long runs of equal
trailing bits compress well. The documented precision: each stored value ``y`` of a value
``x`` has ``|y - x| <= RELATIVE_PRECISION * |x|`` (2**-13, about 1.2e-4: about four significant
digits) for ``|x|`` between about 1e-38 and 3e38; NaN and infinities are kept. Values without
a ``time`` dimension (money per financial year, sampled inputs) and the people ledger
(:data:`EXACT`, so conservation can be checked from a file) stay float64, exact.
:func:`load` returns float64 arrays either way.

Every writer in this module writes to a hidden temporary file in the target
directory and then atomically renames it over the final path, so a crash or
error never leaves a truncated file under the final name.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

JSON_PREFIX = "json:"
"""Prefix marking an attribute value that was serialised to JSON."""

_FLOAT_ENCODING: dict[str, Any] = {"zlib": True, "complevel": 1}
_COMPACT_ENCODING: dict[str, Any] = {
    "dtype": "float32",
    "zlib": True,
    "complevel": 4,
    "shuffle": True,
}

SIGNIFICANT_BITS = 12
"""Mantissa bits kept by compact storage (of float64's 52 and float32's 23), besides the
implicit leading bit: 13 significant bits, about four significant decimal digits (the
main job's seven runs of 30 draws then take 26.6 MB, within its 30 MB budget)."""

RELATIVE_PRECISION = 2.0 ** -(SIGNIFICANT_BITS + 1)
"""Largest relative error of a compactly stored value (round to nearest: half a unit in the
last kept bit)."""

_FLOAT32_MAX = float(np.finfo(np.float32).max)

EXACT = (
    "people_total",
    "people_in_services",
    "people_in",
    "people_out",
    "deaths",
    "people_initial",
)
"""The ledger, always stored exactly, so conservation can be checked from a file."""


def round_mantissa(values: np.ndarray, bits: int = SIGNIFICANT_BITS) -> np.ndarray:
    """``values`` (float64) rounded to nearest on ``bits`` mantissa bits, as float32.

    Rounding is done on the float64 bits, so it happens once and each result is exactly
    representable in float32 (a value too large for float32 is an error, not an infinity).

    Args:
        values: Array of floats.
        bits: Explicit mantissa bits to keep (1-23).

    Returns:
        float32 array with ``|result - values| <= 2**-(bits + 1) * |values|`` for normal
        float32 magnitudes; NaN and infinities unchanged.
    """
    x = np.ascontiguousarray(values, dtype=np.float64)
    finite = np.isfinite(x)
    if finite.any() and np.abs(x[finite]).max() > _FLOAT32_MAX:
        raise ValueError("round_mantissa: a value exceeds the float32 range")
    drop = 52 - bits
    u = x.view(np.uint64)
    half = np.uint64(1 << (drop - 1))
    mask = np.uint64(((1 << 64) - 1) ^ ((1 << drop) - 1))
    rounded = ((u + half) & mask).view(np.float64)
    return np.where(finite, rounded, x).astype(np.float32)


def _compactable(name: Any, var: xr.Variable) -> bool:
    """A float record with a time dimension (not the time bounds)."""
    return (
        np.issubdtype(var.dtype, np.floating)
        and "time" in var.dims
        and name != "time"
        and name not in EXACT
        and (
            not np.isfinite(var.values).any()
            or np.abs(var.values[np.isfinite(var.values)]).max() <= _FLOAT32_MAX
        )
    )


def _json_default(value: Any) -> Any:
    """Convert numpy values nested inside attributes to JSON-native types."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serialisable")


def _needs_json(value: Any) -> bool:
    """Return True if an attribute value cannot be stored natively in NetCDF."""
    if isinstance(value, bool | np.bool_):
        return True
    if isinstance(value, str):
        # Strings that look like encoded values are encoded too, so they survive decoding.
        return value.startswith(JSON_PREFIX)
    if isinstance(value, np.ndarray):
        return value.dtype == np.bool_
    return not isinstance(value, int | float | np.integer | np.floating)


def _encode_attrs(attrs: Mapping[Any, Any], where: str) -> dict[Any, Any]:
    """Return a copy of ``attrs`` with NetCDF-incompatible values JSON-encoded."""
    encoded: dict[Any, Any] = {}
    for key, value in attrs.items():
        if _needs_json(value):
            try:
                value = JSON_PREFIX + json.dumps(value, default=_json_default, allow_nan=True)
            except (TypeError, ValueError) as exc:
                raise TypeError(
                    f"Attribute {key!r} of {where} cannot be stored in NetCDF: {exc}"
                ) from exc
        encoded[key] = value
    return encoded


def _decode_attrs(attrs: Mapping[Any, Any]) -> dict[Any, Any]:
    """Return a copy of ``attrs`` with ``json:``-prefixed strings decoded."""
    decoded: dict[Any, Any] = {}
    for key, value in attrs.items():
        if isinstance(value, str) and value.startswith(JSON_PREFIX):
            value = json.loads(value[len(JSON_PREFIX) :])
        decoded[key] = value
    return decoded


def _temp_path(path: Path) -> Path:
    """Return a unique hidden temporary path next to ``path``."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}.partial")


def _fsync_file(path: Path) -> None:
    """Flush a written file to stable storage."""
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _commit_atomic(tmp: Path, path: Path) -> None:
    """Durably move a fully written temporary file to its final path."""
    _fsync_file(tmp)
    os.replace(tmp, path)


def write_dataset_atomic(ds: xr.Dataset, path: Path, *, compact: bool = False) -> Path:
    """Write a Dataset to NetCDF4 atomically.

    The data are written to a hidden ``.<name>.<random>.partial`` file in the
    destination directory and then renamed over ``path``. If anything fails the
    temporary file is removed and any existing file at ``path`` is untouched.
    Attribute values that NetCDF cannot store (dicts, lists, bools, ``None``)
    are JSON-encoded with a ``json:`` prefix; float variables are compressed
    with zlib level 1. ``ds`` itself is not modified.

    Args:
        ds: Dataset to write.
        path: Final file path. Parent directories are created if needed.
        compact: Store float records with a ``time`` dimension as float32 rounded to
            :data:`SIGNIFICANT_BITS` mantissa bits (relative error at most
            :data:`RELATIVE_PRECISION`), shuffled and compressed.

    Returns:
        The final path written.

    Raises:
        TypeError: If an attribute value cannot be JSON-encoded.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    out = ds.copy(deep=False)
    out.attrs = _encode_attrs(ds.attrs, "the dataset")
    encoding: dict[Any, dict[str, Any]] = {}
    if compact:
        out.attrs["storage_precision"] = (
            f"float records with a time dimension: float32 rounded to {SIGNIFICANT_BITS + 1} "
            f"significant bits (relative error <= {RELATIVE_PRECISION:.3g}); others, and the "
            f"people ledger, float64"
        )
    for name, var in list(out.variables.items()):
        var.attrs = _encode_attrs(var.attrs, f"variable {name!r}")
        if compact and _compactable(name, var):
            out[name] = var.copy(data=round_mantissa(var.values))
            encoding[name] = dict(_COMPACT_ENCODING)
        elif np.issubdtype(var.dtype, np.floating) and var.ndim > 0:
            encoding[name] = dict(_FLOAT_ENCODING)

    if "time_bnds" in out.variables and np.issubdtype(out["time"].dtype, np.datetime64):
        first = np.datetime_as_string(out["time"].values[0], unit="s")
        encoding["time"] = {"units": f"seconds since {first}", "dtype": "float64"}
        encoding["time_bnds"] = dict(encoding["time"])  # CF: bounds share the time's units
    tmp = _temp_path(path)
    try:
        out.to_netcdf(tmp, format="NETCDF4", engine="netcdf4", encoding=encoding)
        _commit_atomic(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def load(path: str | Path) -> xr.Dataset:
    """Load a results file fully into memory.

    The file is closed before returning, and ``json:``-encoded attributes
    written by :func:`write_dataset_atomic` are decoded back.

    Args:
        path: Path of a NetCDF file.

    Returns:
        The in-memory Dataset.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Results file not found: {path}")
    with xr.open_dataset(path, engine="netcdf4") as opened:
        ds = opened.load()
    ds.attrs = _decode_attrs(ds.attrs)
    for name, var in list(ds.variables.items()):
        var.attrs = _decode_attrs(var.attrs)
        if var.dtype == np.float32:  # compact storage: exact in float64, computed as a run
            ds[name] = var.astype(np.float64)
    return ds


def write_text_atomic(text: str, path: Path) -> Path:
    """Write UTF-8 text to ``path`` atomically (temporary file, then rename).

    Args:
        text: Text to write.
        path: Final file path. Parent directories are created if needed.

    Returns:
        The final path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_path(path)
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
        _commit_atomic(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def run_directory(root: Path, name: str | None, *, now: datetime | None = None) -> Path:
    """Choose the output directory for a run without creating it.

    Args:
        root: Results root directory (e.g. ``results/``).
        name: Explicit run name. If empty or ``None``, a UTC timestamp
            ``YYYYmmdd-HHMMSS`` is used, suffixed ``-2``, ``-3``, ... until the
            directory does not exist yet.
        now: Time to use for the timestamp; defaults to the current UTC time.

    Returns:
        ``root / name`` or ``root / <timestamp>[-N]``.
    """
    root = Path(root)
    if name:
        return root / name
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    candidate = root / stamp
    suffix = 2
    while candidate.exists():
        candidate = root / f"{stamp}-{suffix}"
        suffix += 1
    return candidate
