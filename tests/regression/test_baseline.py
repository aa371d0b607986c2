"""The default place's key annual figures against the frozen regression baseline.

A failure means the numbers moved: if the change is meant, regenerate on purpose with
``python scripts/regression_baseline.py --force-regen`` and review ``git diff tests/regression``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "regression_baseline.py"


def _script():
    spec = importlib.util.spec_from_file_location("regression_baseline", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_key_annual_figures_match_the_frozen_baseline():
    rb = _script()
    rows = rb.figures()
    assert len(rows) == 2 * 13 * 10  # two cases, 13 measures, ten financial years
    diff = rb.differences(rows, rb.BASELINE.read_text())
    assert not diff, "\n".join(diff[:20])


def test_the_comparison_catches_a_moved_figure():
    rb = _script()
    rows = [{"case": "bau", "measure": "deaths", "year": "2025/26", "value": "7900"}]
    frozen = rb.to_csv(rows)
    assert rb.differences(rows, frozen) == []
    moved = [dict(rows[0], value="7901")]
    assert rb.differences(moved, frozen) == ["bau,deaths,2025/26: frozen 7900.0 now 7901.0"]
