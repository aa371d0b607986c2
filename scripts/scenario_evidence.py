"""Regenerate docs/scenarios.md: the care-shift scenarios beside the evidence.

    python scripts/scenario_evidence.py            # central runs and 30 uncertainty draws
    python scripts/scenario_evidence.py --draws 0  # central runs only (quick)
    python scripts/scenario_evidence.py --check    # also exit 1 if HomeFirst leaves a Leeds range

Tables: HomeFirst against the Leeds figures (EVIDENCE S.1-S.4, 7.1-7.6); community investment
against EVIDENCE S.5/S.6 (7.11) and 7.12; annual against multi-year contracting over ten
years; and every scenario's ten-year differences from baseline. Model values are the central
run, with P10-P90 over parameter draws (place uncertainty and every effect's low/central/high).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import sim
from sim.config.compose import options
from sim.scenarios.evidence import Row, community_rows, homefirst_rows, ten_year

ROOT = Path(__file__).resolve().parents[1]
EVAL_YEAR = "2027-04-01"  # 2027/28: the first full year after a one-year ramp from 2026/27
BASE = ["run.record_every_days=365", "run.charts=false"]


def runs(scenario: str, years: int, draws: int) -> tuple:
    """The scenario and its plan (baseline, same seed and draws), central and drawn."""
    common = [*BASE, f"run.horizon_years={years}"]
    central = (sim.run([*common, f"scenario={scenario}"]), sim.run(common))
    drawn = None
    if draws > 1:
        drawn = (
            sim.run([*common, f"scenario={scenario}"], draws=draws),
            sim.run(common, draws=draws),
        )
    return central, drawn


def homefirst_over_ten_years() -> list[str]:
    """HomeFirst's fewer admissions by year under the plan and under do nothing (central),
    with the rule that shares reablement places and the mechanism of any fade."""
    from sim.report.summary import annual

    years = [*BASE, "run.horizon_years=10"]
    rows: dict[str, list[float]] = {}
    for case in ("bau", "do_nothing"):
        common = [*years, f"place.plan.case={case}"]
        base = annual(sim.run(common)).isel(draw=0)
        hf = annual(sim.run([*common, "scenario=homefirst"])).isel(draw=0)
        label = "plan (bau)" if case == "bau" else "do nothing"
        rows[f"fewer emergency admissions, {label}"] = list(
            (base["emergency_admissions"] - hf["emergency_admissions"]).values
        )
        labels = list(base["financial_year"].values)
    out = ["## HomeFirst over ten years: sharing reablement, and why the effect fades", ""]
    out += ["| central run | " + " | ".join(labels) + " |", "|---|" + "---:|" * len(labels)]
    out += [f"| {k} | " + " | ".join(f"{v:,.0f}" for v in vals) + " |" for k, vals in rows.items()]
    out += [
        "",
        "**How reablement places are shared.** Step-down (patients in a hospital bed waiting "
        "for P1 support) and step-up (decided admissions cared for at home instead) draw on "
        "the same reablement places by one rule: people already in a bed take free places "
        "first, and step-up takes what is left that day, each rationed in proportion to "
        "demand (the engine serves transfers on one capacity in declared order; "
        "`tests/place/test_reablement_sharing.py`). A patient who is medically fit already "
        "occupies a bed; a step-up patient can still be admitted. Under the business-as-usual "
        "plan reablement places grow 2.5% a year with their demand (`place.plan`), and "
        "HomeFirst's own places (+546 episodes a year, a factor on the plan) keep room for "
        "step-up: reablement runs at about 95% occupancy, not full, so the effect does not "
        "crowd itself out.",
        "",
        "**Why the effect still fades.** People cared for at home instead of admitted are "
        "not made less frail (step-up does not change their need segment), and fewer of them "
        "die in the year of the avoided admission, so more frail people live at home in "
        "later years and they come to ED and are admitted. The net fall in emergency "
        "admissions therefore declines after its first full year (table above). HomeFirst "
        "lowers ED boarding and handover delays in every year (crowding below full, "
        "`sim/place/crowding.py`), and its deaths against the plan are the same with crowding "
        "and without it (`tests/place/test_crowding.py`). A board should read the later "
        "years as net of this survivorship; the gross admissions avoided by step-up grow "
        "with demand. With capacity held as "
        "today (do nothing) the effect fades much faster, by the sharing rule: P1 demand from "
        "discharges grows with the older population while reablement places do not, so "
        "patients waiting in beds take HomeFirst's places and step-up is squeezed out.",
        "",
        "**Care homes.** Care-home places are a market that follows its residents toward 86% "
        "occupancy with a one-year lag (EVIDENCE 10.29; `place.care_home`), so long-term care "
        "avoided is not refilled from the community: HomeFirst's fewer admissions to care "
        "homes from hospital and intermediate care show in total care-home admissions (about "
        "425-450 fewer a year in the central run) and in fewer council-funded residents. The "
        "P3 candidates HomeFirst sends home (discharge to assess, "
        "`acute.home_first_redirect`: reassessed at home and sent home with reablement while "
        "it has places) join a cohort **at home with long-term care needs** (`ltc_home`): "
        "they keep the care-home residents' death rate (320 per 1,000 a year) and urgent care "
        "(0.70 emergency admissions a year, EVIDENCE 10.1; 999 and type 1 rates 10.17, 10.2), "
        "not the frail-at-home rates (frail people over 80 at home are admitted about 1.2 "
        "times a year and die far less often), because the care-home death rate reflects who "
        "needs long-term care and that need goes home with them; they hold no care-home place "
        "and pay no fee, and may still move into a care home at their cohort's community "
        "rate. They get home care instead (results `ltc_at_home`; the finance's `home_care` "
        "line: two hours a day at EVIDENCE 4.14's hourly price, an assumed package size, paid "
        "by the council for the same 51.1% it funds in care homes), so the fall in council "
        "care-home fees is net of it (costing it moved HomeFirst's ten-year net saving from "
        "GBP 251m to GBP 196m in the central run). Before this "
        "cohort the diverted lived on at home at the frail rates and under the plan the net "
        "fall in emergency admissions turned into a rise from 2032/33; with it the fall keeps "
        "about 55% of its 2027/28 size to 2034/35 in the central run "
        "(`tests/place/test_reablement_sharing.py` checks at least half). What fade is left "
        "is survivorship the model does carry: P2 candidates sent home with P1 support avoid "
        "deconditioning into a care home and live on at home at the frail rates (they never "
        "had long-term care needs in the model), and redirected patients use reablement "
        "places that step-up would otherwise take. The redirected P3 candidates go home from "
        "reablement through a 91-day follow-up of their own, at the hazards of people with "
        "long-term care needs (the residents' emergency admission and death rates, not the "
        "ordinary follow-up's), so those still at home after 91 days count in the share at "
        "home 91 days after discharge; they then live on at home with long-term care needs.",
        "",
    ]
    return out


def table(central: list[Row], drawn: list[Row] | None) -> list[str]:
    lines = [
        "| measure | model (central) | model P10 to P90 | evidence | within | kind | source |",
        "|---|---:|---|---|---|---|---|",
    ]
    for i, row in enumerate(central):
        spread = "not run"
        if drawn is not None:
            p10, p90 = np.percentile(drawn[i].model, [10, 90])
            spread = f"{p10:,.1f} to {p90:,.1f}"
        if row.low is None:
            ev = "-"
        elif row.low == row.high:
            ev = f"{row.low:,.4g}"
        else:
            ev = f"{row.low:,.4g} to {row.high:,.4g}"
        within = {True: "yes", False: "**no**", None: "-"}[row.within()]
        if row.low is not None and row.low == row.high:
            within = "beside"
        lines.append(
            f"| {row.measure} | {row.central():,.1f} | {spread} | {ev} | {within} | "
            f"{row.kind} | {row.source} |"
        )
    return lines


def _label(measure: str) -> str:
    """A ten-year measure's name as a table shows it: money in GBP millions."""
    return measure.replace("(GBP)", "(GBP m)")


def _cell(measure: str, value: float) -> str:
    """A ten-year difference as a table shows it: money in GBP millions to one decimal,
    activity to the unit (the central run's own figure).
    """
    return f"{value / 1e6:,.1f}" if "(GBP)" in measure else f"{value:,.0f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=30)
    ap.add_argument("--out", default=str(ROOT / "docs" / "scenarios.md"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()

    out = [
        "# Care-shift scenarios beside the evidence",
        "",
        "Generated by `python scripts/scenario_evidence.py` (do not edit by hand). Each "
        "scenario moves levers of the place (`sim/place/levers.py`); the outcomes below come "
        "from the model's mechanisms, never written in. *Central*: every effect and parameter "
        f"at its central value, one draw. *P10 to P90*: {args.draws} draws over the place's "
        "uncertain parameters and every effect's low/central/high (triangular, Latin "
        "hypercube). Plans are baseline runs with the same seed and draws (common random "
        f"numbers). Year measures are for 2027/28 (from {EVAL_YEAR}), the first full year "
        "after the one-year ramp from April 2026.",
        "",
    ]
    hf_c, hf_d = runs("homefirst", 3, args.draws)
    hf_rows = homefirst_rows(*hf_c, EVAL_YEAR)
    out += ["## HomeFirst against Leeds (EVIDENCE S.1-S.4, 7.1-7.7)", ""]
    out += table(hf_rows, homefirst_rows(*hf_d, EVAL_YEAR) if hf_d else None)
    out += [
        "",
        "*Kind* says what sets a value: the step-up share, the P1 assessment wait and the "
        "reassessment share are assumptions calibrated so that the central run lands in the "
        "Leeds ranges (no published effect sizes exist for them; EVIDENCE 7.20), while the "
        "extra reablement episodes (7.2, 7.7) and the shorter short-term bed stays (S.3, 7.5) "
        "are inputs from evidence. Everything else (fewer delayed days, less deconditioning, "
        "fewer P2/P3 needs, freed beds, shorter handovers, more people at home, and the "
        "offsetting readmissions and front-door use of people at home sooner) is the model. "
        "The Leeds figures are programme self-reports without a control group (EVIDENCE 7 "
        "reliability note) and 7.19 is counter-evidence, so every calibrated effect's low end "
        "is no effect. *Wait in hospital for people needing discharge support* is measured as "
        "no-criteria-to-reside bed days per patient discharged on P1-P3; Leeds reports the "
        "length of stay of complex patients with no criteria to reside (7.4).",
        "",
    ]
    out += homefirst_over_ten_years()
    ci_c, ci_d = runs("community_investment", 3, args.draws)
    out += ["## Community investment against EVIDENCE S.5/S.6 (7.11) and 7.12", ""]
    out += table(
        community_rows(*ci_c, EVAL_YEAR), community_rows(*ci_d, EVAL_YEAR) if ci_d else None
    )
    out += [
        "",
        "GBP 10 m a year (half in 2026/27, all from 2027/28) buys UCR, virtual-ward and "
        "district-nursing places at the finance unit costs. The evidence rows compare "
        "systems that spend more on community care relative to need (a cross-sectional "
        "association, EVIDENCE 7.11, 7.13: method not found); the model's effect of one "
        "place's extra GBP 10 m is much smaller. The return in 7.12 counts acute savings, "
        "which the model values two ways: activity at full unit costs, and the cash an acute "
        "trust actually saves while its fixed and semi-fixed costs stay (stranded costs).",
        "",
    ]
    out += ["## Annual against multi-year contracting (ten years, central)", ""]
    ten = {}
    for name in ("baseline", "community_investment", "annual_contracting",
                 "multiyear_payments"):  # fmt: skip
        ds = sim.run([*BASE, "run.horizon_years=10", f"scenario={name}"])
        ten[name] = {k: float(v[0]) for k, v in ten_year(ds).items()}
        for var in ds.data_vars:
            if str(var).startswith("last_year_paid"):
                ten[name]["last year paid"] = float(ds[var].values[0])
    measures = list(ten["baseline"])
    out += [
        "| over 2025/26-2034/35 | annual_contracting | multiyear_payments | multi-year less "
        "annual | community_investment (no reviews) |",
        "|---|---:|---:|---:|---:|",
    ]
    for m in measures:
        names = ("annual_contracting", "multiyear_payments", "community_investment")
        a, b, c = (ten[s][m] - ten["baseline"][m] for s in names)
        cells = " | ".join(_cell(m, v) for v in (a, b, b - a, c))
        out.append(f"| change in {_label(m)} vs baseline | {cells} |")
    la = ten["annual_contracting"].get("last year paid", np.inf)
    lm = ten["multiyear_payments"].get("last year paid", np.inf)
    out += [
        f"| last year the investment is paid (1 = 2025/26) | {la:g} | {lm:g} | | never withdrawn |",
        "",
        "Under annual contracting the commissioner renews the investment only if its own "
        "cost that year, investment included, was no higher than the plan's; with urgent "
        "care paid through fixed elements (aligned payment and incentive) and community and "
        "ambulance services on blocks, the commissioner's in-year cash saving is small, so "
        "the investment stops after its first year and its benefits are lost. The multi-year "
        "agreement commits it for a five-year term and shares gains and losses between "
        "commissioner, acute and community providers; at the end of the term it is renewed "
        "only if the system was no worse off in cash, which it was not, so it stops then. "
        "The difference column is the ten-year value of committing for a term.",
        "",
    ]
    out += ["## Every scenario: ten-year differences from baseline (central)", ""]
    names = [n for n in options("scenario") if n != "baseline"]
    out += [
        "| scenario | " + " | ".join(map(_label, measures)) + " |",
        "|---|" + "---:|" * len(measures),
    ]
    for name in names:
        if name not in ten:
            ds = sim.run([*BASE, "run.horizon_years=10", f"scenario={name}"])
            ten[name] = {k: float(v[0]) for k, v in ten_year(ds).items()}
        cells = [_cell(m, ten[name][m] - ten["baseline"][m]) for m in measures]
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    out += [
        "",
        "Money in GBP millions at the finance price year (configs/finance/default.yaml), to "
        "GBP 0.1m: the central run's figures, not more precise than the model's inputs.",
        "",
    ]
    Path(args.out).write_text("\n".join(out))
    print("\n".join(out))
    if args.check and not all(r.within() for r in hf_rows):
        print("HomeFirst central run is outside a Leeds range", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
