"""The configuration schema: typed dataclasses that Hydra checks every YAML file against.

Three groups: ``place`` (who lives there and what services they have), ``scenario`` (changes
to the place; only ``baseline`` for now) and ``run`` (horizon, step, dates, seed, draws).
Units are in the field names (``_per_head_year``, ``_days``, ``_per_1000_year``); every default
value lives in a YAML file under ``configs/`` with its EVIDENCE.md row or the word
``assumption`` and a reason beside it. Nodes are not frozen: Hydra overrides must write them.

Per-age-band and per-segment lists follow the order of ``population.age_bands`` and
``population.segments``; per-quintile lists run from quintile 1 (most deprived) to 5.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from omegaconf import MISSING


@dataclass
class Uncertain:
    """A parameter known only within a range: ``central`` is used unless draws sample it."""

    central: float = MISSING
    low: float = MISSING
    high: float = MISSING
    source: str = MISSING


@dataclass
class RelativeUse:
    """Relative rates by age band and by need segment (multiplied; rescaled to the mean)."""

    age: list[float] = MISSING
    segment: list[float] = MISSING


@dataclass
class PopulationCfg:
    """Residents of the place, their cohorts and demography."""

    size: float = MISSING
    age_bands: list[str] = MISSING
    age_band_years: list[float] = MISSING  # width of each band; 0 for the last (open) band
    # share of each band's people in its oldest single year of age (they leave the band
    # within a year); empty: 1 / width (people spread evenly over the band's years)
    top_year_share: list[float] = field(default_factory=list)
    hospice_share_of_home_deaths: float = 0.0  # of deaths outside hospital and care homes
    age_shares: list[float] = MISSING
    segments: list[str] = MISSING
    segment_shares: dict[str, list[float]] = MISSING  # age band -> shares of segments
    quintile_shares: list[float] = MISSING
    need_by_quintile: list[float] = MISSING  # multiplier on progression and on service use
    births_per_1000_year: float = MISSING
    net_migration_per_1000_year: float = MISSING
    deaths_per_1000_year: dict[str, list[float]] = MISSING  # age band -> by segment
    progression_per_1000_year: dict[str, list[float]] = MISSING  # age band -> next segment


@dataclass
class PrimaryCareCfg:
    """General practice appointments; demand beyond capacity is displaced."""

    appointments_per_head_year: float = MISSING
    demand_over_capacity: float = MISSING
    unmet_to_111_share: float = MISSING
    relative_use: RelativeUse = MISSING


@dataclass
class Nhs111Cfg:
    """NHS 111 calls and where they send people."""

    calls_per_head_year: float = MISSING
    to_ambulance: float = MISSING
    to_ed: float = MISSING
    to_home: float = MISSING


@dataclass
class AmbulanceCfg:
    """999 incidents, their outcomes and handover delays at ED."""

    incidents_per_head_year: float = MISSING
    hear_and_treat: float = MISSING
    see_and_treat: float = MISSING
    see_and_treat_to_ucr: float = MISSING
    see_and_convey: float = MISSING
    ucr_suitable_share: float = 0.0  # of incidents: conveyed, but suitable for UCR with room
    relative_use: RelativeUse = MISSING
    handover_bed_pressure: list[float] = MISSING  # (acute patients + boarders) / beds
    handover_minutes_lost: list[float] = MISSING  # minutes beyond 15 per conveyance


@dataclass
class EdCfg:
    """Emergency department attendances and admissions."""

    attendances_per_head_year: float = MISSING
    type1_share: float = MISSING
    type1_admitted_share: float = MISSING
    direct_admissions_per_head_year: float = MISSING
    relative_use: RelativeUse = MISSING
    relative_admission: RelativeUse = MISSING


@dataclass
class AcuteCfg:
    """General and acute beds, lengths of stay and discharge pathways."""

    beds: float = MISSING
    zero_los_share: float = MISSING
    los_days: list[float] = MISSING  # clinical stay by age band (not counting delays)
    los_segment_ratio: list[float] = MISSING
    max_stages: int = 3
    death_share: list[float] = MISSING  # by age band, of stays
    pathway_shares: dict[str, list[float]] = MISSING  # age band -> P0, P1, P2, P3
    pathway_wait_days: list[float] = MISSING  # P1, P2, P3: assessment and sourcing
    decondition_per_day: list[float] = MISSING  # awaiting P1 -> P2, awaiting P2 -> P3
    weekend_pathway_factor: float = MISSING
    waiting_deaths_per_1000_day: float = MISSING
    pressure_bed_pressure: list[float] = MISSING  # (acute patients + boarders) / beds
    pressure_discharge_speed: list[float] = MISSING  # multiplier on the speed of stays
    boarding_discharge_per_day: float = MISSING  # boarders sent home from ED, per day
    # crowding below full (sim/place/crowding.py): decided admissions find no bed on the day
    # when the day's G&A occupancy plus a normal variation (sd crowding_spread) exceeds
    # crowding_full_occupancy; spread 0 means boarding only when beds are truly full
    crowding_full_occupancy: float = 1.0
    crowding_spread: float = 0.0


@dataclass
class ServiceCfg:
    """A community service: capacity, mean length of episode and where people go after."""

    capacity: float = MISSING
    mean_days: float = MISSING
    stages: int = 1
    to_home: float = MISSING
    to_hospital: float = MISSING
    to_care_home: float = 0.0
    died: float = 0.0


@dataclass
class VirtualWardCfg(ServiceCfg):
    """Hospital at home: step-up instead of admission, step-down to leave hospital early."""

    step_up_share: float = MISSING  # of decided admissions of eligible cohorts
    step_up_segments: list[str] = MISSING
    step_down_per_day: float = MISSING  # of patients in the last stage of an acute stay


@dataclass
class DistrictNursingCfg(ServiceCfg):
    """District nursing caseload of housebound people with complex needs or frailty.

    Emergency use while on the caseload is the ``to_hospital`` share of its episodes.
    """

    referrals_per_1000_year: float = MISSING
    segments: list[str] = MISSING


@dataclass
class CareHomeCfg:
    """Long-term care homes (P3 and direct admissions from the community)."""

    beds: float = MISSING
    residents: float = MISSING
    community_admissions_per_1000_year: float = MISSING  # of frail people at home
    deaths_per_1000_year: float = MISSING
    # Residents' urgent care (residents of the age bands below; 0: none). The national
    # per-head rates of the front doors include these, so people at home make the rest.
    urgent_care_age_bands: list[str] = field(default_factory=list)
    ambulance_incidents_per_resident_year: float = 0.0
    conveyed_share: float = 0.0  # of residents' 999 incidents, conveyed to type 1 ED
    ed_attendances_per_resident_year: float = 0.0  # type 1, every route (incl. conveyed)
    emergency_admissions_per_resident_year: float = 0.0  # all through ED
    # The market: self-funded share of residents (the rest council- or NHS-funded), and
    # places that follow occupancy toward a target with a lag (0 days: fixed places).
    self_funded_share: float = 0.0
    target_occupancy: float = 1.0
    capacity_lag_days: float = 0.0


@dataclass
class FollowUpCfg:
    """The weeks after discharge home: readmissions, deaths, moves to care homes."""

    days: float = MISSING
    stages: int = 3
    readmissions_per_1000_day: float = MISSING
    deaths_per_1000_day: float = MISSING


@dataclass
class SeasonalityCfg:
    """Winter pressure on emergency demand: ``1 + amplitude * cos(2 pi (day - peak) / 365)``."""

    winter_amplitude: float = MISSING
    peak_day_of_year: int = MISSING


@dataclass
class PlanServiceCfg:
    """One service's capacity path in the plan: a growth rate or a table by financial year.

    Exactly one of ``growth_per_year`` (a fraction a year, compounding from the first
    financial year of the run, whose capacity is the place's configured one) or ``table``
    (financial year label such as ``"2026/27"`` -> capacity in the service's units, every
    year after the first through the run's last) is given; ``source`` names its EVIDENCE row
    or says ``assumption`` with the reason. See :mod:`sim.place.capacity_plan`.
    """

    growth_per_year: float | None = None
    table: dict[str, float] | None = None
    source: str = MISSING


@dataclass
class PlanCfg:
    """The business-as-usual capacity plan; ``case: do_nothing`` holds capacity as today."""

    case: str = "bau"  # bau | do_nothing
    services: dict[str, PlanServiceCfg] = field(default_factory=dict)


@dataclass
class PlaceCfg:
    """A place: its people and its health and care services."""

    name: str = MISSING
    description: str = ""
    population: PopulationCfg = MISSING
    primary_care: PrimaryCareCfg = MISSING
    nhs111: Nhs111Cfg = MISSING
    ambulance: AmbulanceCfg = MISSING
    ed: EdCfg = MISSING
    acute: AcuteCfg = MISSING
    ucr: ServiceCfg = MISSING
    reablement: ServiceCfg = MISSING
    ic_beds: ServiceCfg = MISSING
    virtual_ward: VirtualWardCfg = MISSING
    district_nursing: DistrictNursingCfg = MISSING
    care_home: CareHomeCfg = MISSING
    follow_up: FollowUpCfg = MISSING
    seasonality: SeasonalityCfg = MISSING
    plan: PlanCfg = field(default_factory=PlanCfg)  # capacity by financial year
    uncertain: dict[str, Uncertain] = field(default_factory=dict)  # dotted key -> range
    data_pack: str = ""  # a pack of local tables (sim.place.data; docs/your_place.md)
    ensemble: str = ""  # calibrated draws: ensemble.csv of python -m sim.calibrate


@dataclass
class EffectCfg:
    """One effect of a care shift: a lever moved by ``size`` (in ``unit``), phased in.

    The change begins on ``start``, shows after ``lag_years`` and reaches its full size
    ``ramp_years`` later (linearly). ``ages``, ``segments`` and ``quintiles`` target the
    cohorts of a targeted lever (empty = all). See :data:`sim.place.levers.LEVERS`.
    """

    lever: str = MISSING
    size: Uncertain = MISSING
    unit: str = "relative"
    start: str = "2026-04-01"
    lag_years: float = 0.0
    ramp_years: float = 0.0
    ages: list[str] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    quintiles: list[str] = field(default_factory=list)


@dataclass
class ContractingCfg:
    """How the commissioner decides each year whether an investment carries on.

    ``none``: it runs as planned. ``annual``: each year is a new contract, renewed only if
    the commissioner's in-year saving paid for that year's investment. ``multi_year``:
    committed for ``term_years`` with the gains and losses shared (finance contracts).
    """

    mode: str = "none"
    term_years: int = 5


@dataclass
class ScenarioCfg:
    """A care shift: documented, time-phased changes to the place (effects and investments)."""

    name: str = MISSING
    description: str = MISSING
    mechanism: str = ""
    evidence: list[str] = field(default_factory=list)
    effects: dict[str, EffectCfg] = field(default_factory=dict)
    investments: dict[str, InvestmentCfg] = field(default_factory=dict)
    contracts: dict[str, ContractCfg] = field(default_factory=dict)  # added to finance.contracts
    contracting: ContractingCfg = field(default_factory=ContractingCfg)


@dataclass
class DurationCfg:
    """A sampled duration of the patient-level engine: distribution, mean and spread.

    The unit is in the name of the key that holds it (``_minutes``, ``_hours``).
    """

    distribution: str = "lognormal"  # lognormal | gamma | exponential | fixed
    mean: float = 1.0
    cv: float = 1.0  # coefficient of variation (lognormal, gamma)


@dataclass
class PatientEngineCfg:
    """The patient-level (discrete-event) engine: replications, profiles, crews, cubicles.

    Defaults are stated, with their sources, in ``configs/run/default.yaml``.
    """

    replications: int = 1
    workers: int = 1  # processes running replications; results do not depend on it
    los_distribution: str = "erlang"  # erlang | gamma | lognormal | exponential | fixed
    los_cv: float = 0.8  # gamma and lognormal stays
    service_distribution: str = "erlang"  # community episodes: erlang | exponential | fixed
    ed_hourly_profile: list[float] = field(default_factory=lambda: [1.0] * 24)
    ambulance_hourly_profile: list[float] = field(default_factory=lambda: [1.0] * 24)
    weekday_profile: list[float] = field(default_factory=lambda: [1.0] * 7)  # Mon..Sun
    ambulance_crews: int = 40
    on_scene_minutes: DurationCfg = field(default_factory=lambda: DurationCfg(mean=60.0, cv=0.5))
    to_hospital_minutes: DurationCfg = field(default_factory=lambda: DurationCfg(mean=25.0, cv=0.5))
    handover_minutes: float = 15.0  # the standard; delays beyond it follow place.ambulance
    handover_delay_distribution: str = "exponential"  # exponential | fixed, mean from place
    turnaround_minutes: DurationCfg = field(default_factory=lambda: DurationCfg(mean=15.0, cv=0.5))
    ed_cubicles: int = 180
    ed_overflow: str = "queue"  # queue (wait for a cubicle) | corridor (seen at once)
    ed_discharged_hours: DurationCfg = field(default_factory=lambda: DurationCfg(mean=3.0, cv=0.7))
    ed_decision_hours: DurationCfg = field(default_factory=lambda: DurationCfg(mean=5.0, cv=0.6))
    escalation_beds: int = 0  # extra acute beds open in winter
    escalation_from: str = "12-01"  # MM-DD, first day open
    escalation_to: str = "03-31"  # MM-DD, last day open
    warm_start: str = "stockflow"  # stockflow | path to a snapshot CSV (service,cohort,patients)
    event_log: str | None = None  # path of a per-episode log (.csv.gz); none when empty
    event_log_format: str = "episodes"  # episodes (a row per episode) | process_mining


@dataclass
class RunCfg:
    """How to run: engine, horizon, step, start date, seed and parameter draws."""

    engine: str = "stockflow"
    horizon_years: float = 10.0
    step_days: float = 1.0
    start_date: str = "2025-04-01"
    record_every_days: int = 7
    seed: int = 20251123
    draws: int = 1
    name: str | None = None  # results/<name>; a timestamp when empty
    output_dir: str = "results"
    charts: bool = True
    patient: PatientEngineCfg = field(default_factory=PatientEngineCfg)


# -- finance: the money (sim/finance/; defaults and sources in configs/finance/default.yaml) --
@dataclass
class IndexCfg:
    """Cost uplift index: growth of NHS pay and prices into each financial year."""

    growth: dict[str, float] = MISSING  # "2017/18": 0.025 = 2.5% above 2016/17 prices
    source: str = MISSING


@dataclass
class UnitCostCfg:
    """A unit cost: GBP at its own price year, or ``times`` another unit cost (``of``)."""

    unit: str = MISSING  # what one unit is, e.g. "admission", "bed day", "hour"
    gbp: float | None = None
    price_year: str | None = None  # e.g. "2016/17"; uplifted to finance.price_year
    of: str | None = None
    times: float = 1.0
    low: float | None = None  # range at the same price year, drawn when run.draws > 1
    high: float | None = None
    source: str = MISSING


@dataclass
class CostLineCfg:
    """A provider cost: a results driver x a unit cost, split fixed / semi-fixed / variable."""

    provider: str = MISSING
    driver: str = MISSING  # results variable, e.g. emergency_admissions, occupied.acute_beds
    unit_cost: str = MISSING
    share: float = 1.0  # of the driver this provider pays for
    fixed_share: float = 0.0  # per available place (occupied.* drivers) or planned activity
    semi_fixed_share: float = 0.0  # per step of `step` driver units (level drivers only)
    step: float = 1.0  # e.g. a ward of 28 beds
    decommission_lag_years: int | None = None  # fixed base follows falls vs plan after a lag
    source: str = MISSING


@dataclass
class OutcomeCfg:
    """The outcomes element of a blended payment: a pool earned by a change in a metric."""

    metric: str = MISSING  # a results driver, e.g. emergency_admissions
    target_change: float = MISSING  # vs plan: -0.05 = 5% fewer earns the whole pool
    pool_share: float = MISSING  # of the planned value of the contract


@dataclass
class ContractCfg:
    """A payment mechanism between a payer and a provider (see docs/money.md)."""

    payer: str = MISSING
    mechanism: str = MISSING  # block | activity | api | blended | capitation | risk_share
    provider: str = ""  # not used by risk_share (its parties are `shares`)
    prices: dict[str, str] = field(default_factory=dict)  # driver -> unit cost
    price_scale: float = 1.0  # share of the priced value this contract pays
    amount_gbp: float | None = None  # block/api: GBP a year; capitation: per person-year
    amount_price_year: str | None = None  # price year of amount_gbp (default: price_year)
    growth_per_year: float = 0.0  # real growth of amount_gbp from the first year
    variable_rate: float = 0.0  # api, blended: share of unit prices paid on deviation
    outcome: OutcomeCfg | None = None  # blended
    cohort_age_bands: list[str] = field(default_factory=list)  # capitation; empty = all
    cohort_segments: list[str] = field(default_factory=list)  # capitation; empty = all
    shares: dict[str, float] = field(default_factory=dict)  # risk_share: org -> share
    start_year: int = 1  # first financial year of the run in force (1 = the first)
    years: int | None = None  # years in force; none = to the end
    source: str = MISSING


@dataclass
class InvestmentCfg:
    """An investment line: GBP a year from a payer to a provider, with a ramp-up."""

    payer: str = MISSING
    provider: str = MISSING
    # at the finance price year, once fully ramped up; not used by cost = line
    gbp_per_year: Uncertain = field(
        default_factory=lambda: Uncertain(central=0.0, low=0.0, high=0.0, source="")
    )
    start_year: int = 1  # 1 = the first financial year of the run
    ramp_up_years: int = 0  # linear ramp: 1/n, 2/n, ... of the amount
    end_year: int | None = None  # last year paid; none = to the end
    # capacity: what it buys is costed by the cost lines | amount: spent as received |
    # line: pays the rise in cost line `cost_line` against plan (capacity added by effects)
    cost: str = "capacity"
    cost_line: str | None = None  # cost = line: a key of finance.costs
    kind: str = "running"  # running (service costs) | implementation (one-off set-up)
    source: str = ""  # why the line exists (cost = line); amounts cite gbp_per_year.source
    # scenario investments: capacity lever -> share of the money it buys (places at the unit
    # cost of a place-day of that service; see sim/scenarios/investments.py)
    buys: dict[str, float] = field(default_factory=dict)


@dataclass
class FinanceCfg:
    """The money: unit costs, provider cost lines, contracts and investments."""

    price_year: str = MISSING  # every GBP output is at this price year, e.g. "2024/25"
    index: IndexCfg = MISSING
    unit_costs: dict[str, UnitCostCfg] = MISSING
    costs: dict[str, CostLineCfg] = MISSING
    contracts: dict[str, ContractCfg] = MISSING
    investments: dict[str, InvestmentCfg] = field(default_factory=dict)
    memo: dict[str, str] = field(default_factory=dict)  # driver -> unit cost, not in costs
    sample_unit_costs: bool = True  # draw unit costs within low-high when run.draws > 1


# -- appraisal: options against baseline (sim/appraisal/; configs/appraisal/default.yaml) ----
@dataclass
class HealthValueCfg:
    """Money value of health gained, a benefit in the economic view when enabled."""

    enabled: bool = True
    value_per_qaly_gbp: float = MISSING
    discount_rate: float = MISSING  # health is discounted at its own rate
    qaly_per_admission_avoided: float = MISSING
    qaly_per_long_term_care_avoided: float = MISSING
    qaly_per_life_year: float = MISSING  # quality weight of a year of life gained (mortality)
    source: str = MISSING


@dataclass
class OptimismBiasCfg:
    """Green Book optimism bias: costs x (1 + costs), benefits / (1 + benefits)."""

    enabled: bool = True
    costs: float = MISSING  # 0.41 = 41% (0 to 2)
    benefits: float = MISSING
    source: str = MISSING


@dataclass
class EconomicCfg:
    """Rates of the economic view: resources valued at cost, whether or not cash is released."""

    bed_day_gbp: float = MISSING  # resource cost of an acute bed day, excluding treatment
    bed_day_price_year: str = MISSING
    uplift: dict[str, float] = MISSING  # cost inflation into each financial year (NHSCII)
    opportunity_share: float = MISSING  # of a freed bed day's cost that is an opportunity value
    boarding_day_share: float = MISSING  # of a bed day's resource cost, per boarding patient-day
    handover_hour_unit_cost: str = MISSING  # a finance unit cost (crew hour)
    source: str = MISSING


@dataclass
class AppraisalCfg:
    """The options appraisal the main job runs: each option against the baseline."""

    options: list[str] = MISSING  # scenario names; the scenario you name replaces them
    horizon_years: float | None = None  # years appraised from the start; none = the whole run
    discount_rate: float = MISSING  # real, a year (Green Book)
    discount_source: str = MISSING
    health: HealthValueCfg = field(default_factory=HealthValueCfg)
    optimism_bias: OptimismBiasCfg = field(default_factory=OptimismBiasCfg)
    economic: EconomicCfg = field(default_factory=EconomicCfg)


# -- sweeps: many variants, uncertainty and sensitivity (sim/sweep/; configs/sweep/) --
@dataclass
class SweepParamCfg:
    """One swept key: listed ``values`` (grid, or choices), or a ``low``-``high`` range.

    Ranges are sampled uniformly, or triangular through ``central`` when it is given; a
    grid over a range takes ``levels`` evenly spaced values. Group keys (``scenario``,
    ``place``) take ``values`` only (option names).
    """

    values: list[Any] = field(default_factory=list)
    low: float | None = None
    high: float | None = None
    central: float | None = None
    levels: int = 0  # grid over a range: number of evenly spaced values
    integer: bool = False  # round sampled values (e.g. beds)


@dataclass
class SweepCfg:
    """A sweep: a design over config keys, run in batches, streamed to disk in chunks.

    ``method``: none | grid | random | lhs (Latin hypercube) | sobol | morris (SALib designs
    for global sensitivity). ``executor``: sequential | processes | dask (``scheduler`` is
    the address of a running Dask scheduler, e.g. ``tcp://10.0.0.5:8786``).
    """

    method: str = "none"
    params: dict[str, SweepParamCfg] = field(default_factory=dict)
    samples: int = 0  # random/lhs: variants; sobol: base samples N; morris: trajectories
    seed: int = 1
    draws: int = 0  # parameter draws per variant (run.draws); 0 = keep run.draws
    name: str | None = None  # results/sweeps/<name>/; required to resume
    output_dir: str = "results/sweeps"
    chunk_size: int = 100  # variants per chunk file (and per compiled call)
    record_every_days: int = 365  # recording period of sweep outputs (days)
    outputs: list[str] = field(default_factory=list)  # result variables kept; empty = all
    sum_dims: list[str] = field(default_factory=list)  # dimensions summed away per variant
    metrics: list[str] = field(default_factory=list)  # sobol/morris outputs, e.g. nctr
    levers: list[str] = field(default_factory=list)  # swept keys that are policy choices (the
    # scenario always is); every other swept key is an uncertainty. Money and appraisal
    # outputs (npv, bcr ...) compare each variant with its baseline: same uncertain values,
    # levers as in the base configuration
    executor: str = "processes"
    workers: int = 2
    threads_per_worker: int = 1  # Numba threads in each worker process
    scheduler: str | None = None
    progress: bool = True


@dataclass
class Config:
    """The whole configuration, as composed from ``configs/config.yaml``."""

    defaults: list[Any] = field(
        default_factory=lambda: [
            "_self_",
            {"place": "synthetic_800k"},
            {"scenario": "baseline"},
            {"run": "default"},
            {"finance": "default"},
            {"appraisal": "default"},
        ]
    )
    place: PlaceCfg = MISSING
    scenario: ScenarioCfg = MISSING
    run: RunCfg = MISSING
    finance: FinanceCfg = MISSING
    sweep: SweepCfg = field(default_factory=SweepCfg)
    appraisal: AppraisalCfg = MISSING
