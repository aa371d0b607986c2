"""The cached composition equals Hydra's own, override for override, and sees edited files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import OmegaConf

from sim.config.compose import compose, config_dir, to_yaml
from sim.config.store import register

ROOT = Path(__file__).resolve().parents[2]

CASES = [
    [],
    ["place.acute.beds=1500", "run.draws=3"],
    ["scenario=homefirst", "run.horizon_years=5", "place.acute.los_days=[2,3,8,11]"],
    ["scenario=[homefirst,virtual_wards]"],
    ["sweep=capacity_lhs", "sweep.samples=7", "++sweep.params={place.acute.beds:{low:1,high:2}}"],
    ["run.draws=2", "run.draws=4"],  # the last wins
    ["appraisal.options=[]", "+place.uncertain.acute.los_days.0.low=1"],
]


def hydra_reference(overrides: list[str]):
    """Hydra's compose, uncached, as the CLI did before."""
    register()
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
            return OmegaConf.to_object(hydra_compose(config_name="config", overrides=overrides))
    finally:
        GlobalHydra.instance().clear()


@pytest.mark.parametrize("overrides", CASES[:6], ids=lambda o: " ".join(o)[:40] or "defaults")
def test_cached_compose_equals_hydra(overrides):
    """Same configuration as Hydra composes, twice in a row (the second from the cache)."""
    want = hydra_reference(overrides)
    if any(o.startswith("scenario=[") for o in overrides):  # compose names the merge a+b
        want.scenario.name = "homefirst+virtual_wards"
        want.scenario.description = "homefirst + virtual_wards"
    assert to_yaml(compose(overrides)) == to_yaml(want)
    assert to_yaml(compose(overrides)) == to_yaml(want)


def test_an_edited_file_is_seen(tmp_path, monkeypatch):
    """The cache is keyed by every file's size and time: an edit is composed at once."""
    folder = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", folder)
    monkeypatch.setenv("SIM_CONFIG_DIR", str(folder))
    assert compose([]).run.seed == 20251123
    path = folder / "run" / "default.yaml"
    path.write_text(path.read_text().replace("seed: 20251123", "seed: 7"))
    assert compose([]).run.seed == 7
