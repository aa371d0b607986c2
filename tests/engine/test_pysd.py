"""The stock-flow engine against PySD on Vensim models of our own (``tests/engine/vensim/``).

Each ``.mdl`` is a small Vensim model written with the engine's conventions spelled out in
Vensim's own terms: hazards as ``x (1 - EXP(-k TIME STEP)) / TIME STEP`` (competing hazards
sharing one exponential), transfer fractions per day as ``1 - (1 - f)^TIME STEP``, Erlang
stages as ``stage x stages / mean`` (Euler, as the engine's delay), and capacities as Vensim
writes them: ``MIN(demand, MAX(0, cap - occupied) / fill time)`` on the levels at the start of
the step. The engine runs the same model declared with ``convention="start_of_step"``; PySD
translates and integrates the ``.mdl`` (Euler). Levels, flows and totals agree to 1e-9
relative at every step.

PySD comes with the ``test`` and ``bench`` extras; without it these tests are skipped.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from sim.engines.stockflow import Model, run

pytestmark = pytest.mark.slow  # PySD translates and runs each Vensim model

pysd = pytest.importorskip("pysd")

VENSIM = Path(__file__).parent / "vensim"
PI = 3.14159265358979  # as written in the .mdl files
RTOL = 1e-9


def pysd_run(name: str, tmp_path: Path):
    """Translate ``vensim/<name>.mdl`` (in a temporary copy) and run it; a DataFrame by time."""
    mdl = tmp_path / f"{name}.mdl"
    shutil.copy(VENSIM / f"{name}.mdl", mdl)
    return pysd.read_vensim(str(mdl)).run()


def describe(m: Model, *names: str) -> None:
    for name in names:
        m.describe(name, units="people", long_name=name)


def compare(engine: np.ndarray, vensim: np.ndarray, what: str) -> None:
    scale = max(1.0, float(np.abs(vensim).max()))
    np.testing.assert_allclose(engine, vensim, rtol=RTOL, atol=RTOL * scale, err_msg=what)


def levels(df, column: str) -> np.ndarray:
    """A Vensim level at the end of each step (PySD's rows from the second on)."""
    return df[column].to_numpy()[1:]


def flows(df, column: str, dt: float) -> np.ndarray:
    """A Vensim rate per day as people moved in each step (rows but the last, x TIME STEP)."""
    return df[column].to_numpy()[:-1] * dt


def test_capacity_limited_ward_agrees_with_pysd(tmp_path):
    """ward.mdl: queue, reneging, admission to free beds (start of step, fill time 2 days)."""
    df = pysd_run("ward", tmp_path)
    dt, n = 0.5, 120
    ds = run(ward_model("start_of_step"), n_steps=n, dt_days=dt)
    r = {v: ds[v].values[0] for v in ("queue", "occupied", "admitted", "reneged", "stage3")}
    compare(r["queue"], levels(df, "queue"), "queue")
    compare(r["occupied"], levels(df, "occupied beds"), "occupied beds")
    compare(r["stage3"], levels(df, "stage 3"), "stage 3")
    compare(r["admitted"], flows(df, "admissions", dt), "admissions")
    compare(r["reneged"], flows(df, "reneging", dt), "reneging")
    # The beds bind: admissions fall short of demand, and settle where discharges (occupied / 6
    # a day) equal the free beds filled over 2 days, (40 - occupied) / 2: 30 beds.
    assert (flows(df, "admissions", dt) < flows(df, "desired admissions", dt) - 1).all()
    assert levels(df, "occupied beds")[-1] == pytest.approx(30.0, rel=1e-6)
    # The same-step convention (beds freed in a step refilled in it) is a different model.
    same = run(ward_model("same_step"), n_steps=n, dt_days=dt)["occupied"].values[0]
    assert np.abs(same / levels(df, "occupied beds") - 1).max() > 0.01


def ward_model(convention: str) -> Model:
    """ward.mdl declared on the engine."""
    m = Model("ward")
    m.stock("queue", initial=50.0)
    m.inflow("arrivals", to="queue", rate_per_day=14.0)
    m.outflow("reneging", "queue", rate_per_day=0.1, to=None)
    ward = m.delay("stage", mean_days=6.0, stages=3, to=None, initial=15.0)
    m.capacity("beds", limit=40.0, stocks=ward, convention=convention, fill_time_days=2.0)
    m.transfer("admissions", capacity="beds", moves=[("queue", ward[0])])
    describe(m, "queue", "occupied", "admitted", "reneged", "stage3")
    m.report("queue", stocks=["queue"], at="end")
    m.report("occupied", stocks=ward, at="end")
    m.report("stage3", stocks=[ward[2]], at="end")
    m.report("admitted", flows=["admissions"])
    m.report("reneged", flows=["reneging"])
    return m


def test_delays_with_competing_deaths_and_a_delay3_agree_with_pysd(tmp_path):
    """delays.mdl: three stages each losing people to a competing death hazard, a DELAY3I
    follow-up, readmissions from home back into the stay; a seasonal admission rate.
    """
    df = pysd_run("delays", tmp_path)
    dt, n = 0.25, 360
    m = Model("delays")
    m.series("season")
    m.stock("home", initial=5000.0)
    follow = m.delay("follow", mean_days=12.0, stages=3, to="home")
    stay = m.delay("stay", mean_days=9.0, stages=3, to=follow[0], initial=90.0)
    for i, s in enumerate(stay):
        m.outflow(f"death{i + 1}", s, rate_per_day=0.02, to=None, exit="death")
    m.inflow("admissions", to=stay[0], rate_per_day=20.0, series="season")
    m.outflow("readmissions", "home", rate_per_day=0.002, to=stay[0])
    m.outflow("home_deaths", "home", rate_per_day=0.0005, to=None, exit="death")
    describe(m, "home", "stay", "stay1", "readmitted", "discharged")
    m.report("home", stocks=["home"], at="end")
    m.report("stay", stocks=stay, at="end")
    m.report("stay1", stocks=[stay[0]], at="end")
    m.report("readmitted", flows=["readmissions"])
    m.report("discharged", flows=["follow.stage3"])
    season = 1 + 0.3 * np.sin(2 * PI * dt * np.arange(n) / 30)
    ds = run(m, n_steps=n, dt_days=dt, series={"season": season})
    r = {v: ds[v].values[0] for v in ("home", "stay", "stay1", "readmitted", "discharged")}
    stay_v = sum(levels(df, f"stay {i}") for i in (1, 2, 3))
    compare(r["home"], levels(df, "home"), "home")
    compare(r["stay"], stay_v, "stay")
    compare(r["stay1"], levels(df, "stay 1"), "stay 1")
    compare(r["readmitted"], flows(df, "readmissions", dt), "readmissions")
    compare(r["discharged"], flows(df, "follow up", dt), "follow up (DELAY3I output)")
    deaths = sum(flows(df, f"death {i}", dt) for i in (1, 2, 3)) + flows(df, "home deaths", dt)
    compare(ds["deaths"].values[0], deaths, "deaths")


def test_lookups_and_a_per_day_capacity_agree_with_pysd(tmp_path):
    """lookups.mdl: arrivals scaled by a lookup of the queue, slots per day (seasonal) booked
    by a fraction per day, recoveries sped up by a lookup of the treated caseload.
    """
    df = pysd_run("lookups", tmp_path)
    dt, n = 0.5, 100
    m = Model("lookups")
    m.series("supply")
    m.stock("queue", initial=20.0)
    m.stock("treated")
    m.lookup("crowding", of=["queue"], xs=[0.0, 100.0, 200.0], ys=[1.0, 0.5, 0.2])
    m.lookup("pressure", of={"treated": 1 / 100}, xs=[0.0, 0.5, 1.0], ys=[1.0, 1.0, 1.5])
    m.inflow("arrivals", to="queue", rate_per_day=30.0, lookup="crowding")
    m.capacity("slots", limit=25.0, per_day=True, series="supply")
    m.transfer("bookings", capacity="slots", moves=[("queue", "treated")], fraction_per_day=0.4)
    m.outflow("recoveries", "treated", rate_per_day=0.25, to=None, lookup="pressure")
    describe(m, "queue", "treated", "booked", "arrived", "recovered")
    m.report("queue", stocks=["queue"], at="end")
    m.report("treated", stocks=["treated"], at="end")
    m.report("booked", flows=["bookings"])
    m.report("arrived", flows=["arrivals"])
    m.report("recovered", flows=["recoveries"])
    supply = 1 + 0.2 * np.cos(2 * PI * dt * np.arange(n) / 7)
    ds = run(m, n_steps=n, dt_days=dt, series={"supply": supply})
    r = {v: ds[v].values[0] for v in ("queue", "treated", "booked", "arrived", "recovered")}
    compare(r["queue"], levels(df, "queue"), "queue")
    compare(r["treated"], levels(df, "treated"), "treated")
    compare(r["booked"], flows(df, "bookings", dt), "bookings")
    compare(r["arrived"], flows(df, "arrivals", dt), "arrivals")
    compare(r["recovered"], flows(df, "recoveries", dt), "recoveries")
    slots = flows(df, "slots", dt)
    assert (flows(df, "bookings", dt) >= slots * (1 - 1e-12)).any()  # the slots bind
    assert df["treated"].max() > 50  # the pressure lookup is in its rising part
