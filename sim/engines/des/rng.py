"""Named random streams: one generator per process, keyed by a stable hash of its name.

``stream(seed, replication, "arrivals.walk_in")`` is a :class:`numpy.random.Generator` seeded
from ``SeedSequence(seed, spawn_key=(replication, *hash(name)))``. Streams never share state,
so adding a stream (a new process) leaves every existing stream's draws unchanged, and a
scenario that changes capacities sees the same arrivals and patient attributes as its baseline
(common random numbers): differences between options are then not noise.
"""

from __future__ import annotations

import hashlib

import numpy as np


def name_key(name: str) -> tuple[int, int]:
    """A stable 64-bit key of a stream name, as two 32-bit words (not Python's ``hash``)."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value & 0xFFFFFFFF, value >> 32


def stream(seed: int, replication: int, name: str) -> np.random.Generator:
    """The generator of one named stream in one replication."""
    seq = np.random.SeedSequence(int(seed), spawn_key=(int(replication), *name_key(name)))
    return np.random.Generator(np.random.PCG64(seq))


class Streams:
    """The named streams of one replication; each name gives the same generator every time."""

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = int(seed)
        self.replication = int(replication)
        self._made: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        if name not in self._made:
            self._made[name] = stream(self.seed, self.replication, name)
        return self._made[name]

    @property
    def names(self) -> list[str]:
        """Names of the streams used so far, in order of first use."""
        return list(self._made)
