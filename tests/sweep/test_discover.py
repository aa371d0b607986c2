"""``python -m sim.sweep.discover``: cases from a sweep's results, PRIM's box, files."""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from sim.sweep.discover import cases, main


def _fake_multirun(folder, n=600, draws=2, seed=5):
    """A multirun-shaped results.nc whose NPV is positive exactly when the lever `beds`
    is above 1500 and the sampled uncertain value `u` of the draw is below 0.5."""
    rng = np.random.default_rng(seed)
    beds = rng.integers(1200, 1800, n)
    option = rng.choice(["homefirst", "prevention"], n)
    u = rng.uniform(0, 1, (n, draws))
    npv = np.where((beds[:, None] > 1500) & (u < 0.5), 1e6, -1e6)
    npv[3, :] = np.nan  # a failed variant
    ds = xr.Dataset(
        {
            "npv": (("variant", "draw"), npv),
            "parameter_draws": (("variant", "draw", "uncertain_key"), u[:, :, None]),
            "design_value": (("variant", "design_key"), np.stack([beds, np.full(n, np.nan)], 1)),
        },
        coords={
            "variant": np.arange(n),
            "draw": np.arange(draws),
            "design_key": ["place.acute.beds", "scenario"],
            "uncertain_key": ["u"],
            "place.acute.beds": ("variant", beds),
            "scenario": ("variant", option),
        },
    )
    folder.mkdir()
    ds.to_netcdf(folder / "results.nc")
    return ds


def test_cases_are_variant_by_draw_with_sampled_inputs(tmp_path):
    ds = _fake_multirun(tmp_path / "mr")
    x, values = cases(ds, "npv")
    assert set(x) == {"place.acute.beds", "scenario", "place.u"}
    assert len(values) == 2 * (600 - 1)  # the failed variant's cases are left out
    x, values = cases(ds, "npv", where={"scenario": "homefirst"})
    assert "scenario" not in x  # constant once filtered


def test_discover_command_finds_the_box_and_writes_charts(tmp_path, capsys):
    _fake_multirun(tmp_path / "mr")
    code = main(
        [str(tmp_path / "mr"), "--metric", "npv", "--threshold", "0", "--min-density", "0.95"]
    )
    assert code == 0, capsys.readouterr().err
    out = tmp_path / "mr" / "discovery" / "npv"
    info = json.loads((out / "discovery.json").read_text())
    assert info["box"]["density"] >= 0.95 and info["box"]["coverage"] >= 0.9
    limits = {lim["name"]: lim for lim in info["box"]["limits"]}
    assert set(limits) == {"place.acute.beds", "place.u"}
    assert 1490 <= limits["place.acute.beds"]["low"] <= 1530
    assert limits["place.u"]["high"] <= 0.5
    for name in ("prim_trajectory.png", "prim_box.png", "discovery.txt"):
        assert (out / name).stat().st_size > 0
    assert "coverage" in capsys.readouterr().out


def test_discover_refuses_an_unknown_metric(tmp_path, capsys):
    _fake_multirun(tmp_path / "mr")
    assert main([str(tmp_path / "mr"), "--metric", "nope"]) == 2
    assert "--metric 'nope'" in capsys.readouterr().err
