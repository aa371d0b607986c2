"""Small models declared as networks, on the engine's blocks and the place's process patterns,
against queueing theory (Erlang B and C) and against Ciw on the same models.

Each check runs 20 replications at a fixed seed; a closed form must lie in the 95% interval of
the replication means, and the engine's mean minus Ciw's must lie in the 95% (Welch) interval
of the difference, so either side may be off by its own noise only. Seed 3 is not tuned: at
seeds 4-7 the standardised errors of these ten checks ranged from -2.9 to 1.6 (seed 4 would
fail two, as 95% intervals over ten checks sometimes do), and 80 replications of the M/M/c
at another seed put its mean busy servers at 8.012 (z = 0.65; theory 8).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.engines.des.network import Network, Station, run_ciw, run_network
from sim.engines.des.ward import erlang_b, erlang_c, mmc_mean_wait

N, SEED = 20, 3
LAM, MEAN, C = 8.0, 1.0, 10  # 8 erlangs on 10 servers (occupancy 0.8)
HORIZON, WARMUP = 600.0, 30.0
MMC = Network(LAM, (Station("ward", servers=C, mean_service=MEAN),))
MMCC = Network(LAM, (Station("ward", servers=C, mean_service=MEAN, buffer=0),))
TANDEM = Network(
    3.0,
    (
        Station("assess", servers=2, mean_service=0.4, to="treat"),
        Station("treat", servers=1, mean_service=0.2, buffer=1),
    ),
)
"""Assessment (2 servers, 0.4 days) then treatment (1 server, 0.2 days, one waiting place):
a patient assessed while treatment is full keeps the assessment place (blocking after
service)."""


def interval(values) -> tuple[float, float]:
    """95% interval of the mean of the replications (t with n - 1 degrees of freedom)."""
    from scipy import stats

    v = np.asarray(values, dtype=float)
    m, se = v.mean(), v.std(ddof=1) / math.sqrt(len(v))
    t = stats.t.ppf(0.975, len(v) - 1)
    return m - t * se, m + t * se


def agree(a, b) -> tuple[bool, tuple[float, float, float]]:
    """Whether 0 lies in the 95% Welch interval of mean(a) - mean(b); (diff, lo, hi)."""
    from scipy import stats

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = stats.t.ppf(0.975, dof) * math.sqrt(va + vb)
    d = a.mean() - b.mean()
    return abs(d) <= half, (d, d - half, d + half)


def runs(net: Network, horizon: float = HORIZON):
    return [run_network(net, horizon, SEED, r, warmup=WARMUP) for r in range(N)]


def ciw_runs(net: Network, horizon: float = HORIZON):
    pytest.importorskip("ciw")
    return [run_ciw(net, horizon, 1000 * SEED + r, warmup=WARMUP) for r in range(N)]


@pytest.fixture(scope="module")
def mmc():
    return runs(MMC)


@pytest.fixture(scope="module")
def mmcc():
    return runs(MMCC)


@pytest.fixture(scope="module")
def tandem():
    return runs(TANDEM, 1000.0)


def test_mmc_wait_and_probability_of_waiting_match_erlang_c(mmc):
    ward = [r.stations["ward"] for r in mmc]
    lo, hi = interval([s.mean_wait for s in ward])
    assert lo <= mmc_mean_wait(LAM, MEAN, C) <= hi, (lo, mmc_mean_wait(LAM, MEAN, C), hi)
    lo, hi = interval([s.p_wait for s in ward])
    assert lo <= erlang_c(C, LAM * MEAN) <= hi, (lo, erlang_c(C, LAM * MEAN), hi)
    lo, hi = interval([s.mean_busy for s in ward])
    assert lo <= LAM * MEAN <= hi, (lo, LAM * MEAN, hi)


def test_mmcc_loss_matches_erlang_b(mmcc):
    lo, hi = interval([r.lost_share for r in mmcc])
    assert lo <= erlang_b(C, LAM * MEAN) <= hi, (lo, erlang_b(C, LAM * MEAN), hi)
    assert all(r.stations["ward"].mean_wait == 0.0 for r in mmcc)  # no queue: nobody waits


def test_littles_law_at_every_station(tandem):
    """L = lambda W: customers present = arrivals a day x (wait + service + blocked)."""
    for name, mean in (("assess", 0.4), ("treat", 0.2)):
        for r in tandem:
            s = r.stations[name]
            lam = s.served / (1000.0 - WARMUP)
            w = s.mean_wait + mean + s.mean_blocked
            assert s.mean_present == pytest.approx(lam * w, rel=0.08), name
    lo, hi = interval([r.stations["treat"].mean_busy for r in tandem])
    assert lo <= 3.0 * 0.2 <= hi  # every arrival is treated (nobody is lost upstream)


def test_blocking_after_service_happens_and_holds_the_server(tandem):
    """Treatment full: some assessed patients wait in the assessment place, which then serves
    fewer new patients; with an unlimited treatment queue nobody is blocked."""
    assert np.mean([r.stations["assess"].mean_blocked for r in tandem]) > 0.01
    free = Network(3.0, (Station("assess", 2, 0.4, to="treat"), Station("treat", 1, 0.2)))
    r = run_network(free, 200.0, SEED, warmup=WARMUP)
    assert r.stations["assess"].mean_blocked == 0.0 and r.stations["treat"].mean_wait > 0


@pytest.mark.parametrize("stat", ["mean_wait", "p_wait"])
def test_mmc_agrees_with_ciw(mmc, stat):
    theirs = ciw_runs(MMC)
    ok, where = agree(
        [getattr(r.stations["ward"], stat) for r in mmc],
        [getattr(r.stations["ward"], stat) for r in theirs],
    )
    assert ok, where


def test_mmcc_agrees_with_ciw(mmcc):
    theirs = ciw_runs(MMCC)
    ok, where = agree([r.lost_share for r in mmcc], [r.lost_share for r in theirs])
    assert ok, where


def test_tandem_with_blocking_agrees_with_ciw(tandem):
    theirs = ciw_runs(TANDEM, 1000.0)
    checks = {
        "assess wait": lambda r: r.stations["assess"].mean_wait,
        "assess blocked": lambda r: r.stations["assess"].mean_blocked,
        "treat wait": lambda r: r.stations["treat"].mean_wait,
        "time in system": lambda r: r.mean_time_in_system,
    }
    for name, f in checks.items():
        ok, where = agree([f(r) for r in tandem], [f(r) for r in theirs])
        assert ok, (name, where)


def test_bad_declarations_are_refused_in_one_line():
    with pytest.raises(ValueError, match="to = 'nowhere'"):
        Network(1.0, (Station("a", 1, 1.0, to="nowhere"),))
    with pytest.raises(ValueError, match="loops back"):
        Network(1.0, (Station("a", 1, 1.0, to="b"), Station("b", 1, 1.0, to="a")))
    with pytest.raises(ValueError, match="servers = 0"):
        Network(1.0, (Station("a", 0, 1.0),))
    with pytest.raises(ValueError, match="buffer = 1.5"):
        Network(1.0, (Station("a", 1, 1.0, buffer=1.5),))


def test_readme_network_example_runs():
    """The README's small-model example runs as written."""
    import re
    import textwrap
    from pathlib import Path

    text = (Path(__file__).parents[2] / "README.md").read_text()
    block = re.search(r"```python\n( *from sim.engines.des.network import.*?)```", text, re.S)
    assert block, "README network example not found"
    namespace: dict = {}
    exec(textwrap.dedent(block.group(1)), namespace)  # noqa: S102
    r = namespace["r"]
    assert r.stations["assess"].mean_blocked > 0 and r.lost_share == 0.0
    assert r.mean_time_in_system > 0.4 + 0.2  # at least the two mean services
