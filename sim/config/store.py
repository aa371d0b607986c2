"""Register the schema with Hydra's ConfigStore so every YAML is checked against it."""

from __future__ import annotations

from hydra.core.config_store import ConfigStore

from sim.config.schema import (
    AppraisalCfg,
    Config,
    FinanceCfg,
    PlaceCfg,
    RunCfg,
    ScenarioCfg,
    SweepCfg,
)


def register() -> None:
    """Store the schema nodes the YAML files name in their ``defaults`` lists."""
    cs = ConfigStore.instance()
    cs.store(name="base_config", node=Config)
    cs.store(group="place", name="base_place", node=PlaceCfg)
    cs.store(group="scenario", name="base_scenario", node=ScenarioCfg)
    cs.store(group="run", name="base_run", node=RunCfg)
    cs.store(group="finance", name="base_finance", node=FinanceCfg)
    cs.store(group="appraisal", name="base_appraisal", node=AppraisalCfg)
    cs.store(group="sweep", name="base_sweep", node=SweepCfg)
