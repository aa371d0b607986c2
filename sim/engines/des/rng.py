"""The named streams of one replication (:mod:`sim.engines.rng`), one per process.

A scenario that changes capacities sees the same arrivals and patient attributes as its
baseline (common random numbers): differences between options are then not noise.
"""

from __future__ import annotations

import numpy as np

from sim.engines.rng import stream


class Streams:
    """The named streams of one replication; each name gives the same generator every time."""

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = int(seed)
        self.replication = int(replication)
        self._made: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        if name not in self._made:
            self._made[name] = stream(self.seed, name, self.replication)
        return self._made[name]

    @property
    def names(self) -> list[str]:
        """Names of the streams used so far, in order of first use."""
        return list(self._made)
