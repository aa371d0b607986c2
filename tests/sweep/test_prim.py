"""PRIM and CART recover a known box in synthetic data (Friedman and Fisher 1999, section 8
style): coverage and density near 1, limits near the truth, unrelated inputs left free."""

from __future__ import annotations

import numpy as np
import pytest

from sim.sweep.prim import Limit, cart, prim

TRUE = {"x0": (0.2, 0.6), "x1": (0.5, 1.0)}


def _cases(n: int = 4000, seed: int = 3, noise: float = 0.0):
    rng = np.random.default_rng(seed)
    x = {f"x{i}": rng.uniform(0, 1, n) for i in range(5)}
    x["policy"] = rng.choice(np.array(["a", "b", "c"], dtype=object), n)
    y = np.ones(n, dtype=bool)
    for k, (lo, hi) in TRUE.items():
        y &= (x[k] >= lo) & (x[k] <= hi)
    y &= x["policy"] != "c"
    flip = rng.uniform(0, 1, n) < noise
    return x, y ^ flip


def test_prim_recovers_a_known_box():
    x, y = _cases()
    res = prim(x, y, alpha=0.05, min_density=0.95)
    box = res.box
    assert box.density >= 0.95 and box.coverage >= 0.9
    limits = {lim.name: lim for lim in box.limits}
    assert set(limits) == {"x0", "x1", "policy"}  # x2, x3, x4 are not restricted
    assert abs(limits["x0"].low - 0.2) < 0.03 and abs(limits["x0"].high - 0.6) < 0.03
    assert abs(limits["x1"].low - 0.5) < 0.03 and limits["x1"].high > 0.97
    assert set(limits["policy"].values) == {"a", "b"}
    assert all(q < 1e-6 for q in box.qp.values())  # every restriction matters
    # the trajectory starts with every case and trades coverage for density
    first = res.trajectory[0]
    assert first.coverage == 1.0 and first.mass == 1.0
    assert first.density == pytest.approx(y.mean())
    masses = [b.mass for b in res.trajectory]
    assert all(a > b for a, b in zip(masses, masses[1:], strict=False))


def test_prim_statistics_are_counts_of_the_box():
    x, y = _cases(noise=0.1)
    res = prim(x, y)
    for b in res.trajectory[::10]:
        inside = np.ones(len(y), dtype=bool)
        for lim in b.limits:
            inside &= lim.holds(x[lim.name])
        assert b.n == inside.sum()
        assert b.density == pytest.approx(y[inside].mean())
        assert b.coverage == pytest.approx(y[inside].sum() / y.sum())


def test_cart_finds_the_same_box():
    x, y = _cases()
    leaves = cart(x, y, max_depth=5)
    best = leaves[0]
    assert best.density == 1.0 and best.coverage > 0.9
    limits = {lim.name: lim for lim in best.limits}
    assert abs(limits["x0"].low - 0.2) < 0.02 and abs(limits["x0"].high - 0.6) < 0.02
    assert sum(leaf.n for leaf in leaves) == len(y)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="one value per case"):
        prim({"a": np.zeros(3)}, np.zeros(4, dtype=bool))
    with pytest.raises(ValueError, match="alpha"):
        prim({"a": np.zeros(3)}, np.zeros(3, dtype=bool), alpha=0.7)
    assert Limit("k", 1.0, 2.0).describe() == "1 <= k <= 2"
