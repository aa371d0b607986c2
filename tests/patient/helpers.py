"""Shared helpers: run the patient engine on composed overrides and keep what tests need."""

from __future__ import annotations

from sim.jobs.load import load_config
from sim.place.patient.dataset import to_dataset
from sim.place.patient.engine import run_all
from sim.place.patient.inputs import prepare_inputs

NON_BINDING = [
    "place.acute.beds=4000",
    "place.reablement.capacity=3000",
    "place.ic_beds.capacity=2000",
    "place.virtual_ward.capacity=2000",
    "place.ucr.capacity=1000",
    "place.district_nursing.capacity=20000",
    "place.care_home.beds=40000",
    "run.patient.ed_cubicles=5000",
    "run.patient.ambulance_crews=2000",
]
"""Capacities far above any demand of the default place."""


def run_patient(
    overrides: list[str], replications: int = 1, workers: int = 1, keep_log: bool = False
):
    """(Dataset, replication results, inputs) of the patient engine for ``overrides``."""
    cfg = load_config(["run.engine=patient", "run.draws=1", "run.record_every_days=1", *overrides])
    inputs = prepare_inputs(cfg)
    results = run_all(inputs, cfg.run.seed, replications, workers, keep_log=keep_log)
    return to_dataset(results, inputs, cfg), results, inputs
