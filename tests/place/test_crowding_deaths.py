"""No death-risk artefact from crowding (issue 11).

Boarders sent home from ED (no bed after a night) carry the in-hospital death risk of the stay
they would have had, so fewer beds change who boards, not how many die. Before this rule a
crowded year had about 1-2% fewer deaths, because people sent home escaped that risk.
"""

from __future__ import annotations

import pytest

import sim

YEAR = [
    "run.draws=1",
    "run.horizon_years=1",
    "run.record_every_days=365",
    "place.plan.case=do_nothing",
]


def test_fewer_beds_change_boarding_not_deaths():
    base = sim.run([*YEAR, "place.acute.beds=1404"])
    crowded = sim.run([*YEAR, "place.acute.beds=1150"])
    # the default place boards below full too (crowding, sim/place/crowding.py): ~12 a night
    assert float(crowded["boarding"].mean()) > 3 * max(float(base["boarding"].mean()), 1.0)
    deaths = float(base["deaths"].sum())
    assert float(crowded["deaths"].sum()) == pytest.approx(deaths, rel=0.003)
    hospital = {
        name: float(ds["deaths_by_place"].sel(place_of_death="hospital").sum())
        for name, ds in (("base", base), ("crowded", crowded))
    }
    assert hospital["crowded"] == pytest.approx(hospital["base"], rel=0.01), hospital
