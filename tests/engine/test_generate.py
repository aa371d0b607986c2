"""The kernel generated per model (``sim/engines/stockflow/generate.py``) against the
interpreter (``kernels.simulate_block``): the same reports and final stocks, bit for bit
(``np.array_equal``), on the yardstick model of ``benchmarks/yardstick.py``, on random chains of
the reference tests' segments (every kind of operation, both capacity conventions, fill times,
per-day capacities, hubs, drains, series and lookups, every report statistic) with random
parameter values, steps and recording periods, and on a model of the features those chains
lack (a following capacity, ``first`` transfers, two transfers sharing a capacity, lookups on
occupancy and on a transfer, linear lookup and limit reports, lookup-weighted flows).

Parameters are inputs of a generated kernel, not part of its source, so each structure here is
compiled once (and loaded from the disk cache on later runs of the suite).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest
import test_reference as chains

from sim.engines.stockflow import Model, ModelError, compile_model, engine, generate, run_arrays
from sim.engines.stockflow.compile import CompiledModel
from sim.engines.stockflow.engine import RunOutput

YARDSTICK = Path(__file__).resolve().parents[2] / "benchmarks" / "yardstick.py"


def both(compiled: CompiledModel, params: np.ndarray, **kwargs) -> tuple[RunOutput, RunOutput]:
    """One draw run by the interpreter and by the generated kernel."""
    a = run_arrays(compiled, params, kernel="interpreter", **kwargs)
    b = run_arrays(compiled, params, kernel="generated", **kwargs)
    return a, b


def assert_identical(a: RunOutput, b: RunOutput, what: str = "") -> None:
    """Every report of every period, the float64 ledger and every final stock equal, bit
    for bit."""
    assert a.reports.dtype == b.reports.dtype
    bad = [cell for r, cell in enumerate(a.compiled.report_index)
           if not np.array_equal(a.reports[:, r], b.reports[:, r])]  # fmt: skip
    assert not bad, (what, bad[:5])
    assert np.array_equal(a.ledger, b.ledger), what
    assert np.array_equal(a.final, b.final), what


def test_yardstick_model_is_bit_for_bit_the_interpreters():
    """The benchmark's 30-stock model (competing hazards, delays with losses, a lookup on bed
    occupancy, start-of-step capacities with a fill time, a per-day capacity, series), two
    years, three parameter draws run one at a time."""
    spec = importlib.util.spec_from_file_location("yardstick_model", YARDSTICK)
    assert spec is not None and spec.loader is not None
    ys = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ys)
    compiled = compile_model(ys.declare())
    n = 730
    z = compiled.series_array(ys.series(n), n, 1)
    params = ys.engine_params(compiled, ys.draw_params(3, np.random.default_rng(1)))
    for i in range(3):
        a, b = both(compiled, params[i : i + 1], n_steps=n, series=z, record_every=30)
        assert_identical(a, b, f"draw {i}")
        assert a.reports[0, 0, -1] > 0  # people in the model: not a vacuous comparison


STRUCTURES = {
    # kind, number of hazards, stages, per-day, convention, fill time, overflow, seasonal,
    # pressured (the segments of tests/engine/test_reference.py, declared from the end)
    "hazards, same-step ward, delay, per-day ward": [
        ("hazards", 3, 1, False, "same_step", True, False, True, True),
        ("ward", 1, 2, False, "same_step", True, True, True, False),
        ("delay", 1, 2, False, "same_step", False, False, True, False),
        ("ward", 1, 1, True, "same_step", False, True, False, False),
    ],
    "hub, start-of-step wards, hazards, delay": [
        ("hub", 1, 1, False, "same_step", False, False, False, False),
        ("ward", 2, 3, False, "start_of_step", False, False, False, False),
        ("hazards", 2, 1, False, "same_step", False, False, False, True),
        ("delay", 1, 3, False, "same_step", False, False, False, False),
        ("ward", 1, 2, False, "start_of_step", True, True, True, False),
    ],
}


def _value(rng: np.random.Generator, lo: float, hi: float, edges: tuple[float, ...]) -> float:
    """A uniform value, or one of the edge values one time in four."""
    if edges and rng.random() < 0.25:
        return float(rng.choice(edges))
    return float(rng.uniform(lo, hi))


def random_chain(structure: str, rng: np.random.Generator) -> tuple[Model, float]:
    """A chain of the given structure with random values (rates 0, shares 0 or 1, limits 0,
    stages of exactly one step included); and its inflow."""
    segs = []
    for kind, n_rates, stages, per_day, conv, fill, overflow, seasonal, pressured in STRUCTURES[
        structure
    ]:
        segs.append(
            chains.Segment(
                kind=kind,
                rates=tuple(_value(rng, 0.0, 3.0, (0.0,)) for _ in range(n_rates)),
                mean_days=_value(rng, stages, 20.0, (float(stages),)),
                stages=stages,
                share=_value(rng, 0.0, 1.0, (0.0, 1.0)),
                limit=_value(rng, 0.0, 500.0, (0.0,)),
                per_day=per_day,
                convention=conv,
                fill_time=_value(rng, 0.1, 5.0, ()) if fill else None,
                fraction=_value(rng, 0.0, 1.0, (1.0,)),
                overflow=overflow,
                seasonal=seasonal,
                pressured=pressured,
                initial=_value(rng, 0.0, 1e4, (0.0,)),
            )
        )
    inflow = _value(rng, 0.0, 1e3, (0.0,))
    model = chains.build(segs, inflow)
    # Every fifth of the per-stock and per-operation reports (statistics in rotation; the
    # ledger, the final stocks and the other reports stay): half the source to compile.
    model.reports = [
        r for i, r in enumerate(model.reports) if r.var not in ("stock", "flow") or i % 5 == 0
    ]
    return model, inflow


@pytest.mark.parametrize("structure", list(STRUCTURES))
def test_random_chains_are_bit_for_bit_the_interpreters(structure):
    """Eight random value sets of one structure, each at a random step (1, 1/2 or 1/4 day)
    and recording period (1, 3 or 7 steps); all use one generated kernel."""
    rng = np.random.default_rng(sum(map(ord, structure)))
    names = set()
    for case in range(8):
        model, _ = random_chain(structure, rng)
        compiled = compile_model(model)
        names.add(generate.kernel_name(compiled))
        dt = float(rng.choice([1.0, 0.5, 0.25]))
        n = 40
        z = compiled.series_array({"season": chains.season(n)}, n, 1)
        a, b = both(
            compiled,
            compiled.param_matrix(),
            n_steps=n,
            series=z,
            dt_days=dt,
            record_every=int(rng.choice([1, 3, 7])),
        )
        assert_identical(a, b, f"case {case}, dt {dt}")
    assert len(names) == 1  # parameter values are not in the generated source


def feature_model() -> Model:
    """What the chains lack: a capacity following its occupancy, a ``first`` transfer and a
    later one sharing its capacity, a transfer scaled by a lookup of occupancy per limit,
    reports of lookups and limits (means, so accumulated per period), flows weighted by a
    lookup, demands, rooms, and levels at their extremes."""
    m = Model("features")
    m.series("season")
    m.stock("queue", 40.0, same_step=True)
    m.stock("referrals", 15.0)
    home = m.stock("home", 90.0)
    rehab = m.delay("rehab", 12.0, 2, to=None, initial=30.0)
    m.inflow("arrivals", "queue", 6.0, series="season")
    m.inflow("referred", "referrals", 2.5)
    m.capacity(
        "places",
        m.param("places", 120.0),
        stocks=[home],
        follow_occupancy=m.param("target", 0.85, kind="positive"),
        lag_days=m.param("lag", 20.0, kind="positive"),
        series="season",
    )
    m.capacity("gym", 35.0, stocks=rehab, fill_time_days=2.0)
    m.lookup(
        "crowding", of=["places"], xs=[0.5, 0.9, 1.0], ys=[1.0, 0.6, 0.2], per_capacity="places"
    )
    m.lookup("load", of={"queue": 1.0, "referrals": 0.5}, xs=[0.0, 100.0], ys=[0.8, 1.4])
    m.transfer("board_round", "gym", [("referrals", rehab[0])], fraction_per_day=0.3, first=True)
    m.transfer("admit", "places", [("queue", home)], fraction_per_day=0.5, lookup="crowding")
    m.transfer("step_down", "gym", [("queue", rehab[0])], fraction_per_day=0.2)
    m.outflow("leave", home, 0.02, to="queue")
    m.outflow("die", home, 0.001, to=None, exit="death", lookup="load")
    m.outflow("give_up", "referrals", 0.05, to=None)
    m.outflow("elsewhere", "queue", math.inf, to=None)
    for var, units in (("lk", "1"), ("lim", "places"), ("flows", "people"), ("lv", "people")):
        m.describe(var, units=units, long_name=var)
    m.report("lk", lookup="crowding", coords={"x": "crowding mean"})
    m.report("lk", lookup="load", at="max", coords={"x": "load max"})
    m.report("lim", capacity="places", coords={"x": "places mean"})
    m.report("lim", capacity="gym", at="min", coords={"x": "gym min"})
    m.report("lim", room="gym", coords={"x": "gym room mean"})
    m.report("lim", room="places", at="max", coords={"x": "places room max"})
    m.report("flows", flows=["admit"], lookup="crowding", coords={"x": "admit x crowding"})
    m.report("flows", flows={"leave": 2.0, "die": -1.0}, coords={"x": "weighted"})
    m.report("flows", demand=["admit", "step_down"], at="max", coords={"x": "demand max"})
    m.report("flows", flows=["board_round"], at="min", coords={"x": "board min"})
    m.report("lv", stocks=[home], at="max", coords={"x": "home max"})
    m.report("lv", stocks=rehab, at="min", coords={"x": "rehab min"})
    m.report("lv", stocks={"queue": 1.0, "referrals": 3.0}, at="end", coords={"x": "end"})
    return m


@pytest.mark.parametrize(("dt", "record_every"), [(1.0, 1), (0.5, 7), (0.25, 10)])
def test_feature_model_is_bit_for_bit_the_interpreters(dt, record_every):
    compiled = compile_model(feature_model())
    n = 120
    z = compiled.series_array({"season": chains.season(n)}, n, 1)
    a, b = both(compiled, compiled.param_matrix(), n_steps=n, series=z, dt_days=dt,
                record_every=record_every)  # fmt: skip
    assert_identical(a, b)


def tiny() -> Model:
    m = Model("tiny")
    m.stock("a", 100.0)
    m.inflow("in", "a", 3.0)
    m.outflow("out", "a", 0.1, to=None)
    m.describe("a", units="people", long_name="a")
    m.report("a", stocks=["a"], at="max")
    return m


def test_auto_compiles_only_once_single_runs_have_cost_as_much_and_reuses_the_disk_cache(
    tmp_path, monkeypatch
):
    """``kernel="auto"``: a model's first single run uses the interpreter and writes nothing;
    once its runs have spent the (here 1 ns) compile time, the generated kernel is compiled,
    cached on disk, gives the same results (float32 reports too), and a fresh import loads it
    from Numba's cache instead of compiling."""
    monkeypatch.setenv("SIM_KERNEL_CACHE", str(tmp_path))
    monkeypatch.setattr(engine, "_INTERPRETED_S", {})
    monkeypatch.setattr(generate, "COMPILE_FIXED_S", 1e-9)
    monkeypatch.setattr(generate, "COMPILE_PER_LINE_S", 0.0)
    monkeypatch.setattr(generate, "_LOADED", {})
    compiled = compile_model(tiny())
    P = compiled.param_matrix()
    calls = []
    load_kernel = generate.load_kernel

    def counted(c):
        calls.append(c)
        return load_kernel(c)

    monkeypatch.setattr(engine, "load_kernel", counted)
    first = run_arrays(compiled, P, n_steps=30, out_dtype=np.float32)
    assert not calls and not list(tmp_path.glob("sf_*.py"))
    second = run_arrays(compiled, P, n_steps=30, out_dtype=np.float32)
    assert len(calls) == 1 and len(list(tmp_path.glob("sf_*.py"))) == 1
    assert_identical(first, second)
    assert generate.is_ready(compiled)
    monkeypatch.setattr(generate, "_LOADED", {})  # as a new process would
    kernel = generate.load_kernel(compiled)
    run_arrays(compiled, P, n_steps=30, out_dtype=np.float32, kernel="generated")
    assert kernel.stats.cache_hits and not kernel.stats.cache_misses


def test_a_model_the_generator_refuses_runs_on_the_interpreter(monkeypatch):
    """A structure the generator does not write (a group with two delay exits, which no
    declaration makes) is refused: ``auto`` runs the interpreter, ``generated`` says why."""
    m = Model("two exits")
    stage = m.delay("d", 5.0, 1, to=None, initial=10.0)[0]
    m.outflow("h", stage, 4.0, to=None)
    m.describe("d", units="people", long_name="d")
    m.report("d", stocks=[stage])
    compiled = compile_model(m)
    kinds = compiled.arrays["op_kind"].copy()
    kinds[list(compiled.op_names).index("h")] = 2  # the hazard is now a second delay exit
    bad = dataclasses.replace(compiled, arrays={**compiled.arrays, "op_kind": kinds}, memo={})
    with pytest.raises(generate.GenerationError, match="two delay exits"):
        generate.kernel_source(bad)
    monkeypatch.setattr(engine, "_INTERPRETED_S", {})
    monkeypatch.setattr(generate, "COMPILE_FIXED_S", 0.0)
    P = bad.param_matrix()
    auto = [run_arrays(bad, P, n_steps=10) for _ in range(2)]
    interpreted = run_arrays(bad, P, n_steps=10, kernel="interpreter")
    assert_identical(auto[1], interpreted)
    with pytest.raises(ModelError, match="two delay exits"):
        run_arrays(bad, P, n_steps=10, kernel="generated")


def test_auto_keeps_the_interpreter_for_batches_and_large_models(monkeypatch):
    """No generation for a batch, nor for a model whose kernel would exceed ``MAX_LINES``."""
    monkeypatch.setattr(engine, "load_kernel", lambda c: pytest.fail("compiled a kernel"))
    monkeypatch.setattr(generate, "COMPILE_FIXED_S", 0.0)
    monkeypatch.setattr(generate, "COMPILE_PER_LINE_S", 0.0)
    compiled = compile_model(tiny())
    run_arrays(compiled, compiled.param_matrix(n_draws=2), n_steps=5)
    monkeypatch.setattr(generate, "MAX_LINES", 10)
    for _ in range(2):
        run_arrays(compiled, compiled.param_matrix(), n_steps=5)
    with pytest.raises(ModelError, match="single draw"):
        run_arrays(compiled, compiled.param_matrix(n_draws=2), n_steps=5, kernel="generated")
    with pytest.raises(ModelError, match="kernel"):
        run_arrays(compiled, compiled.param_matrix(), n_steps=5, kernel="fast")


def test_literals_read_back_exactly():
    """Weights and scales are written into the source as literals that parse to the same
    float (including the infinities and negative zero)."""
    for v in (0.1, 1 / 3, -2.5e-310, 1e300, -0.0, math.inf, -math.inf, 7.0):
        text = generate._lit(v)
        back = eval(text, {"math": math})  # noqa: S307 - our own literal
        assert back == v and math.copysign(1, back) == math.copysign(1, v), text


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
