"""A good pack becomes the place: figures checked against sums done by hand from the tables."""

from __future__ import annotations

import copy
import csv
import shutil
from pathlib import Path

import pytest

from sim.config.compose import compose
from sim.place.data.pack import apply_pack, read_pack, run_years

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "configs" / "packs" / "example_icb"
BANDS = {"0-17": range(0, 18), "18-64": range(18, 65), "65-79": range(65, 80), "80+": [80, 95]}


@pytest.fixture(scope="module")
def base_cfg():
    return compose(["place=example_icb"])


def rows(path: Path) -> list[dict]:
    lines = [ln for ln in path.read_text().splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines))


def test_population_capacity_costs(base_cfg):
    """Size and shares are the 2025 rows' sums (the latest estimate at the run's start)."""
    cfg = copy.deepcopy(base_cfg)
    apply_pack(cfg, [ROOT / "configs"])
    pop = [r for r in rows(EXAMPLE / "population.csv") if r["year"] == "2025"]
    total = sum(float(r["people"]) for r in pop)
    assert cfg.place.population.size == pytest.approx(total)
    for i, band in enumerate(cfg.place.population.age_bands):
        share = sum(float(r["people"]) for r in pop if r["age_band"] == band) / total
        assert cfg.place.population.age_shares[i] == pytest.approx(share)
    q1 = sum(float(r["people"]) for r in pop if r["quintile"] == "1") / total
    assert cfg.place.population.quintile_shares[0] == pytest.approx(q1)
    assert cfg.place.acute.beds == 1050.0
    assert cfg.place.ucr.capacity == 45.0
    # residents keep the default place's occupancy of its beds (5064 / 5820)
    assert cfg.place.care_home.residents == pytest.approx(4400 * 5064 / 5890)
    assert cfg.finance.unit_costs["ae_attendance"].gbp == 155.0
    assert cfg.finance.unit_costs["ae_attendance"].low == 140.0


def test_single_years_of_age_sum_into_bands(base_cfg, tmp_path):
    """A table by single year of age gives the same place as the same people by band."""
    folder = tmp_path / "pack"
    shutil.copytree(EXAMPLE, folder)
    out = ["year,age,quintile,people"]
    for r in rows(EXAMPLE / "population.csv"):
        ages = list(BANDS[r["age_band"]])
        people = float(r["people"])
        for k, age in enumerate(ages):  # uneven split, summing to the band's people
            part = people * (k + 1) / sum(range(1, len(ages) + 1))
            out.append(f"{r['year']},{age},{r['quintile']},{part}")
    (folder / "population.csv").write_text("\n".join(out) + "\n")
    by_band, by_age = copy.deepcopy(base_cfg), copy.deepcopy(base_cfg)
    apply_pack(by_band, [ROOT / "configs"])
    by_age.place.data_pack = str(folder)
    apply_pack(by_age, [])
    assert by_age.place.population.size == pytest.approx(by_band.place.population.size)
    assert by_age.place.population.age_shares == pytest.approx(by_band.place.population.age_shares)


def test_plan_from_later_years(base_cfg):
    """Years after the first become the plan table (issue 11's place.plan), within the run."""
    if not hasattr(base_cfg.place, "plan"):
        pytest.skip("this version has no place.plan (issue 11)")
    cfg = copy.deepcopy(base_cfg)
    cfg.run.horizon_years = 3
    apply_pack(cfg, [ROOT / "configs"])
    table = cfg.place.plan.services["acute_beds"].table
    assert sorted(table) == ["2026/27", "2027/28"]
    assert table["2027/28"] == pytest.approx(round(1050 * 1.015**2, 1))


def test_targets_and_run_years():
    """Targets keyed by (measure, financial year); the run's years by hand."""
    pack = read_pack(EXAMPLE)
    assert pack.targets()["nctr_patients", 2024] == (120.0, 15.0)
    assert run_years("2025-04-01", 1) == [2025]
    assert run_years("2025-04-01", 10) == list(range(2025, 2035))
    assert run_years("2025-01-01", 1) == [2024, 2025]
