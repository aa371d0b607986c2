"""The engine's faster SimPy environment, rows, uniforms and episode log against plain SimPy
and plain NumPy: the same events in the same order, the same numbers.
"""

from __future__ import annotations

import gc
import math
import random

import numpy as np
import pytest
import simpy
import xarray as xr

from sim.engines.des.core import Environment, release
from sim.engines.des.monitors import Recorder
from sim.engines.des.sampling import (
    Arrivals,
    UniformStream,
    arrival_rows,
    poisson_counts,
    row_arrays,
)
from sim.jobs.load import load_config
from sim.place.patient import processes
from sim.place.patient.engine import run_replication
from sim.place.patient.inputs import prepare_inputs

from .helpers import run_patient

SHORT = ["run.horizon_years=0.0274"]  # ten days


def _mixed_model(env: simpy.Environment, trace: list) -> None:
    """Processes with ties, zero and long delays (many buckets), waits on other processes,
    conditions, interrupts, plain events and return values; every step goes to ``trace``.
    """
    rng = random.Random(3)
    gate = env.event()

    def worker(i: int):
        for k in range(6):
            delay = rng.choice([0.0, 0.25, 0.5, 1.0, 3.0, rng.random() * 40.0])
            yield env.timeout(delay)
            trace.append((env.now, "worker", i, k))
        return i * 10

    def waiter(i: int, target):
        value = yield target
        trace.append((env.now, "joined", i, value))
        fired = yield env.timeout(rng.random() * 5) | gate
        trace.append((env.now, "condition", i, len(fired.events)))

    def sleeper():
        try:
            yield env.timeout(100.0)
        except simpy.Interrupt as cause:
            trace.append((env.now, "interrupted", str(cause.cause)))
        yield env.timeout(0.5)

    def boss(victim):
        yield env.timeout(7.0)
        victim.interrupt("wake")
        yield env.timeout(2.0)
        gate.succeed("open")

    for i in range(40):
        w = env.process(worker(i))
        env.process(waiter(i, w))
    env.process(boss(env.process(sleeper())))


def _trace(env_class) -> tuple[list, int, float]:
    env = env_class()
    trace: list = []
    _mixed_model(env, trace)
    env.run(until=20.0)  # stop in the middle, then go on: the until event must not be lost
    trace.append((env.now, "paused"))
    env.run(until=30.0)
    trace.append((env.now, "paused"))
    env.run()
    return trace, next(env._eid), env.now


def test_environment_runs_a_model_exactly_as_simpy():
    """Same steps at the same times in the same order, same number of events scheduled."""
    ours, theirs = _trace(Environment), _trace(simpy.Environment)
    assert ours[0] == theirs[0]
    assert ours[1:] == theirs[1:]
    assert len(ours[0]) > 300


def _ties_at_one_time(env: simpy.Environment, trace: list) -> None:
    """Timeouts due exactly at t = 1 (in the heap since t = 0) among process starts, ends,
    granted events and an interrupt made at t = 1 (due now): all in SimPy's key order."""

    def child(i: int):
        trace.append(("child", i, env.now))
        yield env.timeout(0)
        trace.append(("child done", i, env.now))
        return i

    def parent(i: int):
        yield env.timeout(1.0)
        trace.append(("parent", i, env.now))
        value = yield env.process(child(i))
        trace.append(("joined", i, value, env.now))
        if not gate.triggered:
            gate.succeed(i)

    def sleeper():
        try:
            yield env.timeout(5.0)
        except simpy.Interrupt:
            trace.append(("interrupted", env.now))

    gate = env.event()
    gate.callbacks.append(lambda ev: trace.append(("gate", ev.value, env.now)))
    s = env.process(sleeper())
    for i in range(4):
        env.process(parent(i))
    env.timeout(1.0).callbacks.append(lambda ev: s.interrupt())


def test_environment_orders_events_due_now_as_simpy():
    traces = []
    for env_class in (Environment, simpy.Environment):
        env, trace = env_class(), []
        _ties_at_one_time(env, trace)
        env.run()
        traces.append((trace, next(env._eid)))
    assert traces[0] == traces[1]
    assert len(traces[0][0]) > 15


def test_environment_steps_and_peeks_across_buckets_as_simpy():
    def model(env, out):
        def p(i):
            yield env.timeout(0.3 * i + (5.0 if i % 3 else 0.0))
            out.append((env.now, i))

        for i in range(30):
            env.process(p(i))

    results = []
    for env_class in (Environment, simpy.Environment):
        env, out, peeks = env_class(), [], []
        model(env, out)
        while env.peek() < math.inf:
            peeks.append(env.peek())
            env.step()
        with pytest.raises(simpy.core.EmptySchedule):
            env.step()
        results.append((out, peeks))
    assert results[0] == results[1]


def test_environment_raises_failures_as_simpy():
    def bad(env):
        yield env.timeout(2.5)
        raise KeyError("boom")

    for env_class in (Environment, simpy.Environment):
        env = env_class()
        env.process(bad(env))
        with pytest.raises(KeyError):
            env.run()
        assert env.now == 2.5


def test_environment_checks_its_arguments():
    with pytest.raises(ValueError, match="power of two"):
        Environment(buckets_per_unit=3)
    with pytest.raises(ValueError, match=">= 0"):
        Environment(initial_time=-1.0)
    with pytest.raises(ValueError, match="Negative delay"):
        Environment().timeout(-1.0)


def test_the_place_on_the_engine_environment_equals_the_place_on_plain_simpy(monkeypatch):
    """Ten days of the default place, with the log, on plain SimPy and on the engine's
    environment: the same Dataset, the same event log, the same number of events."""
    ours, runs = run_patient(SHORT, keep_log=True)[:2]
    monkeypatch.setattr(processes, "Environment", simpy.Environment)
    plain, plain_runs = run_patient(SHORT, keep_log=True)[:2]
    xr.testing.assert_identical(ours, plain)
    assert runs[0].events == plain_runs[0].events > 10_000
    for name, column in plain_runs[0].log.items():
        np.testing.assert_array_equal(runs[0].log[name], column)


def test_a_replication_makes_no_cyclic_garbage(monkeypatch):
    """The collector is off during a replication, which is safe only if finished journeys are
    freed by reference counting: a collection at every midnight finds nothing to free."""
    found: list[int] = []
    read_day = Recorder.read_day

    def read_day_and_collect(self, day):
        read_day(self, day)
        found.append(gc.collect())

    monkeypatch.setattr(Recorder, "read_day", read_day_and_collect)
    run_patient(SHORT)
    assert len(found) == 10
    assert found[1:] == [0] * 9  # the first collection also frees what came before the run


def test_a_finished_replication_leaves_no_cycles_behind():
    """The journeys still running at the horizon are closed (``release``): dropping the
    replication frees them by reference counting; only the environment's own few objects
    (SimPy binds ``env.process`` and friends to it) are left for the collector."""
    cfg = load_config(["run.engine=patient", "run.draws=1", *SHORT])
    inputs = prepare_inputs(cfg)
    gc.collect()
    result = run_replication(inputs[0], cfg.run.seed, 0)
    assert result.events > 10_000
    assert gc.collect() < 20


def test_release_closes_processes_and_unhooks_their_events():
    env = Environment()
    closed: list[int] = []

    def waiter(i: int, ev: simpy.Event):
        try:
            yield ev | env.timeout(100.0 + i)
        finally:
            closed.append(i)

    gate = env.event()
    procs = [env.process(waiter(i, gate)) for i in range(3)]
    env.run(until=1.0)
    release(env, [gate])
    assert sorted(closed) == [0, 1, 2]
    assert not env._queue and not env._far
    assert gate.callbacks is None and all(p._target.callbacks is None for p in procs)


def test_poisson_counts_are_scipy_stats_poisson_ppf():
    from scipy import stats

    rng = np.random.default_rng(5)
    u = np.concatenate([[0.0, 1e-300, 0.5, 1 - 2**-53], rng.random(20_000)])
    means = rng.choice([0.0, 1e-9, 0.3, 7.0, 40.0, 900.0], 20_000)
    mean = np.concatenate([[3.0, 0.0, -1.0, 1e4], means])
    expected = np.where(
        mean > 0, np.nan_to_num(stats.poisson.ppf(u, np.where(mean > 0, mean, 1.0))), 0
    )
    np.testing.assert_array_equal(poisson_counts(u, mean), expected.astype(np.int64))


def test_uniform_stream_gives_the_generator_single_draws():
    a, b = np.random.default_rng(11), np.random.default_rng(11)
    stream = UniformStream(a, block=7)
    assert [stream() for _ in range(50)] == [float(b.random()) for _ in range(50)]


def test_row_arrays_hold_the_rows_values():
    block = np.random.default_rng(2).random((5, 3))
    rows = row_arrays(block)
    assert [list(r) for r in rows] == block.tolist()
    assert all(type(r[0]) is float for r in rows)


def test_arrival_rows_are_each_arrivals_row_of_its_days_draws():
    """Row ``index`` of the day's uniforms from the day's seed, filled, in arrival order,
    whatever the chunk of days filled together."""
    seeds = np.random.SeedSequence(5).spawn(9)
    day = np.array([0, 0, 2, 2, 2, 5, 8, 8])
    index = np.array([3, 0, 1, 4, 2, 0, 6, 1])
    arr = Arrivals(day + 0.5, np.zeros(8, int), day, index, np.zeros((8, 0)), seeds)
    fill = [lambda u: u[:, 1], lambda u: -np.log1p(-u[:, 0])]
    expected = []
    for d, k in zip(day.tolist(), index.tolist(), strict=True):
        u = np.random.Generator(np.random.PCG64(seeds[d])).random((k + 1, 2))[k]
        expected.append([u[1], -math.log1p(-u[0])])
    for chunk in (1, 3, 32):
        rows = [list(r) for r in arrival_rows(arr, 2, fill, days_per_chunk=chunk)]
        np.testing.assert_allclose(rows, expected, rtol=1e-15)


def test_episode_log_rows_come_in_the_order_episodes_ended_then_the_open_ones():
    rec = Recorder(2, 1, (), (), {}, keep_log=True)
    a = rec.begin(1, 0, "ed", 0.1)
    b = rec.begin(2, 1, "ambulance", 0.2)
    c = rec.begin(3, 0, "acute_beds", 0.3, 0.4)
    rec.start(a, 0.15)
    rec.end(b, 0.5, "conveyed", 0.3)
    rec.episode(4, 1, "same_day", 0.6, 0.6, 0.6, "home", 0.0)
    rec.end(a, 0.7, "home", 0.55)
    rec.finish(2.0)
    log = rec.log_arrays()
    assert log["patient"].tolist() == [2, 4, 1, 3]
    assert log["outcome"].tolist() == ["conveyed", "home", "home", "ongoing"]
    assert log["service"].tolist() == ["ambulance", "same_day", "ed", "acute_beds"]
    assert log["start"][2] == 0.15 and math.isnan(log["start"][0])
    assert log["end"].tolist() == [0.5, 0.6, 0.7, 2.0]
    assert math.isnan(log["duration"][3])
    assert c == 2
    empty = Recorder(2, 1, (), (), {}, keep_log=False).log_arrays()
    assert all(len(v) == 0 for v in empty.values())
    assert empty["patient"].dtype == np.int64 and empty["service"].dtype == object
