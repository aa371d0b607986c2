"""The place on the patient-level (discrete-event) engine: one patient at a time, in SimPy.

Vocabulary:

- **place inputs** (:mod:`.inputs`): the declaration of :func:`sim.place.cohorts.build_place`,
  plus what the stock-flow engine knows: its warmed-up occupancy (the warm start), its
  calibrated front-door rates and its population trajectory;
- **building blocks** (:mod:`sim.engines.des`): named streams, bulk sampling of arrivals and
  durations, pools and levels, monitors;
- **layout** (:mod:`.layout`): the rows of per-patient uniforms and unit-mean durations;
- **processes** (:mod:`.processes`): the patient's journey as SimPy generators;
- **engine** (:mod:`.engine`): replications in one or several processes;
- **simulate** (:mod:`.simulate`): the results Dataset in the stock-flow engine's schema
  (:mod:`.dataset`), and the event log on disk (:mod:`.eventlog`).

``simulate.simulate_patient(cfg)`` is what ``python -m sim run.engine=patient`` runs. The
package imports nothing itself, so checking a configuration (``validate``) stays cheap.
"""
