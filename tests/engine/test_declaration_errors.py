"""Invalid declarations and run inputs raise ModelError naming the offending item and value."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from sim.engines.stockflow import Model, ModelError, compile_model, run


def _chain() -> Model:
    """A valid little model: a -> (hazard k) -> b -> (hazard 0.1) -> outside."""
    m = Model("chain")
    m.param("k", 0.3)
    m.stock("a", initial=10.0)
    m.stock("b")
    m.series("season")
    m.outflow("ab", "a", rate_per_day="k", to="b", series="season")
    m.outflow("b_out", "b", rate_per_day=0.1, to=None)
    return m


def test_valid_chain_runs():
    """The base model used below is itself valid, so each error comes from the change made."""
    ds = run(_chain(), n_steps=3, series={"season": np.ones(3)})
    np.testing.assert_allclose(ds.people_total.values[0], 10.0 - np.cumsum(ds.people_out[0]))
    assert ds.people_out.values[0, 0] == 0.0  # b starts empty; a's leavers wait a step in b


# -- routing shares -------------------------------------------------------------------------


def test_fixed_routing_shares_summing_to_point_nine():
    """Numeric shares 0.5 + 0.4 are refused when the outflow is declared."""
    m = Model("shares")
    m.stock("s", initial=1.0)
    m.stock("a")
    with pytest.raises(ModelError, match=r"'out'.*routing shares .*'a': 0\.5.*sum to 0\.9, not 1"):
        m.outflow("out", "s", rate_per_day=0.1, to={"a": 0.5, None: 0.4})


def test_named_routing_shares_summing_to_point_nine():
    """Shares given as parameters are checked at run time, naming the operation and values."""
    m = Model("shares")
    m.param("p", 0.5, kind="share")
    m.param("q", 0.4, kind="share")
    m.stock("s", initial=1.0)
    m.stock("a")
    m.outflow("out", "s", rate_per_day=0.1, to={"a": "p", None: "q"})
    with pytest.raises(
        ModelError, match=r"routing shares of 'out' sum to 0\.9 in draw 0.*'p': 0\.5"
    ):
        run(m, n_steps=1)


def test_per_draw_routing_shares_name_the_bad_draw():
    """Overriding a share per draw so that only draw 1 sums to 0.9 names draw 1."""
    m = Model("shares")
    m.param("p", 0.5, kind="share")
    m.param("q", 0.5, kind="share")
    m.stock("s", initial=1.0)
    m.stock("a")
    m.outflow("out", "s", rate_per_day=0.1, to={"a": "p", None: "q"})
    with pytest.raises(ModelError, match=r"routing shares of 'out' sum to 0\.9 in draw 1"):
        run(m, n_steps=1, params={"p": np.array([0.5, 0.4])})


def test_share_above_one_is_refused():
    """A share parameter of 1.2 is refused as outside [0, 1]."""
    m = Model("shares")
    with pytest.raises(ModelError, match=r"parameter 'p' = 1\.2: a share must be in \[0, 1\]"):
        m.param("p", 1.2, kind="share")


# -- unknown names --------------------------------------------------------------------------


def test_unknown_destination_stock():
    """An outflow into an undeclared stock names the flow and the stock."""
    m = _chain()
    with pytest.raises(ModelError, match=r"'leak' destination: unknown stock 'nowhere'"):
        m.outflow("leak", "a", rate_per_day=0.1, to="nowhere")


def test_unknown_source_stock():
    """An outflow from an undeclared stock names the flow and the stock."""
    m = _chain()
    with pytest.raises(ModelError, match=r"'leak' source: unknown stock 'ghost'"):
        m.outflow("leak", "ghost", rate_per_day=0.1, to=None)


def test_unknown_stock_in_transfer_and_report():
    """Transfers and reports also name an unknown stock."""
    m = _chain()
    m.capacity("slots", limit=5.0, per_day=True)
    with pytest.raises(ModelError, match=r"transfer 'move' destination: unknown stock 'c'"):
        m.transfer("move", capacity="slots", moves=[("a", "c")])
    m.describe("x", units="people", long_name="x")
    with pytest.raises(ModelError, match=r"report 'x': unknown stock 'zz'"):
        m.report("x", stocks=["zz"])


def test_unknown_flow_in_report():
    """Reporting a flow that is neither an operation nor an arc names it."""
    m = _chain()
    m.describe("x", units="people", long_name="x")
    with pytest.raises(ModelError, match=r"unknown flow 'ab->c'"):
        m.report("x", flows=["ab->c"])


def test_unknown_lookup_is_caught_at_compile():
    """An outflow naming a lookup that was never declared is refused when compiled."""
    m = _chain()
    m.outflow("extra", "b", rate_per_day=0.1, to=None, lookup="pressure")
    with pytest.raises(ModelError, match=r"'extra': unknown lookup 'pressure'"):
        compile_model(m)


# -- parameter values -----------------------------------------------------------------------


def test_negative_parameter_declared():
    """A declared parameter of -0.5 is refused, naming it and the value."""
    m = Model("neg")
    with pytest.raises(ModelError, match=r"parameter 'k' = -0\.5: must be >= 0"):
        m.param("k", -0.5)


def test_negative_rate_given_as_number():
    """A negative number as a rate names the auto-created parameter."""
    m = Model("neg")
    m.stock("a")
    with pytest.raises(ModelError, match=r"parameter 'out\.rate_per_day' = -1\.0: must be >= 0"):
        m.outflow("out", "a", rate_per_day=-1.0, to=None)


def test_negative_parameter_override():
    """A negative value among per-draw overrides is refused, naming the parameter and value."""
    with pytest.raises(ModelError, match=r"parameter 'k' = -2\.0: must be >= 0"):
        run(_chain(), n_steps=1, params={"k": np.array([0.1, -2.0, 0.3])})


def test_non_finite_parameter_override():
    """NaN is not a valid parameter value."""
    with pytest.raises(ModelError, match=r"parameter 'k' = nan: must be finite"):
        run(_chain(), n_steps=1, params={"k": math.nan})


def test_zero_delay_mean_is_refused():
    """A delay's mean must be strictly positive."""
    m = Model("zero")
    with pytest.raises(ModelError, match=r"parameter 'd\.mean_days' = 0\.0: must be > 0"):
        m.delay("d", mean_days=0.0, stages=1, to=None)


def test_per_draw_parameter_array_of_wrong_length():
    """Arrays of 3 and 5 values cannot make one batch; the short one is named."""
    m = _chain()
    m.param("other", 1.0)
    with pytest.raises(ModelError, match=r"parameter 'k': 3 values for 5 draws"):
        run(m, n_steps=1, params={"k": np.full(3, 0.1), "other": np.ones(5)})


def test_per_draw_parameter_array_disagreeing_with_n_draws():
    """An array of 3 values with n_draws=4 is refused."""
    with pytest.raises(ModelError, match=r"parameter 'k': 3 values for 4 draws"):
        run(_chain(), n_steps=1, params={"k": np.full(3, 0.1)}, n_draws=4)


def test_unknown_parameter_override():
    """Overriding a parameter the model does not have names it."""
    with pytest.raises(ModelError, match=re.escape("unknown parameter(s) ['kk']")):
        run(_chain(), n_steps=1, params={"kk": 0.1})


def test_unknown_parameter_name_in_declaration():
    """A rate naming an undeclared parameter names both the flow and the parameter."""
    m = Model("names")
    m.stock("a")
    with pytest.raises(ModelError, match=r"out\.rate_per_day: unknown parameter 'speed'"):
        m.outflow("out", "a", rate_per_day="speed", to=None)


# -- capacities -----------------------------------------------------------------------------


def _ward() -> Model:
    m = Model("ward")
    m.stock("ed", initial=50.0)
    ward = m.delay("ward", mean_days=5.0, stages=1, to=None)
    m.capacity("beds", limit=10.0, stocks=ward)
    return m


def test_plain_outflow_into_capacity_limited_stock():
    """An outflow into a bed-limited ward bypasses the bed check and is refused at compile."""
    m = _ward()
    m.outflow("spill", "ed", rate_per_day=0.5, to="ward[1]")
    with pytest.raises(
        ModelError,
        match=re.escape("flow 'spill->ward[1]' enters capacity-limited stock 'ward[1]'")
        + ".*use a transfer",
    ):
        compile_model(m)


def test_inflow_into_capacity_limited_stock():
    """An inflow from outside straight into a bed-limited ward is refused too."""
    m = _ward()
    m.inflow("direct", to="ward[1]", rate_per_day=3.0)
    with pytest.raises(ModelError, match=re.escape("flow 'direct->ward[1]' enters")):
        compile_model(m)


def test_occupancy_transfer_into_stock_outside_its_capacity():
    """A transfer using the bed capacity must move into one of the beds' stocks."""
    m = _ward()
    m.stock("home")
    m.transfer("admit", capacity="beds", moves=[("ed", "home")])
    with pytest.raises(
        ModelError, match=r"transfer 'admit' uses capacity 'beds' but moves into 'home'"
    ):
        compile_model(m)


def test_stock_in_two_capacities():
    """One stock cannot be counted by two occupancy capacities."""
    m = _ward()
    with pytest.raises(ModelError, match=re.escape("stock 'ward[1]' is in capacities 'beds'")):
        m.capacity("more_beds", limit=3.0, stocks=["ward[1]"])


# -- delays ---------------------------------------------------------------------------------


def test_delay_stage_shorter_than_step():
    """mean_days=1 over 3 stages gives 1/3-day stages, shorter than a 1-day step."""
    m = Model("fast")
    m.delay("d", mean_days=1.0, stages=3, to=None)
    with pytest.raises(
        ModelError,
        match=r"'d\.stage1': each delay stage lasts 0\.3333 days \(parameter 'd\.mean_days'.*"
        r"the step is 1\.0 days",
    ):
        run(m, n_steps=1, dt_days=1.0)


def test_delay_stage_shorter_than_step_in_one_draw():
    """A per-draw mean that makes only one draw's stages too short is still refused."""
    m = Model("fast")
    m.param("mean", 6.0, kind="positive")
    m.delay("d", mean_days="mean", stages=3, to=None)
    with pytest.raises(ModelError, match=r"each delay stage lasts 0\.5 days.*'mean'"):
        run(m, n_steps=1, params={"mean": np.array([6.0, 1.5, 9.0])})


def test_delay_stage_exactly_one_step_is_allowed():
    """A stage of exactly one step (mean 1.5, 3 stages, dt 0.5) is accepted and moves p=1."""
    m = Model("edge")
    d = m.delay("d", mean_days=1.5, stages=3, to=None, initial=3.0)
    m.describe("occ", units="people", long_name="occ")
    m.report("occ", stocks=d, at="end")
    ds = run(m, n_steps=3, dt_days=0.5)
    np.testing.assert_allclose(ds.occ.values[0], [2.0, 1.0, 0.0])


def test_delay_stages_must_be_a_positive_integer():
    """stages=0 (or a float) is refused, naming the delay and the value."""
    m = Model("bad")
    with pytest.raises(ModelError, match=r"delay 'd': stages = 0"):
        m.delay("d", mean_days=1.0, stages=0, to=None)
    with pytest.raises(ModelError, match=r"delay 'd': stages = 2\.0"):
        m.delay("d", mean_days=1.0, stages=2.0, to=None)  # type: ignore[arg-type]


# -- lookups --------------------------------------------------------------------------------


@pytest.mark.parametrize("xs", [[0.0, 2.0, 1.0], [1.0, 1.0]])
def test_lookup_xs_not_increasing(xs):
    """Table points must be strictly increasing; the message quotes them."""
    m = _chain()
    with pytest.raises(ModelError, match=re.escape(f"lookup 'f': xs {xs} must be strictly")):
        m.lookup("f", of=["a"], xs=xs, ys=[1.0] * len(xs))


def test_lookup_xs_ys_lengths_differ():
    """Tables with more xs than ys are refused."""
    m = _chain()
    with pytest.raises(ModelError, match=r"lookup 'f': xs and ys must have the same length"):
        m.lookup("f", of=["a"], xs=[0.0, 1.0], ys=[1.0])


# -- duplicate names ------------------------------------------------------------------------


def test_duplicate_stock_names():
    """Declaring stock 'a' twice is refused."""
    m = _chain()
    with pytest.raises(ModelError, match=r"stock 'a' is declared twice"):
        m.stock("a")


def test_delay_stage_colliding_with_stock():
    """A delay whose stage name is already a stock is refused."""
    m = Model("clash")
    m.stock("w[1]")
    with pytest.raises(ModelError, match=re.escape("stock 'w[1]' is declared twice")):
        m.delay("w", mean_days=2.0, stages=1, to=None)


def test_duplicate_operation_and_parameter_names():
    """Operation and parameter names must be unique too."""
    m = _chain()
    with pytest.raises(ModelError, match=r"operation 'ab' is declared twice"):
        m.outflow("ab", "b", rate_per_day=0.1, to=None)
    with pytest.raises(ModelError, match=r"parameter 'k' is declared twice"):
        m.param("k", 1.0)


# -- series ---------------------------------------------------------------------------------


def test_series_of_wrong_length():
    """A 5-value series for a 10-step run is refused, naming the series and the shapes."""
    with pytest.raises(ModelError, match=re.escape("series 'season': shape (5,), expected (10,)")):
        run(_chain(), n_steps=10, series={"season": np.ones(5)})


def test_per_draw_series_with_wrong_number_of_rows():
    """A (3, n_steps) series for a 2-draw batch is refused."""
    with pytest.raises(ModelError, match=r"series 'season': 3 rows for 2 draws"):
        run(_chain(), n_steps=4, n_draws=2, series={"season": np.ones((3, 4))})


def test_negative_series_value():
    """Series values must be >= 0."""
    with pytest.raises(ModelError, match=r"series 'season': values must be finite and >= 0"):
        run(_chain(), n_steps=3, series={"season": np.array([1.0, -1.0, 1.0])})


def test_unknown_series_override():
    """Giving a series the model does not declare names it."""
    with pytest.raises(ModelError, match=re.escape("unknown series ['seasn']")):
        run(_chain(), n_steps=3, series={"seasn": np.ones(3)})


def test_scalar_series_is_a_model_error():
    """A scalar where a per-step series is expected is a ModelError, not an IndexError."""
    with pytest.raises(ModelError, match=r"series 'season': shape \(\)"):
        run(_chain(), n_steps=3, series={"season": 2.0})


# -- run settings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_steps": 0}, "n_steps = 0: must be an integer >= 1"),
        ({"n_steps": 3, "dt_days": 0.0}, "dt_days = 0.0: must be > 0"),
        ({"n_steps": 3, "record_every": 0}, "record_every = 0: must be an integer >= 1"),
    ],
)
def test_bad_run_settings(kwargs, message):
    """Step count, step length and recording interval are validated with their values."""
    with pytest.raises(ModelError, match=re.escape(message)):
        run(_chain(), **kwargs)


def test_infinite_rate_with_series_or_lookup_is_refused():
    """An infinite-rate (move everything) outflow cannot silently drop a series or lookup."""
    m = Model("hub")
    m.stock("hub", same_step=True)
    m.series("season")
    with pytest.raises(ModelError, match=r"outflow 'drain': an infinite rate .* no series"):
        m.outflow("drain", "hub", rate_per_day=math.inf, to=None, series="season")
