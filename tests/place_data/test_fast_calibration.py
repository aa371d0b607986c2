"""The two shortcuts of a history match on the engine: the shared warm-up and the row table.

Independent truths: at the central set (the place's configured values) the shared warm-up *is*
that set's own warm-up, so the
two modes agree there to rounding; a table of a function affine in each key is exact; a
table that cannot reach its tolerance, or needs too many keys at once, refuses.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.config.keys import resolve_key
from sim.jobs.load import load_config
from sim.place.stockflow.rows import RowTable
from sim.sweep.calibrate import MEASURE_OUTPUTS, engine_simulator

KEYS = ["reablement.mean_days", "care_home.deaths_per_1000_year"]


def test_shared_warm_up_is_the_sets_own_at_the_central_set():
    cfg = load_config(["run.horizon_years=1"])
    central = np.array([[float(resolve_key(cfg.place, k)) for k in KEYS]])  # as configured
    measures = list(MEASURE_OUTPUTS)
    each = engine_simulator(cfg, KEYS, measures, warm="each")(central)[0]
    shared = engine_simulator(cfg, KEYS, measures, warm="shared")(central)[0]
    np.testing.assert_allclose(shared, each, rtol=1e-9)


def _affine(values: dict[str, float]) -> np.ndarray:
    a, b, c = values["a"], values["b"], values["c"]
    return np.array([1.0, 2 * a + 3, a * b, b - 4 * c, 7.0, c / b])


def test_table_is_exact_where_it_should_be_and_close_elsewhere():
    keys, lows, highs, mid = ["a", "b", "c"], [0, 1, 0], [1, 2, 1], [0.5, 1.5, 0.5]
    table = RowTable(_affine, keys, lows, highs, mid, grid=5, tol=1e-3)
    # columns by the keys that move them: a; a and b; b and c; b and c (c / b)
    assert sorted(len(ks) for ks, _, _ in table.groups) == [1, 2, 2]
    x = np.random.default_rng(1).random((50, 3)) * [1, 1, 1] + [0, 1, 0]
    want = np.array([_affine(dict(zip(keys, r, strict=True))) for r in x])
    got = table.rows(x)
    np.testing.assert_allclose(got[:, :5], want[:, :5], rtol=1e-12, atol=1e-12)  # polynomial
    np.testing.assert_allclose(got[:, 5], want[:, 5], rtol=1e-3)  # c / b: a cubic's error


def test_table_refuses_what_it_cannot_hold():
    keys, lows, highs, mid = ["a", "b", "c"], [0, 1, 0], [1, 2, 1], [0.5, 1.5, 0.5]
    with pytest.raises(ValueError, match="allowed 1e-12"):
        RowTable(_affine, keys, lows, highs, mid, grid=5, tol=1e-12)
    with pytest.raises(ValueError, match="depend on 2 keys together"):
        RowTable(_affine, keys, lows, highs, mid, grid=5, max_keys=1)
    kink = lambda v: np.array([abs(v["a"] - 0.37)])  # noqa: E731
    with pytest.raises(ValueError, match="differ from exact"):
        RowTable(kink, ["a"], [0], [1], [0.5], grid=9, tol=1e-4)
