"""``python -m sim -m key=a,b ...``: Hydra multirun gathered on a ``variant`` dimension."""

from __future__ import annotations

import numpy as np
import xarray as xr

from sim.cli import main
from sim.jobs.load import load_config
from sim.jobs.simulate import simulate
from sim.sweep.multirun import expand


def test_expand_follows_hydra_sweep_syntax():
    """Comma lists, range() and choice() expand to their cartesian product, in order."""
    keys, rows = expand(["scenario=a,b", "place.acute.beds=range(1200,1400,100)", "run.seed=1"])
    assert keys == ("scenario", "place.acute.beds")
    assert rows == [("a", "1200"), ("a", "1300"), ("b", "1200"), ("b", "1300")]


def test_multirun_gathers_variants_equal_to_single_runs(tmp_path, capsys):
    """Every variant in results.nc equals the run of its own overrides (money included)."""
    common = ["run.horizon_years=0.5", "run.draws=1", "run.record_every_days=30"]
    code = main(
        [
            "-m",
            "scenario=baseline,virtual_wards",
            *common,
            "sweep.executor=sequential",
            "sweep.progress=false",
            f"sweep.output_dir={tmp_path}/sweeps",
            "sweep.name=mr",
        ]
    )
    assert code == 0, capsys.readouterr().err
    ds = xr.open_dataset(tmp_path / "multirun" / "mr" / "results.nc")
    assert ds.sizes["variant"] == 2
    assert list(ds["overrides"].values) == ["scenario=baseline", "scenario=virtual_wards"]
    ref = simulate(load_config([*common, "scenario=virtual_wards"]))
    for name in ("occupied", "nctr", "system_cost"):
        assert np.array_equal(ds[name].sel(variant=1).values, ref[name].values), name


def test_cli_runs_a_batched_sweep_of_the_sweep_group(tmp_path, capsys):
    """``python -m sim sweep.method=grid ...`` runs the batched sweep and names its folder."""
    from sim.sweep import load_sweep

    from .helpers import grid

    code = main(grid(tmp_path, "cli", "sweep.executor=sequential"))
    out = capsys.readouterr().out
    assert code == 0 and f"sweep results in {tmp_path / 'cli'}" in out
    assert load_sweep(tmp_path / "cli").sizes["variant"] == 4
