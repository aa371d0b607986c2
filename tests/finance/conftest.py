"""Fixtures of the money tests (helpers are in synthetic.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def default_finance():
    """The shipped finance configuration (configs/finance/default.yaml), composed and valid."""
    from sim.config.compose import compose_config

    return compose_config([]).finance
