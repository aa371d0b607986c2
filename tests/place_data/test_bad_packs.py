"""Bad data packs stop with one line naming the file, row and column, before any simulation.

Each case copies the shipped example pack (configs/packs/example_icb), breaks one thing and
checks the error names the file and where in it, with the value at fault.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.config.compose import compose
from sim.place.data.pack import PackError, apply_pack

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "configs" / "packs" / "example_icb"


@pytest.fixture(scope="module")
def base_cfg():
    """The example place composed once (Hydra), without its pack applied."""
    return compose(["place=example_icb"])


def edit(table: str, old: str, new: str) -> Callable[[Path], None]:
    """Replace the first ``old`` with ``new`` in ``table`` (must be present)."""

    def go(folder: Path) -> None:
        path = folder / table
        text = path.read_text()
        assert old in text, (table, old)
        path.write_text(text.replace(old, new, 1))

    return go


def drop_lines(table: str, start: str) -> Callable[[Path], None]:
    """Delete every line of ``table`` that starts with ``start``."""

    def go(folder: Path) -> None:
        path = folder / table
        lines = path.read_text().splitlines(keepends=True)
        kept = [ln for ln in lines if not ln.startswith(start)]
        assert len(kept) < len(lines), (table, start)
        path.write_text("".join(kept))

    return go


def remove(table: str) -> Callable[[Path], None]:
    return lambda folder: (folder / table).unlink()


def append(table: str, line: str) -> Callable[[Path], None]:
    return lambda folder: (folder / table).write_text((folder / table).read_text() + line + "\n")


POP_HEADER = "year,age_band,quintile,people"
CAP_HEADER = "service,year,capacity,source"
ACT_HEADER = "measure,year,value,sd,source"
# row numbers count the header as row 1 and skip comment lines
CASES = {
    "no pack.yaml": (remove("pack.yaml"), ["place.data_pack", "no pack"]),
    "pack.yaml unknown key": (append("pack.yaml", "colour: blue"), ["pack.yaml", "'colour'"]),
    "pack.yaml no base_year": (drop_lines("pack.yaml", "base_year"), ["pack.yaml", "base_year"]),
    "pack.yaml base_year text": (
        edit("pack.yaml", "base_year: 2024", "base_year: soon"),
        ["pack.yaml", "'soon'"],
    ),
    "base year after run start": (
        edit("pack.yaml", "base_year: 2024", "base_year: 2026"),
        ["pack.yaml", "2026", "after the run starts"],
    ),
    "population.csv missing": (remove("population.csv"), ["population.csv", "missing"]),
    "missing column": (
        edit("population.csv", POP_HEADER, "year,age_band,quintile,persons"),
        ["population.csv", "'persons'"],
    ),
    "missing required column": (
        edit("capacity.csv", CAP_HEADER, "service,year,capacity"),
        ["capacity.csv", "missing column 'source'"],
    ),
    "age and age_band": (
        edit("population.csv", POP_HEADER, "year,age_band,age,quintile,people"),
        ["population.csv", "'age_band' or 'age'"],
    ),
    "text for a number": (
        edit("population.csv", "2024,0-17,1,32760", "2024,0-17,1,many"),
        ["population.csv", "row 2", "'people'", "'many'"],
    ),
    "negative people": (
        edit("population.csv", "2024,0-17,1,32760", "2024,0-17,1,-32760"),
        ["population.csv", "row 2", "'people'", "-32760", ">= 0"],
    ),
    "nan people": (
        edit("population.csv", "2024,0-17,1,32760", "2024,0-17,1,nan"),
        ["population.csv", "row 2", "'people'", "finite"],
    ),
    "infinite capacity": (
        edit("capacity.csv", "acute_beds,2025/26,1050.0", "acute_beds,2025/26,inf"),
        ["capacity.csv", "row 2", "'capacity'", "finite"],
    ),
    "quintile 6": (
        edit("population.csv", "2024,0-17,1,32760", "2024,0-17,6,32760"),
        ["population.csv", "row 2", "'quintile'", "1-5"],
    ),
    "unknown age band": (
        edit("population.csv", "2024,80+,1,7020", "2024,85+,1,7020"),
        ["population.csv", "'age_band'", "'85+'", "0-17"],
    ),
    "duplicate row": (
        append("population.csv", "2024,0-17,1,100"),
        ["population.csv", "repeats row 2", "quintile=1"],
    ),
    "a band missing in a year": (
        drop_lines("population.csv", "2030,65-79,3"),
        ["population.csv", "2030", "'65-79'", "quintile 3"],
    ),
    "total does not add up": (
        edit("pack.yaml", "population_total: 600000", "population_total: 650000"),
        ["population.csv", "600,000", "650,000"],
    ),
    "base year rows missing": (
        drop_lines("population.csv", "2024,"),
        ["population.csv", "base_year 2024"],
    ),
    "unknown service": (
        edit("capacity.csv", "ucr,2025/26", "urgent_care,2025/26"),
        ["capacity.csv", "'service'", "'urgent_care'", "acute_beds"],
    ),
    "bad financial year": (
        edit("capacity.csv", "acute_beds,2025/26", "acute_beds,2025-26"),
        ["capacity.csv", "row 2", "'year'", "'2025-26'"],
    ),
    "zero capacity": (
        edit("capacity.csv", "acute_beds,2025/26,1050.0", "acute_beds,2025/26,0"),
        ["capacity.csv", "row 2", "'capacity'", "> 0"],
    ),
    "capacity year before the run": (
        append("capacity.csv", "acute_beds,2024/25,1000,trust return"),
        ["capacity.csv", "'year'", "2024/25", "before the run"],
    ),
    "plan with a gap": (
        drop_lines("capacity.csv", "reablement,2028/29"),
        ["capacity.csv", "'reablement'", "2028/29"],
    ),
    "service without today's capacity": (
        drop_lines("capacity.csv", "ic_beds,2025/26"),
        ["capacity.csv", "'ic_beds'", "2025/26"],
    ),
    "empty source": (
        append("capacity.csv", "acute_beds,2035/36,1000,"),
        ["capacity.csv", "row 72", "'source'", "empty"],
    ),
    "ragged row": (
        append("capacity.csv", "acute_beds,2035/36,1000,a,b"),
        ["capacity.csv", "cells"],
    ),
    "unknown measure": (
        edit("activity.csv", "nctr_patients,", "delayed_discharges,"),
        ["activity.csv", "'measure'", "'delayed_discharges'", "nctr_patients"],
    ),
    "zero sd": (
        edit("activity.csv", "nctr_patients,2024/25,120,15", "nctr_patients,2024/25,120,0"),
        ["activity.csv", "'sd'", "> 0"],
    ),
    "activity after the run starts": (
        edit("activity.csv", "deaths,2024/25", "deaths,2027/28"),
        ["activity.csv", "'year'", "2027/28"],
    ),
    "conveyances exceed incidents": (
        edit(
            "activity.csv",
            "ambulance_conveyances,2024/25,54500",
            "ambulance_conveyances,2024/25,99000",
        ),
        ["activity.csv", "ambulance_conveyances 99000", "ambulance_incidents 92400"],
    ),
    "type 1 exceeds all ED": (
        edit(
            "activity.csv",
            "ed_type1_attendances,2024/25,181600",
            "ed_type1_attendances,2024/25,300000",
        ),
        ["activity.csv", "ed_type1_attendances", "ed_attendances 267000"],
    ),
    "unknown unit cost": (
        edit("unit_costs.csv", "ae_attendance,", "a_and_e,"),
        ["unit_costs.csv", "'item'", "'a_and_e'"],
    ),
    "unit cost outside its range": (
        edit("unit_costs.csv", "ae_attendance,155", "ae_attendance,200"),
        ["unit_costs.csv", "'gbp'", "200", "low-high"],
    ),
    "unit cost bad price year": (
        edit("unit_costs.csv", "ae_attendance,155,2016/17", "ae_attendance,155,2016"),
        ["unit_costs.csv", "'price_year'", "'2016'"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_pack_one_line_error(case, base_cfg, tmp_path):
    """Every broken pack raises one line naming the file, row/column and value."""
    breaker, expected = CASES[case]
    folder = tmp_path / "pack"
    shutil.copytree(EXAMPLE, folder)
    breaker(folder)
    cfg = copy.deepcopy(base_cfg)
    cfg.place.data_pack = str(folder)
    with pytest.raises(PackError) as err:
        apply_pack(cfg, [])
    msg = str(err.value)
    assert "\n" not in msg
    for part in expected:
        assert part in msg, (part, msg)


def test_example_pack_is_clean(base_cfg):
    """The shipped pack itself passes every check (so each case above breaks one thing)."""
    cfg = copy.deepcopy(base_cfg)
    assert apply_pack(cfg, [ROOT / "configs"]) is not None


def test_cli_stops_before_simulating(tmp_path):
    """On the command line a bad pack is one line on stderr, exit 2, and no results written."""
    folder = tmp_path / "pack"
    shutil.copytree(EXAMPLE, folder)
    edit("population.csv", "2024,0-17,1,32760", "2024,0-17,1,-5")(folder)
    out = tmp_path / "results"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "place=example_icb",
            f"place.data_pack={folder}",
            f"run.output_dir={out}",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 2, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "population.csv: row 2, column 'people'" in lines[0], lines
    assert not out.exists()
