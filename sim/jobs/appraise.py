"""The main job: run the baseline and every option, then appraise them.

``python -m sim`` appraises ``appraisal.options`` against the baseline; ``python -m sim
scenario=X`` appraises X alone (with any other overrides applied to both); with
``appraisal.options=[]`` only the baseline runs. The baseline runs once and is every option's
plan (same place, run settings, seed and draws: common random numbers). The baseline follows
the place's capacity plan (``place.plan``); beside it runs ``baseline_do_nothing``, the same
baseline with capacity held as today, so every result can be read against both. On the
patient-level engine (``run.engine=patient``) the configured scenario runs alone, without
money.
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable

from sim.appraisal.appraise import appraise
from sim.appraisal.result import Appraisal
from sim.config.schema import Config
from sim.jobs.load import load_config
from sim.jobs.simulate import simulate
from sim.place.capacity_plan import holding_capacity, plans_anything
from sim.scenarios.money import changes_anything, plan_config

log = logging.getLogger(__name__)


def option_configs(
    cfg: Config, overrides: list[str], option_overrides: dict[str, list[str]] | None = None
) -> dict[str, Config]:
    """The options to appraise: the scenario named in ``cfg``, else ``appraisal.options``.

    ``option_overrides`` adds overrides to one option only (``{"homefirst":
    ["scenario.effects.reablement_places.size.central=400"]}``: an effect size that the other
    options do not have); each option is composed and validated by :func:`load_config`.
    """
    extra = option_overrides or {}
    if changes_anything(cfg.scenario):
        if not extra.get(cfg.scenario.name):
            return {cfg.scenario.name: cfg}
        return {cfg.scenario.name: load_config([*overrides, *extra[cfg.scenario.name]])}
    rest = [o for o in overrides if not o.strip().startswith("scenario=")]
    return {
        name: load_config([*rest, *extra.get(name, []), f"scenario={name}"])
        for name in cfg.appraisal.options
    }


def baseline_config(cfg: Config) -> Config:
    """The baseline: the same configuration with a scenario that changes nothing."""
    base = plan_config(cfg)
    base.scenario.name = "baseline"
    base.scenario.description = "Demand grows with demography; capacity follows the plan."
    return base


DO_NOTHING = "baseline_do_nothing"
"""The baseline with capacity as today (``place.plan.case=do_nothing``), reported beside the
business-as-usual plan's baseline."""


def do_nothing_config(cfg: Config) -> Config | None:
    """The baseline with capacity held as today, or None when the plan already does that."""
    if not plans_anything(cfg.place):
        return None
    base = copy.deepcopy(baseline_config(cfg))
    base.place = holding_capacity(base.place)
    base.scenario.name = DO_NOTHING
    base.scenario.description = "Demand grows with demography; capacity held as today."
    return base


def run_appraisal(
    cfg: Config,
    overrides: list[str],
    progress: Callable[[str], None] | None = None,
    option_overrides: dict[str, list[str]] | None = None,
) -> Appraisal:
    """Run the baseline and the options of ``cfg`` (composed from ``overrides``);
    ``option_overrides`` as in :func:`option_configs`.
    """
    say = progress or log.info
    if cfg.run.engine != "stockflow":  # operational detail of one scenario, no money
        say(f"{cfg.scenario.name} on the {cfg.run.engine} engine (no options appraisal)")
        return Appraisal(None, {cfg.scenario.name: simulate(cfg)}, {cfg.scenario.name: cfg})
    options = option_configs(cfg, overrides, option_overrides)
    do_nothing = do_nothing_config(cfg)
    extra = {} if do_nothing is None else {DO_NOTHING: do_nothing}
    n = len(options) + 1 + len(extra)
    start = time.perf_counter()
    base_cfg = baseline_config(cfg)
    say(f"[1/{n}] baseline: {cfg.run.draws} draw(s) x {cfg.run.horizon_years:g} years")
    runs = {"baseline": simulate(base_cfg)}
    for name, ecfg in extra.items():  # capacity as today, beside the plan
        say(f"[2/{n}] {name} ({time.perf_counter() - start:.0f} s so far)")
        runs[name] = simulate(ecfg)
    for i, (name, ocfg) in enumerate(options.items(), start=2 + len(extra)):
        say(f"[{i}/{n}] {name} ({time.perf_counter() - start:.0f} s so far)")
        runs[name] = simulate(ocfg, plan=runs["baseline"])
    table = None
    if options:
        table = appraise(runs["baseline"], {k: runs[k] for k in options}, cfg.appraisal)
    say(f"appraisal done in {time.perf_counter() - start:.0f} s")
    return Appraisal(table, runs, {"baseline": base_cfg, **extra, **options})
