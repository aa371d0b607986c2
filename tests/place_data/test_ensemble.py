"""A calibrated ensemble as the place's draws: members drawn by weight, the best with one draw."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from sim.config.compose import compose
from sim.config.errors import ConfigError
from sim.place.data.ensemble import ensemble_draws
from sim.place.draws import best_member, sample_uncertain

HEADER = "acute.zero_los_share,reablement.mean_days,weight,max_implausibility\n"
MEMBERS = [(0.25, 30.0, 0.2), (0.35, 34.0, 0.8), (0.30, 25.0, 0.0)]


@pytest.fixture(scope="module")
def place():
    return compose([]).place


def write(tmp_path, text):
    path = tmp_path / "ensemble.csv"
    path.write_text(text)
    return str(path)


def test_draws_are_members_by_weight(place, tmp_path):
    p = copy.deepcopy(place)
    p.ensemble = write(tmp_path, HEADER + "".join(f"{a},{b},{w},1\n" for a, b, w in MEMBERS))
    s = sample_uncertain(p, 1000, 7)
    pairs = list(zip(s["acute.zero_los_share"], s["reablement.mean_days"], strict=True))
    assert set(pairs) == {(0.25, 30.0), (0.35, 34.0)}  # the zero-weight member never
    share = np.mean([a == 0.35 for a, _ in pairs])
    assert share == pytest.approx(0.8, abs=0.002)  # stratified: 800 of 1000 up to one
    # keys outside the ensemble are drawn from their ranges as before
    assert np.ptp(s["care_home.deaths_per_1000_year"]) > 0
    one = ensemble_draws(p, 1, 7)
    assert one == {"acute.zero_los_share": [0.35], "reablement.mean_days": [34.0]}
    best_member(p)
    assert p.acute.zero_los_share == 0.35 and p.reablement.mean_days == 34.0
    assert p.uncertain["reablement.mean_days"].central == 34.0


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("a,b\n1,2\n", "'weight'"),
        ("acute.beds,weight\n1,1\n", "not in place.uncertain"),
        (HEADER, "no members"),
        (HEADER + "0.3,x,1,1\n", "not a number"),
        (HEADER + "0.3,30,-1,1\n", "weights >= 0"),
        (HEADER + "0.9,30,1,1\n", "row 2, column 'acute.zero_los_share'"),
    ],
)
def test_bad_ensemble_one_line(place, tmp_path, text, needle):
    p = copy.deepcopy(place)
    p.ensemble = write(tmp_path, text)
    with pytest.raises(ConfigError, match=needle) as err:
        sample_uncertain(p, 4, 1)
    assert "\n" not in str(err.value)


def test_missing_file(place):
    p = copy.deepcopy(place)
    p.ensemble = "/nonexistent/ensemble.csv"
    with pytest.raises(ConfigError, match="no such file"):
        sample_uncertain(p, 4, 1)
