"""The place, patient by patient: SimPy processes for urgent and emergency care and discharge.

A patient's journey (times in days; each step reads its own column of the patient's row, see
:mod:`sim.place.patient.layout`):

- ``crew_job``: a 999 incident waits for an ambulance crew, which attends (hear-and-treat needs
  no crew), treats at scene, refers to urgent community response, or conveys to ED, where the
  handover takes 15 minutes after a delay whose mean is the place's handover table at the bed
  pressure of the arrival (a wait for a free cubicle is part of that delay, or longer);
- ``ed_visit``: a type 1 attendance holds a cubicle until it goes home or, once admission is
  decided, until it leaves ED for a bed, a virtual ward or home;
- ``admission``: virtual-ward step-up, same-day discharge (zero length of stay), or ``boarding``
  for a bed (some boarders are treated in ED and sent home after a while);
- ``acute_stay``: a sampled length of stay, sped up under bed pressure, with virtual-ward
  step-down near its end; then death or a discharge pathway P0-P3;
- ``await_discharge``: with no criteria to reside the patient keeps the bed while assessment
  and sourcing run (fewer starts at weekends) and until a place is free in reablement (P1), an
  intermediate-care bed (P2) or a care home (P3); waiting deconditions them (P1 -> P2 -> P3)
  and some die;
- ``community``: reablement, intermediate care, virtual ward, urgent community response and
  district nursing episodes, ending at home, in hospital, in a care home or in death;
- ``follow_up``: 91 days at home after discharge, with readmissions and deaths;
- ``long_term_care`` in a care home: long-term residents until death, with urgent care of
  their own (999 calls and type 1 attendances at the place's rates for residents): the journey
  above, but never to a virtual ward or a discharge pathway; after ED or a stay they return to
  their home (their place is free while they are away, taken again on return) unless they die;
- ``long_term_care`` at home with long-term care needs (a move into a care home with no place
  free, or a resident whose place went while away, in the residents' age bands): the
  residents' death rate and urgent care, no care-home place, and a move into a care home at
  the cohort's community rate when one is free (as the stock-flow engine's ``ltc_home``).
"""

from __future__ import annotations

import bisect
import gc
import itertools
import math

import numpy as np
import simpy

from sim.engines.des.core import Environment, release
from sim.engines.des.monitors import Recorder
from sim.engines.des.resources import Level, Pool
from sim.engines.des.rng import Streams
from sim.engines.des.sampling import (
    Arrivals,
    Family,
    Rows,
    UniformStream,
    arrival_rows,
    normalised,
    poisson_arrivals,
    poisson_counts,
)
from sim.place import crowding
from sim.place.patient.inputs import PlaceInputs
from sim.place.patient.layout import Layout
from sim.place.patient.patient import Patient
from sim.place.patient.warm import start_patients
from sim.place.stockflow.declare import stage_count
from sim.place.vocabulary import AFTER_DISCHARGE, COMMUNITY, DAYS_PER_YEAR

MIN_PER_DAY, H_PER_DAY = 1440.0, 24.0
BY_QUINTILE = (
    "gp_appointments", "gp_unmet", "nhs111_calls", "ambulance_incidents", "hear_and_treat",
    "see_and_treat", "conveyances", "ucr_starts", "ed_attendances", "ed_type1_attendances",
    "ed_admissions", "emergency_admissions", "vw_step_up", "vw_step_down", "readmissions",
    "at_home_91d", "care_home_admissions", "discharges_P0", "discharges_P1", "discharges_P2",
    "discharges_P3",
)  # fmt: skip
BY_DAY = (
    "handover_hours_lost",
    "hospital_deaths",
    "people_in",
    "people_out",
    "deaths",
    "ed_over_4h",
    "ed_over_12h",
    "decision_to_admit_over_12h",
    "ed_corridor",
    "boarders_sent_home",
    "bed_pressure_handover_minutes",
)
INF = math.inf
PATHWAYS = ("P0", "P1", "P2", "P3")
NO_BEDS_PRESSURE = 10.0
"""Bed pressure read when no acute bed is open: beyond the end of every pressure lookup, so
each lookup gives its value at full pressure."""


class Table:
    """A piecewise-linear lookup, flat beyond its ends (as the stock-flow engine's)."""

    def __init__(self, xs: list[float], ys: list[float]) -> None:
        self.xs, self.ys = list(xs), list(ys)

    def __call__(self, x: float) -> float:
        """The table's value at ``x``."""
        xs, ys = self.xs, self.ys
        if x <= xs[0]:
            return ys[0]
        if x >= xs[-1]:
            return ys[-1]
        i = bisect.bisect_right(xs, x)
        w = (x - xs[i - 1]) / (xs[i] - xs[i - 1])
        return ys[i - 1] + w * (ys[i] - ys[i - 1])


class PlaceSim:
    """One replication of the place: resources, arrival streams, processes and monitors."""

    def __init__(
        self, inputs: PlaceInputs, seed: int, replication: int, keep_log: bool = False
    ) -> None:
        self.inputs = inputs
        self.env = env = Environment()
        self.streams = Streams(seed, replication)
        place = self.place = inputs.place
        cfg, p = place.cfg, inputs.run.patient
        self.p = p
        n = place.n
        self.quint = place.index("quintile").tolist()
        self.ages = place.index("age").tolist()
        self.n_days = inputs.n_days
        # Resources (capacities) and levels.
        ac = cfg.acute
        self.bed_base = float(ac.beds)
        self.beds = Pool(env, self.bed_base + inputs.escalation_beds[0])
        self.svc = {k: Pool(env, float(getattr(cfg, k).capacity)) for k in COMMUNITY}
        self.svc["care_home"] = Pool(env, float(cfg.care_home.beds))
        # The market: places follow occupied places toward the target, lagged (0: fixed).
        lag = float(cfg.care_home.capacity_lag_days)
        self.ch_follow = float(cfg.care_home.beds)
        self.ch_follow_step = -math.expm1(-1.0 / lag) if lag > 0 else 0.0
        self.ch_target = float(cfg.care_home.target_occupancy)
        self.cubicles = Pool(env, float(p.ed_cubicles))
        self.crews = Pool(env, float(p.ambulance_crews))
        # Today's capacities; the capacity plan (place.plan) scales them day by day.
        self.planned = {k: (pool, pool.capacity) for k, pool in self.svc.items()}
        self.planned["ambulance_crews"] = (self.crews, self.crews.capacity)
        self._set_planned(0)
        self.boarding = Level(env)
        self.nctr = [Level(env) for _ in range(3)]
        self.acute_age = [Level(env) for _ in place.labels("age")]
        self.in_system = Level(env)
        self.in_ed = Level(env)
        self.follow = Level(env)
        self.ltc_at_home = Level(env)
        levels: dict[str, Level] = {"acute_beds": self.beds, **self.svc}
        levels |= {
            "boarding": self.boarding,
            "in_system": self.in_system,
            "in_ed": self.in_ed,
            "follow_up": self.follow,
            "ltc_at_home": self.ltc_at_home,
            "cubicles": self.cubicles,
            "crews": self.crews,
        }
        levels |= {f"nctr_P{k + 1}": lv for k, lv in enumerate(self.nctr)}
        levels |= {f"acute_age_{a}": lv for a, lv in enumerate(self.acute_age)}
        self.rec = Recorder(
            self.n_days, len(place.labels("quintile")), BY_QUINTILE, BY_DAY, levels, keep_log
        )
        self.log = keep_log  # the episode log's calls are skipped when it is not kept
        self.cq = self.rec.by_q
        self.cd = self.rec.by_day
        self.nq = self.rec.nq
        # Per-cohort parameters as Python lists (fast in process code).
        self.admit_share = place.share["type1_admitted"].tolist()
        self.step_up = place.share["vw_step_up"].tolist()
        self.zero_los = float(ac.zero_los_share)
        self.los_days = place.los_days.tolist()
        stages = [stage_count(m, ac.max_stages, 1.0) for m in place.los_days]
        self.stages = stages
        died = place.share["acute_death"]
        cum = []
        for i in range(n):
            shares = (1 - died[i]) * place.pathway_shares[i]
            cum.append(np.cumsum(np.concatenate([[died[i]], shares])).tolist())
        self.outcome_cum = cum
        self.step_down_rate = float(cfg.virtual_ward.step_down_per_day)
        self.step_down_log = -math.log1p(-min(self.step_down_rate, 1 - 1e-12))
        self.sent_home_rate = float(ac.boarding_discharge_per_day)
        self.waiting_death_rate = ac.waiting_deaths_per_1000_day / 1000.0
        self.decondition = [float(ac.decondition_per_day[0]), float(ac.decondition_per_day[1]), 0.0]
        self.assess_rate = [1.0 / w for w in ac.pathway_wait_days]
        factor_by_dow = {}
        for d in range(self.n_days):
            factor_by_dow[int(inputs.day_of_week[d])] = float(inputs.pathway_factor[d])
        self.factor_by_dow = [factor_by_dow.get(k, 1.0) for k in range(7)]
        self.dow0 = int(inputs.day_of_week[0])
        self.speed = Table(ac.pressure_bed_pressure, ac.pressure_discharge_speed)
        # Crowding below full: the share of decided admissions finding no suitable bed on the
        # day, the stock-flow engine's lookup (sim/place/crowding.py), drawn from its own stream.
        xs, found = crowding.bed_found_table(ac.crowding_full_occupancy, ac.crowding_spread)
        self.bed_found = Table(xs, found)
        self.crowd_uniform = UniformStream(self.streams["crowding"])
        self.crowding_on = min(found) < 1.0
        amb = cfg.ambulance
        self.handover_table = Table(amb.handover_bed_pressure, amb.handover_minutes_lost)
        self.routes_999 = np.cumsum(
            [amb.hear_and_treat, amb.see_and_treat, amb.see_and_treat_to_ucr, amb.see_and_convey]
        ).tolist()
        n111 = cfg.nhs111
        self.routes_111 = [n111.to_ambulance, n111.to_ambulance + n111.to_ed]
        self.svc_mean = {k: float(getattr(cfg, k).mean_days) for k in COMMUNITY}
        self.svc_exit = {
            k: np.cumsum(
                [getattr(cfg, k).to_home, getattr(cfg, k).to_hospital, getattr(cfg, k).to_care_home]
            ).tolist()
            for k in COMMUNITY
        }
        ch = cfg.care_home
        self.ch_death_rate = ch.deaths_per_1000_year / 1000.0 / DAYS_PER_YEAR
        self.ch_call = place.rate["ch_call_999"].tolist()
        self.ch_other = place.rate["ch_ed_other"].tolist()
        self.ch_admit = place.share["ch_admitted"].tolist()
        self.ch_conveyed = float(ch.conveyed_share)
        bands = set(ch.urgent_care_age_bands)
        self.ltc = [c.age in bands for c in place.cohorts]  # who keeps long-term care needs
        self.ch_community = np.asarray(place.rate["care_home_admission"], dtype=float).tolist()
        amb = cfg.ambulance
        seen = amb.hear_and_treat + amb.see_and_treat
        self.hear_share = amb.hear_and_treat / seen if seen > 0 else 0.0
        fu = cfg.follow_up
        self.fu_days = float(fu.days)
        self.fu_readmit = fu.readmissions_per_1000_day / 1000.0
        self.fu_death = fu.deaths_per_1000_day / 1000.0
        self.handover_min = float(p.handover_minutes)
        self.durations = {
            "scene": p.on_scene_minutes.mean / MIN_PER_DAY,
            "travel": p.to_hospital_minutes.mean / MIN_PER_DAY,
            "turnaround": p.turnaround_minutes.mean / MIN_PER_DAY,
            "ed_discharged": p.ed_discharged_hours.mean / H_PER_DAY,
            "ed_decision": p.ed_decision_hours.mean / H_PER_DAY,
        }
        self.corridor = p.ed_overflow == "corridor"
        self._layout(cfg, p)
        self._ids = itertools.count()
        self.days_read = 0
        self._rows: dict[str, Rows] = {}
        self._bind_hot_paths()

    # -- set-up --------------------------------------------------------------------------------
    def _layout(self, cfg, p) -> None:
        kind = p.los_distribution
        if kind == "erlang":
            los = {k: Family.of("erlang", stages=k) for k in sorted(set(self.stages))}
            self.los_col_key = list(self.stages)
        else:
            los = {0: Family.of(kind, cv=p.los_cv)}
            self.los_col_key = [0] * len(self.stages)
        sk = p.service_distribution
        stages = {k: getattr(cfg, k).stages for k in COMMUNITY}
        stages["follow_up"] = cfg.follow_up.stages
        fam = {k: Family.of(sk, stages=s) for k, s in stages.items()}
        services = {s: fam[k] for k, s in stages.items() if k != "follow_up"}
        if sk != "erlang":
            services = {s: fam["reablement"] for s in services}
        durations = {
            "scene": Family.of(p.on_scene_minutes.distribution, cv=p.on_scene_minutes.cv),
            "travel": Family.of(p.to_hospital_minutes.distribution, cv=p.to_hospital_minutes.cv),
            "turnaround": Family.of(p.turnaround_minutes.distribution,
                                    cv=p.turnaround_minutes.cv),
            "ed_discharged": Family.of(p.ed_discharged_hours.distribution,
                                       cv=p.ed_discharged_hours.cv),
            "ed_decision": Family.of(p.ed_decision_hours.distribution, cv=p.ed_decision_hours.cv),
            "handover": Family.of(p.handover_delay_distribution),
        }  # fmt: skip
        self.L = Layout(los, services, fam["follow_up"], durations)
        self.los_col = [self.L.los[k] for k in self.los_col_key]
        self.svc_col = {
            k: self.L.service[stages[k]] if sk == "erlang" else self.L.service[stages["reablement"]]
            for k in COMMUNITY
        }
        self.dur_col = self.L.duration

    def _bind_hot_paths(self) -> None:
        """Plain attributes for what the process code touches on most events, so the hot
        paths do no string-keyed lookups: count lists (indexed ``day * nq + q`` or ``day``),
        tally lists, pools, mean durations (days) and their columns of the patient's row.
        """
        cq, cd, rec, svc = self.cq, self.cd, self.rec, self.svc
        self.n_people_in, self.n_people_out = cd["people_in"], cd["people_out"]
        self.n_deaths, self.n_ed_corridor = cd["deaths"], cd["ed_corridor"]
        self.n_ed_over_4h, self.n_ed_over_12h = cd["ed_over_4h"], cd["ed_over_12h"]
        self.n_hours_lost = cd["handover_hours_lost"]
        self.n_ed, self.n_ed_type1 = cq["ed_attendances"], cq["ed_type1_attendances"]
        self.n_see_and_treat, self.n_ucr_starts = cq["see_and_treat"], cq["ucr_starts"]
        self.n_conveyances, self.n_ed_admissions = cq["conveyances"], cq["ed_admissions"]
        self.n_admissions, self.n_readmissions = cq["emergency_admissions"], cq["readmissions"]
        self.n_at_home_91d = cq["at_home_91d"]
        self.n_discharges = [cq[f"discharges_P{k}"] for k in range(4)]
        self.crew_waits = rec.values("crew_wait_minutes")
        self.handover_delays = rec.values("handover_delay_minutes")
        self.ed_hours = rec.values("ed_hours")
        self.ucr, self.virtual_ward = svc["ucr"], svc["virtual_ward"]
        self.care_home = svc["care_home"]
        d, col = self.durations, self.dur_col
        self.scene_days, self.scene_col = d["scene"], col["scene"]
        self.travel_days, self.travel_col = d["travel"], col["travel"]
        self.turnaround_days, self.turnaround_col = d["turnaround"], col["turnaround"]
        self.ed_home_days, self.ed_home_col = d["ed_discharged"], col["ed_discharged"]
        self.ed_decision_days, self.ed_decision_col = d["ed_decision"], col["ed_decision"]
        self.handover_col = col["handover"]
        self.handover_days = self.handover_min / MIN_PER_DAY

    def rows(self, name: str) -> Rows:
        """The row source of one origin of episodes (its own named stream)."""
        if name not in self._rows:
            self._rows[name] = Rows(self.streams[f"rows.{name}"], self.L.n_uniforms, self.L.fill)
        return self._rows[name]

    def count(self, name: str, q: int, k: float = 1) -> None:
        """Add to a per-day, per-quintile count."""
        self.cq[name][int(self.env._now) * self.nq + q] += k

    def count_day(self, name: str, k: float = 1.0) -> None:
        """Add to a per-day count."""
        self.cd[name][int(self.env._now)] += k

    def slot(self, pt: Patient) -> int:
        """Today's index of the patient's quintile in a per-day, per-quintile count list."""
        return int(self.env._now) * self.nq + pt.q

    def enter(self) -> None:
        """A patient enters the system (the ledger)."""
        now, lv = self.env._now, self.in_system  # lv.add(1), inline (the hot path)
        lv.area += lv.value * (now - lv.t)
        lv.t = now
        lv.value += 1
        self.n_people_in[int(now)] += 1

    def leave_home(self) -> None:
        """A patient goes home (leaves the system)."""
        now, lv = self.env._now, self.in_system  # lv.add(-1), inline
        lv.area += lv.value * (now - lv.t)
        lv.t = now
        lv.value -= 1
        self.n_people_out[int(now)] += 1

    def die(self) -> None:
        """A patient dies in a service."""
        now, lv = self.env._now, self.in_system  # lv.add(-1), inline
        lv.area += lv.value * (now - lv.t)
        lv.t = now
        lv.value -= 1
        self.n_deaths[int(now)] += 1

    def pressure(self) -> float:
        """Acute patients plus boarders per (base) bed, as the stock-flow lookups read it."""
        cap = self.beds.capacity
        return (self.beds.value + self.boarding.value) / cap if cap > 0 else NO_BEDS_PRESSURE

    # -- the run -------------------------------------------------------------------------------
    def run(self) -> Recorder:
        """Warm start, arrivals, the clock; returns the recorder."""
        # Python's cyclic garbage collector is off during a replication: the run makes no
        # cyclic garbage (every object of a finished journey is freed by reference counting;
        # tests/patient/test_core.py checks it), so the collector would only rescan the many
        # live SimPy objects (it doubled the run time at Python's default thresholds, and one
        # young collection still took 4% of a year at a threshold of 200,000). The journeys
        # still running at the horizon are closed at the end (``release``), so they too are
        # freed by reference counting rather than left in cycles for the collector.
        enabled = gc.isenabled()
        gc.disable()
        try:
            start_patients(self)
            self._start_arrivals()
            self.env.process(self.clock())
            # To the horizon: events at it (midnight step-downs) belong to the day after it.
            self.env.run(until=self.n_days)
            if self.days_read < self.n_days:  # the midnight closing the last day
                self.rec.read_day(self.n_days - 1)
            pools = (lv for lv in self.rec.levels.values() if isinstance(lv, Pool))
            release(self.env, [ev for pool in pools for ev in pool.queue])
        finally:
            if enabled:
                gc.enable()
        self.rec.finish(float(self.n_days))
        return self.rec

    def clock(self):
        """Every hour: bed pressure for the handover minutes; every midnight: read the levels
        and open or close escalation beds.
        """
        env = self.env
        for day in range(self.n_days):
            acc = self.handover_table(self.pressure())
            for _ in range(23):
                yield env.timeout(1.0 / 24.0)
                acc += self.handover_table(self.pressure())
            self.cd["bed_pressure_handover_minutes"][day] = acc / 24.0
            env_day = day + 1
            # the last hour lands exactly on the midnight (hours of 1/24 do not add up exactly)
            yield env.timeout(env_day - env._now)
            self.rec.read_day(day)
            self.days_read = env_day
            if env_day < self.n_days:
                if self.ch_follow_step > 0:  # the care-home market, as the stock-flow engine's
                    occupied = self.svc["care_home"].value
                    gap = occupied / self.ch_target - self.ch_follow
                    self.ch_follow += self.ch_follow_step * gap
                self._set_planned(env_day)

    def _set_planned(self, day: int) -> None:
        """Capacities of ``day``: today's times the plan's factor (whole beds and places,
        as the stock-flow engine's capacity is a real number and a pool's is a count), plus
        winter escalation beds.
        """
        plan, inputs = self.inputs.plan, self.inputs
        beds = self.bed_base * float(plan["acute_beds"][day])
        self.beds.set_capacity(round(beds) + float(inputs.escalation_beds[day]))
        for key, (pool, today) in self.planned.items():
            if key == "care_home" and self.ch_follow_step > 0:
                today = self.ch_follow
            cap = round(today * float(plan[key][day]))
            if cap != pool.capacity:
                pool.set_capacity(cap)

    def _start_arrivals(self) -> None:
        """Sample every arrival stream ahead (bulk), route what needs no process in bulk too,
        and start one arrival process per stream for the journeys that need one.
        """
        inputs, p, env = self.inputs, self.p, self.env
        home, winter = inputs.home, inputs.winter[:, None]
        week = normalised(p.weekday_profile)[inputs.day_of_week]
        ed_hours, amb_hours = (
            normalised(p.ed_hourly_profile),
            normalised(p.ambulance_hourly_profile),
        )
        flat = np.ones(24)
        t1 = self.place.front_door.walk_in_type1_share
        r = inputs.rates
        s = self.streams
        calls = poisson_arrivals(
            s["arrivals.call_999"], r["call_999"] * home * winter, amb_hours, week, n_extra=1
        )
        self._incidents(calls, 0, "call_999")
        streams = [
            ("walk_in", r["walk_in"] * t1 * home * winter, ed_hours, week, self.ed_visit),
            ("direct_admission", r["direct_admission"] * home * winter, ed_hours, week,
             self.on_direct_admission),
            ("care_home_admission", r["care_home_admission"] * home, flat, None,
             self.on_care_home_admission),
            ("dn_referral", r["dn_referral"] * home, flat, None, self.on_dn_referral),
        ]  # fmt: skip
        for name, rates, hours, days, handler in streams:
            arr = poisson_arrivals(s[f"arrivals.{name}"], rates, hours, days)
            env.process(self.arrivals(arr, None, handler, name))
        # Other A&E types (UTC, MIU): counted, no process (they go home the same day).
        other_rate = r["walk_in"] * (1 - t1) * home * winter
        rng = s["arrivals.walk_in_other"]
        self._add_counts("ed_attendances", poisson_counts(rng.random(other_rate.shape), other_rate))
        # NHS 111: direct calls and unmet GP demand; routed in bulk to 999, ED or home.
        direct = poisson_arrivals(
            s["arrivals.nhs111"], r["nhs111"] * home, ed_hours, week, n_extra=2
        )
        for arr, name in ((direct, "nhs111"), (self._gp_unmet_calls(ed_hours), "gp_unmet_111")):
            self._bulk_count("nhs111_calls", arr.times, arr.cohorts)
            route = np.searchsorted(self.routes_111, arr.extra[:, 0], side="right")
            self._incidents(arr.subset(route == 0), 1, f"{name}_to_999")
            env.process(self.arrivals(arr.subset(route == 1), None, self.ed_visit, f"{name}_to_ed"))

    def _incidents(self, arr: Arrivals, route_col: int, source: str) -> None:
        """999 incidents: counted, routed in bulk; those needing a crew get a process."""
        self._bulk_count("ambulance_incidents", arr.times, arr.cohorts)
        # 0 hear-and-treat, 1 see-and-treat, 2 refer to UCR, 3 convey
        kind = np.searchsorted(self.routes_999, arr.extra[:, route_col], side="right")
        hear = kind == 0
        self._bulk_count("hear_and_treat", arr.times[hear], arr.cohorts[hear])
        crew = ~hear
        self.env.process(self.arrivals(arr.subset(crew), kind[crew] - 1, self.crew_job, source))

    def _bulk_count(self, name: str, times: np.ndarray, cohorts: np.ndarray) -> None:
        day = np.floor(times).astype(np.int64)
        q = np.asarray(self.quint, dtype=np.int64)[cohorts]
        sums = np.bincount(day * self.nq + q, minlength=len(self.cq[name]))
        arr = self.cq[name]
        for i in np.flatnonzero(sums).tolist():
            arr[i] += int(sums[i])

    def _gp_unmet_calls(self, hours: np.ndarray) -> Arrivals:
        """Daily GP demand per cohort (Poisson, by inversion), appointments up to the day's
        capacity rationed in proportion to demand, and the unmet demand's calls to NHS 111 at
        times of day (each day from a generator of its own).
        """
        cfg, inputs = self.place.cfg, self.inputs
        rng = self.streams["arrivals.gp"]
        mean = inputs.rates["gp_demand"] * inputs.home
        demand = poisson_counts(rng.random(mean.shape), mean)
        seq = rng.bit_generator.seed_seq
        day_seqs, row_seeds = seq.spawn(self.n_days), seq.spawn(self.n_days)
        pc = cfg.primary_care
        capacity = (
            pc.appointments_per_head_year
            * cfg.population.size
            / DAYS_PER_YEAR
            * inputs.plan["gp_appointments"]
        )
        qi = np.asarray(self.quint)
        cum = np.cumsum(hours) / hours.sum()
        parts = []
        for d in range(self.n_days):
            g = np.random.Generator(np.random.PCG64(day_seqs[d]))
            total = int(demand[d].sum())
            unmet_total = max(0, total - int(round(capacity[d])))
            unmet = (
                g.multivariate_hypergeometric(demand[d], unmet_total)
                if unmet_total > 0
                else np.zeros_like(demand[d])
            )
            given = demand[d] - unmet
            calls = g.binomial(unmet, pc.unmet_to_111_share)
            for name, values in (("gp_appointments", given), ("gp_unmet", unmet)):
                arr = self.cq[name]
                sums = np.bincount(qi, weights=values, minlength=self.nq)
                for q in range(self.nq):
                    arr[d * self.nq + q] += float(sums[q])
            k = int(calls.sum())
            if k:
                u = g.random((k, 4))
                hour = np.minimum(np.searchsorted(cum, u[:, 0], side="right"), 23)
                parts.append(
                    (
                        d + (hour + u[:, 1]) / 24.0,
                        np.repeat(np.arange(len(calls)), calls),
                        np.full(k, d),
                        np.arange(k),
                        u[:, 2:],
                    )
                )
        if not parts:
            empty = np.zeros(0)
            return Arrivals(
                empty,
                empty.astype(np.int64),
                empty.astype(np.int64),
                empty.astype(np.int64),
                np.zeros((0, 2)),
                row_seeds,
            )
        t, c, day, idx, extra = (np.concatenate(x) for x in zip(*parts, strict=True))
        order = np.argsort(t, kind="stable")
        return Arrivals(
            t[order], c[order].astype(np.int64), day[order], idx[order], extra[order], row_seeds
        )

    def _add_counts(self, name: str, per_day_cohort: np.ndarray) -> None:
        qi = np.asarray(self.quint)
        arr = self.cq[name]
        for d in range(self.n_days):
            sums = np.bincount(qi, weights=per_day_cohort[d], minlength=self.nq)
            for q in range(self.nq):
                arr[d * self.nq + q] += float(sums[q])

    def arrivals(self, arr: Arrivals, kinds: np.ndarray | None, handler, source: str):
        """Release pre-sampled arrivals at their times; ``handler`` gives each arrival's
        journey, started as a process (``None``: no journey, e.g. no place free).

        Each arrival's attributes are row ``index`` of its day's rows (from the stream's own
        seed for that day), so an arrival keeps its attributes across scenarios.
        """
        env = self.env
        process, timeout = env.process, env.timeout
        ids, quint, ages = self._ids, self.quint, self.ages
        rows = arrival_rows(arr, self.L.n_uniforms, self.L.fill)
        times, cohorts = arr.times.tolist(), arr.cohorts.tolist()
        if kinds is None:
            for t, c, row in zip(times, cohorts, rows, strict=False):
                dt = t - env._now
                if dt > 0:
                    yield timeout(dt)
                journey = handler(Patient(next(ids), c, quint[c], ages[c], row))
                if journey is not None:
                    process(journey)
        else:
            for t, c, row, kind in zip(times, cohorts, rows, kinds.tolist(), strict=False):
                dt = t - env._now
                if dt > 0:
                    yield timeout(dt)
                process(handler(Patient(next(ids), c, quint[c], ages[c], row), kind))

    # -- front doors: each gives the arrival's journey (a generator) or None ------------------
    def on_direct_admission(self, pt: Patient):
        """An admission not through type 1 ED (GP referral, assessment unit)."""
        self.enter()
        return self.direct_admission(pt)

    def direct_admission(self, pt: Patient):
        """The journey of a direct admission (started as a process of its own)."""
        yield from self.admission(pt) or ()

    def on_care_home_admission(self, pt: Patient):
        """A frail person moves from home into a care home, if a bed is free."""
        if self.svc["care_home"].try_acquire():
            self.enter()
            self.count("care_home_admissions", pt.q)
            return self.long_term_care(pt, True)
        return None

    def on_dn_referral(self, pt: Patient):
        """A referral to district nursing, taken on if the caseload has room."""
        if self.svc["district_nursing"].try_acquire():
            self.enter()
            return self.community(pt, "district_nursing")
        return None

    # -- ambulance and ED ----------------------------------------------------------------------
    def crew_job(self, pt: Patient, kind: int, admitted: bool | None = None):
        """A crew attends: 0 see-and-treat, 1 refer to UCR (or convey if full), 2 convey.

        Every incident ends in exactly one outcome: see-and-treat (at home, or referred to a
        UCR that has room) or conveyed (counted on arrival at ED); incidents still waiting
        for a crew, on scene or travelling at the horizon are open rows of the log.
        """
        env, row, rec = self.env, pt.row, self.rec
        if not pt.resident:
            self.enter()
        t_call = env._now
        tok = rec.begin(pt.pid, pt.c, "ambulance", t_call) if self.log else -1
        ev = self.crews.acquire()
        if ev is not None:
            yield ev
        t_crew = env._now
        if self.log:
            rec.start(tok, t_crew)
        self.crew_waits.append((t_crew - t_call) * MIN_PER_DAY)
        scene = self.scene_days * row[self.scene_col]
        yield env.timeout(scene)
        if kind == 0:
            self.n_see_and_treat[int(env._now) * self.nq + pt.q] += 1
            self.crews.release()
            if self.log:
                rec.end(tok, env._now, "home", scene)
            if not pt.resident:
                self.leave_home()
            return
        if kind == 1 and self.ucr.try_acquire():
            i = int(env._now) * self.nq + pt.q
            self.n_see_and_treat[i] += 1
            self.crews.release()
            self.n_ucr_starts[i] += 1
            if self.log:
                rec.end(tok, env._now, "ucr", scene)
            yield from self.community(pt, "ucr")
            return
        travel = self.travel_days * row[self.travel_col]
        yield env.timeout(travel)
        self.n_conveyances[int(env._now) * self.nq + pt.q] += 1
        if self.log:
            rec.end(tok, env._now, "conveyed", scene + travel)
        # Handover at ED: the delay of the moment (the place's table at the bed pressure of
        # the arrival) runs from the arrival, and the wait for a free cubicle is part of it,
        # not on top of it: the table is the whole delay beyond 15 minutes (calibrated to the
        # national hours lost, EVIDENCE 1.16), as the stock-flow engine counts it; a cubicle
        # queue longer than the delay still holds the crew. Then 15 minutes of handover.
        t_arr = env._now
        ed = self.arrive_ed(pt)
        delay = self.handover_table(self.pressure()) * row[self.handover_col]
        ev = self.take_cubicle(pt)
        if ev is not None:
            yield ev
        t_cub = env._now
        rest = max(0.0, delay / MIN_PER_DAY - (t_cub - t_arr))
        yield env.timeout(rest + self.handover_days)
        now = env._now
        lost = (now - t_arr) * MIN_PER_DAY - self.handover_min
        self.handover_delays.append(lost)
        self.n_hours_lost[int(now)] += lost / 60.0
        turn = self.turnaround_days * row[self.turnaround_col]
        env.timeout(turn).callbacks.append(self._crew_back)
        yield from self.treat_in_ed(pt, t_arr, now - t_cub, ed, admitted)

    def _crew_back(self, _event) -> None:
        self.crews.release()

    def take_cubicle(self, pt: Patient) -> simpy.Event | None:
        """An ED cubicle, or the corridor when it is allowed and every cubicle is taken:
        ``None`` when the patient has their place now, else the event to wait on (the
        cubicle is theirs when it fires).
        """
        cubicles = self.cubicles
        if not self.corridor or cubicles.value < cubicles.capacity:
            pt.cubicle = True
            return cubicles.acquire()
        self.n_ed_corridor[int(self.env._now)] += 1.0
        return None

    def arrive_ed(self, pt: Patient) -> int:
        """Count a type 1 attendance and start the patient's time in ED; the log's token."""
        now = self.env._now
        i = int(now) * self.nq + pt.q
        self.n_ed[i] += 1
        self.n_ed_type1[i] += 1
        pt.t_ed = now
        lv = self.in_ed  # lv.add(1), inline (the hot path)
        lv.area += lv.value * (now - lv.t)
        lv.t = now
        lv.value += 1
        return self.rec.begin(pt.pid, pt.c, "ed", now) if self.log else -1

    def ed_visit(self, pt: Patient, entered: bool = False):
        """A type 1 attendance that did not come by ambulance."""
        if not entered:
            self.enter()
        t_arr = self.env._now
        tok = self.arrive_ed(pt)
        ev = self.take_cubicle(pt)
        if ev is not None:
            yield ev
        yield from self.treat_in_ed(pt, t_arr, 0.0, tok)

    def treat_in_ed(
        self, pt: Patient, t_arr: float, before: float, tok: int, admitted: bool | None = None
    ):
        """Assessment and treatment; then home, or (admission decided) on to admission.
        ``before`` is the time already spent in a cubicle (handover), ``tok`` the log's token;
        ``admitted`` overrides the cohort's admitted share (care-home residents).
        """
        env, row = self.env, pt.row
        if self.log:
            self.rec.start(tok, env._now - before)
        if admitted is None:
            admitted = row[self.L.ADMIT] < self.admit_share[pt.c]
        if admitted:
            dur = self.ed_decision_days * row[self.ed_decision_col]
            yield env.timeout(dur)
            self.n_ed_admissions[int(env._now) * self.nq + pt.q] += 1  # the decision to admit
            if self.log:
                self.rec.end(tok, env._now, "admit", dur + before)
            yield from self.admission(pt) or ()
        else:
            dur = self.ed_home_days * row[self.ed_home_col]
            yield env.timeout(dur)
            if self.log:
                self.rec.end(tok, env._now, "home", dur + before)
            self.leave_ed(pt)
            if not pt.resident:
                self.leave_home()

    def leave_ed(self, pt: Patient) -> None:
        """The patient leaves ED: free the cubicle, record the time spent there."""
        if pt.t_ed < 0:
            return
        if pt.cubicle:
            self.cubicles.release()
            pt.cubicle = False
        now = self.env._now
        hours = (now - pt.t_ed) * H_PER_DAY
        self.ed_hours.append(hours)
        if hours > 4:
            self.n_ed_over_4h[int(now)] += 1.0
            if hours > 12:
                self.n_ed_over_12h[int(now)] += 1.0
        pt.t_ed = -1.0
        lv = self.in_ed  # lv.add(-1), inline (the hot path)
        lv.area += lv.value * (now - lv.t)
        lv.t = now
        lv.value -= 1

    # -- hospital ------------------------------------------------------------------------------
    def admission(self, pt: Patient):
        """A decided admission: step-up to a virtual ward, same-day discharge, or a bed.

        Decided at the call; returns the generator of what follows, or ``None`` (a resident
        discharged the same day goes back to their home): callers ``yield from`` it ``or ()``
        (a plain function rather than a generator: one generator fewer to make and to pass
        every later resumption of the journey through).
        """
        row, c = pt.row, pt.c
        step_up = self.step_up[c]
        if step_up > 0 and not pt.resident and row[self.L.STEP_UP] < step_up:
            if self.virtual_ward.try_acquire():
                self.count("vw_step_up", pt.q)
                self.leave_ed(pt)
                return self.community(pt, "virtual_ward")
        now = self.env._now
        self.n_admissions[int(now) * self.nq + pt.q] += 1
        if row[self.L.ZERO_LOS] < self.zero_los:
            if self.log:
                self.rec.episode(pt.pid, c, "same_day", now, now, now, "home", 0.0)
            self.leave_ed(pt)
            return None if pt.resident else self.follow_up(pt)
        return self.board(pt)

    def no_bed_today(self) -> bool:
        """Crowding below full: whether a decided admission finds no suitable bed today, with
        the chance the stock-flow engine's lookup gives at the bed pressure of the moment.
        """
        if not self.crowding_on:
            return False
        cap = self.beds.capacity
        occupancy = self.beds.value / cap if cap > 0 else NO_BEDS_PRESSURE
        return self.crowd_uniform() >= self.bed_found(occupancy)

    def board(self, pt: Patient):
        """A bed for a decided admission, taken at once or waited for (``boarding``).
        Returns the generator of the journey from here (a plain function, as ``admission``).
        """
        t0 = self.env._now
        crowded = self.no_bed_today()
        if crowded or not self.beds.try_acquire():
            return self.boarding_wait(pt, t0, crowded)
        return self.into_bed(pt, t0)

    def into_bed(self, pt: Patient, t_request: float):
        """The patient (decided to admit at ``t_request``) has a bed: their acute stay."""
        self.leave_ed(pt)
        self.acute_age[pt.age].add(1)
        return self.acute_stay(pt, t_request)

    def boarding_wait(self, pt: Patient, t0: float, crowded: bool):
        """Wait for a bed from ``t0``: below full, some find no suitable bed on the day
        (``crowded``) and try again once during each following day (as the stock-flow
        engine's ``bed_found`` lookup moves boarders day by day); when every bed is taken they
        wait for one, and after a while some are treated in ED and sent home.
        """
        env = self.env
        self.boarding.add(1)
        tok = self.rec.begin(pt.pid, pt.c, "boarding", t0, t0) if self.log else -1
        if crowded:
            while True:  # a bed is found at a moment of a following day, at its odds
                now = env._now
                yield env.timeout(math.floor(now) + 1.0 + self.crowd_uniform() - now)
                if not self.no_bed_today():
                    break
        if not (crowded and self.beds.try_acquire()):
            sent_home = yield from self.wait_for_bed(pt)
            if env._now - t0 > 0.5:
                self.count_day("decision_to_admit_over_12h")
            if sent_home:
                if self.log:
                    self.rec.end(tok, env._now, "sent_home", env._now - t0)
                self.leave_ed(pt)
                if pt.row[self.L.OUTCOME] < self.outcome_cum[pt.c][0]:
                    pt.alive = False
                    self.die()  # the death risk of the stay they would have had
                    return
                if not pt.resident:
                    yield from self.follow_up(pt)
                return
        elif env._now - t0 > 0.5:
            self.count_day("decision_to_admit_over_12h")
        self.boarding.add(-1)
        if self.log:
            self.rec.end(tok, env._now, "bed", env._now - t0)
        yield from self.into_bed(pt, t0)

    def wait_for_bed(self, pt: Patient):
        """Every bed is taken: wait for one; treated in ED and sent home after an exponential
        time (``acute.boarding_discharge_per_day``), as the stock-flow engine sends boarders
        home only while the hospital is full. Returns whether the patient was sent home.
        """
        env = self.env
        ev = self.beds.wait()
        rate = self.sent_home_rate
        give_up = pt.row[self.L.SENT_HOME] / rate if rate > 0 else INF
        if give_up < INF:
            yield ev | env.timeout(give_up)
        else:
            yield ev
        if self.beds.cancel(ev):
            self.boarding.add(-1)
            self.count_day("boarders_sent_home")
            return True
        return False

    def acute_stay(self, pt: Patient, t_request: float, residual: float = -1.0):
        """A stay in an acute bed (already taken), then death or a discharge pathway;
        ``residual`` is the time left of a stay in progress at the start.
        """
        env, row, c = self.env, pt.row, pt.c
        t_bed = env._now
        tok = self.rec.begin(pt.pid, c, "acute_beds", t_request, t_bed) if self.log else -1
        if residual < 0:
            los = self.los_days[c] * row[self.los_col[c]] / self.speed(self.pressure())
        else:
            los = residual
        if self.step_down_rate > 0 and not pt.resident:  # residents go back to their home
            # Step-down is decided once a day (at the midnight board round, as the stock-flow
            # engine moves its daily fraction) for patients in the last stage of their stay.
            first = math.floor(t_bed + los - los / self.stages[c]) + 1.0
            tries = math.floor(row[self.L.STEP_DOWN] / self.step_down_log) + 1
            t_sd = first + tries - 1 - t_bed
            if t_sd < los:
                yield env.timeout(t_sd)
                if self.virtual_ward.try_acquire():
                    self.count("vw_step_down", pt.q)
                    self.count("discharges_P0", pt.q)
                    self._free_bed(pt)
                    if self.log:
                        self.rec.end(tok, env._now, "step_down", t_sd)
                    yield from self.community(pt, "virtual_ward")
                    return
                yield env.timeout(los - t_sd)
            else:
                yield env.timeout(los)
        else:
            yield env.timeout(los)
        u, cum = row[self.L.OUTCOME], self.outcome_cum[c]
        if u < cum[0]:
            if self.log:
                self.rec.end(tok, env._now, "death", los)
            self._free_bed(pt)
            self.count_day("hospital_deaths")
            pt.alive = False
            self.die()
            return
        if pt.resident:  # back to their care home (counted as P0: usual place of residence)
            self.count("discharges_P0", pt.q)
            if self.log:
                self.rec.end(tok, env._now, "P0", los)
            self._free_bed(pt)
            return
        k = 0 if u < cum[1] else (1 if u < cum[2] else (2 if u < cum[3] else 3))
        self.n_discharges[k][int(env._now) * self.nq + pt.q] += 1
        if self.log:
            self.rec.end(tok, env._now, PATHWAYS[k], los)
        if k == 0:
            self._free_bed(pt)
            yield from self.follow_up(pt)
        else:
            yield from self.await_discharge(pt, k - 1)

    def _free_bed(self, pt: Patient) -> None:
        self.acute_age[pt.age].add(-1)
        self.beds.release()

    def pathway_clock(self, now: float, e: float, rate: float) -> float:
        """When assessment and sourcing finish: an Exp(1) clock ``e`` run at ``rate`` a day,
        times the day-of-week factor (fewer starts at weekends).
        """
        t = now
        dow0, f = self.dow0, self.factor_by_dow
        for _ in range(100000):
            day = math.floor(t)
            r = rate * f[(dow0 + day) % 7]
            span = day + 1 - t
            if r * span >= e:
                return t + e / r
            e -= r * span
            t = day + 1.0
        return INF

    def await_discharge(self, pt: Patient, k: int):
        """No criteria to reside: in the bed until pathway ``k`` (0 = P1) has a place."""
        env, row, L = self.env, pt.row, self.L
        t_ready = env._now
        wd = self.waiting_death_rate
        death_at = t_ready + row[L.WAITING_DEATH] / wd if wd > 0 else INF
        clocks = (L.DECONDITION1, L.DECONDITION2)
        assess = (L.ASSESS1, L.ASSESS2, L.ASSESS3)
        pools = (self.svc["reablement"], self.svc["ic_beds"], self.svc["care_home"])
        while True:
            t_k = env._now
            self.nctr[k].add(1)
            tok = self.rec.begin(pt.pid, pt.c, f"await_p{k + 1}", t_ready, t_k) if self.log else -1
            rate = self.decondition[k]
            dec_at = t_k + row[clocks[k]] / rate if k < 2 and rate > 0 else INF
            ready_at = self.pathway_clock(t_k, row[assess[k]], self.assess_rate[k])
            first = min(death_at, dec_at, ready_at)
            if first == INF:
                yield env.timeout(self.n_days + 1 - t_k)
                return
            yield env.timeout(first - t_k)
            started = False
            if ready_at <= death_at and ready_at <= dec_at:
                ev = pools[k].acquire()
                if ev is None:
                    started = True
                else:
                    other = min(death_at, dec_at)
                    if other < INF:
                        yield ev | env.timeout(other - env._now)
                    else:
                        yield ev
                    started = not pools[k].cancel(ev)
            self.nctr[k].add(-1)
            if started:
                self.rec.tally(f"discharge_wait_days_P{k + 1}", env._now - t_ready)
                if self.log:
                    self.rec.end(tok, env._now, "start", env._now - t_k)
                self._free_bed(pt)
                if k == 2:
                    self.count("care_home_admissions", pt.q)
                    yield from self.long_term_care(pt, True)
                else:
                    yield from self.community(pt, ("reablement", "ic_beds")[k])
                return
            if death_at <= dec_at:  # the clock that ended the wait (not the time now: rounding)
                if self.log:
                    self.rec.end(tok, env._now, "death", env._now - t_k)
                self._free_bed(pt)
                self.count_day("hospital_deaths")
                self.die()
                return
            if self.log:
                self.rec.end(tok, env._now, "decondition", env._now - t_k)
            k += 1

    # -- community -----------------------------------------------------------------------------
    def community(self, pt: Patient, key: str, residual: float = -1.0):
        """An episode of a community service whose place is already taken."""
        env, row = self.env, pt.row
        t0 = env._now
        tok = self.rec.begin(pt.pid, pt.c, key, t0, t0) if self.log else -1
        dur = self.svc_mean[key] * row[self.svc_col[key]] if residual < 0 else residual
        yield env.timeout(dur)
        self.svc[key].release()
        u, cum = row[self.L.SERVICE_EXIT], self.svc_exit[key]
        outcome = (
            "home"
            if u < cum[0]
            else ("hospital" if u < cum[1] else ("care_home" if u < cum[2] else "death"))
        )
        if self.log:
            self.rec.end(tok, env._now, outcome, dur)
        if outcome == "home":
            if key in AFTER_DISCHARGE:
                yield from self.follow_up(pt)
            else:
                self.leave_home()
        elif outcome == "hospital":
            pt.row = self.rows(f"{key}_to_hospital").next()
            if key == "virtual_ward":
                self.count("emergency_admissions", pt.q)
                yield from self.board(pt)
            elif key == "ucr":
                yield from self.ed_visit(pt, entered=True)
            else:
                yield from self.admission(pt) or ()
        elif outcome == "care_home":
            if self.svc["care_home"].try_acquire():
                self.count("care_home_admissions", pt.q)
                yield from self.long_term_care(pt, True)
            elif self.ltc[pt.c]:  # no place free: at home, with their long-term care needs
                yield from self.long_term_care(pt, False)
            else:
                self.leave_home()
        else:
            self.die()

    def follow_up(self, pt: Patient, residual: float = -1.0):
        """91 days at home after discharge: readmission, death, or counted at home."""
        env, row, L = self.env, pt.row, self.L
        t0 = env._now
        self.follow.add(1)
        tok = self.rec.begin(pt.pid, pt.c, "follow_up", t0, t0) if self.log else -1
        length = self.fu_days * row[L.follow_up] if residual < 0 else residual
        readmit = row[L.READMIT] / self.fu_readmit if self.fu_readmit > 0 else INF
        death = row[L.FOLLOW_DEATH] / self.fu_death if self.fu_death > 0 else INF
        first = min(length, readmit, death)
        yield env.timeout(first)
        self.follow.add(-1)
        if first == length:
            if self.log:
                self.rec.end(tok, env._now, "home", first)
            self.n_at_home_91d[int(env._now) * self.nq + pt.q] += 1
            self.leave_home()
        elif first == readmit:
            if self.log:
                self.rec.end(tok, env._now, "readmitted", first)
            self.n_readmissions[int(env._now) * self.nq + pt.q] += 1
            pt.row = self.rows("readmission").next()
            yield from self.admission(pt) or ()
        else:
            if self.log:
                self.rec.end(tok, env._now, "death", first)
            self.die()

    def long_term_care(self, pt: Patient, in_care_home: bool):
        """Long-term care until death: in a care home (``in_care_home``, the place already
        taken) or at home with long-term care needs, with spells of urgent care (999 or type 1
        ED, maybe a stay) from which they return.

        - In a care home: their place is free while they are away and taken again on return;
          if the places were cut meanwhile they go home (with long-term care needs if their
          age band keeps them, ``ltc``; else they leave the system).
        - At home (``ltc_home``, as the stock-flow engine's): a move into a care home at the
          cohort's community rate, taken only when a place is free (else they stay).

        Both have the care-home residents' death rate and urgent care (the selection of people
        who need long-term care). Deaths are an Exp(1) clock of the patient's row at the start
        of each stay (in a home or at home), run only while there; the next event of a stay
        comes from that setting's own stream.
        """
        env, c, L = self.env, pt.c, self.L
        rate, care_home = self.ch_death_rate, self.care_home
        call, other = self.ch_call[c], self.ch_other[c]
        while True:  # a stay, in a care home or at home
            death_left = pt.row[L.CARE_HOME_DEATH] / rate if rate > 0 else INF
            if in_care_home:
                service, move, rng = "care_home", 0.0, self.streams["care_home.urgent"]
            else:
                service, move, rng = "ltc_home", self.ch_community[c], self.streams["ltc_home"]
            total = call + other + move
            while True:  # until the stay ends (death, a move, or no place on return)
                t0 = env._now
                tok = self.rec.begin(pt.pid, c, service, t0, t0) if self.log else -1
                first = min(death_left, rng.exponential(1.0 / total) if total > 0 else INF)
                if first == INF:
                    return
                if in_care_home:
                    yield env.timeout(first)
                else:
                    self.ltc_at_home.add(1)
                    yield env.timeout(first)
                    self.ltc_at_home.add(-1)
                if first == death_left:
                    if in_care_home:
                        care_home.release()
                    if self.log:
                        self.rec.end(tok, env._now, "death", first)
                    self.die()
                    return
                death_left -= first
                u = rng.random() * total
                if not in_care_home and u >= call + other:  # a move, if a place is free
                    moved = care_home.try_acquire()
                    if self.log:
                        self.rec.end(tok, env._now, "care_home" if moved else "no_place", first)
                    if moved:
                        self.count("care_home_admissions", pt.q)
                        in_care_home = True
                        break
                    continue
                if self.log:
                    self.rec.end(tok, env._now, "urgent_care", first)
                if in_care_home:
                    care_home.release()
                yield from self.resident_urgent_care(pt, u < call)
                if not pt.alive:
                    return
                if in_care_home and not care_home.try_acquire():  # places cut while away
                    if not self.ltc[c]:
                        self.leave_home()
                        return
                    in_care_home = False
                    break

    def resident_urgent_care(self, pt: Patient, by_999: bool):
        """One urgent-care spell of a care-home resident: a 999 incident (conveyed, or
        treated at the home by phone or at scene) or a type 1 attendance by another route,
        with the resident's own admitted share; ends back at the home or in death.
        """
        pt.resident = True
        pt.row = row = self.rows("care_home_urgent").next()
        t1 = self.L.ADMIT  # the residents' admitted share replaces the cohort's
        admitted = row[t1] < self.ch_admit[pt.c]
        if by_999:
            self.count("ambulance_incidents", pt.q)
            if row[self.L.ROUTE] >= self.ch_conveyed:
                hear = (
                    row[self.L.ROUTE] < self.ch_conveyed + (1 - self.ch_conveyed) * self.hear_share
                )
                if hear:
                    self.count("hear_and_treat", pt.q)
                    return
                yield from self.crew_job(pt, 0)
                return
            yield from self.crew_job(pt, 2, admitted)
            return
        t_arr = self.env._now
        tok = self.arrive_ed(pt)
        ev = self.take_cubicle(pt)
        if ev is not None:
            yield ev
        yield from self.treat_in_ed(pt, t_arr, 0.0, tok, admitted)
