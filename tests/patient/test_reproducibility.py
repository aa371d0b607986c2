"""Same seed, same numbers; one process or several, same numbers; named streams.

Ten-day runs of the default place keep these quick.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from sim.engines.des.rng import Streams
from sim.engines.rng import stream
from sim.place.patient import processes

from .helpers import run_patient

SHORT = ["run.horizon_years=0.0274"]  # ten days


def test_same_seed_gives_identical_results_and_another_seed_does_not():
    a = run_patient(SHORT)[0]
    b = run_patient(SHORT)[0]
    xr.testing.assert_identical(a, b)
    c = run_patient(SHORT + ["run.seed=7"])[0]
    assert float(a["ed_attendances"].sum()) != float(c["ed_attendances"].sum())


def test_one_process_and_two_give_identical_results():
    """Replications in parallel (two worker processes) equal the same run sequentially."""
    seq = run_patient(SHORT, replications=2, workers=1)[0]
    par = run_patient(SHORT, replications=2, workers=2)[0]
    xr.testing.assert_identical(seq, par)
    assert float(seq["ed_attendances"].isel(draw=0).sum()) != float(
        seq["ed_attendances"].isel(draw=1).sum()
    ), "replications should differ"


def test_adding_a_stream_leaves_existing_draws_unchanged():
    """A stream's draws depend only on (seed, replication, name), not on which other streams
    exist or were used first."""
    alone = stream(5, "arrivals.walk_in", 0).random(100)
    s = Streams(5, 0)
    s["a.new.process"].random(1000)
    np.testing.assert_array_equal(s["arrivals.walk_in"].random(100), alone)


def test_a_new_stream_in_the_engine_changes_nothing_else(monkeypatch):
    """The whole run is identical when a new process draws from a stream of its own."""
    before = run_patient(SHORT)[0]
    original = processes.PlaceSim._start_arrivals

    def with_extra_stream(self):
        self.streams["arrivals.a_new_process"].random(10_000)
        original(self)

    monkeypatch.setattr(processes.PlaceSim, "_start_arrivals", with_extra_stream)
    after = run_patient(SHORT)[0]
    xr.testing.assert_identical(before, after)
