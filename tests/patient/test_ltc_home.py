"""People at home with long-term care needs on the patient engine (``long_term_care``): the
care-home residents' death rate and urgent care (EVIDENCE 10.1, 10.2, 10.17;
``care_home.deaths_per_1000_year``) without a care-home place, as the stock-flow engine's
``ltc_home`` (tests/place/test_ltc_home.py). Checked on the cohort alone from the event log."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from sim.jobs.load import load_config
from sim.place.patient.engine import run_replication
from sim.place.patient.inputs import prepare_inputs
from sim.place.vocabulary import DAYS_PER_YEAR

N = 5_000
"""People at home with long-term care needs at the start, in the oldest frail cohort."""


def _run(overrides: list[str]) -> tuple[dict[str, np.ndarray], set[int], float, float]:
    """(episode log, the cohort's patient ids, its residents' urgent-care rate a day, the
    person-days of the ``ltc_at_home`` level) of one year with only ``N`` people at home with
    long-term care needs at the start (nobody in services; arrivals from home as usual)."""
    cfg = load_config(["run.engine=patient", "run.draws=1", "run.horizon_years=1", *overrides])
    inputs = prepare_inputs(cfg)[0]
    labels = [c.label for c in inputs.place.cohorts]
    c = max(i for i, lab in enumerate(labels) if lab.startswith("80+|frail|"))
    initial = {k: np.zeros(len(labels)) for k in inputs.initial}
    initial["ltc_home"] = np.zeros(len(labels))
    initial["ltc_home"][c] = N
    inputs = dataclasses.replace(inputs, initial=initial)
    result = run_replication(inputs, cfg.run.seed, 0, keep_log=True)
    log = result.log
    ids = set(log["patient"][log["service"] == "ltc_home"].tolist())
    urgent = float(inputs.place.rate["ch_call_999"][c] + inputs.place.rate["ch_ed_other"][c])
    return log, ids, urgent, float(result.area["ltc_at_home"].sum())


def test_the_diverted_die_at_the_residents_rate_on_the_patient_engine():
    """No admissions (no deaths in hospital), no moves into care homes: the share dying at
    home within the year is 1 - exp(-r), r the residents' 320 per 1,000 a year, within three
    binomial standard deviations."""
    log, ids, _, _ = _run(
        [
            "place.care_home.emergency_admissions_per_resident_year=0",
            "place.care_home.community_admissions_per_1000_year=0",
        ]
    )
    assert len(ids) == N
    home = log["service"] == "ltc_home"
    died = int(np.sum(home & (log["outcome"] == "death")))
    p = 1 - math.exp(-320.0 / 1000.0 / DAYS_PER_YEAR * 365)
    assert died / N == pytest.approx(p, abs=3 * math.sqrt(p * (1 - p) / N))


def test_the_diverted_use_urgent_care_at_the_residents_rate_without_a_place():
    """Spells of urgent care (999 calls and type 1 attendances by other routes) per
    person-day at home equal the residents' rate (EVIDENCE 10.17, 10.2) within 5%; none of
    them ever holds a care-home place (no care_home episode; no moves at the community rate).
    The ``ltc_at_home`` level (what the finance costs as home care) counts their days at home."""
    log, ids, urgent, level_days = _run(["place.care_home.community_admissions_per_1000_year=0"])
    home = log["service"] == "ltc_home"
    days = float(np.sum(log["end"][home] - log["start"][home]))
    assert level_days == pytest.approx(days, rel=1e-9)  # ltc_at_home (home care's driver)
    spells = int(np.sum(home & (log["outcome"] == "urgent_care")))
    assert spells / days == pytest.approx(urgent, rel=0.05)
    theirs = np.isin(log["patient"], list(ids))
    assert not np.any(theirs & (log["service"] == "care_home"))
