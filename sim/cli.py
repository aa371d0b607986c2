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
from pathlib import Path

from omegaconf import OmegaConf

from sim.config.compose import options, search_dirs
from sim.config.errors import ConfigError
from sim.jobs.appraise import run_appraisal
from sim.jobs.load import load_config
from sim.jobs.save import save_appraisal
from sim.results.checks import check_conservation
from sim.sweep.cli import sweep_main, wants_sweep

USAGE = """usage: python -m sim [key=value ...] [--config-dir DIR] [--scenarios] [--help]

The main job: runs the baseline and each option in appraisal.options (or the one scenario you
name) on the configured place, appraises the options against the baseline and writes
results/<run>/ (results.nc, appraisal.nc, config.yaml, summary.txt, charts and the board
pack: board_pack.html, board_pack.pdf, appraisal.xlsx). Any key can be overridden, e.g.
  python -m sim run.horizon_years=5 run.draws=20 run.name=test
  python -m sim scenario=homefirst               # appraise HomeFirst alone
  python -m sim appraisal.options=[]             # the baseline only
Groups: place=<name> (configs/place), scenario=<name> (scenarios/), run=<name> (configs/run),
finance=<name> (configs/finance), appraisal=<name> (configs/appraisal).
Your own configs: --config-dir DIR adds DIR after the package's configs (as in Hydra), so
DIR/place/my_place.yaml runs with place=my_place; SIM_CONFIG_DIR=DIR replaces them with a whole
folder of your own (config.yaml and every group).
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
        args = _config_dir_override(args)
        if "--scenarios" in args:
            print(_scenario_list(options("scenario", args), args))
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


def _config_dir_override(args: list[str]) -> list[str]:
    """``--config-dir DIR`` (or ``--config-dir=DIR``, ``-cd DIR``; repeatable) as the Hydra
    override ``hydra.searchpath=[file://DIR]``: DIR's files are found after the package's.
    """
    out, folders = [], []
    rest = iter(args)
    for a in rest:
        flag, eq, value = a.partition("=")
        if flag not in ("--config-dir", "-cd"):
            out.append(a)
            continue
        value = value if eq else next(rest, "")
        folder = Path(value).expanduser().resolve()
        if not value or not folder.is_dir():
            raise ConfigError(
                f"--config-dir {value!r}: not a folder; give a folder of YAML files laid out "
                "as configs/ (place/, scenario/, run/, ...)"
            )
        folders.append(f"file://{folder}")
    if folders:
        out.append(f"hydra.searchpath=[{','.join(folders)}]")
    return out


def _scenario_list(names: list[str], overrides: list[str]) -> str:
    """One line per scenario: its name and description (the first folder holding it wins)."""
    lines = []
    for name in names:
        path = next(
            p for d in search_dirs(overrides) if (p := d / "scenario" / f"{name}.yaml").is_file()
        )
        raw = OmegaConf.load(path)
        lines.append(f"{name:24s} {raw.get('description', '')}")
    return "\n".join(lines)
