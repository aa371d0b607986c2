"""From a validated configuration to a results Dataset: dispatch, the plan run, money.

``simulate(cfg)``: on the patient engine, the place patient by patient; on the stock-flow
engine, the place of each parameter draw declared once, warmed up and run as a batch in one
compiled call, with the scenario's money measured against its plan (the same place, seed and
draws with no changes) and, under contracting, run again where investments are withdrawn.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from sim.config.compose import to_yaml
from sim.config.errors import ConfigError
from sim.config.schema import Config, PlaceCfg
from sim.engines.stockflow import compile_model, to_dataset
from sim.engines.stockflow.compile import CompiledModel
from sim.finance.money import compute_money
from sim.place.capacity_plan import planned_capacity
from sim.place.cohorts import DAYS_PER_YEAR, Place, build_place
from sim.place.draws import place_for_draw, sample_uncertain
from sim.place.patient.simulate import simulate_patient
from sim.place.stockflow.declare import build_model, series_values
from sim.place.stockflow.rows import check_against_full_build, declare_values, draw_rows
from sim.place.stockflow.warm import WARMUP_DAYS, run_warm
from sim.results.provenance import provenance
from sim.scenarios.contracting import last_years
from sim.scenarios.effects import LeverPaths, lever_paths
from sim.scenarios.investments import investment_factors
from sim.scenarios.money import changes_anything, investment_amounts, plan_config, scenario_finance

log = logging.getLogger(__name__)

PEOPLE_TOTAL = "Residents of the place at the end of the period (at home or in any service)"


def n_steps(cfg: Config) -> int:
    """Steps in the horizon."""
    return int(round(cfg.run.horizon_years * DAYS_PER_YEAR / cfg.run.step_days))


def simulate(cfg: Config, plan: xr.Dataset | None = None) -> xr.Dataset:
    """Run the configured place and scenario with its money; returns the results Dataset
    (not yet saved).

    A scenario that changes anything is measured against its plan: the same place, seed and
    draws with no changes (common random numbers), which also sets the fixed elements of
    payments. Under annual or multi-year contracting the run is repeated with each
    investment stopped where the commissioner would have withdrawn it. ``plan`` may be
    given (a baseline run of the same place, run settings and seed) to avoid running it again.
    """
    if cfg.run.engine == "patient":  # the patient-level engine (sim/place/patient)
        return simulate_patient(cfg)
    results = simulate_run(cfg)
    fin = scenario_finance(cfg)
    seed = cfg.run.seed
    if not changes_anything(cfg.scenario):
        money = compute_money(results, fin, None, investment_amounts(fin, results, seed))
        return _with_money(results, money)
    if plan is None:
        plan = simulate_run(plan_config(cfg))
    money = compute_money(results, fin, plan, investment_amounts(fin, results, seed))
    last = None
    if cfg.scenario.contracting.mode != "none":  # decisions compare the money with the plan's
        plan_money = compute_money(plan, fin, None, None)
        last = last_years(cfg.scenario.contracting, cfg.scenario.investments, money, plan_money)
    if last is not None:
        log.info("contracting withdraws investments; running again")
        results = simulate_run(cfg, last)
        money = compute_money(results, fin, plan, investment_amounts(fin, results, seed, last))
        for name, years in last.items():
            results[f"last_year_paid:{name}"] = xr.DataArray(
                years,
                dims="draw",
                attrs={
                    "units": "financial year of the run (1 = first; inf = never withdrawn)",
                    "long_name": f"Last year investment {name} is paid",
                },
            )
    return _with_money(results, money)


def _with_money(results: xr.Dataset, money: xr.Dataset) -> xr.Dataset:
    """The results with the money's variables (dims ``draw, year, org ...``) added."""
    money = money.rename({"days": "days_in_year"})
    return xr.merge([results, money], combine_attrs="override")


def simulate_run(cfg: Config, last_year: dict[str, np.ndarray] | None = None) -> xr.Dataset:
    """One run of the configured place and scenario, without the money.

    ``last_year`` (investment line -> last financial year paid, per draw) stops investments
    early in some draws, as annual contracting does.
    """
    run = cfg.run
    dt, steps = run.step_days, n_steps(cfg)
    if run.record_every_days > steps:
        raise ConfigError(f"run.record_every_days = {run.record_every_days}: longer than the run")
    inputs = run_inputs(cfg, last_year)
    paths, samples = inputs.lever_paths, inputs.samples
    compiled = compile_model(build_model(inputs.place, dt, paths.targets))
    params = _param_matrix(cfg, compiled, inputs)
    series, today = series_pair(compiled, cfg, inputs)
    log.info(
        "warming up %d draw(s) for %d days, then %d steps of %g days",
        params.shape[0], WARMUP_DAYS, steps, dt,
    )  # fmt: skip
    out = run_warm(
        compiled,
        params,
        series=series,
        today=today,
        dt=dt,
        n_steps=steps,
        record_every=run.record_every_days,
    )
    attrs = {
        **{k: v for k, v in provenance().items() if k != "created_utc"},
        "place": cfg.place.name,
        "scenario": cfg.scenario.name,
        "seed": run.seed,
        "draws": run.draws,
        "warmup_days": WARMUP_DAYS,
        "config_yaml": to_yaml(cfg),
        "comment": "stocks are counted at the end of each day (midnight census); flows "
        "are totals over each period; `time` is the start of the period and `time_bnds` its "
        "start and end (the last period may be shorter: `period_days`)",
    }
    ds = to_dataset(out, start_date=run.start_date, attrs=attrs)
    # the place's stocks are its residents, at home or in a service: one meaning on both engines
    ds["people_total"].attrs["long_name"] = PEOPLE_TOTAL
    ds = add_derived(ds, samples, paths, record_every=run.record_every_days)
    ds["planned_capacity"] = planned_capacity(cfg.place, cfg.run, steps, ds.sizes["time"])
    return ds


@dataclass(frozen=True)
class RunInputs:
    """What a run needs besides the compiled model: the draws and the scenario's levers."""

    samples: dict[str, np.ndarray]  # uncertain place key -> value per draw
    places: list[PlaceCfg]  # the place config of each draw
    place: Place  # the configured (central) place, resolved
    lever_paths: LeverPaths  # the scenario's levers, their cohorts and paths per draw


def run_inputs(cfg: Config, last_year: dict[str, np.ndarray] | None = None) -> RunInputs:
    """Parameter draws, each draw's place and the scenario's lever paths (investments
    included, stopped after ``last_year`` where contracting withdraws them).
    """
    run = cfg.run
    dt, steps = run.step_days, n_steps(cfg)
    samples = sample_uncertain(cfg.place, run.draws, run.seed)
    places = draw_places(cfg, samples)
    bought = investment_factors(
        cfg.scenario, cfg.finance, places, steps, dt, run.start_date, run.seed, last_year
    )
    paths = lever_paths(cfg.scenario, places, steps, dt, run.start_date, run.seed, bought)
    return RunInputs(samples, places, build_place(cfg.place), paths)


def series_pair(
    compiled: CompiledModel, cfg: Config, inputs: RunInputs
) -> tuple[np.ndarray, np.ndarray]:
    """Per-step inputs with the scenario's levers and the capacity plan, and with every
    lever at its neutral value and capacity as today (the place as it is, for the warm-up).
    """
    run = cfg.run
    dt, steps = run.step_days, n_steps(cfg)
    names = compiled.series_names[1:]
    place, paths = inputs.place, inputs.lever_paths.paths
    series = compiled.series_array(
        series_values(place, run.start_date, steps, dt, names, paths), steps, run.draws
    )
    today = compiled.series_array(
        series_values(place, run.start_date, steps, dt, names, plan=False), steps, run.draws
    )
    return series, today


def draw_places(cfg: Config, samples: dict[str, np.ndarray]) -> list[PlaceCfg]:
    """The place config of each draw (the configured place itself for one draw)."""
    if cfg.run.draws == 1:
        return [cfg.place]
    return [
        place_for_draw(cfg.place, {k: float(v[i]) for k, v in samples.items()})
        for i in range(cfg.run.draws)
    ]


class _BuiltPlaces(Sequence[Place]):
    """Each draw's place, built when its parameter row is made, so one place is held at a
    time rather than all of them (about 0.1 MiB a draw on the default place).
    """

    def __init__(self, cfgs: Sequence[PlaceCfg]) -> None:
        self._cfgs = cfgs

    def __len__(self) -> int:
        return len(self._cfgs)

    def __getitem__(self, i: int) -> Place:  # type: ignore[override]
        return build_place(self._cfgs[i])


def _param_matrix(cfg: Config, compiled: CompiledModel, inputs: RunInputs) -> np.ndarray:
    """One parameter row per draw: each draw's place declared again, values only (the
    structure is the compiled model's; a draw that would change it is refused).
    """
    if cfg.run.draws == 1:
        return compiled.param_matrix()
    dt, levers = cfg.run.step_days, inputs.lever_paths.targets
    central = declare_values(inputs.place, dt, levers)
    check_against_full_build(compiled, central)
    rows = draw_rows(compiled, central.fingerprint(), _BuiltPlaces(inputs.places), dt, levers)
    return compiled.param_matrix({p: rows[:, j] for j, p in enumerate(compiled.param_names)})


def add_derived(
    ds: xr.Dataset, samples: dict[str, np.ndarray], paths: LeverPaths, record_every: int
) -> xr.Dataset:
    """Occupancy, the sampled uncertain values and the scenario's lever paths (mean per
    period), with units and descriptions.
    """
    ds["occupancy"] = (ds["occupied"] / ds["capacity"]).assign_attrs(
        units="1", long_name="Occupancy (occupied / capacity)", cell_methods="time: mean"
    )
    if samples:
        keys = list(samples)
        ds["parameter_draws"] = xr.DataArray(
            np.array([samples[k] for k in keys]).T,
            dims=("draw", "uncertain_key"),
            coords={"uncertain_key": keys},
            attrs={"units": "as the key", "long_name": "Sampled values of uncertain keys"},
        )
    if paths.sizes:
        names = list(paths.sizes)
        ds["effect_size"] = xr.DataArray(
            np.array([paths.sizes[k] for k in names]).T,
            dims=("draw", "effect"),
            coords={"effect": names},
            attrs={
                "units": "as each effect's unit (scenario.effects.<effect>.unit)",
                "long_name": "Sampled size of each scenario effect",
            },
        )
    if paths.paths:
        levers = sorted(paths.paths)
        starts = np.arange(ds.sizes["time"]) * record_every
        counts = np.diff(np.append(starts, paths.paths[levers[0]].shape[1]))
        per_period = np.stack(
            [np.add.reduceat(paths.paths[k], starts, axis=1) / counts for k in levers], axis=-1
        )
        ds["lever_value"] = xr.DataArray(
            per_period,
            dims=("draw", "time", "lever"),
            coords={"lever": levers},
            attrs={
                "units": "1 (factor) or as the lever",
                "long_name": "Scenario lever values "
                "(1 = as today for factors, 0 for routes that are new), mean over period",
            },
        )
    return ds
