"""The board pack's charts. Each function returns a matplotlib ``Figure`` (no pyplot state):
a title, axes labelled with units, and a legend naming every series and the P10-P90 band.

Lines are medians over draws; shaded bands span P10 to P90. Money is GBP millions at the
finance price year; changes are option minus baseline.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.figure import Figure, FigureBase
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from sim.appraisal.metrics import discount_factors
from sim.report.sensitivity import noise_threshold
from sim.report.stats import cumulative_discounted_net_benefit, gbp_m

ORG_SHORT = {
    "icb": "ICB (commissioner)",
    "acute": "Acute trust",
    "community": "Community provider",
    "ambulance": "Ambulance trust",
    "primary_care": "Primary care",
    "local_authority": "Local authority",
}
OPTION_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"]
ORG_TINY = {
    "icb": "ICB",
    "acute": "Acute",
    "community": "Community",
    "ambulance": "Ambulance",
    "primary_care": "Primary care",
    "local_authority": "Local authority",
}
ORG_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#a6761d"]
THOUSANDS = FuncFormatter(lambda x, _: f"{x:,.0f}" if abs(x) >= 100 else f"{x:g}")


def _figure(figsize: tuple[float, float], fig: FigureBase | None = None) -> FigureBase:
    """A new constrained-layout Figure, or ``fig`` (a page's SubFigure) to draw into."""
    if fig is not None:
        return fig
    fig = Figure(figsize=figsize, layout="constrained")
    fig.get_layout_engine().set(h_pad=0.06, w_pad=0.06)
    return fig


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) if len(text) > width else text


def _band_label(n: int) -> str:
    return f"lines: median; bands: P10 to P90 of {n} draws" if n > 1 else "one draw"


def _years_axis(ax, appraisal: xr.Dataset, every: int = 1) -> None:
    years = [str(y) for y in appraisal["financial_year"].values]
    step = every if len(years) > 6 else 1
    ax.set_xticks(range(0, len(years), step))
    ax.set_xticklabels(
        years[::step],
        rotation=30 if len(years) > 5 else 0,
        ha="right" if len(years) > 5 else "center",
        fontsize=8.5,
    )
    ax.set_xlabel("financial year")


def _grid(
    n: int, figsize: tuple[float, float], sharey: bool = False, fig: FigureBase | None = None
) -> tuple[FigureBase, list]:
    cols = 1 if n == 1 else 2
    rows = int(np.ceil(n / cols))
    fig = _figure(figsize, fig)
    axes = fig.subplots(rows, cols, squeeze=False, sharey=sharey).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, list(axes[:n])


# -- fan charts ------------------------------------------------------------------------------
def fan_measures(appraisal: xr.Dataset) -> dict[str, tuple[str, str, xr.DataArray]]:
    """Measures over time: key -> (title, y-axis label with units, values by option/draw/year)."""
    price = appraisal.attrs["price_year"]
    rate = 100 * float(appraisal.attrs["discount_rate"])
    a = appraisal
    return {
        "net_cost_change": (
            "Change in system net cost a year",
            f"GBP m a year ({price} prices)",
            a["net_cost_change"] / 1e6,
        ),
        "running_npv": (
            "Running NPV, cash view (optimism bias applied)",
            f"GBP m ({price} prices, discounted at {rate:g}%)",
            cumulative_discounted_net_benefit(a, "cash") / 1e6,
        ),
        "running_npv_economic": (
            "Running NPV, economic view (optimism bias applied)",
            f"GBP m ({price} prices, discounted at {rate:g}%)",
            cumulative_discounted_net_benefit(a, "economic") / 1e6,
        ),
        "emergency_admissions_change": (
            "Change in emergency admissions",
            "admissions a year",
            a["emergency_admissions_change"],
        ),
        "beds_freed": (
            "Acute (G&A) beds freed",
            "beds (mean occupied, baseline - option)",
            a["beds_freed"],
        ),
        "delayed_bed_days_change": (
            "Change in delayed-discharge bed days",
            "bed days a year (no criteria to reside)",
            a["delayed_bed_days_change"],
        ),
        "handover_hours_lost_change": (
            "Change in ambulance hours lost at handover",
            "hours a year",
            a["handover_hours_lost_change"],
        ),
        "long_term_care_change": (
            "Change in long-term care admissions",
            "people a year",
            a["long_term_care_change"],
        ),
        "at_home_91d_share_change": (
            "Change in the share still at home 91 days after going home",
            "percentage points",
            a["at_home_91d_share_change"],
        ),
    }


def fan_chart(
    appraisal: xr.Dataset,
    measures: list[str],
    labels: dict[str, str],
    figsize: tuple[float, float] = (11, 4.6),
    fig: FigureBase | None = None,
) -> FigureBase:
    """One panel per measure: each option's median over time with its P10-P90 band."""
    spec = fan_measures(appraisal)
    fig = _figure(figsize, fig)
    axes = fig.subplots(1, len(measures), squeeze=False).ravel()
    n = appraisal.sizes["draw"]
    x = np.arange(appraisal.sizes["year"])
    handles = []
    for ax, key in zip(axes, measures, strict=True):
        title, ylabel, da = spec[key]
        for i, o in enumerate(appraisal["option"].values):
            c = OPTION_COLOURS[i % len(OPTION_COLOURS)]
            d = da.sel(option=o)
            if n > 1:
                q = d.quantile([0.1, 0.5, 0.9], dim="draw").values
                ax.fill_between(x, q[0], q[2], color=c, alpha=0.15, lw=0)
                mid = q[1]
            else:
                mid = d.isel(draw=0).values
            (line,) = ax.plot(x, mid, color=c, lw=2, marker="o", ms=3, label=labels[str(o)])
            if ax is axes[0]:
                handles.append(line)
        ax.axhline(0, color="0.3", lw=0.8)
        ax.set_title(_wrap(title, 48), fontsize=11)
        ax.set_ylabel(ylabel)
        ax.yaxis.set_major_formatter(THOUSANDS)
        _years_axis(ax, appraisal)
        ax.grid(axis="y", alpha=0.3)
    if n > 1:
        handles.append(Patch(color="0.5", alpha=0.3, label="P10 to P90 band"))
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=min(len(handles), 5),
        title=f"Option ({_band_label(n)})",
        fontsize=9,
        title_fontsize=9,
    )
    return fig


# -- NPV at a glance -------------------------------------------------------------------------
def npv_chart(
    appraisal: xr.Dataset,
    labels: dict[str, str],
    figsize: tuple[float, float] = (11, 4.2),
    fig: FigureBase | None = None,
) -> FigureBase:
    """Each option's NPV in both views (cash: solid; economic: hatched lighter): median,
    P10-P90 range and every draw, with the chance NPV > 0.
    """
    a = appraisal
    price = a.attrs["price_year"]
    rate = 100 * float(a.attrs["discount_rate"])
    n = a.sizes["draw"]
    fig = _figure(figsize, fig)
    ax = fig.subplots()
    options = [str(o) for o in a["option"].values]
    views = [str(v) for v in a["view"].values]
    rows = [(o, v) for o in options for v in views]
    rng = np.random.default_rng(0)  # jitter of the dots only
    for k, (o, view) in enumerate(rows):
        i = options.index(o)
        v = a["npv"].sel(option=o, view=view).values / 1e6
        c = OPTION_COLOURS[i % len(OPTION_COLOURS)]
        y = len(rows) - 1 - k
        marker = "D" if view == "cash" else "s"
        if n > 1:
            q = np.quantile(v, [0.1, 0.5, 0.9])
            ax.plot(
                [q[0], q[2]],
                [y, y],
                color=c,
                lw=6,
                alpha=0.35 if view == "cash" else 0.18,
                solid_capstyle="butt",
            )
            ax.scatter(v, y + rng.uniform(-0.12, 0.12, v.size), s=10, color=c, alpha=0.6)
        else:
            q = [v[0], v[0], v[0]]
        ax.plot(
            [q[1]],
            [y],
            marker=marker,
            ms=9,
            color=c if view == "cash" else "white",
            mec=c if view != "cash" else "k",
            mew=2 if view != "cash" else 1,
        )
        p = float(a["probability_npv_positive"].sel(option=o, view=view))
        ax.annotate(
            f"{gbp_m(q[1] * 1e6)}; NPV > 0 in {100 * p:.0f}% of draws",
            (q[1], y),
            xytext=(0, 7),
            textcoords="offset points",
            ha="center",
            fontsize=8,
            bbox={"fc": "white", "ec": "none", "alpha": 0.85, "pad": 1},
        )
    options_rows = [f"{labels[o]}: {v}" for o, v in rows]
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(list(reversed(options_rows)), fontsize=8.5)
    ax.set_ylim(-0.6, len(rows) - 0.3)
    ax.axvline(0, color="0.3", lw=0.9)
    ax.margins(x=0.18)  # room for the labels above the end points
    ax.set_xlabel(f"net present value, GBP m ({price} prices, discounted at {rate:g}%)")
    ax.set_ylabel("option")
    ax.xaxis.set_major_formatter(THOUSANDS)
    ax.set_title(
        "Net present value of each option against the baseline: cash and economic "
        "views, optimism bias applied",
        fontsize=11,
    )
    ax.grid(axis="x", alpha=0.3)
    handles = [
        Line2D([], [], marker="D", ls="", color="0.4", mec="k", label="median, cash"),
        Line2D(
            [], [], marker="s", ls="", color="white", mec="0.4", mew=2, label="median, economic"
        ),
    ]
    if n > 1:
        handles += [
            Line2D([], [], color="0.4", lw=6, alpha=0.35, label="P10 to P90"),
            Line2D([], [], marker="o", ls="", ms=4, color="0.4", label=f"each of {n} draws"),
        ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    return fig


# -- cumulative cash by organisation ---------------------------------------------------------
def cash_by_org_chart(
    appraisal: xr.Dataset,
    labels: dict[str, str],
    figsize: tuple[float, float] = (11, 7),
    fig: FigureBase | None = None,
) -> FigureBase:
    """Per option: cumulative change in each organisation's surplus (+ saves, - pays)."""
    a = appraisal
    price = a.attrs["price_year"]
    n = a.sizes["draw"]
    cum = a["surplus_change"].cumsum("year") / 1e6
    fig, axes = _grid(a.sizes["option"], figsize, sharey=True, fig=fig)
    x = np.arange(a.sizes["year"])
    handles = []
    for ax, o in zip(axes, a["option"].values, strict=True):
        for j, org in enumerate(a["org"].values):
            c = ORG_COLOURS[j % len(ORG_COLOURS)]
            d = cum.sel(option=o, org=org)
            if n > 1:
                q = d.quantile([0.1, 0.5, 0.9], dim="draw").values
                ax.fill_between(x, q[0], q[2], color=c, alpha=0.12, lw=0)
                mid = q[1]
            else:
                mid = d.isel(draw=0).values
            (line,) = ax.plot(x, mid, color=c, lw=2, label=ORG_SHORT.get(str(org), str(org)))
            if ax is axes[0]:
                handles.append(line)
        ax.axhline(0, color="0.3", lw=0.8)
        ax.set_title(labels[str(o)], fontsize=11)
        ax.set_ylabel(f"GBP m ({price} prices)")
        ax.yaxis.set_major_formatter(THOUSANDS)
        ax.tick_params(labelleft=True)
        _years_axis(ax, a, every=2)
        ax.grid(axis="y", alpha=0.3)
    if n > 1:
        handles.append(Patch(color="0.5", alpha=0.3, label="P10 to P90 band"))
    fig.suptitle(
        "Cumulative change in surplus by organisation, undiscounted: above zero "
        "saves, below zero pays",
        fontsize=12,
    )
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=min(len(handles), 4),
        title=f"Organisation ({_band_label(n)})",
        fontsize=9,
        title_fontsize=9,
    )
    return fig


# -- net-cost waterfall ----------------------------------------------------------------------
def waterfall_parts(
    appraisal: xr.Dataset, option: str, payers: dict[str, float] | None = None
) -> pd.Series:
    """Present value (GBP, mean of draws) of: investment, each organisation's change in net
    cost other than investment it pays, and their sum, the change in system net cost.

    ``payers``: share of the investment each organisation pays (default: all by ``icb``).
    The parts add up exactly to the total, which is minus the NPV without health value.
    """
    a = appraisal.sel(option=option)
    rate = float(appraisal.attrs["discount_rate"])
    df = xr.DataArray(
        discount_factors(a.sizes["year"], rate), dims="year", coords={"year": a["year"]}
    )
    pv = lambda da: float((da * df).sum("year").mean("draw"))  # noqa: E731
    inv = pv(a["investment"])
    payers = payers or {"icb": 1.0}
    parts = {"Investment": inv}
    for org in a["org"].values:
        org = str(org)
        change = pv(-a["surplus_change"].sel(org=org)) - inv * payers.get(org, 0.0)
        parts[ORG_TINY.get(org, org)] = change
    parts["System net cost"] = pv(a["net_cost_change"])
    return pd.Series(parts)


def waterfall_chart(
    appraisal: xr.Dataset,
    labels: dict[str, str],
    payers: dict[str, dict[str, float]] | None = None,
    figsize: tuple[float, float] = (11, 7.4),
    fig: FigureBase | None = None,
) -> FigureBase:
    """Per option: investment, then each organisation's change, to the system total (PV)."""
    a = appraisal
    price = a.attrs["price_year"]
    rate = 100 * float(a.attrs["discount_rate"])
    fig, axes = _grid(a.sizes["option"], figsize, fig=fig)
    up, down, tot = "#d62728", "#2ca02c", "#4c72b0"
    for ax, o in zip(axes, a["option"].values, strict=True):
        parts = waterfall_parts(a, str(o), (payers or {}).get(str(o))) / 1e6
        steps = parts.iloc[:-1]
        start = np.concatenate([[0.0], np.cumsum(steps.values)[:-1]])
        colours = [up if v > 0 else down for v in steps.values]
        ax.bar(range(len(steps)), steps.values, bottom=start, color=colours, width=0.7)
        ax.bar(len(steps), parts.iloc[-1], color=tot, width=0.7)
        ends = np.concatenate([[0.0], start, start + steps.values, [parts.iloc[-1]]])
        lo, hi = float(ends.min()), float(ends.max())
        span = max(hi - lo, 1e-9)
        for i, (b, v) in enumerate(zip([*start, 0.0], parts.values, strict=True)):
            top = max(b, b + v)
            ax.text(i, top + 0.02 * span, f"{v:,.1f}", ha="center", va="bottom", fontsize=7.5)
        for i in range(len(steps)):
            ax.plot([i - 0.35, i + 1.35], [start[i] + steps.values[i]] * 2, color="0.5", lw=0.6)
        ax.axhline(0, color="0.3", lw=0.8)
        ax.set_ylim(lo - 0.08 * span, hi + 0.16 * span)
        ax.set_xticks(range(len(parts)))
        ax.set_xticklabels([str(k) for k in parts.index], fontsize=8, rotation=30, ha="right")
        ax.set_title(labels[str(o)], fontsize=11)
        ax.set_ylabel(f"GBP m, PV at {rate:g}%\n({price} prices)")
        ax.set_xlabel("component of the change in system net cost")
        ax.yaxis.set_major_formatter(THOUSANDS)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle(
        "What drives the change in system net cost (present value, mean of draws): "
        "investment, then each organisation",
        fontsize=12,
    )
    fig.legend(
        handles=[
            Patch(color=up, label="adds to system net cost"),
            Patch(color=down, label="reduces system net cost"),
            Patch(color=tot, label="system total (= minus NPV without health value)"),
        ],
        loc="outside lower center",
        ncols=3,
        fontsize=9,
    )
    return fig


# -- tornado ---------------------------------------------------------------------------------
def tornado_chart(
    correlations: pd.DataFrame,
    n_draws: int,
    labels: dict[str, str],
    top: int = 8,
    figsize: tuple[float, float] = (11, 7.4),
    fig: FigureBase | None = None,
) -> FigureBase:
    """Per option: the inputs whose draws move NPV most (Spearman rank correlation)."""
    options = [o for o in labels if o in set(correlations["option"])]
    fig, axes = _grid(max(len(options), 1), figsize, fig=fig)
    limit = noise_threshold(n_draws)
    pos, neg = "#2ca02c", "#d62728"
    if not options:
        ax = axes[0]
        ax.text(
            0.5, 0.5, "Sensitivity needs at least three draws", ha="center", transform=ax.transAxes
        )
        ax.set(
            title="Main uncertainties",
            xlabel="Spearman rank correlation with NPV (-1 to 1)",
            ylabel="sampled input",
        )
        return fig
    for ax, o in zip(axes, options, strict=True):
        d = correlations[correlations["option"] == o].head(top).iloc[::-1]
        y = np.arange(len(d))
        ax.barh(y, d["rho"], color=[pos if r > 0 else neg for r in d["rho"]], height=0.6)
        ax.axvspan(-limit, limit, color="0.85", zorder=0)
        ax.axvline(0, color="0.3", lw=0.8)
        ax.set_yticks(y)
        ax.set_yticklabels([_wrap(s, 44) for s in d["input"]], fontsize=7.5)
        ax.set_xlim(-1, 1)
        ax.set_title(labels[o], fontsize=11)
        ax.set_xlabel("Spearman rank correlation with NPV (-1 to 1)")
        ax.set_ylabel("sampled input")
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(
        f"Main uncertainties: which sampled inputs move NPV ({n_draws} draws)", fontsize=12
    )
    fig.legend(
        handles=[
            Patch(color=pos, label="higher input, higher NPV"),
            Patch(color=neg, label="higher input, lower NPV"),
            Patch(color="0.85", label=f"|rho| < {limit:.2f}: not distinguishable from chance"),
        ],
        loc="outside lower center",
        ncols=3,
        fontsize=9,
    )
    return fig


# -- equity ----------------------------------------------------------------------------------
def equity_chart(
    appraisal: xr.Dataset,
    labels: dict[str, str],
    figsize: tuple[float, float] = (11, 4.8),
    fig: FigureBase | None = None,
) -> FigureBase:
    """Change in emergency admissions per 1,000 residents a year by deprivation quintile."""
    a = appraisal
    n = a.sizes["draw"]
    fig = _figure(figsize, fig)
    ax = fig.subplots()
    quintiles = [str(q) for q in a["quintile"].values]
    k = a.sizes["option"]
    width = 0.8 / k
    for i, o in enumerate(a["option"].values):
        d = a["admissions_change_per_1000"].sel(option=o)
        q = d.quantile([0.1, 0.5, 0.9], dim="draw").values  # (stat, quintile)
        x = np.arange(len(quintiles)) + (i - (k - 1) / 2) * width
        err = np.vstack([q[1] - q[0], q[2] - q[1]]) if n > 1 else None
        ax.bar(
            x,
            q[1],
            width=width * 0.95,
            color=OPTION_COLOURS[i % len(OPTION_COLOURS)],
            yerr=err,
            capsize=2,
            ecolor="0.25",
            label=labels[str(o)],
        )
    names = {0: "most deprived", len(quintiles) - 1: "least deprived"}
    ax.set_xticks(range(len(quintiles)))
    ax.set_xticklabels([f"{q.upper()}\n{names.get(i, '')}" for i, q in enumerate(quintiles)])
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_xlabel("deprivation quintile of residents (IMD fifths)")
    ax.set_ylabel("change in emergency admissions\nper 1,000 residents a year")
    ax.set_title(
        "Who benefits: change in emergency admissions by deprivation quintile", fontsize=12
    )
    ax.grid(axis="y", alpha=0.3)
    ax.legend(
        title="Option\n(bars: median;\nwhiskers: P10 to P90)" if n > 1 else "Option",
        fontsize=9,
        title_fontsize=9,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
    )
    return fig
