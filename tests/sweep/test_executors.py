"""The same sweep gives identical results in this process, in local processes and on a Dask
LocalCluster (the executors run the same chunk function).
"""

from __future__ import annotations

import pytest
import xarray as xr

from sim.sweep import load_sweep, run_sweep

from .helpers import grid


@pytest.fixture(scope="module")
def sequential(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("seq")
    return load_sweep(run_sweep(grid(tmp, "s", "sweep.executor=sequential")))


def test_local_processes_equal_sequential(sequential, tmp_path):
    """Two worker processes, one Numba thread each: identical Dataset."""
    got = load_sweep(run_sweep(grid(tmp_path, "p", "sweep.executor=processes", "sweep.workers=2")))
    xr.testing.assert_identical(got, sequential)


def test_dask_local_cluster_equals_sequential(sequential, tmp_path):
    """A Dask LocalCluster reached by its scheduler address: identical Dataset."""
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        got = load_sweep(
            run_sweep(grid(tmp_path, "d", "sweep.executor=dask", f"sweep.scheduler={address}"))
        )
    xr.testing.assert_identical(got, sequential)
