"""What a patient-level run needs from the declaration, prepared once per parameter draw.

The place is the one the stock-flow engine runs (:func:`sim.place.cohorts.build_place`). From the
stock-flow engine this module takes three things, so that both engines start from the same
state and see the same demand:

1. the **warm start**: the stock-flow warm-up (a year at mean seasonality, see
   :func:`sim.place.stockflow.warm.warm_start`) gives the people in every service, per
   cohort, at the start date; or a user snapshot replaces it (:func:`read_snapshot`);
2. the **calibrated front-door rates** per person at home (the warm-up rescales them so each
   door's total matches its national figure);
3. **population dynamics**: people at home per cohort and day are the stock-flow run's over the
   same horizon (births, ageing, progression and deaths), so arrival rates move as the
   population does. The patient engine does not simulate the population itself.

Everything here is plain data (NumPy arrays and dataclasses), so replications can be shipped to
worker processes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from sim.config.errors import ConfigError
from sim.config.schema import Config, RunCfg
from sim.engines.stockflow import compile_model, run_arrays
from sim.place.capacity_plan import step_factors
from sim.place.cohorts import DAYS_PER_YEAR, Place, build_place
from sim.place.draws import place_for_draw, sample_uncertain
from sim.place.stockflow.declare import LTC_KINDS, RESIDENT_KINDS, build_model, series_values
from sim.place.stockflow.warm import warm_start

FRONT_DOORS = {  # rate name here: stock-flow operation
    "gp_demand": "gp_demand",
    "nhs111": "nhs111_call",
    "call_999": "call_999",
    "walk_in": "walk_in",
    "direct_admission": "direct_admission",
}
STOCK_KINDS = {  # snapshot / initial-state name: stock-flow stock kind
    "acute_beds": "acute",
    "await_p1": "await_p1",
    "await_p2": "await_p2",
    "await_p3": "await_p3",
    "boarding": "boarding",
    "reablement": "reab",
    "ic_beds": "ic_bed",
    "virtual_ward": "vw",
    "ucr": "ucr",
    "district_nursing": "dn",
    "care_home": "care_home",
    "follow_up": "follow",
}
"""Where patients can be at the start; ``acute_beds`` counts stays in progress (not NCTR)."""
HOME = "patient_engine_home"


@dataclass(frozen=True)
class PlaceInputs:
    """One parameter draw's place, its demand per day and its starting occupancy."""

    place: Place
    run: RunCfg
    n_days: int
    rates: dict[str, np.ndarray]  # per person at home per day, by cohort
    home: np.ndarray  # (n_days, n_cohorts) people at home
    population: np.ndarray  # (n_days, n_cohorts) residents at the end of each day
    winter: np.ndarray  # (n_days,) seasonal multiplier on emergency demand
    pathway_factor: np.ndarray  # (n_days,) weekday factor on pathway starts
    day_of_week: np.ndarray  # (n_days,) 0 = Monday
    escalation_beds: np.ndarray  # (n_days,) extra acute beds open
    plan: dict[str, np.ndarray]  # planned service -> (n_days,) factor on today's capacity
    initial: dict[str, np.ndarray]  # name of STOCK_KINDS -> patients per cohort (real numbers)
    draw: int = 0


def n_days_of(run: RunCfg) -> int:
    """Whole days in the horizon."""
    return max(1, int(round(run.horizon_years * DAYS_PER_YEAR)))


def prepare_inputs(cfg: Config) -> list[PlaceInputs]:
    """One :class:`PlaceInputs` per parameter draw (the place rebuilt with its values)."""
    run = cfg.run
    if run.draws == 1:
        places = [build_place(cfg.place)]
    else:
        samples = sample_uncertain(cfg.place, run.draws, run.seed)
        places = [
            build_place(place_for_draw(cfg.place, {k: float(v[i]) for k, v in samples.items()}))
            for i in range(run.draws)
        ]
    snapshot = None if run.patient.warm_start == "stockflow" else Path(run.patient.warm_start)
    if snapshot is not None:  # a malformed snapshot stops here, before any simulation
        read_snapshot(snapshot, places[0], {})
    return [_inputs_for(place, run, i, snapshot) for i, place in enumerate(places)]


def _inputs_for(place: Place, run: RunCfg, draw: int, snapshot: Path | None) -> PlaceInputs:
    n_days = n_days_of(run)
    model = build_model(place, 1.0)
    labels = [c.label for c in place.cohorts]
    model.describe(HOME, units="people", long_name="People at home (for the patient engine)")
    for lab in labels:
        model.report(HOME, stocks=[f"home[{lab}]"], at="end", coords={"cohort": lab})
    compiled = compile_model(model)
    params = compiled.param_matrix()
    values = series_values(place, run.start_date, n_days, 1.0)
    series = compiled.series_array(values, n_days, 1)
    x, calibrated = warm_start(compiled, params, series, 1.0, out_dtype=np.float64)
    out = run_arrays(
        compiled, calibrated, n_steps=n_days, series=series, initial=x, dt_days=1.0, record_every=1
    )
    col = {lab: i for i, lab in enumerate(labels)}
    p_index = {p: i for i, p in enumerate(compiled.param_names)}
    rates = {}
    for name, op in FRONT_DOORS.items():
        fallback = place.rate["ambulance" if name == "call_999" else name]
        rates[name] = np.array(
            [
                calibrated[0, p_index[f"{op}[{lab}].rate_per_day"]]
                if f"{op}[{lab}].rate_per_day" in p_index
                else fallback[i]
                for i, lab in enumerate(labels)
            ]
        )
    # The declaration's rates are competing hazards per person per day on ``home``: with
    # total hazard K a person at home leaves by door i with daily probability
    # (k_i / K) (1 - exp(-K)) (the stock-flow engine's rule). Use the same expected number.
    total = sum(rates.values())
    for op in ("death", "progression", "ageing"):
        total = total + np.array(
            [
                calibrated[0, p_index[f"{op}[{lab}].rate_per_day"]]
                if f"{op}[{lab}].rate_per_day" in p_index
                else 0.0
                for lab in labels
            ]
        )
    leave = np.where(total > 0, -np.expm1(-total) / np.where(total > 0, total, 1.0), 0.0)
    rates = {name: k * leave for name, k in rates.items()}
    rates["care_home_admission"] = place.rate["care_home_admission"]
    rates["dn_referral"] = place.rate["dn_referral"]

    kinds = {v: k for k, v in STOCK_KINDS.items()} | {"home": "home"}
    initial = {k: np.zeros(len(labels)) for k in (*STOCK_KINDS, "home", "ltc_home")}
    s_index = {s: i for i, s in enumerate(compiled.stock_names)}
    for label, stocks in model.cohort_stocks.items():
        for kind, names in stocks.items():
            if kind in kinds:
                initial[kinds[kind]][col[label]] += sum(x[0, s_index[s]] for s in names)
            elif kind in RESIDENT_KINDS:  # residents in ED or hospital start in their home
                initial["care_home"][col[label]] += sum(x[0, s_index[s]] for s in names)
            elif kind in LTC_KINDS:  # at home with long-term care needs (there at the start)
                initial["ltc_home"][col[label]] += sum(x[0, s_index[s]] for s in names)
    population = np.zeros((n_days, len(labels)))
    home_end = np.zeros((n_days, len(labels)))
    for r, (var, coords) in enumerate(compiled.report_index):
        cd = dict(coords)
        if var == "population":
            population[:, col[f"{cd['age_band']}|{cd['segment']}|{cd['quintile']}"]] = out.reports[
                0, r, :
            ]
        elif var == HOME:
            home_end[:, col[cd["cohort"]]] = out.reports[0, r, :]
    # People at home during day d: the stock-flow census at the end of day d - 1.
    home = np.vstack([initial.pop("home")[None, :], home_end[:-1]])
    if snapshot is not None:
        initial = read_snapshot(snapshot, place, initial)
    start = date.fromisoformat(run.start_date)
    days = [start + timedelta(days=d) for d in range(n_days)]
    return PlaceInputs(
        place=place,
        run=run,
        n_days=n_days,
        rates=rates,
        home=home,
        population=population,
        winter=values["winter"][:n_days].astype(float),
        pathway_factor=values["weekday_pathway"][:n_days].astype(float),
        day_of_week=np.array([d.weekday() for d in days]),
        escalation_beds=_escalation(run, days),
        plan=step_factors(place.cfg, run.start_date, n_days, 1.0, run.patient.ambulance_crews),
        initial=initial,
        draw=draw,
    )


def _escalation(run: RunCfg, days: list[date]) -> np.ndarray:
    """Extra beds open on each day (winter escalation, from MM-DD to MM-DD inclusive)."""
    p = run.patient
    lo, hi = p.escalation_from, p.escalation_to
    md = [d.strftime("%m-%d") for d in days]
    open_ = [(lo <= m <= hi) if lo <= hi else (m >= lo or m <= hi) for m in md]
    return np.where(open_, float(p.escalation_beds), 0.0)


MAX_SNAPSHOT_BYTES = 10 * 2**20  # a row per service and cohort is a few kB


def read_snapshot(path: Path, place: Place, mix: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Starting occupancy from a CSV of today's patients: ``service,cohort,patients``.

    ``service`` is one of :data:`STOCK_KINDS`; ``cohort`` a cohort label such as
    ``80+|frail|q1``, or ``all`` to spread the number over cohorts in proportion to ``mix``
    (the stock-flow warm state). Services not in the file start empty. Any malformed row raises
    :class:`ConfigError` naming the file, the line and the problem.
    """
    key = "run.patient.warm_start"
    labels = [c.label for c in place.cohorts]
    out = {k: np.zeros(len(labels)) for k in STOCK_KINDS}
    try:
        if path.stat().st_size > MAX_SNAPSHOT_BYTES:
            raise ConfigError(
                f"{key} = {str(path)!r}: {path.stat().st_size} bytes; allowed up to "
                f"{MAX_SNAPSHOT_BYTES} (one row per service and cohort)"
            )
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            need = {"service", "cohort", "patients"}
            if reader.fieldnames is None or not need <= set(reader.fieldnames):
                raise ConfigError(
                    f"{key} = {str(path)!r}: header {reader.fieldnames}; needs columns "
                    f"service,cohort,patients"
                )
            for line, row in enumerate(reader, start=2):
                where = f"{key} = {str(path)!r} line {line}"
                service, cohort = (row["service"] or "").strip(), (row["cohort"] or "").strip()
                if service not in STOCK_KINDS:
                    raise ConfigError(
                        f"{where}: service {service!r}; allowed {', '.join(STOCK_KINDS)}"
                    )
                try:
                    n = float(row["patients"])
                except (TypeError, ValueError):
                    raise ConfigError(
                        f"{where}: patients {row['patients']!r} is not a number"
                    ) from None
                if not np.isfinite(n) or n < 0:
                    raise ConfigError(f"{where}: patients = {n}: must be a number >= 0")
                if cohort == "all":
                    weights = np.asarray(mix.get(service, np.zeros(len(labels))), dtype=float)
                    if weights.sum() <= 0:
                        weights = place.at_home.copy()
                    out[service] += n * weights / weights.sum()
                elif cohort in labels:
                    out[service][labels.index(cohort)] += n
                else:
                    raise ConfigError(
                        f"{where}: cohort {cohort!r}; allowed 'all' or a label age|segment|"
                        f"quintile such as {labels[-1]!r}"
                    )
    except UnicodeDecodeError:
        raise ConfigError(f"{key} = {str(path)!r}: not a text CSV file") from None
    except csv.Error as exc:
        raise ConfigError(f"{key} = {str(path)!r}: malformed CSV ({exc})") from None
    except OSError as exc:
        raise ConfigError(f"{key} = {str(path)!r}: cannot read it ({exc.strerror})") from None
    total, residents = sum(float(v.sum()) for v in out.values()), float(place.cfg.population.size)
    if total > residents:
        raise ConfigError(
            f"{key} = {str(path)!r}: {total:.6g} patients in services; allowed up to the "
            f"place's residents (place.population.size = {residents:.6g})"
        )
    return out
