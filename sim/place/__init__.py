"""The place, declared once: what both engines run.

- :mod:`.vocabulary`: services, pathways, front doors, organisations: one list of each;
- :mod:`.cohorts`: the population in cohorts and their per-day rates (:func:`build_place`);
- :mod:`.levers`: the parts of the place a care shift may move;
- :mod:`.draws`: the place's uncertain keys, sampled per draw;
- :mod:`.validate`: every check of a place configuration;
- :mod:`.stockflow`: the place as stocks and flows on the generic stock-flow engine;
- :mod:`.patient`: the place as SimPy processes on the discrete-event building blocks.
"""
