"""Command line: ``python -m sim [key=value ...]`` composes, validates, runs and saves.

Overrides use Hydra's syntax (``run.horizon_years=5``, ``place.acute.beds=1500``,
``scenario=baseline``). ``python -m sim --scenarios`` lists the scenario library. Bad input
stops with a one-line error naming the key, before any work and without writing results.
"""

from __future__ import annotations

import logging
import sys
import time

from sim.config.errors import ConfigError

USAGE = """usage: python -m sim [key=value ...] [--scenarios] [--help]

Runs the configured place and scenario and writes results/<run>/ (results.nc, config.yaml,
summary.txt, charts). Any configuration key can be overridden, e.g.
  python -m sim run.horizon_years=5 place.acute.beds=1500 run.draws=20 run.name=test
Groups: place=<name> (configs/place), scenario=<name> (scenarios/), run=<name> (configs/run).
"""


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "-h" in args or "--help" in args:
        print(USAGE)
        return 0
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        from sim.config.compose import compose_config, options

        if "--scenarios" in args:
            print(_scenario_list(options("scenario")))
            return 0
        unknown = [a for a in args if a.startswith("-")]
        if unknown:
            raise ConfigError(f"unknown option {unknown[0]}; see python -m sim --help")
        cfg = compose_config(args)
        from sim.results.checks import check_conservation
        from sim.results.summary import format_summary
        from sim.runner import save_run, simulate

        start = time.perf_counter()
        print(f"place {cfg.place.name}, scenario {cfg.scenario.name}: {cfg.run.draws} draw(s) x "
              f"{cfg.run.horizon_years:g} years", file=sys.stderr)  # fmt: skip
        ds = simulate(cfg)
        check_conservation(ds)
        folder = save_run(ds, cfg)
        print(format_summary(ds))
        print(f"results written to {folder} in {time.perf_counter() - start:.1f} s")
        return 0
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _scenario_list(names: list[str]) -> str:
    """One line per scenario: its name and description."""
    from omegaconf import OmegaConf

    from sim.config.compose import config_dir

    lines = []
    for name in names:
        raw = OmegaConf.load(config_dir() / "scenario" / f"{name}.yaml")
        lines.append(f"{name:24s} {raw.get('description', '')}")
    return "\n".join(lines)
