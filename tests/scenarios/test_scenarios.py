"""Care-shift scenarios: zero effects change nothing, each shift moves the model the way its
mechanism says, HomeFirst lands in the Leeds ranges, annual contracting loses what a
multi-year agreement keeps, and every scenario runs from the command line.

Runs are short (2-7 years, annual records) so the file stays well inside the suite's budget.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import sim
from sim.cli import main
from sim.config.compose import options
from sim.scenarios.evidence import homefirst_rows, total, waiting_days_per_patient, year_of

FAST = ["run.record_every_days=365", "run.charts=false"]
YEAR3 = "2027-04-01"  # first full year after the one-year ramps from April 2026


def run(scenario: str, years: int, *more: str, draws: int = 1) -> xr.Dataset:
    return sim.run([*FAST, f"run.horizon_years={years}", f"scenario={scenario}", *more], draws)


@pytest.fixture(scope="module")
def base3() -> xr.Dataset:
    return run("baseline", 3)


def zero_sizes(scenario: str) -> list[str]:
    """Overrides setting every effect size and investment of a scenario to zero."""
    from sim.jobs.load import load_config

    cfg = load_config([f"scenario={scenario}"])
    out = [
        f"scenario.effects.{name}.size={{low: 0, central: 0, high: 0, source: test}}"
        for name in cfg.scenario.effects
    ]
    out += [
        f"scenario.investments.{name}.gbp_per_year={{low: 0, central: 0, high: 0, source: test}}"
        for name in cfg.scenario.investments
    ]
    return out


@pytest.mark.parametrize("scenario", ["combined", "prevention"])
def test_a_scenario_whose_effects_are_all_zero_gives_the_baseline(scenario):
    """Every lever moved by zero (and no money): activity and money identical to baseline."""
    base = run("baseline", 2, draws=2)
    zero = run(scenario, 2, *zero_sizes(scenario), draws=2)
    shared = [v for v in base.data_vars if v in zero.data_vars]
    assert "emergency_admissions" in shared and "system_net_cost" in shared
    for var in shared:
        if var in ("investment", "contract_payments"):  # named lines/contracts differ
            continue
        xr.testing.assert_identical(base[var], zero[var])
    assert float(zero["investment_total"].sum()) == 0.0
    neutral = {"reablement.step_up": 0.0, "acute.home_first_redirect": 0.0}
    for lever in zero["lever"].values:  # every lever at its value for "as today"
        np.testing.assert_array_equal(zero["lever_value"].sel(lever=lever), neutral.get(lever, 1.0))


def test_homefirst_at_central_values_lands_in_every_leeds_range(base3):
    """EVIDENCE S.1-S.4 / 7.1-7.6: admissions, wait for support, short-term stays, homes."""
    rows = homefirst_rows(run("homefirst", 3), base3, YEAR3)
    for row in rows:
        assert row.within(), (row.measure, row.central(), row.low, row.high)


def test_homefirst_moves_the_hospital_the_expected_way(base3):
    hf = year_of(run("homefirst", 3), YEAR3)
    b = year_of(base3, YEAR3)
    assert waiting_days_per_patient(hf)[0] < waiting_days_per_patient(b)[0]
    assert total(hf, "nctr")[0] < 0.8 * total(b, "nctr")[0]
    assert total(hf, "handover_hours_lost")[0] < total(b, "handover_hours_lost")[0]
    occ = "occupied"
    assert hf[occ].sel(service="acute_beds")[0] < b[occ].sel(service="acute_beds")[0]
    assert hf[occ].sel(service="reablement")[0] > b[occ].sel(service="reablement")[0]


def test_community_investment_buys_places_and_avoids_conveyances_and_admissions(base3):
    ci = run("community_investment", 3)
    y, b = year_of(ci, YEAR3), year_of(base3, YEAR3)
    for svc in ("ucr", "virtual_ward", "district_nursing"):
        assert y["capacity"].sel(service=svc)[0] > b["capacity"].sel(service=svc)[0], svc
    assert total(y, "conveyances")[0] < 0.99 * total(b, "conveyances")[0]
    assert total(y, "emergency_admissions")[0] < 0.995 * total(b, "emergency_admissions")[0]
    # the money: GBP 5 m in 2026/27 (ramp) plus 1 m one-off implementation, 10 m from
    # 2027/28, paid by the ICB to community
    # (2027/28 has 366 days, the run 365 of them: paid pro rata)
    np.testing.assert_allclose(
        ci["investment_total"].isel(draw=0).values, [0, 5e6 + 1e6, 10e6 * 365 / 366]
    )
    paid = ci["payments"].sel(payer="icb", provider="community").isel(draw=0)
    plan_paid = base3["payments"].sel(payer="icb", provider="community").isel(draw=0)
    np.testing.assert_allclose((paid - plan_paid).values, ci["investment_total"].isel(draw=0))


def test_virtual_wards_take_admissions_home(base3):
    y, b = year_of(run("virtual_wards", 3), YEAR3), year_of(base3, YEAR3)
    assert (
        y["occupied"].sel(service="virtual_ward")[0] > b["occupied"].sel(service="virtual_ward")[0]
    )
    assert total(y, "vw_step_up")[0] > total(b, "vw_step_up")[0]
    assert total(y, "vw_step_down")[0] > total(b, "vw_step_down")[0]
    assert total(y, "emergency_admissions")[0] < total(b, "emergency_admissions")[0]


def test_prevention_slows_progression_in_targeted_cohorts_after_its_lag():
    """Lag of two years from April 2026: nothing before April 2028, fewer complex after."""
    base, prev = run("baseline", 7), run("prevention", 7)
    before = {"time": base["time"][2]}  # 2027/28, before the lag ends
    xr.testing.assert_identical(base["population"].sel(before), prev["population"].sel(before))
    last = {"time": base["time"][-1]}
    well_t = {"segment": "well", "age_band": "18-64", "quintile": ["q1", "q2"]}
    untargeted = {"segment": "complex", "age_band": "18-64", "quintile": ["q4", "q5"]}
    complex_t = {"segment": "complex", "age_band": "18-64", "quintile": ["q1", "q2"]}
    pb, pp = base["population"].sel(last), prev["population"].sel(last)
    assert float(pp.sel(complex_t).sum()) < float(pb.sel(complex_t).sum())
    assert float(pp.sel(well_t).sum()) > float(pb.sel(well_t).sum())  # stay well longer
    np.testing.assert_allclose(pp.sel(untargeted).sum(), pb.sel(untargeted).sum(), rtol=1e-3)
    assert (
        total(prev.sel(last), "emergency_admissions")[0]
        < total(base.sel(last), "emergency_admissions")[0]
    )


def test_annual_contracting_loses_what_a_multi_year_agreement_keeps():
    """The slow-payback investment is withdrawn after its first year under annual
    contracting (its places and benefits go); the five-year agreement keeps it for the term.
    """
    base = run("baseline", 7)
    annual = run("annual_contracting", 7)
    multi = run("multiyear_payments", 7)
    assert annual["last_year_paid:community_services"].values.tolist() == [2.0]
    assert multi["last_year_paid:community_services"].values.tolist() == [6.0]
    np.testing.assert_allclose(annual["investment_total"].isel(draw=0)[2:], 0.0)
    np.testing.assert_allclose(multi["investment_total"].isel(draw=0)[2:6], 10e6)
    y5 = {"time": annual["time"][4]}  # 2029/30, the fifth year
    ucr = {"service": "ucr"}
    assert float(annual["capacity"].sel(y5).sel(ucr)[0]) == pytest.approx(
        float(base["capacity"].sel(y5).sel(ucr)[0])
    )
    a, m, b = (total(d.sel(y5), "emergency_admissions")[0] for d in (annual, multi, base))
    assert m < a - 500
    assert abs(a - b) < 0.002 * b  # benefits lost: back to the plan


def test_effect_sizes_have_their_own_streams_so_adding_an_effect_changes_no_other():
    """Common random numbers: homefirst's effects draw the same sizes alone or combined."""
    from sim.jobs.load import load_config
    from sim.jobs.simulate import draw_places
    from sim.scenarios.effects import lever_paths

    sizes = {}
    for name in ("homefirst", "combined"):
        cfg = load_config([f"scenario={name}", "run.draws=6"])
        places = [cfg.place] * 6
        sizes[name] = lever_paths(cfg.scenario, places, 800, 1.0, cfg.run.start_date, 7).sizes
    for effect, values in sizes["homefirst"].items():
        np.testing.assert_array_equal(values, sizes["combined"][effect])
        assert len(set(values.round(12))) == 6  # really drawn, one stratum each
    assert draw_places  # the runner builds one place per draw the same way


@pytest.mark.parametrize("scenario", [s for s in options("scenario") if s != "baseline"])
def test_every_scenario_runs_from_the_command_line(tmp_path, scenario):
    code = main(
        [
            f"scenario={scenario}",
            "run.horizon_years=2",
            "run.charts=false",
            "run.draws=1",
            f"run.output_dir={tmp_path}",
            "run.name=t",
        ]
    )
    assert code == 0
    ds = sim.load(tmp_path / "t" / "results.nc")
    assert list(ds["option"].values) == ["baseline", "baseline_do_nothing", scenario]
    assert "system_net_cost" in ds and "lever_value" in ds
    appraisal = sim.load(tmp_path / "t" / "appraisal.nc")
    assert list(appraisal["option"].values) == [scenario]


def test_the_list_of_scenarios_is_one_command_away(capsys):
    assert main(["--scenarios"]) == 0
    listing = capsys.readouterr().out
    for name in options("scenario"):
        assert name in listing
    assert "Leeds HomeFirst" in listing


def test_the_combined_option_does_more_than_either_shift_alone(base3):
    hf, ci = year_of(run("homefirst", 3), YEAR3), year_of(run("community_investment", 3), YEAR3)
    both = year_of(run("combined", 3), YEAR3)
    adm = [total(d, "emergency_admissions")[0] for d in (both, hf, ci)]
    assert adm[0] < min(adm[1:])
    assert total(both, "conveyances")[0] < total(hf, "conveyances")[0]
    assert total(both, "nctr")[0] < total(ci, "nctr")[0]


BAD = [
    (["scenario=nope"], "scenario=nope: no such scenario; available: annual_contracting"),
    (
        ["scenario=homefirst", "scenario.effects.reassess_at_home.size.low=0.5"],
        "scenario.effects.reassess_at_home.size: low 0.5 / central 0.02 / high 0.05; must be "
        "low <= central <= high",
    ),
    (
        ["scenario=community_investment",
         "scenario.investments.community_services.gbp_per_year.low=-1"],
        "scenario.investments.community_services.gbp_per_year.low = -1.0: must be a finite "
        "number >= 0",
    ),
    (
        ["scenario=multiyear_payments", "scenario.contracts.system_risk_share.shares.icb=0.6"],
        "scenario.contracts.system_risk_share.shares = {'icb': 0.6, 'acute': 0.3, "
        "'community': 0.2}: shares sum to 1.1; must sum to 1",
    ),
    (
        ["scenario=homefirst", "scenario.effects.assessment_at_home.lever=acute.speed"],
        "scenario.effects.assessment_at_home.lever = 'acute.speed': allowed acute.beds",
    ),
    (
        ["scenario=homefirst", "scenario.effects.assessment_at_home.unit=places"],
        "scenario.effects.assessment_at_home.unit = 'places': allowed relative, days (lever "
        "acute.p1_wait)",
    ),
    (
        ["scenario=prevention", "scenario.effects.slower_progression.quintiles=[q9]"],
        "scenario.effects.slower_progression.quintiles: 'q9' unknown",
    ),
    (
        ["scenario=annual_contracting", "scenario.contracting.mode=quarterly"],
        "scenario.contracting.mode = 'quarterly': allowed none, annual, multi_year",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("overrides", "expected"), BAD)
def test_bad_scenario_input_is_refused_naming_the_key(overrides, expected):
    from sim.config.errors import ConfigError
    from sim.jobs.load import load_config

    with pytest.raises(ConfigError) as err:
        load_config(overrides)
    assert expected in str(err.value)
    assert "\n" not in str(err.value)
