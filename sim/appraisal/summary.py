"""The appraisal as printable text: one line per option and measure, P50 [P10 to P90]."""

from __future__ import annotations

import numpy as np
import xarray as xr

from sim.appraisal.appraise import summarise
from sim.appraisal.metrics import PAYBACK_FLAGS

MEASURES = (
    # (variable, view or None, label, scale, over years: "sum" | "mean" | None)
    ("investment", None, "Investment (GBP m)", 1e-6, "sum"),
    ("implementation_cost", None, "  of which implementation (GBP m)", 1e-6, None),
    ("npv", "cash", "NPV, cash view (GBP m)", 1e-6, None),
    ("npv", "economic", "NPV, economic view (GBP m)", 1e-6, None),
    ("npv_unadjusted", "cash", "  cash, before optimism bias", 1e-6, None),
    ("npv_unadjusted", "economic", "  economic, before optimism bias", 1e-6, None),
    ("bcr", "cash", "Benefit-cost ratio, cash", 1.0, None),
    ("bcr", "economic", "Benefit-cost ratio, economic", 1.0, None),
    ("payback_year", "cash", "Payback, cash (years from first)", 1.0, None),
    ("payback_year", "economic", "Payback, economic", 1.0, None),
    ("qalys_gained", None, "QALYs gained (incl. mortality)", 1.0, "sum"),
    ("emergency_admissions_change", None, "Emergency admissions", 1.0, "sum"),
    ("ed_attendances_change", None, "ED attendances", 1.0, "sum"),
    ("conveyances_change", None, "Conveyances", 1.0, "sum"),
    ("bed_days_change", None, "Acute bed days", 1.0, "sum"),
    ("delayed_bed_days_change", None, "Delayed (NCTR) bed days", 1.0, "sum"),
    ("handover_hours_lost_change", None, "Handover hours lost", 1.0, "sum"),
    ("boarding_days_change", None, "Patient-days boarding in ED", 1.0, "sum"),
    ("beds_freed", None, "Beds freed (mean a year)", 1.0, "mean"),
    ("at_home_91d_share_change_horizon", None, "At home 91 days: change (pp)", 1.0, None),
    ("long_term_care_change", None, "Long-term care admissions", 1.0, "sum"),
    ("equity_gap", None, "Equity gap q1 - q5 (per 1,000 a year)", 1.0, None),
)
WIDTH = 30


def format_appraisal(appraisal: xr.Dataset) -> str:
    """Options against baseline over the appraisal years; changes are option - baseline."""
    a = appraisal
    totals = xr.Dataset()
    for var, view, _, _, how in MEASURES:
        da = a[var].sel(view=view, drop=True) if view else a[var]
        totals[_key(var, view)] = da.sum("year") if how == "sum" else da.mean("year") if how else da
    s = summarise(totals)
    options = [str(o) for o in a["option"].values]
    spread = a.sizes["draw"] > 1
    lines = [
        f"Options against baseline, {a.attrs['first_year']} to {a.attrs['last_year']}, GBP at "
        f"{a.attrs['price_year']} prices, NPV at {100 * a.attrs['discount_rate']:g}% "
        f"({a.sizes['draw']} draw(s): P50 [P10 to P90]; changes are option - baseline)",
        f"Optimism bias {a.attrs.get('optimism_bias', 'n/a')}",
        f"{'':40s}" + "".join(f"{o[:WIDTH]:>{WIDTH}s}" for o in options),
    ]
    for var, view, label, scale, _ in MEASURES:
        cells = []
        for o in options:
            v = s[_key(var, view)].sel(option=o) * scale
            p10, p50, p90 = (float(v.sel(stat=k)) for k in ("P10", "P50", "P90"))
            cells.append(_cell(p10, p50, p90, spread, var == "payback_year"))
        lines.append(f"{label:40s}" + "".join(f"{c:>{WIDTH}s}" for c in cells))
    lines.append(
        _row(
            "At home 91 days: baseline -> option",
            [
                f"{_share(a, 'at_home_91d_share_baseline_horizon', o)} -> "
                f"{_share(a, 'at_home_91d_share_horizon', o)}"
                for o in options
            ],
        )
    )
    for view in ("cash", "economic"):
        lines.append(
            _row(
                f"Cost per admission avoided, {view} (GBP)",
                [per_admission_text(a, o, view) for o in options],
            )
        )
        p = a["probability_npv_positive"].sel(view=view)
        lines.append(
            _row(f"P(NPV > 0), {view}", [f"{float(p.sel(option=o)):.0%}" for o in options])
        )
    lines += [
        "",
        "Switching values (the value at which the mean NPV is 0; used value in brackets):",
    ]
    for o in options:
        for view in ("cash", "economic"):
            lines.append(f"  {o}, {view}: " + "; ".join(key_switching(a, o, view)))
    return "\n".join(lines)


def _key(var: str, view: str | None) -> str:
    return f"{var}.{view}" if view else var


def _row(label: str, cells: list[str]) -> str:
    return f"{label:40s}" + "".join(f"{c:>{WIDTH}s}" for c in cells)


def per_admission_text(a: xr.Dataset, option: str, view: str) -> str:
    """Mean cost change / mean admissions avoided (every draw), or 'not meaningful'."""
    if not bool(a["cost_per_admission_meaningful"].sel(option=option, view=view)):
        return "not meaningful"
    x = float(a["cost_per_admission_avoided_all_draws"].sel(option=option, view=view))
    return "n/a" if np.isnan(x) else f"{x:,.0f}"


SHORT_FLAGS = {-np.inf: "never", np.inf: "beyond"}


def payback_text(x: float, short: bool = False) -> str:
    """A payback year index in words: 'never a net cost', 'not within the horizon' or N
    (``short``: 'never', 'beyond').
    """
    if np.isnan(x):
        return "n/a"
    if np.isinf(x):
        return (SHORT_FLAGS if short else PAYBACK_FLAGS)[x]
    return f"{x:g}"


def key_switching(a: xr.Dataset, option: str, view: str, n: int = 4) -> list[str]:
    """The discount rate and the ``n`` inputs nearest their switching value, as text."""
    sv = a["switching_value"].sel(option=option, view=view)
    c = a["switching_central"].sel(option=option, view=view)
    out = []
    rate = float(sv.sel(parameter="discount_rate"))
    out.append(
        "discount rate "
        + ("none in 0-100%" if np.isnan(rate) else f"{100 * rate:.1f}%")
        + f" ({100 * float(c.sel(parameter='discount_rate')):g}%)"
    )
    rest = [str(p) for p in sv["parameter"].values if p != "discount_rate"]
    ratio = {}
    for p in rest:  # how far each input must move, relative to its value
        x, ref = float(sv.sel(parameter=p)), float(c.sel(parameter=p))
        if np.isfinite(x) and ref != 0 and x / ref > 0:
            ratio[p] = abs(np.log(x / ref))
    for p in sorted(ratio, key=ratio.get)[:n]:
        out.append(f"{p} {_num(float(sv.sel(parameter=p)))} ({_num(float(c.sel(parameter=p)))})")
    return out


def _num(x: float) -> str:
    return f"{x:,.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def _cell(p10: float, p50: float, p90: float, spread: bool, payback: bool = False) -> str:
    def f(x: float) -> str:
        if payback:
            return payback_text(x, short=spread)
        if np.isinf(x):
            return "beyond"
        if np.isnan(x):
            return "n/a"
        if abs(x) < 1:
            return f"{x:.2f}"
        return f"{x:,.1f}" if abs(x) < 100 else f"{x:,.0f}"

    if payback and spread and p10 == p90:
        return f(p50)
    return f"{f(p50)} [{f(p10)} to {f(p90)}]" if spread else f(p50)


def _share(a: xr.Dataset, var: str, option: str) -> str:
    """The median over draws of a share, as a percentage."""
    return f"{100 * float(a[var].sel(option=option).median()):.1f}%"
