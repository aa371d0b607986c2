"""The words of the pack: summary, methods (as the STRESS guidelines for simulation studies
ask) and limitations. Every number is read from the runs, the appraisal or the configuration.

STRESS: Monks et al., "Strengthening the reporting of empirical simulation studies:
introducing the STRESS guidelines", Journal of Simulation 13(1), 2019 (STRESS-SD for system
dynamics: objectives, model logic, data, experimentation, implementation, code access).
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from sim.appraisal.result import Appraisal
from sim.place.describe import cohort_labels, key_sizes, n_cohorts
from sim.report.stats import count, gbp_m, number, payback_label, percent, spread, total
from sim.report.tables import Table

SERVICE_NAMES = {
    "acute_beds": "general and acute beds",
    "ic_beds": "intermediate-care beds",
    "ucr": "urgent community response",
    "virtual_ward": "virtual wards",
    "care_home": "care homes",
}
# docs/validation.md, shipped as package data (the symlink sim/report/validation.md)
VALIDATION = Path(str(resources.files("sim.report") / "validation.md"))


def key_messages(result: Appraisal, labels: dict[str, str]) -> list[str]:
    """One data-driven line per option, then the spread of results."""
    a = result.appraisal
    years = [str(y) for y in a["financial_year"].values]
    draws = a.sizes["draw"]
    lines = []
    for o in a["option"].values:
        x = a.sel(option=o)
        npv = spread(x["npv"].sel(view="cash"))
        eco = spread(x["npv"].sel(view="economic"))
        pb = spread(x["payback_year"].sel(view="cash"), nearest=True)
        inv = spread(total(x["investment"]))
        adm = spread(total(x["emergency_admissions_change"]))
        ltc = spread(-total(x["long_term_care_change"]))
        beds = spread(x["beds_freed"].max("year"))
        p = float(x["probability_npv_positive"].sel(view="cash"))
        pe = float(x["probability_npv_positive"].sel(view="economic"))
        rng = f" (P10 {gbp_m(npv.p10)} to P90 {gbp_m(npv.p90)})" if draws > 1 else ""
        erng = f" (P10 {gbp_m(eco.p10)} to P90 {gbp_m(eco.p90)})" if draws > 1 else ""
        text = (f"{labels[str(o)]}: cash NPV {gbp_m(npv.p50)}{rng}, above zero in {percent(p)} "
                f"of draws; economic NPV {gbp_m(eco.p50)}{erng}, above zero in {percent(pe)}; "
                f"cash payback {payback_label(pb.p50, years)}. Investment {gbp_m(inv.p50)}; "
                f"emergency admissions {count(adm.p50)}; long-term care admissions avoided "
                f"{count(ltc.p50, signed=False)}; up to {number(beds.p50, 0)} acute beds freed "
                "in a year.")  # fmt: skip
        lines.append(text)
    full = _beds_full_year(result.runs["baseline"], years)
    if full:
        lines.append(
            f"Baseline: acute beds are full (mean occupancy 99% or more over the year) from "
            f"{full}; "
            "after that, beds an option frees are filled at once by patients who would "
            "otherwise wait in ED, so its benefit shows as less boarding and fewer "
            "handover delays rather than empty beds."
        )
    best = a["npv"].sel(view="cash").median("draw")
    top = str(best["option"].values[int(np.argmax(best.values))])
    if draws > 1:
        tail = (
            f"Ranges are P10 to P90 of {draws} draws over the uncertain inputs; the tornado "
            "chart shows which inputs drive them."
        )
    else:
        tail = "One draw: no ranges; run with run.draws > 1 to see the uncertainty."
    eco = a["npv"].sel(view="economic").median("draw")
    top_e = str(eco["option"].values[int(np.argmax(eco.values))])
    lines.append(f"Highest median cash NPV: {labels[top]}; highest median economic NPV: "
                 f"{labels[top_e]}. {tail}")  # fmt: skip
    pair = [o for o in ("annual_contracting", "multiyear_payments") if o in a["option"].values]
    if len(pair) == 2:
        spent = {o: spread(total(a["investment"].sel(option=o))).p50 for o in pair}
        npv_c = {o: spread(a["npv"].sel(option=o, view="cash")).p50 for o in pair}
        lines.append(
            "Contracting, like for like (the same community investment offered under both "
            f"rules): annual renewal spends {gbp_m(spent[pair[0]])} (cash NPV "
            f"{gbp_m(npv_c[pair[0]])}), a five-year agreement {gbp_m(spent[pair[1]])} (cash NPV "
            f"{gbp_m(npv_c[pair[1]])}); the difference is the renewal rule alone."
        )
    return lines


def views_paragraph(a: xr.Dataset) -> str:
    """How to read the two views, optimism bias and the switching values (options summary)."""
    ob = a["optimism_bias"]
    return (
        "Two views. Cash: the cash the system releases (the change in system net cost as the "
        "providers book it; a freed bed saves only the costs that fall with it until wards "
        "close). Economic: every resource used or freed valued at its cost whether or not cash "
        "is released (bed days at the resource cost of a bed day, staff time at unit costs, "
        "ambulance hours lost at handover and boarding in ED), plus QALYs gained, including "
        f"extra years of life, at GBP {float(a.attrs['value_per_qaly_gbp']):,.0f} a QALY. "
        f"Both apply optimism bias: costs +{100 * float(ob.sel(applied_to='costs')):g}%, "
        f"benefits divided by {1 + float(ob.sel(applied_to='benefits')):g}. The switching "
        "values say how far an input would have to move for the option's NPV to be zero."
    )


def appraisal_methods(a: xr.Dataset) -> list[str]:
    """Definitions of the appraisal measures (HM Treasury Green Book), for the methods."""
    ob = a["optimism_bias"]
    rate = 100 * float(a.attrs["discount_rate"])
    h_rate = 100 * float(a.attrs["health_discount_rate"])
    return [
        "Costs and benefits. For each option, draw and year, three totals: I, the option's own "
        "spending (its investment lines: running costs and one-off implementation); D, the "
        "change in cost against the baseline, investment included; H, the money value of health "
        "gained. S = I - D is what the option saves elsewhere. Costs to the public sector are "
        "I plus any net cost added elsewhere (max(-S, 0)); benefits are max(S, 0) plus H when "
        "positive. NPV = PV(benefits) - PV(costs); BCR = PV(benefits) / PV(costs). Because only "
        "these totals enter, splitting a cost line in two changes neither (tested).",
        f"Discounting: year 0 undiscounted, money at {rate:g}% (EVIDENCE 6.1), health at "
        f"{h_rate:g}% (EVIDENCE 6.2).",
        "Cash view: D is the change in system net cost, the sum of the providers' booked costs "
        "(payments between organisations cancel); fixed and semi-fixed costs are released only "
        "when capacity is taken out. Health is not counted.",
        "Economic view: D values resources at cost whether or not cash is released. Acute bed "
        "days at GBP 344.60 a bed day excluding treatment (EVIDENCE 10.90, 2020/21) uplifted "
        "with the NHS Cost Inflation Index (EVIDENCE 10.96-10.99) to "
        f"GBP {float(a.attrs['bed_day_value_gbp']):,.2f} at {a.attrs['price_year']} prices, "
        f"times an opportunity share of {float(a.attrs['opportunity_share']):g} (assumption: a "
        "freed bed day is used for another patient whose care is worth its cost; EVIDENCE "
        "10.102 has no opportunity value of freed beds); patient-days boarding in ED at "
        f"{float(a.attrs['boarding_day_share']):g} times that rate (assumption); activity "
        "(admissions, "
        "attendances, ambulance jobs, GP appointments, 111 calls) at full unit cost, the fixed "
        "shares being staff time freed; services whose cost follows staffed capacity as booked; "
        "ambulance hours lost at handover at the crew-hour cost (a resource saving: crews free "
        "for other calls; the cash view counts none of it). H: QALYs from emergency admissions "
        f"avoided ({float(a.attrs['qaly_per_admission_avoided']):g} each), long-term care "
        f"avoided ({float(a.attrs['qaly_per_long_term_care_avoided']):g} each) and years of "
        "life gained within the horizon by deaths averted (half a year in the year of the death "
        "averted, a whole year in each later year, less deaths recorded later) at a quality "
        "weight of "
        f"{float(a.attrs['qaly_per_life_year']):g}, all assumptions, at "
        f"GBP {float(a.attrs['value_per_qaly_gbp']):,.0f} a QALY (EVIDENCE 10.88).",
        "Optimism bias (Green Book): costs are raised by "
        f"{100 * float(ob.sel(applied_to='costs')):g}% (EVIDENCE 6.4: the upper bound for "
        "operating costs; relevance to service change is limited) and benefits divided by "
        f"{1 + float(ob.sel(applied_to='benefits')):g} (assumption: EVIDENCE 10.101, the Green "
        "Book has no generic value for benefits; the effect sizes are local self-reports). "
        "NPV before optimism bias is shown beside it.",
        "Switching values: the value of an input at which the mean NPV over draws is zero. "
        "Exact for the discount rate, each unit cost (the costs it multiplies are scaled, "
        "activity held fixed), the economic bed-day value, the value of a QALY and the share "
        "of the modelled savings: NPV is recomputed and its root found (Brent's method), so NPV "
        "there is zero to rounding (tested to 1e-6). Effect sizes: fitted, not re-run: a linear "
        "fit of NPV on the drawn effect sizes over the draws (jointly when there are at least "
        "two more draws than effects, otherwise one at a time), so with few draws they are "
        "indicative.",
        "Payback: the first year from which the discounted running net benefit (optimism bias "
        "applied) stays at or above zero; 'never a net cost' when it is never below zero; "
        "'beyond horizon' when it does not pay back within the years appraised.",
        "Cost per emergency admission avoided: over every draw, the mean change in cost over "
        "the horizon divided by the mean admissions avoided (no draw is dropped); per-draw "
        "ratios are in the workbook. It is marked 'not meaningful' when the P10 to P90 range of "
        "admissions avoided includes zero, where a ratio of a small, uncertain denominator "
        "means nothing.",
        "People at home 91 days (ASCOF 2B style): of the people whose 91 days after going home "
        "ended, the share still at home (not readmitted, not died), over all discharges home, "
        "not only reablement; its change is in percentage points.",
        "Equity: " + str(a.attrs.get("equity_assumption", "")) + ".",
        "Contracting: annual and multi-year contracting offer the same investment as community "
        "investment (the same lines, amounts and start), so the difference between them is "
        "the contracting rule (renewed each year only if the commissioner's in-year saving "
        "covers it; or committed for five-year terms with a risk and gain share, which moves "
        "money between organisations but nets to zero for the system).",
    ]


def _beds_full_year(baseline, years: list[str]) -> str | None:
    """First financial year in which the baseline's acute occupancy, averaged over the year
    (median of draws), reaches 99%.
    """
    if "occupancy" not in baseline or "service" not in baseline["occupancy"].dims:
        return None
    occ = baseline["occupancy"].sel(service="acute_beds").median("draw")
    labels = []
    for t in occ["time"].values:
        ts = pd.Timestamp(t)
        fy = ts.year if ts.month >= 4 else ts.year - 1
        labels.append(f"{fy}/{(fy + 1) % 100:02d}")
    by_year = occ.groupby(xr.DataArray(labels, dims="time", name="fy")).mean()
    for label in years:
        if label in by_year["fy"].values and float(by_year.sel(fy=label)) >= 0.99:
            return label
    return None


def cover_facts(result: Appraisal, labels: dict[str, str]) -> list[tuple[str, str]]:
    """Place, options, period, price year, discount rate, draws, provenance."""
    a = result.appraisal
    base = result.runs["baseline"]
    cfg = result.configs["baseline"]
    return [
        ("Place", f"{cfg.place.name}: {cfg.place.description}"),
        ("Options against the baseline", ", ".join(labels.values())),
        ("Years appraised", f"{a.attrs['first_year']} to {a.attrs['last_year']}"),
        ("Money", f"GBP at {a.attrs['price_year']} prices (real terms)"),
        ("Discounting", f"{100 * float(a.attrs['discount_rate']):g}% a year: "
                        f"{a.attrs['discount_source']}"),
        ("Uncertainty", f"{a.sizes['draw']} parameter draws; results are medians (P50) with "
                        "P10 to P90 ranges" if a.sizes["draw"] > 1 else
                        "one parameter draw at central values: no ranges"),
        ("Model", f"sim {_version(base)}, {base.attrs.get('engine', '?')} "
                  f"engine, commit {str(base.attrs.get('git_commit', '?'))[:12]}, seed "
                  f"{base.attrs.get('seed', '?')}"),
    ]  # fmt: skip


def _version(ds) -> str:
    v = str(ds.attrs.get("sim_version", "unknown"))
    return "(version not recorded)" if v in ("unknown", "?", "") else v


def methods(result: Appraisal, labels: dict[str, str]) -> list[tuple[str, list[str]]]:
    """STRESS-SD sections: (heading, paragraphs)."""
    a = result.appraisal
    base = result.runs["baseline"]
    cfg = result.configs["baseline"]
    labels_of = cohort_labels(cfg.place)
    residents = key_sizes(cfg.place)[0][1]
    draws = a.sizes["draw"]
    rate = 100 * float(a.attrs["discount_rate"])
    services = (
        ", ".join(
            SERVICE_NAMES.get(str(s), str(s).replace("_", " ")) for s in base["service"].values
        )
        if "service" in base.coords
        else "acute beds and community services"
    )
    unique = {(k, e.lever, e.size.source): e for n, c in result.configs.items() if n in labels
              for k, e in c.scenario.effects.items()}  # fmt: skip
    effects = len(unique)
    assumed = sum(e.size.source.lower().startswith("assumption") for e in unique.values())
    warm = float(base.attrs.get("warmup_days", 0))
    return [
        ("1. Objectives", [
            f"Purpose: to compare {len(labels)} care-shift option(s) for {cfg.place.name} "
            f"({residents:,.0f} residents at the start) against a baseline in which demand grows "
            "with demography and capacity follows the place's plan (the do-nothing case, "
            "capacity held as today, runs beside it in results.nc and the summary), so that "
            "the board can see each "
            "option's costs, benefits, who pays and who saves, effects on people and equity, "
            "and how uncertain these are before committing money.",
            "Outputs: investment; change in system net cost and in each organisation's surplus by "
            f"year; in a cash and an economic view, NPV at {rate:g}% with optimism bias, "
            "benefit-cost ratio, payback, switching values and cost per emergency admission "
            "avoided; QALYs gained; changes in emergency admissions, A&E attendances, ambulance "
            "conveyances, acute and delayed-discharge bed days, ambulance hours lost at handover, "
            "boarding in ED, beds freed, the share of people still at home 91 days after going "
            "home and long-term care admissions; "
            "emergency admissions per 1,000 residents by deprivation quintile.",
            f"Experimentation aims: each option is run beside the baseline with the same seed and "
            f"the same {draws} parameter draws (common random numbers), so differences are the "
            "option's effect rather than sampling noise.",
        ]),
        ("2. Model logic", [
            f"Base model: a system-dynamics (stock-flow) model with a {cfg.run.step_days:g}-day "
            f"step. {n_cohorts(cfg.place)} population cohorts ({len(labels_of['ages'])} age "
            f"bands x {len(labels_of['segments'])} need segments x "
            f"{len(labels_of['quintiles'])} deprivation "
            "quintiles) age, grow, progress between need segments and die. Services: "
            f"{services}.",
            "Journey: primary care appointments (unmet demand calls NHS 111 or waits); NHS 111 "
            "sends people to 999, ED or home; 999 hears and treats, sees and treats (some "
            "referred to urgent community response) or conveys to ED; ED admits or sends home, "
            "and decided admissions board in ED when no bed is free; acute stays end in death or "
            "discharge on pathway P0 (home), P1 (reablement), P2 (intermediate-care bed) or P3 "
            "(care home). Patients with no criteria to reside wait in hospital for assessment and "
            "capacity and decondition while they wait (P1 to P2 to P3). Full beds keep patients "
            "boarding in ED and lengthen ambulance handovers: the feedback loop at the heart of "
            "the model, balanced by earlier discharge under pressure and boarders sent home.",
            "Scenario logic: an option moves levers of the place (capacities, waits, lengths of "
            "stay, new routes such as step-up or reassessment at home) by effect sizes with a "
            "start date, lag and ramp-up, and may add investments (which buy capacity at the "
            "finance unit costs) and contracts (payment mechanisms, risk and gain shares). The "
            "model's mechanisms produce every outcome; none is written in.",
            "Money: activity times unit costs gives provider costs, split into fixed, semi-fixed "
            "and variable parts so that activity taken out of hospital leaves stranded costs until "
            "capacity is removed; contracts turn activity into payments between the "
            "commissioner, providers and the local authority. Appraisal (HM Treasury Green "
            f"Book): year 0 undiscounted, year t divided by (1 + {rate / 100:g})^t; "
            "NPV = PV(benefits) - PV(costs) in a cash and an economic view, with optimism bias "
            "(definitions in 2a).",
        ]),
        ("2a. Appraisal definitions (Green Book)", appraisal_methods(a)),
        ("3. Data", [
            "Sources: national figures from the project's evidence table (EVIDENCE.md: NHS "
            "England, NHS Digital, ONS, HM Treasury, NAO, peer-reviewed papers, and programme "
            "self-reports flagged as such), scaled to the place by population share. Each "
            "default parameter cites its EVIDENCE row in the configuration, or says "
            "'assumption' with a reason.",
            f"Pre-processing: unit costs quoted at older price years are uplifted to "
            f"{cfg.finance.price_year} with an index ({cfg.finance.index.source}).",
            f"Parameters: the scenario effects ({effects} in all, of which {assumed} are "
            "labelled assumptions calibrated to reported outcomes), investments, unit costs and "
            "uncertain place inputs are listed with their sources in the Assumptions section.",
        ]),
        ("4. Experimentation", [
            f"Initialisation: services are filled by a {warm:g}-day warm-up with demand held at "
            "its mean; each cohort is then reset to its configured size and front-door rates are "
            "calibrated per resident. Results start on "
            f"{base.attrs.get('start_date', cfg.run.start_date)}.",
            f"Run length: {cfg.run.horizon_years:g} years ({base.attrs.get('n_steps', '?')} "
            f"steps), appraised over {a.attrs['first_year']} to {a.attrs['last_year']}.",
            f"Estimation: the stock-flow engine is deterministic; uncertainty comes from {draws} "
            "parameter draws: a Latin hypercube over the triangular ranges of the place's "
            "uncertain inputs and of every effect size, with unit costs drawn within their "
            "ranges. Results are the median (P50) and the 10th and 90th percentiles of the "
            "draws. The chance that NPV > 0 is the share of draws with a positive NPV.",
        ]),
        ("5. Implementation", [
            f"Software: Python {base.attrs.get('python', '?')}, NumPy "
            f"{base.attrs.get('numpy', '?')}, Numba {base.attrs.get('numba', '?')} (the compiled "
            f"daily kernel runs all draws in one call), xarray {base.attrs.get('xarray', '?')}; "
            f"package sim {_version(base)}, {base.attrs.get('engine', '?')} "
            "engine.",
            f"Random sampling: one seed ({base.attrs.get('seed', '?')}) sets every draw: the "
            "place's uncertain inputs and the effect sizes form a Latin hypercube seeded by it, "
            "and unit costs and investment amounts come from streams seeded by it and each "
            "item's name, so the same configuration and seed give identical numbers.",
            "Checks: every run proves conservation (for every day and draw the change in people "
            "equals inflows minus outflows minus deaths); money is conserved between payers and "
            "providers; NPV, discounting and payback are tested against hand-computed examples, "
            "and appraising the baseline against itself gives zero differences.",
        ]),
        ("6. Code access", [
            f"Source: the sim package (commit {base.attrs.get('git_commit', '?')}). The resolved "
            "configuration of this run is config.yaml beside this pack, and every result is in "
            "results.nc and appraisal.nc; python -m sim with the same overrides reproduces it.",
        ]),
    ]  # fmt: skip


def limitations(result: Appraisal, labels: dict[str, str]) -> list[str]:
    """What the board should weigh beside the numbers."""
    a = result.appraisal
    draws = a.sizes["draw"]
    cfg = result.configs["baseline"]
    evidence = {str(r) for n, c in result.configs.items() if n in labels
                for r in c.scenario.evidence}  # fmt: skip
    out = []
    if evidence & {"S.1", "S.2", "S.3", "S.4", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "7.7"}:
        out.append(
            "HomeFirst effect sizes rest on Leeds programme self-reports without a control "
            "group (EVIDENCE S.1-S.4, 7.1-7.7); a quasi-experimental study of city-wide "
            "intermediate care found no reduction in hospital or long-term care use "
            "(EVIDENCE 7.19), so the low end of each such effect is no effect."
        )
    if evidence & {"S.5", "S.6", "7.11", "7.12"}:
        out.append(
            "The community-investment evidence is a cross-sectional association between "
            "systems that spend more on community care (EVIDENCE 7.11-7.13, method not "
            "found); the model's effect of one place's extra investment is much smaller "
            "(docs/scenarios.md)."
        )
    if evidence & {"7.24", "7.25"}:
        out.append(
            "No published terms for multi-year or risk-share agreements were found "
            "(EVIDENCE 7.25): the shares are assumptions."
        )
    out += [
        f"Uncertainty: {draws} draws. Percentiles from few draws are themselves uncertain, and a "
        f"rank correlation smaller than about {1.96 / np.sqrt(max(draws - 1, 1)):.2f} in size "
        "cannot be told from chance. Structural uncertainty (the model's form) is not sampled.",
        f"Money: unit costs from older price years are uplifted with an assumed index "
        f"({cfg.finance.index.source}); the fixed, semi-fixed and variable split of provider "
        "costs is an assumption (no cost-structure evidence), and it decides how much of an "
        "activity fall is cash released rather than stranded cost.",
        "The health value of outcomes (admissions and long-term care avoided, years of life) is "
        + ("in the economic view only, at the configured value per QALY; the QALYs per event "
           "and the quality weight of a year of life are assumptions (none in EVIDENCE)."
           if cfg.appraisal.health.enabled else
           "not monetised: NPV counts money to the system only."),
        "The economic view's opportunity value of a freed bed day is an assumption (EVIDENCE "
        "10.102 not found): it assumes the bed is used for other patients; if it stands empty, "
        "only the cash view's savings are real.",
        "HomeFirst's implementation and assessment-staff costs and every option's one-off "
        "set-up cost are assumptions (EVIDENCE 10.107 and 10.108 not found).",
        "The deprivation gradient in need (place.population.need_by_quintile) is an assumption "
        "(EVIDENCE has no gradient), so equity results show the direction of effects by "
        "quintile, not measured inequalities.",
        "A stock-flow model gives daily averages: it does not show within-day peaks, percentile "
        "waits or the chance of a bed crisis, which need the patient-level engine.",
        "The place is synthetic, built from national figures scaled by population; for a real "
        "decision, replace it with local data (notebooks/04_your_own_place.ipynb).",
        "Discount rate: the Green Book rate is under review (EVIDENCE 6.3). Optimism bias uses "
        "the Treasury's capital-project table for operating costs (EVIDENCE 6.4), of limited "
        "relevance to service change, and an assumed rate for benefits (EVIDENCE 10.101).",
    ]  # fmt: skip
    table = validation_table(result)
    if table is not None and "band" in table.data:
        outside = table.data[table.data["band"].str.contains(r"\(no\)")]
        for _, r in outside.iterrows():
            out.append(
                f"Face validity: {r.iloc[0]} is outside its band (model {r.iloc[1]}, "
                f"evidence {r.iloc[2]}, {r.iloc[-1]}); docs/validation.md explains why."
            )
    return out


def validation_table(result: Appraisal) -> Table | None:
    """Face validity of the default place (docs/validation.md), when this run uses it."""
    cfg = result.configs["baseline"]
    path = VALIDATION
    if cfg.place.name != "synthetic_800k" or not path.is_file():
        return None
    rows = [line for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("|")]  # fmt: skip
    if len(rows) < 3:
        return None
    cells = [[re.sub(r"\*\*(.*?)\*\*", r"\1", c.strip()) for c in r.strip("|").split("|")]
             for r in rows]  # fmt: skip
    df = pd.DataFrame(cells[2:], columns=cells[0])
    shown = df.map(lambda v: re.sub(r"(?<![\d.,])(\d{4,})(?![\d.])",
                                    lambda m: f"{int(m.group(1)):,}", v))  # fmt: skip
    return Table("Validation", "Face validity: the default place's first simulated year against "
                 "national figures", df, shown,
                 "From docs/validation.md (regenerated by scripts/face_validity.py). Every "
                 "required row is within its band; see that file for the notes on the rows "
                 "outside.", [2.2, 1.0, 1.0, 1.6, 0.8, 0.9, 2.6])  # fmt: skip
