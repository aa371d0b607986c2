"""Options against baseline: the appraisal Dataset a board pack is made from.

For each option, draw and financial year, in two views side by side (``view``: ``cash``, the
released cash by organisation; ``economic``, resources valued at cost with health gained,
see :mod:`sim.appraisal.views`): investment (running and implementation), change in cost,
change in each organisation's surplus (who pays, who saves, when), present values of costs
and benefits with optimism bias, NPV at the Green Book rate, benefit-cost ratio, payback,
cost per admission avoided, switching values (:mod:`sim.appraisal.switching`), changes in
activity (admissions, ED attendances, conveyances, bed days, delayed bed days, handover hours,
beds freed, long-term care), the share of people still at home 91 days after going home,
equity (effects by deprivation quintile per 1,000 residents and the gap between most and least
deprived) and the chance that NPV > 0. Options and baseline share seed and draws (common
random numbers), so differences are the option's effect, not noise. Changes are option minus
baseline.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from sim.appraisal.metrics import PAYBACK_FLAGS, view_metrics
from sim.appraisal.switching import exact_switching, fitted_switching
from sim.appraisal.views import (
    VIEWS,
    Parts,
    bed_day_value,
    config_of,
    health_qalys,
    option_parts,
)
from sim.config.schema import AppraisalCfg, FinanceCfg
from sim.finance.years import FinancialYears
from sim.scenarios.money import scenario_finance

ACTIVITY = {
    # measure: (driver, units, long name); drivers as in sim.finance.years
    "emergency_admissions": ("emergency_admissions", "admissions", "Emergency admissions"),
    "ed_attendances": ("ed_attendances", "attendances", "A&E attendances (all types)"),
    "conveyances": ("conveyances", "patients", "Ambulance conveyances to ED"),
    "bed_days": ("occupied.acute_beds", "bed days", "Acute (G&A) bed days"),
    "delayed_bed_days": ("nctr", "bed days", "Bed days of patients with no criteria to reside"),
    "handover_hours_lost": ("handover_hours_lost", "hours", "Ambulance hours lost at handover"),
    "boarding_days": ("boarding", "patient days", "Patient-days boarding in ED (no bed)"),
    "at_home_91d": ("at_home_91d", "people", "People at home 91 days after discharge"),
    "long_term_care": ("care_home_admissions_after_hospital", "people",
                       "People going into long-term care from hospital or intermediate care"),
}  # fmt: skip
MONEY_UNITS = "GBP ({} prices)"
VIEW_NAMES = {
    "cash": "Cash: change in system net cost as booked (released cash by organisation)",
    "economic": "Economic: resources valued at cost whether or not released, plus health "
    "gained (QALYs incl. mortality) at the value of a QALY",
}
EQUITY_ASSUMPTION = (
    "equal weights: an admission avoided counts the same in every quintile (no Green Book "
    "distributional weights); rates per 1,000 residents of each quintile (population from "
    "place.population.quintile_shares); EVIDENCE has no deprivation gradient of effects, so the "
    "gap shows where the modelled effects land, not a measured inequality"
)


def appraise(
    baseline: xr.Dataset,
    options: dict[str, xr.Dataset],
    cfg: AppraisalCfg,
    finance: dict[str, FinanceCfg] | None = None,
) -> xr.Dataset:
    """The appraisal Dataset: dims ``option, view, draw, year`` (+ ``org``, ``quintile``,
    ``parameter``).

    Args:
        baseline: the baseline run (results and money).
        options: each option's run, same seed and draws.
        cfg: the appraisal settings.
        finance: each option's finance configuration (scenario investments and contracts
            included); default: read from each run's ``config_yaml``.
    """
    finance = finance or {k: scenario_finance(config_of(ds)) for k, ds in options.items()}
    price = str(baseline["system_net_cost"].attrs.get("price_year", "?"))
    years = _years(baseline, cfg)
    per_option = [_one(baseline, ds, years, cfg, finance[k]) for k, ds in options.items()]
    out = xr.concat(
        per_option,
        dim=xr.DataArray(list(options), dims="option", name="option"),
        data_vars="all",
        coords="minimal",
        join="outer",
        compat="override",
    )
    money = MONEY_UNITS.format(price)
    for var in out.data_vars:
        if out[var].attrs.get("units") == "GBP":
            out[var].attrs.update(units=money, price_year=price)
    ob = cfg.optimism_bias
    out["optimism_bias"] = xr.DataArray(
        [ob.costs if ob.enabled else 0.0, ob.benefits if ob.enabled else 0.0],
        dims="applied_to",
        coords={"applied_to": ["costs", "benefits"]},
        attrs={
            "units": "1",
            "long_name": "Optimism bias: costs x (1 + value), benefits / (1 + value)",
            "source": ob.source,
        },
    )
    out["view"].attrs["definitions"] = "; ".join(f"{k}: {v}" for k, v in VIEW_NAMES.items())
    out.attrs.update(
        price_year=price,
        discount_rate=cfg.discount_rate,
        discount_source=cfg.discount_source,
        health_discount_rate=cfg.health.discount_rate,
        value_per_qaly_gbp=cfg.health.value_per_qaly_gbp,
        first_year=str(out["financial_year"].values[0]),
        last_year=str(out["financial_year"].values[-1]),
        health_value="included in the economic view" if cfg.health.enabled else "not included",
        optimism_bias=f"{'on' if ob.enabled else 'off'}: costs +{100 * ob.costs:g}%, "
        f"benefits / {1 + ob.benefits:g} ({ob.source})",
        economic_source=cfg.economic.source,
        bed_day_value_gbp=bed_day_value(cfg, price) / cfg.economic.opportunity_share
        if cfg.economic.opportunity_share > 0
        else 0.0,
        opportunity_share=cfg.economic.opportunity_share,
        boarding_day_share=cfg.economic.boarding_day_share,
        qaly_per_admission_avoided=cfg.health.qaly_per_admission_avoided,
        qaly_per_long_term_care_avoided=cfg.health.qaly_per_long_term_care_avoided,
        qaly_per_life_year=cfg.health.qaly_per_life_year,
        equity_assumption=EQUITY_ASSUMPTION,
        changes="option minus baseline, same seed and draws (common random numbers)",
    )
    return out


def _years(ds: xr.Dataset, cfg: AppraisalCfg) -> np.ndarray:
    """Financial years appraised: those the horizon touches, from the first."""
    years = ds["year"].values
    if cfg.horizon_years is None:
        return years
    return years[: int(np.ceil(cfg.horizon_years - 1e-9))]


def _sum(parts: dict[str, xr.DataArray], like: xr.DataArray) -> xr.DataArray:
    total = xr.zeros_like(like)
    for da in parts.values():
        total = total + da
    return total


def _one(
    base: xr.Dataset, opt: xr.Dataset, years: np.ndarray, cfg: AppraisalCfg, fin: FinanceCfg
) -> xr.Dataset:
    sel = {"year": years}
    d_net = (opt["system_net_cost"] - base["system_net_cost"]).sel(sel)
    parts = option_parts(base, opt, fin, cfg, years)
    invest = _sum(parts["cash"].invest, d_net)
    impl_lines = [
        k
        for k, line in fin.investments.items()
        if k in parts["cash"].invest and line.kind == "implementation"
    ]
    implementation = _sum({k: parts["cash"].invest[k] for k in impl_lines}, d_net)
    delta = {v: _sum(parts[v].delta, d_net) for v in VIEWS}
    qalys = _sum(health_qalys(base, opt, cfg, years), d_net)
    h = cfg.health
    health = qalys * h.value_per_qaly_gbp if h.enabled else xr.zeros_like(qalys)
    ob = cfg.optimism_bias
    obc, obb = (ob.costs, ob.benefits) if ob.enabled else (0.0, 0.0)
    fy_b, fy_o = FinancialYears(base), FinancialYears(opt)
    changes = {
        k: (fy_o.quantity(d) - fy_b.quantity(d)).sel(sel) for k, (d, _, _) in ACTIVITY.items()
    }
    per_view = []
    for v in VIEWS:
        hv = health if v == "economic" else xr.zeros_like(health)
        m = _metrics(invest, delta[v], hv, cfg, obc, obb)
        m["cost_change"] = delta[v].assign_attrs(
            units="GBP", cell_methods="year: sum", long_name="Change in cost (option - baseline)"
        )
        m.update(_per_admission(delta[v], changes["emergency_admissions"]))
        m.update(_switching(parts[v], invest, delta[v], hv, cfg, obc, obb, opt, m["npv"]))
        per_view.append(xr.Dataset(m))
    views = xr.concat(
        per_view, dim=xr.DataArray(list(VIEWS), dims="view", name="view"), join="outer"
    )
    base_fy = fy_b.days.sel(sel)
    gbp = {"units": "GBP", "cell_methods": "year: sum"}
    data = {
        "investment": (invest, gbp, "Investment paid (running and implementation lines)"),
        "implementation_cost": (implementation.sum("year"), {"units": "GBP"},
                                "Implementation (one-off set-up) cost over the horizon"),
        "net_cost_change": (d_net, gbp, "Change in system net cost (option - baseline): cash"),
        "economic_cost_change": (delta["economic"], gbp,
                                 "Change in resource cost (option - baseline): economic"),
        "surplus_change": ((opt["surplus"] - base["surplus"]).sel(sel), gbp,
                           "Change in surplus by organisation (+ saves, - pays)"),
        "qalys_gained": (qalys, {"units": "QALY", "cell_methods": "year: sum"},
                         "QALYs gained: admissions and long-term care avoided, extra years "
                         "of life (mortality)"),
        "health_value": (health, gbp, "Money value of QALYs gained (economic view)"),
        "beds_freed": (-changes["bed_days"] / base_fy, {"units": "beds"},
                       "Acute beds freed (mean occupied beds, baseline - option)"),
    }  # fmt: skip
    for key, (_, units, long_name) in ACTIVITY.items():
        data[f"{key}_change"] = (
            changes[key],
            {"units": units, "cell_methods": "year: sum"},
            f"Change in {long_name.lower()} (option - baseline)",
        )
    out = xr.Dataset()
    for name, (da, attrs, long_name) in data.items():
        out[name] = da.assign_attrs(attrs, long_name=long_name)
    out.update(_at_home_share(fy_b, fy_o, years))
    equity = _equity(base, opt, fy_b, fy_o, years)
    return xr.merge([out, views, equity], join="outer", compat="override")


def _metrics(
    invest: xr.DataArray,
    delta: xr.DataArray,
    health: xr.DataArray,
    cfg: AppraisalCfg,
    obc: float,
    obb: float,
) -> dict[str, xr.DataArray]:
    """NPV, PVs, BCR and payback of one view, per draw."""
    r = cfg.discount_rate
    inv, dl, hv = (x.transpose("draw", "year").values for x in (invest, delta, health))
    m = view_metrics(inv, dl, hv, r, cfg.health.discount_rate, obc, obb)
    draw = {"draw": invest["draw"].values}

    def da(x: np.ndarray, attrs: dict, long_name: str) -> xr.DataArray:
        return xr.DataArray(x, dims="draw", coords=draw, attrs={**attrs, "long_name": long_name})

    ob = f" (optimism bias: costs +{100 * obc:g}%, benefits / {1 + obb:g})"
    npv = da(m["npv"], {"units": "GBP"}, f"Net present value at {100 * r:g}% a year" + ob)
    return {
        "npv": npv,
        "npv_unadjusted": da(
            m["npv_unadjusted"], {"units": "GBP"}, "Net present value before optimism bias"
        ),
        "pv_benefits": da(m["pv_benefits"], {"units": "GBP"}, "Present value of benefits" + ob),
        "pv_costs": da(
            m["pv_costs"], {"units": "GBP"}, "Present value of costs to the public sector" + ob
        ),
        "bcr": da(m["bcr"], {"units": "1"}, "Benefit-cost ratio (PV benefits / PV costs)"),
        "payback_year": da(
            m["payback_year"],
            {
                "units": "years from the first appraisal year (0 = first)",
                "flag_values": "-inf inf",
                "flag_meanings": "; ".join(PAYBACK_FLAGS.values()),
            },
            "Payback year: discounted cumulative net benefit stays >= 0 from it",
        ),
        "probability_npv_positive": xr.DataArray(
            float(np.mean(m["npv"] > 0)),
            attrs={"units": "1", "long_name": "Share of draws with NPV > 0"},
        ),
    }


def _per_admission(delta: xr.DataArray, adm_change: xr.DataArray) -> dict[str, xr.DataArray]:
    """Cost change per admission avoided over the horizon: per draw, over all draws, and
    whether it is meaningful (the admissions change's P10-P90 interval excludes zero).
    """
    cost = delta.sum("year")
    avoided = -adm_change.sum("year")
    per_draw = cost / avoided.where(avoided != 0)
    all_draws = (
        float(cost.mean("draw")) / float(avoided.mean("draw"))
        if float(avoided.mean("draw")) != 0
        else np.nan
    )
    lo, hi = (float(avoided.quantile(q, "draw")) for q in (0.1, 0.9))
    meaningful = bool(lo > 0 or hi < 0)
    unit = {"units": "GBP per admission avoided"}
    note = (
        "change in cost over the horizon / emergency admissions avoided (negative: saves "
        "money); 'not meaningful' when the admissions change's P10-P90 interval spans 0"
    )
    return {
        "cost_per_admission_avoided": per_draw.assign_attrs(unit, long_name="Per draw: " + note),
        "cost_per_admission_avoided_all_draws": xr.DataArray(
            all_draws,
            attrs={
                **unit,
                "long_name": "Mean cost change / mean admissions avoided "
                "(every draw counted): " + note,
            },
        ),
        "cost_per_admission_meaningful": xr.DataArray(
            meaningful,
            attrs={"long_name": "True when the admissions change's P10-P90 interval excludes zero"},
        ),
    }


def _switching(
    parts: Parts,
    invest: xr.DataArray,
    delta: xr.DataArray,
    health: xr.DataArray,
    cfg: AppraisalCfg,
    obc: float,
    obb: float,
    opt: xr.Dataset,
    npv: xr.DataArray,
) -> dict[str, xr.DataArray]:
    """Switching values of one view (mean NPV over draws = 0), with each input's central."""

    def arr(x: xr.DataArray) -> np.ndarray:
        return x.transpose("draw", "year").values

    zero = np.zeros_like(arr(invest))
    scaled = {}
    for unit, (lines, invs) in parts.scales.items():
        d_delta = sum((arr(parts.delta[k]) for k in lines), zero)
        d_inv = sum((arr(parts.invest[k]) for k in invs), zero)
        scaled[f"unit_cost.{unit}"] = (d_inv, d_delta)
    if "line.acute_beds" in parts.delta and "boarding_days" in parts.delta:
        bed = arr(parts.delta["line.acute_beds"]) + arr(parts.delta["boarding_days"])
        scaled["economic.bed_day_gbp"] = (zero, bed)
    mult = exact_switching(
        arr(invest),
        arr(delta),
        arr(health),
        scaled,
        cfg.discount_rate,
        cfg.health.discount_rate,
        obc,
        obb,
    )
    central = {
        "discount_rate": cfg.discount_rate,
        "savings": 1.0,
        "health": cfg.health.value_per_qaly_gbp,
    }
    for name in scaled:
        if name.startswith("unit_cost."):
            central[name] = float(opt["unit_cost"].sel(unit_cost_name=name.split(".", 1)[1]))
        else:
            central[name] = bed_day_value(cfg, str(opt["unit_cost"].attrs["price_year"]))
    values = {
        k: (v if k in ("discount_rate", "savings") else v * central[k]) for k, v in mult.items()
    }
    methods = dict.fromkeys(values, "exact")
    if "effect_size" in opt and opt.sizes.get("effect", 0):
        sizes = opt["effect_size"].transpose("draw", "effect").values
        fitted, how = fitted_switching(npv.values, sizes)
        for j, eff in enumerate(opt["effect"].values):
            values[f"effect.{eff}"] = fitted[j]
            central[f"effect.{eff}"] = float(np.mean(sizes[:, j]))
            methods[f"effect.{eff}"] = f"fitted ({how})"
    names = list(values)
    rename = {"health": "health.value_per_qaly_gbp", "savings": "savings_share"}
    coords = {"parameter": [rename.get(k, k) for k in names]}
    return {
        "switching_value": xr.DataArray(
            [values[k] for k in names],
            dims="parameter",
            coords=coords,
            attrs={
                "units": "the parameter's own",
                "long_name": "Value at which the mean NPV "
                "over draws is 0 (NaN: NPV keeps its sign over the range searched)",
            },
        ),
        "switching_central": xr.DataArray(
            [central[k] for k in names],
            dims="parameter",
            coords=coords,
            attrs={"units": "the parameter's own", "long_name": "Value used in the appraisal"},
        ),
        "switching_method": xr.DataArray(
            [methods[k] for k in names],
            dims="parameter",
            coords=coords,
            attrs={
                "long_name": "exact: NPV recomputed from the yearly money with the input "
                "changed, activity held fixed; fitted: linear fit of NPV over draws"
            },
        ),
    }


def _at_home_share(fy_b: FinancialYears, fy_o: FinancialYears, years: np.ndarray) -> xr.Dataset:
    """People still at home 91 days after going home, as a share of those whose 91 days
    ended (at home, readmitted or died): ASCOF 2B style, over all discharges home.
    """

    def share(fy: FinancialYears, over_years: bool) -> xr.DataArray:
        q = {
            k: fy.quantity(k).sel(year=years)
            for k in ("at_home_91d", "readmissions", "follow_up_deaths")
        }
        if over_years:
            q = {k: v.sum("year") for k, v in q.items()}
        total = q["at_home_91d"] + q["readmissions"] + q["follow_up_deaths"]
        return q["at_home_91d"] / total.where(total > 0)

    note = (
        "share of people going home whose 91 days ended who were still at home (not "
        "readmitted, not died); ASCOF 2B style, over all discharges home, not only reablement"
    )
    out = {}
    for suffix, over in (("", False), ("_horizon", True)):
        b, o = share(fy_b, over), share(fy_o, over)
        out[f"at_home_91d_share{suffix}"] = o.assign_attrs(units="1", long_name="Option: " + note)
        out[f"at_home_91d_share_baseline{suffix}"] = b.assign_attrs(
            units="1", long_name="Baseline: " + note
        )
        out[f"at_home_91d_share_change{suffix}"] = (100 * (o - b)).assign_attrs(
            units="percentage points", long_name="Change in the share at home 91 days"
        )
    return xr.Dataset(out)


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
    return xr.Dataset(
        {
            "admissions_change_per_1000": per_1000.assign_attrs(
                units="admissions per 1,000 residents a year",
                long_name="Change in emergency admissions per 1,000 residents a year, by "
                "deprivation quintile (q1 = most deprived)",
            ),
            "equity_gap": gap.reset_coords(drop=True).assign_attrs(
                units="admissions per 1,000 residents a year",
                long_name="Most deprived (q1) minus least deprived (q5) change: negative means "
                "the option helps the most deprived more",
                assumption=EQUITY_ASSUMPTION,
            ),
        }
    )


def summarise(appraisal: xr.Dataset) -> xr.Dataset:
    """P10, P50 and P90 over draws of every numeric variable with a draw dimension; payback
    (``payback_year*``: -inf never a net cost, inf not within the horizon) is ordinal, so its
    percentiles are draws' values (nearest), never interpolated.
    """
    stats = [0.1, 0.5, 0.9]
    keep = [
        v
        for v in appraisal.data_vars
        if "draw" in appraisal[v].dims and appraisal[v].dtype.kind in "fiub"
    ]
    ordinal = [v for v in keep if str(v).startswith("payback_year")]
    a = appraisal[keep]
    q = a.drop_vars(ordinal).quantile(stats, dim="draw")
    for v in ordinal:
        q[v] = a[v].quantile(stats, dim="draw", method="nearest")
    return q.assign_coords(quantile=["P10", "P50", "P90"]).rename(quantile="stat")
