"""The appraisal as printable text: one line per option and measure, P50 [P10 to P90]."""

from __future__ import annotations

import numpy as np
import xarray as xr

from sim.appraisal.appraise import summarise

MEASURES = (
    # (variable, label, scale, over years: "sum" | "mean" | None)
    ("investment", "Investment (GBP m)", 1e-6, "sum"),
    ("npv", "NPV (GBP m)", 1e-6, None),
    ("bcr", "Benefit-cost ratio", 1.0, None),
    ("payback_year", "Payback (years from first)", 1.0, None),
    ("cost_per_admission_avoided", "Net cost per admission avoided (GBP)", 1.0, None),
    ("emergency_admissions_change", "Emergency admissions", 1.0, "sum"),
    ("ed_attendances_change", "ED attendances", 1.0, "sum"),
    ("conveyances_change", "Conveyances", 1.0, "sum"),
    ("bed_days_change", "Acute bed days", 1.0, "sum"),
    ("delayed_bed_days_change", "Delayed (NCTR) bed days", 1.0, "sum"),
    ("handover_hours_lost_change", "Handover hours lost", 1.0, "sum"),
    ("beds_freed", "Beds freed (mean a year)", 1.0, "mean"),
    ("at_home_91d_change", "At home 91 days after discharge", 1.0, "sum"),
    ("long_term_care_change", "Long-term care admissions", 1.0, "sum"),
    ("equity_gap", "Equity gap q1 - q5 (per 1,000 a year)", 1.0, None),
)


def format_appraisal(appraisal: xr.Dataset) -> str:
    """Options against baseline over the appraisal years; changes are option - baseline."""
    a = appraisal
    totals = xr.Dataset(
        {
            var: (a[var].sum("year") if how == "sum" else a[var].mean("year") if how else a[var])
            for var, _, _, how in MEASURES
        }
    )
    s = summarise(totals)
    options = [str(o) for o in a["option"].values]
    width = 30
    lines = [
        f"Options against baseline, {a.attrs['first_year']} to {a.attrs['last_year']}, GBP at "
        f"{a.attrs['price_year']} prices, NPV at {100 * a.attrs['discount_rate']:g}% "
        f"({a.sizes['draw']} draw(s): P50 [P10 to P90]; changes are option - baseline)",
        f"{'':40s}" + "".join(f"{o[:width]:>{width}s}" for o in options),
    ]
    for var, label, scale, _ in MEASURES:
        cells = []
        for o in options:
            v = s[var].sel(option=o) * scale
            p10, p50, p90 = (float(v.sel(stat=k)) for k in ("P10", "P50", "P90"))
            cells.append(_cell(p10, p50, p90, a.sizes["draw"] > 1))
        lines.append(f"{label:40s}" + "".join(f"{c:>{width}s}" for c in cells))
    p = a["probability_npv_positive"]
    lines.append(
        f"{'P(NPV > 0)':40s}" + "".join(f"{float(p.sel(option=o)):>{width}.0%}" for o in options)
    )
    return "\n".join(lines)


def _cell(p10: float, p50: float, p90: float, spread: bool) -> str:
    def f(x: float) -> str:
        if np.isinf(x):
            return "beyond"
        if np.isnan(x):
            return "n/a"
        return f"{x:,.1f}" if abs(x) < 100 else f"{x:,.0f}"

    return f"{f(p50)} [{f(p10)} to {f(p90)}]" if spread else f(p50)
