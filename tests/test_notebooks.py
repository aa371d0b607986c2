"""The analyst notebooks run top to bottom (from the repository root, writing only under
results/), so their examples stay true, and every cell that draws a chart shows it.

A cell *draws a chart* when a matplotlib Figure is created while it runs (pyplot or the
object-oriented API, in the notebook or inside the package): a hook in the kernel counts
Figures per cell and reports the count as a display output of that cell. Every such cell
must show an image (an ``image/png`` output). As a check on the hook itself, each cell
whose source visibly plots (``plt.``, ``.plot(``, ``plot_*(``, ``figures.*(`` or a helper
the notebook defines that plots) must be counted as charting.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MARKER = "application/x-sim-figures+json"

# Runs first in the kernel (not stored in the notebook): count Figures made during each cell.
HOOK = f"""
import matplotlib.figure as _mf
from IPython import get_ipython
from IPython.display import display as _display

_sim_made = [0]
_sim_init = _mf.Figure.__init__

def _sim_counting_init(self, *a, **k):
    _sim_made[0] += 1
    _sim_init(self, *a, **k)

_mf.Figure.__init__ = _sim_counting_init

def _sim_report(result):
    if _sim_made[0]:
        _display({{"{MARKER}": {{"figures": _sim_made[0]}}}}, raw=True)
    _sim_made[0] = 0

get_ipython().events.register("post_run_cell", _sim_report)
"""

PLOTS = re.compile(r"\bplt\.|\.plot[.(]|\bplot_\w+\(|\bfigures\.\w+\(")


def _plotting_helpers(sources: list[str]) -> list[str]:
    """Names of functions a notebook defines whose body plots (e.g. a tornado helper)."""
    names = []
    for src in sources:
        for m in re.finditer(r"^def (\w+)\(.*?(?=^\S|\Z)", src, flags=re.M | re.S):
            if PLOTS.search(m.group(0)):
                names.append(m.group(1))
    return names


def _visibly_plots(source: str, helpers: list[str]) -> bool:
    body = re.sub(r"^def \w+\(.*?(?=^\S|\Z)", "", source, flags=re.M | re.S)
    body = "\n".join(ln.split("#")[0] for ln in body.splitlines())
    return bool(PLOTS.search(body) or any(re.search(rf"\b{h}\(", body) for h in helpers))


def _figures(cell) -> int:
    return sum(
        int(o.get("data", {}).get(MARKER, {}).get("figures", 0))
        for o in cell.outputs
        if o.get("output_type") == "display_data"
    )


def _has_image(cell) -> bool:
    return any(
        "image/png" in o.get("data", {})
        for o in cell.outputs
        if o.get("output_type") in ("display_data", "execute_result")
    )


def test_the_six_notebooks_exist():
    """Quickstart, comparing options, sweep and sensitivity, your own place (a YAML), discovery,
    bring your own place (a data pack, calibration, appraisal)."""
    names = [p.stem for p in NOTEBOOKS]
    assert names == [
        "01_quickstart",
        "02_compare_options",
        "03_sweep_and_sensitivity",
        "04_your_own_place",
        "05_scenario_discovery",
        "06_bring_your_own_place",
    ]


def test_the_package_never_switches_the_matplotlib_backend():
    """No `matplotlib.use(...)` in the package: a notebook's inline backend must survive."""
    hits = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "sim").rglob("*.py")
        if re.search(r"matplotlib\.use\(|\.switch_backend\(", p.read_text())
    ]
    assert hits == []


def test_the_visible_plot_check_reads_sources():
    """The source check finds pyplot, xarray, package and helper plotting calls."""
    helpers = _plotting_helpers(["def tornado(x):\n    fig, ax = plt.subplots()\n"])
    assert helpers == ["tornado"]
    assert _visibly_plots("tornado(rho, 3, 't', 'x')", helpers)
    assert _visibly_plots('ds["x"].plot.line(x="time")', [])
    assert _visibly_plots("plot_sensitivity(ix, 'nctr')", [])
    assert _visibly_plots("figures.fan_chart(a, keys, labels)", [])
    assert not _visibly_plots("import matplotlib.pyplot as plt  # plt.show()", [])
    assert not _visibly_plots("x = annual(ds)\nprint(x)", [])


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_every_chart_is_shown(path: Path, tmp_path: Path):
    """Every cell executes without error; no outputs are stored in the repository; every
    cell that makes a Figure shows an image. Each runs in a folder of its own, so its
    results/ never touch the repository's (which other tests watch)."""
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), (
        f"{path.name} has stored outputs"
    )
    code = [c for c in nb.cells if c.cell_type == "code"]
    nb.cells.insert(0, nbformat.v4.new_code_cell(HOOK))
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    helpers = _plotting_helpers([c.source for c in code])
    charting = [i for i, c in enumerate(code) if _figures(c)]
    assert charting, f"{path.name}: no cell draws a chart"
    missing = [i for i in charting if not _has_image(code[i])]
    assert not missing, f"{path.name}: code cells {missing} draw a chart but show no image"
    unseen = [
        i for i, c in enumerate(code) if _visibly_plots(c.source, helpers) and i not in charting
    ]
    assert not unseen, f"{path.name}: code cells {unseen} plot but made no Figure"
