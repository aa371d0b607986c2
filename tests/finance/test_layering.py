"""The money works on results and configuration only: it imports no engine, scenario or plot."""

from __future__ import annotations

import ast
from pathlib import Path

import sim.finance

FORBIDDEN = ("sim.engines", "sim.scenarios", "sim.plots", "sim.runner", "sim.model")


def test_finance_imports_no_engine_scenario_or_plot_code():
    """Every import in sim/finance/ is outside the engines, scenarios, plots and runner."""
    folder = Path(sim.finance.__file__).parent
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"
