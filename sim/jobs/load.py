"""Load a configuration: compose it as the command line does, then run every check.

:func:`load_config` is the one way in for the CLI, the API, the sweeps and the tests: Hydra
composes the groups (:func:`sim.config.compose.compose`), then each layer checks its own group,
top down, before any work starts. Every error is one line naming the key, the value and what is
allowed.
"""

from __future__ import annotations

from sim.appraisal.validate import validate_appraisal
from sim.config.compose import compose, search_dirs
from sim.config.schema import Config
from sim.config.validate import results_folder, safe_name, validate_run
from sim.finance.validate import validate_finance, validate_start_date
from sim.jobs.limits import check_size
from sim.place.capacity_plan import validate_plan
from sim.place.data.load import apply_place_data
from sim.place.patient.validate import validate_patient
from sim.place.validate import validate_place, validate_step
from sim.scenarios.validate import validate_scenario


def load_config(overrides: list[str] | None = None) -> Config:
    """Compose, type-check and validate the configuration for ``overrides``."""
    cfg = compose(overrides)
    apply_place_data(cfg, search_dirs(overrides))  # its data pack and calibrated ensemble
    validate(cfg)
    return cfg


def validate(cfg: Config) -> None:
    """Raise :class:`~sim.config.errors.ConfigError` on the first problem found."""
    validate_run(cfg.run)
    safe_name(cfg.sweep.name, "sweep.name")
    results_folder(cfg.sweep.output_dir, "sweep.output_dir")
    validate_place(cfg.place)
    validate_plan(cfg.place, cfg.run)
    validate_step(cfg.place, cfg.run.step_days)
    validate_finance(cfg.finance)
    validate_start_date(cfg.finance, cfg.run.start_date)
    validate_scenario(cfg)
    validate_appraisal(cfg)
    check_size(cfg)
    if cfg.run.engine == "patient":
        validate_patient(cfg)
