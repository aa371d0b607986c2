"""Annual summaries of a results Dataset, as a Dataset and as printable text."""

from __future__ import annotations

import xarray as xr

from sim.finance.years import FinancialYears

ANNUAL_FLOWS = (
    ("ed_attendances", "ED attendances (all types)"),
    ("emergency_admissions", "Emergency admissions"),
    ("ambulance_incidents", "999 incidents"),
    ("conveyances", "Conveyances to ED"),
    ("handover_hours_lost", "Ambulance hours lost at handover"),
    ("gp_unmet", "GP appointments unmet"),
    ("care_home_admissions", "Care-home admissions"),
    ("readmissions", "Readmissions (91 days)"),
    ("deaths", "Deaths"),
)
ANNUAL_LEVELS = (
    ("acute_occupancy", "G&A bed occupancy (%)"),
    ("nctr", "Patients with no criteria to reside"),
    ("boarding", "Patients boarding in ED (midnight)"),
    ("population", "Population (end of year)"),
)


def annual(ds: xr.Dataset) -> xr.Dataset:
    """Per financial year (1 April to 31 March, ``year`` = calendar year it starts): flow
    totals and mean levels, per draw. Records of any length are split between years by their
    days of overlap, so daily, weekly and annual records give the same totals.
    """
    fy = FinancialYears(ds)
    out = {var: fy.quantity(var) for var, _ in ANNUAL_FLOWS}
    out["acute_occupancy"] = (
        100 * fy.mean_level("occupied.acute_beds") / fy.mean_level("capacity.acute_beds")
    )
    out["nctr"] = fy.mean_level("nctr")
    out["boarding"] = fy.mean_level("boarding")
    ends = fy.overlap_days.where(fy.overlap_days > 0).notnull()
    last = ends.cumsum("time").argmax("time")  # the last period touching each year
    # Residents: the stock-flow ledger counts them; the patient engine's ledger counts only
    # people in services, so its population line is the resident population it was given.
    if "people_total" in ds:
        people = ds["people_total"]
    else:
        pop = ds["population"]
        people = pop.sum([d for d in pop.dims if d not in ("draw", "time")])
    out["population"] = people.isel(time=last).drop_vars("time")
    return xr.Dataset(out).assign_coords(financial_year=fy.days["financial_year"])


def format_summary(ds: xr.Dataset) -> str:
    """A table of annual figures: the value for one draw, median [P10-P90] for several."""
    a = annual(ds)
    labels = a["financial_year"].values
    many = ds.sizes.get("draw", 1) > 1
    head = f"{'':40s}" + "".join(f"{y:>14s}" for y in labels)
    lines = [
        f"Place {ds.attrs.get('place', '?')}, scenario {ds.attrs.get('scenario', '?')}, "
        f"{ds.sizes.get('draw', 1)} draw(s), from {ds.attrs.get('start_date', '?')}"
        + (" (median; P10-P90 in the results)" if many else ""),
        head,
    ]
    for var, label in ANNUAL_FLOWS + ANNUAL_LEVELS:
        values = a[var].median("draw") if many else a[var].isel(draw=0)
        lines.append(f"{label:40s}" + "".join(f"{float(v):14,.1f}" for v in values.values))
    lines += _plan_lines(ds)
    if "system_net_cost" in ds:
        lines += _money_lines(ds, many)
    return "\n".join(lines)


def _plan_lines(ds: xr.Dataset) -> list[str]:
    """Capacity of each planned service by financial year (``place.plan``), if recorded."""
    if "planned_capacity" not in ds:
        return []
    fy = FinancialYears(ds)
    pc = ds["planned_capacity"]
    mean = xr.dot(pc, fy.overlap_days, dim="time") / fy.days.where(fy.days > 0)
    labels = fy.days["financial_year"].values
    lines = [
        "",
        "Capacity (place.plan), mean by financial year",
        f"{'':40s}" + "".join(f"{y:>14s}" for y in labels),
    ]
    for svc, units in zip(pc["plan_service"].values, pc["plan_units"].values, strict=True):
        label = f"{svc} ({units})"
        lines.append(
            f"{label:40s}"
            + "".join(f"{float(v):14,.0f}" for v in mean.sel(plan_service=svc).values)
        )
    return lines


def _money_lines(ds: xr.Dataset, many: bool) -> list[str]:
    """System net cost, investment and each organisation's surplus by financial year."""
    price = ds["system_net_cost"].attrs.get("price_year", "?")
    years = ds["year"].values
    lines = [
        "",
        f"Money, GBP m at {price} prices, by financial year"
        + (" (median over draws)" if many else ""),
        f"{'':40s}" + "".join(f"{f'{y}/{(y + 1) % 100:02d}':>14s}" for y in years),
    ]
    rows = [("System net cost", ds["system_net_cost"]), ("Investment", ds["investment_total"])]
    rows += [(f"Surplus: {org}", ds["surplus"].sel(org=org)) for org in ds["org"].values]
    for label, da in rows:
        values = da.median("draw") if many else da.isel(draw=0)
        lines.append(f"{label:40s}" + "".join(f"{float(v) / 1e6:14,.1f}" for v in values.values))
    return lines
