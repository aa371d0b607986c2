"""Dotted configuration keys, e.g. ``acute.decondition_per_day.0``."""

from __future__ import annotations


def resolve_key(obj: object, key: str) -> object:
    """The value at a dotted key (list items by index), e.g. ``acute.decondition_per_day.0``."""
    for part in key.split("."):
        if isinstance(obj, dict):
            obj = obj[part]
        elif isinstance(obj, list):
            obj = obj[int(part)]
        else:
            if not hasattr(obj, part):
                raise KeyError(part)
            obj = getattr(obj, part)
    return obj
