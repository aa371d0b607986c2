"""Every chart of the pack: a title, both axes labelled with units, a legend when it plots
several series; money axes say GBP and the price year."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from sim.report import figures
from sim.report.content import Chart, build_pack
from sim.report.sensitivity import rank_correlations
from sim.report.stats import option_labels

from .expected import CHARTS

pytestmark = pytest.mark.xdist_group("report_pack")  # made once on one worker


def _charts(result) -> list[Chart]:
    return [b for b in build_pack(result).blocks if isinstance(b, Chart)]


def _series(ax) -> int:
    return (
        len(ax.get_lines())
        - sum(
            1 for ln in ax.get_lines() if len(set(ln.get_ydata())) <= 1 and len(ln.get_xdata()) == 2
        )
        + len(ax.containers)
    )


def test_pack_has_every_chart(result):
    """NPV at a glance, fan charts, cash by organisation, waterfall, tornado and equity."""
    keys = [c.key for c in _charts(result)]
    assert keys == CHARTS


@pytest.mark.parametrize("key", CHARTS)
def test_chart_titles_axes_and_legend(result, key):
    """Titles, labelled axes with units, and a legend naming the series."""
    chart = next(c for c in _charts(result) if c.key == key)
    fig = chart.make((11, 6), None)
    assert isinstance(fig, Figure)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert axes
    for ax in axes:
        assert ax.get_title(), f"{key}: an axes without a title"
        assert ax.get_xlabel().strip(), f"{key}: x axis unlabelled"
        assert ax.get_ylabel().strip(), f"{key}: y axis unlabelled"
    legends = list(fig.legends) + [ax.get_legend() for ax in axes if ax.get_legend()]
    assert legends, f"{key}: no legend"
    texts = [t.get_text() for leg in legends for t in leg.get_texts()]
    assert len(texts) >= 2 and all(texts)
    price = result.appraisal.attrs["price_year"]
    for ax in axes:
        label = ax.get_ylabel() + ax.get_xlabel()
        if "GBP" in label:
            assert price in label, f"{key}: money without its price year"
    fig.canvas.draw()  # renders without error


def test_money_and_unit_words_on_axes(result):
    """Money charts are in GBP m at the price year; activity charts name their units."""
    a = result.appraisal
    labels = option_labels(a)
    fan = figures.fan_chart(a, ["net_cost_change", "emergency_admissions_change"], labels)
    y = [ax.get_ylabel() for ax in fan.axes]
    assert y[0].startswith("GBP m") and "2024/25" in y[0]
    assert "admissions" in y[1]
    assert all(ax.get_xlabel() == "financial year" for ax in fan.axes)
    eq = figures.equity_chart(a, labels)
    assert "per 1,000 residents" in eq.axes[0].get_ylabel()
    assert eq.axes[0].get_legend().get_title().get_text().startswith("Option")


def test_waterfall_parts_add_up_to_minus_npv(result):
    """Investment plus each organisation's change equals the system total, = minus the mean
    cash-view NPV before optimism bias."""
    a = result.appraisal
    for o in a["option"].values:
        parts = figures.waterfall_parts(a, str(o))
        assert np.isclose(parts.iloc[:-1].sum(), parts.iloc[-1], rtol=1e-9, atol=1.0)
        npv = float(a["npv_unadjusted"].sel(option=o, view="cash").mean())
        assert np.isclose(parts.iloc[-1], -npv, rtol=1e-6, atol=1.0)


def test_rank_correlations(result):
    """Correlations lie in [-1, 1], name effects and place inputs, and need three draws."""
    corr = rank_correlations(result.appraisal, result.runs, result.configs)
    assert not corr.empty
    assert corr["rho"].between(-1, 1).all()
    assert corr["input"].str.startswith(("place:", "effect:", "unit cost:", "investment:")).all()
    two = result.appraisal.isel(draw=[0, 1])
    assert rank_correlations(two, result.runs, result.configs).empty
