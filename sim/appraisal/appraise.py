"""Options against baseline: the appraisal Dataset a board pack is made from.

For each option, draw and financial year: investment, change in system net cost, change in
each organisation's surplus (who pays, who saves, when), gross benefits and costs, NPV at the
Green Book rate, benefit-cost ratio, payback year, cost per admission avoided, changes in
activity (admissions, ED attendances, conveyances, bed days, delayed bed days, handover hours,
beds freed, people at home 91 days after discharge, long-term care), equity (effects by
deprivation quintile per 1,000 residents and the gap between most and least deprived) and
the chance that NPV > 0. Options and baseline share seed and draws (common random numbers),
so differences are the option's effect, not noise. Changes are option minus baseline.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from sim.appraisal.metrics import benefit_cost_ratio, npv, payback_year, present_value
from sim.config.schema import AppraisalCfg
from sim.finance.years import FinancialYears

ACTIVITY = {
    # measure: (driver, units, long name); drivers as in sim.finance.years
    "emergency_admissions": ("emergency_admissions", "admissions", "Emergency admissions"),
    "ed_attendances": ("ed_attendances", "attendances", "A&E attendances (all types)"),
    "conveyances": ("conveyances", "patients", "Ambulance conveyances to ED"),
    "bed_days": ("occupied.acute_beds", "bed days", "Acute (G&A) bed days"),
    "delayed_bed_days": ("nctr", "bed days", "Bed days of patients with no criteria to reside"),
    "handover_hours_lost": ("handover_hours_lost", "hours", "Ambulance hours lost at handover"),
    "at_home_91d": ("at_home_91d", "people", "People at home 91 days after discharge"),
    "long_term_care": ("care_home_admissions_after_hospital", "people",
                       "People going into long-term care from hospital or intermediate care"),
}  # fmt: skip
MONEY_UNITS = "GBP ({} prices)"


def appraise(baseline: xr.Dataset, options: dict[str, xr.Dataset], cfg: AppraisalCfg) -> xr.Dataset:
    """The appraisal Dataset: dims ``option, draw, year`` (+ ``org``, ``quintile``)."""
    price = str(baseline["system_net_cost"].attrs.get("price_year", "?"))
    years = _years(baseline, cfg)
    per_option = [_one(baseline, ds, years, cfg) for ds in options.values()]
    out = xr.concat(per_option, dim=xr.DataArray(list(options), dims="option", name="option"))
    money = MONEY_UNITS.format(price)
    for var in out.data_vars:
        if out[var].attrs.get("units") == "GBP":
            out[var].attrs.update(units=money, price_year=price)
    out.attrs.update(
        price_year=price,
        discount_rate=cfg.discount_rate,
        discount_source=cfg.discount_source,
        first_year=str(out["financial_year"].values[0]),
        last_year=str(out["financial_year"].values[-1]),
        health_value="included" if cfg.health.enabled else "not included",
        changes="option minus baseline, same seed and draws (common random numbers)",
    )
    return out


def _years(ds: xr.Dataset, cfg: AppraisalCfg) -> np.ndarray:
    """Financial years appraised: those the horizon touches, from the first."""
    years = ds["year"].values
    if cfg.horizon_years is None:
        return years
    return years[: int(np.ceil(cfg.horizon_years - 1e-9))]


def _one(base: xr.Dataset, opt: xr.Dataset, years: np.ndarray, cfg: AppraisalCfg) -> xr.Dataset:
    sel = {"year": years}
    d_net = (opt["system_net_cost"] - base["system_net_cost"]).sel(sel)
    d_cost = (opt["provider_cost"] - base["provider_cost"]).sel(sel)
    gains = (-d_cost).clip(min=0).sum(("org", "cost_type"))
    costs = d_cost.clip(min=0).sum(("org", "cost_type"))
    fy_b, fy_o = FinancialYears(base), FinancialYears(opt)
    changes = {
        k: (fy_o.quantity(d) - fy_b.quantity(d)).sel(sel) for k, (d, _, _) in ACTIVITY.items()
    }
    adm_avoided = -changes["emergency_admissions"]
    ltc_avoided = -changes["long_term_care"]
    r = cfg.discount_rate
    health = xr.zeros_like(gains)
    pv_health = xr.zeros_like(gains.isel(year=0, drop=True))
    if cfg.health.enabled:
        h = cfg.health
        qalys = (
            adm_avoided * h.qaly_per_admission_avoided
            + ltc_avoided * h.qaly_per_long_term_care_avoided
        )
        health = qalys * h.value_per_qaly_gbp
        pv_health = xr.apply_ufunc(
            present_value, health, h.discount_rate, input_core_dims=[["year"], []]
        )
    net_benefit = gains - costs  # = -d_net
    pv = xr.apply_ufunc(npv, net_benefit, r, input_core_dims=[["year"], []]) + pv_health
    pv_benefits = (
        xr.apply_ufunc(present_value, gains, r, input_core_dims=[["year"], []]) + pv_health
    )
    pv_costs = xr.apply_ufunc(present_value, costs, r, input_core_dims=[["year"], []])
    bcr = xr.apply_ufunc(benefit_cost_ratio, gains + health, costs, r,
                         input_core_dims=[["year"], ["year"], []])  # fmt: skip
    payback = xr.apply_ufunc(payback_year, net_benefit + health, r,
                             input_core_dims=[["year"], []])  # fmt: skip
    total_net = d_net.sum("year")
    total_adm = adm_avoided.sum("year")
    per_adm = total_net / total_adm.where(total_adm > 0)
    base_fy = fy_b.days.sel(sel)
    beds_freed = -changes["bed_days"] / base_fy
    equity = _equity(base, opt, fy_b, fy_o, years)

    gbp = {"units": "GBP", "cell_methods": "year: sum"}
    data = {
        "investment": (opt["investment_total"].sel(sel), gbp, "Investment paid"),
        "net_cost_change": (d_net, gbp, "Change in system net cost (option - baseline)"),
        "surplus_change": ((opt["surplus"] - base["surplus"]).sel(sel), gbp,
                           "Change in surplus by organisation (+ saves, - pays)"),
        "gross_benefits": (gains, gbp, "Cost reductions the option causes"),
        "gross_costs": (costs, gbp, "Cost increases the option causes (investment included)"),
        "health_value": (health, gbp, "Money value of health gained (when enabled)"),
        "npv": (pv, {"units": "GBP"}, f"Net present value at {100 * r:g}% a year"),
        "pv_benefits": (pv_benefits, {"units": "GBP"}, "Present value of benefits"),
        "pv_costs": (pv_costs, {"units": "GBP"}, "Present value of costs"),
        "bcr": (bcr, {"units": "1"}, "Benefit-cost ratio (PV benefits / PV costs)"),
        "payback_year": (payback, {"units": "years from the first appraisal year (0 = first)"},
                         "Payback year: discounted cumulative net benefit stays >= 0 from it"),
        "cost_per_admission_avoided": (per_adm, {"units": "GBP per admission"},
                                       "Change in system net cost per emergency admission "
                                       "avoided, over the horizon (negative: saves money)"),
        "beds_freed": (beds_freed, {"units": "beds"},
                       "Acute beds freed (mean occupied beds, baseline - option)"),
    }  # fmt: skip
    for key, (_, units, long_name) in ACTIVITY.items():
        data[f"{key}_change"] = (changes[key], {"units": units, "cell_methods": "year: sum"},
                                 f"Change in {long_name.lower()} (option - baseline)")  # fmt: skip
    out = xr.Dataset()
    for name, (da, attrs, long_name) in data.items():
        out[name] = da.assign_attrs(attrs, long_name=long_name)
    out["probability_npv_positive"] = (
        (out["npv"] > 0)
        .mean("draw")
        .assign_attrs(units="1", long_name="Share of draws with NPV > 0")
    )
    return xr.merge([out, equity])


def _equity(
    base: xr.Dataset, opt: xr.Dataset, fy_b: FinancialYears, fy_o: FinancialYears, years
) -> xr.Dataset:
    """Change in emergency admissions per 1,000 residents by quintile, and the gap."""
    quintiles = [str(q) for q in base["quintile"].values]
    rows = []
    for q in quintiles:
        d = fy_o.quantity(f"emergency_admissions.{q}") - fy_b.quantity(f"emergency_admissions.{q}")
        people = (
            base["population"]
            .sel(quintile=q)
            .sum([x for x in ("age_band", "segment") if x in base["population"].dims])
        )
        mean_pop = people.mean("time")
        rows.append(1000 * d.sel(year=years).sum("year") / mean_pop / len(years))
    per_1000 = xr.concat(rows, dim=xr.DataArray(quintiles, dims="quintile", name="quintile"))
    gap = per_1000.sel(quintile=quintiles[0]) - per_1000.sel(quintile=quintiles[-1])
    return xr.Dataset({
        "admissions_change_per_1000": per_1000.assign_attrs(
            units="admissions per 1,000 residents a year",
            long_name="Change in emergency admissions per 1,000 residents a year, by "
            "deprivation quintile (q1 = most deprived)"),
        "equity_gap": gap.reset_coords(drop=True).assign_attrs(
            units="admissions per 1,000 residents a year",
            long_name="Most deprived (q1) minus least deprived (q5) change: negative means "
            "the option helps the most deprived more"),
    })  # fmt: skip


def summarise(appraisal: xr.Dataset) -> xr.Dataset:
    """P10, P50 and P90 over draws of every variable with a draw dimension."""
    stats = [0.1, 0.5, 0.9]
    q = appraisal.drop_vars("payback_year", errors="ignore").quantile(stats, dim="draw")
    if "payback_year" in appraisal:  # not within the horizon: beyond it (inf), never averaged
        beyond = appraisal["payback_year"].fillna(np.inf)
        q["payback_year"] = beyond.quantile(stats, dim="draw", method="nearest")
    return q.assign_coords(quantile=["P10", "P50", "P90"]).rename(quantile="stat")
