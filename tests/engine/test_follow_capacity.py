"""A capacity that follows its occupancy (a market): first-order smoothing toward occupancy /
target, checked against its closed form, the reference stepper and its declaration errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.engines.stockflow import Model, ModelError, compile_model, run_arrays
from sim.engines.stockflow.reference import run_reference


def market(occupied: float = 100.0, start: float = 200.0, inflow: float = 0.0) -> Model:
    """Residents who stay (no exits) in a home whose places follow them, target 80%, lag 50."""
    m = Model("market")
    m.stock("queue", same_step=True)
    home = m.stock("home", occupied)
    if inflow:
        m.inflow("arrivals", "queue", inflow)
    m.capacity(
        "places",
        m.param("places", start),
        stocks=[home],
        follow_occupancy=m.param("target", 0.8, kind="positive"),
        lag_days=m.param("lag", 50.0, kind="positive"),
    )
    m.transfer("admit", "places", [("queue", home)])
    m.outflow("no_room", "queue", math.inf, None)
    m.describe("limit", units="places", long_name="places")
    m.report("limit", capacity="places")
    return m


def limit_row(compiled) -> int:
    """The report row of the places."""
    return [var for var, _ in compiled.report_index].index("limit")


@pytest.mark.parametrize("dt", [1.0, 0.5])
def test_places_close_the_gap_to_occupancy_over_target_exponentially(dt):
    """Steady occupancy 100, target 0.8, lag 50 days, from 200 places: the limit in step n is
    125 + 75 exp(-(n - 1) dt / 50) (it moves after each step), whatever the step."""
    compiled = compile_model(market())
    n = int(200 / dt)
    out = run_arrays(compiled, compiled.param_matrix(), n_steps=n, dt_days=dt, record_every=1)
    t = np.arange(n) * dt
    expected = 125.0 + 75.0 * np.exp(-t / 50.0)
    np.testing.assert_allclose(out.reports[0, limit_row(compiled)], expected, rtol=1e-12)


def test_kernel_agrees_with_the_reference_stepper_while_arrivals_fill_the_home():
    """Arrivals fill the home and the places follow (binding some days): both steppers agree."""
    model = market(occupied=50.0, start=60.0, inflow=3.0)
    compiled = compile_model(model)
    out = run_arrays(compiled, compiled.param_matrix(), n_steps=120, record_every=1)
    ref = run_reference(model, n_steps=120)
    for r, cell in enumerate(compiled.report_index):
        np.testing.assert_allclose(out.reports[0, r], ref.reports[cell], rtol=1e-9, atol=1e-9)
    assert out.reports[0, limit_row(compiled), -1] > 60.0  # the places grew with the residents


def test_a_following_capacity_needs_both_target_and_lag():
    m = Model("bad")
    home = m.stock("home", 1.0)
    with pytest.raises(ModelError, match="give both follow_occupancy and lag_days"):
        m.capacity("places", 10.0, stocks=[home], follow_occupancy=0.8)
