"""Crowding below full occupancy (issue 11 part 3; sim/place/crowding.py).

The curve against the normal distribution it is built from (an independent implementation,
the standard library's), its lookup on the stock-flow engine, boarding that rises smoothly with
occupancy instead of starting at 100%, the old hard-cap behaviour with no spread, and bad input.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pytest

import sim
from sim.config.errors import ConfigError
from sim.jobs.load import load_config
from sim.place import crowding

YEAR = ["run.draws=1", "run.horizon_years=1", "run.record_every_days=365"]


@pytest.mark.parametrize("x", [0.7, 0.85, 0.88, 0.9, 0.93, 0.97, 1.0])
def test_curve_is_the_normal_tail_of_occupancy(x):
    """s(x) = Phi((x - full) / spread), against statistics.NormalDist."""
    expected = NormalDist(1.05, 0.10).cdf(x)
    assert float(crowding.overnight_share(x, 1.05, 0.10)) == pytest.approx(expected, rel=1e-12)


def test_default_curve_passes_the_national_point():
    """8.2% of emergency admissions wait over 12 h from the decision to admit at 93% G&A
    occupancy (EVIDENCE 10.53, 10.61); 30% of admissions are same-day (no bed needed), so
    about 11.7% of overnight ones; the default curve gives 11.5% there."""
    ac = load_config([]).place.acute
    share = float(crowding.overnight_share(0.93, ac.crowding_full_occupancy, ac.crowding_spread))
    assert share == pytest.approx(0.082 / (1 - ac.zero_los_share), abs=0.005)


def test_lookup_table_is_one_minus_the_curve_and_flat_beyond_full():
    xs, ys = crowding.bed_found_table(1.05, 0.10)
    assert xs[-1] == pytest.approx(1.0)
    np.testing.assert_allclose(ys, [1 - NormalDist(1.05, 0.10).cdf(x) for x in xs], rtol=1e-12)
    assert all(b <= a for a, b in zip(ys, ys[1:], strict=False)), "falls as beds fill"


def test_no_spread_means_no_boarding_below_full():
    xs, ys = crowding.bed_found_table(1.0, 0.0)
    assert ys == [1.0] * len(xs)


def _boarding_share(ds) -> float:
    """Boarding nights per emergency admission (the validation row)."""
    return float(ds["boarding"].mean()) * 365 / float(ds["emergency_admissions"].sum())


def test_boarding_rises_smoothly_with_occupancy_below_full():
    """More beds, lower occupancy, less boarding; some boarding even at ~80% occupancy, and
    none at all at the baseline with no spread (the hard cap of before)."""
    shares, occupancy = [], []
    for beds in (1700, 1550, 1404):
        ds = sim.run([*YEAR, f"place.acute.beds={beds}"])
        shares.append(_boarding_share(ds))
        occupancy.append(float(ds["occupancy"].sel(service="acute_beds").mean()))
    assert occupancy[0] < 0.80 < 0.88 < occupancy[2] < 0.93, occupancy
    assert 0 < shares[0] < shares[1] < shares[2], shares
    assert 0.04 <= shares[2] <= 0.15, shares
    hard_cap = sim.run([*YEAR, "place.acute.crowding_spread=0"])
    assert float(hard_cap["boarding"].mean()) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("place.acute.crowding_spread=-0.1", "place.acute.crowding_spread = -0.1"),
        ("place.acute.crowding_spread=2", "place.acute.crowding_spread = 2"),
        ("place.acute.crowding_full_occupancy=0", "place.acute.crowding_full_occupancy = 0"),
    ],
)
def test_bad_crowding_parameters_are_refused_naming_the_key(override, expected):
    with pytest.raises(ConfigError) as err:
        load_config([override])
    assert expected in str(err.value)
    assert "\n" not in str(err.value)


def test_no_option_changes_deaths_through_crowding():
    """HomeFirst and virtual wards lower boarding; their deaths against the plan are the same
    with crowding below full and without it (deaths are not linked to waits: docs/validation.md
    notes, EVIDENCE 10.109-10.121)."""
    three = ["run.draws=1", "run.horizon_years=3", "run.record_every_days=1095"]
    change = {}
    for spread in ("0.10", "0"):
        common = [*three, f"place.acute.crowding_spread={spread}"]
        base = sim.run(common)
        for option in ("homefirst", "virtual_wards"):
            ds = sim.run([*common, f"scenario={option}"])
            deaths = float(ds["deaths"].sum() - base["deaths"].sum())
            boarding = float(ds["boarding"].mean() - base["boarding"].mean())
            change[option, spread] = (deaths, boarding)
    for option in ("homefirst", "virtual_wards"):
        with_crowding, without = change[option, "0.10"], change[option, "0"]
        assert with_crowding[1] < -1.0, (option, with_crowding)
        assert with_crowding[0] == pytest.approx(without[0], abs=3.0), (option, change)
