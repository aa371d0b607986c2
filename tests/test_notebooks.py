"""The analyst notebooks run top to bottom (from the repository root, writing only under
results/), so their examples stay true."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_four_notebooks_exist():
    """Quickstart, comparing options, sweep and sensitivity, your own place."""
    names = [p.stem for p in NOTEBOOKS]
    assert names == ["01_quickstart", "02_compare_options", "03_sweep_and_sensitivity",
                     "04_your_own_place"]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path):
    """Every cell executes without error; no outputs are stored in the repository."""
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), \
        f"{path.name} has stored outputs"  # fmt: skip
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}})  # fmt: skip
    client.execute()
