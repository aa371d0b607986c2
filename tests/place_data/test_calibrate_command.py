"""``python -m sim.calibrate``: writes the ensemble, targets and charts; the place takes them."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from sim.calibrate import main
from sim.config.errors import ConfigError
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


def test_recalibrating_ignores_the_place_s_stale_ensemble(tmp_path, capsys):
    """A pack whose shipped ensemble no longer fits the parameter ranges (an earlier model's)
    is calibrated afresh: the old ensemble is not loaded, so it cannot refuse the command."""
    pack = tmp_path / "leeds"
    shutil.copytree(Path(__file__).resolve().parents[2] / "configs" / "packs" / "leeds", pack)
    rows = (pack / "ensemble.csv").read_text().splitlines()
    head = rows[0].split(",")
    stale = rows[1].split(",")
    stale[head.index("care_home.deaths_per_1000_year")] = "9999"
    (pack / "ensemble.csv").write_text("\n".join([rows[0], ",".join(stale)]) + "\n")
    with pytest.raises(ConfigError, match="9999"):
        load_config(["place=leeds", f"place.data_pack={pack}"])  # the place itself refuses it
    out = tmp_path / "cal"
    argv = ["place=leeds", f"place.data_pack={pack}", "--waves", "1", "--per-wave", "8"]
    assert main([*argv, "--out", str(out)]) == 0, capsys.readouterr().err
    assert len(list(csv.DictReader((out / "ensemble.csv").open()))) > 0
