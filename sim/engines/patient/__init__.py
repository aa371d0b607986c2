"""A patient-level (discrete-event) engine: the same place, one patient at a time, in SimPy.

Vocabulary:

- **place inputs** (:mod:`.inputs`): the declaration of :func:`sim.model.place.build_place`,
  plus what the stock-flow engine knows: its warmed-up occupancy (the warm start), its
  calibrated front-door rates and its population trajectory;
- **streams** (:mod:`.rng`): one named random generator per process, so adding one never
  shifts another and scenarios share their random numbers;
- **bulk sampling** (:mod:`.sampling`, :mod:`.layout`): arrival times of non-homogeneous
  Poisson processes (hour of day x day of week x season) and rows of per-patient uniforms and
  unit-mean durations, drawn ahead in NumPy;
- **resources** (:mod:`.resources`): pools of beds, places, cubicles and crews whose capacity
  may change over time, and levels that keep their time integral;
- **processes** (:mod:`.processes`): the patient's journey as SimPy generators;
- **monitors** (:mod:`.monitors`): daily counts, time-weighted levels, tallies, episode log;
- **engine** (:mod:`.engine`): replications in one or several processes, then the results
  Dataset in the stock-flow engine's schema (:mod:`.dataset`), and the event log on disk
  (:mod:`.eventlog`).

``simulate_patient(cfg)`` is what ``python -m sim run.engine=patient`` runs.
"""

from sim.engines.patient.engine import run_all, run_replication, simulate_patient

__all__ = ["run_all", "run_replication", "simulate_patient"]
