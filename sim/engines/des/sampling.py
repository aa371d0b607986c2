"""Bulk sampling: duration distributions, arrival times of non-homogeneous Poisson processes,
and blocks of per-patient random attributes.

Everything here is vectorised NumPy, drawn ahead of the SimPy processes that use it, one named
stream per purpose (see :mod:`sim.engines.des.rng`). Durations are sampled as *unit-mean
variates* (multiplied by each patient's own mean later) by inversion of one uniform where the
family allows it, so a patient keeps the same quantile when a scenario changes a mean.

Vectorised NumPy rather than Numba: drawing a year's arrivals and patient rows for the default
place takes a few tenths of a second of a replication of about 6 s (the rest is SimPy's event
loop and the process code), so a compiled kernel would not pay for its compile time.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
from scipy import special

KINDS = ("erlang", "gamma", "lognormal", "exponential", "fixed")


@dataclass(frozen=True)
class Family:
    """A unit-mean duration distribution: ``kind`` and its shape.

    ``shape`` is the number of stages (erlang), ``1 / cv**2`` (gamma) or ``sigma`` (lognormal);
    exponential and fixed have none.
    """

    kind: str
    shape: float = 1.0

    @classmethod
    def of(cls, kind: str, cv: float = 1.0, stages: int = 1) -> Family:
        """The family of a configured distribution with coefficient of variation ``cv``."""
        if kind == "erlang":
            return cls("erlang", float(max(1, int(stages))))
        if kind == "gamma":
            return cls("gamma", 1.0 / cv**2)
        if kind == "lognormal":
            return cls("lognormal", float(np.sqrt(np.log1p(cv**2))))
        if kind in ("exponential", "fixed"):
            return cls(kind)
        raise ValueError(f"duration distribution {kind!r}: allowed {', '.join(KINDS)}")

    @property
    def n_uniforms(self) -> int:
        """Uniforms consumed per variate (an Erlang-k sums k exponential stages)."""
        return int(self.shape) if self.kind == "erlang" else 1

    @property
    def cv(self) -> float:
        """Coefficient of variation of the family."""
        if self.kind in ("erlang", "gamma"):
            return float(1 / np.sqrt(self.shape))
        if self.kind == "lognormal":
            return float(np.sqrt(np.expm1(self.shape**2)))
        return 1.0 if self.kind == "exponential" else 0.0

    def unit(self, u: np.ndarray) -> np.ndarray:
        """Unit-mean variates from uniforms ``u`` of shape ``(n, n_uniforms)``."""
        u = np.asarray(u, dtype=float)
        u = u.reshape(len(u), -1) if u.size else u.reshape(len(u), self.n_uniforms)
        if self.kind == "fixed":
            return np.ones(len(u))
        if self.kind in ("exponential", "erlang"):
            k = self.n_uniforms
            return -np.log1p(-u[:, :k]).sum(axis=1) / k
        if self.kind == "gamma":
            return special.gammaincinv(self.shape, u[:, 0]) / self.shape
        s = self.shape
        return np.exp(s * special.ndtri(u[:, 0]) - 0.5 * s * s)

    def residual(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Unit-mean *remaining* durations of stays in progress at a random moment.

        In equilibrium the stay in progress is length-biased (density ``x f(x) / mean``) and
        the time left is a uniform fraction ``v`` of it: gamma(a) -> gamma(a + 1),
        lognormal(mu, s) -> lognormal(mu + s**2, s), fixed -> fixed.
        """
        u = np.asarray(u, dtype=float).reshape(len(u), 1)
        if self.kind == "fixed":
            biased = np.ones(len(u))
        elif self.kind == "lognormal":
            s = self.shape
            biased = np.exp(s * special.ndtri(u[:, 0]) + 0.5 * s * s)
        else:
            a = self.shape if self.kind != "exponential" else 1.0
            biased = special.gammaincinv(a + 1.0, u[:, 0]) / a
        return np.asarray(v, dtype=float) * biased


def normalised(profile: Sequence[float]) -> np.ndarray:
    """A profile rescaled to mean 1, so it redistributes a total without changing it."""
    p = np.asarray(profile, dtype=float)
    return p * len(p) / p.sum()


@dataclass
class Arrivals:
    """Pre-sampled arrivals, sorted by time: when, which cohort, and what identifies each.

    ``day`` and ``index`` (the arrival's place in its day's draws) identify an arrival across
    scenarios; ``extra`` holds uniforms of its own (routing draws); ``row_seeds[day]`` seeds
    the rows of per-patient attributes of that day (row ``index`` is this arrival's).
    """

    times: np.ndarray
    cohorts: np.ndarray
    day: np.ndarray
    index: np.ndarray
    extra: np.ndarray
    row_seeds: list | None = None

    def __len__(self) -> int:
        return len(self.times)

    def subset(self, keep: np.ndarray) -> Arrivals:
        """The arrivals where ``keep`` is true (same seeds, same identities)."""
        return Arrivals(
            self.times[keep],
            self.cohorts[keep],
            self.day[keep],
            self.index[keep],
            self.extra[keep],
            self.row_seeds,
        )


def poisson_arrivals(
    rng: np.random.Generator,
    daily_rates: np.ndarray,
    hourly: np.ndarray,
    day_factor: np.ndarray | None = None,
    n_extra: int = 0,
    stable: bool = True,
) -> Arrivals:
    """Arrivals of a non-homogeneous Poisson process, sorted by time.

    The intensity is ``daily_rates[day, cohort] * day_factor[day] * hourly[hour] / 24``: piecewise
    constant by the hour. Exact by conditioning: each day's count is Poisson with the day's
    expected total; given the count, hours are drawn from the hourly profile, times uniformly
    within the hour, and cohorts from the day's cohort mix.

    With ``stable`` (the place), the count of each day is drawn by inversion of one uniform and
    each day's arrivals from a generator of that day alone, each arrival from one row of
    uniforms: a scenario that changes the rates a little changes a few arrivals, not the whole
    sequence after them (common random numbers). Without it (a bare queue, for speed), all
    draws come from ``rng`` in turn.

    Args:
        rng: the stream of this arrival process.
        daily_rates: expected arrivals per day, ``(n_days, n_cohorts)``.
        hourly: 24 relative rates, mean 1 (see :func:`normalised`).
        day_factor: a multiplier per day (day of week), mean about 1; none when omitted.
        n_extra: uniforms of its own to draw for each arrival (returned in ``extra``).
        stable: per-day generators and counts by inversion (see above).
    """
    rates = np.asarray(daily_rates, dtype=float)
    n_days, n_cohorts = rates.shape
    total = rates.sum(axis=1)
    if day_factor is not None:
        total = total * day_factor
    width = 3 + n_extra
    row_seeds = None
    if stable:
        seq = rng.bit_generator.seed_seq
        counts = poisson_counts(rng.random(n_days), total)
        day_seqs, row_seeds = seq.spawn(n_days), seq.spawn(n_days)
        blocks = [
            np.random.Generator(np.random.PCG64(day_seqs[d])).random((counts[d], width))
            for d in range(n_days)
        ]
        u = np.concatenate(blocks) if blocks else np.zeros((0, width))
    else:
        counts = rng.poisson(total)
        u = rng.random((int(counts.sum()), width))
    day = np.repeat(np.arange(n_days), counts)
    index = np.arange(len(day)) - np.repeat(np.cumsum(counts) - counts, counts)
    cum_hour = np.cumsum(hourly) / np.sum(hourly)
    hour = np.minimum(np.searchsorted(cum_hour, u[:, 0], side="right"), 23)
    times = day + (hour + u[:, 1]) / 24.0
    cohort = pick_cohorts(rates, day, u[:, 2])
    order = np.argsort(times, kind="stable")
    return Arrivals(times[order], cohort[order], day[order], index[order], u[order, 3:], row_seeds)


def poisson_counts(u: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Poisson counts by inversion of uniforms ``u`` in [0, 1) (a small change of mean moves
    few); zero where the mean is not positive.

    ``scipy.stats.poisson.ppf(u, mean)``, computed as it computes it (``pdtrik``, then one
    step down if ``pdtr`` allows; -1 at ``u == 0``) from :mod:`scipy.special`, so a
    replication does not import ``scipy.stats`` (about 0.4 s).
    """
    u = np.asarray(u, dtype=float)
    mean = np.asarray(mean, dtype=float)
    mu = np.where(mean > 0, mean, 1.0)
    up = np.ceil(special.pdtrik(u, mu))
    down = np.maximum(up - 1, 0)
    out = np.where(special.pdtr(down, mu) >= u, down, up)
    out = np.where(u > 0, out, -1.0)
    return np.where(mean > 0, np.nan_to_num(out), 0).astype(np.int64)


def row_arrays(block: np.ndarray) -> list[array]:
    """The rows of a 2-D block of floats, each as an ``array('d')``.

    Reading an element gives a Python float, as a list would, but a row holds no float
    objects: it is about three times as fast to build as ``block.tolist()``, a third of the
    memory, and nothing for the garbage collector to scan.
    """
    raw = np.ascontiguousarray(block, dtype=np.float64).tobytes()
    width = 8 * (block.shape[1] if block.ndim == 2 else 1)
    return [array("d", raw[i : i + width]) for i in range(0, len(raw), width)]


def arrival_rows(
    arr: Arrivals,
    n_uniforms: int,
    fill: Sequence[Callable],
    days_per_chunk: int = 32,
) -> Iterator[array]:
    """Each arrival's row of per-patient attributes, in arrival order.

    An arrival's row is row ``index`` of its day's rows, drawn from that day's seed
    (``arr.row_seeds[day]``): row k is the same however many rows the day draws, so an arrival
    keeps its attributes across scenarios. Each day draws only as many rows as its last
    arrival needs, and only the arrivals' rows are filled; ``fill`` runs on a chunk of
    ``days_per_chunk`` days at once (the functions are elementwise, so a row's values do not
    depend on the chunk), and each chunk's rows are made when the first of them is consumed
    (the rows are then handed out by a C iterator, with no Python frame per row).
    """
    day, index = arr.day, arr.index
    if len(day) == 0:
        return iter(())
    n_days = int(day[-1]) + 1  # days ascend (arrivals are sorted by time)
    first = np.searchsorted(day, np.arange(n_days + 1)).tolist()

    def chunk(d0: int) -> list[array]:
        blocks = []
        for d in range(d0, min(d0 + days_per_chunk, n_days)):
            lo, hi = first[d], first[d + 1]
            if hi > lo:
                take = index[lo:hi]
                g = np.random.Generator(np.random.PCG64(arr.row_seeds[d]))
                blocks.append(g.random((int(take.max()) + 1, n_uniforms))[take])
        if not blocks:
            return []
        u = np.concatenate(blocks)
        return row_arrays(np.column_stack([f(u) for f in fill]))

    return chain.from_iterable(map(chunk, range(0, n_days, days_per_chunk)))


def pick_cohorts(weights: np.ndarray, day: np.ndarray, u: np.ndarray) -> np.ndarray:
    """For each draw ``i``, the cohort ``c`` with ``cum[day_i, c-1] <= u_i < cum[day_i, c]``."""
    n_days, n_cohorts = weights.shape
    cum = np.cumsum(weights, axis=1)
    tot = cum[:, -1:]
    cum = np.divide(cum, tot, out=np.ones_like(cum), where=tot > 0)
    cum[:, -1] = 1.0
    flat = (cum + np.arange(n_days)[:, None]).ravel()
    pos = np.searchsorted(flat, day + u, side="right")
    return np.minimum(pos - day * n_cohorts, n_cohorts - 1).astype(np.int64)


class Rows:
    """Per-patient random attributes, drawn in chunks from one stream.

    Each row starts from ``n_uniforms`` uniforms; ``derived`` maps a column name to a function of
    the uniform block that gives that column (e.g. unit-mean stay lengths). Rows come out in the
    same order whatever the chunk size, as ``array('d')`` rows (see :func:`row_arrays`).
    """

    def __init__(
        self,
        rng: np.random.Generator,
        n_uniforms: int,
        derived: Sequence[Callable[[np.ndarray], np.ndarray]],
        chunk: int = 4096,
    ) -> None:
        self.rng = rng
        self.n_uniforms = n_uniforms
        self.derived = list(derived)
        self.chunk = chunk
        self._buf: list[array] = []
        self._i = 0
        self.used = 0

    def next(self) -> array:
        """The next patient's row."""
        if self._i == len(self._buf):
            u = self.rng.random((self.chunk, self.n_uniforms))
            self._buf = row_arrays(np.column_stack([f(u) for f in self.derived]))
            self._i = 0
        row = self._buf[self._i]
        self._i += 1
        self.used += 1
        return row


class UniformStream:
    """Uniforms on [0, 1) from one generator, drawn ahead in blocks.

    Calling it gives the same sequence as calling ``rng.random()`` once per value (NumPy fills
    a block with the same doubles, in the same order), at a fraction of the cost of a single
    draw; the generator must be used through this object only.
    """

    def __init__(self, rng: np.random.Generator, block: int = 1024) -> None:
        self.rng = rng
        self.block = block
        self._buf: list[float] = []
        self._i = 0

    def __call__(self) -> float:
        """The next uniform."""
        i = self._i
        if i == len(self._buf):
            self._buf = self.rng.random(self.block).tolist()
            i = 0
        self._i = i + 1
        return self._buf[i]
