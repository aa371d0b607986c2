"""The place on the stock-flow engine: every cohort's journey declared as stocks and flows.

Each cohort (age band x need segment x quintile) has its own stocks, so people return to the
cohort they came from. A person is always in exactly one stock:

``home`` -> front doors (same-day hubs: ``gp``, ``nhs111``, ``amb``, ``ucr_hub``, ``ed``,
``admit``) -> ``boarding`` (decided to admit, waiting for a bed) -> ``acute`` (Erlang stay) ->
``await_p1/p2/p3`` (no criteria to reside, still in a bed) -> ``reab`` (P1), ``ic_bed`` (P2),
``care_home`` (P3), or ``follow`` (91 days after going home, with readmissions) -> ``home``.
Also ``vw`` (virtual ward, step-up from ``admit``, step-down from the last stage of ``acute``),
``ucr`` (urgent community response, from 999) and ``dn`` (district nursing caseload).

Care-home residents (cohorts of ``care_home.urgent_care_age_bands``) have urgent care of their
own: ``care_home`` -> ``ch_amb`` (999) or ``ch_ed`` (type 1 ED by other routes) -> ``ch_admit``
-> ``ch_board`` -> ``ch_acute`` (a stay in an acute bed) -> back to ``care_home``, or death.

People at home with long-term care needs (``ltc_home``, in the same age bands): people the
model routes home instead of a care home (a move into a care home with no place free, a
resident whose place went while in hospital, a P3 candidate sent home by discharge to assess,
``acute.home_first_redirect``, through reablement ``lt_reab`` and a 91-day follow-up
``lt_follow`` of their own, at the residents' admission and death rates). They keep the residents' death
rate and urgent care (``lt_amb``, ``lt_ed``, ``lt_admit``, ``lt_board``, ``lt_acute``, back to
``ltc_home``) but hold no care-home place; they may still move into a care home at their
cohort's community rate (``care_home_from_community``).

The feedback loop at the heart of the model: pathway capacity limits how fast people leave
``await_*``; waiting there deconditions them (P1 -> P2 -> P3) and fills beds; full beds keep
decided admissions ``boarding`` in ED; bed pressure lengthens ambulance handovers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.engines.stockflow.model import Model
from sim.place import capacity_plan, crowding
from sim.place.cohorts import Place
from sim.place.levers import LEVERS, Targets, series_name
from sim.place.vocabulary import DAYS_PER_YEAR, PATHWAYS, SERVICES, WAITED_PATHWAYS
from sim.results.schema import VARIABLES

WINTER, WEEKDAY = "winter", "weekday_pathway"
AWAITS = tuple(p.lower() for p in WAITED_PATHWAYS)
"""Suffixes of the stocks waiting for each pathway in a bed (``await_p1``, ...)."""


@dataclass
class PlaceModel(Model):
    """The place's stock-flow declaration, with its stocks indexed by cohort and kind.

    ``cohort_stocks[cohort label][kind]`` lists the stock names of one kind (``home``,
    ``acute``, ``reab``, ...) in one cohort, a delay's stages in order, so code that reads
    stocks (the warm start, the patient engine's initial state) never parses names.
    """

    cohort_stocks: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)


def stage_count(mean_days: float, max_stages: int, dt_days: float) -> int:
    """Erlang stages for a stay: as many as ``max_stages`` while each lasts at least a step."""
    return int(max(1, min(max_stages, np.floor(mean_days / dt_days + 1e-9))))


def build_model(
    place: Place, dt_days: float = 1.0, levers: Mapping[str, Targets] | None = None
) -> Model:
    """Declare the place as a stock-flow :class:`Model` (structure and default parameters).

    ``levers`` names the levers (:data:`sim.place.levers.LEVERS`) a scenario moves, with the
    cohorts a targeted lever applies to. Each gets a series ``lever:<name>`` (its path, given
    at run time); a part of the place moved by a lever and also by a calendar series gets
    the product series ``<calendar>*lever:<name>``. Levers that open a new route (a share or
    rate that is zero at baseline) add their operations only when named.
    """
    m = PlaceModel(f"place:{place.cfg.name}")
    sto = declare_place(m, place, dt_days, levers)
    m.cohort_stocks = {
        c.label: {
            kind: tuple(_as_list(names[c.label])) for kind, names in sto.items() if c.label in names
        }
        for c in place.cohorts
    }
    return m


def declare_place(
    m: Model,
    place: Place,
    dt_days: float,
    levers: Mapping[str, Targets] | None = None,
    *,
    reports: bool = True,
) -> dict[str, dict[str, object]]:
    """Declare the place into ``m``; without ``reports`` (which hold no parameters) for a
    model that only records parameter values (see :mod:`sim.place.stockflow.rows`). Returns
    the stocks as ``[kind][cohort label] -> name`` (a list of stage names for a delay).
    """
    m.series(WINTER)
    m.series(WEEKDAY)
    for svc, meta in capacity_plan.SERVICES.items():  # the capacity plan, by financial year
        if meta.stockflow:
            m.series(capacity_plan.series_name(svc))
    lv = _Levers(m, dict(levers or {}))
    labels = [c.label for c in place.cohorts]
    sto = _declare_stocks(m, place, labels)
    rates = home_rates(place, dt_days)
    _declare_population(m, place, labels, sto, lv, rates)
    _declare_front_doors(m, place, labels, sto, rates)
    _declare_hospital(m, place, labels, sto, dt_days, lv)
    _declare_community(m, place, labels, sto, lv)
    _declare_admission(m, place, labels, sto, lv)
    if reports:
        _declare_reports(m, place, labels, sto)
    return sto


class _Levers:
    """The levers a scenario moves, as series names for the declarations they act on."""

    def __init__(self, m: Model, active: dict[str, Targets]) -> None:
        unknown = sorted(set(active) - set(LEVERS))
        if unknown:
            raise ValueError(f"unknown levers {unknown}; known: {sorted(LEVERS)}")
        self.m, self.active = m, active

    def __contains__(self, lever: str) -> bool:
        return lever in self.active

    def series(self, lever: str, calendar: str | None = None) -> str | None:
        """The series for a part moved by ``lever`` (and by a ``calendar`` series)."""
        if lever not in self.active:
            return calendar
        name = series_name(lever) if calendar is None else f"{calendar}*{series_name(lever)}"
        if name not in self.m.series_names:
            self.m.series(name)
        return name

    def targets(self, lever: str) -> Targets:
        return self.active.get(lever, Targets())


# -- stocks and capacities ---------------------------------------------------------------------
def _declare_stocks(m: Model, place: Place, labels: list[str]) -> dict:
    """Single stocks, as ``sto[kind][cohort] -> name``; delays add their stage lists later."""
    sto: dict[str, dict[str, object]] = {}

    def one(kind: str, **kw) -> None:
        sto[kind] = {}
        for i, lab in enumerate(labels):
            init = kw.get("initial")
            value = float(init[i]) if init is not None else 0.0
            sto[kind][lab] = m.stock(f"{kind}[{lab}]", value, same_step=kw.get("same_step", False))

    one("home", initial=place.at_home)
    one("care_home", initial=place.in_care_home)
    for hub in ("gp", "nhs111", "amb", "ucr_hub", "ed", "admit", "boarding"):
        one(hub, same_step=True)
    for p in AWAITS:
        one(f"await_{p}")
    for hub in RESIDENT_HUBS:  # care-home residents' urgent care, in their age bands only
        sto[hub] = {lab: m.stock(f"{hub}[{lab}]", same_step=True) for lab in resident_labels(place)}
    # at home with long-term care needs, in the same age bands (no care-home place)
    sto["ltc_home"] = {lab: m.stock(f"ltc_home[{lab}]") for lab in resident_labels(place)}
    for hub in LTC_HUBS:
        sto[hub] = {lab: m.stock(f"{hub}[{lab}]", same_step=True) for lab in resident_labels(place)}
    return sto


RESIDENT_HUBS = ("ch_amb", "ch_ed", "ch_admit", "ch_board", "ch_return")
"""Same-day hubs of care-home residents' urgent care: 999, type 1 ED, admission (these three
hold the resident's care-home place), boarding and the return after a stay or from ED."""
RESIDENT_KINDS = (*RESIDENT_HUBS, "ch_acute")
"""Stock kinds of care-home residents away from the home (they stay residents)."""
LTC_HUBS = ("lt_amb", "lt_ed", "lt_admit", "lt_board")
"""Same-day hubs of the urgent care of people at home with long-term care needs."""
LTC_KINDS = ("ltc_home", *LTC_HUBS, "lt_acute", "lt_reab", "lt_follow")
"""Stock kinds of people at home with long-term care needs (at home, or away from it)."""


def resident_labels(place: Place) -> list[str]:
    """Cohorts whose care-home residents make urgent-care demand (their age bands)."""
    bands = set(place.cfg.care_home.urgent_care_age_bands)
    return [c.label for c in place.cohorts if c.age in bands]


HOME_RATES = (
    "death", "progression", "ageing", "gp_demand", "nhs111", "ambulance", "walk_in",
    "direct_admission",
)  # fmt: skip
"""The per-day rates at which people leave ``home`` (competing hazards in the engine)."""


def home_rates(place: Place, dt_days: float) -> dict[str, np.ndarray]:
    """The rates of :data:`HOME_RATES` per cohort, as the engine's competing hazards.

    The place's rates are incidences: events per person-day (deaths, birthdays, GP requests,
    999 calls ...), and most people who leave ``home`` for a front door are back the same day,
    so a cohort of ``x`` at home should make ``k_i x dt`` of each per step (the patient engine
    draws them so). As competing hazards with total ``K`` over a step the cohort would lose
    only ``x (1 - exp(-K dt))``, about ``K dt / 2`` less (3-7% for the high-need cohorts, whose
    GP demand alone is 0.14 a day). Scaling each cohort's rates by
    ``-ln(1 - K dt) / (K dt)`` makes every outflow move exactly ``k_i x dt`` at the nominal
    rates (series such as winter scale around them).
    """
    rates = {k: np.asarray(place.rate[k], dtype=float) for k in HOME_RATES}
    total = sum(rates.values()) * dt_days
    if np.any(total >= 1.0):
        raise ValueError(
            f"home rates sum to {total.max():.3g} a step (dt {dt_days} days); they must stay "
            f"below 1 a step"
        )
    scale = np.where(total > 0, -np.log1p(-total) / np.where(total > 0, total, 1.0), 1.0)
    return {k: v * scale for k, v in rates.items()}


# -- population --------------------------------------------------------------------------------
def _declare_population(
    m: Model, place: Place, labels: list[str], sto: dict, lv: _Levers, rates: dict
) -> None:
    """Births, migration, deaths, ageing and progression between need segments."""
    home = sto["home"]
    ages, segs = place.labels("age"), place.labels("segment")
    births = place.births_per_day
    m.inflow(
        "births",
        {home[lab]: births[i] / births.sum() for i, lab in enumerate(labels) if births[i] > 0},
        m.param("population.births_per_day", float(births.sum()), units="people/day"),
    )
    mig = place.migration_per_day
    m.inflow(
        "net_migration",
        {home[lab]: mig[i] / mig.sum() for i, lab in enumerate(labels)},
        m.param("population.net_migration_per_day", float(mig.sum()), units="people/day"),
    )
    for i, c in enumerate(place.cohorts):
        lab = labels[i]
        m.outflow(f"death[{lab}]", home[lab], rates["death"][i], None, exit="death")
        si, ai = segs.index(c.segment), ages.index(c.age)
        if place.rate["progression"][i] > 0:
            nxt = f"{c.age}|{segs[si + 1]}|{c.quintile}"
            prog = "population.progression"
            targeted = prog in lv and lv.targets(prog).covers(c.age, c.segment, c.quintile)
            m.outflow(
                f"progression[{lab}]",
                home[lab],
                rates["progression"][i],
                home[nxt],
                series=lv.series(prog) if targeted else None,
            )
        if place.rate["ageing"][i] > 0:
            nxt = f"{ages[ai + 1]}|{c.segment}|{c.quintile}"
            m.outflow(f"ageing[{lab}]", home[lab], rates["ageing"][i], home[nxt])
    ch_death = place.cfg.care_home.deaths_per_1000_year / 1000 / DAYS_PER_YEAR
    rate = m.param("care_home.deaths_per_day", ch_death, units="1/day")
    for lab in labels:
        m.outflow(f"care_home_death[{lab}]", sto["care_home"][lab], rate, None, exit="death")
    for lab in sto["ltc_home"]:  # the residents' death rate: the selection carried home
        m.outflow(f"ltc_death[{lab}]", sto["ltc_home"][lab], rate, None, exit="death")


# -- front doors -------------------------------------------------------------------------------
def _declare_front_doors(m: Model, place: Place, labels: list[str], sto: dict, rates: dict) -> None:
    """Primary care, NHS 111, 999 and ED: where demand arrives and where it is sent."""
    cfg = place.cfg
    home, gp, n111, amb, ucr_hub, ed, admit = (
        sto[k] for k in ("home", "gp", "nhs111", "amb", "ucr_hub", "ed", "admit")
    )
    t1 = m.param("ed.walk_in_type1_share", place.front_door.walk_in_type1_share, kind="share")
    t3 = m.param("ed.walk_in_other_share", 1 - place.front_door.walk_in_type1_share, kind="share")
    for i, lab in enumerate(labels):
        m.outflow(f"gp_demand[{lab}]", home[lab], rates["gp_demand"][i], gp[lab])
        m.outflow(f"nhs111_call[{lab}]", home[lab], rates["nhs111"][i], n111[lab])
        m.outflow(f"call_999[{lab}]", home[lab], rates["ambulance"][i], amb[lab], series=WINTER)
        # Walk-ins: type 1 go to the ED hub; other types (UTC, MIU) go home the same day.
        m.outflow(
            f"walk_in[{lab}]",
            home[lab],
            rates["walk_in"][i],
            {ed[lab]: t1, home[lab]: t3},
            series=WINTER,
        )
        m.outflow(
            f"direct_admission[{lab}]",
            home[lab],
            rates["direct_admission"][i],
            admit[lab],
            series=WINTER,
        )
    gp_per_day = cfg.primary_care.appointments_per_head_year * cfg.population.size / DAYS_PER_YEAR
    m.capacity(
        "gp_appointments",
        m.param("primary_care.appointments_per_day", gp_per_day),
        per_day=True,
        series=_plan("gp_appointments"),
    )
    m.transfer("gp_appointment", "gp_appointments", [(gp[lab], home[lab]) for lab in labels])
    pc, c111, a = cfg.primary_care, cfg.nhs111, cfg.ambulance
    to111 = m.param("primary_care.unmet_to_111_share", pc.unmet_to_111_share, kind="share")
    wait = m.param("primary_care.unmet_wait_share", 1 - pc.unmet_to_111_share, kind="share")
    r111 = {
        k: m.param(f"nhs111.{k}", getattr(c111, k), kind="share")
        for k in ("to_ambulance", "to_ed", "to_home")
    }
    treat = m.param(
        "ambulance.treated_not_conveyed", a.hear_and_treat + a.see_and_treat, kind="share"
    )
    # UCR-suitable patients reach the UCR hub; those the service cannot take are conveyed.
    to_ucr = m.param(
        "ambulance.ucr_hub_share", a.see_and_treat_to_ucr + a.ucr_suitable_share, kind="share"
    )
    convey = m.param(
        "ambulance.conveyed_direct_share", a.see_and_convey - a.ucr_suitable_share, kind="share"
    )
    for lab in labels:
        m.outflow(f"gp_unmet[{lab}]", gp[lab], np.inf, {n111[lab]: to111, home[lab]: wait})
        m.outflow(
            f"nhs111_outcome[{lab}]",
            n111[lab],
            np.inf,
            {amb[lab]: r111["to_ambulance"], ed[lab]: r111["to_ed"], home[lab]: r111["to_home"]},
        )
        m.outflow(
            f"ambulance_outcome[{lab}]",
            amb[lab],
            np.inf,
            {home[lab]: treat, ucr_hub[lab]: to_ucr, ed[lab]: convey},
        )


# -- hospital ----------------------------------------------------------------------------------
def _declare_hospital(
    m: Model, place: Place, labels: list[str], sto: dict, dt: float, lv: _Levers
) -> None:
    """ED decisions, admission, boarding, the stay, discharge pathways and their waits."""
    cfg = place.cfg
    ac = cfg.acute
    ed, admit, boarding = sto["ed"], sto["admit"], sto["boarding"]
    fu = cfg.follow_up
    # Follow-up after going home (91 days): readmissions and deaths on the way.
    sto["follow"] = {}
    for lab in labels:
        sto["follow"][lab] = m.delay(
            f"follow[{lab}]", m_param(m, "follow_up.days", fu.days), fu.stages, sto["home"][lab]
        )
    readmit = m.param("follow_up.readmissions_per_day", fu.readmissions_per_1000_day / 1000)
    fu_death = m.param("follow_up.deaths_per_day", fu.deaths_per_1000_day / 1000)
    for lab in labels:
        for k, stage in enumerate(sto["follow"][lab]):
            m.outflow(f"readmission[{lab}][{k + 1}]", stage, readmit, admit[lab])
            m.outflow(f"follow_death[{lab}][{k + 1}]", stage, fu_death, None, exit="death")

    sto["acute"] = {}
    awaits = [sto[f"await_{p}"] for p in AWAITS]

    for i, lab in enumerate(labels):
        adm = place.share["type1_admitted"][i]
        m.outflow(
            f"ed_outcome[{lab}]", ed[lab], np.inf, {admit[lab]: adm, sto["home"][lab]: 1 - adm}
        )
        died = place.share["acute_death"][i]
        routes: dict = {None: died}
        for p, share in enumerate(place.pathway_shares[i]):
            dst = sto["follow"][lab][0] if p == 0 else awaits[p - 1][lab]
            routes[dst] = (1 - died) * share
        routes = {k: v for k, v in routes.items() if v > 0}
        total = sum(routes.values())
        routes = {k: v / total for k, v in routes.items()}
        sto["acute"][lab] = m.delay(
            f"acute[{lab}]",
            float(place.los_days[i]),
            stage_count(place.los_days[i], ac.max_stages, dt),
            routes,
            exit="death",
            lookup="discharge_speed",
        )
    _declare_resident_stays(m, place, sto, dt)
    _declare_resident_stays(m, place, sto, dt, pre="lt", back="ltc_home")
    beds = m.capacity(
        "acute_beds",
        m.param("acute.beds", ac.beds, units="beds"),
        stocks=[s for lab in labels for s in sto["acute"][lab]]
        + [a[lab] for a in awaits for lab in labels]
        + _all(sto["ch_acute"])
        + _all(sto["lt_acute"]),
        series=lv.series("acute.beds", _plan("acute_beds")),
    )
    # Bed pressure: acute patients (incl. those awaiting a pathway) plus ED boarders per bed.
    # It speeds discharges (a balancing loop) and lengthens ambulance handovers.
    boarders = (*boarding.values(), *sto["ch_board"].values(), *sto["lt_board"].values())
    pressure = {beds: 1.0} | {b: 1.0 for b in boarders}
    m.lookup(
        "discharge_speed",
        pressure,
        ac.pressure_bed_pressure,
        ac.pressure_discharge_speed,
        per_capacity=beds,
    )
    xs, ys = crowding.bed_found_table(ac.crowding_full_occupancy, ac.crowding_spread)
    m.lookup("bed_found", [beds], xs, ys, per_capacity=beds)  # of G&A occupancy
    m.lookup("no_bed_today", [beds], xs, [1.0 - y for y in ys], per_capacity=beds)
    xs, ys = crowding.FULL_TABLE
    m.lookup("hospital_full", pressure, xs, ys, per_capacity=beds)
    amb = cfg.ambulance
    m.lookup(
        "handover_minutes",
        pressure,
        amb.handover_bed_pressure,
        amb.handover_minutes_lost,
        per_capacity=beds,
    )
    # Virtual ward capacity exists before step-up and step-down transfers use it.
    vw = cfg.virtual_ward
    sto["vw"] = {
        lab: m.delay(
            f"vw[{lab}]",
            m_param(m, "virtual_ward.mean_days", vw.mean_days),
            vw.stages,
            _exits(m, "virtual_ward", vw, sto, lab, hospital="boarding"),
            exit="death",
        )
        for lab in labels
    }
    vw_scale = lv.series("virtual_ward.scale")
    m.capacity(
        "virtual_ward",
        m.param("virtual_ward.capacity", vw.capacity, units="places"),
        stocks=[s for lab in labels for s in sto["vw"][lab]],
        series=lv.series("virtual_ward.scale", _plan("virtual_ward")),
    )
    step_up = [
        (admit[lab], sto["vw"][lab][0], float(place.share["vw_step_up"][i]))
        for i, lab in enumerate(labels)
        if place.share["vw_step_up"][i] > 0
    ]
    # no step-up at all (share 0, or no eligible segment): one arc moving nobody, so the
    # model's structure (and the validator's domain, [0, 1]) does not depend on the value
    step_up = step_up or [(admit[labels[0]], sto["vw"][labels[0]][0], 0.0)]
    m.transfer("vw_step_up", "virtual_ward", step_up, series=vw_scale)
    m.transfer(
        "vw_step_down",
        "virtual_ward",
        [(sto["acute"][lab][-1], sto["vw"][lab][0]) for lab in labels],
        fraction_per_day=m.param(
            "virtual_ward.step_down_per_day", vw.step_down_per_day, kind="share"
        ),
        series=lv.series("virtual_ward.step_down"),
        # Decided at the midnight board round on the last stage as counted then (as the patient
        # engine's), before the day's discharges from it: a stage shorter than a day steps down.
        first=True,
    )
    # Waiting for a pathway: deaths, deconditioning, then a start when capacity allows.
    wait_death = m.param("acute.waiting_deaths_per_day", ac.waiting_deaths_per_1000_day / 1000)
    d12 = m.param("acute.decondition_p1_to_p2_per_day", ac.decondition_per_day[0])
    d23 = m.param("acute.decondition_p2_to_p3_per_day", ac.decondition_per_day[1])
    decondition = lv.series("acute.decondition")
    for lab in labels:
        for a in awaits:
            m.outflow(f"waiting_death:{a[lab]}", a[lab], wait_death, None, exit="death")
        m.outflow(f"decondition_p1[{lab}]", awaits[0][lab], d12, awaits[1][lab], series=decondition)
        m.outflow(f"decondition_p2[{lab}]", awaits[1][lab], d23, awaits[2][lab], series=decondition)
    if "acute.home_first_redirect" in lv:  # discharge to assess: reassessed for home first
        redirect = m.param("acute.home_first_redirect_per_day", 1.0, units="1/day")
        ltc = sto["ltc_home"]  # P3 candidates there: through reablement (_declare_community)
        for lab in labels:
            for a in awaits[1:] if lab not in ltc else awaits[1:2]:
                m.outflow(
                    f"home_first_redirect:{a[lab]}",
                    a[lab],
                    redirect,
                    awaits[0][lab],
                    series=lv.series("acute.home_first_redirect"),
                )


def _declare_admission(m: Model, place: Place, labels: list[str], sto: dict, lv: _Levers) -> None:
    """Decided admissions not taken by a community alternative: same-day discharge or a bed
    (waiting in ED, boarding, while none is free).

    Declared after every community alternative that draws from ``admit`` (virtual ward and,
    when a scenario opens it, home-based intermediate care step-up) so those come first.
    """
    ac = place.cfg.acute
    admit, boarding = sto["admit"], sto["boarding"]
    if "reablement.step_up" in lv:
        tg = lv.targets("reablement.step_up")
        m.transfer(
            "reablement_step_up",
            "reablement",
            [
                (admit[c.label], sto["reab"][c.label][0])
                for c in place.cohorts
                if tg.covers(c.age, c.segment, c.quintile)
            ],
            fraction_per_day=m.param("reablement.step_up_share", 1.0, kind="share"),
            series=lv.series("reablement.step_up"),
        )
    zero = m.param("acute.zero_los_share", ac.zero_los_share, kind="share")
    stay = m.param("acute.overnight_share", 1 - ac.zero_los_share, kind="share")
    for lab in labels:
        m.outflow(
            f"admission_route[{lab}]",
            admit[lab],
            np.inf,
            {sto["follow"][lab][0]: zero, boarding[lab]: stay},
        )
    _declare_resident_urgent_care(m, place, sto)
    _declare_resident_urgent_care(m, place, sto, pre="lt", home="ltc_home")
    # Crowding below full (sim/place/crowding.py): a share of decided admissions finds no
    # suitable bed on the day even when the daily average has room, and boards overnight.
    m.transfer(
        "admit_to_bed",
        "acute_beds",
        [(boarding[lab], sto["acute"][lab][0]) for lab in labels]
        + [(sto["ch_board"][lab], stages[0]) for lab, stages in sto["ch_acute"].items()]
        + [(sto["lt_board"][lab], stages[0]) for lab, stages in sto["lt_acute"].items()],
        lookup="bed_found",
    )
    sent_home = m.param("acute.boarding_discharge_per_day", ac.boarding_discharge_per_day)
    # Still no bed after a night in a full hospital: some are treated in ED and sent home
    # (below full, a boarder waits for a suitable bed: crowding.FULL_TABLE). They carry the death
    # risk of the stay they would have had (the cohort's in-hospital death share), so crowding
    # never lowers deaths (issue 11: boarders sent home must not escape that risk).
    died = place.share["acute_death"]
    for i, lab in enumerate(labels):
        m.outflow(
            f"boarding_sent_home[{lab}]",
            boarding[lab],
            sent_home,
            {sto["follow"][lab][0]: 1.0 - float(died[i]), None: float(died[i])},
            exit="death",
            lookup="hospital_full",
        )
    for pre, back in (("ch", "ch_return"), ("lt", "ltc_home")):  # residents too, back home
        for lab in sto[f"{pre}_board"]:
            i = labels.index(lab)
            m.outflow(
                f"{pre}_sent_home[{lab}]",
                sto[f"{pre}_board"][lab],
                sent_home,
                {
                    k: v
                    for k, v in {
                        sto[back][lab]: 1.0 - float(died[i]),
                        None: float(died[i]),
                    }.items()
                    if v > 0
                },
                exit="death",
                lookup="hospital_full",
            )


def _declare_resident_stays(
    m: Model, place: Place, sto: dict, dt: float, pre: str = "ch", back: str = "ch_return"
) -> None:
    """Care-home residents' acute stays (the cohort's length of stay, sped up under bed
    pressure as everyone's): death in hospital at the cohort's share, or back to the home
    (``back``; ``pre="lt", back="ltc_home"``: people at home with long-term care needs).
    """
    ac = place.cfg.acute
    index = {c.label: i for i, c in enumerate(place.cohorts)}
    sto[f"{pre}_acute"] = {}
    for lab in resident_labels(place):
        i = index[lab]
        died = float(place.share["acute_death"][i])
        routes = {None: died, sto[back][lab]: 1.0 - died}
        sto[f"{pre}_acute"][lab] = m.delay(
            f"{pre}_acute[{lab}]",
            float(place.los_days[i]),
            stage_count(place.los_days[i], ac.max_stages, dt),
            {k: v for k, v in routes.items() if v > 0},
            exit="death",
            lookup="discharge_speed",
        )


def _declare_resident_urgent_care(
    m: Model, place: Place, sto: dict, pre: str = "ch", home: str = "care_home"
) -> None:
    """Care-home residents' 999 calls and type 1 attendances (EVIDENCE 10.1, 10.2, 10.17):
    conveyed or treated at the home; admitted or back home from ED; same-day discharge or a
    bed (boarding while none is free, some treated in ED and sent back). They return to their
    home, whose place is kept for them (returns are not limited by its capacity).

    ``pre="lt", home="ltc_home"``: the same rates (the same parameters) for people at home
    with long-term care needs, who return to their own home.
    """
    ch, ac = place.cfg.care_home, place.cfg.acute
    labs = resident_labels(place)
    if not labs:
        return
    index = {c.label: i for i, c in enumerate(place.cohorts)}

    def shared(name: str, value: float, **kw) -> str:
        return name if name in m.params else m.param(name, value, **kw)

    call = shared(
        "care_home.ambulance_incidents_per_day",
        ch.ambulance_incidents_per_resident_year / DAYS_PER_YEAR,
        units="1/day",
    )
    other = shared(
        "care_home.ed_other_per_day",
        float(place.rate["ch_ed_other"][index[labs[0]]]),
        units="1/day",
    )
    conv = shared("care_home.conveyed_share", ch.conveyed_share, kind="share")
    treated = shared("care_home.treated_at_home_share", 1 - ch.conveyed_share, kind="share")
    adm_value = float(place.share["ch_admitted"][index[labs[0]]])
    adm = shared("care_home.ed_admitted_share", adm_value, kind="share")
    back = shared("care_home.ed_discharged_share", 1 - adm_value, kind="share")
    zero = m_param(m, "acute.zero_los_share", ac.zero_los_share)
    stay = m_param(m, "acute.overnight_share", 1 - ac.zero_los_share)
    at = sto[home]
    amb, ed, admit, board = (sto[f"{pre}_{k}"] for k in ("amb", "ed", "admit", "board"))
    for lab in labs:
        m.outflow(f"{pre}_call_999[{lab}]", at[lab], call, amb[lab])
        m.outflow(f"{pre}_ed_other[{lab}]", at[lab], other, ed[lab])
        m.outflow(f"{pre}_amb_outcome[{lab}]", amb[lab], np.inf, {at[lab]: treated, ed[lab]: conv})
        m.outflow(f"{pre}_ed_outcome[{lab}]", ed[lab], np.inf, {admit[lab]: adm, at[lab]: back})
        m.outflow(
            f"{pre}_admission_route[{lab}]", admit[lab], np.inf, {at[lab]: zero, board[lab]: stay}
        )


def _plan(service: str) -> str:
    """The series of a service's capacity plan (see :mod:`sim.place.capacity_plan`)."""
    return capacity_plan.series_name(service)


def m_param(m: Model, name: str, value: float) -> str:
    """A shared named parameter, declared on first use."""
    return name if name in m.params else m.param(name, float(value))


def _exits(m: Model, key: str, svc, sto: dict, lab: str, hospital: str = "admit") -> dict:
    """Where people go at the end of a community episode (shares from the service config)."""
    after_discharge = key in ("reablement", "ic_beds", "virtual_ward")  # followed up 91 days
    routes = {
        sto["follow"][lab][0] if after_discharge else sto["home"][lab]: m_param(
            m, f"{key}.to_home", svc.to_home
        ),
        sto[hospital][lab]: m_param(m, f"{key}.to_hospital", svc.to_hospital),
    }
    if svc.to_care_home > 0:
        routes[sto["care_home_entry"][lab]] = m_param(m, f"{key}.to_care_home", svc.to_care_home)
    if svc.died > 0:
        routes[None] = m_param(m, f"{key}.died", svc.died)
    return routes


def _ltc_exits(m: Model, svc, sto: dict, lab: str) -> dict:
    """Where a P3 candidate sent home with reablement goes at its end: their own 91-day
    follow-up (``lt_follow``, then home with long-term care needs, not the ordinary home),
    hospital as the residents are admitted (``lt_admit``), a care home, death.
    """
    routes = {
        sto["lt_follow"][lab][0]: m_param(m, "reablement.to_home", svc.to_home),
        sto["lt_admit"][lab]: m_param(m, "reablement.to_hospital", svc.to_hospital),
    }
    if svc.to_care_home > 0:
        routes[sto["care_home_entry"][lab]] = m_param(
            m, "reablement.to_care_home", svc.to_care_home
        )
    if svc.died > 0:
        routes[None] = m_param(m, "reablement.died", svc.died)
    return routes


def _declare_ltc_follow_up(m: Model, place: Place, sto: dict) -> dict[str, list[str]]:
    """The 91 days at home after reablement of P3 candidates sent home by discharge to
    assess (``lt_follow``, the follow-up's days and stages), at the hazards of people with
    long-term care needs, not the ordinary follow-up's: readmission at the care-home
    residents' emergency admission rate (EVIDENCE 10.1; into ``lt_admit``) and death at their
    death rate (``care_home.deaths_per_day``). Those still at home at the end are counted at
    home 91 days after discharge and live on in ``ltc_home``. Returns the stages by cohort.
    """
    fu, ch = place.cfg.follow_up, place.cfg.care_home
    days = m_param(m, "follow_up.days", fu.days)
    readmit = m_param(
        m,
        "care_home.emergency_admissions_per_day",
        ch.emergency_admissions_per_resident_year / DAYS_PER_YEAR,
    )
    follow = {}
    for lab in sto["ltc_home"]:
        follow[lab] = m.delay(f"lt_follow[{lab}]", days, fu.stages, sto["ltc_home"][lab])
        for k, stage in enumerate(follow[lab]):
            m.outflow(f"lt_readmission[{lab}][{k + 1}]", stage, readmit, sto["lt_admit"][lab])
            m.outflow(
                f"lt_follow_death[{lab}][{k + 1}]",
                stage,
                "care_home.deaths_per_day",
                None,
                exit="death",
            )
    return follow


# -- community ---------------------------------------------------------------------------------
def _declare_community(m: Model, place: Place, labels: list[str], sto: dict, lv: _Levers) -> None:
    """Reablement (P1), intermediate-care beds (P2), care homes (P3), UCR, district nursing."""
    cfg = place.cfg
    ac = cfg.acute
    awaits = [sto[f"await_{p}"] for p in AWAITS]
    # Moves into care homes from services wait in a same-day hub for a free bed.
    sto["care_home_entry"] = {
        lab: m.stock(f"care_home_entry[{lab}]", same_step=True) for lab in labels
    }
    services = {
        "reablement": ("reab", cfg.reablement),
        "ic_beds": ("ic_bed", cfg.ic_beds),
        "ucr": ("ucr", cfg.ucr),
        "district_nursing": ("dn", cfg.district_nursing),
    }
    capacity_lever = {
        "reablement": "reablement.capacity",
        "ic_beds": "ic_beds.capacity",
        "ucr": "ucr.scale",
        "district_nursing": "district_nursing.scale",
    }
    stay_lever = {"reablement": "reablement.stay", "ic_beds": "ic_beds.stay"}
    redirect = "acute.home_first_redirect" in lv
    for key, (kind, svc) in services.items():
        mean = m_param(m, f"{key}.mean_days", svc.mean_days)
        hospital = "ed" if key == "ucr" else "admit"
        speed = lv.series(stay_lever[key]) if key in stay_lever else None
        sto[kind] = {
            lab: m.delay(
                f"{kind}[{lab}]",
                mean,
                svc.stages,
                _exits(m, key, svc, sto, lab, hospital=hospital),
                series=speed,
                exit="death",
            )
            for lab in labels
        }
        extra: list[str] = []
        if key == "reablement":  # P3 candidates sent home by discharge to assess
            sto["lt_follow"] = _declare_ltc_follow_up(m, place, sto) if redirect else {}
            sto["lt_reab"] = {
                lab: m.delay(
                    f"lt_reab[{lab}]",
                    mean,
                    svc.stages,
                    _ltc_exits(m, svc, sto, lab),
                    series=speed,
                    exit="death",
                )
                for lab in (sto["ltc_home"] if redirect else ())
            }
            extra = _all(sto["lt_reab"])
        m.capacity(
            key,
            m.param(f"{key}.capacity", svc.capacity, units="places"),
            stocks=[s for lab in labels for s in sto[kind][lab]] + extra,
            series=lv.series(capacity_lever[key], _plan(key)),
        )
    ch = cfg.care_home
    market = {}
    if ch.capacity_lag_days > 0:  # places follow occupied places toward the target occupancy
        market = {
            "follow_occupancy": m.param(
                "care_home.target_occupancy", ch.target_occupancy, kind="positive"
            ),
            "lag_days": m.param(
                "care_home.capacity_lag_days", ch.capacity_lag_days, kind="positive", units="days"
            ),
        }
    m.capacity(
        "care_home",
        m.param("care_home.beds", ch.beds, units="beds"),
        stocks=list(sto["care_home"].values())
        + [sto[h][lab] for h in RESIDENT_HUBS[:3] for lab in sto[h]],
        series=_plan("care_home"),
        **market,
    )
    if sto["ch_return"]:  # residents back from hospital: their place, if the home has room
        m.transfer(
            "care_home_return",
            "care_home",
            [(sto["ch_return"][lab], sto["care_home"][lab]) for lab in sto["ch_return"]],
        )
        for lab in sto["ch_return"]:  # no room (places cut while away): home, with their needs
            m.outflow(
                f"care_home_return_full[{lab}]",
                sto["ch_return"][lab],
                np.inf,
                sto["ltc_home"][lab],
            )
    for p, (key, kind) in enumerate((("reablement", "reab"), ("ic_beds", "ic_bed"))):
        m.transfer(
            f"start_p{p + 1}",
            key,
            [(awaits[p][lab], sto[kind][lab][0]) for lab in labels],
            fraction_per_day=m.param(
                f"acute.p{p + 1}_start_per_day", 1 / ac.pathway_wait_days[p], kind="share"
            ),
            series=lv.series(f"acute.p{p + 1}_wait", WEEKDAY),
        )
    if sto["lt_reab"]:  # discharge to assess: P3 candidates reassessed at home (as P1 starts)
        m.transfer(
            "home_first_redirect_p3",
            "reablement",
            [(awaits[2][lab], stages[0]) for lab, stages in sto["lt_reab"].items()],
            fraction_per_day=m_param(m, "acute.home_first_redirect_per_day", 1.0),
            series=lv.series("acute.home_first_redirect"),
        )
    m.transfer(
        "start_p3",
        "care_home",
        [(awaits[2][lab], sto["care_home"][lab]) for lab in labels],
        fraction_per_day=m.param(
            "acute.p3_start_per_day", 1 / ac.pathway_wait_days[2], kind="share"
        ),
        series=lv.series("acute.p3_wait", WEEKDAY),
    )
    m.transfer(
        "care_home_move",
        "care_home",
        [(sto["care_home_entry"][lab], sto["care_home"][lab]) for lab in labels],
    )
    ltc = sto["ltc_home"]
    for lab in labels:  # no bed free today: the move waits at home (with long-term care needs)
        m.outflow(
            f"care_home_move_wait[{lab}]",
            sto["care_home_entry"][lab],
            np.inf,
            ltc.get(lab, sto["home"][lab]),
        )
    ch_rate = place.rate["care_home_admission"]
    # people at home with long-term care needs may still move in, at their cohort's rate
    moves = [
        (sto[kind][lab], sto["care_home"][lab], float(ch_rate[i]))
        for kind in ("home", "ltc_home")
        for i, lab in enumerate(labels)
        if ch_rate[i] > 0 and lab in sto[kind]
    ]  # none (a rate of 0): one arc moving nobody, as vw_step_up
    moves = moves or [(sto["home"][labels[0]], sto["care_home"][labels[0]], 0.0)]
    m.transfer("care_home_from_community", "care_home", moves)
    a = cfg.ambulance
    hub = a.see_and_treat_to_ucr + a.ucr_suitable_share
    m.transfer(
        "ucr_start",
        "ucr",
        [(sto["ucr_hub"][lab], sto["ucr"][lab][0]) for lab in labels],
        fraction_per_day=m.param(
            "ucr.referred_share_of_suitable",
            a.see_and_treat_to_ucr / hub if hub > 0 else 1.0,
            kind="share",
        ),
        series=lv.series("ucr.scale"),
    )
    for lab in labels:  # not referred, or UCR full: the crew conveys
        m.outflow(f"ucr_full[{lab}]", sto["ucr_hub"][lab], np.inf, sto["ed"][lab])
    dn_rate = place.rate["dn_referral"]
    m.transfer(
        "dn_referral",
        "district_nursing",
        [
            (sto["home"][lab], sto["dn"][lab][0], float(dn_rate[i]))
            for i, lab in enumerate(labels)
            if dn_rate[i] > 0
        ],
        series=lv.series("district_nursing.scale"),
    )


# -- reports -----------------------------------------------------------------------------------
def _declare_reports(m: Model, place: Place, labels: list[str], sto: dict) -> None:
    """The results schema: population, occupancy, capacity, waits and activity."""
    cfg = place.cfg
    by_q: dict[str, list[str]] = {}
    for c, lab in zip(place.cohorts, labels, strict=True):
        by_q.setdefault(c.quintile, []).append(lab)
    ages = place.labels("age")

    def cohort_stocks(lab: str) -> list[str]:
        return [s for table in sto.values() if lab in table for s in _as_list(table[lab])]

    _describe(m, "population")
    for c, lab in zip(place.cohorts, labels, strict=True):
        m.report(
            "population",
            stocks=cohort_stocks(lab),
            at="end",
            coords={"age_band": c.age, "segment": c.segment, "quintile": c.quintile},
        )

    service_stocks = {
        "acute_beds": [s for lab in labels for s in sto["acute"][lab]]
        + [sto[f"await_{p}"][lab] for p in AWAITS for lab in labels]
        + _all(sto["ch_acute"])
        + _all(sto["lt_acute"]),
        "reablement": _all(sto["reab"]) + _all(sto["lt_reab"]),
        "ic_beds": _all(sto["ic_bed"]),
        "virtual_ward": _all(sto["vw"]),
        "ucr": _all(sto["ucr"]),
        "district_nursing": _all(sto["dn"]),
        "care_home": list(sto["care_home"].values()),
    }
    _describe(m, "occupied")
    _describe(m, "capacity")
    for svc in SERVICES:
        m.report("occupied", stocks=service_stocks[svc], coords={"service": svc})
        m.report("capacity", capacity=svc, coords={"service": svc})
    _describe(m, "ltc_at_home")  # home care, costed by the finance (home_care)
    m.report("ltc_at_home", stocks=[*sto["ltc_home"].values(), *_all(sto["lt_follow"])])
    _describe(m, "care_home_residents")  # who pays (EVIDENCE 10.33): the finance's LA share
    self_funded = cfg.care_home.self_funded_share
    for funder, w in (("council", 1.0 - self_funded), ("self_funded", self_funded)):
        m.report(
            "care_home_residents",
            stocks={s: w for s in sto["care_home"].values()},
            coords={"funder": funder},
        )
    _describe(m, "nctr")
    for p in AWAITS:
        m.report("nctr", stocks=list(sto[f"await_{p}"].values()), coords={"waiting_for": p.upper()})
    _describe(m, "boarding")
    m.report(
        "boarding",
        stocks=[*sto["boarding"].values(), *sto["ch_board"].values(), *sto["lt_board"].values()],
    )
    _describe(m, "acute_patients")
    for a in ages:
        cells = [lab for c, lab in zip(place.cohorts, labels, strict=True) if c.age == a]
        m.report(
            "acute_patients",
            coords={"age_band": a},
            stocks=[s for lab in cells for s in sto["acute"][lab]]
            + [sto[f"await_{p}"][lab] for p in AWAITS for lab in cells]
            + [s for lab in cells for s in sto["ch_acute"].get(lab, [])]
            + [s for lab in cells for s in sto["lt_acute"].get(lab, [])],
        )

    a = cfg.ambulance
    _describe(m, "bed_pressure_handover_minutes")
    m.report("bed_pressure_handover_minutes", lookup="handover_minutes")

    hear = a.hear_and_treat / (a.hear_and_treat + a.see_and_treat)
    activity = {
        # name: flows as {arc or operation pattern: weight}
        "gp_appointments": {"gp_appointment:gp[{c}]->home[{c}]": 1},
        "gp_unmet": {"gp_unmet[{c}]": 1},
        "nhs111_calls": {"nhs111_call[{c}]": 1, "gp_unmet[{c}]->nhs111[{c}]": 1},
        "ambulance_incidents": {"ambulance_outcome[{c}]": 1, "ch_amb_outcome[{c}]": 1},
        "hear_and_treat": {"ambulance_outcome[{c}]->home[{c}]": hear, "ch_amb_outcome[{c}]->care_home[{c}]": hear},
        "see_and_treat": {"ambulance_outcome[{c}]->home[{c}]": 1 - hear, "ucr_start:ucr_hub[{c}]->ucr[{c}][1]": 1, "ch_amb_outcome[{c}]->care_home[{c}]": 1 - hear},
        "conveyances": {"ambulance_outcome[{c}]->ed[{c}]": 1, "ucr_full[{c}]": 1, "ch_amb_outcome[{c}]->ch_ed[{c}]": 1},
        "ucr_starts": {"ucr_start:ucr_hub[{c}]->ucr[{c}][1]": 1},
        "ed_attendances": {"walk_in[{c}]": 1, "ambulance_outcome[{c}]->ed[{c}]": 1, "ucr_full[{c}]": 1, "nhs111_outcome[{c}]->ed[{c}]": 1, "ucr[{c}].stage1->ed[{c}]": 1, "ch_ed_outcome[{c}]": 1},
        "ed_type1_attendances": {"ed_outcome[{c}]": 1, "ch_ed_outcome[{c}]": 1},
        "ed_admissions": {"ed_outcome[{c}]->admit[{c}]": 1, "ch_ed_outcome[{c}]->ch_admit[{c}]": 1},
        "emergency_admissions": {"admission_route[{c}]": 1, "vw[{c}].stage1->boarding[{c}]": 1, "ch_admission_route[{c}]": 1},
        "vw_step_up": {},
        "vw_step_down": {},
        "readmissions": {"readmission[{c}][{k}]": 1, "lt_readmission[{c}][{k}]": 1},
        "at_home_91d": {"follow[{c}].stage{n}": 1, "lt_follow[{c}].stage{n}": 1},
        "follow_up_deaths": {"follow_death[{c}][{k}]": 1, "lt_follow_death[{c}][{k}]": 1},
        "care_home_admissions": {"start_p3:await_p3[{c}]->care_home[{c}]": 1, "care_home_move:care_home_entry[{c}]->care_home[{c}]": 1, "care_home_from_community:home[{c}]->care_home[{c}]": 1, "care_home_from_community:ltc_home[{c}]->care_home[{c}]": 1},
    }  # fmt: skip
    for pattern in activity.values():  # people at home with long-term care needs: as residents
        for pat, w in list(pattern.items()):
            if pat.startswith("ch_"):
                lt = pat.replace("ch_", "lt_").replace("care_home[", "ltc_home[")
                pattern[lt] = w
    fu_stages = cfg.follow_up.stages
    for var, pattern in activity.items():
        _describe(m, var)
        for q, cells in by_q.items():
            flows: dict[str, float] = {}
            for lab in cells:
                if var == "vw_step_up":
                    refs = [a for a in m.arcs_of("vw_step_up") if f":admit[{lab}]->" in a]
                    flows.update(dict.fromkeys(refs, 1.0))
                    continue
                if var == "vw_step_down":
                    refs = [a for a in m.arcs_of("vw_step_down") if f"[{lab}][" in a.split("->")[0]]
                    flows.update(dict.fromkeys(refs, 1.0))
                    continue
                for pat, w in pattern.items():
                    for k in range(1, fu_stages + 1):
                        ref = pat.format(c=lab, k=k, n=fu_stages)
                        if ref in flows or not _flow_exists(m, ref):
                            continue
                        flows[ref] = w
            m.report(var, flows=flows, coords={"quintile": q})
    _describe(m, "care_home_admissions_after_hospital")
    for q, cells in by_q.items():
        flows = {}
        for lab in cells:
            flows[f"start_p3:await_p3[{lab}]->care_home[{lab}]"] = 1.0
            after_ic = set(sto["reab"][lab]) | set(sto["ic_bed"][lab])
            after_ic |= set(sto["lt_reab"].get(lab, ()))
            for a in m.arcs.values():  # sent to a care home at the end of intermediate care
                if a.dst == sto["care_home_entry"][lab] and a.src in after_ic:
                    flows[a.name] = 1.0
        m.report("care_home_admissions_after_hospital", flows=flows, coords={"quintile": q})
    _describe(m, "episodes_started")
    first_stage = {
        "reablement": "reab",
        "ic_beds": "ic_bed",
        "virtual_ward": "vw",
        "ucr": "ucr",
        "district_nursing": "dn",
    }
    for svc, kind in first_stage.items():
        entry = {stages[0] for stages in sto[kind].values()}
        if kind == "reab":
            entry |= {stages[0] for stages in sto["lt_reab"].values()}
        flows = {a.name: 1.0 for a in m.arcs.values() if a.dst in entry}
        m.report("episodes_started", flows=flows, coords={"community_service": svc})
    _describe(m, "discharges")
    pathway_dst = {
        "P0": "follow[{c}][1]",
        "P1": "await_p1[{c}]",
        "P2": "await_p2[{c}]",
        "P3": "await_p3[{c}]",
    }
    for pw in PATHWAYS:
        for q, cells in by_q.items():
            flows = {}
            for lab in cells:
                last = len(sto["acute"][lab])
                ref = f"acute[{lab}].stage{last}->" + pathway_dst[pw].format(c=lab)
                if _flow_exists(m, ref):
                    flows[ref] = 1.0
                if pw == "P0" and lab in sto["ch_acute"]:  # residents back to their home
                    for pre, back in (("ch", "ch_return"), ("lt", "ltc_home")):
                        stages = sto[f"{pre}_acute"][lab]
                        ref = f"{pre}_acute[{lab}].stage{len(stages)}->{back}[{lab}]"
                        if _flow_exists(m, ref):
                            flows[ref] = 1.0
                if pw == "P0":
                    for vref in m.arcs_of("vw_step_down"):
                        if f"acute[{lab}][" in vref:
                            flows[vref] = 1.0
            m.report("discharges", flows=flows, coords={"pathway": pw, "quintile": q})
    _describe(m, "decision_to_admit_over_12h")
    boarders = {*sto["boarding"].values(), *sto["ch_board"].values(), *sto["lt_board"].values()}
    into_boarding = {a.name: 1.0 for a in m.arcs.values() if a.dst in boarders}
    m.report("decision_to_admit_over_12h", flows=into_boarding, lookup="no_bed_today")
    _describe(m, "handover_hours_lost")
    conv = {f"ambulance_outcome[{lab}]->ed[{lab}]": 1 / 60 for lab in labels}
    conv.update({f"ucr_full[{lab}]": 1 / 60 for lab in labels})
    conv.update({f"ch_amb_outcome[{lab}]->ch_ed[{lab}]": 1 / 60 for lab in sto["ch_amb"]})
    conv.update({f"lt_amb_outcome[{lab}]->lt_ed[{lab}]": 1 / 60 for lab in sto["lt_amb"]})
    m.report("handover_hours_lost", flows=conv, lookup="handover_minutes")
    _declare_deaths_by_place(m, place, labels)
    _describe(m, "hospital_deaths")
    hd = {f"acute[{lab}].stage{len(sto['acute'][lab])}->death": 1.0 for lab in labels}
    hd.update({f"waiting_death:{sto[f'await_{p}'][lab]}": 1.0 for p in AWAITS for lab in labels})
    hd.update(
        {f"ch_acute[{lab}].stage{len(st)}->death": 1.0 for lab, st in sto["ch_acute"].items()}
    )
    hd.update({f"ch_sent_home[{lab}]->death": 1.0 for lab in sto["ch_board"]})
    hd.update(
        {f"lt_acute[{lab}].stage{len(st)}->death": 1.0 for lab, st in sto["lt_acute"].items()}
    )
    hd.update({f"lt_sent_home[{lab}]->death": 1.0 for lab in sto["lt_board"]})
    m.report("hospital_deaths", flows={k: v for k, v in hd.items() if _flow_exists(m, k)})


def _describe(m: Model, var: str) -> None:
    """Give a reported variable the units and long name of the results schema."""
    m.describe(var, units=VARIABLES[var].units, long_name=VARIABLES[var].long_name)


PLACES_OF_DEATH = ("hospital", "care_home", "home", "hospice")
"""Where people die, as ONS counts it (EVIDENCE 10.74-10.78; "other places" count as home)."""
_HOSPITAL_KINDS = (
    "acute", "await_p1", "await_p2", "await_p3", "boarding_sent_home", "ic_bed", "ch_acute",
    "ch_sent_home", "lt_acute", "lt_sent_home",
)  # fmt: skip


def _death_place(arc_name: str) -> str:
    """Where a death on an arc happens: hospital (acute and intermediate-care beds), care
    home, or at home (home, follow-up and home-based services, split later with hospices).
    """
    src = arc_name.removeprefix("waiting_death:").split("->", 1)[0]
    kind = src.split("[", 1)[0]
    if kind in _HOSPITAL_KINDS:
        return "hospital"
    return "care_home" if kind in ("care_home", "care_home_death") else "home"


def _declare_deaths_by_place(m: Model, place: Place, labels: list[str]) -> None:
    """Deaths by place of death and age band. Deaths outside hospitals and care homes are
    split between home and hospice by ``population.hospice_share_of_home_deaths``.
    """
    hospice = place.cfg.population.hospice_share_of_home_deaths
    _describe(m, "deaths_by_place")
    band = {lab: c.age for c, lab in zip(place.cohorts, labels, strict=True)}
    flows: dict[tuple[str, str], dict[str, float]] = {}
    for arc in m.arcs.values():
        if arc.dst is not None or arc.exit != "death":
            continue
        lab = arc.name.split("[", 1)[1].split("]", 1)[0]
        where = _death_place(arc.name)
        if where == "home":
            flows.setdefault(("hospice", band[lab]), {})[arc.name] = hospice
            flows.setdefault(("home", band[lab]), {})[arc.name] = 1.0 - hospice
        else:
            flows.setdefault((where, band[lab]), {})[arc.name] = 1.0
    for where in PLACES_OF_DEATH:
        for age in place.labels("age"):
            m.report(
                "deaths_by_place",
                flows=flows.get((where, age), {}),
                coords={"place_of_death": where, "age_band": age},
            )


def _flow_exists(m: Model, ref: str) -> bool:
    try:
        m.arcs_of(ref)
    except ValueError:
        return False
    return True


def _as_list(x: object) -> list[str]:
    return list(x) if isinstance(x, list) else [x]  # type: ignore[list-item]


def _all(table: dict[str, list[str]]) -> list[str]:
    return [s for stages in table.values() for s in stages]


def series_values(
    place: Place,
    start_date: str,
    n_steps: int,
    dt_days: float,
    names: Sequence[str] = (WINTER, WEEKDAY),
    levers: Mapping[str, np.ndarray] | None = None,
    *,
    plan: bool = True,
) -> dict[str, np.ndarray]:
    """Per-step inputs for the series ``names`` of a model built by :func:`build_model`.

    Calendar series: winter seasonality of emergency demand and weekday pathway starts.
    Plan series ``plan:<service>``: the place's capacity plan as a factor on today's
    capacity by financial year (all ones with ``plan=False``: capacity as today).
    Lever series ``lever:<name>`` take their path from ``levers`` (shape ``(n_steps,)`` or
    ``(n_draws, n_steps)``), or the lever's neutral value when it has none; product series
    ``a*b`` multiply their parts.
    """
    seas = place.cfg.seasonality
    days = np.datetime64(start_date, "D") + np.floor(np.arange(n_steps) * dt_days).astype(int)
    doy = (days - days.astype("datetime64[Y]")).astype(int) + 1
    winter = 1 + seas.winter_amplitude * np.cos(
        2 * np.pi * (doy - seas.peak_day_of_year) / DAYS_PER_YEAR
    )
    weekday = ((days.astype(int) + 3) % 7) < 5  # 1970-01-01 was a Thursday
    factor = np.where(weekday, 1.0, place.cfg.acute.weekend_pathway_factor)
    calendar = {WINTER: winter, WEEKDAY: factor}
    factors = capacity_plan.step_factors(place.cfg, start_date, n_steps, dt_days)
    for svc, path in factors.items():
        calendar[capacity_plan.series_name(svc)] = path if plan else np.ones(n_steps)
    out: dict[str, np.ndarray] = {}
    for name in names:
        value: np.ndarray = np.ones(n_steps)
        for part in name.split("*"):
            if part in calendar:
                value = value * calendar[part]
                continue
            lever = part.removeprefix("lever:")
            if lever not in LEVERS or part == lever:
                raise ValueError(f"series {name!r}: unknown part {part!r}")
            path = (levers or {}).get(lever)
            value = value * (LEVERS[lever].neutral if path is None else np.asarray(path))
        out[name] = value
    return out
