"""Discrete-event building blocks on SimPy, generic (they know nothing of the place).

- :mod:`.rng`: one named random generator per process, so adding one never shifts another;
- :mod:`.sampling`: bulk sampling of non-homogeneous Poisson arrivals and durations;
- :mod:`.resources`: pools whose capacity may change over time, and time-weighted levels;
- :mod:`.monitors`: daily counts, time-weighted levels, tallies and the episode log;
- :mod:`.ward`: a single ward (M/M/c, M/M/c/c) on these blocks, checked against Erlang B/C;
- :mod:`.network`: small networks declared in a few lines (a ward with or without a queue, a
  tandem with blocking after service), checked against Erlang B/C and Ciw.
"""
