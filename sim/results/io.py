"""Atomic reading and writing of simulation results.

Results are stored as NetCDF4 files via xarray. NetCDF attributes can only hold
strings, numbers and numeric arrays, so richer attribute values (nested dicts,
lists, bools, ``None``) are serialised to JSON strings carrying a ``json:``
prefix on write and decoded again by :func:`load`.

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


def write_dataset_atomic(ds: xr.Dataset, path: Path) -> Path:
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
    for name, var in out.variables.items():
        var.attrs = _encode_attrs(var.attrs, f"variable {name!r}")
        if np.issubdtype(var.dtype, np.floating) and var.ndim > 0:
            encoding[name] = dict(_FLOAT_ENCODING)

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
    for var in ds.variables.values():
        var.attrs = _decode_attrs(var.attrs)
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
