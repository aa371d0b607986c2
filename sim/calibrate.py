"""Command line: ``python -m sim.calibrate place=<name> [key=value ...] [--waves N] ...``.

History-matches the place's uncertain parameters (``place.uncertain``: keys and prior ranges)
to the observed activity of its data pack (the latest observed year of each measure the engine
simulates), in waves on the batched engine (:mod:`sim.place.data.history`). Writes to
``--out`` (default ``results/calibration/<place>``):

- ``ensemble.csv``: the non-implausible parameter sets, one a row: the keys, ``weight`` (by
  fit), ``max_implausibility``, ``second_implausibility`` and each target's prediction. Give it
  to the place as ``place.ensemble=<file>`` and the appraisal's draws come from it.
- ``targets.csv``: each target, its observation, sd, discrepancy sd.
- ``targets.png`` (targets against the ensemble) and ``pairs.png`` (the non-implausible region).

The model's first financial year is compared with the observed year (the run starts from the
place as observed). Model discrepancy: ``--discrepancy`` times each observation (sd), an
assumption (default 5%: structural error of a whole-system stock-flow model, unknown).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

from sim.config.compose import search_dirs
from sim.config.errors import ConfigError
from sim.jobs.load import load_config
from sim.place.data.history import (
    Match,
    calibration_inputs,
    ensemble_weights,
    history_match,
    kth_max,
)
from sim.place.data.pack import place_targets
from sim.sweep.calibrate import MEASURE_OUTPUTS, WARM_MODES, engine_simulator


def write_ensemble(match: Match, path: Path) -> None:
    """The non-implausible ensemble as CSV (see the module docstring)."""
    x, mean, imp = match.ensemble()
    w = ensemble_weights(imp) if len(x) else np.array([])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(
            [
                *match.names,
                "weight",
                "max_implausibility",
                "second_implausibility",
                *(f"predicted.{t}" for t in match.targets.names),
            ]
        )
        for i in range(len(x)):
            row = imp[i]
            out.writerow(
                [*x[i], w[i], row.max(), kth_max(row[None], min(2, len(row)))[0], *mean[i]]
            )


def write_charts(match: Match, folder: Path) -> None:
    """Targets against the ensemble, and the pairs plot of the non-implausible region."""
    from matplotlib.figure import Figure  # noqa: PLC0415 (charts only)

    x, mean, _ = match.ensemble()
    t = match.targets
    fig = Figure(figsize=(8, 0.5 + 0.45 * len(t.names)))
    ax = fig.subplots()
    for i in range(len(t.names)):
        ax.plot(mean[:, i] / t.z[i], np.full(len(mean), i), "|", color="0.6", alpha=0.4)
        half = 3 * np.hypot(t.obs_sd[i], t.disc_sd[i]) / t.z[i]
        ax.errorbar(1.0, i, xerr=half, fmt="o", color="tab:blue", capsize=3)
    ax.set_yticks(range(len(t.names)), t.names)
    ax.set_xlabel("simulated / observed (grey: non-implausible runs; blue: observed +/- 3 sd)")
    fig.tight_layout()
    fig.savefig(folder / "targets.png", dpi=120)
    p = len(match.names)
    fig = Figure(figsize=(2.2 * p, 2.2 * p))
    axes = np.atleast_2d(fig.subplots(p, p))
    for r in range(p):
        for c in range(p):
            ax = axes[r, c]
            if r == c:
                ax.hist(x[:, c], bins=20, color="tab:blue")
            else:
                ax.plot(x[:, c], x[:, r], ".", ms=2, alpha=0.5)
            if r == p - 1:
                ax.set_xlabel(match.names[c], fontsize=7)
            if c == 0:
                ax.set_ylabel(match.names[r], fontsize=7)
            ax.tick_params(labelsize=6)
    fig.tight_layout()
    fig.savefig(folder / "pairs.png", dpi=110)


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _without_ensemble(overrides: list[str]) -> list[str]:
    """Calibrate the place's parameters afresh: its shipped ensemble (perhaps from an earlier
    model, with values outside today's ranges) is not loaded unless an override names one.
    """
    named = any(o.lstrip("+~").startswith("place.ensemble") for o in overrides)
    return [] if named else ["place.ensemble=''"]


def main(argv: list[str] | None = None) -> int:
    """Parse, calibrate, write; bad input is one line and exit 2."""
    ap = argparse.ArgumentParser(prog="python -m sim.calibrate", description=__doc__.split("\n")[0])
    ap.add_argument("overrides", nargs="*", help="key=value, e.g. place=example_icb")
    ap.add_argument("--waves", type=int, default=3)
    ap.add_argument("--per-wave", type=int, default=1024)
    ap.add_argument("--cutoff", type=float, default=3.0)
    ap.add_argument("--discrepancy", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--warm",
        choices=WARM_MODES,
        default="each",
        help="each: every set warms up as a run does; shared: one warm-up at the central set "
        "(about twice as fast; targets shift by under 4%%, benchmarks/README.md)",
    )
    ap.add_argument(
        "--rows",
        choices=("exact", "table"),
        default="exact",
        help="exact: declare each set's parameter row; table: interpolate the rows from a "
        "table of exact declarations, checked to 1e-4 (worth it from a few thousand runs)",
    )
    ap.add_argument("--out", type=Path, default=None)
    ns = ap.parse_args(argv)
    try:
        cfg = load_config(["run.horizon_years=1", *ns.overrides, *_without_ensemble(ns.overrides)])
        observed = place_targets(cfg.place, search_dirs(ns.overrides), list(MEASURE_OUTPUTS))
        keys, lows, highs, targets = calibration_inputs(cfg.place, observed, ns.discrepancy)
        simulate = engine_simulator(
            cfg,
            keys,
            targets.names,
            warm=ns.warm,
            box=(lows, highs) if ns.rows == "table" else None,
            progress=_say,
        )
    except (ConfigError, ValueError) as err:
        sys.stderr.write(f"error: {err}\n")
        return 2
    start = time.perf_counter()
    match = history_match(
        simulate,
        keys,
        lows,
        highs,
        targets,
        waves=ns.waves,
        per_wave=ns.per_wave,
        cutoff=ns.cutoff,
        seed=ns.seed,
        progress=_say,
    )
    runs = sum(len(w.x) for w in match.waves)
    took = time.perf_counter() - start
    out = ns.out or Path(cfg.run.output_dir) / "calibration" / cfg.place.name
    write_ensemble(match, out / "ensemble.csv")
    with (out / "targets.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["measure", "observed", "sd", "discrepancy_sd"])
        for i, n in enumerate(targets.names):
            w.writerow([n, targets.z[i], targets.obs_sd[i], targets.disc_sd[i]])
    if len(match.ensemble()[0]):
        write_charts(match, out)
    _say(
        f"{runs} runs in {took:.1f} s ({runs / took:.1f} a second); "
        f"{len(match.ensemble()[0])} non-implausible; written to {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
