"""``python -m sim run.engine=patient``: the configured place, patient by patient.

Prepare each draw's inputs from the declaration, run the replications, shape them into the
results schema and, when asked, write the event log.
"""

from __future__ import annotations

import logging

import xarray as xr

from sim.config.schema import Config
from sim.place.patient.dataset import to_dataset
from sim.place.patient.engine import run_all
from sim.place.patient.eventlog import write_event_log
from sim.place.patient.inputs import prepare_inputs

log = logging.getLogger(__name__)


def simulate_patient(cfg: Config) -> xr.Dataset:
    """Run the configured place on the patient-level engine; the results Dataset."""
    p = cfg.run.patient
    inputs = prepare_inputs(cfg)
    log.info(
        "patient engine: %d draw(s) x %d replication(s) x %d days",
        len(inputs),
        p.replications,
        inputs[0].n_days,
    )
    results = run_all(
        inputs, cfg.run.seed, p.replications, p.workers, keep_log=p.event_log is not None
    )
    ds = to_dataset(results, inputs, cfg)
    if p.event_log is not None:
        write_event_log(
            results, inputs[0].place, p.event_log, p.event_log_format, cfg.run.start_date
        )
        ds.attrs["event_log"] = str(p.event_log)
    return ds
