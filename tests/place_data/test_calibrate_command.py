"""``python -m sim.calibrate``: writes the ensemble, targets and charts; the place takes them."""

from __future__ import annotations

import csv

from sim.calibrate import main
from sim.jobs.load import load_config
from sim.place.draws import sample_uncertain


def test_calibrate_writes_an_ensemble_the_place_uses(tmp_path, capsys):
    out = tmp_path / "cal"
    assert main(["place=example_icb", "--waves", "2", "--per-wave", "16", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "wave 1/2: 16 runs" in said and "wave 2/2" in said
    rows = list(csv.DictReader((out / "ensemble.csv").open()))
    assert rows, "something is non-implausible for the example pack"
    assert all(float(r["second_implausibility"]) <= 3.0 for r in rows)
    assert abs(sum(float(r["weight"]) for r in rows) - 1.0) < 1e-9
    targets = list(csv.DictReader((out / "targets.csv").open()))
    assert {t["measure"] for t in targets} >= {"emergency_admissions", "nctr_patients"}
    assert (out / "targets.png").stat().st_size > 0 and (out / "pairs.png").stat().st_size > 0
    cfg = load_config(["place=example_icb", f"place.ensemble={out / 'ensemble.csv'}"])
    best = max(rows, key=lambda r: float(r["weight"]))
    assert cfg.place.reablement.mean_days == float(best["reablement.mean_days"])
    draws = sample_uncertain(cfg.place, 20, 3)["reablement.mean_days"]
    assert set(draws) <= {float(r["reablement.mean_days"]) for r in rows}


def test_place_without_pack_is_one_line(capsys):
    assert main(["--waves", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no data_pack" in err
