"""History matching on the batched engine: simulator evaluations a second (issue 13).

Ten parameters (the default place's five uncertain keys and five more, each +/-20% of its
value) against twelve targets (every measure the engine simulates, observed as the central
run's first year with a 3% sd and a 5% discrepancy), on the default place over one year, in
waves of ``--per-wave`` runs until ``--evals`` runs. Prints each wave and the rate, split into
the Python part (a place and its value-only parameter row per set) and the compiled engine.
``--warm shared`` (the default here) warms up once at the central set instead of once per set
(:func:`sim.place.stockflow.warm.shared_warm_start`); ``--rows table`` (the default here)
interpolates the parameter rows from a checked table of exact declarations
(:class:`sim.place.stockflow.rows.RowTable`; its build is timed with the model's);
``--compare`` runs the same design with each warm-up and prints how far sharing it moves each
target.

    python benchmarks/calibrate.py                              # 100,000 evaluations
    python benchmarks/calibrate.py --evals 8192                 # what was measured
    python benchmarks/calibrate.py --compare 128                # shared against each
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import sim.sweep.calibrate as cal
from sim.jobs.load import load_config
from sim.place.data.history import Targets, history_match

EXTRA = (
    "ed.attendances_per_head_year",
    "ambulance.incidents_per_head_year",
    "acute.los_days.3",
    "care_home.community_admissions_per_1000_year",
    "follow_up.readmissions_per_1000_day",
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--evals", type=int, default=100_000)
    ap.add_argument("--per-wave", type=int, default=4096)
    ap.add_argument("--warm", choices=cal.WARM_MODES, default="shared")
    ap.add_argument("--rows", choices=("exact", "table"), default="table")
    ap.add_argument("--compare", type=int, default=0, help="sets to run both ways, then stop")
    a = ap.parse_args()
    cfg = load_config(["run.horizon_years=1"])
    keys = list(cfg.place.uncertain) + list(EXTRA)
    lows, highs, central = [], [], []
    for k in keys:
        if k in cfg.place.uncertain:
            r = cfg.place.uncertain[k]
            lows.append(r.low), highs.append(r.high), central.append(r.central)
        else:
            from sim.config.keys import resolve_key

            *parent, last = k.split(".")
            node = resolve_key(cfg.place, ".".join(parent))
            v = float(node[int(last)] if isinstance(node, list) else getattr(node, last))
            lows.append(0.8 * v), highs.append(1.2 * v), central.append(v)
    measures = tuple(cal.MEASURE_OUTPUTS)
    t0 = time.perf_counter()
    box = (lows, highs) if a.rows == "table" else None
    f = cal.engine_simulator(cfg, keys, measures, warm=a.warm, box=box, progress=print)
    build = time.perf_counter() - t0
    if a.compare:
        compare(cfg, keys, lows, highs, measures, a.compare)
        return
    truth = f(np.array([central]))[0][0]
    targets = Targets(measures, truth, 0.03 * truth, 0.05 * truth)
    waves = max(1, -(-a.evals // a.per_wave))  # enough whole waves for --evals runs
    per_wave = min(a.per_wave, a.evals)
    t0 = time.perf_counter()
    match = history_match(f, keys, lows, highs, targets, waves=waves, per_wave=per_wave,
                          seed=1, progress=print)  # fmt: skip
    took = time.perf_counter() - t0
    runs = sum(len(w.x) for w in match.waves)
    print(
        f"{len(keys)} parameters, {len(measures)} targets, {runs} evaluations of 1 year in "
        f"{took:.1f} s: {runs / took:.1f} evaluations a second (model built in {build:.1f} s)"
    )
    x = match.waves[0].x[: min(64, per_wave)]
    t0 = time.perf_counter()
    places = [cal.build_place(cal.place_for_draw(cfg.place, dict(zip(keys, r, strict=True))))
              for r in x]  # fmt: skip
    t1 = time.perf_counter()
    for p in places:
        cal.declare_values(p, cfg.run.step_days, {})
    t2 = time.perf_counter()
    print(
        f"per set: place {1000 * (t1 - t0) / len(x):.1f} ms, value-only row "
        f"{1000 * (t2 - t1) / len(x):.1f} ms (Python, serial)"
    )


def compare(cfg, keys, lows, highs, measures, n: int) -> None:
    """Run ``n`` Sobol sets with each warm-up mode; print the rates and the relative change."""
    from sim.place.data.history import sobol  # noqa: PLC0415

    x = sobol(np.array(lows), np.array(highs), n, np.random.default_rng(0))
    out = {}
    for mode in cal.WARM_MODES:
        f = cal.engine_simulator(cfg, keys, measures, warm=mode)
        f(x[:2])  # compiled and warm
        t0 = time.perf_counter()
        out[mode] = f(x)[0]
        print(f"warm={mode}: {n / (time.perf_counter() - t0):.1f} evaluations a second")
    d = np.abs(out["shared"] / out["each"] - 1)
    spread = out["each"].std(0) / out["each"].mean(0)
    for i, m in enumerate(measures):
        med, top = 100 * np.median(d[:, i]), 100 * d[:, i].max()
        print(f"{m:26s} shared vs each: median {med:.2f}%, max {top:.2f}%; "
              f"spread over the sets {100 * spread[i]:.1f}%")  # fmt: skip


if __name__ == "__main__":
    main()
