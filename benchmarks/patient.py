"""Patient-level engine benchmark: a bare M/M/c beside plain SimPy and Ciw, and a year of the
default place, in one sitting.

    PYTHONPATH=. python benchmarks/patient.py            # full (~3-5 min on 2 shared cores)
    PYTHONPATH=. python benchmarks/patient.py --quick    # smoke (~1 min)

M/M/c: lambda = 8 a day, mean stay 1 day, 10 servers (occupancy 0.8), the same number of
customers for all three implementations:

- **plain SimPy**: the textbook version (``simpy.Resource``, ``random.expovariate`` per draw,
  one generator per customer);
- **engine**: :func:`sim.engines.des.ward.run_ward` (named streams, bulk-sampled arrivals
  and stays, the engine's ``Pool`` and level monitors);
- **Ciw**: ``ciw.Simulation`` of the same network (``pip install -e ".[bench]"``).

A *model event* is one of arrival, start of service, departure: three per customer, the same
for all three, so events/s compare like with like. SimPy's own scheduled events are reported
too for the two SimPy-based ones. Overhead = engine time / plain SimPy time per customer.

Default place: the whole patient-level path of ``python -m sim run.engine=patient`` for one
year and one replication on one core (inputs from the stock-flow warm-up, the replication, the
Dataset), median of repeats; SimPy events/s of the replication itself, and their ratio to
plain SimPy's model events/s on the M/M/c (the issue 14 target: >= 1.0), by wall-clock time
and by CPU time of the process (less sensitive to other work on a shared machine).

Medians of interleaved repeats; the machine has 2 cores shared with other work, so the load
average before and after is recorded. Writes ``benchmarks/results/patient-<date>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import simpy

LAM, MEAN, C = 8.0, 1.0, 10


def plain_simpy(n_customers: int, seed: int) -> dict:
    rng = random.Random(seed)
    env = simpy.Environment()
    beds = simpy.Resource(env, C)
    waits = []

    def customer():
        t = env.now
        with beds.request() as req:
            yield req
            waits.append(env.now - t)
            yield env.timeout(rng.expovariate(1.0 / MEAN))

    def source():
        for _ in range(n_customers):
            yield env.timeout(rng.expovariate(LAM))
            env.process(customer())

    start, cpu = time.perf_counter(), time.process_time()
    env.process(source())
    env.run()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "cpu_seconds": time.process_time() - cpu,
            "customers": n_customers, "simpy_events": next(env._eid),
            "mean_wait": sum(waits) / len(waits)}  # fmt: skip


def engine(n_customers: int, seed: int) -> dict:
    from sim.engines.des.ward import run_ward

    horizon = n_customers / LAM
    start, cpu = time.perf_counter(), time.process_time()
    r = run_ward(LAM, MEAN, C, horizon, seed, 0)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "cpu_seconds": time.process_time() - cpu,
            "customers": r.arrivals, "simpy_events": r.events,
            "mean_wait": r.mean_wait}  # fmt: skip


def ciw_run(n_customers: int, seed: int) -> dict:
    import ciw

    horizon = n_customers / LAM
    net = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(LAM)],
        service_distributions=[ciw.dists.Exponential(1.0 / MEAN)],
        number_of_servers=[C],
    )
    start, cpu = time.perf_counter(), time.process_time()
    ciw.seed(seed)
    q = ciw.Simulation(net)
    q.simulate_until_max_time(horizon)
    recs = q.get_all_records()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "cpu_seconds": time.process_time() - cpu,
            "customers": len(recs), "simpy_events": None,
            "mean_wait": sum(r.waiting_time for r in recs) / max(len(recs), 1)}  # fmt: skip


def default_place_year() -> dict:
    from sim.jobs.load import load_config
    from sim.place.patient.dataset import to_dataset
    from sim.place.patient.engine import run_replication
    from sim.place.patient.inputs import prepare_inputs

    t0 = time.perf_counter()
    cfg = load_config(["run.engine=patient", "run.horizon_years=1", "run.draws=1"])
    inputs = prepare_inputs(cfg)
    t1, c1 = time.perf_counter(), time.process_time()
    r = run_replication(inputs[0], cfg.run.seed, 0)
    t2, c2 = time.perf_counter(), time.process_time()
    ds = to_dataset([r], inputs, cfg)
    t3 = time.perf_counter()
    return {
        "seconds": t3 - t0,
        "prepare_seconds": t1 - t0,
        "replication_seconds": t2 - t1,
        "replication_cpu_seconds": c2 - c1,
        "dataset_seconds": t3 - t2,
        "simpy_events": r.events,
        "simpy_events_per_s": r.events / (t2 - t1),
        "simpy_events_per_cpu_s": r.events / (c2 - c1),
        "emergency_admissions": float(ds["emergency_admissions"].sum()),
        "ed_type1_attendances": float(ds["ed_type1_attendances"].sum()),
    }


def median(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--customers", type=int, default=None)
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--place-repeats", type=int, default=None)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    n = args.customers or (50_000 if args.quick else 200_000)
    repeats = args.repeats or (1 if args.quick else 5)
    place_repeats = args.place_repeats or (1 if args.quick else 3)
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")
    load_before = os.getloadavg()
    rows = {"plain_simpy": [], "engine": [], "ciw": []}
    try:
        import ciw  # noqa: F401

        have_ciw = True
    except ImportError:
        have_ciw = False
        print("ciw is not installed (pip install -e '.[bench]'); skipping it")
    place = []
    for rep in range(max(repeats, place_repeats)):  # interleaved: a busy moment hits all alike
        if rep < repeats:
            rows["plain_simpy"].append(plain_simpy(n, 100 + rep))
            rows["engine"].append(engine(n, 100 + rep))
            if have_ciw and (rep < 3):
                rows["ciw"].append(ciw_run(n, 100 + rep))
        if rep < place_repeats:
            place.append(default_place_year())
    load_after = os.getloadavg()

    summary = {}
    print(f"M/M/c lambda={LAM}/day, mean stay {MEAN} day, c={C}; {n:,} customers; "
          f"median of {repeats} (Ciw: of {len(rows['ciw'])})")  # fmt: skip
    print(f"{'':14s}{'seconds':>9s}{'customers/s':>14s}{'model ev/s':>13s}{'SimPy ev/s':>13s}"
          f"{'mean wait':>11s}")  # fmt: skip
    for name, rs in rows.items():
        if not rs:
            continue
        sec = median(rs, "seconds")
        cust = statistics.median(r["customers"] for r in rs)
        simpy_ev = rs[0]["simpy_events"]
        cpu = median(rs, "cpu_seconds")
        summary[name] = {
            "seconds_median": sec,
            "cpu_seconds_median": cpu,
            "model_events_per_cpu_s": 3 * cust / cpu,
            "seconds_all": [r["seconds"] for r in rs],
            "customers": cust,
            "customers_per_s": cust / sec,
            "model_events_per_s": 3 * cust / sec,
            "simpy_events": simpy_ev,
            "simpy_events_per_s": None if simpy_ev is None else simpy_ev / sec,
            "mean_wait_days": statistics.median(r["mean_wait"] for r in rs),
        }
        s = summary[name]
        sev = f"{s['simpy_events_per_s']:13,.0f}" if simpy_ev else f"{'-':>13s}"
        print(f"{name:14s}{sec:9.3f}{s['customers_per_s']:14,.0f}{s['model_events_per_s']:13,.0f}"
              f"{sev}{s['mean_wait_days']:11.4f}")  # fmt: skip
    overhead = (summary["engine"]["seconds_median"] / summary["engine"]["customers"]) / (
        summary["plain_simpy"]["seconds_median"] / summary["plain_simpy"]["customers"]
    )
    print(f"engine overhead over plain SimPy (time per customer): {overhead:.2f}x "
          f"(target <= 1.5x)")  # fmt: skip
    p = {k: statistics.median(r[k] for r in place) for k in place[0]}
    print(
        f"default place, 1 year, 1 replication, 1 core: {p['seconds']:.1f} s "
        f"(inputs {p['prepare_seconds']:.1f} s, replication {p['replication_seconds']:.1f} s, "
        f"dataset {p['dataset_seconds']:.1f} s; target <= 30 s); "
        f"{p['simpy_events_per_s']:,.0f} SimPy events/s ({p['simpy_events']:,} events)"
    )
    bare = summary["plain_simpy"]
    place_ratio = p["simpy_events_per_s"] / bare["model_events_per_s"]
    place_ratio_cpu = p["simpy_events_per_cpu_s"] / bare["model_events_per_cpu_s"]
    print(f"default place SimPy events/s / plain SimPy model events/s: {place_ratio:.2f}x wall, "
          f"{place_ratio_cpu:.2f}x CPU time (target >= 1.0x)")  # fmt: skip
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()  # fmt: skip
    dirty = subprocess.run(["git", "status", "--porcelain", "sim/place/patient"],
                           capture_output=True, text=True).stdout.strip()  # fmt: skip
    record = {
        "when_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "PYTHONPATH=. python benchmarks/patient.py" + (" --quick" if args.quick else ""),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "simpy": simpy.__version__},
        "git_commit": commit,
        "uncommitted_engine_files": dirty.splitlines(),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "mmc": {"lambda_per_day": LAM, "mean_stay_days": MEAN, "servers": C,
                "customers": n, "repeats": repeats, "results": summary},
        "engine_overhead_vs_plain_simpy": overhead,
        "place_events_per_s_vs_plain_simpy_model_events_per_s": place_ratio,
        "place_events_per_cpu_s_vs_plain_simpy_model_events_per_cpu_s": place_ratio_cpu,
        "default_place_year": {"repeats": place, "median": p},
    }  # fmt: skip
    out = args.out or Path(__file__).parent / "results" / (
        f"patient-{datetime.now(UTC).date()}" + ("-quick" if args.quick else "") + ".json"
    )
    out.write_text(json.dumps(record, indent=2))
    print(f"written {out}")


if __name__ == "__main__":
    main()
