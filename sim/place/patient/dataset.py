"""Shape replications into the results schema shared with the stock-flow engine.

Dimensions ``draw, time`` then the variable's own (``service``, ``waiting_for``, ``pathway``,
``age_band``, ``segment``, ``quintile``). ``draw`` runs over parameter draws x replications
(coordinates ``parameter_draw`` and ``replication`` say which), so summaries and charts made
for stock-flow draws read patient-level replications the same way. Occupancy-type variables
are **time-weighted** means over each period (every patient-minute counts); ``*_midnight``
variables are the NHS midnight census, as the stock-flow engine counts. Flows are totals per
period. The conservation ledger (``people_in_services``, ``people_in``, ``people_out``,
``deaths``) covers people in services; ``people_total`` (residents, in the stock-flow engine)
is not written, since the population at home is an input here (from the stock-flow run),
reported as ``population``.
Distributions over patients (handover delay, time in ED, crew wait, days waiting for
discharge) are summarised per draw on a ``statistic`` dimension (mean and percentiles).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from sim.config.compose import to_yaml
from sim.config.schema import Config
from sim.place.draws import sample_uncertain
from sim.place.patient.engine import QUANTILES, ReplicationResult
from sim.place.patient.inputs import PlaceInputs
from sim.place.patient.processes import BY_DAY, BY_QUINTILE
from sim.place.vocabulary import PATHWAYS, SERVICES, WAITED_PATHWAYS
from sim.results.provenance import provenance
from sim.results.schema import VARIABLES


def to_dataset(
    results: list[ReplicationResult], inputs: list[PlaceInputs], cfg: Config
) -> xr.Dataset:
    """One Dataset over all (draw, replication) pairs, in the stock-flow engine's schema."""
    run = cfg.run
    place = inputs[0].place
    n_days = inputs[0].n_days
    period = int(run.record_every_days)
    n_per = -(-n_days // period)
    groups = np.arange(n_days) // period
    days_in = np.bincount(groups, minlength=n_per).astype(float)

    def total(a: np.ndarray) -> np.ndarray:  # (n_days, ...) -> (n_per, ...)
        out = np.zeros((n_per, *a.shape[1:]))
        np.add.at(out, groups, a)
        return out

    def mean(area: np.ndarray) -> np.ndarray:  # patient-days per day -> period mean
        return total(area) / days_in.reshape(-1, *([1] * (area.ndim - 1)))

    def last(a: np.ndarray) -> np.ndarray:
        ends = np.minimum((np.arange(n_per) + 1) * period, n_days) - 1
        return a[ends]

    start = np.datetime64(run.start_date, "ns")
    times = start + (np.arange(n_per) * period * 86400 * 10**9).astype("timedelta64[ns]")
    ages, segs, quints = place.labels("age"), place.labels("segment"), place.labels("quintile")
    coords = {
        "draw": np.arange(len(results)),
        "time": times,
        "age_band": ages,
        "segment": segs,
        "quintile": quints,
        "service": list(SERVICES),
        "waiting_for": list(WAITED_PATHWAYS),
        "pathway": list(PATHWAYS),
        "statistic": ["mean", *[f"p{int(q * 100)}" for q in QUANTILES]],
    }
    data: dict[str, tuple] = {}

    def put(name: str, values) -> None:
        v = VARIABLES[name]
        data[name] = (v.dims_of(), np.asarray(values), v.attrs)

    def put_ledger(name, values, long_name, cell) -> None:
        attrs = {"units": "people", "long_name": long_name, "cell_methods": cell}
        data[name] = (("draw", "time"), np.asarray(values), attrs)

    stack = np.stack
    R = results
    put_ledger(
        "people_in_services",
        stack([last(r.census["in_system"]) for r in R]),
        "People in services at the end of the period (the population at home is an input)",
        "time: point",
    )
    for name, long_name in (
        ("people_in", "People entering services"),
        ("people_out", "People leaving services for home"),
        ("deaths", "Deaths in services (deaths at home are not modelled)"),
    ):
        put_ledger(name, stack([total(r.counts[name]) for r in R]), long_name, "time: sum")
    pop = [inputs[r.draw].population for r in R]
    put(
        "population",
        stack([last(p).reshape(n_per, len(ages), len(segs), len(quints)) for p in pop]),
    )
    by_service = {"occupied": "area", "occupied_midnight": "census", "capacity": "capacity"}
    for name, monitor in by_service.items():
        put(
            name,
            stack([np.stack([mean(getattr(r, monitor)[s]) for s in SERVICES], axis=-1) for r in R]),
        )
    put(
        "nctr",
        stack([np.stack([mean(r.area[f"nctr_{p}"]) for p in WAITED_PATHWAYS], axis=-1) for r in R]),
    )
    ages_in_beds = [[mean(r.area[f"acute_age_{a}"]) for a in range(len(ages))] for r in R]
    put("acute_patients", stack([np.stack(a, axis=-1) for a in ages_in_beds]))
    put(
        "bed_pressure_handover_minutes",
        stack([mean(r.counts["bed_pressure_handover_minutes"]) for r in R]),
    )
    levels = {
        "boarding": "boarding",
        "ed_patients": "in_ed",
        "crews_busy": "crews",
        "follow_up": "follow_up",
        "ltc_at_home": "ltc_at_home",
    }
    for name, monitor in levels.items():
        put(name, stack([mean(r.area[monitor]) for r in R]))
    for name in BY_QUINTILE + BY_DAY:  # totals per period of the counts the schema declares
        if name in VARIABLES and VARIABLES[name].is_flow:
            put(name, stack([total(r.counts[name]) for r in R]))
    put(
        "discharges",
        stack(
            [np.stack([total(r.counts[f"discharges_{p}"]) for p in PATHWAYS], axis=1) for r in R]
        ),
    )
    put("people_initial", np.array([r.people_initial for r in R]))
    for name in ("handover_delay_minutes", "ed_hours", "crew_wait_minutes"):
        put(name, stack([r.tallies[name][:-1] for r in R]))
    put(
        "discharge_wait_days",
        stack(
            [
                np.stack([r.tallies[f"discharge_wait_days_{p}"][:-1] for p in WAITED_PATHWAYS])
                for r in R
            ]
        ),
    )
    ds = xr.Dataset({k: xr.Variable(*v) for k, v in data.items()}, coords=coords)
    ds = ds.assign_coords(
        parameter_draw=("draw", np.array([r.draw for r in R])),
        replication=("draw", np.array([r.replication for r in R])),
    )
    ds["occupancy"] = (ds["occupied"] / ds["capacity"]).assign_attrs(VARIABLES["occupancy"].attrs)
    ds["time"].attrs = {"long_name": "Start of recording period", "period_days": period}
    ds["draw"].attrs = {"long_name": "Parameter draw x replication"}
    ds["statistic"].attrs = {"long_name": "Mean or percentile over patients"}
    _add_parameter_draws(ds, cfg, R)
    ds.attrs.update(
        {
            "model": f"place:{place.cfg.name}",
            "engine": "patient",
            "dt_days": 1.0,  # n_steps x dt_days = the horizon in days (time itself is continuous)
            "period_days": float(period),
            "n_steps": n_days,
            "start_date": run.start_date,
            **{k: v for k, v in provenance().items() if k != "created_utc"},
            "simpy": _version("simpy"),
            "place": cfg.place.name,
            "scenario": cfg.scenario.name,
            "seed": run.seed,
            "draws": run.draws,
            "replications": run.patient.replications,
            "warm_start": run.patient.warm_start,
            "sim_events": int(sum(r.events for r in R)),
            "config_yaml": to_yaml(cfg),
            "conventions": "continuous time in days; levels are time-weighted means over each "
            "period (*_midnight: census at midnight); flows are totals over each period; `time` is "
            "the start of the period; draw = parameter draw x replication",
        }
    )
    return ds


def _add_parameter_draws(ds: xr.Dataset, cfg: Config, results: list[ReplicationResult]) -> None:
    if cfg.run.draws <= 1:
        return

    samples = sample_uncertain(cfg.place, cfg.run.draws, cfg.run.seed)
    keys = list(samples)
    values = np.array([[samples[k][r.draw] for k in keys] for r in results])
    ds["parameter_draws"] = xr.DataArray(
        values,
        dims=("draw", "uncertain_key"),
        coords={"uncertain_key": keys},
        attrs={"units": "as the key", "long_name": "Sampled values of uncertain keys"},
    )


def _version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"
