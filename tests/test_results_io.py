from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from sim.results import provenance as provenance_mod
from sim.results.io import (
    JSON_PREFIX,
    load,
    run_directory,
    write_dataset_atomic,
    write_text_atomic,
)
from sim.results.provenance import provenance


def _sample_dataset() -> xr.Dataset:
    rng = np.random.default_rng(42)
    stocks = ["ed_queue", "ward", "community"]
    ds = xr.Dataset(
        data_vars={
            "occupancy": (
                ("time", "stock"),
                rng.random((5, 3)),
                {"units": "patients", "by_stock": {"ward": {"cap": 30}}, "clipped": False},
            ),
            "flow": (("time",), np.linspace(0.0, 1.0, 5), {"note": None}),
            "count": (("time",), np.arange(5, dtype=np.int64)),
        },
        coords={
            "time": np.arange(5, dtype=np.float64),
            "stock": ("stock", np.array(stocks, dtype=object), {"labels": ["a", "b"]}),
        },
        attrs={
            "config": {"engine": {"name": "stock_flow", "dt": 0.5, "seed": 1}, "tags": [1, 2]},
            "deterministic": True,
            "missing": None,
            "title": "demo",
            "literal": "json:not really json",
            "n_runs": 3,
            "scale": 1.5,
        },
    )
    return ds


def test_round_trip_is_identical(tmp_path: Path) -> None:
    ds = _sample_dataset()
    original_attrs = dict(ds.attrs)
    target = tmp_path / "results.nc"

    assert write_dataset_atomic(ds, target) == target
    loaded = load(target)

    xr.testing.assert_identical(loaded, ds)
    assert loaded.attrs["config"]["engine"]["dt"] == 0.5
    assert loaded.attrs["deterministic"] is True
    assert loaded["occupancy"].attrs["clipped"] is False
    assert loaded["occupancy"].attrs["by_stock"] == {"ward": {"cap": 30}}
    assert loaded.attrs["literal"] == "json:not really json"
    assert list(loaded["stock"].values) == ["ed_queue", "ward", "community"]
    # The input dataset must not be mutated by the encoding step.
    assert ds.attrs == original_attrs
    # Float data variables are compressed; only the final file remains.
    assert loaded["occupancy"].encoding.get("zlib") is True
    assert loaded["occupancy"].encoding.get("complevel") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.nc"]


def test_attrs_stored_as_json_strings_on_disk(tmp_path: Path) -> None:
    target = write_dataset_atomic(_sample_dataset(), tmp_path / "results.nc")
    with xr.open_dataset(target) as raw:
        assert raw.attrs["deterministic"] == JSON_PREFIX + "true"
        assert raw.attrs["title"] == "demo"
        assert raw.attrs["config"].startswith(JSON_PREFIX)


def test_failed_write_leaves_no_files_and_keeps_previous(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "results.nc"
    previous = xr.Dataset({"x": ("t", np.array([1.0, 2.0]))}, attrs={"version": "old"})
    write_dataset_atomic(previous, target)
    previous_bytes = target.read_bytes()

    written_to: list[Path] = []

    def broken_to_netcdf(self: xr.Dataset, path, *args, **kwargs):
        path = Path(path)
        written_to.append(path)
        path.write_bytes(b"CDF\x01 partial garbage")
        raise OSError("disk full")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", broken_to_netcdf)

    with pytest.raises(OSError, match="disk full"):
        write_dataset_atomic(_sample_dataset(), target)

    assert len(written_to) == 1
    tmp = written_to[0]
    assert tmp.parent == tmp_path
    assert tmp.name.startswith(".") and tmp.name.endswith(".partial")
    assert not tmp.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.nc"]
    assert target.read_bytes() == previous_bytes

    monkeypatch.undo()
    assert load(target).attrs["version"] == "old"


def test_failed_first_write_leaves_directory_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_to_netcdf(self: xr.Dataset, path, *args, **kwargs):
        Path(path).write_bytes(b"junk")
        raise RuntimeError("boom")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", broken_to_netcdf)
    with pytest.raises(RuntimeError, match="boom"):
        write_dataset_atomic(_sample_dataset(), tmp_path / "results.nc")
    assert list(tmp_path.iterdir()) == []


def test_load_missing_raises_with_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "results.nc"
    with pytest.raises(FileNotFoundError, match="results.nc") as excinfo:
        load(missing)
    assert str(missing) in str(excinfo.value)


def test_write_text_atomic(tmp_path: Path) -> None:
    target = tmp_path / "run" / "summary.txt"
    assert write_text_atomic("first\n", target) == target
    write_text_atomic("second – ünïcode\n", target)
    assert target.read_text(encoding="utf-8") == "second – ünïcode\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["summary.txt"]


def test_run_directory(tmp_path: Path) -> None:
    assert run_directory(tmp_path, "baseline") == tmp_path / "baseline"
    now = datetime(2024, 3, 1, 12, 30, 5, tzinfo=UTC)
    first = run_directory(tmp_path, None, now=now)
    assert first == tmp_path / "20240301-123005"
    assert not first.exists()
    first.mkdir()
    second = run_directory(tmp_path, None, now=now)
    assert second == tmp_path / "20240301-123005-2"
    second.mkdir()
    assert run_directory(tmp_path, None, now=now) == tmp_path / "20240301-123005-3"


EXPECTED_KEYS = {"sim_version", "git_commit", "python", "numpy", "numba", "xarray", "created_utc"}


def test_provenance_outside_git_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package_dir = tmp_path / "sim"
    package_dir.mkdir()
    # Stop git from discovering any repository above tmp_path.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setattr(provenance_mod, "_SOURCE_DIR", package_dir)

    info = provenance()

    assert set(info) == EXPECTED_KEYS
    assert all(isinstance(v, str) and v for v in info.values())
    assert info["git_commit"] == "unknown"
    assert info["numpy"] == np.__version__
    assert info["xarray"] == xr.__version__
    created = datetime.fromisoformat(info["created_utc"])
    assert created.utcoffset() is not None and created.utcoffset().total_seconds() == 0


def test_provenance_without_git_binary(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing_git(*args, **kwargs):
        raise FileNotFoundError("git")

    monkeypatch.setattr(subprocess, "run", missing_git)
    info = provenance()
    assert set(info) == EXPECTED_KEYS
    assert info["git_commit"] == "unknown"


def test_provenance_in_git_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(tmp_path), *args], check=True, capture_output=True, text=True
        ).stdout.strip()

    try:
        git("init", "-q")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("git not available")
    package_dir = tmp_path / "sim"
    package_dir.mkdir()
    (package_dir / "mod.py").write_text("x = 1\n")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "init")
    head = git("rev-parse", "HEAD")
    monkeypatch.setattr(provenance_mod, "_SOURCE_DIR", package_dir)

    assert provenance()["git_commit"] == head
    (package_dir / "mod.py").write_text("x = 2\n")
    assert provenance()["git_commit"] == head + "-dirty"
