"""Global sensitivity: SALib's Sobol indices of the Ishigami function match the known
values; Morris on the model gives indices and a labelled tornado chart.
"""

from __future__ import annotations

import math

import numpy as np
from SALib.sample import sobol as sobol_sample

from sim.sweep import load_sweep, run_sweep
from sim.sweep.sensitivity import analyse_sweep, plot_sensitivity, sobol_indices

from .helpers import SMALL

A, B = 7.0, 0.1


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices() -> tuple[np.ndarray, np.ndarray]:
    """Analytic first and total indices (Ishigami and Homma 1990; Sobol' and Levitan 1999)."""
    v1 = 0.5 * (1 + B * math.pi**4 / 5) ** 2
    v2 = A**2 / 8
    v13 = B**2 * math.pi**8 * (1 / 18 - 1 / 50)
    var = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / var, np.array([v1 + v13, v2, v13]) / var


def test_sobol_reproduces_the_ishigami_indices_within_salibs_intervals():
    """|S - exact| <= SALib's 95% interval for S1 and ST of all three inputs."""
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}
    x = sobol_sample.sample(problem, 2048, calc_second_order=False, seed=3)
    ix = sobol_indices(problem, {"ishigami": ishigami(x)}, seed=3).sel(metric="ishigami")
    s1, st = ishigami_indices()
    assert np.all(np.abs(ix["S1"].values - s1) <= ix["S1_conf"].values), (ix["S1"].values, s1)
    assert np.all(np.abs(ix["ST"].values - st) <= ix["ST_conf"].values), (ix["ST"].values, st)
    assert ix["S1"].attrs["units"] == "1"


def test_morris_on_the_model_ranks_beds_first_for_boarding_and_draws_a_chart(tmp_path):
    """Fewer beds mean more boarding: beds dominate the boarding metric; chart is saved."""
    overrides = [*SMALL, "sweep.outputs=[boarding,nctr]", "sweep.method=morris",
                 "sweep.samples=3", "sweep.executor=sequential", "sweep.chunk_size=20",
                 "++sweep.params={place.acute.beds:{low:1150,high:1450},"
                 "place.care_home.deaths_per_1000_year:{low:250,high:300}}",
                 f"sweep.output_dir={tmp_path}", "sweep.name=morris"]  # fmt: skip
    ds = load_sweep(run_sweep(overrides))
    ix = analyse_sweep(ds, ["boarding", "nctr"])
    mu = ix["mu_star"].sel(metric="boarding")
    assert mu.sel(parameter="place.acute.beds") > mu.sel(
        parameter="place.care_home.deaths_per_1000_year"
    )
    fig = plot_sensitivity(ix, "boarding", tmp_path / "tornado.png")
    ax = fig.axes[0]
    assert ax.get_title() and "mu*" in ax.get_xlabel() and ax.get_ylabel()
    assert (tmp_path / "tornado.png").stat().st_size > 1000
