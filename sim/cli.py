"""Command line: ``python -m sim [key=value ...]`` composes, validates, runs the options
appraisal and saves the run folder.

Overrides use Hydra's syntax (``run.horizon_years=5``, ``place.acute.beds=1500``,
``scenario=baseline``). ``python -m sim --scenarios`` lists the scenario library. Bad input
stops with a one-line error naming the key, before any work and without writing results.
"""

from __future__ import annotations

import logging
import sys
import time

from omegaconf import OmegaConf

from sim.config.compose import config_dir, options
from sim.config.errors import ConfigError
from sim.jobs.appraise import run_appraisal
from sim.jobs.load import load_config
from sim.jobs.save import save_appraisal
from sim.results.checks import check_conservation
from sim.sweep.cli import sweep_main, wants_sweep

USAGE = """usage: python -m sim [key=value ...] [--scenarios] [--help]

The main job: runs the baseline and each option in appraisal.options (or the one scenario you
name) on the configured place, appraises the options against the baseline and writes
results/<run>/ (results.nc, appraisal.nc, config.yaml, summary.txt, charts and the board
pack: board_pack.html, board_pack.pdf, appraisal.xlsx). Any key can be overridden, e.g.
  python -m sim run.horizon_years=5 run.draws=20 run.name=test
  python -m sim scenario=homefirst               # appraise HomeFirst alone
  python -m sim appraisal.options=[]             # the baseline only
Groups: place=<name> (configs/place), scenario=<name> (scenarios/), run=<name> (configs/run),
finance=<name> (configs/finance), appraisal=<name> (configs/appraisal).
Sweeps (sim/sweep, results/multirun/ and results/sweeps/):
  python -m sim -m scenario=baseline,homefirst place.acute.beds=1300,1500   # Hydra multirun
  python -m sim sweep=capacity_lhs sweep.samples=1000 sweep.name=cap       # batched, resumable
"""


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "-h" in args or "--help" in args:
        print(USAGE)
        return 0
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        if "--scenarios" in args:
            print(_scenario_list(options("scenario")))
            return 0
        if wants_sweep(args):  # -m (multirun), sweep=<name>
            return sweep_main(args)
        unknown = [a for a in args if a.startswith("-")]
        if unknown:
            raise ConfigError(f"unknown option {unknown[0]}; see python -m sim --help")
        cfg = load_config(args)
        start = time.perf_counter()
        print(f"place {cfg.place.name}: {cfg.run.draws} draw(s) x {cfg.run.horizon_years:g} "
              f"years", file=sys.stderr)  # fmt: skip
        result = run_appraisal(cfg, args, progress=lambda m: print(m, file=sys.stderr))
        for ds in result.runs.values():
            check_conservation(ds)
        print("writing results and the board pack", file=sys.stderr)
        folder = save_appraisal(result, cfg)
        print((folder / "summary.txt").read_text())
        print(f"results written to {folder} in {time.perf_counter() - start:.1f} s")
        return 0
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _scenario_list(names: list[str]) -> str:
    """One line per scenario: its name and description."""
    lines = []
    for name in names:
        raw = OmegaConf.load(config_dir() / "scenario" / f"{name}.yaml")
        lines.append(f"{name:24s} {raw.get('description', '')}")
    return "\n".join(lines)
