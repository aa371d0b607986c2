"""Where the time and memory go in a batch of draws of the default place (issue 14).

Runs the steps of ``sim.jobs.simulate.simulate_run`` one by one on the default place (10 years,
daily steps, weekly records as configured) for N draws, timing each: inputs and the model
(declare + compile), parameter rows of the draws, the warm-up, the kernel, and shaping the
Dataset (``to_dataset`` + derived variables). Reports are recorded as the runner records them
(``run_warm``): float32, with the conservation ledger in float64. Prints a table with the peak
resident memory after each phase.

Usage (from the repo root)::

    PYTHONPATH=. python benchmarks/place_draws.py --draws 1000
    PYTHONPATH=. python benchmarks/place_draws.py --draws 1000 KEY=VALUE ...  # another place

Writes ``benchmarks/results/place_draws-<date>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "overrides", nargs="*", help="configuration overrides (e.g. another place's shape)"
    )
    args = parser.parse_args()
    started = dt.datetime.now()
    load_before = os.getloadavg()
    t0, c0 = time.perf_counter(), time.process_time()
    import numpy as np

    from sim.engines.stockflow import compile_model, run_arrays, to_dataset
    from sim.jobs.load import load_config
    from sim.jobs.simulate import (
        _param_matrix,
        add_derived,
        n_steps,
        run_inputs,
        series_pair,
    )
    from sim.place.stockflow.declare import build_model
    from sim.place.stockflow.warm import warm_start

    # One run only (no appraisal options), so the size check counts one run, not seven.
    cfg = load_config(
        [
            f"run.draws={args.draws}",
            f"run.horizon_years={args.years}",
            "appraisal.options=[]",
            *args.overrides,
        ]
    )
    run = cfg.run
    step, steps = run.step_days, n_steps(cfg)
    phases: dict[str, float] = {"import and config": time.perf_counter() - t0}
    cpu: dict[str, float] = {"import and config": time.process_time() - c0}
    marks: list[float] = []

    peak_mib: dict[str, float] = {"import and config": _peak_mib()}

    def phase(name: str, t: float) -> None:
        phases[name] = time.perf_counter() - t
        cpu[name] = time.process_time() - marks[-1]
        peak_mib[name] = _peak_mib()

    t = time.perf_counter()
    marks.append(time.process_time())
    inputs = run_inputs(cfg)
    compiled = compile_model(build_model(inputs.place, step, inputs.lever_paths.targets))
    phase("inputs, declare and compile", t)
    t = time.perf_counter()
    marks.append(time.process_time())
    params = _param_matrix(cfg, compiled, inputs)
    phase("parameter rows", t)
    series, today = series_pair(compiled, cfg, inputs)
    t = time.perf_counter()
    marks.append(time.process_time())
    for draws in (1, 2):  # load the kernels (float32 reports, as run_warm records)
        run_arrays(
            compiled, params[:draws], n_steps=1, series=series[:, :, :1], out_dtype=np.float32
        )
    phase("kernel load (Numba cache)", t)
    t = time.perf_counter()
    marks.append(time.process_time())
    initial, params = warm_start(compiled, params, today, step)
    phase("warm-up", t)
    t = time.perf_counter()
    marks.append(time.process_time())
    out = run_arrays(compiled, params, n_steps=steps, series=series, initial=initial,
                     dt_days=step, record_every=run.record_every_days,
                     out_dtype=np.float32)  # fmt: skip
    phase("kernel", t)
    t = time.perf_counter()
    marks.append(time.process_time())
    ds = to_dataset(out, start_date=run.start_date)
    ds = add_derived(ds, inputs.samples, inputs.lever_paths, record_every=run.record_every_days)
    phase("to_dataset and derived", t)
    total = sum(phases.values())
    peak = _peak_mib()
    print(f"default place: {args.draws} draws x {args.years} years ({steps} steps, records every "
          f"{run.record_every_days} days); {compiled.n_stocks} stocks, "
          f"{len(compiled.report_index)} report cells; reports array "
          f"{out.reports.nbytes / 2**20:.0f} MiB ({out.reports.dtype}), ledger "
          f"{out.ledger.nbytes / 2**20:.0f} MiB ({out.ledger.dtype})")  # fmt: skip
    print(f"  {'phase':<32} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9}")
    for name, s in phases.items():
        print(f"  {name:<32} {s:8.2f} {cpu[name]:8.2f} {peak_mib[name]:9.0f}")
    print(f"  {'total':<32} {total:8.2f} s; peak RSS {peak:.0f} MiB; load "
          f"{load_before[0]:.1f} -> {os.getloadavg()[0]:.1f}")  # fmt: skip
    result = {
        "benchmark": "place_draws",
        "started": started.isoformat(timespec="seconds"),
        "draws": args.draws,
        "years": args.years,
        "overrides": args.overrides,
        "n_stocks": compiled.n_stocks,
        "n_report_cells": len(compiled.report_index),
        "reports_mib": out.reports.nbytes / 2**20,
        "phases_s": phases,
        "phases_cpu_s": cpu,
        "phases_peak_rss_mib": peak_mib,
        "ledger_mib": out.ledger.nbytes / 2**20,
        "total_s": total,
        "peak_rss_mib": peak,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "dataset_vars": len(ds.data_vars),
    }
    out_path = args.out or RESULTS / f"place_draws-{started.date().isoformat()}.json"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out_path}")


def _peak_mib() -> float:
    """Peak resident memory of this process so far, MiB (``getrusage`` max RSS)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
