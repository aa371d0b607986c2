"""From a validated configuration to a results Dataset, and from a Dataset to a run folder.

``simulate(cfg)``: build the place (one per parameter draw), declare it on the stock-flow engine,
warm it up, run the batch in one compiled call and return one Dataset with provenance.
``save_run(ds, cfg)``: write ``results/<run>/`` (results.nc, config.yaml, summary.txt, charts)
into a hidden folder first and rename it into place, so no half-written run is ever left.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from sim.appraisal.run import Appraisal
from sim.config.compose import to_yaml
from sim.config.errors import ConfigError
from sim.config.schema import Config, PlaceCfg
from sim.engines.stockflow import compile_model, run_arrays, to_dataset
from sim.engines.stockflow.compile import CompiledModel
from sim.engines.stockflow.place import build_model, series_values
from sim.finance.money import compute_money
from sim.model.place import DAYS_PER_YEAR, Place, build_place
from sim.model.uncertainty import place_for_draw, sample_uncertain
from sim.results.io import run_directory, write_dataset_atomic, write_text_atomic
from sim.results.provenance import provenance
from sim.scenarios.contracting import last_years
from sim.scenarios.effects import LeverPlan, lever_plan
from sim.scenarios.investments import investment_factors
from sim.scenarios.money import changes_anything, investment_amounts, plan_config, scenario_finance

log = logging.getLogger(__name__)

WARMUP_DAYS = 365.0
"""Days simulated before the start date so services begin in their usual state."""


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
    if cfg.run.engine == "patient":  # the patient-level engine (sim/engines/patient)
        from sim.engines.patient import simulate_patient

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
                years, dims="draw", attrs={"units": "financial year of the run (1 = first; "
                "inf = never withdrawn)", "long_name": f"Last year investment {name} is paid"},
            )  # fmt: skip
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
    plan, samples = inputs.plan, inputs.samples
    compiled = compile_model(build_model(inputs.place, dt, plan.targets))
    params = _param_matrix(cfg, compiled, inputs)
    series, today = series_pair(compiled, cfg, inputs)
    log.info("warming up %d draw(s) for %d days", params.shape[0], WARMUP_DAYS)
    initial, params = warm_start(compiled, params, today, dt)
    log.info("running %d draw(s) x %d steps of %g days", params.shape[0], steps, dt)
    out = run_arrays(compiled, params, n_steps=steps, series=series, initial=initial,
                     dt_days=dt, record_every=run.record_every_days)  # fmt: skip
    attrs = {
        **{k: v for k, v in provenance().items() if k != "created_utc"},
        "place": cfg.place.name,
        "scenario": cfg.scenario.name,
        "seed": run.seed,
        "draws": run.draws,
        "warmup_days": WARMUP_DAYS,
        "config_yaml": to_yaml(cfg),
        "conventions": "stocks are counted at the end of each day (midnight census); flows "
        "are totals over each period; `time` is the start of the period",
    }
    ds = to_dataset(out, start_date=run.start_date, attrs=attrs)
    return add_derived(ds, samples, plan, record_every=run.record_every_days)


@dataclass(frozen=True)
class RunInputs:
    """What a run needs besides the compiled model: the draws and the scenario's levers."""

    samples: dict[str, np.ndarray]  # uncertain place key -> value per draw
    places: list[PlaceCfg]  # the place config of each draw
    place: Place  # the configured (central) place, resolved
    plan: LeverPlan  # the scenario's levers, their cohorts and paths per draw


def run_inputs(cfg: Config, last_year: dict[str, np.ndarray] | None = None) -> RunInputs:
    """Parameter draws, each draw's place and the scenario's lever paths (investments
    included, stopped after ``last_year`` where contracting withdraws them).
    """
    run = cfg.run
    dt, steps = run.step_days, n_steps(cfg)
    samples = sample_uncertain(cfg.place, run.draws, run.seed)
    places = draw_places(cfg, samples)
    bought = investment_factors(cfg.scenario, cfg.finance, places, steps, dt, run.start_date,
                                run.seed, last_year)  # fmt: skip
    plan = lever_plan(cfg.scenario, places, steps, dt, run.start_date, run.seed, bought)
    return RunInputs(samples, places, build_place(cfg.place), plan)


def series_pair(
    compiled: CompiledModel, cfg: Config, inputs: RunInputs
) -> tuple[np.ndarray, np.ndarray]:
    """Per-step inputs with the scenario's levers, and with every lever at its neutral value
    (the place as it is today, for the warm-up).
    """
    run = cfg.run
    dt, steps = run.step_days, n_steps(cfg)
    names = compiled.series_names[1:]
    place, paths = inputs.place, inputs.plan.paths
    series = compiled.series_array(
        series_values(place, run.start_date, steps, dt, names, paths), steps, run.draws
    )
    today = compiled.series_array(
        series_values(place, run.start_date, steps, dt, names), steps, run.draws
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


def _param_matrix(cfg: Config, compiled: CompiledModel, inputs: RunInputs) -> np.ndarray:
    """One parameter row per draw: each draw's place declared again, values only (the
    structure is the compiled model's; a draw that would change it is refused).
    """
    if cfg.run.draws == 1:
        return compiled.param_matrix()
    from sim.sweep.rows import check_against_full_build, declare_values, draw_rows

    dt, levers = cfg.run.step_days, inputs.plan.targets
    central = declare_values(inputs.place, dt, levers)
    check_against_full_build(compiled, central)
    places = [build_place(p) for p in inputs.places]
    rows = draw_rows(compiled, central.fingerprint(), places, dt, levers)
    return compiled.param_matrix({p: rows[:, j] for j, p in enumerate(compiled.param_names)})


FRONT_DOORS = ("gp_demand", "nhs111_call", "call_999", "walk_in", "direct_admission")
"""Operations whose rates are per resident in the evidence but apply to people at home."""


def warm_start(
    compiled: CompiledModel, params: np.ndarray, series: np.ndarray, dt: float
) -> tuple[np.ndarray, np.ndarray]:
    """Initial stocks after a warm-up, and the parameters calibrated on it.

    The place runs for :data:`WARMUP_DAYS` with every series held at its mean. Each cohort's
    care-home residents are then reset to their configured number and its people at home to
    the configured cohort size less everyone in services, so each cohort starts at its
    configured size. Front-door rates are per resident (EVIDENCE counts every resident) but
    only people at home use front doors in the model (people in follow-up, reablement or on a
    virtual ward reach hospital through their service's own exits), so each cohort's
    front-door rates are divided by its share of people at home after the warm-up; the
    warm-up is then repeated with the calibrated rates.
    """
    x0 = compiled.initial_stocks(params)
    n = int(round(WARMUP_DAYS / dt))
    mean = series[:, :, : min(series.shape[2], n)].mean(axis=2, keepdims=True)
    z = np.repeat(mean, n, axis=2)
    cohort = np.array([_cohort_of(s) for s in compiled.stock_names])
    kind = np.array([s.split("[", 1)[0] for s in compiled.stock_names])
    labels = list(dict.fromkeys(c for c in cohort if c))
    p_index = {p: i for i, p in enumerate(compiled.param_names)}
    calibrated = params.copy()
    for _ in range(2):
        warm = run_arrays(compiled, calibrated, n_steps=n, series=z, initial=x0, dt_days=dt,
                          record_every=n)  # fmt: skip
        x = warm.final.copy()
        for lab in labels:
            mine = np.flatnonzero(cohort == lab)
            home = mine[kind[mine] == "home"][0]
            care = mine[kind[mine] == "care_home"][0]
            others = mine[(kind[mine] != "home") & (kind[mine] != "care_home")]
            doors = [p_index[f"{d}[{lab}].rate_per_day"] for d in FRONT_DOORS
                     if f"{d}[{lab}].rate_per_day" in p_index]  # fmt: skip
            for b in range(len(x)):  # per draw, so a draw never depends on the batch size
                residents = x0[b, home]
                x[b, care] = x0[b, care]
                x[b, home] = max(residents - float(np.sum(x[b, others])), 0.0)
                at_home = x[b, home] / residents if residents > 0 else 1.0
                for j in doors:
                    calibrated[b, j] = params[b, j] / max(at_home, 0.5)
    return x, calibrated


def _cohort_of(stock: str) -> str:
    """The cohort label inside a stock name such as ``acute[65-79|frail|q1][2]``."""
    return stock.split("[", 1)[1].split("]", 1)[0] if "|" in stock else ""


def add_derived(
    ds: xr.Dataset, samples: dict[str, np.ndarray], plan: LeverPlan, record_every: int
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
    if plan.sizes:
        names = list(plan.sizes)
        ds["effect_size"] = xr.DataArray(
            np.array([plan.sizes[k] for k in names]).T,
            dims=("draw", "effect"),
            coords={"effect": names},
            attrs={"units": "as each effect's unit (scenario.effects.<effect>.unit)",
                   "long_name": "Sampled size of each scenario effect"},
        )  # fmt: skip
    if plan.paths:
        levers = sorted(plan.paths)
        starts = np.arange(ds.sizes["time"]) * record_every
        counts = np.diff(np.append(starts, plan.paths[levers[0]].shape[1]))
        per_period = np.stack(
            [np.add.reduceat(plan.paths[k], starts, axis=1) / counts for k in levers], axis=-1
        )
        ds["lever_value"] = xr.DataArray(
            per_period,
            dims=("draw", "time", "lever"),
            coords={"lever": levers},
            attrs={"units": "1 (factor) or as the lever", "long_name": "Scenario lever values "
                   "(1 = as today for factors, 0 for routes that are new), mean over period"},
        )  # fmt: skip
    return ds


def stack_runs(runs: dict[str, xr.Dataset]) -> xr.Dataset:
    """Every run along an ``option`` dimension (a variable one run lacks is NaN there);
    each run's scenario and configuration stay in the attributes, per option.
    """
    names = list(runs)
    every = {v: ds[v] for ds in runs.values() for v in ds.data_vars}
    filled = []
    for ds in runs.values():
        missing = {v: xr.full_like(da, np.nan, dtype=float) for v, da in every.items()
                   if v not in ds.data_vars}  # fmt: skip
        filled.append(ds.assign(missing))
    out = xr.concat(filled, dim=xr.DataArray(names, dims="option", name="option"),
                    join="outer", combine_attrs="drop_conflicts")  # fmt: skip
    out["option"].attrs = {"long_name": "Option (baseline first)"}
    for name, ds in runs.items():
        out.attrs[f"scenario:{name}"] = ds.attrs.get("scenario", name)
        out.attrs[f"config_yaml:{name}"] = ds.attrs.get("config_yaml", "")
    out.attrs["options"] = names
    return out


def save_appraisal(result: Appraisal, cfg: Config, *, charts: bool | None = None) -> Path:
    """Write the run folder atomically; returns its path.

    ``results.nc``: every run along ``option`` (baseline first); ``appraisal.nc``: the options
    against baseline; ``config.yaml``; ``summary.txt``; charts of the first run; and the board
    pack (``board_pack.html``, ``board_pack.pdf``, ``appraisal.xlsx``) when there are options.
    """
    from sim.appraisal.summary import format_appraisal
    from sim.plots.charts import save_charts
    from sim.results.summary import format_summary

    root = Path(cfg.run.output_dir)
    final = run_directory(root, cfg.run.name)
    if final.exists():
        raise ConfigError(f"run.name = {cfg.run.name!r}: {final} exists; choose another name")
    tmp = final.with_name(f".{final.name}.partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    created = provenance()["created_utc"]
    try:
        write_text_atomic(to_yaml(cfg), tmp / "config.yaml")
        write_dataset_atomic(stack_runs(result.runs).assign_attrs(created_utc=created),
                             tmp / "results.nc")  # fmt: skip
        first = next(iter(result.runs.values()))  # the baseline, or the one run
        text = format_summary(first)
        if result.appraisal is not None:
            write_dataset_atomic(result.appraisal.assign_attrs(created_utc=created),
                                 tmp / "appraisal.nc")  # fmt: skip
            text += "\n\n" + format_appraisal(result.appraisal)
        write_text_atomic(text, tmp / "summary.txt")
        if cfg.run.charts if charts is None else charts:
            save_charts(first, tmp)
            if result.appraisal is not None:
                from sim.report import write_board_pack

                write_board_pack(result, tmp)
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final
