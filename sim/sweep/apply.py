"""Set swept values on a composed configuration, exactly as a Hydra override would.

Each variant starts from its base configuration (composed once per combination of group
options such as ``scenario=homefirst``) and sets its dotted keys on a copy, with the field's
type (an ``int`` field refuses 2.5), then validates the copy: a variant is checked as
thoroughly as ``python -m sim key=value`` would check it.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from sim.config.errors import ConfigError
from sim.config.keys import resolve_key
from sim.config.schema import Config, Uncertain
from sim.jobs.load import validate


def set_key(cfg: Config, key: str, value: Any) -> None:
    """Set the dotted ``key`` (``place.acute.beds``, ``place.acute.los_days.2``) in place.

    A number set on a range (``{low, central, high}``, e.g. an investment's
    ``gbp_per_year``) makes it a decision: low, central and high all take the value.
    """
    parts = key.split(".")
    try:
        parent = resolve_key(cfg, ".".join(parts[:-1]))
        last = parts[-1]
        if isinstance(parent, list):
            old = parent[int(last)]
        elif isinstance(parent, dict):
            old = parent[last]
        else:
            if not dataclasses.is_dataclass(parent) or not hasattr(parent, last):
                raise KeyError(last)
            old = getattr(parent, last)
    except (KeyError, AttributeError, IndexError, ValueError):
        raise ConfigError(f"{key}: unknown configuration key (check the spelling)") from None
    if isinstance(old, Uncertain):
        x = float(_typed(key, old.central, value))
        old.low = old.central = old.high = x
        return
    new = _typed(key, old, value)
    if isinstance(parent, list):
        parent[int(last)] = new
    elif isinstance(parent, dict):
        parent[last] = new
    else:
        setattr(parent, last, new)


def _typed(key: str, old: Any, value: Any) -> Any:
    """``value`` converted to the type of the value it replaces."""
    if isinstance(old, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{key} = {value!r}: must be true or false")
        return value
    if isinstance(old, int) and not isinstance(old, bool):
        if float(value) != int(round(float(value))):
            raise ConfigError(f"{key} = {value!r}: must be an integer")
        return int(round(float(value)))
    if isinstance(old, float):
        return float(value)
    if isinstance(old, str) or old is None:
        return value
    raise ConfigError(f"{key}: not a single value ({type(old).__name__}); sweep its items")


UNSET = None
"""A value that leaves its key as in the base (a baseline's scenario.* keys)."""


def apply_values(base: Config, values: dict[str, Any]) -> Config:
    """A validated copy of ``base`` with dotted keys set (group keys are in ``base`` already;
    keys whose value is :data:`UNSET` are left as they are).
    """
    cfg = copy.deepcopy(base)
    for key, value in values.items():
        if "." in key and value is not UNSET:
            set_key(cfg, key, value)
    validate(cfg)
    return cfg
