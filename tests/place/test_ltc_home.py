"""People at home with long-term care needs (``ltc_home``) on the stock-flow engine: people the
model routes home instead of a care home keep the care-home residents' death rate and urgent
care (EVIDENCE 10.1, 10.2, 10.17; ``care_home.deaths_per_1000_year``) without a care-home
place. Checked on the cohort alone, against the rates it is given."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.engines.stockflow import compile_model, run_arrays
from sim.jobs.load import load_config
from sim.place.cohorts import build_place
from sim.place.levers import Targets
from sim.place.stockflow.declare import LTC_KINDS, build_model, resident_labels, series_values
from sim.place.vocabulary import DAYS_PER_YEAR

N = 10_000.0
"""People put at home with long-term care needs at the start (nobody else anywhere)."""


def _ltc_year(overrides: list[str]) -> dict[str, float]:
    """One year of the default place's model with only ``N`` people in one cohort's
    ``ltc_home`` at the start: what happens to them, as extra reports."""
    place = build_place(load_config(overrides).place)
    m = build_model(place, 1.0)
    lab = resident_labels(place)[-1]
    kinds = m.cohort_stocks[lab]
    alive = [s for k in LTC_KINDS for s in kinds.get(k, ())]
    extra_flows = {
        "ltc_deaths": [f"ltc_death[{lab}]"],
        "ltc_admissions": [f"lt_admission_route[{lab}]"],
        "ltc_type1": [f"lt_ed_outcome[{lab}]"],
        "ltc_incidents": [f"lt_amb_outcome[{lab}]"],
    }
    for var, refs in extra_flows.items():
        m.describe(var, units="1", long_name=var)
        m.report(var, flows={a: 1.0 for ref in refs for a in m.arcs_of(ref)})
    for var, stocks, at in (
        ("ltc_alive", alive, "end"),
        ("ltc_in_home", list(kinds["ltc_home"]), "mean"),
        ("in_care_homes", [s for c in m.cohort_stocks.values() for s in c["care_home"]], "mean"),
    ):
        m.describe(var, units="people", long_name=var)
        m.report(var, stocks=stocks, at=at)
    compiled = compile_model(m)
    n = 365
    series = compiled.series_array(series_values(place, "2025-04-01", n, 1.0), n, 1)
    params = compiled.param_matrix()
    x = np.zeros((1, len(compiled.stock_names)))
    x[0, compiled.stock_names.index(kinds["ltc_home"][0])] = N
    out = run_arrays(
        compiled, params, n_steps=n, series=series, initial=x, dt_days=1.0, record_every=n
    )
    got = {var: float(out.reports[0, r, 0]) for r, (var, _) in enumerate(compiled.report_index)}
    held = set(m.capacities["care_home"].stocks)  # who holds a care-home place
    got["ltc_holding_places"] = float(len(held & set(alive)))
    into = {s for c in m.cohort_stocks.values() for s in (*c["care_home"], *c["care_home_entry"])}
    got["ltc_arcs_into_care_homes"] = float(
        sum(1 for a in m.arcs.values() if a.src in set(alive) and a.dst in into)
    )
    got["care_home_residents"] = sum(
        float(out.reports[0, r, 0])
        for r, (var, _) in enumerate(compiled.report_index)
        if var == "care_home_residents"
    )
    return got


def test_the_diverted_die_at_the_residents_rate():
    """With no admissions (so no deaths in hospital) and no moves into care homes, the
    survivors after a year are N exp(-r), r the residents' 320 per 1,000 a year, within 0.5%
    (the engine's competing hazards move a little less than exp per step)."""
    got = _ltc_year(
        [
            "place.care_home.emergency_admissions_per_resident_year=0",
            "place.care_home.community_admissions_per_1000_year=0",
        ]
    )
    r = 320.0 / 1000.0 / DAYS_PER_YEAR * 365
    assert got["ltc_alive"] == pytest.approx(N * math.exp(-r), rel=0.005)
    assert got["ltc_deaths"] == pytest.approx(N - got["ltc_alive"], rel=1e-6)


def test_the_diverted_make_the_residents_urgent_care_without_a_place():
    """Per person-year at home: 999 incidents 0.51 (EVIDENCE 10.17), type 1 attendances 0.98
    (10.2), emergency admissions 0.70 (10.1), as residents; and nobody holds a care-home place
    or pays a fee (no moves at the community rate here). The place's other people start at
    zero; births and migration bring a few through hospital into care homes."""
    got = _ltc_year(["place.care_home.community_admissions_per_1000_year=0"])
    years = got["ltc_in_home"]
    assert got["ltc_incidents"] / years == pytest.approx(0.51, rel=0.01)
    assert got["ltc_type1"] / years == pytest.approx(0.98, rel=0.01)
    assert got["ltc_admissions"] / years == pytest.approx(0.70, rel=0.01)
    assert got["ltc_holding_places"] == 0.0  # no place in the care-home market (no bed)
    # the place's ltc_at_home (home care's driver) counts them, with the few the place adds
    assert got["ltc_in_home"] <= got["ltc_at_home"] <= got["ltc_in_home"] * 1.001
    assert got["ltc_arcs_into_care_homes"] == 0.0  # none moves in (community rate 0 here)
    # residents counted for fees (the council's share, finance) are care-home residents only:
    # the few there came from births and migration through hospital (P3), not the cohort
    assert got["care_home_residents"] == pytest.approx(got["in_care_homes"], rel=1e-6)
    assert got["ltc_alive"] < N * math.exp(-0.32)  # and some die in hospital too


def test_p3_candidates_sent_home_are_followed_up_91_days_at_their_own_hazards():
    """HomeFirst's P3 candidates sent home (``acute.home_first_redirect``) pass through a
    91-day follow-up of their own after reablement: N people put at its start leave it
    readmitted, dead or at home, in the ratio of the residents' emergency admission and death
    rates (competing hazards), and the share at home after 91 days is that of a delay of
    ``follow_up.stages`` stages against those hazards."""
    cfg = load_config([])
    place = build_place(cfg.place)
    m = build_model(place, 1.0, {"acute.home_first_redirect": Targets()})
    lab = resident_labels(place)[-1]
    stages = m.cohort_stocks[lab]["lt_follow"]
    reab = m.cohort_stocks[lab]["lt_reab"]
    assert any(a.src == reab[-1] and a.dst == stages[0] for a in m.arcs.values())
    m.describe("still_followed", units="people", long_name="still_followed")
    m.report("still_followed", stocks=list(stages), at="end")
    own = {  # this cohort's follow-up alone (the place's others pass through hospital too)
        "own_readmissions": [f"lt_readmission[{lab}][{k + 1}]" for k in range(len(stages))],
        "own_deaths": [f"lt_follow_death[{lab}][{k + 1}]" for k in range(len(stages))],
        "own_at_home_91d": [f"lt_follow[{lab}].stage{len(stages)}"],
        "own_entries": [f"lt_reab[{lab}].stage{len(reab)}->{stages[0]}"],
    }
    for var, refs in own.items():
        m.describe(var, units="1", long_name=var)
        m.report(var, flows={a: 1.0 for ref in refs for a in m.arcs_of(ref)})
    compiled = compile_model(m)
    n = 365
    series = compiled.series_array(series_values(place, "2025-04-01", n, 1.0), n, 1)
    x = np.zeros((1, len(compiled.stock_names)))
    x[0, compiled.stock_names.index(stages[0])] = N
    out = run_arrays(
        compiled,
        compiled.param_matrix(),
        n_steps=n,
        series=series,
        initial=x,
        dt_days=1.0,
        record_every=n,
    )
    got: dict[str, float] = {}
    for r, (var, _) in enumerate(compiled.report_index):
        got[var] = got.get(var, 0.0) + float(out.reports[0, r, 0])
    ch, fu = cfg.place.care_home, cfg.place.follow_up
    readmit = ch.emergency_admissions_per_resident_year / DAYS_PER_YEAR
    death = ch.deaths_per_1000_year / 1000 / DAYS_PER_YEAR
    left = got["own_readmissions"] + got["own_deaths"] + got["own_at_home_91d"]
    assert left + got["still_followed"] == pytest.approx(N + got["own_entries"], rel=1e-9)
    assert got["own_entries"] < 1e-4 * N  # a few of the place's others, sent home too
    assert got["own_readmissions"] / got["own_deaths"] == pytest.approx(readmit / death, 1e-9)
    # a stage of mean T/n days leaves n/T of its people a day (geometric in steps): the
    # hazard -ln(1 - n/T) a day, against the cohort's h; (lam / (lam + h))^n get through
    lam = -math.log1p(-fu.stages / fu.days)
    expected = N * (lam / (lam + readmit + death)) ** fu.stages
    assert got["own_at_home_91d"] + got["still_followed"] == pytest.approx(expected, rel=1e-4)
    assert got["still_followed"] < 1e-3 * N
    # and the place's outputs count them (with the few others the place sends through)
    for var in ("readmissions", "follow_up_deaths", "at_home_91d"):
        assert got[var] >= got[f"own_{var}".replace("follow_up_", "")] > 0
