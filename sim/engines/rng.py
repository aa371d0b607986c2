"""Named random streams and the one stratified sampler of the simulator.

Every random number comes from a stream named for what it draws: ``stream(seed, "arrivals.
walk_in", replication)`` is a :class:`numpy.random.Generator` seeded from
``SeedSequence(seed, spawn_key=(*keys, *hash(name)))`` with a stable hash of the name (not
Python's ``hash``). Streams never share state, so adding a stream (a new process, a new
uncertain key, a new effect) leaves every existing stream's draws unchanged, and an option and
its baseline draw the same numbers for the same names (common random numbers): differences
between options are then not noise.

:func:`stratified_uniforms` gives one uniform in each of ``n`` equal-probability strata, in a
random order (one Latin hypercube column per name); :func:`sample_triangular` turns them into
draws of a triangular distribution through low, central and high. One draw means the central
value.
"""

from __future__ import annotations

import hashlib

import numpy as np


def name_key(name: str) -> tuple[int, int]:
    """A stable 64-bit key of a stream name, as two 32-bit words."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value & 0xFFFFFFFF, value >> 32


def stream(seed: int, name: str, *keys: int) -> np.random.Generator:
    """The generator of the stream ``name`` (under further integer ``keys``, e.g. a
    replication number).
    """
    seq = np.random.SeedSequence(int(seed), spawn_key=(*(int(k) for k in keys), *name_key(name)))
    return np.random.Generator(np.random.PCG64(seq))


def stratified_uniforms(seed: int, name: str, n: int) -> np.ndarray:
    """``n`` uniforms on [0, 1), one in each stratum ``[i/n, (i+1)/n)``, in random order."""
    rng = stream(seed, name)
    return (rng.permutation(n) + rng.random(n)) / n


def triangular(low: float, mode: float, high: float, u: np.ndarray) -> np.ndarray:
    """The triangular distribution's quantiles at ``u`` (inverse CDF, closed form)."""
    u = np.asarray(u, dtype=float)
    if high == low:
        return np.full(u.shape, float(mode))
    cut = (mode - low) / (high - low)
    left = low + np.sqrt(u * (high - low) * (mode - low))
    right = high - np.sqrt((1 - u) * (high - low) * (high - mode))
    return np.where(u < cut, left, right)


def sample_triangular(
    low: float, central: float, high: float, n: int, seed: int, name: str
) -> np.ndarray:
    """``n`` stratified draws of a triangular distribution from the stream ``name``; the
    central value when ``n == 1`` or the range is empty.
    """
    if n == 1 or high == low:
        return np.full(n, float(central))
    return triangular(low, central, high, stratified_uniforms(seed, name, n))
