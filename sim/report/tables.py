"""The board pack's tables: numbers for finance teams (Excel) and the same, formatted, for
the board (HTML and PDF).

Each :class:`Table` holds ``data`` (numbers, one column per quantity, units in the headers)
and ``display`` (strings: P50 with the P10-P90 range beneath). Changes are option minus
baseline over the appraisal years; money is GBP at the finance price year.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from sim.appraisal.appraise import ACTIVITY
from sim.appraisal.summary import per_admission_text
from sim.report.stats import (
    Spread,
    count,
    cumulative_discounted_net_benefit,
    gbp,
    gbp_m,
    number,
    payback_label,
    percent,
    spread,
    total,
)


@dataclass
class Table:
    """One table of the pack: numbers for Excel, strings for the board."""

    key: str  # Excel sheet name (at most 31 characters)
    title: str
    data: pd.DataFrame  # numeric; units in column headers or a units column
    display: pd.DataFrame | None = None  # strings; None = shown in Excel only
    note: str = ""
    widths: list[float] = field(default_factory=list)  # relative column widths (PDF)
    formats: dict[str, str] = field(default_factory=dict)  # column -> Excel number format
    row_formats: list[str | None] = field(default_factory=list)  # per data row (Excel)


@dataclass(frozen=True)
class Measure:
    """A row of the options summary: how to get one value per draw, and how to show it."""

    label: str
    units: str
    per_draw: Callable[[xr.Dataset], xr.DataArray]  # appraisal of one option -> (draw,)
    fmt: Callable[[float], str]
    scale: float = 1.0  # Excel value = per-draw value x scale
    nearest: bool = False
    excel: str = "#,##0"  # Excel number format of the value


GBP_M = "#,##0.00"  # Excel: GBP millions to the nearest GBP 10,000
COUNT = "#,##0"
SHARE = "0%"


def _sum(var: str, sign: float = 1.0) -> Callable[[xr.Dataset], xr.DataArray]:
    return lambda a: sign * total(a[var])


VIEW_LABELS = {"cash": "cash view", "economic": "economic view"}


def money_measures(appraisal: xr.Dataset) -> list[Measure]:
    """Rows of the money table: investment, then each view's present values, NPV and BCR."""
    price = appraisal.attrs["price_year"]
    rate = float(appraisal.attrs["discount_rate"])
    gm = f"GBP m, {price} prices"
    rows = [
        Measure("Investment paid (total)", gm, _sum("investment"), gbp_m, 1e-6, excel=GBP_M),
        Measure("  of which implementation (one-off)", gm, lambda a: a["implementation_cost"],
                gbp_m, 1e-6, excel=GBP_M),
    ]  # fmt: skip
    for v, name in VIEW_LABELS.items():
        rows += [
            Measure(
                f"PV of costs, {name} (optimism bias applied)",
                gm,
                lambda a, v=v: a["pv_costs"].sel(view=v),
                gbp_m,
                1e-6,
                excel=GBP_M,
            ),
            Measure(
                f"PV of benefits, {name} (optimism bias applied)",
                gm,
                lambda a, v=v: a["pv_benefits"].sel(view=v),
                gbp_m,
                1e-6,
                excel=GBP_M,
            ),
            Measure(
                f"Net present value, {name} (at {100 * rate:g}%)",
                gm,
                lambda a, v=v: a["npv"].sel(view=v),
                gbp_m,
                1e-6,
                excel=GBP_M,
            ),
            Measure(
                f"  NPV before optimism bias, {name}",
                gm,
                lambda a, v=v: a["npv_unadjusted"].sel(view=v),
                gbp_m,
                1e-6,
                excel=GBP_M,
            ),
            Measure(
                f"Benefit-cost ratio, {name}",
                "PV benefits / PV costs",
                lambda a, v=v: a["bcr"].sel(view=v),
                lambda x: number(x, 2),
                excel="0.00",
            ),
        ]
    rows += [
        Measure(
            "Change in system net cost (total, undiscounted)",
            gm,
            _sum("net_cost_change"),
            gbp_m,
            1e-6,
            excel=GBP_M,
        ),
        Measure(
            "QALYs gained (admissions, long-term care, mortality)",
            "QALYs (total)",
            _sum("qalys_gained"),
            lambda x: number(x, 0, signed=True),
            excel="+#,##0;-#,##0;0",
        ),
    ]
    return rows


def activity_measures(appraisal: xr.Dataset) -> list[Measure]:
    """Rows of the activity, beds and equity table (changes: option - baseline)."""
    return [
        Measure(
            "Emergency admissions", "admissions (total)", _sum("emergency_admissions_change"), count
        ),
        Measure(
            "A&E attendances (all types)",
            "attendances (total)",
            _sum("ed_attendances_change"),
            count,
        ),
        Measure(
            "Ambulance conveyances to ED", "conveyances (total)", _sum("conveyances_change"), count
        ),
        Measure("Acute (G&A) bed days", "bed days (total)", _sum("bed_days_change"), count),
        Measure(
            "Delayed-discharge (no criteria to reside) bed days",
            "bed days (total)",
            _sum("delayed_bed_days_change"),
            count,
        ),
        Measure(
            "Ambulance hours lost at handover",
            "hours (total)",
            _sum("handover_hours_lost_change"),
            count,
        ),
        Measure(
            "Patient-days boarding in ED (decided to admit, no bed)",
            "patient days (total)",
            _sum("boarding_days_change"),
            count,
        ),
        Measure(
            "Acute beds freed, mean over the years",
            "beds",
            lambda a: a["beds_freed"].mean("year"),
            lambda x: number(x, 0, signed=True),
        ),
        Measure(
            "Acute beds freed, most in any year",
            "beds",
            lambda a: a["beds_freed"].max("year"),
            lambda x: number(x, 0, signed=True),
        ),
        Measure(
            "Still at home 91 days after going home (ASCOF 2B style), option",
            "% of those whose 91 days ended",
            lambda a: 100 * a["at_home_91d_share_horizon"],
            lambda x: number(x, 1),
            excel="0.0",
        ),
        Measure(
            "  change against the baseline",
            "percentage points",
            lambda a: a["at_home_91d_share_change_horizon"],
            lambda x: number(x, 2, signed=True),
            excel="+0.00;-0.00;0.00",
        ),
        Measure(
            "Long-term care admissions avoided",
            "people (total)",
            _sum("long_term_care_change", -1.0),
            count,
        ),
        Measure(
            "Equity gap: change in most (q1) minus least (q5) deprived",
            "admissions per 1,000 residents a year",
            lambda a: a["equity_gap"],
            lambda x: number(x, 2, signed=True),
            excel="+0.00;-0.00;0.00",
        ),
    ]


def cell(s: Spread, fmt: Callable[[float], str], draws: int) -> str:
    """``P50`` then ``(P10 to P90)`` on a second line; one value with a single draw."""
    if s.n == 0:
        return "n/a"
    head = fmt(s.p50)
    if draws <= 1:
        return head
    lo, hi = fmt(s.p10), fmt(s.p90)
    if lo == hi == head:
        return f"{head}\n(all draws)" if s.n == draws else f"{head}\n{s.n} of {draws} draws"
    tail = f"({lo} to {hi})"
    if s.n < draws:
        tail += f"\n{s.n} of {draws} draws"
    return f"{head}\n{tail}"


@dataclass(frozen=True)
class ExtraRow:
    """A row of a measure table computed apart: per option, its shown text and its P10, P50
    and P90 for Excel (numbers, or words where a number is undefined).
    """

    label: str
    units: str
    shown: dict[str, str]
    values: dict[str, tuple[float | str, float | str, float | str]]
    excel: str | None = None


def _measure_table(
    appraisal: xr.Dataset,
    measures: list[Measure],
    labels: dict[str, str],
    key: str,
    title: str,
    note: str,
    extra: list[ExtraRow],
) -> Table:
    options = [str(o) for o in appraisal["option"].values]
    draws = appraisal.sizes["draw"]
    rows, shown, formats = [], [], []
    for m in measures:
        line = {"Measure": m.label, "Units": m.units}
        for o in options:
            s = spread(m.per_draw(appraisal.sel(option=o)), nearest=m.nearest)
            line[labels[o]] = cell(s, m.fmt, draws)
            rows.append(
                {
                    "Measure": m.label,
                    "Units": m.units,
                    "Option": labels[o],
                    "P10": s.p10 * m.scale,
                    "P50": s.p50 * m.scale,
                    "P90": s.p90 * m.scale,
                    "Draws with a value": s.n,
                }
            )
            formats.append(m.excel)
        shown.append(line)
    for x in extra:
        shown.append(
            {"Measure": x.label, "Units": x.units, **{labels[o]: x.shown[o] for o in options}}
        )
        for o in options:
            p10, p50, p90 = x.values[o]
            rows.append(
                {
                    "Measure": x.label,
                    "Units": x.units,
                    "Option": labels[o],
                    "P10": p10,
                    "P50": p50,
                    "P90": p90,
                    "Draws with a value": draws,
                }
            )
            formats.append(x.excel)
    return Table(
        key,
        title,
        pd.DataFrame(rows),
        pd.DataFrame(shown),
        note,
        widths=[3.2, 1.6] + [2.0] * len(options),
        row_formats=formats,
    )


def options_money_table(appraisal: xr.Dataset, labels: dict[str, str]) -> Table:
    """Investment, both views' present values, NPV, BCR, payback, chance of NPV > 0 and cost
    per admission avoided.
    """
    a = appraisal
    years = [str(y) for y in a["financial_year"].values]
    draws = a.sizes["draw"]
    price = a.attrs["price_year"]
    extra = []
    for v, name in VIEW_LABELS.items():
        payback = ExtraRow(f"Payback year (discounted), {name}", "financial year", {}, {})
        chance = ExtraRow(f"Chance that NPV > 0, {name}", "share of draws", {}, {}, excel=SHARE)
        per_adm = ExtraRow(
            f"Cost per emergency admission avoided, {name}",
            f"GBP per admission ({price} prices)",
            {},
            {},
            excel="#,##0",
        )
        for o in map(str, a["option"].values):
            s = spread(a["payback_year"].sel(option=o, view=v), nearest=True)
            lo, mid, hi = (payback_label(x, years) for x in s.values)
            text = mid
            if draws > 1:
                text += "\n(all draws)" if lo == mid == hi else f"\n({lo} to {hi})"
            payback.shown[o], payback.values[o] = text, (lo, mid, hi)
            p = float(a["probability_npv_positive"].sel(option=o, view=v))
            chance.shown[o], chance.values[o] = percent(p), ("n/a", p, "n/a")
            txt = per_admission_text(a, o, v)
            x = float(a["cost_per_admission_avoided_all_draws"].sel(option=o, view=v))
            word = txt in ("not meaningful", "n/a")
            per_adm.shown[o] = txt if word else gbp(x)
            per_adm.values[o] = ("n/a", txt if word else x, "n/a")
        extra += [payback, chance, per_adm]
    ob = a["optimism_bias"]
    note = (
        f"Each option against the baseline, {a.attrs['first_year']} to "
        f"{a.attrs['last_year']}, GBP at {price} prices (real terms), "
        f"discounted at {100 * float(a.attrs['discount_rate']):g}% a year from the first "
        f"year ({a.attrs['discount_source']}); health at "
        f"{100 * float(a.attrs['health_discount_rate']):g}%. Cells: median (P50) of {draws} "
        "draws, with P10 to P90 beneath. Cash view: released cash (the change in system net "
        "cost as the providers book it). Economic view: resources valued at cost whether or "
        "not released, with QALYs gained at "
        f"GBP {float(a.attrs['value_per_qaly_gbp']):,.0f} each (Methods, 2a). Costs are the "
        "option's investment plus any net cost it adds elsewhere; benefits are the net "
        "saving elsewhere (and health); optimism bias raises costs by "
        f"{100 * float(ob.sel(applied_to='costs')):g}% and divides benefits by "
        f"{1 + float(ob.sel(applied_to='benefits')):g}. Payback: the first year from which "
        "the discounted cumulative net benefit stays at or above zero ('never a net cost': "
        "never below zero; 'beyond horizon': not within the years appraised). Cost per "
        "admission avoided: mean change in cost over the mean admissions avoided, every draw "
        "counted; 'not meaningful' when the admissions change's P10 to P90 range includes "
        "zero; negative: saves money as well as admissions. n/a: undefined (no costs for "
        "the benefit-cost ratio)."
    )
    return _measure_table(
        a,
        money_measures(a),
        labels,
        "Options - money",
        "Money: cash and economic views",
        note,
        extra,
    )


def switching_table(appraisal: xr.Dataset, labels: dict[str, str], n: int = 3) -> Table:
    """Switching values: per option and view, the discount rate, the savings needed and the
    ``n`` inputs that need the smallest move (every input in the workbook).
    """
    a = appraisal
    rows, shown = [], []
    for o in a["option"].values:
        for v, name in VIEW_LABELS.items():
            sv = a["switching_value"].sel(option=o, view=v)
            c = a["switching_central"].sel(option=o, view=v)
            how = a["switching_method"].sel(option=o, view=v)
            for p in sv["parameter"].values:
                x, ref = float(sv.sel(parameter=p)), float(c.sel(parameter=p))
                if np.isnan(ref):
                    continue
                rows.append(
                    {
                        "Option": labels[str(o)],
                        "View": v,
                        "Input": str(p),
                        "Value used": ref,
                        "Switching value (NPV = 0)": x,
                        "Method": str(how.sel(parameter=p).values),
                    }
                )
            rate = float(sv.sel(parameter="discount_rate"))
            share = float(sv.sel(parameter="savings_share"))
            shown.append(
                {
                    "Option": labels[str(o)],
                    "View": name,
                    "Discount rate at NPV = 0 (used: "
                    f"{100 * float(a.attrs['discount_rate']):g}%)": "none in 0-100%"
                    if np.isnan(rate)
                    else f"{100 * rate:.1f}%",
                    "Savings needed (x modelled)": "none" if np.isnan(share) else f"{share:.2f} x",
                    "Inputs nearest their switching value: used -> switching (method)": "\n".join(
                        _key_inputs(sv, c, how, n)
                    )
                    or "none within range",
                }
            )
    note = (
        "The value of each input at which the option's mean NPV over draws is zero, "
        "others as used. Exact: NPV recomputed from the yearly money with the input changed "
        "(a unit cost scales the costs it multiplies, activity held fixed; the discount rate "
        "replaces the Green Book rate, health keeps its own). Fitted: effect sizes, from a "
        "linear fit of NPV over the draws (indicative with few draws). 'none' means NPV "
        "keeps its sign over the range searched (rates 0-100%, inputs 0 to 1,000 times). "
        "Savings needed: the multiple of the modelled money savings elsewhere (health as "
        "modelled) at "
        "which NPV is zero; below 1, the option has room to spare. Every input is in the "
        "workbook."
    )
    return Table(
        "Switching values",
        "Switching values: what would have to change for NPV = 0",
        pd.DataFrame(rows),
        pd.DataFrame(shown),
        note,
        widths=[1.6, 1.3, 1.7, 1.5, 5.0],
    )


def _key_inputs(sv: xr.DataArray, c: xr.DataArray, how: xr.DataArray, n: int) -> list[str]:
    """The ``n`` inputs (other than the rate and savings) nearest their switching value."""

    def fmt(x: float) -> str:
        return f"{x:,.3g}" if abs(x) < 1000 else f"{x:,.0f}"

    dist = {}
    for p in sv["parameter"].values:
        x, ref = float(sv.sel(parameter=p)), float(c.sel(parameter=p))
        if str(p) in ("discount_rate", "savings_share"):
            continue
        if np.isfinite(x) and np.isfinite(ref) and ref != 0 and x / ref > 0:
            dist[str(p)] = abs(np.log(x / ref))
    out = []
    for p in sorted(dist, key=dist.get)[:n]:
        x, ref = float(sv.sel(parameter=p)), float(c.sel(parameter=p))
        method = str(how.sel(parameter=p).values).split(" ")[0]
        out.append(f"{p}: {fmt(ref)} -> {fmt(x)} ({method})")
    return out


def options_activity_table(appraisal: xr.Dataset, labels: dict[str, str]) -> Table:
    """Changes in activity, beds, people at home, long-term care and equity."""
    a = appraisal
    note = (
        f"Change against the baseline (option - baseline), totals over {a.attrs['first_year']}"
        f" to {a.attrs['last_year']} unless stated. Negative: less activity than the "
        f"baseline. Cells: median (P50) of {a.sizes['draw']} draws with P10 to P90 beneath."
        " Equity gap: a negative value means the option reduces admissions more in the most "
        "deprived fifth of residents than in the least deprived."
    )
    return _measure_table(
        a, activity_measures(a), labels, "Options - activity", "Activity, beds and equity", note, []
    )


def who_pays_table(appraisal: xr.Dataset, labels: dict[str, str]) -> Table:
    """Change in each organisation's surplus over the horizon (+ saves, - pays)."""
    a = appraisal
    options = [str(o) for o in a["option"].values]
    draws = a.sizes["draw"]
    price = a.attrs["price_year"]
    orgs = [str(o) for o in a["org"].values]
    names = dict(zip(orgs, [str(n) for n in a["org_name"].values], strict=True))
    rows, shown = [], []
    tot = total(a["surplus_change"])
    for org in [*orgs, "system"]:
        line = {"Organisation": names.get(org, "Whole system (sum of organisations)")}
        for o in options:
            v = tot.sel(option=o)
            v = v.sum("org") if org == "system" else v.sel(org=org)
            s = spread(v)
            line[labels[o]] = cell(s, gbp_m, draws)
            rows.append(
                {
                    "Organisation": line["Organisation"],
                    "Option": labels[o],
                    f"P10 (GBP m, {price} prices)": s.p10 / 1e6,
                    f"P50 (GBP m, {price} prices)": s.p50 / 1e6,
                    f"P90 (GBP m, {price} prices)": s.p90 / 1e6,
                }
            )
        shown.append(line)
    note = (
        f"Change in each organisation's surplus, summed over {a.attrs['first_year']} to "
        f"{a.attrs['last_year']}, undiscounted, GBP at {price} prices: positive, the "
        "organisation is better off (saves); negative, it pays. Investment counts against "
        "its payer and as income to its provider; payments between organisations "
        "(contracts, risk-share settlements) move money between rows and cancel in the "
        "system total, which equals minus the change in system net cost."
    )
    return Table(
        "Who pays and saves",
        "Who pays and who saves",
        pd.DataFrame(rows),
        pd.DataFrame(shown),
        note,
        widths=[3.4] + [2.0] * len(options),
    )


def _by_year_rows(da: xr.DataArray, base: dict) -> list[dict]:
    rows = []
    q = da.quantile([0.1, 0.5, 0.9], dim="draw", skipna=True)
    for i, fy in enumerate(da["financial_year"].values):
        v = q.isel(year=i).values
        rows.append({**base, "Financial year": str(fy), "P10": v[0], "P50": v[1], "P90": v[2]})
    return rows


def money_by_year_table(appraisal: xr.Dataset, labels: dict[str, str]) -> Table:
    """Investment, change in cost in each view, health value and running NPV, by year."""
    a = appraisal
    price = a.attrs["price_year"]
    parts = [("investment", "Investment paid"),
             ("net_cost_change", "Change in system net cost (cash view)"),
             ("economic_cost_change", "Change in resource cost (economic view)"),
             ("health_value", "Money value of QALYs gained (economic view)")]  # fmt: skip
    rows = []
    for o in a["option"].values:
        for var, label in parts:
            rows += _by_year_rows(
                a[var].sel(option=o) / 1e6, {"Option": labels[str(o)], "Measure": label}
            )
        for v in VIEW_LABELS:
            running = cumulative_discounted_net_benefit(a, v)
            rows += _by_year_rows(
                running.sel(option=o) / 1e6,
                {
                    "Option": labels[str(o)],
                    "Measure": f"Running NPV, {v} view (optimism bias applied)",
                },
            )
    df = _gbp_m_columns(pd.DataFrame(rows), price)
    return Table(
        "Money by year",
        "Money by financial year",
        df,
        note=f"GBP m at {price} prices; percentiles of each year's value over draws.",
    )


def cash_by_org_table(appraisal: xr.Dataset, labels: dict[str, str]) -> Table:
    """Change in each organisation's surplus by year (who pays, who saves, when)."""
    a = appraisal
    price = a.attrs["price_year"]
    rows = []
    for o in a["option"].values:
        for org, name in zip(a["org"].values, a["org_name"].values, strict=True):
            rows += _by_year_rows(
                a["surplus_change"].sel(option=o, org=org) / 1e6,
                {"Option": labels[str(o)], "Organisation": str(name)},
            )
    df = _gbp_m_columns(pd.DataFrame(rows), price)
    return Table(
        "Cash by organisation",
        "Change in surplus by organisation and year",
        df,
        note=f"GBP m at {price} prices; + the organisation saves, - it pays.",
    )


def activity_by_year_table(appraisal: xr.Dataset, labels: dict[str, str]) -> Table:
    """Each activity change by year."""
    a = appraisal
    rows = []
    for o in a["option"].values:
        for key, (_, units, name) in ACTIVITY.items():
            rows += _by_year_rows(
                a[f"{key}_change"].sel(option=o),
                {"Option": labels[str(o)], "Measure": name, "Units": units},
            )
        rows += _by_year_rows(
            a["beds_freed"].sel(option=o),
            {
                "Option": labels[str(o)],
                "Measure": "Acute beds freed",
                "Units": "beds (mean occupied, baseline - option)",
            },
        )
    return Table(
        "Activity by year",
        "Change in activity by financial year (option - baseline)",
        pd.DataFrame(rows),
        note="Percentiles of each year's change over draws.",
    )


def equity_table(appraisal: xr.Dataset, labels: dict[str, str]) -> Table:
    """Change in emergency admissions per 1,000 residents a year by deprivation quintile."""
    a = appraisal
    units = "admissions per 1,000 residents a year"
    rows = []
    for o in a["option"].values:
        for qn in a["quintile"].values:
            s = spread(a["admissions_change_per_1000"].sel(option=o, quintile=qn))
            rows.append(
                {
                    "Option": labels[str(o)],
                    "Deprivation quintile": str(qn),
                    f"P10 ({units})": s.p10,
                    f"P50 ({units})": s.p50,
                    f"P90 ({units})": s.p90,
                }
            )
    return Table(
        "Equity",
        "Change in emergency admissions by deprivation quintile",
        pd.DataFrame(rows),
        note="q1 = most deprived fifth of residents, q5 = least.",
    )


def draws_table(appraisal: xr.Dataset, labels: dict[str, str]) -> Table:
    """Every draw's headline results, for checking and re-analysis."""
    a = appraisal
    price = a.attrs["price_year"]
    years = [str(y) for y in a["financial_year"].values]
    rows = []
    for o in a["option"].values:
        x = a.sel(option=o)
        for d in a["draw"].values:
            y = x.sel(draw=d)
            pb = float(y["payback_year"].sel(view="cash"))
            bcr = {v: float(y["bcr"].sel(view=v)) for v in VIEW_LABELS}
            per = float(y["cost_per_admission_avoided"].sel(view="cash"))
            rows.append(
                {
                    "Option": labels[str(o)],
                    "Draw": int(d),
                    f"NPV cash (GBP m, {price} prices)": float(y["npv"].sel(view="cash")) / 1e6,
                    f"NPV economic (GBP m, {price} prices)": float(y["npv"].sel(view="economic"))
                    / 1e6,
                    **{
                        f"Benefit-cost ratio, {v}": b if np.isfinite(b) else "n/a (no costs)"
                        for v, b in bcr.items()
                    },
                    "Payback year, cash (financial year)": payback_label(pb, years),
                    "Cost per admission avoided, cash (GBP)": per if np.isfinite(per) else "n/a",
                    f"Investment (GBP m, {price} prices)": float(total(y["investment"])) / 1e6,
                    f"Change in system net cost (GBP m, {price} prices)": float(
                        total(y["net_cost_change"])
                    )
                    / 1e6,
                    "Change in emergency admissions": float(
                        total(y["emergency_admissions_change"])
                    ),
                    "Acute beds freed (mean)": float(y["beds_freed"].mean("year")),
                }
            )
    return Table(
        "Draws",
        "Headline results of every draw",
        pd.DataFrame(rows),
        note="Payback: the financial year from which the discounted cumulative net benefit "
        "stays at or above zero; 'never a net cost' when it is never below zero, 'beyond "
        "horizon' when it does not pay back within the years appraised. Cost per admission "
        "avoided per draw: read it with the options table, which marks it 'not meaningful' "
        "when the admissions change's P10 to P90 range includes zero.",
        formats={
            "Draw": "0",
            "Change in emergency admissions": COUNT,
            "Acute beds freed (mean)": "#,##0.0",
        },
    )


def _gbp_m_columns(df: pd.DataFrame, price: str) -> pd.DataFrame:
    """Percentile columns of money tables labelled with their units and price year."""
    return df.rename(columns={k: f"{k} (GBP m, {price} prices)" for k in ("P10", "P50", "P90")})
