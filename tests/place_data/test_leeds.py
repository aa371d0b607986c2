"""The shipped Leeds place (configs/packs/leeds): every figure is labelled local or national,
its calibrated ensemble is the one the place uses, and the main job's baseline lands inside
its targets' uncertainty (the history match's own test: implausibility at most 3).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from sim.cli import main
from sim.jobs.load import load_config
from sim.place.data.ensemble import read_ensemble
from sim.place.data.history import calibration_inputs, implausibility
from sim.place.data.pack import place_targets
from sim.sweep.calibrate import MEASURE_OUTPUTS

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "configs" / "packs" / "leeds"
LABELS = ("local", "national rate", "assumption")


def rows(path: Path) -> list[dict]:
    lines = [ln for ln in path.read_text().splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines))


@pytest.mark.parametrize("table", ["capacity.csv", "activity.csv"])
def test_every_row_says_local_or_national(table):
    for r in rows(PACK / table):
        assert r["source"].startswith(LABELS), r
        if r["source"].startswith("local"):
            assert "http" in r["source"] or "EVIDENCE" in r["source"], r


def test_national_rates_are_scaled_to_the_census_population():
    """Each national-rate target is its EVIDENCE rate times 812,000 (within rounding)."""
    rate = {  # EVIDENCE rows, per head a year (England ~57 m, EVIDENCE header)
        "emergency_admissions": 6.35e6 / 57e6,
        "ed_attendances": 25_348_842 / 57e6,
        "ambulance_incidents": 8.8e6 / 57e6,
        "ambulance_conveyances": 0.59 * 8.8e6 / 57e6,
        "nctr_patients": 12_300 / 57e6,
        "deaths": 9.5 / 1000,
    }
    got = {r["measure"]: float(r["value"]) for r in rows(PACK / "activity.csv")}
    for measure, per_head in rate.items():
        assert got[measure] == pytest.approx(per_head * 812_000, rel=2e-3, abs=1)
    people = sum(float(r["people"]) for r in rows(PACK / "population.csv"))
    assert people == 812_000


def test_the_place_uses_its_shipped_ensemble():
    cfg = load_config(["place=leeds"])
    assert Path(cfg.place.ensemble) == PACK / "ensemble.csv"
    keys, values, weights = read_ensemble(cfg.place)
    best = values[int(np.argmax(weights))]
    for k, v in zip(keys, best, strict=True):
        assert cfg.place.uncertain[k].central == v  # the best-fitting member is the place


@pytest.mark.slow
def test_main_job_baseline_lands_inside_the_targets(tmp_path):
    """``python -m sim place=leeds`` (one year, the best member) runs end to end; every target's
    first-year value has implausibility at most 3 against the pack's observation, with the
    calibration's default 5% discrepancy.
    """
    code = main(
        [
            "place=leeds",
            "run.horizon_years=1",
            "run.draws=1",
            "run.charts=false",
            f"run.output_dir={tmp_path}",
            "run.name=leeds",
        ]
    )
    assert code == 0
    ds = xr.open_dataset(tmp_path / "leeds" / "results.nc").sel(option="baseline")
    from sim.report.summary import annual  # noqa: PLC0415

    yr = annual(ds)
    cfg = load_config(["place=leeds"])
    observed = place_targets(cfg.place, [ROOT / "configs"], list(MEASURE_OUTPUTS))
    _, _, _, targets = calibration_inputs(cfg.place, observed, 0.05)
    sim = []
    for m in targets.names:
        da = MEASURE_OUTPUTS[m](yr, ds)
        extra = [d for d in da.dims if d not in ("draw", "year")]
        sim.append(float((da.sum(extra) if extra else da).isel(year=0).squeeze()))
    imp = implausibility(np.array([sim]), 0.0, targets)[0]
    print(dict(zip(targets.names, np.round(imp, 2), strict=True)))
    assert (imp <= 3.0).all(), dict(zip(targets.names, imp, strict=True))
