"""Benchmark the stock-flow engine on the default place, against the machine ceiling.

Measures, in one sitting:

1. the machine ceiling: stock-updates/s of a tight reference Numba kernel
   (``../shared/bench/ceiling.py``, run as a subprocess with the same Python), before and after
   the engine measurements; ratios use the higher of the two (noise only slows runs);
2. one 10-year daily run of the default place (``record_every=1``), after compilation;
3. a batch of draws x 10 years (``record_every=365``), and its ratio to the ceiling;
4. start-up: a fresh process importing, building, compiling and running 1 step, twice, after
   clearing the engine's Numba cache (the first should compile, the second load from cache);
5. the peak resident memory of this process.

One "stock-update" = one stock advanced one step for one draw
(``compiled.n_stocks * n_steps * n_draws``).

Usage (from the repo root)::

    PYTHONPATH=. python benchmarks/stockflow.py            # 1,000 draws, 3 repeats
    PYTHONPATH=. python benchmarks/stockflow.py --quick    # 100 draws, 1 repeat (smoke run)

Prints a table and writes ``benchmarks/results/stockflow-<date>.json`` (``-quick`` appended for a
smoke run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
CEILING = REPO.parent / "shared" / "bench" / "ceiling.py"
ENGINE_DIR = REPO / "sim" / "engines" / "stockflow"
RESULTS = Path(__file__).resolve().parent / "results"
N_STEPS = 3650  # 10 years, daily
SEED = 20250401

# Run in a fresh interpreter for the start-up measurement; prints its phase times as JSON.
STARTUP_CODE = """
import json, time
t0 = time.perf_counter()
import numpy as np
from sim.jobs.load import load_config
from sim.place.cohorts import build_place
from sim.place.stockflow.declare import build_model, series_values
from sim.engines.stockflow import compile_model, run_arrays
t1 = time.perf_counter()
cfg = load_config([])
place = build_place(cfg.place)
model = build_model(place, 1.0)
t2 = time.perf_counter()
compiled = compile_model(model)
P = compiled.param_matrix()
Z = compiled.series_array(series_values(place, cfg.run.start_date, 1, 1.0), 1, 1)
t3 = time.perf_counter()
run_arrays(compiled, P, n_steps=1, series=Z, record_every=1)
t4 = time.perf_counter()
print("STARTUP_JSON " + json.dumps({"import_s": t1 - t0, "build_s": t2 - t1,
      "compile_model_s": t3 - t2, "first_run_s": t4 - t3, "in_process_s": t4 - t0}))
"""


def machine() -> dict[str, object]:
    """CPU model, logical CPUs, Python, Numba and git state."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import numba

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=REPO, capture_output=True, text=True, check=True
            ).stdout.rstrip()
        except (OSError, subprocess.CalledProcessError):
            return "unknown"

    return {
        "cpu_model": cpu,
        "nproc": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "numba_threads": numba.get_num_threads(),
        "git_commit": git("rev-parse", "HEAD").strip(),
        "git_dirty_files": [ln[3:] for ln in git("status", "--porcelain").splitlines()],
    }


def measure_ceiling() -> dict[str, object]:
    """Run the reference kernel; parse its million stock-updates/s."""
    if not CEILING.exists():
        print(f"ceiling: {CEILING} not found, skipped")
        return {"available": False, "path": str(CEILING)}
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, str(CEILING)], capture_output=True, text=True)
    wall = time.perf_counter() - t
    match = re.search(r"([\d.]+)\s+million stock-updates/s", proc.stdout)
    if proc.returncode != 0 or match is None:
        print(
            f"ceiling: could not parse output (rc {proc.returncode}):\n{proc.stdout}{proc.stderr}"
        )
        return {"available": False, "path": str(CEILING), "output": proc.stdout + proc.stderr}
    return {
        "available": True,
        "path": str(CEILING),
        "mupdates_per_s": float(match.group(1)),
        "wall_s": wall,
        "output": proc.stdout.strip(),
    }


def timed(fn, repeats: int) -> list[float]:
    """Wall times of ``repeats`` calls of ``fn``."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def measure_engine(n_draws: int, repeats: int, single_repeats: int) -> dict[str, object]:
    """Single 10-year run and a batch of draws, both after compilation."""
    from sim.engines.stockflow import compile_model, run_arrays
    from sim.jobs.load import load_config
    from sim.place.cohorts import build_place
    from sim.place.stockflow.declare import build_model, series_values

    cfg = load_config([])
    place = build_place(cfg.place)
    compiled = compile_model(build_model(place, 1.0))
    P = compiled.param_matrix()
    Z = compiled.series_array(series_values(place, cfg.run.start_date, N_STEPS, 1.0), N_STEPS, 1)
    n_stocks = compiled.n_stocks

    def run(params: np.ndarray, record_every: int):
        return run_arrays(compiled, params, n_steps=N_STEPS, series=Z, record_every=record_every)

    # Warm up: load from cache or compile the kernel (one signature serves every call below).
    t = time.perf_counter()
    run_arrays(compiled, P, n_steps=1, series=Z[:, :, :1], record_every=1)
    warmup_s = time.perf_counter() - t

    # 2. One 10-year run, daily reports.
    single = timed(lambda: run(P, 1), single_repeats)
    single_med = statistics.median(single)
    single_updates = n_stocks * N_STEPS
    # Profile hint: the same run with annual reports (how much does per-step reporting cost?).
    annual = timed(lambda: run(P, 365), single_repeats)
    annual_med = statistics.median(annual)

    # 3. A batch of draws: every .rate_per_day parameter times U(0.9, 1.1), independently per
    # draw and parameter; shares untouched so routing still sums to 1.
    rng = np.random.default_rng(SEED)
    rate_cols = np.array(
        [i for i, n in enumerate(compiled.param_names) if n.endswith(".rate_per_day")]
    )
    batch_P = np.repeat(P, n_draws, axis=0)
    batch_P[:, rate_cols] *= rng.uniform(0.9, 1.1, (n_draws, rate_cols.size))
    holder: dict[str, object] = {}

    def run_batch() -> None:
        holder["out"] = run(batch_P, 365)

    batch = timed(run_batch, repeats)
    batch_med = statistics.median(batch)
    batch_updates = n_stocks * N_STEPS * n_draws
    reports = holder["out"].reports  # type: ignore[attr-defined]
    return {
        "n_stocks": n_stocks,
        "n_params": len(compiled.param_names),
        "n_rate_params_perturbed": int(rate_cols.size),
        "n_reports": len(compiled.report_index),
        "n_steps": N_STEPS,
        "kernel_warmup_s": warmup_s,
        "single": {
            "record_every": 1,
            "repeats": single_repeats,
            "times_s": single,
            "median_s": single_med,
            "mupdates_per_s": single_updates / single_med / 1e6,
        },
        "single_annual_reports": {
            "record_every": 365,
            "repeats": single_repeats,
            "times_s": annual,
            "median_s": annual_med,
            "mupdates_per_s": single_updates / annual_med / 1e6,
        },
        "batch": {
            "n_draws": n_draws,
            "record_every": 365,
            "repeats": repeats,
            "times_s": batch,
            "median_s": batch_med,
            "mupdates_per_s": batch_updates / batch_med / 1e6,
            "reports_shape": list(reports.shape),
            "reports_finite": bool(np.isfinite(reports).all()),
        },
    }


def clear_numba_cache() -> int:
    """Delete the engine's Numba cache files; return how many were removed."""
    removed = 0
    for pattern in ("*.nbi", "*.nbc"):
        for path in ENGINE_DIR.rglob(pattern):
            if path.parent.name == "__pycache__":
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def measure_startup() -> dict[str, object]:
    """Two fresh processes in a row after clearing the cache: first compiles, second loads."""
    removed = clear_numba_cache()
    env = dict(os.environ, NUMBA_DEBUG_CACHE="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    runs = []
    for label in ("first (cold cache)", "second (warm cache)"):
        t = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", STARTUP_CODE], cwd=REPO, env=env, capture_output=True, text=True
        )
        wall = time.perf_counter() - t
        text = proc.stdout + proc.stderr  # Numba prints its cache log to stdout
        phases = {}
        for line in proc.stdout.splitlines():
            if line.startswith("STARTUP_JSON "):
                phases = json.loads(line.removeprefix("STARTUP_JSON "))
        saved = len(re.findall(r"\[cache\] (?:data|index) saved", text))
        loaded = len(re.findall(r"\[cache\] data loaded", text))
        runs.append(
            {
                "label": label,
                "returncode": proc.returncode,
                "wall_s": wall,
                "phases": phases,
                "cache_saves": saved,
                "cache_loads": loaded,
                "compiled": saved > 0,
                "error": proc.stderr[-2000:] if proc.returncode else "",
            }
        )
    return {
        "cache_files_removed": removed,
        "runs": runs,
        "second_avoided_compilation": runs[1]["returncode"] == 0
        and runs[1]["cache_saves"] == 0
        and runs[1]["cache_loads"] > 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--draws", type=int, default=1000, help="draws in the batch (1000)")
    parser.add_argument("--repeats", type=int, default=3, help="batch repeats (3)")
    parser.add_argument("--single-repeats", type=int, default=5, help="single-run repeats (5)")
    parser.add_argument("--quick", action="store_true", help="100 draws, 1 repeat (smoke run)")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up test")
    parser.add_argument("--out", type=Path, default=None, help="JSON path (default results/)")
    args = parser.parse_args()
    if args.quick:
        args.draws, args.repeats, args.single_repeats = 100, 1, 1

    started = dt.datetime.now()
    info = machine()
    print(
        f"numba {info['numba']}, threads {info['numba_threads']}, nproc {info['nproc']}, "
        f"CPU {info['cpu_model']}, python {info['python']}"
    )
    load_before = os.getloadavg()
    print("measuring ceiling ...", flush=True)
    ceiling = measure_ceiling()
    print(f"measuring engine ({args.draws} draws x {args.repeats} repeats) ...", flush=True)
    engine = measure_engine(args.draws, args.repeats, args.single_repeats)
    # Measure the ceiling again after the engine. Noise from other work on the machine only
    # ever slows a run, so the ratio uses the higher of the two (conservative: a busy moment
    # cannot flatter the engine); a large gap between them says the machine was not quiet.
    print("measuring ceiling again ...", flush=True)
    ceiling_after = measure_ceiling()
    load_after = os.getloadavg()
    ceiling_rates = [c["mupdates_per_s"] for c in (ceiling, ceiling_after) if c.get("available")]
    if ceiling_rates:
        ceiling["before_mupdates_per_s"] = ceiling_rates[0]
        ceiling["after_mupdates_per_s"] = ceiling_rates[-1]
        ceiling["mupdates_per_s"] = max(ceiling_rates)
        ceiling["spread"] = (max(ceiling_rates) - min(ceiling_rates)) / max(ceiling_rates)
        ceiling["output_after"] = ceiling_after.get("output", "")
    startup = None
    if not args.no_startup:
        print("measuring start-up (two fresh processes) ...", flush=True)
        startup = measure_startup()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    ceil_rate = ceiling.get("mupdates_per_s") if ceiling.get("available") else None
    single, annual, batch = engine["single"], engine["single_annual_reports"], engine["batch"]
    ratio = batch["mupdates_per_s"] / ceil_rate if ceil_rate else None
    single_ratio = single["mupdates_per_s"] / ceil_rate if ceil_rate else None

    def fmt_ratio(r: float | None) -> str:
        return f"{r:.3f}" if r is not None else "n/a"

    rows = [
        (
            "ceiling (reference kernel, best of before/after)",
            "",
            f"{ceil_rate or float('nan'):.0f}",
            "1",
        ),
        (
            f"single run, 1 draw, {engine['n_stocks']} stocks, daily reports",
            f"{single['median_s']:.3f}",
            f"{single['mupdates_per_s']:.1f}",
            fmt_ratio(single_ratio),
        ),
        (
            "single run, 1 draw, annual reports",
            f"{annual['median_s']:.3f}",
            f"{annual['mupdates_per_s']:.1f}",
            fmt_ratio(annual["mupdates_per_s"] / ceil_rate if ceil_rate else None),
        ),
        (
            f"batch, {batch['n_draws']} draws, annual reports",
            f"{batch['median_s']:.2f}",
            f"{batch['mupdates_per_s']:.1f}",
            fmt_ratio(ratio),
        ),
    ]
    print()
    print(
        f"{'measurement (10 years, daily step)':<52} {'wall s':>8} {'M upd/s':>9} {'/ceiling':>9}"
    )
    for name, wall, rate, r in rows:
        print(f"{name:<52} {wall:>8} {rate:>9} {r:>9}")
    if startup:
        for r in startup["runs"]:
            state = "compiled" if r["compiled"] else "loaded from cache"
            if r["returncode"]:
                state = f"FAILED rc {r['returncode']}"
            print(f"start-up, {r['label']:<42} {r['wall_s']:>8.2f}   ({state})")
        print(f"second start-up avoided compilation: {startup['second_avoided_compilation']}")
    if ceiling_rates:
        flag = (
            "  (> 15%: machine was busy, treat the ratio with care)"
            if ceiling["spread"] > 0.15
            else ""
        )
        print(
            f"ceiling before {ceiling_rates[0]:.0f}, after {ceiling_rates[-1]:.0f} M upd/s; "
            f"ratio uses the higher{flag}"
        )
    print(f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    print(f"peak RSS of this process: {peak_mib:.0f} MiB")
    if ratio is not None:
        verdict = "meets" if ratio >= 0.3 else "below"
        print(f"batch / ceiling = {ratio:.3f} ({verdict} the project target of 0.3)")

    result = {
        "benchmark": "stockflow",
        "started": started.isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "machine": info,
        "ceiling": ceiling,
        "load_average_before": load_before,
        "load_average_after": load_after,
        "engine": engine,
        "batch_over_ceiling": ratio,
        "single_over_ceiling": single_ratio,
        "target_batch_over_ceiling": 0.3,
        "startup": startup,
        "peak_rss_mib": peak_mib,
    }
    suffix = "-quick" if args.quick else ""
    out = args.out or RESULTS / f"stockflow-{started.date().isoformat()}{suffix}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
