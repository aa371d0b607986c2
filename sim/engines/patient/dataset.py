"""Shape replications into the results schema shared with the stock-flow engine.

Dimensions ``draw, time`` then the variable's own (``service``, ``waiting_for``, ``pathway``,
``age_band``, ``segment``, ``quintile``). ``draw`` runs over parameter draws x replications
(coordinates ``parameter_draw`` and ``replication`` say which), so summaries and charts made
for stock-flow draws read patient-level replications the same way. Occupancy-type variables
are **time-weighted** means over each period (every patient-minute counts); ``*_midnight``
variables are the NHS midnight census, as the stock-flow engine counts. Flows are totals per
period. The conservation ledger (``people_*``, ``deaths``) covers people in services: the
population at home is an input (from the stock-flow run) and is reported as ``population``.
Distributions over patients (handover delay, time in ED, crew wait, days waiting for
discharge) are summarised per draw on a ``statistic`` dimension (mean and percentiles).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from sim.config.compose import to_yaml
from sim.config.schema import Config
from sim.engines.patient.engine import QUANTILES, ReplicationResult
from sim.engines.patient.inputs import PlaceInputs
from sim.engines.patient.processes import SERVICES
from sim.model.place import PATHWAYS
from sim.results.provenance import provenance

ACTIVITY = {
    "gp_appointments": ("appointments", "GP appointments given"),
    "gp_unmet": ("appointments", "GP appointments wanted but not available"),
    "nhs111_calls": ("calls", "NHS 111 calls"),
    "ambulance_incidents": ("incidents", "999 incidents"),
    "hear_and_treat": ("incidents", "Incidents closed by telephone advice"),
    "see_and_treat": ("incidents", "Incidents treated at scene (not conveyed)"),
    "conveyances": ("patients", "Patients conveyed to ED by ambulance"),
    "ucr_starts": ("episodes", "Urgent community response episodes started"),
    "ed_attendances": ("attendances", "A&E attendances, all types"),
    "ed_type1_attendances": ("attendances", "Type 1 ED attendances"),
    "ed_admissions": ("admissions", "Type 1 ED attendances admitted"),
    "emergency_admissions": ("admissions", "Emergency admissions (incl. zero length of stay)"),
    "vw_step_up": ("patients", "Admissions avoided by virtual ward step-up"),
    "vw_step_down": ("patients", "Early discharges to a virtual ward"),
    "readmissions": ("admissions", "Readmissions within 91 days of going home"),
    "at_home_91d": ("people", "People still at home 91 days after discharge"),
    "care_home_admissions": ("people", "Permanent care-home admissions"),
}
DAILY = {
    "handover_hours_lost": ("hours", "Ambulance hours lost to handover delays beyond 15 minutes"),
    "hospital_deaths": ("people", "Deaths in acute beds"),
    "ed_over_4h": ("attendances", "Type 1 attendances leaving ED after more than 4 hours"),
    "ed_over_12h": ("attendances", "Type 1 attendances leaving ED after more than 12 hours"),
    "ed_corridor": ("attendances", "Type 1 attendances treated without a cubicle (corridor)"),
    "boarders_sent_home": ("patients", "Decided admissions treated in ED and sent home"),
}
TALLY_INFO = {
    "handover_delay_minutes": ("minutes", "Ambulance handover delay beyond 15 minutes, per "
                               "conveyance"),
    "ed_hours": ("hours", "Time in ED per type 1 attendance, arrival to leaving ED"),
    "crew_wait_minutes": ("minutes", "Wait for an ambulance crew per incident attended"),
}  # fmt: skip


def to_dataset(results: list[ReplicationResult], inputs: list[PlaceInputs],
               cfg: Config) -> xr.Dataset:  # fmt: skip
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
        "waiting_for": ["P1", "P2", "P3"],
        "pathway": list(PATHWAYS),
        "statistic": ["mean", *[f"p{int(q * 100)}" for q in QUANTILES]],
    }
    data: dict[str, tuple] = {}

    def put(name, dims, values, units, long_name, cell):
        data[name] = (dims, np.asarray(values),
                      {"units": units, "long_name": long_name, "cell_methods": cell})  # fmt: skip

    stack = np.stack
    R = results
    put("people_total", ("draw", "time"), stack([last(r.census["in_system"]) for r in R]),
        "people", "People in services at the end of the period (the population at home is an "
        "input)", "time: point")  # fmt: skip
    for name, long_name in (
        ("people_in", "People entering services"),
        ("people_out", "People leaving services for home"),
        ("deaths", "Deaths in services (deaths at home are not modelled)"),
    ):
        put(name, ("draw", "time"), stack([total(r.counts[name]) for r in R]), "people",
            long_name, "time: sum")  # fmt: skip
    pop = [inputs[r.draw].population for r in R]
    pop = stack([last(p).reshape(n_per, len(ages), len(segs), len(quints)) for p in pop])
    put(
        "population",
        ("draw", "time", "age_band", "segment", "quintile"),
        pop,
        "people",
        "Residents (all settings), end of period; input from the stock-flow run",
        "time: point",
    )
    put(
        "occupied",
        ("draw", "time", "service"),
        stack([np.stack([mean(r.area[s]) for s in SERVICES], axis=-1) for r in R]),
        "people",
        "Occupied beds or places (time-weighted mean over period)",
        "time: mean",
    )
    put(
        "occupied_midnight",
        ("draw", "time", "service"),
        stack([np.stack([mean(r.census[s]) for s in SERVICES], axis=-1) for r in R]),
        "people",
        "Occupied beds or places at midnight (mean census over period)",
        "time: mean",
    )
    put(
        "capacity",
        ("draw", "time", "service"),
        stack([np.stack([mean(r.capacity[s]) for s in SERVICES], axis=-1) for r in R]),
        "beds or places",
        "Capacity (time-weighted mean over period)",
        "time: mean",
    )
    put("nctr", ("draw", "time", "waiting_for"),
        stack([np.stack([mean(r.area[f"nctr_{p}"]) for p in ("P1", "P2", "P3")], axis=-1)
               for r in R]),
        "patients", "Patients with no criteria to reside, waiting in an acute bed for their "
        "discharge pathway (time-weighted mean)", "time: mean")  # fmt: skip
    put(
        "boarding",
        ("draw", "time"),
        stack([mean(r.area["boarding"]) for r in R]),
        "patients",
        "Decided admissions waiting for a bed (time-weighted mean)",
        "time: mean",
    )
    put(
        "acute_patients",
        ("draw", "time", "age_band"),
        stack(
            [
                np.stack([mean(r.area[f"acute_age_{a}"]) for a in range(len(ages))], axis=-1)
                for r in R
            ]
        ),
        "patients",
        "Patients in acute beds by age band (time-weighted mean)",
        "time: mean",
    )
    put("bed_pressure_handover_minutes", ("draw", "time"),
        stack([mean(r.counts["bed_pressure_handover_minutes"]) for r in R]), "minutes",
        "Handover minutes lost beyond 15 per conveyance at current bed pressure (hourly mean)",
        "time: mean")  # fmt: skip
    put(
        "ed_patients",
        ("draw", "time"),
        stack([mean(r.area["in_ed"]) for r in R]),
        "patients",
        "Patients in type 1 ED (time-weighted mean)",
        "time: mean",
    )
    put(
        "crews_busy",
        ("draw", "time"),
        stack([mean(r.area["crews"]) for r in R]),
        "crews",
        "Ambulance crews busy (time-weighted mean)",
        "time: mean",
    )
    put(
        "follow_up",
        ("draw", "time"),
        stack([mean(r.area["follow_up"]) for r in R]),
        "people",
        "People at home in their 91 days after discharge (time-weighted mean)",
        "time: mean",
    )
    for name, (units, long_name) in ACTIVITY.items():
        put(
            name,
            ("draw", "time", "quintile"),
            stack([total(r.counts[name]) for r in R]),
            units,
            long_name,
            "time: sum",
        )
    put("discharges", ("draw", "time", "pathway", "quintile"),
        stack([np.stack([total(r.counts[f"discharges_{p}"]) for p in PATHWAYS], axis=1)
               for r in R]),
        "patients", "Discharges from acute beds by pathway", "time: sum")  # fmt: skip
    for name, (units, long_name) in DAILY.items():
        put(
            name,
            ("draw", "time"),
            stack([total(r.counts[name]) for r in R]),
            units,
            long_name,
            "time: sum",
        )
    put(
        "people_initial",
        ("draw",),
        np.array([r.people_initial for r in R]),
        "people",
        "People in services at the start (warm start)",
        "point",
    )
    for name, (units, long_name) in TALLY_INFO.items():
        put(
            name,
            ("draw", "statistic"),
            stack([r.tallies[name][:-1] for r in R]),
            units,
            long_name + " (mean and percentiles over patients)",
            "patient: statistic",
        )
    put("discharge_wait_days", ("draw", "waiting_for", "statistic"),
        stack([np.stack([r.tallies[f"discharge_wait_days_{p}"][:-1] for p in ("P1", "P2", "P3")])
               for r in R]),
        "days", "Days from medically optimised to the start of the pathway, per patient who "
        "started it (mean and percentiles)", "patient: statistic")  # fmt: skip
    ds = xr.Dataset({k: xr.Variable(*v) for k, v in data.items()}, coords=coords)
    ds = ds.assign_coords(
        parameter_draw=("draw", np.array([r.draw for r in R])),
        replication=("draw", np.array([r.replication for r in R])),
    )
    ds["occupancy"] = (ds["occupied"] / ds["capacity"]).assign_attrs(
        units="1", long_name="Occupancy (occupied / capacity, time-weighted)",
        cell_methods="time: mean")  # fmt: skip
    ds["time"].attrs = {"long_name": "Start of recording period", "period_days": period}
    ds["draw"].attrs = {"long_name": "Parameter draw x replication"}
    ds["statistic"].attrs = {"long_name": "Mean or percentile over patients"}
    _add_parameter_draws(ds, cfg, R)
    ds.attrs.update({
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
    })  # fmt: skip
    return ds


def _add_parameter_draws(ds: xr.Dataset, cfg: Config, results: list[ReplicationResult]) -> None:
    if cfg.run.draws <= 1:
        return
    from sim.model.uncertainty import sample_uncertain

    samples = sample_uncertain(cfg.place, cfg.run.draws, cfg.run.seed)
    keys = list(samples)
    values = np.array([[samples[k][r.draw] for k in keys] for r in results])
    ds["parameter_draws"] = xr.DataArray(
        values, dims=("draw", "uncertain_key"), coords={"uncertain_key": keys},
        attrs={"units": "as the key", "long_name": "Sampled values of uncertain keys"},
    )  # fmt: skip


def _version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"
