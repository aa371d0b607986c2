"""Compose the configuration exactly as the command line does, for the CLI and the API alike.

``configs/`` holds the root config and the ``place`` and ``run`` groups; ``configs/scenario``
is the scenario library ``scenarios/``. Hydra errors (unknown key, unknown group option, wrong
type) become one-line :class:`ConfigError` messages naming the key and what is allowed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import HydraException
from omegaconf import OmegaConf, open_dict
from omegaconf.errors import OmegaConfBaseException

from sim.config.errors import ConfigError
from sim.config.schema import Config
from sim.config.store import register


def config_dir() -> Path:
    """The ``configs/`` folder: ``$SIM_CONFIG_DIR`` or the one beside the ``sim`` package."""
    env = os.environ.get("SIM_CONFIG_DIR")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "configs"
    if not (path / "config.yaml").is_file():
        raise ConfigError(
            f"configuration folder {path} has no config.yaml; set SIM_CONFIG_DIR to the "
            f"repository's configs/ folder"
        )
    return path


def options(group: str) -> list[str]:
    """Names of the YAML files available in a config group (e.g. ``scenario``)."""
    folder = config_dir() / group
    return sorted(p.stem for p in folder.glob("*.yaml"))


def compose(overrides: list[str] | None = None) -> Config:
    """Compose and type-check the configuration for ``overrides`` (the groups' own checks are
    :func:`sim.jobs.load.load_config`'s).
    """
    overrides = list(overrides or [])
    register()
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
            dcfg = hydra_compose(config_name="config", overrides=overrides)
        cfg = OmegaConf.to_object(dcfg)
    except (HydraException, OmegaConfBaseException) as exc:
        raise ConfigError(_one_line(exc)) from None
    finally:
        GlobalHydra.instance().clear()
    assert isinstance(cfg, Config)
    _name_composed_scenario(cfg, overrides)
    return cfg


def _name_composed_scenario(cfg: Config, overrides: list[str]) -> None:
    """``scenario=[a,b]`` merges several scenario files; name the result ``a+b``."""
    for o in overrides:
        listed = re.fullmatch(r"scenario=\[(.*)\]", o.strip())
        if listed:
            names = [n.strip() for n in listed.group(1).split(",") if n.strip()]
            cfg.scenario.name = "+".join(names)
            cfg.scenario.description = " + ".join(names)


def _one_line(exc: Exception) -> str:
    """A short message from a Hydra/OmegaConf error, naming the key and the allowed values."""
    text = str(exc)
    missing_option = re.search(r"Could not find '([^/']+)/([^']+)'", text)
    if missing_option:
        group, name = missing_option.groups()
        return f"{group}={name}: no such {group}; available: {', '.join(options(group))}"
    override = re.search(r"Could not override '([^']+)'", text)
    if override:
        return (
            f"{override.group(1)}: unknown configuration key; allowed keys are those of "
            f"sim/config/schema.py and configs/ (check the spelling)"
        )
    merging = re.search(r"Error merging override ([^=]+)=(.*)", text)
    if merging and exc.__cause__ is not None:
        cause = str(exc.__cause__).strip().splitlines()[0]
        return f"{merging.group(1)} = {merging.group(2)!r}: {cause}"
    key = re.search(r"full_key: ([^\s]+)", text)
    first = text.strip().splitlines()[0]
    if "not in struct" in text or "Key '" in first:
        name = key.group(1) if key else first
        return f"{name}: unknown configuration key ({first})"
    if key:
        return f"{key.group(1)}: {first}"
    return first


def to_yaml(cfg: Config) -> str:
    """The resolved configuration as YAML (what was run), without Hydra's defaults list."""
    node = OmegaConf.structured(cfg)
    with open_dict(node):
        node.pop("defaults", None)
    return OmegaConf.to_yaml(node)
