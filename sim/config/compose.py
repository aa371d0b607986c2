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

import copy
import os
import re
from collections import OrderedDict
from importlib import resources
from pathlib import Path

import yaml
from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from hydra._internal.config_loader_impl import ConfigLoaderImpl
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf, open_dict
from omegaconf.errors import OmegaConfBaseException

from sim.config.errors import ConfigError
from sim.config.guard import apply_late, prepare, refuse_resolvers
from sim.config.schema import Config
from sim.config.store import register


def config_dir() -> Path:
    """The configuration folder: ``$SIM_CONFIG_DIR`` (a whole folder of one's own) or the
    package's own ``sim/conf`` (the repository's ``configs/``, shipped as package data).
    """
    env = os.environ.get("SIM_CONFIG_DIR")
    if env is not None and not env.strip():
        raise ConfigError("SIM_CONFIG_DIR is set but empty; allowed: unset, or a configs/ folder")
    # a relative SIM_CONFIG_DIR is taken from the current folder (Hydra needs an absolute path)
    path = Path(env).resolve() if env else Path(str(resources.files("sim") / "conf"))
    if not (path / "config.yaml").is_file():
        given = f"SIM_CONFIG_DIR = {env!r}: folder {path}" if env else f"folder {path}"
        raise ConfigError(
            f"{given} (from {'SIM_CONFIG_DIR' if env else 'the installed package'}) has no "
            f"config.yaml; set SIM_CONFIG_DIR to a folder holding config.yaml and the groups "
            f"(place/, run/, ...); allowed: such a folder, or unset"
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
    for_hydra, late = prepare(overrides)
    register()
    GlobalHydra.instance().clear()
    try:
        dcfg = _compose_cached(for_hydra)
        apply_late(dcfg, late)
        refuse_resolvers(dcfg)
        cfg = OmegaConf.to_object(dcfg)
    except (HydraException, OmegaConfBaseException) as exc:
        raise ConfigError(_one_line(exc, overrides)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(_yaml_line(exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"configuration folder {config_dir()}: cannot read a file ({exc})"
        ) from None
    finally:
        GlobalHydra.instance().clear()
    assert isinstance(cfg, Config)
    _name_composed_scenario(cfg, overrides)
    return cfg


COMPOSED_CACHE_SIZE = 8
_composed: OrderedDict[tuple, DictConfig] = OrderedDict()


def _compose_cached(overrides: list[str]) -> DictConfig:
    """Hydra's composition, the defaults list composed once per set of group choices.

    Hydra composes in two stages: the defaults list (the groups chosen: ``place=``,
    ``scenario=``, ...) is loaded and merged, then the value overrides (``run.draws=5``) are
    applied to the result in order (``ConfigLoaderImpl._apply_overrides_to_config``, struct
    mode on). The first stage reads and merges every YAML file (about 2 s); it is kept here,
    keyed by the group overrides and the size and modification time of every file in the
    configuration folder, and the second stage is Hydra's own function on a copy (~0.3 s).
    An override whose key has no dot (a group, or an unknown root key), and
    ``hydra.searchpath`` (more folders to read), go to Hydra with the first stage.
    """
    folder = config_dir()
    groups = [o for o in overrides if _is_group_override(o)]
    values = [o for o in overrides if not _is_group_override(o)]
    key = (str(folder), tuple(_signature(d) for d in search_dirs(groups)), tuple(groups))
    base = _composed.get(key)
    if base is None:
        with initialize_config_dir(config_dir=str(folder), version_base="1.3"):
            base = hydra_compose(config_name="config", overrides=groups)
        _composed[key] = base
        while len(_composed) > COMPOSED_CACHE_SIZE:
            _composed.popitem(last=False)
    _composed.move_to_end(key)
    parsed = OverridesParser.create().parse_overrides(values)
    ConfigLoaderImpl.validate_sweep_overrides_legal(parsed, RunMode.RUN, from_shell=True)
    dcfg = copy.deepcopy(base)
    ConfigLoaderImpl._apply_overrides_to_config(parsed, dcfg)
    return dcfg


def _is_group_override(override: str) -> bool:
    """Whether an override chooses a group option (``scenario=x``) rather than sets a value."""
    key = override.split("=", 1)[0].strip().lstrip("+~")
    return "." not in key or "/" in key or "@" in key or key.startswith("hydra.")


def _signature(folder: Path) -> tuple:
    """Every file of the configuration folder (symlinks followed) with its size and mtime."""
    out = []
    for dirpath, _dirs, files in os.walk(folder, followlinks=True):
        for name in files:
            st = os.stat(os.path.join(dirpath, name))
            out.append((dirpath, name, st.st_size, st.st_mtime_ns))
    return tuple(sorted(out))


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
    missing_option = re.search(r"Could not (?:find|load) '([^/']+)/([^']+)'", text)
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
        cause = _allowed_type(str(exc.__cause__).strip().splitlines()[0])
        return f"{merging.group(1)} = {merging.group(2)!r}: {cause}"
    composing = re.search(r"In '([^']+)': \w+ raised while composing config", text)
    if composing and len(text.strip().splitlines()) > 1:
        return _in_file(composing.group(1), text.strip().split("\n", 1)[1])
    key = re.search(r"full_key: ([^\s]+)", text)
    first = text.strip().splitlines()[0]
    if "not in struct" in text or "Key '" in first:
        name = key.group(1) if key else first
        return f"{name}: unknown configuration key ({first})"
    if key:
        return f"{key.group(1)}: {first}"
    return first


TYPE_NAMES = {"Integer": "a whole number", "Float": "a number", "Boolean": "true or false"}


def _allowed_type(cause: str) -> str:
    """OmegaConf's type errors, said as what is allowed."""
    conversion = re.search(r"could not be converted to (\w+)", cause)
    if conversion:
        wanted = TYPE_NAMES.get(conversion.group(1), conversion.group(1))
        return f"allowed {wanted}"
    if "is not Optional" in cause:
        return "allowed a value (not null)"
    return cause


def _in_file(source: str, text: str) -> str:
    """A value of a YAML file the schema refuses (wrong type, unknown key), with its file."""
    first = text.strip().splitlines()[0]
    key = re.search(r"full_key: ([^\s]+)", text)
    name = key.group(1) if key else first
    where = f"{source}.yaml in {config_dir()}"
    if "not in struct" in text or "Key '" in first:
        return (
            f"{name} ({where}): unknown configuration key; allowed keys are those of "
            f"sim/config/schema.py"
        )
    value = re.search(r"Value '(.*?)' of type", first)
    shown = f" = {value.group(1)!r}" if value else ""
    return f"{name}{shown} ({where}): {_allowed_type(first)}"


def _yaml_line(exc: yaml.YAMLError) -> str:
    """One line naming the YAML file and line, and the problem (tags such as ``!!python/...``
    are refused: configuration files are plain YAML, loaded safely).
    """
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f"{mark.name} line {mark.line + 1}" if mark is not None else "a configuration file"
    problem = str(getattr(exc, "problem", None) or exc).strip().splitlines()[0]
    if isinstance(exc, yaml.constructor.ConstructorError):
        return f"{where}: {problem}; allowed: plain YAML (no !! tags)"
    return f"{where}: malformed YAML ({problem}); allowed: well-formed YAML"


def to_yaml(cfg: Config) -> str:
    """The resolved configuration as YAML (what was run), without Hydra's defaults list."""
    node = OmegaConf.structured(cfg)
    with open_dict(node):
        node.pop("defaults", None)
    return OmegaConf.to_yaml(node)
