"""The two views of an option's money, per draw and financial year, as additive parts.

**Cash view**: the change in system net cost (released cash), i.e. the sum over cost lines
of each line's change as the providers book it (fixed, semi-fixed and variable parts: only
what is released counts) plus investment spent as received (``cost = amount``).

**Economic view**: the change in resources used, valued at cost whether or not cash is
released (Green Book social cost-benefit, public-sector costs):

- acute bed days at the resource cost of a bed day excluding treatment (EVIDENCE 10.90,
  uplifted with the NHS Cost Inflation Index, EVIDENCE 10.94-10.99) times the opportunity
  share (assumption: EVIDENCE 10.102 has no opportunity value of freed beds);
- activity lines (admissions, attendances, ambulance jobs, GP appointments, 111 calls): every
  unit at its full unit cost (the fixed and semi-fixed shares are staff time and space freed
  for other patients, valued at cost);
- services whose cost follows their staffed capacity (other ``occupied.*`` lines): as booked,
  since the staff are paid whether or not busy;
- investment spent as received, as booked;
- ambulance hours lost at handover at the crew-hour unit cost, and patient-days boarding in
  ED at a share of the bed-day resource cost (neither is in any cost line);
- health gained (QALYs from admissions and long-term care avoided and from years of life
  gained within the horizon by deaths averted) at the value of a QALY, discounted at the
  health rate.

Each part is option minus baseline, so the baseline against itself gives exact zeros.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from omegaconf import OmegaConf

from sim.config.errors import ConfigError
from sim.config.schema import AppraisalCfg, Config, FinanceCfg
from sim.finance.prices import year_label
from sim.finance.years import FinancialYears

VIEWS = ("cash", "economic")


@dataclass
class Parts:
    """An option's yearly money in one view, as additive parts, each ``(draw, year)``.

    ``delta``: change in cost (option - baseline) by part; ``invest``: the option's own
    spending (its investment lines) by line; ``scales``: for each unit cost, the parts of
    ``delta`` and ``invest`` proportional to it (activity held fixed).
    """

    delta: dict[str, xr.DataArray]
    invest: dict[str, xr.DataArray]
    scales: dict[str, tuple[list[str], list[str]]]


def config_of(ds: xr.Dataset) -> Config:
    """The configuration a run was made with (its ``config_yaml`` attribute)."""
    if "config_yaml" not in ds.attrs:
        raise ConfigError("appraisal: a run without its config_yaml attribute; pass finance=")
    given = OmegaConf.create(ds.attrs["config_yaml"])
    merged = OmegaConf.merge(OmegaConf.structured(Config), given)
    return OmegaConf.to_object(merged)


def bed_day_value(cfg: AppraisalCfg, price_year: str) -> float:
    """GBP of an acute bed day's resources at ``price_year``: EVIDENCE 10.90 uplifted."""
    e = cfg.economic
    start, end = int(e.bed_day_price_year[:4]), int(price_year[:4])
    value = e.bed_day_gbp
    for y in range(start + 1, end + 1):
        label = year_label(y)
        if label not in e.uplift:
            raise ConfigError(
                f"appraisal.economic.uplift: no rate for {label}; needed from "
                f"{e.bed_day_price_year} to the price year {price_year}"
            )
        value *= 1.0 + e.uplift[label]
    return value * e.opportunity_share


def option_parts(
    base: xr.Dataset,
    opt: xr.Dataset,
    fin: FinanceCfg,
    cfg: AppraisalCfg,
    years: np.ndarray,
) -> dict[str, Parts]:
    """Cash and economic parts of one option (see the module docstring)."""
    sel = {"year": years}
    fy_b, fy_o = FinancialYears(base), FinancialYears(opt)
    line_d = (opt["line_cost"] - base["line_cost"]).sum("cost_type").sel(sel)
    amount_d = (
        (opt["provider_cost"] - base["provider_cost"])
        .sel(cost_type="investment", drop=True)
        .sum("org")
    ).sel(sel)
    invest = {
        str(k): opt["investment"].sel(investment_line=k, drop=True).sel(sel)
        for k in opt["investment"]["investment_line"].values
    }
    tied = {
        k: fin.investments[k].cost_line
        for k in invest
        if k in fin.investments and fin.investments[k].cost == "line"
    }

    def unit(ds: xr.Dataset, name: str) -> xr.DataArray:
        return ds["unit_cost_by_draw"].sel(unit_cost_name=name, drop=True)

    def change(driver: str) -> xr.DataArray:
        return (fy_o.quantity(driver) - fy_b.quantity(driver)).sel(sel)

    cash: dict[str, xr.DataArray] = {}
    econ: dict[str, xr.DataArray] = {}
    scales: dict[str, tuple[list[str], list[str]]] = {}
    bed = bed_day_value(cfg, fin.price_year)
    for name, line in fin.costs.items():
        key = f"line.{name}"
        cash[key] = line_d.sel(cost_line=name, drop=True)
        if line.driver == "occupied.acute_beds":
            econ[key] = bed * line.share * change(line.driver)
        elif line.driver.startswith("occupied."):
            econ[key] = cash[key]
        else:
            econ[key] = line.share * (
                unit(opt, line.unit_cost) * fy_o.quantity(line.driver).sel(sel)
                - unit(base, line.unit_cost) * fy_b.quantity(line.driver).sel(sel)
            )
        lines, invs = scales.setdefault(line.unit_cost, ([], []))
        lines.append(key)
        invs.extend(k for k, cl in tied.items() if cl == name)
    cash["investment_spent"] = econ["investment_spent"] = amount_d
    crew = cfg.economic.handover_hour_unit_cost
    econ["handover_hours"] = unit(opt, crew) * fy_o.quantity("handover_hours_lost").sel(sel) - unit(
        base, crew
    ) * fy_b.quantity("handover_hours_lost").sel(sel)
    scales.setdefault(crew, ([], []))[0].append("handover_hours")
    econ["boarding_days"] = bed * cfg.economic.boarding_day_share * change("boarding")
    cash_scales = {k: ([p for p in ls if p in cash], iv) for k, (ls, iv) in scales.items()}
    return {
        "cash": Parts(cash, invest, {k: v for k, v in cash_scales.items() if v[0]}),
        "economic": Parts(econ, invest, scales),
    }


def health_qalys(
    base: xr.Dataset, opt: xr.Dataset, cfg: AppraisalCfg, years: np.ndarray
) -> dict[str, xr.DataArray]:
    """QALYs gained per ``(draw, year)``: admissions and long-term care avoided, and years of
    life gained within the horizon (mortality) at the quality weight of a year of life.

    Years of life come from deaths averted: a death averted in year ``t`` adds half a year in
    ``t`` and a whole year in each later year appraised, less any death the model records
    later for the same cohort (the cumulative change in deaths). Person-years of residents are
    not used, as people also leave the place by migration.
    """
    h = cfg.health
    fy_b, fy_o = FinancialYears(base), FinancialYears(opt)

    def change(driver: str) -> xr.DataArray:
        return (fy_o.quantity(driver) - fy_b.quantity(driver)).sel(year=years)

    averted = -change("deaths")
    life_years = averted.cumsum("year") - 0.5 * averted
    return {
        "admissions": -change("emergency_admissions") * h.qaly_per_admission_avoided,
        "long_term_care": -change("care_home_admissions_after_hospital")
        * h.qaly_per_long_term_care_avoided,
        "mortality": life_years * h.qaly_per_life_year,
    }
