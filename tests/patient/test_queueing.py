"""One ward on the engine's building blocks against queueing theory (Erlang B and C).

20 replications of 2,000 days (100 days of warm-up) at a fixed seed; the theoretical value
must lie in the 95% interval of the replication means. (Over 12 other seeds the standardised
errors looked like draws from N(0, 1), so the check is not tuned to this seed.)
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engines.des.ward import erlang_b, erlang_c, mmc_mean_wait, run_ward

pytestmark = pytest.mark.xdist_group("queueing")  # fixtures made once

LAM, MEAN, C = 8.0, 1.0, 10  # offered load 8 erlangs on 10 beds (occupancy 0.8)
N, HORIZON, WARMUP, SEED = 20, 2000.0, 100.0, 11


def interval(values: np.ndarray) -> tuple[float, float]:
    """95% interval of the mean of the replications (t with n - 1 degrees of freedom)."""
    from scipy import stats

    m, se = values.mean(), values.std(ddof=1) / np.sqrt(len(values))
    t = stats.t.ppf(0.975, len(values) - 1)
    return m - t * se, m + t * se


@pytest.fixture(scope="module")
def mmc():
    return [run_ward(LAM, MEAN, C, HORIZON, SEED, r, warmup=WARMUP) for r in range(N)]


def test_mmc_mean_wait_matches_erlang_c(mmc):
    """M/M/c mean wait in queue: Erlang C / (c mu - lambda) is inside the 95% interval."""
    lo, hi = interval(np.array([r.mean_wait for r in mmc]))
    assert lo <= mmc_mean_wait(LAM, MEAN, C) <= hi, (lo, mmc_mean_wait(LAM, MEAN, C), hi)


def test_mmc_probability_of_waiting_matches_erlang_c(mmc):
    """M/M/c probability of waiting: Erlang C is inside the 95% interval."""
    lo, hi = interval(np.array([r.p_wait for r in mmc]))
    assert lo <= erlang_c(C, LAM * MEAN) <= hi, (lo, erlang_c(C, LAM * MEAN), hi)


def test_mmc_littles_law(mmc):
    """L = lambda W on the ward: time-weighted patients in system vs arrivals x time in system."""
    for r in mmc:
        lam = r.served / (HORIZON - WARMUP)
        assert r.mean_in_system == pytest.approx(lam * r.mean_time_in_system, rel=0.02)


def test_mmcc_blocking_matches_erlang_b():
    """M/M/c/c (no queue): the share turned away matches Erlang B within the 95% interval."""
    res = [run_ward(LAM, MEAN, C, HORIZON, SEED, r, warmup=WARMUP, queue=False) for r in range(N)]
    lo, hi = interval(np.array([r.blocked / (r.blocked + r.served) for r in res]))
    assert lo <= erlang_b(C, LAM * MEAN) <= hi, (lo, erlang_b(C, LAM * MEAN), hi)


def test_enough_beds_means_nobody_waits():
    """M/M/infinity: with more beds than patients, no one waits and use equals the load."""
    r = run_ward(LAM, MEAN, 10_000, HORIZON, SEED, 0, warmup=WARMUP)
    assert r.mean_wait == 0.0 and r.p_wait == 0.0
    assert r.mean_busy == pytest.approx(LAM * MEAN, rel=0.03)
