"""The one error type for bad input: it names the key, the value and what is allowed."""

from __future__ import annotations


class ConfigError(ValueError):
    """Invalid configuration or input data; raised before any work starts."""
