"""Command line: ``python -m sim [key=value ...]`` composes, validates, runs the options
appraisal and saves the run folder.

Overrides use Hydra's syntax (``run.horizon_years=5``, ``place.acute.beds=1500``,
``scenario=baseline``), and Hydra's own flags work as in any Hydra app, parsed by Hydra's
argument parser and carried out by Hydra itself: ``--cfg job|hydra|all`` prints the composed
configuration, ``--info [all|config|defaults|defaults-tree|plugins|searchpath]``,
``--help`` (this app's help, with its configuration groups), ``--hydra-help``, ``-m`` (a
multirun, :mod:`sim.sweep.multirun`). ``--version`` prints the package version and
``--scenarios`` lists the scenario library. Bad input stops with a one-line error naming the
key, before any work and without writing results (exit code 2).

Logging: library code logs under the ``sim`` logger (quiet unless an application configures
it); the command line shows ``sim`` messages at INFO, one concise line each, and only
warnings from other libraries (Dask's INFO lines included).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

import hydra
from hydra import initialize_config_dir
from hydra._internal.utils import get_args_parser
from hydra.core.config_store import ConfigStore
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import HydraException
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.config.compose import _one_line, config_dir, options, search_dirs
from sim.config.errors import ConfigError
from sim.config.store import register
from sim.jobs.load import load_config
from sim.jobs.main import run_main_job
from sim.results.provenance import DIST_NAME, _dist_version
from sim.sweep.cli import sweep_main, wants_sweep

USAGE = """usage: python -m sim [key=value ...] [--cfg job|hydra|all] [--info] [-m] [--scenarios]
                     [--config-dir DIR] [--version] [--help] [--hydra-help]

The main job: runs the baseline and each option in appraisal.options (or the one scenario you
name) on the configured place, appraises the options against the baseline and writes
results/<run>/ (results.nc, appraisal.nc, config.yaml, summary.txt, charts and the board
pack: board_pack.html, board_pack.pdf, board_pack.docx, appraisal.xlsx). Any key can be
overridden, e.g.
  python -m sim run.horizon_years=5 run.draws=20 run.name=test
  python -m sim scenario=homefirst               # appraise HomeFirst alone
  python -m sim appraisal.options=[]             # the baseline only
  python -m sim --cfg job place.acute.beds=1500  # print the composed configuration, run nothing
  python -m sim --info defaults                  # which config files were composed
  python -m sim --scenarios                      # the scenario library, one line each
Your own configs: --config-dir DIR adds DIR after the package's configs (as in Hydra), so
DIR/place/my_place.yaml runs with place=my_place; SIM_CONFIG_DIR=DIR replaces them with a whole
folder of your own (config.yaml and every group).
Sweeps (sim/sweep, results/multirun/ and results/sweeps/):
  python -m sim -m scenario=baseline,homefirst place.acute.beds=1300,1500   # Hydra multirun
  python -m sim sweep=capacity_lhs sweep.samples=1000 sweep.name=cap       # batched, resumable
"""

HELP_TEMPLATE = (
    USAGE
    + """
== Configuration groups ==
Compose your configuration from those groups (group=option)

$APP_CONFIG_GROUPS

== Flags ==
--help,-h : this help
--hydra-help : Hydra's help
--version : this package's version
--cfg,-c : show the configuration instead of running [job|hydra|all]
--resolve : with --cfg, resolve interpolations before printing
--package,-p : with --cfg, the config package to show (e.g. place.acute)
--info,-i : print Hydra information [all|config|defaults|defaults-tree|plugins|searchpath]
--run,-r : run the main job (the default)
--multirun,-m : a Hydra multirun over comma-separated values (sim/sweep/multirun.py)
--config-dir,-cd : add a folder of configs after the package's (repeatable)
--scenarios : list the scenario library
"""
)

UNSUPPORTED = {
    "config_path": "--config-path",
    "config_name": "--config-name",
    "experimental_rerun": "--experimental-rerun",
    "shell_completion": "--shell-completion",
}


def version_line() -> str:
    """``sim (nhs-care-shift-sim) <version>, Hydra <version>``."""
    return f"sim ({DIST_NAME}) {_dist_version(DIST_NAME)}, Hydra {hydra.__version__}"


class _StderrHandler(logging.StreamHandler):
    """A handler writing to whatever ``sys.stderr`` is when a message is logged (not the
    stream of the moment it was made), so in-process callers that swap stderr (tests, notebooks)
    never log into a closed stream.
    """

    @property
    def stream(self):  # noqa: D102
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def setup_logging(level: int = logging.INFO) -> None:
    """Show ``sim.*`` log messages on stderr, one plain line each; other libraries (Dask,
    distributed, numba) only from WARNING. Dask workers inherit the quiet setting.
    """
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # read when dask loads
    logger = logging.getLogger("sim")
    for old in [h for h in logger.handlers if getattr(h, "_sim_cli", False)]:
        logger.removeHandler(old)
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler._sim_cli = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    for noisy in ("distributed", "dask", "numba", "bokeh", "tornado"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _parser() -> argparse.ArgumentParser:
    """Hydra's own argument parser (the one every ``@hydra.main`` app uses), plus this app's
    ``--version`` and ``--scenarios``; a parse error becomes a one-line :class:`ConfigError`.
    """
    parser = get_args_parser()
    parser.prog = "python -m sim"
    parser.description = "sim: a simulator of care shifts in the English NHS"
    parser.allow_abbrev = False
    for action in parser._actions:  # Hydra's --version prints Hydra's; this app prints its own
        if "--version" in action.option_strings:
            action.version = version_line()
            action.help = "Show this package's version and exit"
    parser.add_argument("--scenarios", action="store_true", help="List the scenario library")

    def error(message: str):
        raise ConfigError(f"{message}; allowed: key=value and the flags of python -m sim --help")

    parser.error = error  # type: ignore[method-assign]
    return parser


def _handlers() -> dict[str, list[logging.Handler]]:
    """The handlers of the root logger and of every named logger."""
    names = ["", *logging.Logger.manager.loggerDict]
    return {n: list(logging.getLogger(n).handlers) for n in names}


def _restore_handlers(before: dict[str, list[logging.Handler]]) -> None:
    """Remove the handlers added since ``before`` (Hydra's, bound to this call's streams)."""
    for name, now in _handlers().items():
        for handler in now:
            if handler not in before.get(name, []):
                logging.getLogger(name).removeHandler(handler)


def _hydra_command(ns: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Carry out ``--help``, ``--hydra-help``, ``--cfg`` or ``--info`` with Hydra itself, on
    the same configuration folder and schema the job composes.
    """
    register()
    ConfigStore.instance().store(
        group="hydra/help", name="sim", node={"app_name": "sim", "template": HELP_TEMPLATE}
    )
    GlobalHydra.instance().clear()
    handlers = _handlers()
    try:
        with initialize_config_dir(
            config_dir=str(config_dir()), version_base="1.3", job_name="sim"
        ):
            app = GlobalHydra.instance().hydra
            assert app is not None
            if ns.help:
                ns.overrides = [*ns.overrides, "hydra/help=sim"]
                app.app_help(config_name="config", args_parser=parser, args=ns)
            elif ns.hydra_help:
                app.hydra_help(config_name="config", args_parser=parser, args=ns)
            elif ns.cfg:
                app.show_cfg(
                    config_name="config",
                    overrides=ns.overrides,
                    cfg_type=ns.cfg,
                    package=ns.package,
                    resolve=ns.resolve,
                )
            else:
                app.show_info(ns.info, config_name="config", overrides=ns.overrides)
    except (HydraException, OmegaConfBaseException) as exc:
        raise ConfigError(_one_line(exc, ns.overrides)) from None
    finally:
        GlobalHydra.instance().clear()
        _restore_handlers(handlers)  # Hydra configured logging on the streams of the moment


def _check_flags(ns: argparse.Namespace) -> None:
    """Refuse flags this app does not support, and more than one command at once."""
    for key, flag in UNSUPPORTED.items():
        if getattr(ns, key, None):
            raise ConfigError(f"{flag.split()[0]} is not supported by python -m sim: {flag}")
    commands = [
        name
        for name, on in (
            ("--run", ns.run),
            ("--multirun", ns.multirun),
            ("--cfg", ns.cfg is not None),
            ("--info", ns.info is not None),
        )
        if on
    ]
    if len(commands) > 1:
        raise ConfigError(
            f"{' and '.join(commands)} together: give only one of --run, "
            "--multirun, --cfg and --info"
        )
    if ns.resolve and ns.cfg is None and not ns.help:
        raise ConfigError("--resolve works only with --cfg or --help")


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--version" in args:
        print(version_line())
        return 0
    try:
        args = _config_dir_override(args)  # --config-dir DIR -> hydra.searchpath=[file://DIR]
        parser = _parser()
        ns = parser.parse_intermixed_args(args)
        _check_flags(ns)
        if ns.help or ns.hydra_help or ns.cfg or ns.info:
            if ns.cfg and not ns.help:
                load_config(ns.overrides)  # bad input: the job's one-line error, exit 2
            _hydra_command(ns, parser)
            return 0
        if ns.scenarios:
            print(_scenario_list(options("scenario", ns.overrides), ns.overrides))
            return 0
        setup_logging()
        if ns.multirun:
            return sweep_main(["-m", *ns.overrides])
        if wants_sweep(ns.overrides):
            return sweep_main(ns.overrides)
        return _run(load_config(ns.overrides), ns.overrides)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # disk full, read-only or vanished folder: a fault, not bad input
        print(f"error: {os_error_line(exc)}", file=sys.stderr)
        return 1


def os_error_line(exc: OSError) -> str:
    """One line for a failed file operation: the file, the reason, and what to do."""
    where = exc.filename or "a results file"
    reason = exc.strerror or (str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    return (
        f"could not write {where}: {reason}; no results were written (free space or choose "
        f"another run.output_dir)"
    )


def _run(cfg, overrides: list[str]) -> int:
    """The main job (:func:`sim.jobs.main.run_main_job`); prints its progress on stderr and
    the summary on stdout.
    """
    start = time.perf_counter()
    folder = run_main_job(cfg, overrides, progress=lambda m: print(m, file=sys.stderr))
    print((folder / "summary.txt").read_text())
    print(f"results written to {folder} in {time.perf_counter() - start:.1f} s")
    return 0


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
