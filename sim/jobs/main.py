"""The main job, end to end: claim the run folder, appraise, check, save.

One path for every caller: ``python -m sim``, :func:`sim.api.main_job` and the web app. The
run folder is claimed before the work, so a taken name or an unwritable results folder is
refused at once, and an interrupted or failed job leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sim.config.schema import Config
from sim.jobs.appraise import run_appraisal
from sim.jobs.save import claim_run_folder, save_appraisal
from sim.results.checks import check_conservation


def run_main_job(
    cfg: Config,
    overrides: list[str],
    progress: Callable[[str], None] = lambda message: None,
    option_overrides: dict[str, list[str]] | None = None,
) -> Path:
    """Run the baseline and options of ``cfg``, appraise them and write the run folder.

    Args:
        cfg: the validated configuration (:func:`sim.jobs.load.load_config`).
        overrides: the overrides ``cfg`` was composed from (each option re-composes with them).
        progress: called with one line of text at each stage.
        option_overrides: overrides for one option only (an effect size the other options do
            not have), as :func:`sim.jobs.appraise.option_configs` takes them.

    Returns:
        The run folder (``run.output_dir / run.name``), written atomically.

    Raises:
        ConfigError: the run name is taken (before any work).
        OSError: the results folder is not writable or has no room (before any work), or a
            write failed (nothing is left behind).
    """
    claimed = claim_run_folder(cfg)
    try:
        progress(
            f"place {cfg.place.name}: {cfg.run.draws} draw(s) x {cfg.run.horizon_years:g} years"
        )
        result = run_appraisal(cfg, overrides, progress, option_overrides)
        for ds in result.runs.values():
            check_conservation(ds)
        progress("writing results and the board pack")
        return save_appraisal(result, cfg, folder=claimed)
    except BaseException:
        claimed.abandon()
        raise
