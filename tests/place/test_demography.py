"""Demography of the default place: ageing from each band's top year, deaths by place.

Truths: the ageing hazard is the configured top-year share (closed form); deaths by place add
up to every death the engine counts (conservation); ten-year growth of the 65+ and 80+
populations and the place of death against ONS figures (EVIDENCE 5.1-5.3, 10.74-10.83).
"""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.config.errors import ConfigError
from sim.jobs.load import load_config
from sim.place.cohorts import band_exit_per_year, build_place

pytestmark = pytest.mark.xdist_group("demography")  # fixtures made once


@pytest.fixture(scope="module")
def ten_years():
    return sim.run(["run.draws=1", "run.record_every_days=365"]).isel(draw=0)


def test_ageing_leaves_each_band_at_its_top_year_share():
    assert band_exit_per_year([18, 47, 15, 0], []) == pytest.approx([1 / 18, 1 / 47, 1 / 15, 0])
    assert band_exit_per_year([18, 47, 15, 0], [0.1, 0.02, 0.05, 0.3]) == pytest.approx(
        [0.1, 0.02, 0.05, 0.0]  # the open band never ages out
    )
    place = build_place(load_config([]).place)
    ages = place.index("age")
    share = place.cfg.population.top_year_share
    for band in range(4):
        expected = share[band] / 365.0 if band < 3 else 0.0
        assert np.allclose(place.rate["ageing"][ages == band], expected)


def test_deaths_by_place_add_up_to_all_deaths(ten_years):
    by_place = ten_years["deaths_by_place"].sum(["place_of_death", "age_band"])
    # deaths is the float64 ledger, deaths_by_place a float32 report (7 significant digits)
    np.testing.assert_allclose(by_place.values, ten_years["deaths"].values, rtol=1e-6)


def test_older_populations_grow_as_ons_projects(ten_years):
    """Ten years from mid-2025: England +7.8% (EVIDENCE 5.1); 65+ about +24% a decade (5.3:
    2011-2021, and +51% over 2010-2030); 80+ within 27-42% (issue 11's ONS range; 5.2: 85+
    +82% over 25 years, 5.3: 85+ +39% a decade)."""
    pop = ten_years["population"].sum(["segment", "quintile"]).isel(time=-1)
    start = dict(zip(["0-17", "18-64", "65-79", "80+"], [0.21, 0.605, 0.135, 0.05], strict=True))
    total = float(pop.sum()) / 800_000 - 1
    over65 = float(pop.sel(age_band=["65-79", "80+"]).sum()) / (800_000 * 0.185) - 1
    over80 = float(pop.sel(age_band="80+")) / (800_000 * start["80+"]) - 1
    assert 0.063 <= total <= 0.093, total
    assert 0.18 <= over65 <= 0.30, over65
    assert 0.27 <= over80 <= 0.42, over80


def test_deaths_and_their_place_are_near_ons(ten_years):
    """Year one: ~9.5 deaths per 1,000 (EVIDENCE 10.83); 43.4% in hospital (10.74); home
    28.7% + other 2.6% (10.75, 10.78); hospice 4.7% (10.77). Care homes (20.5%, 10.76) are
    not checked here: their market (deaths, admissions) is issue 11 part 4."""
    y1 = ten_years["deaths_by_place"].isel(time=0).sum("age_band")
    total = float(y1.sum())
    share = {
        str(k): float(v) / total for k, v in zip(y1.place_of_death.values, y1.values, strict=True)
    }
    assert 8.5 <= total / 800 <= 10.5, total / 800
    assert 0.40 <= share["hospital"] <= 0.47, share
    assert 0.26 <= share["home"] <= 0.36, share
    assert 0.03 <= share["hospice"] <= 0.065, share


def test_bad_top_year_shares_are_named():
    with pytest.raises(ConfigError, match=r"^place\.population\.top_year_share\.2 = 1\.5"):
        load_config(["place.population.top_year_share=[0.05,0.02,1.5,0]"])
    with pytest.raises(ConfigError, match=r"^place\.population\.top_year_share"):
        load_config(["place.population.top_year_share=[0.05,0.02]"])
