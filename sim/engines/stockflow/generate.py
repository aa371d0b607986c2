"""A stepping kernel generated per model, for single runs: the operations written out as code.

The interpreter (:func:`sim.engines.stockflow.kernels.simulate_block`) reads each operation's
kind, stock, group, arcs and capacity from index arrays and branches on them at every step. For
one draw there is no block of draws to spread that cost over, so a single run cost about five
times a hand-written kernel of the same model (``benchmarks/README.md``, ``yardstick.py``).
:func:`kernel_source` instead writes the Python source of one ``@njit`` function for one model,
with that structure resolved when the source is written: the operations in their compiled
order, each with its stock, arcs, group, capacity and conventions as literals. What a step
carries to the next (stocks, occupancy, following limits, period accumulators) sits in one work
array at fixed positions; within a step every value is a local variable assigned once, and the
interpreter's branches are calls to small helpers (:func:`_cap` and the like), which LLVM
inlines. (Written with reassigned variables and inline branches, the 30-stock yardstick model
took 20 s to compile: Numba's SSA pass grows with reassigned names times function length.)

The generated code does each draw's arithmetic exactly as the interpreter does (the same
operations on the same values in the same order, calling the interpreter's ``_interp`` and
``_per_step``), so its results are the interpreter's bit for bit; the tests check this on the
yardstick model, random models and a model of the remaining features
(``tests/engine/test_generate.py``), and optionally on every model of the engine tests
(``tests/engine/conftest.py``).

Parameters, initial stocks and series are arguments, not literals, so one kernel serves every
parameter set of a model. Sources are written to a cache directory (:func:`cache_dir`), named by
a hash of the source (which carries a hash of ``kernels.py`` and this file, whose helpers it
calls), and imported from there with Numba's ``cache=True``: a second process loads the
compiled kernel instead of compiling it again. Nothing is downloaded.
:func:`sim.engines.stockflow.engine.run_arrays` chooses between the two kernels.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from numba import njit

from sim.engines.stockflow import kernels
from sim.engines.stockflow.compile import (
    DEMAND,
    DRAIN,
    END,
    FLOW,
    HAZARD,
    INFLOW,
    LEVEL,
    LIMIT,
    LOOKUP,
    MAX,
    MEAN,
    MIN,
    RESIDENCE,
    ROOM,
    SUM,
    TRANSFER,
    CompiledModel,
)
from sim.engines.stockflow.kernels import _interp, _per_step
from sim.engines.stockflow.model import LEDGER

MAX_LINES = 3000
"""``run_arrays(kernel="auto")`` keeps the interpreter for models whose generated kernel would be
longer than this (lines of source).

Numba/LLVM compile time grows with the length of the generated function, about 5 ms a line
(:func:`compile_seconds`; more beyond a few thousand lines), so 3,000 lines is 15-25 s of
compilation. The yardstick model is 885 lines; the default place (4,044 operations, 2,710
stocks) would be about 87,500 lines, some ten minutes of compilation for a single run the
interpreter does in a fraction of a second, so it keeps the interpreter."""

COMPILE_FIXED_S = 1.0
COMPILE_PER_LINE_S = 0.005
"""Compile time of a generated kernel, seconds: fixed, and per line of source. Measured on
the 2-core machine of ``benchmarks/README.md`` (models of 100 to 1,800 lines: 1.5 to 10 s)."""

_HELPERS_HASH = hashlib.sha256(
    Path(kernels.__file__).read_bytes() + Path(__file__).read_bytes()
).hexdigest()[:16]
"""A hash of ``kernels.py`` and this file: the generated code calls their helpers, and Numba's
cache of a generated kernel does not notice when they change, so the hash is in the source."""


class GenerationError(Exception):
    """The generator cannot write a kernel for this model (the interpreter runs it instead)."""


def cache_dir() -> Path:
    """Where generated kernels and their Numba caches are kept: ``$SIM_KERNEL_CACHE`` if set,
    else ``$XDG_CACHE_HOME/nhs-care-shift-sim/stockflow`` (``~/.cache`` by default).
    """
    env = os.environ.get("SIM_KERNEL_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nhs-care-shift-sim" / "stockflow"


def _lit(v: float) -> str:
    """A float as a Python literal that reads back to exactly the same value."""
    v = float(v)
    if math.isnan(v):
        return "math.nan"
    if math.isinf(v):
        return "math.inf" if v > 0 else "(-math.inf)"
    text = repr(v)
    return f"({text})" if text.startswith("-") else text


def _acc_start(stat: int) -> str:
    """The literal a period's accumulator starts from (as ``kernels._acc_start``)."""
    return {MAX: "(-math.inf)", MIN: "math.inf"}.get(stat, "0.0")


# -- helpers the generated code calls --------------------------------------------------------
# Each is one branch of the interpreter written as a function, so the generated function body
# is straight-line code: Numba's passes (its SSA reconstruction above all) grow with the number
# of branches times the number of reassigned variables, and compiling the yardstick model with
# the branches written out took 20 s. LLVM inlines these back.


@njit(cache=True)
def _cap(v: float, hi: float) -> float:
    """``v``, at most ``hi`` (``if v > hi: v = hi``)."""
    return hi if v > hi else v


@njit(cache=True)
def _lesser(v: float, w: float) -> float:
    """``v if v < w else w``."""
    return v if v < w else w


@njit(cache=True)
def _pos(v: float) -> float:
    """``v``, at least 0."""
    return v if v > 0.0 else 0.0


@njit(cache=True)
def _last(total: float, share: float, remaining: float) -> float:
    """The last route of an operation: the remainder if it has a share (``kernels._route``)."""
    return remaining if share > 0.0 else _cap(total * share, remaining)


@njit(cache=True)
def _ration(demand: float, free: float) -> float:
    """The fraction of a transfer's demand (people) that its free room (people) allows."""
    return 1.0 if demand <= free else free / demand


@njit(cache=True)
def _per_limit(v: float, limit: float) -> float:
    """A lookup's input divided by its capacity's limit (infinite when the limit is 0)."""
    return v / limit if limit > 0.0 else math.inf


@njit(cache=True)
def _fill(free: float, dt: float, fill_days: float) -> float:
    """Free room (people) a step of ``dt`` days may fill with a fill time of ``fill_days``."""
    if fill_days > 0.0:
        phi = dt / fill_days
        if phi < 1.0:
            free *= phi
    return free


@njit(cache=True)
def _leave_total(k_sum: float, dt: float) -> float:
    """Fraction leaving under a total hazard ``k_sum`` (per day) over ``dt`` days."""
    return -math.expm1(-k_sum * dt) if k_sum > 0.0 else 0.0


@njit(cache=True)
def _split(total: float, k: float, k_sum: float) -> float:
    """A hazard's part ``k / k_sum`` of the fraction ``total`` leaving."""
    return total * (k / k_sum) if k_sum > 0.0 else 0.0


@njit(cache=True)
def _stage_terms(p: float, k_sum: float, dt: float) -> tuple[bool, float, float, float]:
    """A delay stage's exit probability ``p`` competing with hazards ``k_sum`` (per day):
    (exit alone?, fraction leaving, exit hazard, total hazard), as ``kernels._group_fractions``.
    """
    if k_sum == 0.0 or p >= 1.0:
        return True, 0.0, 0.0, 0.0
    h_r = -math.log1p(-p) / dt
    h_sum = h_r + k_sum
    total = p + (1.0 - p) * -math.expm1(-k_sum * dt)
    return False, total, h_r, h_sum


@njit(cache=True)
def _stage_hazard(alone: bool, total: float, k: float, h_sum: float) -> float:
    """A hazard's fraction of a stage that also has an exit."""
    return 0.0 if alone else total * (k / h_sum)


@njit(cache=True)
def _stage_exit(alone: bool, p: float, total: float, h_r: float, h_sum: float) -> float:
    """The exit's fraction of a stage that also has hazards."""
    return p if alone else total * (h_r / h_sum)


@njit(cache=True)
def _max_acc(v: float, acc: float) -> float:
    """A running maximum (``if v > acc: acc = v``)."""
    return v if v > acc else acc


@njit(cache=True)
def _lookup(v: float, xs: np.ndarray, ys: np.ndarray, p0: int, p1: int) -> float:
    """``kernels._interp``, called (not inlined into the generated code by Numba)."""
    return _interp(v, xs, ys, p0, p1)


@njit(cache=True)
def _step_fraction(g: float, dt: float) -> float:
    """``kernels._per_step``, called (not inlined into the generated code by Numba)."""
    return _per_step(g, dt)


_HELPER_NAMES = (
    "_cap", "_lesser", "_pos", "_last", "_ration", "_per_limit", "_fill", "_leave_total",
    "_split", "_stage_terms", "_stage_hazard", "_stage_exit", "_max_acc",
    "_lookup", "_step_fraction",
)  # fmt: skip


class _Writer:
    """Lines of source with indentation, and fresh names for temporaries."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 0
        self.n_tmp = 0

    def __call__(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def tmp(self, stem: str = "v") -> str:
        """A name not used before: every temporary is assigned once."""
        self.n_tmp += 1
        return f"{stem}_{self.n_tmp}"


def kernel_source(compiled: CompiledModel) -> str:
    """The Python source of a module defining ``step_draw``, the model's single-draw kernel.

    ``step_draw(P, X0, Z, dt, n_steps, record_every, out, ledger, final, lk_xs, lk_ys)`` steps
    draw 0 of ``P`` (parameters), ``X0`` (initial stocks, people) and ``Z`` (series) for
    ``n_steps`` steps of ``dt`` days, writing reports into ``out[0]`` (the ledger's rows also
    into ``ledger[0]``, in float64) and the last state into ``final[0]``,
    as ``simulate_block`` does for a block of one draw. Raises :class:`GenerationError` for a
    model it cannot write (too many operations, or a structure it does not know).

    What is carried from one step to the next (stocks, occupancy, following limits, period
    accumulators) lives in one work array ``W`` at fixed positions, read at the start of a step
    and written at its end. Within a step every value is a local variable assigned once (a
    stock changed by three flows is three new names), and so is every constant before the loop:
    Numba's compile time grows with the number of variables assigned more than once times the
    size of the function, and LLVM keeps such values in registers.
    """
    return _Generator(compiled).source()


class _Generator:
    """Writes the kernel of one compiled model (see :func:`kernel_source`)."""

    def __init__(self, compiled: CompiledModel) -> None:
        a = {k: np.asarray(v) for k, v in compiled.arrays.items()}
        self.a = a
        self.n_stocks = len(a["stock_same_step"])
        self.n_ops = len(a["op_kind"])
        self.n_arcs = len(a["arc_src"])
        self.n_caps = len(a["cap_param"])
        self.n_lk = len(a["lk_t0"])
        self.n_rep = len(a["rep_kind"])
        self._check_structure()
        self.w = _Writer()
        self.slots: dict[tuple[str, int], int] = {}
        self.cur: dict[tuple[str, int], str] = {}  # the current name of a changing value

    # -- checks ---------------------------------------------------------------------------
    def _check_structure(self) -> None:
        """Refuse what the generated code does not reproduce exactly."""
        a = self.a
        for o in range(self.n_ops):
            kind = int(a["op_kind"][o])
            if kind not in (INFLOW, HAZARD, RESIDENCE, DRAIN, TRANSFER):
                raise GenerationError(f"operation {o}: unknown kind {kind}")
            end = int(a["op_group_end"][o])
            if kind in (HAZARD, RESIDENCE) and end >= 0:
                members = range(o, end)
                if any(int(a["op_kind"][m]) not in (HAZARD, RESIDENCE) for m in members):
                    raise GenerationError(f"operation {o}: a group with other kinds")
                if sum(int(a["op_kind"][m]) == RESIDENCE for m in members) > 1:
                    # The interpreter would read a stale fraction for the first exit.
                    raise GenerationError(f"operation {o}: a group with two delay exits")
                if any(int(a["op_group_end"][m]) != -1 for m in members[1:]):
                    raise GenerationError(f"operation {o}: overlapping groups")
            if kind == TRANSFER and int(a["op_cap"][o]) < 0:
                raise GenerationError(f"operation {o}: a transfer without a capacity")
        for r in range(self.n_rep):
            if int(a["rep_kind"][r]) not in (LEVEL, FLOW, LOOKUP, LIMIT, DEMAND, ROOM):
                raise GenerationError(f"report {r}: unknown kind")
            if int(a["rep_stat"][r]) not in (SUM, MEAN, END, MAX, MIN):
                raise GenerationError(f"report {r}: unknown statistic")

    # -- structure read once -------------------------------------------------------------
    def _report_linear(self, r: int) -> bool:
        """As the interpreter: reports linear in what is accumulated are evaluated per period."""
        a = self.a
        k, st = int(a["rep_kind"][r]), int(a["rep_stat"][r])
        linear = (
            (k == LEVEL and st in (MEAN, END))
            or (k == FLOW and st == SUM)
            or (k in (LOOKUP, LIMIT) and st == MEAN)
        )
        terms = range(int(a["rep_t0"][r]), int(a["rep_t1"][r]))
        return linear and all(int(a["rep_lookup"][i]) < 0 for i in terms)

    def _terms(self, r: int) -> list[tuple[int, float, int]]:
        """(target, weight, lookup) of each term of report ``r``."""
        a = self.a
        return [
            (int(a["rep_target"][i]), float(a["rep_weight"][i]), int(a["rep_lookup"][i]))
            for i in range(int(a["rep_t0"][r]), int(a["rep_t1"][r]))
        ]

    def _targets(self, kind: int, *, stat: int | None = None, linear: bool = True) -> list[int]:
        """Targets of the (linear) reports of one kind (and statistic), sorted."""
        a = self.a
        found = set()
        for r in range(self.n_rep):
            if int(a["rep_kind"][r]) != kind or (linear and not self.linear[r]):
                continue
            if stat is not None and int(a["rep_stat"][r]) != stat:
                continue
            found.update(t for t, _, _ in self._terms(r))
        return sorted(found)

    def _constant_group(self, o: int) -> bool:
        """A group whose members use no series and no lookup: fractions fixed for the run."""
        a = self.a
        end = int(a["op_group_end"][o])
        return all(
            int(a["op_series"][m]) == 0 and int(a["op_lookup"][m]) < 0 for m in range(o, end)
        )

    def W(self, kind: str, i: int) -> str:
        """The work-array element carrying ``kind`` ``i`` across steps (made on first use)."""
        key = (kind, i)
        if key not in self.slots:
            self.slots[key] = len(self.slots)
        return f"W[{self.slots[key]}]"

    def change(self, kind: str, i: int, op: str, operand: str) -> None:
        """``value op= operand`` for a changing value, as a new name."""
        new = self.w.tmp(f"{kind}{i}")
        self.w(f"{new} = {self.cur[(kind, i)]} {op} {operand}")
        self.cur[(kind, i)] = new

    @staticmethod
    def _sum(terms: list[str]) -> str:
        """``0.0 + t1 + t2 ...``: left to right, as the interpreter's ``v = 0.0; v += t``."""
        return " + ".join(["0.0", *terms])

    # -- writing --------------------------------------------------------------------------
    def source(self) -> str:
        """The module's source (see :func:`kernel_source`)."""
        self.linear = [self._report_linear(r) for r in range(self.n_rep)]
        self.acc_arcs = self._targets(FLOW)
        self.acc_stocks = self._targets(LEVEL, stat=MEAN)
        self.acc_lks = self._targets(LOOKUP)
        self.acc_caps = self._targets(LIMIT)
        self.room0_caps = self._targets(ROOM, linear=False)
        body = self.w
        body.depth = 1
        self._setup()
        body("for t in range(n_steps):")
        body.depth = 2
        self._step_start()
        for o in range(self.n_ops):
            self._operation(o)
        self._commit()
        self._reports()
        body.depth = 1
        for s in range(self.n_stocks):
            body(f"final[0, {s}] = {self.W('x', s)}")
        head = [
            '"""Generated by sim.engines.stockflow.generate: do not edit."""',
            f"# kernels.py and generate.py: {_HELPERS_HASH}",
            "import math",
            "",
            "import numpy as np",
            "from numba import njit",
            "",
            f"from sim.engines.stockflow.generate import {', '.join(_HELPER_NAMES)}",
            "",
            "",
            '@njit(cache=True, error_model="numpy")',
            "def step_draw(P, X0, Z, dt, n_steps, record_every, out, ledger, final, lk_xs, lk_ys):",
            f"    W = np.zeros({len(self.slots)})",
        ]
        return "\n".join(head + body.lines) + "\n"

    def _setup(self) -> None:
        """State and constants before the first step (``simulate_block``'s preamble)."""
        a, w = self.a, self.w
        for s in range(self.n_stocks):
            w(f"{self.W('x', s)} = X0[0, {s}]")
        for f in range(self.n_arcs):
            w(f"sh{f} = P[0, {int(a['arc_share'][f])}]")
        for c in range(self.n_caps):
            w(f"{self.W('fw', c)} = P[0, {int(a['cap_param'][c])}]")
            if int(a["cap_fill"][c]) >= 0:
                w(f"fd{c} = P[0, {int(a['cap_fill'][c])}]")
            if int(a["cap_follow"][c]) >= 0:
                w(f"fs{c} = -math.expm1(-dt / P[0, {int(a['cap_lag'][c])}])")
                w(f"ft{c} = P[0, {int(a['cap_follow'][c])}]")
        for r in range(self.n_rep):
            if not self.linear[r]:
                w(f"{self.W('acc', r)} = {_acc_start(int(a['rep_stat'][r]))}")
        w("steps_in_period = 0")
        for o in range(self.n_ops):
            if int(a["op_param"][o]) >= 0:
                w(f"rt{o} = P[0, {int(a['op_param'][o])}] * {_lit(a['op_scale'][o])}")
            else:
                w(f"rt{o} = 0.0")
        for o in range(self.n_ops):
            end = int(a["op_group_end"][o])
            if end >= 0 and int(a["op_kind"][o]) in (HAZARD, RESIDENCE) and self._constant_group(o):
                self._group_fractions(o, end, {m: "1.0" for m in range(o, end)})
        for c in range(self.n_caps):
            stocks = [self.W("x", s) for s in range(self.n_stocks) if int(a["stock_cap"][s]) == c]
            w(f"{self.W('ln', c)} = {self._sum(stocks)}")

    def _step_start(self) -> None:
        """The carried state, limits, occupancy and lookups at the start of a step."""
        a, w = self.a, self.w
        for i in sorted({int(z) for z in a["op_series"]} | {int(z) for z in a["cap_series"]}):
            w(f"z{i} = Z[0, {i}, t]")
        for s in range(self.n_stocks):
            w(f"x{s} = {self.W('x', s)}")
            self.cur[("xn", s)] = self.cur[("av", s)] = f"x{s}"
        for c in range(self.n_caps):
            w(f"fw{c} = {self.W('fw', c)}")
            w(f"lim{c} = fw{c} * z{int(a['cap_series'][c])}")
            w(f"lv{c} = {self.W('ln', c)}")
            self.cur[("lv", c)] = f"lv{c}"
            if c in self.room0_caps:
                w(f"r0{c} = _pos(lim{c} - lv{c})")
        for k in range(self.n_lk):
            terms = []
            for i in range(int(a["lk_t0"][k]), int(a["lk_t1"][k])):
                s = int(a["lk_stock"][i])
                terms.append(f"{_lit(a['lk_weight'][i])} * {f'x{s}' if s >= 0 else f'lv{-1 - s}'}")
            v = w.tmp()
            w(f"{v} = {self._sum(terms)}")
            c = int(a["lk_cap"][k])
            if c >= 0:
                u = w.tmp()
                w(f"{u} = _per_limit({v}, lim{c})")
                v = u
            w(f"lk{k} = _lookup({v}, lk_xs, lk_ys, {int(a['lk_p0'][k])}, {int(a['lk_p1'][k])})")

    def _operation(self, o: int) -> None:
        """One operation of the step (a group of competing risks from its first member)."""
        a, w = self.a, self.w
        kind = int(a["op_kind"][o])
        if kind == TRANSFER:
            self._transfer(o)
            return
        s = int(a["op_src"][o])
        if kind in (HAZARD, RESIDENCE):
            end = int(a["op_group_end"][o])
            if end < 0:
                return  # a later member of a group, stepped with its first member
            if not self._constant_group(o):
                mults = {}
                for m in range(o, end):
                    mults[m] = w.tmp("mu")
                    z = f"z{int(a['op_series'][m])}"
                    lm = int(a["op_lookup"][m])
                    w(f"{mults[m]} = {z} * lk{lm}" if lm >= 0 else f"{mults[m]} = {z}")
                if end == o + 1:  # one member (the common case): no split
                    if kind == HAZARD:
                        w(f"fr{o} = -math.expm1(-rt{o} * {mults[o]} * dt)")
                    else:
                        w(f"fr{o} = _cap(dt * {mults[o]} / rt{o}, 1.0)")
                else:
                    self._group_fractions(o, end, mults)
            base = w.tmp("base")
            w(f"{base} = _lesser(x{s}, {self.cur[('av', s)]})")
            for m in range(o, end):
                total = w.tmp("total")
                w(f"{total} = _cap({base} * fr{m}, {self.cur[('av', s)]})")
                self._route(total, s, int(a["op_arc0"][m]), int(a["op_arc1"][m]))
            return
        total = w.tmp("total")
        if kind == DRAIN:
            w(f"{total} = {self.cur[('av', s)]}")
        else:  # INFLOW
            v = f"rt{o} * z{int(a['op_series'][o])} * dt"
            lo = int(a["op_lookup"][o])
            w(f"{total} = {v} * lk{lo}" if lo >= 0 else f"{total} = {v}")
        self._route(total, s, int(a["op_arc0"][o]), int(a["op_arc1"][o]))

    def _group_fractions(self, o: int, end: int, mults: dict[int, str]) -> None:
        """As ``kernels._group_fractions``: each member's fraction ``fr{m}`` of the stock."""
        a, w = self.a, self.w
        members = range(o, end)
        exits = [m for m in members if int(a["op_kind"][m]) == RESIDENCE]
        hazards = [m for m in members if int(a["op_kind"][m]) == HAZARD]
        for m in hazards:
            w(f"k{m} = rt{m} * {mults[m]}")
        k_sum = w.tmp("k_sum")
        w(f"{k_sum} = {self._sum([f'k{m}' for m in hazards])}")
        if not exits:
            total = w.tmp("total")
            w(f"{total} = _leave_total({k_sum}, dt)")
            for m in hazards:
                w(f"fr{m} = _split({total}, k{m}, {k_sum})")
            return
        r = exits[0]
        p, alone, total, h_r, h_sum = (w.tmp(n) for n in ("p", "alone", "total", "h_r", "h_sum"))
        w(f"{p} = _cap(dt * {mults[r]} / rt{r}, 1.0)")
        w(f"{alone}, {total}, {h_r}, {h_sum} = _stage_terms({p}, {k_sum}, dt)")
        for m in hazards:
            w(f"fr{m} = _stage_hazard({alone}, {total}, k{m}, {h_sum})")
        w(f"fr{r} = _stage_exit({alone}, {p}, {total}, {h_r}, {h_sum})")

    def _route(self, total: str, s: int, a0: int, a1: int) -> None:
        """As ``kernels._route``: move ``total`` out of stock ``s`` (or in, ``s < 0``) by the
        routing shares of arcs ``a0:a1``; the last arc with a share takes the remainder.
        """
        w = self.w
        remaining = total
        for f in range(a0, a1):
            if f == a1 - 1:
                w(f"fl{f} = _last({total}, sh{f}, {remaining})")
            else:
                w(f"fl{f} = _cap({total} * sh{f}, {remaining})")
                nxt = w.tmp("remaining")
                w(f"{nxt} = {remaining} - fl{f}")
                remaining = nxt
            self._move(f, s, int(self.a["arc_dst"][f]))

    def _move(self, f: int, s: int, d: int) -> None:
        """Book flow ``fl{f}`` out of stock ``s`` and into stock ``d`` (either may be -1)."""
        if s >= 0:
            self.change("av", s, "-", f"fl{f}")
            self.change("xn", s, "-", f"fl{f}")
        if d >= 0:
            self.change("xn", d, "+", f"fl{f}")
            if bool(self.a["stock_same_step"][d]):
                self.change("av", d, "+", f"fl{f}")
        co = int(self.a["arc_cap_out"][f])
        if co >= 0:
            self.change("lv", co, "-", f"fl{f}")

    def _transfer(self, o: int) -> None:
        """As ``kernels._transfer``: moves ask a fraction per day of what is available in
        their sources and share the capacity's room in proportion.
        """
        a, w = self.a, self.w
        c = int(a["op_cap"][o])
        zo = int(a["op_series"][o])
        lo = int(a["op_lookup"][o])
        arcs = range(int(a["op_arc0"][o]), int(a["op_arc1"][o]))
        per_day = bool(a["cap_per_day"][c])
        for f in arcs:
            zt = w.tmp("zt")
            w(f"{zt} = z{zo} * lk{lo}" if lo >= 0 else f"{zt} = z{zo}")
            src = self.cur[("av", int(a["arc_src"][f]))]
            w(f"dm{f} = {src} * _step_fraction(sh{f} * {zt}, dt)")
        demand = w.tmp("demand")
        w(f"{demand} = {self._sum([f'dm{f}' for f in arcs])}")
        first_use = not any(
            int(a["op_kind"][m]) == TRANSFER and int(a["op_cap"][m]) == c for m in range(o)
        )
        if first_use:  # the room is set at the capacity's first use in the step
            room = w.tmp(f"rm{c}")
            if per_day:
                w(f"{room} = lim{c} * dt")
            elif int(a["cap_fill"][c]) >= 0:
                w(f"{room} = _fill(_pos(lim{c} - {self.cur[('lv', c)]}), dt, fd{c})")
            else:
                w(f"{room} = _pos(lim{c} - {self.cur[('lv', c)]})")
            self.cur[("rm", c)] = room
        ration = w.tmp("ration")
        w(f"{ration} = _ration({demand}, _pos({self.cur[('rm', c)]}))")
        used = []
        for f in arcs:
            s = int(a["arc_src"][f])
            w(f"fl{f} = _cap(dm{f} * {ration}, {self.cur[('av', s)]})")
            self._move(f, s, int(a["arc_dst"][f]))
            if per_day or int(a["arc_cap_in"][f]) == c:
                used.append(f"fl{f}")
        self.change("rm", c, "-", f"({self._sum(used)})")

    def _commit(self) -> None:
        """End of a step: the census carried to the next step, occupancy, accumulators."""
        a, w = self.a, self.w
        x = {s: self.cur[("xn", s)] for s in range(self.n_stocks)}  # the census, as names
        self.census = x
        for s in range(self.n_stocks):
            w(f"{self.W('x', s)} = {x[s]}")
        for c in range(self.n_caps):
            stocks = [x[s] for s in range(self.n_stocks) if int(a["stock_cap"][s]) == c]
            w(f"ln{c} = {self._sum(stocks)}")
            w(f"{self.W('ln', c)} = ln{c}")
            if int(a["cap_follow"][c]) >= 0:
                w(f"{self.W('fw', c)} = fw{c} + fs{c} * (ln{c} / ft{c} - fw{c})")
        for s in self.acc_stocks:
            w(f"{self.W('la', s)} += {x[s]}")
        for f in self.acc_arcs:
            w(f"{self.W('fa', f)} += fl{f}")
        w("steps_in_period += 1")
        for k in self.acc_lks:
            w(f"{self.W('ka', k)} += lk{k}")
        for c in self.acc_caps:
            w(f"{self.W('ma', c)} += lim{c}")

    def _reports(self) -> None:
        """Step-by-step report statistics, and each period's values when it ends."""
        a, w = self.a, self.w
        x = self.census
        for r in range(self.n_rep):
            if self.linear[r]:
                continue
            kind, st = int(a["rep_kind"][r]), int(a["rep_stat"][r])
            terms = []
            for q, wt, lk in self._terms(r):
                if kind == LEVEL:
                    term = x[q]
                elif kind == FLOW:
                    term = f"fl{q}" if lk < 0 else f"(fl{q} * lk{lk})"
                else:
                    term = {DEMAND: "dm", LOOKUP: "lk", LIMIT: "lim", ROOM: "r0"}[kind] + str(q)
                terms.append(f"{_lit(wt)} * {term}")
            v = w.tmp()
            w(f"{v} = {self._sum(terms)}")
            if kind in (FLOW, DEMAND) and st in (MAX, MIN):
                u = w.tmp()
                w(f"{u} = {v} / dt")
                v = u
            acc = self.W("acc", r)
            if st == MAX:
                w(f"{acc} = _max_acc({v}, {acc})")
            elif st == MIN:
                w(f"{acc} = _lesser({v}, {acc})")  # a running minimum
            elif st == END:
                w(f"{acc} = {v}")
            else:
                w(f"{acc} += {v}")
        w("if steps_in_period == record_every or t == n_steps - 1:")
        w.depth += 1
        w("period = t // record_every")
        for r in range(self.n_rep):
            kind, st = int(a["rep_kind"][r]), int(a["rep_stat"][r])
            tail = " / steps_in_period" if st == MEAN else ""
            if not self.linear[r]:
                acc = self.W("acc", r)
                self._record(r, f"{acc}{tail}")
                w(f"{acc} = {_acc_start(st)}")
                continue
            terms = []
            for q, wt, _ in self._terms(r):
                if kind == LEVEL:
                    term = x[q] if st == END else self.W("la", q)
                else:
                    term = self.W({FLOW: "fa", LOOKUP: "ka", LIMIT: "ma"}[kind], q)
                terms.append(f"{_lit(wt)} * {term}")
            v = w.tmp()
            w(f"{v} = {self._sum(terms)}")
            self._record(r, f"{v}{tail}")
        for (kind, _), slot in self.slots.items():
            if kind in ("fa", "la", "ka", "ma"):
                w(f"W[{slot}] = 0.0")
        w("steps_in_period = 0")
        w.depth -= 1

    def _record(self, r: int, value: str) -> None:
        """Write report ``r``'s period value; a ledger row also into ``ledger`` (float64)."""
        w = self.w
        if r >= len(LEDGER):
            w(f"out[0, {r}, period] = {value}")
            return
        v = w.tmp()
        w(f"{v} = {value}")
        w(f"out[0, {r}, period] = {v}")
        w(f"ledger[0, {r}, period] = {v}")


_LOADED: dict[str, Callable] = {}
"""Kernels imported in this process, by module name."""


def kernel_name(compiled: CompiledModel) -> str:
    """The generated module's name, ``sf_`` and a hash of its source (kept on ``compiled``)."""
    memo = compiled.memo
    if "kernel_name" not in memo:
        source = kernel_source(compiled)
        memo["kernel_source"] = source
        memo["kernel_lines"] = source.count("\n")
        memo["kernel_name"] = "sf_" + hashlib.sha256(source.encode()).hexdigest()[:24]
    return memo["kernel_name"]


def is_ready(compiled: CompiledModel) -> bool:
    """Whether the model's kernel is loaded in this process or compiled in the disk cache (a
    Numba index next to its source), so that using it costs no compilation.
    """
    name = kernel_name(compiled)
    if name in _LOADED:
        return True
    return any((cache_dir() / "__pycache__").glob(f"{name}.step_draw-*.nbi"))


def compile_seconds(compiled: CompiledModel) -> float:
    """A rough estimate of the seconds Numba takes to compile the model's kernel
    (:data:`COMPILE_FIXED_S` plus :data:`COMPILE_PER_LINE_S` a line of source).
    """
    kernel_name(compiled)
    return COMPILE_FIXED_S + COMPILE_PER_LINE_S * compiled.memo["kernel_lines"]


def fits(compiled: CompiledModel) -> bool:
    """Whether ``kernel="auto"`` may use a generated kernel for this model: it can be
    generated, in at most :data:`MAX_LINES` lines (a model with more stocks, arcs and reports
    than that is refused without writing its source).
    """
    a = compiled.arrays
    if len(a["stock_same_step"]) + len(a["arc_src"]) + len(a["rep_kind"]) > MAX_LINES:
        return False
    try:
        kernel_name(compiled)
    except GenerationError:
        return False
    return compiled.memo["kernel_lines"] <= MAX_LINES


def load_kernel(compiled: CompiledModel) -> Callable:
    """The compiled model's generated kernel ``step_draw``: from this process's memory, else
    imported from the cache directory (written there first if new). Numba compiles it on its
    first call, or loads it from its own cache next to the source. Raises
    :class:`GenerationError` if the model cannot be generated.
    """
    name = kernel_name(compiled)
    if name in _LOADED:
        return _LOADED[name]
    directory = cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.py"
    if not path.exists():  # named by its content: an existing file holds this source
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(fd, "w") as fh:
            fh.write(compiled.memo["kernel_source"])
        os.replace(tmp, path)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    _LOADED[name] = module.step_draw
    return module.step_draw
