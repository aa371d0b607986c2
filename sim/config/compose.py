"""Compose the configuration exactly as the command line does, for the CLI and the API alike.

``configs/`` holds the root config and the groups (``place``, ``run``, ``finance``, ...);
``configs/scenario`` is the scenario library ``scenarios/``. Both ship inside the package as
``sim/conf`` (a symlink to ``../configs`` in the repository, copied into wheels), so an installed
package runs from any folder. ``$SIM_CONFIG_DIR`` replaces that folder with one's own;
``--config-dir DIR`` (``hydra.searchpath=[file://DIR]``) adds a folder after it, as in Hydra.
Hydra errors (unknown key, unknown group option, wrong type) become one-line
:class:`ConfigError` messages naming the key and what is allowed.
"""

from __future__ import annotations

import os
import re
from importlib import resources
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
    """The configuration folder: ``$SIM_CONFIG_DIR`` (a whole folder of one's own) or the
    package's own ``sim/conf`` (the repository's ``configs/``, shipped as package data).
    """
    env = os.environ.get("SIM_CONFIG_DIR")
    path = Path(env) if env else Path(str(resources.files("sim") / "conf"))
    if not (path / "config.yaml").is_file():
        where = "SIM_CONFIG_DIR" if env else "the installed package"
        raise ConfigError(
            f"configuration folder {path} (from {where}) has no config.yaml; set "
            f"SIM_CONFIG_DIR to a folder holding config.yaml and the groups (place/, run/, ...)"
        )
    return path


def search_dirs(overrides: list[str] | None = None) -> list[Path]:
    """The folders configs are read from, first first: :func:`config_dir`, then any folders
    added with ``hydra.searchpath=[file://...]`` (what ``--config-dir`` adds).
    """
    extra = []
    for o in overrides or []:
        listed = re.fullmatch(r"\+{0,2}hydra\.searchpath=\[(.*)\]", o.strip())
        if listed:
            for item in listed.group(1).split(","):
                item = item.strip().strip("'\"")
                if item.startswith("file://"):
                    extra.append(Path(item.removeprefix("file://")))
    return [config_dir(), *extra]


def options(group: str, overrides: list[str] | None = None) -> list[str]:
    """Names of the YAML files available in a config group (e.g. ``scenario``)."""
    return sorted({p.stem for d in search_dirs(overrides) for p in (d / group).glob("*.yaml")})


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
        raise ConfigError(_one_line(exc, overrides)) from None
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


def _one_line(exc: Exception, overrides: list[str] | None = None) -> str:
    """A short message from a Hydra/OmegaConf error, naming the key and the allowed values."""
    text = str(exc)
    missing_option = re.search(r"Could not find '([^/']+)/([^']+)'", text)
    if missing_option:
        group, name = missing_option.groups()
        return f"{group}={name}: no such {group}; available: {', '.join(options(group, overrides))}"
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
