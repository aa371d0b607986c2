"""Baseline face validity: the default place's first simulated year against EVIDENCE.md.

Regenerates docs/validation.md. National figures are scaled to the place by population share
(800,000 / 57 m). Rows marked "calibrated" are targets that an input was set to reproduce (so
agreement is expected); "emergent" rows come out of the model's mechanisms.

Usage: python scripts/face_validity.py [--check] [hydra overrides...]
  --check  exit 1 if a required row is outside its band.
"""

from __future__ import annotations

import sys
from pathlib import Path

import sim

ENGLAND = 57_000_000


def rows(ds) -> list[tuple]:
    """(measure, model, evidence, band (lo, hi), required, kind, source) for year one."""
    y = ds.isel(draw=0).sel(time=slice(ds.time[0], ds.time[0] + 364 * 86400 * 10**9))
    pop = float(ds.people_initial[0])
    scale = pop / ENGLAND
    tot = {
        v: float(y[v].sum())
        for v in y.data_vars
        if "time" in y[v].dims and "pathway" not in y[v].dims
    }
    occ = y["occupied"].sel(service="acute_beds").mean("time")
    beds = y["capacity"].sel(service="acute_beds").mean("time")
    nctr = y["nctr"].sum("waiting_for").mean("time")
    age = y["acute_patients"].mean("time")
    disch = y["discharges"].sum(["time", "quintile"])
    vw = y["occupancy"].sel(service="virtual_ward").mean("time")
    out = [
        (
            "G&A bed occupancy",
            float(occ / beds),
            0.905,
            (0.88, 0.93),
            True,
            "emergent",
            "EVIDENCE 2.1, 2.3, 2.4 (88-93%)",
        ),
        (
            "NCTR share of G&A beds",
            float(nctr / beds),
            0.13,
            (0.12, 0.14),
            True,
            "emergent",
            "EVIDENCE 2.13, 2.17 (12.9-13%)",
        ),
        (
            "Type 1 ED attendances admitted",
            tot["ed_admissions"] / tot["ed_type1_attendances"],
            0.263,
            (0.24, 0.28),
            True,
            "calibrated",
            "EVIDENCE 1.4 (26.3%)",
        ),
        (
            "Ambulance incidents conveyed",
            tot["conveyances"] / tot["ambulance_incidents"],
            0.59,
            (0.56, 0.62),
            True,
            "calibrated",
            "EVIDENCE 1.14 (~59%)",
        ),
        (
            "ED attendances (all types) per head",
            tot["ed_attendances"] / pop,
            25_348_842 / ENGLAND,
            (0.85, 1.15),
            True,
            "emergent",
            "EVIDENCE 1.1 (25.3 m / 57 m)",
        ),
        (
            "Emergency admissions per head",
            tot["emergency_admissions"] / pop,
            6.35e6 / ENGLAND,
            (0.85, 1.15),
            True,
            "emergent",
            "EVIDENCE 1.8a (6.3-6.4 m / 57 m)",
        ),
        (
            "Ambulance incidents per head",
            tot["ambulance_incidents"] / pop,
            8.8e6 / ENGLAND,
            (0.85, 1.15),
            False,
            "emergent",
            "EVIDENCE 1.11 (8.8 m / 57 m)",
        ),
        (
            "NHS 111 calls per head",
            tot["nhs111_calls"] / pop,
            22.8e6 / ENGLAND,
            (0.85, 1.15),
            False,
            "emergent",
            "EVIDENCE 1.22a (~22.8 m / 57 m)",
        ),
        (
            "GP appointments per head",
            tot["gp_appointments"] / pop,
            370.1e6 / ENGLAND,
            (0.85, 1.15),
            False,
            "calibrated",
            "EVIDENCE 1.20 (370.1 m / 57 m)",
        ),
        (
            "Handover hours lost per conveyance",
            tot["handover_hours_lost"] / tot["conveyances"],
            1.6e6 / (8.8e6 * 0.59),
            (0.7, 1.3),
            False,
            "emergent",
            "EVIDENCE 1.16, 1.11, 1.14 (1.6 m h / 5.2 m conveyances)",
        ),
        (
            "Share of acute patients aged 65+",
            float(age.sel(age_band=["65-79", "80+"]).sum() / age.sum()),
            0.54,
            (0.45, 0.65),
            False,
            "emergent",
            "EVIDENCE 2.9 (54% of bed days)",
        ),
        (
            "Discharges to intermediate care (P1+P2) a day",
            float(disch.sel(pathway=["P1", "P2"]).sum()) / 365,
            39_000 * 12 / 365 * scale,
            (0.7, 1.3),
            False,
            "emergent",
            "EVIDENCE 2.19 (39,000 a month)",
        ),
        (
            "Discharges to long-term care (P3) a day",
            float(disch.sel(pathway="P3")) / 365,
            9_750 * 12 / 365 * scale,
            (0.7, 1.3),
            False,
            "emergent",
            "EVIDENCE 2.19a (9,750 a month)",
        ),
        (
            "Virtual ward occupancy",
            float(vw),
            0.77,
            (0.70, 0.85),
            False,
            "emergent",
            "EVIDENCE 3.10, 3.11 (75-80%)",
        ),
        (
            "Care-home residents",
            float(y["occupied"].sel(service="care_home").mean()),
            360_792 * scale,
            (0.9, 1.1),
            False,
            "emergent",
            "EVIDENCE 3.18 (360,792)",
        ),
    ]
    return out


def table(ds) -> tuple[str, bool]:
    """The markdown table and whether every required row is within its band."""
    lines = [
        "| measure | model (year 1) | evidence (scaled) | band | required | kind | source |",
        "|---|---|---|---|---|---|---|",
    ]
    ok = True
    for name, model, ev, (lo, hi), required, kind, src in rows(ds):
        relative = (
            name.endswith("per head")
            or name.endswith("a day")
            or name.startswith(("Handover", "Care-home"))
        )
        low, high = (lo * ev, hi * ev) if relative else (lo, hi)
        inside = low <= model <= high
        ok &= inside or not required
        fmt = (lambda v: f"{v:.1%}") if not relative else (lambda v: f"{v:.4g}")
        band = f"{fmt(low)} to {fmt(high)}"
        mark = "yes" if inside else "**no**"
        lines.append(
            f"| {name} | {fmt(model)} | {fmt(ev)} | {band} ({mark}) | "
            f"{'yes' if required else 'cross-check'} | {kind} | {src} |"
        )
    return "\n".join(lines), ok


def main(argv: list[str]) -> int:
    check = "--check" in argv
    overrides = [a for a in argv if a != "--check"]
    ds = sim.run(["run.horizon_years=1", "run.record_every_days=1", *overrides])
    text, ok = table(ds)
    header = (
        "# Baseline face validity\n\n"
        "The default place's first simulated year (after a one-year warm-up) against national "
        "figures from EVIDENCE.md scaled to its population. Regenerate with "
        "`python scripts/face_validity.py` (it rewrites this file).\n\n"
        "*calibrated*: an input was set from this figure, so agreement checks the wiring; "
        "*emergent*: produced by the model's mechanisms (capacities, lengths of stay, routing, "
        "feedback). Relative bands are multiples of the evidence value.\n\n"
    )
    notes = Path(__file__).with_name("face_validity_notes.md")
    body = header + text + "\n" + (("\n" + notes.read_text()) if notes.exists() else "")
    if not overrides:
        Path(__file__).resolve().parents[1].joinpath("docs", "validation.md").write_text(body)
    print(text)
    return 0 if (ok or not check) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
