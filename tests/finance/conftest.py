"""Fixtures of the money tests (helpers are in synthetic.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def default_finance():
    """The shipped finance configuration (configs/finance/default.yaml), composed and valid."""
    from sim.jobs.load import load_config

    return load_config([]).finance
