"""Command-line overrides checked before Hydra sees them, and composed values it cannot check.

Hydra parses ``key=value`` overrides and type-checks them against the schema; what it does not
refuse, this module does, in one line naming the override, the value and what is allowed:

- text that is not an override (``=5``, ``-x``, non-ASCII outside quotes);
- ``hydra.*`` and ``hydra/...`` overrides but ``hydra.searchpath`` (what ``--config-dir``
  sets, honoured): ``python -m sim`` runs no Hydra application, so Hydra's other settings
  (``hydra.run.dir``, ``hydra.verbose``, ...) would silently do nothing; they are refused
  (results go to ``run.output_dir/run.name``);
- ``+key=value`` / ``++key=value`` unless the key is known: a key of the schema (``+`` is
  then dropped, the override sets it) or a new entry of a keyed table (a ``dict`` field such as
  ``scenario.effects``); Hydra would otherwise add an unknown key that nothing reads;
- resolvers (``${oc.env:HOME}``, ``${now:...}``, any ``${name:...}``) in overrides and in the
  YAML files: a run must be reproducible from its saved ``config.yaml``, which a value read
  from the environment or the clock at run time is not (and ``oc.env`` would copy environment
  values, secrets included, into the results). Plain interpolations (``${run.seed}``) stay:
  they are resolved into the saved configuration.

Age bands such as ``80+`` cannot be spelled in Hydra's key grammar (``+`` is not allowed in a
key), so a key part ``<N>plus`` stands for ``<N>+``: ``place.acute.pathway_shares.80plus=[...]``
sets the ``80+`` entry (applied after Hydra composes, with the same type checks).
"""

from __future__ import annotations

import re
import typing
from dataclasses import fields, is_dataclass
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.config.errors import ConfigError
from sim.config.schema import Config

GROUPS = ("place", "scenario", "run", "finance", "appraisal", "sweep")
RESOLVER = re.compile(r"\$\{\s*[^{}:\s]*:")  # ${name:...}: a resolver call
PLUS_PART = re.compile(r"^(\d+)(?:plus|\+)$")
HONOURED_HYDRA = ("hydra.searchpath",)  # --config-dir: more folders to find config files in
MAX_OVERRIDE = 10_000  # characters; longer text is not a hand-written override


def check_override_text(arg: str) -> None:
    """Refuse an argument that cannot be an override before parsing it."""
    if len(arg) > MAX_OVERRIDE:
        raise ConfigError(
            f"override {arg[:40]!r}...: {len(arg)} characters; allowed up to {MAX_OVERRIDE}"
        )
    if "=" not in arg:
        raise ConfigError(f"{arg!r}: not an override; allowed key=value (see python -m sim --help)")
    key = arg.split("=", 1)[0].strip()
    if not key or key.lstrip("+~") == "":
        raise ConfigError(f"{arg!r}: no key before '='; allowed key=value, e.g. run.draws=5")
    if RESOLVER.search(arg):
        raise ConfigError(
            f"{key} = {arg.split('=', 1)[1]!r}: resolvers (${{name:...}}, e.g. oc.env) are not "
            f"allowed (a run must be reproducible from its config.yaml); give the value itself"
        )
    bare = key.lstrip("+~")
    if bare in HONOURED_HYDRA:
        return
    if bare == "hydra" or bare.startswith(("hydra.", "hydra/")):
        raise ConfigError(
            f"{bare}: Hydra's own settings are not used by python -m sim (results go to "
            f"run.output_dir/run.name); allowed: hydra.searchpath (--config-dir) and the keys "
            f"of sim/config/schema.py"
        )


def prepare(overrides: list[str]) -> tuple[list[str], list[tuple[str, Any]]]:
    """Check ``overrides``; returns those for Hydra and ``(key, value)`` pairs to apply after
    composition (keys with a ``<N>plus`` part, spelled ``<N>+``).
    """
    for arg in overrides:
        check_override_text(arg)
    parser = OverridesParser.create()
    hydra_list: list[str] = []
    late: list[tuple[str, Any]] = []
    for arg in overrides:
        key, value_text = (t.strip() for t in arg.split("=", 1))
        parts = key.split(".")
        if any(PLUS_PART.match(p) for p in parts):
            if key.startswith(("+", "~")):
                raise ConfigError(f"{key}: an age band key takes key=value; allowed: no + or ~")
            value = _plain(_parse(parser, f"x={value_text}", key, arg).value(), key)
            late.append((".".join(PLUS_PART.sub(r"\1+", p) for p in parts), value))
            continue
        parsed = _parse(parser, arg, key, arg)
        name = parsed.get_key_element().lstrip("+~")
        if name in HONOURED_HYDRA:
            hydra_list.append(arg)
            continue
        if parsed.is_add() or parsed.is_force_add():
            kind = schema_kind(name)
            if kind == "unknown":
                raise ConfigError(
                    f"{arg.split('=', 1)[0]}: unknown configuration key; '+' adds only a known "
                    f"key or a new entry of a table such as scenario.effects (check the spelling)"
                )
            if kind == "field" and not parsed.is_force_add():  # '+' on a key that exists
                arg = f"{name}={arg.split('=', 1)[1]}"
        hydra_list.append(arg)
    return hydra_list, late


def _parse(parser: OverridesParser, text: str, key: str, arg: str) -> Any:
    """Hydra's parse of one override, or a one-line error naming it."""
    try:
        return parser.parse_override(text)
    except (HydraException, OmegaConfBaseException, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(
            f"{key}: cannot parse {arg!r} ({first[:120]}); allowed key=value with text quoted "
            f"when it has spaces or non-ASCII characters, e.g. key='a b'"
        ) from None


def _plain(value: Any, key: str) -> Any:
    """A parsed override value as plain Python (no sweeps)."""
    if hasattr(value, "list") or type(value).__name__ in (
        "ChoiceSweep",
        "RangeSweep",
        "IntervalSweep",
        "Glob",
    ):
        raise ConfigError(f"{key}: a sweep value here needs -m (multirun)")
    return value


def apply_late(dcfg: DictConfig, late: list[tuple[str, Any]]) -> None:
    """Set the ``<N>+`` keys on the composed configuration (type-checked by the schema)."""
    for key, value in late:
        parent, _, leaf = key.rpartition(".")
        node = OmegaConf.select(dcfg, parent, throw_on_missing=False) if parent else dcfg
        if not isinstance(node, DictConfig) or leaf not in node:
            allowed = list(node.keys()) if isinstance(node, DictConfig) else []
            raise ConfigError(
                f"{key}: unknown configuration key; allowed here: {allowed} (a "
                f"band such as 80+ may be written 80plus)"
            )
        try:
            node[leaf] = value
        except (OmegaConfBaseException, ValueError) as exc:
            raise ConfigError(f"{key} = {value!r}: {str(exc).splitlines()[0]}") from None


def refuse_resolvers(node: Any, where: str = "") -> None:
    """Refuse any resolver interpolation left in the composed (unresolved) configuration."""
    if isinstance(node, DictConfig):
        for k in node.keys():
            child = node._get_node(k)
            refuse_resolvers(child, f"{where}.{k}" if where else str(k))
    elif isinstance(node, ListConfig):
        for i in range(len(node)):
            refuse_resolvers(node._get_node(i), f"{where}.{i}")
    else:
        raw = node._value() if hasattr(node, "_value") else node
        if isinstance(raw, str) and RESOLVER.search(raw):
            raise ConfigError(
                f"{where} = {raw!r}: resolvers (${{name:...}}, e.g. oc.env) are not allowed in "
                f"configuration files (a run must be reproducible from its config.yaml)"
            )


def schema_kind(key: str) -> str:
    """``field`` (a key of the schema), ``entry`` (a new entry of a keyed table, or inside
    one) or ``unknown``.
    """
    tp: Any = Config
    parts = key.split(".")
    if parts[0] in GROUPS and len(parts) == 1:
        return "field"
    for i, part in enumerate(parts):
        origin = typing.get_origin(tp)
        if origin is dict:
            return "entry"
        if origin is list:
            if not part.isdigit():
                return "unknown"
            tp = typing.get_args(tp)[0]
            continue
        if not (isinstance(tp, type) and is_dataclass(tp)):
            return "unknown"
        hints = typing.get_type_hints(tp)
        names = {f.name for f in fields(tp)}
        if part not in names:
            return "unknown"
        tp = _unwrap(hints[part])
        if i == len(parts) - 1:
            return "field"
    return "field"


def _unwrap(tp: Any) -> Any:
    """``X | None`` -> ``X``."""
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if typing.get_origin(tp) in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return args[0] if len(args) == 1 else tp
    return tp
