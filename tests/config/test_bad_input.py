"""Bad input: a one-line error naming the key, the value and what is allowed; exit code 2;
no results written. Checked through the real command line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sim.config.errors import ConfigError
from sim.jobs.load import load_config

CASES = [
    # (override, text the one-line message must contain)
    ("place.acute.bedz=1", "place.acute.bedz: unknown configuration key"),
    (
        "place.reablement.capacity=-3",
        "place.reablement.capacity = -3.0: must be a finite number >= 0",
    ),
    ("place.nhs111.to_ed=0.5", "shares sum to 1.41; must sum to 1"),
    ("run.horizon_years=0", "run.horizon_years = 0.0: must be > 0"),
    (
        "scenario=nope",
        "scenario=nope: no such scenario; available: annual_contracting, baseline, combined",
    ),
    ("place.acute.beds=lots", "place.acute.beds = 'lots'"),
    ("place.acute.pathway_shares.80+=[0.5,0.5,0.5,0.0]", "place.acute.pathway_shares.80+"),
    ("run.engine=warp", "run.engine = 'warp': allowed stockflow"),
]


@pytest.mark.parametrize(("override", "expected"), CASES)
def test_compose_rejects_bad_input_naming_the_key(override, expected):
    """The composed configuration is refused with a message naming key and rule."""
    with pytest.raises(ConfigError) as err:
        load_config([override])
    assert expected in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(("override", "expected"), CASES[:5])
def test_cli_exits_2_with_one_line_and_writes_nothing(tmp_path, override, expected):
    """`python -m sim <bad>` exits 2, prints one error line, and leaves no results behind."""
    proc = subprocess.run(
        [sys.executable, "-m", "sim", override, f"run.output_dir={tmp_path}", "run.name=bad"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert expected in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_any_place_key_can_be_overridden():
    """Overrides reach nested place keys and run keys, as the CLI documents."""
    cfg = load_config(
        [
            "run.horizon_years=5",
            "place.acute.beds=1500",
            "place.population.need_by_quintile=[1.3,1.1,1,0.9,0.7]",
        ]
    )
    assert cfg.run.horizon_years == 5
    assert cfg.place.acute.beds == 1500
    assert cfg.place.population.need_by_quintile[0] == 1.3
