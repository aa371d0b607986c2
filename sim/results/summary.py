"""Annual summaries of a results Dataset, as a Dataset and as printable text."""

from __future__ import annotations

import numpy as np
import xarray as xr

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
    """Per simulation year (from the start date): flow totals and mean levels, per draw."""
    start = ds.time.values[0]
    year = ((ds.time.values - start) // np.timedelta64(365, "D")).astype(int)
    year_coord = xr.DataArray(year + 1, dims="time", name="year")
    out = {}
    for var, _ in ANNUAL_FLOWS:
        da = ds[var]
        da = da.sum([d for d in da.dims if d not in ("draw", "time")])
        out[var] = da.groupby(year_coord).sum()
    occ = ds["occupancy"].sel(service="acute_beds")
    out["acute_occupancy"] = 100 * occ.groupby(year_coord).mean()
    out["nctr"] = ds["nctr"].sum("waiting_for").groupby(year_coord).mean()
    out["boarding"] = ds["boarding"].groupby(year_coord).mean()
    pop = ds["people_total"]
    out["population"] = pop.groupby(year_coord).last()
    return xr.Dataset(out)


def format_summary(ds: xr.Dataset) -> str:
    """A table of annual figures: the value for one draw, median [P10-P90] for several."""
    a = annual(ds)
    years = a.year.values
    many = ds.sizes.get("draw", 1) > 1
    head = f"{'':40s}" + "".join(f"{f'year {y}':>14s}" for y in years)
    lines = [
        f"Place {ds.attrs.get('place', '?')}, scenario {ds.attrs.get('scenario', '?')}, "
        f"{ds.sizes.get('draw', 1)} draw(s), from {ds.attrs.get('start_date', '?')}"
        + (" (median; P10-P90 in the results)" if many else ""),
        head,
    ]
    for var, label in ANNUAL_FLOWS + ANNUAL_LEVELS:
        values = a[var].median("draw") if many else a[var].isel(draw=0)
        lines.append(f"{label:40s}" + "".join(f"{float(v):14,.1f}" for v in values.values))
    if "system_net_cost" in ds:
        lines += _money_lines(ds, many)
    return "\n".join(lines)


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
