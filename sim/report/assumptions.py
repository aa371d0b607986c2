"""The assumptions behind the options, each with its source (an EVIDENCE.md row or the word
``assumption`` and a reason), read from the configurations the runs used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from sim.config.schema import Config
from sim.evidence import UnknownEvidenceRow, evidence_row
from sim.place.describe import key_sizes, uncertain_inputs
from sim.report.tables import Table


def _fy(start: str, year: int) -> str:
    """Financial year ``year`` of a run (1 = the first) as ``2026/27``."""
    y0 = int(start[:4]) if int(start[5:7]) >= 4 else int(start[:4]) - 1
    y = y0 + year - 1
    return f"{y}/{(y + 1) % 100:02d}"


def _num(x: float | None) -> str:
    if x is None:
        return "-"
    x = float(x)
    if x == int(x) and abs(x) >= 1:
        return f"{x:,.0f}"
    return f"{x:,.3g}" if abs(x) < 1 else f"{x:,.2f}"


def _merge_options(df: pd.DataFrame) -> pd.DataFrame:
    """One row for an item several options share (Combined repeats HomeFirst's effects)."""
    if df.empty:
        return df
    rest = [c for c in df.columns if c != "Option"]
    key = df[rest].astype(str).agg("\x1f".join, axis=1)
    options = df.groupby(key, sort=False)["Option"].agg(", ".join)
    first = df.loc[~key.duplicated()].copy()
    first["Option"] = [options[k] for k in key[~key.duplicated()]]
    return first.reset_index(drop=True)


def _with_display(
    key: str,
    title: str,
    df: pd.DataFrame,
    note: str,
    widths: list[float],
    text_cols: dict[str, str] | None = None,
) -> Table:
    shown = df.copy()
    for col in shown.columns:
        shown[col] = [v if isinstance(v, str) else _num(v) for v in shown[col]]
    if text_cols:
        shown = shown.rename(columns=text_cols)
    return Table(key, title, df, shown, note, widths)


def effects_table(configs: dict[str, Config], labels: dict[str, str]) -> Table:
    """Every scenario effect: lever, unit, low/central/high, start, ramp-up, cohorts, source."""
    rows = []
    for name, cfg in configs.items():
        if name not in labels:
            continue
        for key, e in cfg.scenario.effects.items():
            who = (
                "; ".join(
                    x
                    for x in (
                        "ages " + ", ".join(e.ages) if e.ages else "",
                        "segments " + ", ".join(e.segments) if e.segments else "",
                        "quintiles " + ", ".join(map(str, e.quintiles)) if e.quintiles else "",
                    )
                    if x
                )
                or "everyone"
            )
            rows.append(
                {
                    "Option": labels[name],
                    "Effect": key.replace("_", " "),
                    "Lever": e.lever,
                    "Unit": e.unit.replace("_", " "),
                    "Low": e.size.low,
                    "Central": e.size.central,
                    "High": e.size.high,
                    "From": e.start,
                    "Lag (years)": e.lag_years,
                    "Ramp-up (years)": e.ramp_years,
                    "Who": who,
                    "Source": e.size.source,
                }
            )
    cols = [
        "Option",
        "Effect",
        "Lever",
        "Unit",
        "Low",
        "Central",
        "High",
        "From",
        "Lag (years)",
        "Ramp-up (years)",
        "Who",
        "Source",
    ]
    df = _merge_options(pd.DataFrame(rows, columns=cols))
    note = (
        "Each effect moves a lever of the place; with several draws its size is drawn from a "
        "triangular distribution over low / central / high (Latin hypercube). The model's "
        "mechanisms turn it into activity and money; outcomes are never written in."
    )
    shown_cols = [
        "Option",
        "Effect",
        "Lever",
        "Unit",
        "Low",
        "Central",
        "High",
        "From",
        "Who",
        "Source",
    ]
    t = _with_display("Effects", "Scenario effects and their evidence", df, note, [])
    t.display = t.display[shown_cols]
    t.widths = [1.3, 1.6, 2.4, 1.0, 0.6, 0.7, 0.6, 1.0, 1.3, 4.7]
    return t


def _evidence_source(row_id: str) -> str:
    """A cited row's first source title (shortened) and type, from the evidence table."""
    try:
        row = evidence_row(row_id)
    except UnknownEvidenceRow:
        return "(not in the evidence table)"
    if row.type == "brief":
        return "project brief (figures as quoted)"
    title = row.source.split("; ")[0] or "source not found"
    title = title if len(title) <= 70 else title[:69].rstrip(" ,;") + "…"
    return title + (f" [{row.type}]" if row.type else "")


def _evidence_sources(row_ids: list[str]) -> str:
    """``S.1, S.2 project brief (...); 7.1, 7.4 NHS Providers 2025 case-study bundle [L]``:
    cited rows grouped by source, in order of first citation.
    """
    groups: dict[str, list[str]] = {}
    for r in row_ids:
        groups.setdefault(_evidence_source(r), []).append(r)
    return "; ".join(f"{', '.join(ids)} {source}" for source, ids in groups.items()) or "-"


def evidence_rows_table(configs: dict[str, Config], labels: dict[str, str]) -> Table:
    """Each option's description, mechanism and the EVIDENCE.md rows it rests on, each with
    its source title from the evidence table (``sim/evidence``).
    """
    rows = []
    for name, cfg in configs.items():
        if name not in labels:
            continue
        s = cfg.scenario
        rows.append(
            {
                "Option": labels[name],
                "What it is": s.description,
                "Mechanism in the model": s.mechanism,
                "EVIDENCE.md rows": _evidence_sources([str(r) for r in s.evidence]),
            }
        )
    df = pd.DataFrame(rows)
    return _with_display(
        "Options",
        "The options and their evidence",
        df,
        "Rows refer to EVIDENCE.md (the project's evidence table, in the "
        "package as sim/evidence/evidence.csv with every source's URL), each "
        "with its first source; type P primary, S secondary, L local "
        "self-report, D derived.",
        [1.3, 2.6, 4.4, 3.7],
    )


def investments_table(configs: dict[str, Config], labels: dict[str, str], price: str) -> Table:
    """Investment lines and contracts each option adds."""
    rows = []
    for name, cfg in configs.items():
        if name not in labels:
            continue
        start = cfg.run.start_date
        lines = {**cfg.finance.investments, **cfg.scenario.investments}
        for key, inv in lines.items():
            g = inv.gbp_per_year
            buys = ", ".join(f"{k} {100 * v:.0f}%" for k, v in inv.buys.items())
            if inv.cost == "line":
                amount = f"rise of the {inv.cost_line} cost line against plan (from the run)"
                source = inv.source
            else:
                amount = f"{g.central / 1e6:,.1f}" + (
                    ""
                    if g.low == g.high == g.central
                    else f" ({g.low / 1e6:,.1f} to {g.high / 1e6:,.1f})"
                )
                source = g.source
            rows.append(
                {
                    "Option": labels[name],
                    "Item": f"investment: {key}",
                    "Payer → provider": f"{inv.payer} → {inv.provider}",
                    f"GBP m a year ({price} prices)": amount,
                    "Timing": f"from {_fy(start, inv.start_year)}, ramp-up "
                    f"{inv.ramp_up_years} year(s)"
                    + (f", to {_fy(start, inv.end_year)}" if inv.end_year else ""),
                    "Detail": (f"buys {buys}" if buys else f"cost: {inv.cost}") + f"; {inv.kind}",
                    "Source": source,
                }
            )
        for key, c in cfg.scenario.contracts.items():
            shares = ", ".join(f"{k} {100 * v:.0f}%" for k, v in c.shares.items())
            rows.append(
                {
                    "Option": labels[name],
                    "Item": f"contract: {key}",
                    "Payer → provider": f"{c.payer} → {c.provider or 'parties'}",
                    f"GBP m a year ({price} prices)": "-",
                    "Timing": f"from {_fy(start, c.start_year)}"
                    + (f" for {c.years} years" if c.years else ""),
                    "Detail": f"{c.mechanism}" + (f": {shares}" if shares else ""),
                    "Source": c.source,
                }
            )
        mode = cfg.scenario.contracting
        if mode.mode != "none":
            rows.append(
                {
                    "Option": labels[name],
                    "Item": "contracting",
                    "Payer → provider": "-",
                    f"GBP m a year ({price} prices)": "-",
                    "Timing": f"terms of {mode.term_years} years"
                    if mode.mode == "multi_year"
                    else "reviewed each year",
                    "Detail": mode.mode.replace("_", "-"),
                    "Source": f"scenario definition (scenarios/{cfg.scenario.name}.yaml)",
                }
            )
    cols = [
        "Option",
        "Item",
        "Payer → provider",
        f"GBP m a year ({price} prices)",
        "Timing",
        "Detail",
        "Source",
    ]
    df = _merge_options(pd.DataFrame(rows, columns=cols))
    return _with_display(
        "Investments and contracts",
        "Investments and contracts",
        df,
        "Investment amounts once fully ramped up (central, with low to high); "
        "an investment buys capacity at the finance unit costs.",
        [1.3, 1.8, 1.4, 1.5, 1.8, 2.4, 4.0],
    )


def unit_costs_table(cfg: Config, baseline: xr.Dataset) -> Table:
    """Unit costs: as quoted, at the price year, range, and source."""
    price = cfg.finance.price_year
    at_price = {}
    if "unit_cost" in baseline:
        at_price = {
            str(k): float(v)
            for k, v in zip(
                baseline["unit_cost_name"].values, baseline["unit_cost"].values, strict=True
            )
        }
    rows = []
    for name, u in cfg.finance.unit_costs.items():
        quoted = (
            f"{u.gbp:,.2f} ({u.price_year or price})"
            if u.gbp is not None
            else f"{u.times:g} x {u.of}"
        )
        rng = f"{u.low:,.2f} to {u.high:,.2f}" if u.low is not None and u.high is not None else "-"
        rows.append(
            {
                "Unit cost": name,
                "Unit": u.unit,
                "As quoted (GBP, price year)": quoted,
                f"GBP at {price}": at_price.get(name, np.nan),
                "Range drawn": rng,
                "Source": u.source,
            }
        )
    df = pd.DataFrame(rows)
    t = _with_display(
        "Unit costs",
        f"Unit costs (GBP, uplifted to {price} prices)",
        df,
        f"Older costs uplifted to {price} with the index: {cfg.finance.index.source}."
        " Ranges (at the quoted price year) are drawn per draw (triangular).",
        [1.6, 0.9, 1.5, 0.9, 1.2, 6.0],
    )
    t.display[f"GBP at {price}"] = [f"{v:,.2f}" for v in df[f"GBP at {price}"]]
    return t


def uncertain_table(cfg: Config) -> Table:
    """The place's uncertain parameters drawn across draws."""
    rows = [
        {
            "Parameter (place key)": u.key,
            "Low": u.low,
            "Central": u.central,
            "High": u.high,
            "Source": u.source,
        }
        for u in uncertain_inputs(cfg.place)
    ]
    df = pd.DataFrame(rows, columns=["Parameter (place key)", "Low", "Central", "High", "Source"])
    return _with_display(
        "Uncertain inputs",
        "Uncertain inputs of the place",
        df,
        "Drawn per draw from a triangular distribution (Latin hypercube); a "
        "scenario and its baseline share every draw (common random numbers).",
        [3.0, 0.8, 0.8, 0.8, 5.0],
    )


def place_table(cfg: Config) -> Table:
    """Key sizes of the place (each value's EVIDENCE row is beside it in the place YAML)."""
    p = cfg.place
    rows = key_sizes(p)
    df = pd.DataFrame([{"Input": a, "Value": b, "Units": c} for a, b, c in rows])
    return _with_display(
        "Place",
        f"The place: {p.name}",
        df,
        f"{p.description} Each value's EVIDENCE.md row or assumption is beside it "
        f"in configs/place/{p.name}.yaml.",
        [3.0, 1.2, 1.2],
    )


def appraisal_settings_table(cfg: Config, appraisal: xr.Dataset) -> Table:
    """Price year, discount rate, horizon, health value, draws and seed."""
    a = cfg.appraisal
    h, e, ob = a.health, a.economic, a.optimism_bias
    rows = [
        ("Price year", cfg.finance.price_year,
         "finance.price_year: the latest price year of the evidence (EVIDENCE 4.14, 4.17)"),
        ("Discount rate", f"{100 * a.discount_rate:g}% a year (real)", a.discount_source),
        ("Years appraised", f"{appraisal.attrs['first_year']} to {appraisal.attrs['last_year']}",
         "appraisal.horizon_years (none = the whole run)"),
        ("Money value of health", "economic view" if h.enabled else "not included",
         f"{h.source}; GBP {h.value_per_qaly_gbp:,.0f} per QALY at {100 * h.discount_rate:g}%; "
         f"QALYs {h.qaly_per_admission_avoided:g} per admission avoided, "
         f"{h.qaly_per_long_term_care_avoided:g} per long-term care admission avoided, "
         f"{h.qaly_per_life_year:g} per year of life gained"
         if h.enabled else "appraisal.health.enabled = false: NPV counts money only"),
        ("Economic bed day", f"GBP {e.bed_day_gbp:,.2f} ({e.bed_day_price_year}) x NHSCII x "
         f"opportunity share {e.opportunity_share:g}; boarding day x {e.boarding_day_share:g}; "
         f"handover hour at {e.handover_hour_unit_cost}", e.source),
        ("Parameter draws", f"{appraisal.sizes['draw']}",
         "run.draws; Latin hypercube over the ranges in this section"),
        ("Seed", f"{cfg.run.seed}", "run.seed: same seed, same numbers"),
        ("Optimism bias", f"costs +{100 * ob.costs:g}%, benefits / {1 + ob.benefits:g}"
         if ob.enabled else "not applied", ob.source),
    ]  # fmt: skip
    df = pd.DataFrame([{"Setting": a_, "Value": b, "Source": c} for a_, b, c in rows])
    return _with_display("Appraisal settings", "Appraisal settings", df, "", [1.6, 2.0, 6.0])
