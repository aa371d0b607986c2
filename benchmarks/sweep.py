"""Benchmark the batched sweep: 1,000 and 10,000 variants of the default place over 10 years.

Measures, in one sitting:

1. the engine's single-batch rate: one compiled call on a batch of ``--engine-draws`` draws of
   the default place (10 years, annual reports, every Numba thread), as in
   ``benchmarks/stockflow.py`` measurement 3, in stock-updates/s;
2. for each sweep size: a fresh process runs ``sweep=capacity_lhs`` (a Latin hypercube over
   five capacity and wait keys of the default place) with ``sweep.samples=N``, 10 years,
   annual outputs, ``--executor`` (default: processes, 2 workers x 1 Numba thread), chunks of
   ``--chunk-size`` variants streamed to disk. Wall time covers everything from composing the
   configuration to the last chunk file (planning, checks, warm-up, rows, runs, writing);
   peak memory is the maximum resident set of the coordinating process and, separately, of
   any one worker process (``getrusage``);
3. the sweep's rate (variants x stocks x steps / wall time) as a share of the engine's rate,
   and the load average before and after (the machine is shared).

Usage (from the repo root)::

    PYTHONPATH=. python benchmarks/sweep.py                    # 1,000 and 10,000 variants
    PYTHONPATH=. python benchmarks/sweep.py --sizes 200 --quick

Writes ``benchmarks/results/sweep-<date>.json`` (``-quick`` for a smoke run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
N_STEPS = 3650

CHILD = """
import json, resource, sys, time, logging
t0 = time.perf_counter()
from sim.sweep import run_sweep
args = json.loads(sys.argv[1])
folder = run_sweep(args["overrides"])
wall = time.perf_counter() - t0
me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
files = sorted((folder / "chunks").glob("chunk-*.nc"))
errors = (folder / "errors.txt").read_text().count("variant ")
print("SWEEP_JSON " + json.dumps({"wall_s": wall, "coordinator_peak_mib": me,
      "worker_peak_mib": kids, "chunks": len(files), "failed": errors,
      "disk_mib": sum(f.stat().st_size for f in files) / 2**20}))
"""


def engine_rate(draws: int) -> dict[str, float]:
    """Stock-updates/s of one compiled call on a batch of the default place (10 years)."""
    from sim.engines.stockflow import compile_model, run_arrays
    from sim.jobs.load import load_config
    from sim.place.cohorts import build_place
    from sim.place.stockflow.declare import build_model, series_values

    cfg = load_config([])
    place = build_place(cfg.place)
    compiled = compile_model(build_model(place, 1.0))
    rng = np.random.default_rng(20250401)
    base = compiled.param_matrix()
    rates = [j for j, p in enumerate(compiled.param_names) if p.endswith(".rate_per_day")]
    params = np.repeat(base, draws, axis=0)
    params[:, rates] *= rng.uniform(0.9, 1.1, (draws, len(rates)))
    z = compiled.series_array(series_values(place, cfg.run.start_date, N_STEPS, 1.0), N_STEPS, 1)
    run_arrays(compiled, params[:2], n_steps=10, series=z[:, :, :10], record_every=10)
    t0 = time.perf_counter()
    run_arrays(compiled, params, n_steps=N_STEPS, series=z, record_every=365)
    wall = time.perf_counter() - t0
    updates = compiled.n_stocks * N_STEPS * draws
    return {"draws": draws, "wall_s": wall, "n_stocks": compiled.n_stocks,
            "m_updates_per_s": updates / wall / 1e6}  # fmt: skip


def sweep_run(n: int, executor: str, workers: int, chunk: int, root: Path) -> dict[str, object]:
    """One sweep of ``n`` variants in a fresh process."""
    overrides = [
        "sweep=capacity_lhs", f"sweep.samples={n}", f"sweep.executor={executor}",
        f"sweep.workers={workers}", f"sweep.chunk_size={chunk}", f"sweep.name=bench-{n}",
        f"sweep.output_dir={root}", "sweep.progress=false",
    ]  # fmt: skip
    load0 = os.getloadavg()
    out = subprocess.run([sys.executable, "-c", CHILD, json.dumps({"overrides": overrides})],
                         capture_output=True, text=True, cwd=REPO, check=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)})  # fmt: skip
    load1 = os.getloadavg()
    line = next(s for s in out.stdout.splitlines() if s.startswith("SWEEP_JSON "))
    res = json.loads(line.removeprefix("SWEEP_JSON "))
    res.update({"variants": n, "executor": executor, "workers": workers, "chunk_size": chunk,
                "command": "python -m sim " + " ".join(overrides),
                "load_before": load0, "load_after": load1})  # fmt: skip
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--engine-draws", type=int, default=500)
    ap.add_argument("--executor", default="processes")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chunk-size", type=int, default=100)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    started = dt.datetime.now()
    engine = engine_rate(args.engine_draws)
    print(f"engine batch: {engine['draws']} draws in {engine['wall_s']:.1f} s = "
          f"{engine['m_updates_per_s']:.1f} M stock-updates/s")  # fmt: skip
    runs = []
    root = Path(tempfile.mkdtemp(prefix="sweep-bench-"))
    try:
        for n in args.sizes:
            res = sweep_run(n, args.executor, args.workers, args.chunk_size, root)
            updates = n * engine["n_stocks"] * N_STEPS
            res["m_updates_per_s"] = updates / res["wall_s"] / 1e6
            res["ratio_to_engine_batch"] = res["m_updates_per_s"] / engine["m_updates_per_s"]
            runs.append(res)
            print(f"sweep {n:>6} variants: {res['wall_s']:.1f} s, {res['m_updates_per_s']:.1f} "
                  f"M/s ({res['ratio_to_engine_batch']:.2f} of the engine batch), peak "
                  f"coordinator {res['coordinator_peak_mib']:.0f} MiB, worker "
                  f"{res['worker_peak_mib']:.0f} MiB, load {res['load_before'][0]:.2f} -> "
                  f"{res['load_after'][0]:.2f}")  # fmt: skip
    finally:
        shutil.rmtree(root, ignore_errors=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=REPO).stdout.strip()  # fmt: skip
    dirty = subprocess.run(["git", "status", "--porcelain", "sim/sweep", "sim/engines"],
                           capture_output=True, text=True, cwd=REPO).stdout.split("\n")  # fmt: skip
    record = {
        "started": started.isoformat(timespec="seconds"),
        "machine": {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },  # fmt: skip
        "git_commit": commit,
        "uncommitted": [d for d in dirty if d],
        "engine_batch": engine,
        "sweeps": runs,
        "bench_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    RESULTS.mkdir(exist_ok=True)
    out = args.out or RESULTS / f"sweep-{started.date()}{'-quick' if args.quick else ''}.json"
    out.write_text(json.dumps(record, indent=1) + "\n")
    print(f"written {out}")


if __name__ == "__main__":
    main()
