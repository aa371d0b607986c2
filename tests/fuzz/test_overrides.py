"""Fuzz: bad command-line overrides across every config group, refused in one line before any
work, writing nothing (see :mod:`tests.fuzz.helpers`).

Cases refused before Hydra composes (syntax, names, resolvers, ``+`` and ``hydra.*`` keys) take
milliseconds; the rest compose the configuration first (about a second each).
"""

from __future__ import annotations

import pytest

from .helpers import Refuser

# (argv, texts the error line must contain)
SYNTAX = [
    (["=5"], "'=5'", "key=value"),
    (["="], "'='", "key=value"),
    (["=run.draws"], "no key"),
    (["draws"], "'draws'", "key=value"),
    (["run.draws"], "'run.draws'", "key=value"),
    (["-x"], "-x"),
    (["--bogus"], "--bogus"),
    (["run.draws=5", "--nope"], "--nope"),
    (["run.name=é"], "run.name", "quoted"),
    (["place.name=Zürich"], "place.name", "quoted"),
    (["run.name=a b"], "run.name = 'a b'", "allowed"),
    (["run.draws=[1"], "run.draws", "cannot parse"),
    (["run.draws={a:"], "run.draws", "cannot parse"),
    (["run..draws=1"], "run..draws"),
    (["run.draws=" + "9" * 20_000], "20010 characters", "allowed up to"),
    (["+foo=bar"], "+foo", "unknown configuration key"),
    (["++foo=bar"], "++foo", "unknown configuration key"),
    (["+place.foo=1"], "+place.foo", "unknown configuration key"),
    (["+run.patient.bogus=1"], "+run.patient.bogus", "unknown configuration key"),
    (["+finance.index.bogus=1"], "+finance.index.bogus", "unknown"),
    (["+appraisal.nope=1"], "+appraisal.nope", "unknown"),
    (["+sweep.nope=1"], "+sweep.nope", "unknown"),
    (["hydra.verbose=true"], "hydra.verbose", "not used"),
    (["hydra.run.dir=/tmp/x"], "hydra.run.dir", "not used"),
    (["hydra.job.chdir=true"], "hydra.job.chdir", "not used"),
    (["hydra/launcher=basic"], "hydra/launcher", "not used"),
    (["+hydra.foo=1"], "hydra.foo", "not used"),
    (["run.name=${oc.env:HOME}"], "run.name", "resolvers"),
    (["run.output_dir=${oc.env:HOME}"], "run.output_dir", "resolvers"),
    (["place.acute.beds=${oc.env:BEDS,1400}"], "place.acute.beds", "resolvers"),
    (["run.seed=${now:%s}"], "run.seed", "resolvers"),
    (["run.name=${oc.decode:'a'}"], "run.name", "resolvers"),
    (["run.name=${foo:bar}"], "run.name", "resolvers"),
    (["run.name=x${oc.env:USER}"], "run.name", "resolvers"),
    (
        ["place.acute.pathway_shares.80plus=[0.5,0.5]"],
        "place.acute.pathway_shares.80+",
        "needs one per pathway",
    ),
    (["place.acute.pathway_shares.90plus=[0.5,0.5,0,0]"], "90+", "allowed here"),
    (["+place.acute.pathway_shares.80+=[1,0,0,0]"], "takes key=value"),
]

NAMES = [
    (["run.name=../../X"], "run.name", "'../../X'", "allowed"),
    (["run.name=/tmp/abs"], "run.name", "'/tmp/abs'"),
    (["run.name=a/../../../X"], "run.name"),
    (["run.name=a/b"], "run.name", "'a/b'"),
    (["run.name=.hidden"], "run.name", "'.hidden'"),
    (["run.name=..."], "run.name"),
    (["run.name=a..b"], "run.name"),
    (["run.name=-dash"], "run.name", "'-dash'"),
    (["run.name='é'"], "run.name", "'é'"),
    (["run.name='a b'"], "run.name", "'a b'"),
    (["run.name=" + "a" * 65], "run.name", "1-64"),
    (["run.name='a;rm -rf'"], "run.name"),
    (["run.name=a*"], "run.name"),
    (["run.name='C:\\\\x'"], "run.name"),
    (["run.output_dir="], "run.output_dir", "not the current folder"),
    (["run.output_dir=''"], "run.output_dir", "not the current folder"),
    (["run.output_dir=."], "run.output_dir", "not the current folder"),
    (["run.output_dir=' '"], "run.output_dir"),
    (["run.output_dir=../out"], "run.output_dir", "'..'"),
    (["run.output_dir=results/../.."], "run.output_dir", "'..'"),
    (["sweep.name=../x"], "sweep.name", "'../x'"),
    (["sweep.name=/abs"], "sweep.name", "'/abs'"),
    (["sweep.name=a/../../b"], "sweep.name"),
    (["sweep.output_dir="], "sweep.output_dir"),
    (["sweep.output_dir=../../x"], "sweep.output_dir", "'..'"),
]

RUN = [
    (["run.horizon_years=0"], "run.horizon_years = 0.0", "must be > 0"),
    (["run.horizon_years=-1"], "run.horizon_years = -1.0"),
    (["run.horizon_years=1000"], "run.horizon_years = 1000.0", "<= 100"),
    (["run.horizon_years=nan"], "run.horizon_years"),
    (["run.horizon_years=inf"], "run.horizon_years"),
    (["run.horizon_years=ten"], "run.horizon_years", "'ten'"),
    (["run.horizon_years=0.001"], "run.horizon_years", "at least one step"),
    (["run.step_days=0"], "run.step_days = 0.0"),
    (["run.step_days=-1"], "run.step_days"),
    (["run.step_days=7"], "run.step_days = 7.0", "shortest delay stage"),
    (["run.step_days=2.5"], "run.step_days = 2.5", "<= 2"),
    (["run.step_days=nan"], "run.step_days"),
    (["run.record_every_days=0"], "run.record_every_days = 0"),
    (["run.record_every_days=1.5"], "run.record_every_days", "'1.5'"),
    (["run.record_every_days=100000"], "run.record_every_days = 100000"),
    (["run.horizon_years=0.1", "run.record_every_days=40"], "run.record_every_days = 40"),
    (["run.draws=0"], "run.draws = 0", ">= 1"),
    (["run.draws=-3"], "run.draws = -3"),
    (["run.draws=1.5"], "run.draws", "'1.5'"),
    (["run.draws=1e9"], "run.draws", "'1e9'"),
    (["run.draws=1000000000"], "run.draws = 1000000000", "<= 100000"),
    (["run.draws=100001"], "run.draws = 100001"),
    (["run.draws=50000", "run.horizon_years=100"], "GiB", "allowed up to"),
    (["run.draws=20000", "run.record_every_days=1"], "GiB"),
    (["run.draws=many"], "run.draws", "'many'"),
    (["run.draws=true"], "run.draws"),
    (["run.seed=-1"], "run.seed = -1"),
    (["run.seed=99999999999999999999"], "run.seed"),
    (["run.seed=x"], "run.seed", "'x'"),
    (["run.start_date=x"], "run.start_date = 'x'", "YYYY-MM-DD"),
    (["run.start_date=2025-13-01"], "run.start_date"),
    (["run.start_date=1850-04-01"], "run.start_date = '1850-04-01'", "2013-04-01"),
    (["run.start_date=2200-04-01"], "run.start_date = '2200-04-01'", "finance.index"),
    (["run.start_date=2013-03-31"], "2012/13"),
    (["run.engine=warp"], "run.engine = 'warp'", "stockflow"),
    (["run.engine=''"], "run.engine"),
    (["run.charts=maybe"], "run.charts", "'maybe'"),
    (["run.patient.replications=0"], "run.patient.replications = 0"),
    (["run.patient.workers=0"], "run.patient.workers = 0"),
    (["run.patient.replications=-1", "run.engine=patient"], "run.patient.replications"),
    (["run.engine=patient", "run.patient.replications=1000", "run.draws=10"], "replication-years"),
    (
        ["run.engine=patient", "run.patient.los_distribution=weibull"],
        "run.patient.los_distribution",
    ),
    (["run.engine=patient", "run.patient.ed_cubicles=-1"], "run.patient.ed_cubicles"),
    (["run.engine=patient", "run.patient.weekday_profile=[1,1]"], "run.patient.weekday_profile"),
    (["run.engine=patient", "run.patient.escalation_from=13-45"], "run.patient.escalation_from"),
    (
        ["run.engine=patient", "run.patient.on_scene_minutes.mean=-1"],
        "run.patient.on_scene_minutes",
    ),
    (["run.bogus=1"], "run.bogus", "unknown configuration key"),
    (["run=nope"], "run=nope", "available"),
]

PLACE = [
    (["place=nope"], "place=nope", "available"),
    (["place.acute.bedz=1"], "place.acute.bedz", "unknown configuration key"),
    (["place.acute.beds=-5"], "place.acute.beds = -5.0"),
    (["place.acute.beds=1e12"], "place.acute.beds", "place.population.size"),
    (["place.acute.beds=nan"], "place.acute.beds"),
    (["place.acute.beds=inf"], "place.acute.beds"),
    (["place.acute.beds=lots"], "place.acute.beds", "'lots'"),
    (["place.acute.beds=[1]"], "place.acute.beds"),
    (["place.acute.beds=null"], "place.acute.beds"),
    (["place.ucr.capacity=900000"], "place.ucr.capacity"),
    (["place.reablement.capacity=-3"], "place.reablement.capacity = -3.0"),
    (["place.ic_beds.capacity=1e9"], "place.ic_beds.capacity"),
    (["place.virtual_ward.capacity=1e7"], "place.virtual_ward.capacity"),
    (["place.district_nursing.capacity=1e7"], "place.district_nursing.capacity"),
    (["place.care_home.beds=1e7"], "place.care_home.beds"),
    (["place.care_home.residents=1e5"], "place.care_home.residents"),
    (["place.population.size=0"], "place.population.size"),
    (["place.population.size=1e12"], "place.population.size", "England"),
    (["place.population.size=-1"], "place.population.size"),
    (["place.population.age_shares=[0.5,0.5]"], "place.population.age_shares"),
    (["place.population.age_shares=[0.5,0.5,0.5,0.5]"], "must sum to 1"),
    (["place.population.quintile_shares=[1,0,0,0,0.1]"], "place.population.quintile_shares"),
    (["place.population.segments=[a,b,c,d]"], "place.population.segments", "frail"),
    (["place.population.need_by_quintile=[1,1]"], "place.population.need_by_quintile"),
    (
        ["place.population.deaths_per_1000_year.80plus=[1,2]"],
        "place.population.deaths_per_1000_year.80+",
    ),
    (
        ["place.population.segment_shares.80+=[0.5,0.5,0.5,0.5]"],
        "place.population.segment_shares.80+",
    ),
    (["place.population.segment_shares.0-17=[1,0,0,0]"], "place.population.segment_shares"),
    (["place.primary_care.appointments_per_head_year=1e6"], "appointments_per_head_year"),
    (["place.primary_care.demand_over_capacity=0.5"], "demand_over_capacity"),
    (["place.primary_care.unmet_to_111_share=2"], "unmet_to_111_share"),
    (["place.primary_care.relative_use.age=[1]"], "place.primary_care.relative_use.age"),
    (["place.nhs111.to_ed=0.5"], "must sum to 1"),
    (["place.nhs111.calls_per_head_year=-0.1"], "place.nhs111.calls_per_head_year"),
    (["place.ambulance.incidents_per_head_year=400"], "incidents_per_head_year", "365"),
    (["place.ambulance.hear_and_treat=0.9"], "place.ambulance outcomes"),
    (["place.ambulance.ucr_suitable_share=0.99"], "ucr_suitable_share"),
    (["place.ambulance.handover_bed_pressure=[1,0.5]"], "place.ambulance.handover"),
    (["place.ed.type1_share=1.5"], "place.ed.type1_share"),
    (["place.ed.attendances_per_head_year=inf"], "place.ed.attendances_per_head_year"),
    (["place.ed.relative_admission.segment=[1,1]"], "place.ed.relative_admission.segment"),
    (["place.acute.los_days=[0,1,2,3]"], "place.acute.los_days"),
    (["place.acute.los_days=[1,2]"], "place.acute.los_days"),
    (["place.acute.zero_los_share=-0.1"], "place.acute.zero_los_share"),
    (["place.acute.max_stages=0"], "place.acute.max_stages"),
    (["place.acute.max_stages=2.5"], "place.acute.max_stages"),
    (["place.acute.death_share=[2,0,0,0]"], "place.acute.death_share"),
    (["place.acute.pathway_wait_days=[0.5,1,1]"], "place.acute.pathway_wait_days"),
    (["place.acute.pathway_wait_days=[1,1]"], "place.acute.pathway_wait_days"),
    (["place.acute.decondition_per_day=[0.1]"], "place.acute.decondition_per_day"),
    (["place.acute.weekend_pathway_factor=3"], "place.acute.weekend_pathway_factor"),
    (["place.acute.pressure_discharge_speed=[0,1,1]"], "place.acute.pressure"),
    (["place.ucr.mean_days=0"], "place.ucr.mean_days"),
    (["place.ucr.stages=0"], "place.ucr.stages"),
    (["place.reablement.to_home=0.1"], "place.reablement exits"),
    (["place.virtual_ward.step_up_share=1.5"], "place.virtual_ward.step_up_share"),
    (["place.virtual_ward.step_up_segments=[nobody]"], "place.virtual_ward.step_up_segments"),
    (["place.district_nursing.segments=[x]"], "place.district_nursing.segments"),
    (["place.follow_up.days=0"], "place.follow_up.days"),
    (["place.follow_up.stages=0"], "place.follow_up.stages"),
    (["place.seasonality.winter_amplitude=1.5"], "place.seasonality.winter_amplitude"),
    (["place.seasonality.peak_day_of_year=x"], "place.seasonality.peak_day_of_year"),
    (["place.uncertain.acute.nope={central:1,low:0,high:2,source:a}"], "place.uncertain"),
    (["place.uncertain.acute.beds.low=2000"], "place.uncertain.acute.beds"),
]

SCENARIO = [
    (["scenario=nope"], "scenario=nope", "available"),
    (["scenario=[homefirst,nope]"], "nope"),
    (
        ["scenario=homefirst", "scenario.effects.assessment_at_home.start=1900-01-01"],
        "scenario.effects.assessment_at_home.start = '1900-01-01'",
        "2013-04-01",
    ),
    (
        ["scenario=homefirst", "scenario.effects.assessment_at_home.start=2200-01-01"],
        "scenario.effects.assessment_at_home.start",
        "the longest run",
    ),
    (
        ["scenario=homefirst", "scenario.effects.assessment_at_home.start=soon"],
        "scenario.effects.assessment_at_home.start",
        "YYYY-MM-DD",
    ),
    (
        ["scenario=homefirst", "scenario.effects.assessment_at_home.size.low=-50"],
        "scenario.effects.assessment_at_home.size.low = -50",
        "cuts all of place.acute",
    ),
    (
        ["scenario=homefirst", "scenario.effects.shorter_short_term_bed_stays.size.low=-1000"],
        "scenario.effects.shorter_short_term_bed_stays.size.low",
    ),
    (
        ["scenario=homefirst", "scenario.effects.reablement_places.size.low=-1e9"],
        "scenario.effects.reablement_places.size.low",
    ),
    (
        ["scenario=homefirst", "scenario.effects.assessment_at_home.size.high=-10"],
        "scenario.effects.assessment_at_home.size",
        "low <= central <= high",
    ),
    (
        ["scenario=homefirst", "scenario.effects.assessment_at_home.size.central=nan"],
        "scenario.effects.assessment_at_home.size",
    ),
    (
        ["scenario=homefirst", "scenario.effects.assessment_at_home.lag_years=-1"],
        "scenario.effects.assessment_at_home.lag_years",
    ),
    (
        ["scenario=homefirst", "scenario.effects.assessment_at_home.ramp_years=1e6"],
        "scenario.effects.assessment_at_home.ramp_years",
    ),
    (
        ["scenario=homefirst", "scenario.effects.assessment_at_home.lever=nope"],
        "scenario.effects.assessment_at_home.lever = 'nope'",
    ),
    (
        ["scenario=homefirst", "scenario.effects.assessment_at_home.unit=parsecs"],
        "scenario.effects.assessment_at_home.unit",
    ),
    (
        ["scenario=homefirst", "scenario.effects.step_up_instead_of_admission.ages=[90-99]"],
        "scenario.effects.step_up_instead_of_admission.ages",
    ),
    (
        ["scenario=homefirst", "scenario.effects.assessment_at_home.ages=[80+]"],
        "scenario.effects.assessment_at_home.ages",
        "not targeted",
    ),
    (["scenario=homefirst", "scenario.effects.x.start=2026-04-01"], "scenario.effects.x"),
    (
        ["scenario=homefirst", "scenario.effects.assessment_at_home.size.source=''"],
        "scenario.effects.assessment_at_home.size.source",
    ),
    (
        ["scenario=community_investment", "scenario.contracting.mode=yearly"],
        "scenario.contracting.mode",
    ),
    (
        ["scenario=community_investment", "scenario.contracting.term_years=0"],
        "scenario.contracting.term_years",
    ),
    (["scenario=baseline", "scenario.contracting.mode=annual"], "scenario.contracting.mode"),
    (
        [
            "scenario=community_investment",
            "scenario.investments.community_services.gbp_per_year.central=-5",
        ],
        "scenario.investments.community_services",
    ),
    (
        ["scenario=community_investment", "scenario.investments.community_services.payer=bank"],
        "scenario.investments.community_services.payer",
    ),
    (
        [
            "scenario=community_investment",
            "scenario.investments.community_services.buys={ucr.scale:2}",
        ],
        "scenario.investments.community_services",
    ),
    (["scenario=homefirst", "run.engine=patient"], "run.engine = 'patient'"),
]

FINANCE = [
    (["finance=nope"], "finance=nope", "available"),
    (["finance.price_year=x"], "finance.price_year"),
    (["finance.price_year=1999/00"], "finance.price_year"),
    (["finance.unit_costs.nel_admission.gbp=-1"], "finance.unit_costs.nel_admission"),
    (["finance.unit_costs.nel_admission.gbp=nan"], "finance.unit_costs.nel_admission"),
    (["finance.unit_costs.nel_admission.price_year=1900/01"], "1900/01"),
    (["finance.unit_costs.excess_bed_day.low=1000"], "finance.unit_costs.excess_bed_day"),
    (["finance.unit_costs.admission_front_end.of=nope"], "finance.unit_costs.admission_front_end"),
    (["finance.costs.acute_beds.fixed_share=2"], "finance.costs.acute_beds.fixed_share"),
    (["finance.costs.acute_beds.provider=bank"], "finance.costs.acute_beds.provider"),
    (["finance.costs.acute_beds.driver=nope"], "finance.costs.acute_beds.driver"),
    (["finance.costs.acute_beds.unit_cost=nope"], "finance.costs.acute_beds.unit_cost"),
    (["finance.costs.acute_beds.step=0"], "finance.costs.acute_beds.step"),
    (["finance.index.growth.2017-18=0.02"], "finance.index.growth"),
    (["finance.bogus=1"], "finance.bogus", "unknown"),
]

APPRAISAL = [
    (["appraisal=nope"], "appraisal=nope", "available"),
    (["appraisal.discount_rate=-1"], "appraisal.discount_rate"),
    (["appraisal.discount_rate=nan"], "appraisal.discount_rate"),
    (["appraisal.options=[nope]"], "nope"),
    (["appraisal.horizon_years=-1"], "appraisal.horizon_years"),
    (["appraisal.horizon_years=50"], "appraisal.horizon_years"),
    (
        ["appraisal.health.enabled=true", "appraisal.health.value_per_qaly_gbp=-1"],
        "appraisal.health.value_per_qaly_gbp",
    ),
    (["appraisal.health.discount_rate=x"], "appraisal.health.discount_rate"),
    (["appraisal.options=x"], "appraisal.options"),
]

SWEEPS = [
    (["-m"], "multirun"),
    (["-m", "place.acute.beds=1300,-5"], "place.acute.beds", "multirun variant"),
    (["-m", "run.name=../a,b"], "run.name", "'../a'"),
    (["-m", "sweep.name=../x", "place.acute.beds=1300,1500"], "sweep.name"),
    (["-m", "place.acute.beds=1300,1500", "+foo=1"], "+foo"),
    (["-m", "place.acute.beds=1300,1500", "hydra.verbose=1"], "hydra.verbose"),
    (["-m", "place.acute.bedz=1,2"], "place.acute.bedz"),
    (["-m", "place.acute.beds=range(1,"], "multirun overrides"),
    (["-m", "scenario=baseline,nope"], "scenario=nope"),
    (["sweep=nope"], "sweep=nope", "available"),
    (["sweep=capacity_lhs", "sweep.name=../../x"], "sweep.name"),
    (["sweep=capacity_lhs", "sweep.name=/abs"], "sweep.name"),
    (["sweep=capacity_lhs", "sweep.output_dir="], "sweep.output_dir"),
    (["sweep=capacity_lhs", "sweep.samples=-1"], "sweep.samples"),
    (["sweep=capacity_lhs", "sweep.chunk_size=0"], "sweep.chunk_size"),
    (["sweep=capacity_lhs", "sweep.workers=0"], "sweep.workers"),
    (["sweep=capacity_lhs", "sweep.executor=gpu"], "sweep.executor"),
    (["sweep=capacity_lhs", "sweep.outputs=[nope]"], "nope"),
    (["sweep.method=bogus"], "sweep.method"),
    (["sweep=capacity_lhs", "sweep.params.place.acute.beds.low=2000"], "place.acute.beds"),
    (
        ["sweep=capacity_lhs", "++sweep.params={place.acute.bedz:{low:1,high:2}}"],
        "place.acute.bedz",
    ),
    (["sweep=capacity_lhs", "sweep.name=x", "--weird"], "--weird"),
]

ALL = [
    *(("syntax", c) for c in SYNTAX),
    *(("names", c) for c in NAMES),
    *(("run", c) for c in RUN),
    *(("place", c) for c in PLACE),
    *(("scenario", c) for c in SCENARIO),
    *(("finance", c) for c in FINANCE),
    *(("appraisal", c) for c in APPRAISAL),
    *(("sweep", c) for c in SWEEPS),
]


@pytest.fixture
def refuse(tmp_path, monkeypatch, capsys):
    return Refuser(tmp_path, monkeypatch, capsys)


@pytest.mark.parametrize(
    ("argv", "expect"),
    [(c[0], c[1:]) for _, c in ALL],
    ids=[f"{group}-{i}:{' '.join(c[0])[:50]}" for i, (group, c) in enumerate(ALL)],
)
def test_bad_override_is_refused_in_one_line_before_any_work(refuse, argv, expect):
    """Exit 2, one line naming key/value/what is allowed, no work, no file written."""
    refuse(argv, *expect)
