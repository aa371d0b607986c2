"""A warm start: the patients in every service at the start date, not an empty hospital.

The numbers per service and cohort come from :class:`~sim.place.patient.inputs.PlaceInputs`
(the stock-flow engine's warmed-up state, or a user snapshot). Fractions are rounded to whole
patients at random (the expected number is kept). Stays in progress have the *remaining* time
of a stay met at a random moment (length-biased, see
:meth:`~sim.engines.des.sampling.Family.residual`); waits for a pathway, boarding, care-home
stays and the hazards of follow-up are memoryless and start afresh. ED and ambulances start
empty: they turn over within hours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.engines.des.sampling import Family
from sim.place.patient.patient import Patient
from sim.place.vocabulary import COMMUNITY

if TYPE_CHECKING:
    from sim.place.patient.processes import PlaceSim

COMMUNITY_KINDS = {
    "reablement": "reablement",
    "ic_beds": "ic_beds",
    "virtual_ward": "virtual_ward",
    "ucr": "ucr",
    "district_nursing": "district_nursing",
}


def whole_patients(rng: np.random.Generator, expected: np.ndarray) -> np.ndarray:
    """Round expected numbers to integers at random, keeping their expectation."""
    base = np.floor(expected)
    return (base + (rng.random(len(expected)) < expected - base)).astype(int)


def start_patients(sim: PlaceSim) -> None:
    """Put the warm-start patients in their beds and places and start their processes."""
    env, rng = sim.env, sim.streams["warm_start"]
    init = sim.inputs.initial
    rows = sim.rows("warm_start")
    counts = {k: whole_patients(rng, np.asarray(v, dtype=float)) for k, v in init.items()}
    p = sim.p
    los_family = (
        {k: Family.of("erlang", stages=k) for k in set(sim.stages)}
        if p.los_distribution == "erlang"
        else {0: Family.of(p.los_distribution, cv=p.los_cv)}
    )
    cfg = sim.place.cfg

    def svc_family(stages: int) -> Family:
        return Family.of(p.service_distribution, stages=stages)

    def new(c: int) -> Patient:
        sim.in_system.add(1)
        return Patient(next(sim._ids), c, sim.quint[c], sim.ages[c], rows.next())

    for c, n in enumerate(counts["acute_beds"]):
        fam = los_family[sim.los_col_key[c]]
        left = sim.los_days[c] * fam.residual(rng.random(n), rng.random(n))
        for t in left.tolist():
            pt = new(c)
            sim.beds.add(1)
            sim.acute_age[pt.age].add(1)
            env.process(sim.acute_stay(pt, 0.0, residual=t))
    for k in range(3):
        for c, n in enumerate(counts[f"await_p{k + 1}"]):
            for _ in range(n):
                pt = new(c)
                sim.beds.add(1)
                sim.acute_age[pt.age].add(1)
                env.process(sim.await_discharge(pt, k))
    for c, n in enumerate(counts["boarding"]):
        for _ in range(n):
            env.process(sim.board(new(c)))
    for key in COMMUNITY:
        svc = getattr(cfg, key)
        fam = svc_family(svc.stages)
        for c, n in enumerate(counts[COMMUNITY_KINDS[key]]):
            left = svc.mean_days * fam.residual(rng.random(n), rng.random(n))
            for t in left.tolist():
                pt = new(c)
                sim.svc[key].add(1)
                env.process(sim.community(pt, key, residual=t))
    for c, n in enumerate(counts["care_home"]):
        for _ in range(n):
            pt = new(c)
            sim.svc["care_home"].add(1)
            env.process(sim.long_term_care(pt, True))
    for c, n in enumerate(counts.get("ltc_home", ())):  # at home with long-term care needs
        for _ in range(n):
            env.process(sim.long_term_care(new(c), False))
    fam = svc_family(cfg.follow_up.stages)
    for c, n in enumerate(counts["follow_up"]):
        left = cfg.follow_up.days * fam.residual(rng.random(n), rng.random(n))
        for t in left.tolist():
            env.process(sim.follow_up(new(c), residual=t))
    sim.people_initial = sim.in_system.value
