"""The frozen regression baseline: key annual figures of the default place's central run.

    python scripts/regression_baseline.py               # compare; exit 1 and show the diff
    python scripts/regression_baseline.py --force-regen # rewrite tests/regression/baseline.csv

The baseline is regenerated on purpose only (after a change meant to move the numbers), and the
change is reviewed as a diff of the CSV in the commit (``git diff tests/regression``).
``tests/regression/test_baseline.py`` runs the same comparison in the suite.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import sim
from sim.report.summary import ANNUAL_FLOWS, ANNUAL_LEVELS, annual

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "tests" / "regression" / "baseline.csv"
OVERRIDES = ["run.draws=1", "run.record_every_days=7"]  # ten years, central values
CASES = {"bau": [], "do_nothing": ["place.plan.case=do_nothing"]}
SIGNIFICANT = 6  # digits kept: a change in the fifth figure is a change to review
RTOL = 1e-4  # comparison tolerance (relative), above float noise across platforms


def figures() -> list[dict[str, str]]:
    """One row per case, measure and financial year: ``case, measure, year, value``."""
    rows = []
    for case, extra in CASES.items():
        a = annual(sim.run([*OVERRIDES, *extra])).isel(draw=0)
        for var, _ in ANNUAL_FLOWS + ANNUAL_LEVELS:
            for label, value in zip(a["financial_year"].values, a[var].values, strict=True):
                rows.append({"case": case, "measure": var, "year": str(label),
                             "value": f"{float(value):.{SIGNIFICANT}g}"})  # fmt: skip
    return rows


def to_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=["case", "measure", "year", "value"], lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def differences(rows: list[dict[str, str]], frozen_text: str) -> list[str]:
    """Rows whose value moved by more than ``RTOL`` (or that appeared or went)."""
    frozen = {(r["case"], r["measure"], r["year"]): float(r["value"])
              for r in csv.DictReader(io.StringIO(frozen_text))}  # fmt: skip
    now = {(r["case"], r["measure"], r["year"]): float(r["value"]) for r in rows}
    out = []
    for key in sorted(set(frozen) | set(now)):
        a, b = frozen.get(key), now.get(key)
        if a is None or b is None or abs(b - a) > RTOL * max(abs(a), 1.0):
            out.append(f"{','.join(key)}: frozen {a} now {b}")
    return out


def main(argv: list[str]) -> int:
    rows = figures()
    if "--force-regen" in argv:
        BASELINE.parent.mkdir(parents=True, exist_ok=True)
        BASELINE.write_text(to_csv(rows))
        print(f"wrote {BASELINE} ({len(rows)} rows); review with git diff {BASELINE}")
        return 0
    diff = differences(rows, BASELINE.read_text())
    print("\n".join(diff) or "no differences")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
