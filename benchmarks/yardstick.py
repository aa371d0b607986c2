"""The stock-flow engine beside a hand-written Numba kernel and PySD, on one 30-stock model.

The test model is a small health system: nine age cohorts at home (births, ageing, deaths and
ED attendances as competing hazards, the ED rate seasonal), an ED queue (treated and sent home,
or admitted at 0.6 a day when a bed is free), an acute stay of six Erlang stages whose speed
rises with bed pressure (a lookup), patients waiting for rehabilitation (a capacity, weekday
starts), rehabilitation (four stages), 91-day-ish follow-up (four stages, each losing people to
readmission and death, competing with the stage exit), district nursing (four stages, referrals
rationed by a per-day capacity over three cohorts) and care homes: 30 stocks. Capacities use
the ``start_of_step`` (Vensim) convention, so the same model can be written for PySD.

Three implementations of it, checked against each other before any timing:

1. the engine (:func:`declare`), through ``run_arrays``: a batch on the generic kernel, a single
   run on the kernel generated for the model (``sim/engines/stockflow/generate.py``; the
   generic kernel's single run is timed too, and must give the same numbers bit for bit);
2. a hand-written Numba kernel (:func:`hand_draw`, batch :func:`hand_batch` with ``prange`` and
   single-run :func:`hand_single`): the same equations with the structure written into the code;
3. PySD on a Vensim ``.mdl`` of it (:func:`write_mdl`).

Usage (from the repo root)::

    PYTHONPATH=. python benchmarks/yardstick.py            # 1,000 draws x 10 years, 5 repeats
    PYTHONPATH=. python benchmarks/yardstick.py --quick    # 100 draws, 1 repeat

Writes ``benchmarks/results/yardstick-<date>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from numba import njit, prange

from sim.engines.stockflow import Model, compile_model, run_arrays

RESULTS = Path(__file__).resolve().parent / "results"
N_STEPS = 3650
RECORD = 365
SEED = 20250401

POP = (50e3, 60e3, 70e3, 65e3, 60e3, 50e3, 35e3, 20e3, 8e3)
ED = tuple(k / 5 for k in (8e-4, 6e-4, 7e-4, 8e-4, 1e-3, 1.4e-3, 2e-3, 3e-3, 4e-3))
DEATH = (1e-5, 5e-6, 1e-5, 2e-5, 4e-5, 1e-4, 3e-4, 8e-4, 2e-3)
AGEING = 1 / 3650
BIRTHS = 14.0
ED_HOME = 0.5  # ED attenders treated and sent home, per day
ADMIT = 0.6  # fraction per day of the ED queue asking for a bed
FILL = 1.0  # days to fill free beds
ACUTE_STAGES, REHAB_STAGES, FOLLOW_STAGES, DN_STAGES = 6, 4, 4, 4
PRESSURE_X, PRESSURE_Y = (0.85, 1.0), (1.0, 1.3)
AWAIT_DEATH, REHAB_START = 0.002, 0.25
REHAB_DAYS, FOLLOW_DAYS, DN_DAYS = 20.0, 30.0, 40.0
READMIT, FOLLOW_DEATH, CH_DEATH = 0.003, 0.001, 0.0008
DN_REFER, DN_SLOTS = 0.0005, 30.0
WEEKEND = 0.5
DEFAULTS = {"beds": 300.0, "acute_days": 8.0, "rehab_places": 120.0, "demand": 1.0}


# -- 1. the engine ---------------------------------------------------------------------------
def declare() -> Model:
    """The test model as an engine declaration."""
    m = Model("yardstick")
    m.series("winter")
    m.series("weekday")
    m.param("beds", DEFAULTS["beds"])
    m.param("acute_days", DEFAULTS["acute_days"], kind="positive")
    m.param("rehab_places", DEFAULTS["rehab_places"])
    home = [m.stock(f"home{i}", initial=POP[i]) for i in range(9)]
    ed = m.stock("ed", initial=20.0)
    m.stock("care_home", initial=500.0)
    follow = m.delay("follow", FOLLOW_DAYS, FOLLOW_STAGES, to=home[5], initial=800.0)
    dn = m.delay("dn", DN_DAYS, DN_STAGES, to=home[6], initial=1000.0)
    rehab = m.delay(
        "rehab", REHAB_DAYS, REHAB_STAGES, to={follow[0]: 0.8, "care_home": 0.2}, initial=100.0
    )
    m.stock("await", initial=20.0)
    acute = m.delay("acute", "acute_days", ACUTE_STAGES, lookup="pressure", exit="death",
                    to={follow[0]: 0.75, "await": 0.2, None: 0.05}, initial=250.0)  # fmt: skip
    beds = m.capacity("beds_cap", "beds", stocks=[*acute, "await"], convention="start_of_step",
                      fill_time_days=FILL)  # fmt: skip
    m.lookup("pressure", of=[beds], xs=PRESSURE_X, ys=PRESSURE_Y, per_capacity=beds)
    m.capacity("rehab_cap", "rehab_places", stocks=rehab, convention="start_of_step")
    m.capacity("dn_slots", DN_SLOTS, per_day=True)
    m.inflow("births", to=home[0], rate_per_day=BIRTHS)
    for i in range(9):
        m.outflow(f"ed_demand{i}", home[i], m.param(f"ed{i}", ED[i]), to=ed, series="winter")
        m.outflow(f"death{i}", home[i], DEATH[i], to=None, exit="death")
        if i < 8:
            m.outflow(f"ageing{i}", home[i], AGEING, to=home[i + 1])
    m.transfer("dn_referral", "dn_slots", [(home[i], dn[0]) for i in (6, 7, 8)],
               fraction_per_day=DN_REFER)  # fmt: skip
    m.outflow("ed_home", ed, ED_HOME, to=home[4])
    m.transfer("admit", "beds_cap", [(ed, acute[0])], fraction_per_day=ADMIT)
    m.outflow("await_death", "await", AWAIT_DEATH, to=None, exit="death")
    m.transfer("start_rehab", "rehab_cap", [("await", rehab[0])], fraction_per_day=REHAB_START,
               series="weekday")  # fmt: skip
    for k, s in enumerate(follow):
        m.outflow(f"readmit{k}", s, READMIT, to=ed)
        m.outflow(f"follow_death{k}", s, FOLLOW_DEATH, to=None, exit="death")
    m.outflow("ch_death", "care_home", CH_DEATH, to=None, exit="death")
    m.describe("occupied", units="beds", long_name="Occupied acute beds (mean)")
    m.describe("admissions", units="people", long_name="Admissions")
    m.report("occupied", stocks=[*acute, "await"])
    m.report("admissions", flows=["admit"])
    return m


def series(n_steps: int) -> dict[str, np.ndarray]:
    """Winter seasonality of ED demand and weekday rehabilitation starts, per daily step."""
    t = np.arange(n_steps)
    return {
        "winter": 1 + 0.15 * np.cos(2 * math.pi * (t - 15) / 365),
        "weekday": np.where(t % 7 < 5, 1.0, WEEKEND),
    }


def draw_params(n_draws: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Per-draw values: beds, acute stay, rehab places and an ED demand factor."""
    return {
        "beds": rng.uniform(260, 340, n_draws),
        "acute_days": rng.uniform(7, 9, n_draws),
        "rehab_places": rng.uniform(100, 140, n_draws),
        "demand": rng.uniform(0.9, 1.1, n_draws),
    }


def engine_params(compiled, values: dict[str, np.ndarray]) -> np.ndarray:
    named = {k: values[k] for k in ("beds", "acute_days", "rehab_places")}
    named.update({f"ed{i}": ED[i] * values["demand"] for i in range(9)})
    return compiled.param_matrix(named)


# -- 2. the hand-written kernel ----------------------------------------------------------------
@njit(cache=True, inline="always")
def _leave(x, k_sum, dt):
    """People leaving a stock under total hazard k_sum over a step."""
    return x * -math.expm1(-k_sum * dt)


@njit(cache=True, inline="always")
def _stage(x, p, k_sum, dt):
    """A delay stage with exit probability p competing with hazards k_sum: (exit, other)."""
    if k_sum == 0.0:
        return x * p, 0.0
    h = -math.log1p(-p) / dt
    total = x * (p + (1.0 - p) * -math.expm1(-k_sum * dt))
    return total * (h / (h + k_sum)), total * (k_sum / (h + k_sum))


@njit(cache=True)
def hand_draw(b, beds, acute_days, rehab_places, demand, winter, weekday, n_steps, out):
    """One draw of the test model; out[b] = (occupied mean, admissions, deaths, people) per year."""
    dt = 1.0
    home = np.array(POP)
    ed_k = np.empty(9)
    for i in range(9):
        ed_k[i] = ED[i] * demand[b]
    ed = 20.0
    ch = 500.0
    wait = 20.0
    acute = np.full(ACUTE_STAGES, 250.0 / ACUTE_STAGES)
    rehab = np.full(REHAB_STAGES, 100.0 / REHAB_STAGES)
    follow = np.full(FOLLOW_STAGES, 800.0 / FOLLOW_STAGES)
    dn = np.full(DN_STAGES, 1000.0 / DN_STAGES)
    p_rehab = dt * REHAB_STAGES / REHAB_DAYS
    p_follow = dt * FOLLOW_STAGES / FOLLOW_DAYS
    p_dn = dt * DN_STAGES / DN_DAYS
    new_home = np.empty(9)
    aged = np.empty(9)
    occ_acc = 0.0
    adm_acc = 0.0
    death_acc = 0.0
    for t in range(n_steps):
        occ = wait
        for s in range(ACUTE_STAGES):
            occ += acute[s]
        # lookup and rooms from the start of the step
        v = occ / beds[b] if beds[b] > 0 else math.inf
        if v <= PRESSURE_X[0]:
            speed = PRESSURE_Y[0]
        elif v >= PRESSURE_X[1]:
            speed = PRESSURE_Y[1]
        else:
            w = (v - PRESSURE_X[0]) / (PRESSURE_X[1] - PRESSURE_X[0])
            speed = PRESSURE_Y[0] + w * (PRESSURE_Y[1] - PRESSURE_Y[0])
        bed_room = max(0.0, beds[b] - occ) * min(1.0, dt / FILL)
        r_occ = 0.0
        for s in range(REHAB_STAGES):
            r_occ += rehab[s]
        rehab_room = max(0.0, rehab_places[b] - r_occ)
        # homes: competing hazards (ED demand seasonal), births; what is left can be referred
        to_ed = 0.0
        deaths = 0.0
        for i in range(9):
            k_ed = ed_k[i] * winter[t]
            k_age = AGEING if i < 8 else 0.0
            k_sum = k_ed + DEATH[i] + k_age
            gone = _leave(home[i], k_sum, dt)
            e = gone * (k_ed / k_sum)
            d = gone * (DEATH[i] / k_sum)
            aged[i] = gone * (k_age / k_sum)
            to_ed += e
            deaths += d
            home[i] -= e + d + aged[i]
        for i in range(9):
            new_home[i] = home[i]
        for i in range(8):
            new_home[i + 1] += aged[i]
        new_home[0] += BIRTHS * dt
        # DN referrals: three moves share the per-day slots
        want6 = home[6] * DN_REFER
        want7 = home[7] * DN_REFER
        want8 = home[8] * DN_REFER
        want = want6 + want7 + want8
        room = DN_SLOTS * dt
        ration = 1.0 if want <= room else room / want
        ref = (want6 + want7 + want8) * ration
        new_home[6] -= want6 * ration
        new_home[7] -= want7 * ration
        new_home[8] -= want8 * ration
        # ED: sent home (hazard), then admission to free beds
        sent = _leave(ed, ED_HOME, dt)
        left = ed - sent
        want_adm = left * ADMIT
        adm = want_adm if want_adm <= bed_room else bed_room
        new_ed = ed - sent - adm
        new_home[4] += sent
        # acute stages, sped up by pressure
        p_acute = dt * speed / (acute_days[b] / ACUTE_STAGES)
        if p_acute > 1.0:
            p_acute = 1.0
        new_acute = acute.copy()
        for s in range(ACUTE_STAGES):
            out_s = acute[s] * p_acute
            new_acute[s] -= out_s
            if s + 1 < ACUTE_STAGES:
                new_acute[s + 1] += out_s
            else:
                to_follow = out_s * 0.75
                to_wait = out_s * 0.2
                died = out_s - to_follow - to_wait
                deaths += died
        new_acute[0] += adm
        # waiting: death hazard, then rehab starts (weekday)
        w_dead = _leave(wait, AWAIT_DEATH, dt)
        w_left = wait - w_dead
        want_r = w_left * min(1.0, REHAB_START * weekday[t])
        start = want_r if want_r <= rehab_room else rehab_room
        new_wait = wait - w_dead - start + to_wait
        deaths += w_dead
        # rehab stages
        new_rehab = rehab.copy()
        for s in range(REHAB_STAGES):
            out_s = rehab[s] * p_rehab
            new_rehab[s] -= out_s
            if s + 1 < REHAB_STAGES:
                new_rehab[s + 1] += out_s
            else:
                r_follow = out_s * 0.8
                r_ch = out_s - r_follow
        new_rehab[0] += start
        # follow-up stages: exit competing with readmission and death
        new_follow = follow.copy()
        for s in range(FOLLOW_STAGES):
            ex, other = _stage(follow[s], p_follow, READMIT + FOLLOW_DEATH, dt)
            readm = other * (READMIT / (READMIT + FOLLOW_DEATH))
            fd = other * (FOLLOW_DEATH / (READMIT + FOLLOW_DEATH))
            new_follow[s] -= ex + readm + fd
            if s + 1 < FOLLOW_STAGES:
                new_follow[s + 1] += ex
            else:
                new_home[5] += ex
            new_ed += readm
            deaths += fd
        new_follow[0] += to_follow + r_follow
        # district nursing stages
        new_dn = dn.copy()
        for s in range(DN_STAGES):
            out_s = dn[s] * p_dn
            new_dn[s] -= out_s
            if s + 1 < DN_STAGES:
                new_dn[s + 1] += out_s
            else:
                new_home[6] += out_s
        new_dn[0] += ref
        ch_dead = _leave(ch, CH_DEATH, dt)
        ch = ch - ch_dead + r_ch
        deaths += ch_dead
        new_ed += to_ed
        # commit
        for i in range(9):
            home[i] = new_home[i]
        ed = new_ed
        wait = new_wait
        acute[:] = new_acute
        rehab[:] = new_rehab
        follow[:] = new_follow
        dn[:] = new_dn
        occ_end = wait
        for s in range(ACUTE_STAGES):
            occ_end += acute[s]
        occ_acc += occ_end
        adm_acc += adm
        death_acc += deaths
        if (t + 1) % RECORD == 0:
            y = t // RECORD
            people = ed + ch + wait
            for i in range(9):
                people += home[i]
            for s in range(ACUTE_STAGES):
                people += acute[s]
            for s in range(REHAB_STAGES):
                people += rehab[s] + follow[s] + dn[s]
            out[b, 0, y] = occ_acc / RECORD
            out[b, 1, y] = adm_acc
            out[b, 2, y] = death_acc
            out[b, 3, y] = people
            occ_acc = 0.0
            adm_acc = 0.0
            death_acc = 0.0


@njit(parallel=True, cache=True)
def hand_batch(beds, acute_days, rehab_places, demand, winter, weekday, n_steps, out):
    """The hand-written kernel over a batch of draws (``prange``)."""
    for b in prange(beds.shape[0]):
        hand_draw(b, beds, acute_days, rehab_places, demand, winter, weekday, n_steps, out)


@njit(cache=True)
def hand_single(beds, acute_days, rehab_places, demand, winter, weekday, n_steps, out):
    """The hand-written kernel for one draw on the calling thread."""
    for b in range(beds.shape[0]):
        hand_draw(b, beds, acute_days, rehab_places, demand, winter, weekday, n_steps, out)


def run_hand(kernel, values: dict[str, np.ndarray], z: dict[str, np.ndarray]) -> np.ndarray:
    n = values["beds"].shape[0]
    out = np.zeros((n, 4, N_STEPS // RECORD))
    kernel(values["beds"], values["acute_days"], values["rehab_places"], values["demand"],
           z["winter"], z["weekday"], N_STEPS, out)  # fmt: skip
    return out


# -- 3. the same model in Vensim, for PySD -----------------------------------------------------
def write_mdl(path: Path, values: dict[str, float]) -> None:
    """Write the test model as a Vensim ``.mdl`` (the engine's conventions written out)."""
    eqs: list[tuple[str, str]] = []
    add = lambda name, expr: eqs.append((name, expr))  # noqa: E731
    ts = "TIME STEP"
    add("winter", "1 + 0.15 * COS(2 * 3.14159265358979 * (Time - 15) / 365)")
    add("weekday", f"IF THEN ELSE(MODULO(Time, 7) < 5, 1, {WEEKEND})")
    add("beds", repr(values["beds"]))
    add("acute days", repr(values["acute_days"]))
    add("rehab places", repr(values["rehab_places"]))
    add("occupied", " + ".join([f"acute {s}" for s in range(ACUTE_STAGES)] + ["waiting"]))
    add("speed", "pressure(occupied / beds)")
    for i in range(9):
        k_age = AGEING if i < 8 else 0.0
        add(f"k ed {i}", f"{ED[i] * values['demand']!r} * winter")
        add(f"k all {i}", f"k ed {i} + {DEATH[i]!r} + {k_age!r}")
        add(f"gone {i}", f"home {i} * (1 - EXP(-k all {i} * {ts})) / {ts}")
        add(f"ed demand {i}", f"gone {i} * k ed {i} / k all {i}")
        add(f"home death {i}", f"gone {i} * {DEATH[i]!r} / k all {i}")
        add(f"ageing {i}", f"gone {i} * {k_age!r} / k all {i}")
    for i in (6, 7, 8):
        add(
            f"dn want {i}", f"(home {i} - gone {i} * {ts}) * (1 - (1 - {DN_REFER!r}) ^ {ts}) / {ts}"
        )
        add(f"dn referral {i}", f"dn want {i} * dn ration")
    add("dn ration", f"MIN(1, {DN_SLOTS!r} / (dn want 6 + dn want 7 + dn want 8))")
    for i in range(9):
        ins = ["births"] if i == 0 else [f"ageing {i - 1}"]
        ins += {4: ["ed sent"], 5: [f"follow out {FOLLOW_STAGES - 1}"],
                6: [f"dn out {DN_STAGES - 1}"]}.get(i, [])  # fmt: skip
        outs = [f"ed demand {i}", f"home death {i}", f"ageing {i}"]
        outs += [f"dn referral {i}"] if i >= 6 else []
        add(f"home {i}", f"INTEG({' + '.join(ins)} - {' - '.join(outs)}, {POP[i]!r})")
    add("births", repr(BIRTHS))
    add("ed sent", f"ed * (1 - EXP(-{ED_HOME!r} * {ts})) / {ts}")
    add("desired admissions", f"(ed - ed sent * {ts}) * (1 - (1 - {ADMIT!r}) ^ {ts}) / {ts}")
    add("admissions", f"MIN(desired admissions, MAX(0, beds - occupied) / {FILL!r})")
    readm = " + ".join(f"readmit {s}" for s in range(FOLLOW_STAGES))
    dem = " + ".join(f"ed demand {i}" for i in range(9))
    add("ed", f"INTEG({dem} + {readm} - ed sent - admissions, 20)")
    n_a = ACUTE_STAGES
    for s in range(n_a):
        inflow = "admissions" if s == 0 else f"acute out {s - 1}"
        add(f"acute {s}", f"INTEG({inflow} - acute out {s}, {250 / n_a!r})")
        add(f"acute out {s}",
            f"MIN(acute {s} / {ts}, acute {s} * speed * {n_a} / acute days)")  # fmt: skip
    last = f"acute out {n_a - 1}"
    add("to follow", f"{last} * 0.75")
    add("to waiting", f"{last} * 0.2")
    add("acute deaths", f"{last} - to follow - to waiting")
    add("waiting death", f"waiting * (1 - EXP(-{AWAIT_DEATH!r} * {ts})) / {ts}")
    add("desired starts", f"(waiting - waiting death * {ts}) * (1 - (1 - MIN(1, "
        f"{REHAB_START!r} * weekday)) ^ {ts}) / {ts}")  # fmt: skip
    r_occ = " + ".join(f"rehab {s}" for s in range(REHAB_STAGES))
    add("rehab starts", f"MIN(desired starts, MAX(0, rehab places - ({r_occ})) / {ts})")
    add("waiting", "INTEG(to waiting - waiting death - rehab starts, 20)")
    for name, n, days, first, init in (
        ("rehab", REHAB_STAGES, REHAB_DAYS, "rehab starts", 100.0),
        ("dn", DN_STAGES, DN_DAYS, "dn referral 6 + dn referral 7 + dn referral 8", 1000.0),
    ):
        for s in range(n):
            inflow = first if s == 0 else f"{name} out {s - 1}"
            add(f"{name} {s}", f"INTEG({inflow} - {name} out {s}, {init / n!r})")
            add(f"{name} out {s}", f"{name} {s} * {n} / {days!r}")
    add("rehab home", f"rehab out {REHAB_STAGES - 1} * 0.8")
    add("rehab care home", f"rehab out {REHAB_STAGES - 1} - rehab home")
    k_f = READMIT + FOLLOW_DEATH
    add("p follow", f"{ts} * {FOLLOW_STAGES} / {FOLLOW_DAYS!r}")
    add("h follow", f"-LN(1 - p follow) / {ts}")
    add(
        "follow share", f"(1 - (1 - p follow) * EXP(-{k_f!r} * {ts})) / {ts} / (h follow + {k_f!r})"
    )
    for s in range(FOLLOW_STAGES):
        inflow = "to follow + rehab home" if s == 0 else f"follow out {s - 1}"
        add(f"follow {s}", f"INTEG({inflow} - follow out {s} - readmit {s} - follow death {s}, "
            f"{800 / FOLLOW_STAGES!r})")  # fmt: skip
        add(f"follow out {s}", f"follow {s} * follow share * h follow")
        add(f"readmit {s}", f"follow {s} * follow share * {READMIT!r}")
        add(f"follow death {s}", f"follow {s} * follow share * {FOLLOW_DEATH!r}")
    add("care home death", f"care home * (1 - EXP(-{CH_DEATH!r} * {ts})) / {ts}")
    add("care home", "INTEG(rehab care home - care home death, 500)")
    body = "{UTF-8}\n"
    xs, ys = PRESSURE_X, PRESSURE_Y
    body += (f"pressure(\n\t[({xs[0]},{ys[0]})-({xs[1]},{ys[1]})],({xs[0]},{ys[0]}),"
             f"({xs[1]},{ys[1]}))\n\t~\tdmnl\n\t~\t\n\t|\n\n")  # fmt: skip
    for name, expr in eqs:
        body += f"{name} = {expr}\n\t~\t\n\t~\t\n\t|\n\n"
    body += _CONTROL.format(final=N_STEPS)
    path.write_text(body)


_CONTROL = """
********************************************************
\t.Control
********************************************************~
\t\tSimulation Control Parameters
\t|

FINAL TIME  = {final}
\t~\tDay
\t~\t
\t|

INITIAL TIME  = 0
\t~\tDay
\t~\t
\t|

SAVEPER  = TIME STEP
\t~\tDay
\t~\t
\t|

TIME STEP  = 1
\t~\tDay
\t~\t
\t|

\\\\\\---/// Sketch information - do not modify anything except names
V300  Do not put anything below this section - it will be ignored
*View 1
$192-192-192,0,Times New Roman|12||0-0-0|0-0-0|0-0-255|-1--1--1|-1--1--1|96,96,100,0
///---\\\\\\
:L<%^E!@
"""


# -- the benchmark -----------------------------------------------------------------------------
def timed(fn, repeats: int, clock=time.perf_counter) -> list[float]:
    """Times of ``repeats`` calls of ``fn`` by ``clock``."""
    times = []
    for _ in range(repeats):
        t = clock()
        fn()
        times.append(clock() - t)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5, help="batch repeats (5)")
    parser.add_argument("--single-repeats", type=int, default=21, help="single-run repeats")
    parser.add_argument("--pysd-repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="100 draws, few repeats")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.quick:
        args.draws, args.repeats, args.single_repeats, args.pysd_repeats = 100, 1, 3, 1
    started = dt.datetime.now()
    load_before = os.getloadavg()
    compiled = compile_model(declare())
    vals = draw_params(args.draws, np.random.default_rng(SEED))
    z = series(N_STEPS)
    zc = compiled.series_array(z, N_STEPS, 1)
    P = engine_params(compiled, vals)
    one = {k: v[:1].copy() for k, v in vals.items()}
    P1 = P[:1].copy()

    def engine(params, kernel="auto"):
        return run_arrays(
            compiled, params, n_steps=N_STEPS, series=zc, record_every=RECORD, kernel=kernel
        )

    # Warm up (compile or load every kernel), then check the three agree. The single run's
    # generated kernel is compiled (or loaded from the disk cache) here; after that the
    # default single run (kernel="auto") uses it.
    t = time.perf_counter()
    eng = engine(P).reports[:, [4, 5, 3, 0], :]
    interpreted = engine(P1, "interpreter")
    t_gen = time.perf_counter()
    generated = engine(P1, "generated")
    generated_warmup = time.perf_counter() - t_gen
    hand = run_hand(hand_batch, vals, z)
    run_hand(hand_single, one, z)
    warmup = time.perf_counter() - t
    hand_diff = float(np.max(np.abs(hand / eng - 1)))
    assert hand_diff < 1e-9, hand_diff
    assert np.array_equal(generated.reports, interpreted.reports)
    assert np.array_equal(generated.final, interpreted.final)
    assert np.array_equal(generated.reports, engine(P[:1].copy()).reports)

    # Interleaved, so load hits both alike. The batch is timed by the wall clock and by the
    # process's CPU time (both threads); one run by the calling thread's CPU time, which
    # waiting for a busy core does not inflate.
    batch_e, batch_h, cpu_e, cpu_h = [], [], [], []
    for _ in range(args.repeats):
        batch_e += timed(lambda: engine(P), 1)
        batch_h += timed(lambda: run_hand(hand_batch, vals, z), 1)
        cpu_e += timed(lambda: engine(P), 1, time.process_time)
        cpu_h += timed(lambda: run_hand(hand_batch, vals, z), 1, time.process_time)
    single_e, single_h, single_i = [], [], []
    for _ in range(args.single_repeats):
        single_e += timed(lambda: engine(P1), 1, time.thread_time)
        single_h += timed(lambda: run_hand(hand_single, one, z), 1, time.thread_time)
        single_i += timed(lambda: engine(P1, "interpreter"), 1, time.thread_time)

    pysd_times, pysd_diff, translate_s = [], None, None
    try:
        import pysd
    except ImportError:
        pysd = None
    if pysd is not None:
        with tempfile.TemporaryDirectory() as tmp:
            mdl = Path(tmp) / "yardstick.mdl"
            write_mdl(mdl, {k: float(v[0]) for k, v in vals.items()})
            t = time.perf_counter()
            model = pysd.read_vensim(str(mdl))
            translate_s = time.perf_counter() - t
            for _ in range(args.pysd_repeats):
                t = time.perf_counter()
                df = model.run(return_columns=["occupied", "admissions"])
                pysd_times.append(time.perf_counter() - t)
        occ = df["occupied"].to_numpy()[1:].reshape(-1, RECORD).mean(axis=1)
        adm = df["admissions"].to_numpy()[:-1].reshape(-1, RECORD).sum(axis=1)
        pysd_diff = float(max(np.abs(occ / eng[0, 0] - 1).max(), np.abs(adm / eng[0, 1] - 1).max()))
        assert pysd_diff < 1e-9, pysd_diff
    load_after = os.getloadavg()

    med = statistics.median
    res = {
        "benchmark": "yardstick",
        "started": started.isoformat(timespec="seconds"),
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "load_average_before": load_before,
        "load_average_after": load_after,
        "n_stocks": compiled.n_stocks,
        "n_steps": N_STEPS,
        "warmup_s": warmup,
        "agreement_engine_hand_max_rel": hand_diff,
        "agreement_engine_pysd_max_rel": pysd_diff,
        "batch_engine_s": batch_e,
        "batch_hand_s": batch_h,
        "batch_engine_cpu_s": cpu_e,
        "batch_hand_cpu_s": cpu_h,
        "batch_engine_over_hand_cpu": med(cpu_e) / med(cpu_h),
        "single_engine_s": single_e,
        "single_hand_s": single_h,
        "single_interpreter_s": single_i,
        "single_generated_warmup_s": generated_warmup,
        "single_generated_equals_interpreter": True,
        "pysd_translate_s": translate_s,
        "pysd_run_s": pysd_times,
        "batch_engine_over_hand": med(batch_e) / med(batch_h),
        "single_engine_over_hand": med(single_e) / med(single_h),
        "single_interpreter_over_hand": med(single_i) / med(single_h),
        "pysd_over_engine_per_run": (med(pysd_times) / (med(batch_e) / args.draws))
        if pysd_times
        else None,
    }
    print(f"30-stock test model, {N_STEPS} daily steps; load {load_before[0]:.2f} -> "
          f"{load_after[0]:.2f}; agreement engine/hand {hand_diff:.1e}, "
          f"engine/PySD {pysd_diff}")  # fmt: skip
    print(f"batch of {args.draws}: engine {med(batch_e):.3f} s, hand-written {med(batch_h):.3f} s "
          f"-> engine / hand = {res['batch_engine_over_hand']:.2f} (CPU time "
          f"{res['batch_engine_over_hand_cpu']:.2f}; target <= 2)")  # fmt: skip
    print(f"one run (thread CPU time): engine {med(single_e) * 1e3:.2f} ms (generated kernel; "
          f"warm-up {generated_warmup:.2f} s), hand-written {med(single_h) * 1e3:.2f} ms -> "
          f"engine / hand = {res['single_engine_over_hand']:.2f} (target <= 2); the "
          f"interpreter {med(single_i) * 1e3:.2f} ms, "
          f"{res['single_interpreter_over_hand']:.2f}x hand")  # fmt: skip
    if pysd_times:
        print(f"PySD: {med(pysd_times):.2f} s a run (translation {translate_s:.1f} s); engine "
              f"{med(batch_e) / args.draws * 1e3:.2f} ms a run in the batch -> PySD / engine = "
              f"{res['pysd_over_engine_per_run']:.0f}x (target >= 1000)")  # fmt: skip
    suffix = "-quick" if args.quick else ""
    out = args.out or RESULTS / f"yardstick-{started.date().isoformat()}{suffix}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
