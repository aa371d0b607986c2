"""Parameter rows without rebuilding the model: the place's values, declared cheaply.

A sweep runs many variants of one place as rows of one parameter matrix. The model's
*structure* (stocks, arcs, reports) is built and compiled once per structure group; for each
variant only the parameter *values* are needed. :class:`ValueModel` is a
:class:`~sim.engines.stockflow.model.Model` whose declaration methods record parameter values
and nothing else (no arcs, no checks, no reports), so the place's own declaration code
(:mod:`sim.place.stockflow.declare`) computes every value exactly as a full build does, in a
fraction of the time. Its ``fingerprint`` (the parameter names, which carry stage counts and
routes, and the lookup tables) tells when a variant would change the structure; then the
variant needs a group of its own.

:func:`check_against_full_build` proves, for a group's first variant, that the cheap
declaration gives the same names and values as :func:`~sim.place.stockflow.declare.build_model`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from sim.config.errors import ConfigError
from sim.engines.stockflow.compile import CompiledModel
from sim.engines.stockflow.model import Model, ModelError
from sim.place.cohorts import Place
from sim.place.levers import Targets
from sim.place.stockflow import declare as sf_place


class ValueModel(Model):
    """A model declaration that keeps only parameter values (``values``: name -> value) and
    the lookup tables; every other declaration is reduced to naming its parameters.
    """

    def __init__(self, name: str = "model") -> None:
        super().__init__(name)
        self.values: dict[str, float] = {}
        self.tables: list[tuple[str, tuple[float, ...], tuple[float, ...]]] = []
        self.params = self.values  # type: ignore[assignment]  # membership tests by name

    def param(self, name, value, *, kind="nonnegative", units="", description=""):  # noqa: D102
        if name in self.values:
            raise ModelError(f"parameter {name!r} is declared twice")
        self.values[name] = float(value)
        return name

    def _value(self, v, auto_name, kind="nonnegative"):
        if isinstance(v, str):
            return v
        self.values[auto_name] = float(v)
        return auto_name

    def stock(self, name, initial=0.0, *, same_step=False):  # noqa: D102
        self._value(initial, f"{name}.initial")
        return name

    def delay(  # noqa: D102
        self,
        name,
        mean_days,
        stages,
        to,
        *,
        initial=0.0,
        series=None,
        lookup=None,
        exit="outflow",
    ):
        self._value(mean_days, f"{name}.mean_days")
        self._value(initial, f"{name}.initial")
        names = [f"{name}[{i + 1}]" for i in range(stages)]
        for i in range(stages - 1):
            self.values[f"{name}.stage{i + 1}->{names[i + 1]}.share"] = 1.0
        self._routes(f"{name}.stage{stages}", to, exit)
        return names

    def transfer(  # noqa: D102
        self, name, capacity, moves, *, fraction_per_day=1.0, series=None, lookup=None, first=False
    ):
        frac = self._value(fraction_per_day, f"{name}.fraction_per_day")
        del frac
        for move in moves:
            if len(move) == 3:
                self._value(move[2], f"{name}:{move[0]}->{move[1]}.fraction")
        return name

    def _operation(
        self, name, kind, src, rate, to, *, series=None, lookup=None, exit="outflow", rate_scale=1.0
    ):
        self._routes(name, to, exit)
        return name

    def _routes(self, name: str, to: object, exit: str) -> None:
        values = self.values
        if to is None or isinstance(to, str):  # one destination (the common case)
            values[f"{name}->{exit if to is None else to}.share"] = 1.0
            return
        for dst, share in to.items():  # a mapping of destinations to shares
            if not isinstance(share, str):
                values[f"{name}->{exit if dst is None else dst}.share"] = float(share)

    def capacity(  # noqa: D102
        self,
        name,
        limit,
        *,
        stocks=(),
        per_day=False,
        series=None,
        convention="same_step",
        fill_time_days=None,
        follow_occupancy=None,
        lag_days=None,
    ):
        self._value(limit, f"{name}.limit")
        for value, suffix in (
            (fill_time_days, "fill_time_days"),
            (follow_occupancy, "follow_occupancy"),
            (lag_days, "lag_days"),
        ):
            if value is not None:
                self._value(value, f"{name}.{suffix}")
        return name

    def lookup(self, name, of, xs, ys, *, per_capacity=None):  # noqa: D102
        self.tables.append((name, tuple(map(float, xs)), tuple(map(float, ys))))
        return name

    def describe(self, var, *, units, long_name):  # noqa: D102
        return var

    def report(self, var, **kw) -> None:  # noqa: D102
        return None

    def fingerprint(self) -> tuple:
        """What a variant shares with others in its structure group: parameter names (in
        declaration order) and lookup tables.
        """
        return (tuple(self.values), tuple(self.tables))


def declare_values(
    place: Place, dt_days: float, levers: Mapping[str, Targets] | None = None
) -> ValueModel:
    """The place's parameter values, declared as :func:`sf_place.build_model` declares them
    but without arcs or reports (which hold no parameters).
    """
    vm = ValueModel(f"place:{place.cfg.name}")
    sf_place.declare_place(vm, place, dt_days, levers, reports=False)
    return vm


def param_row(compiled: CompiledModel, values: Mapping[str, float]) -> np.ndarray:
    """One row of the compiled model's parameter matrix from declared values."""
    return np.fromiter((values[p] for p in compiled.param_names), float, len(compiled.param_names))


def check_against_full_build(compiled: CompiledModel, vm: ValueModel) -> None:
    """Raise unless the cheap declaration gives exactly the full build's names and values."""
    full = compiled.model.params
    if set(full) != set(vm.values):
        extra = sorted(set(vm.values) ^ set(full))[:3]
        raise ModelError(f"value-only declaration differs from the full build in {extra}")
    for name, p in full.items():
        v = vm.values[name]
        if not (v == p.value or (math.isnan(v) and math.isnan(p.value))):
            raise ModelError(f"value-only declaration gives {name} = {v}, full build {p.value}")
    tables = tuple((k, lk.xs, lk.ys) for k, lk in compiled.model.lookups.items())
    if tuple(sorted(tables)) != tuple(sorted(vm.tables)):
        raise ModelError("value-only declaration gives other lookup tables than the full build")


def draw_rows(
    compiled: CompiledModel,
    fingerprint: tuple,
    places: Sequence[Place],
    dt_days: float,
    levers: Mapping[str, Targets],
) -> np.ndarray:
    """Parameter rows for ``places`` (one per draw) in a group's compiled model; a draw whose
    values would change the structure (stages, routes, lookup tables) is refused by name.
    """
    # A draw with the group's fingerprint declares the same names in the same order, so its
    # values go into the row by position (no lookup by name).
    names = fingerprint[0]
    position = {name: k for k, name in enumerate(names)}
    take = np.array([position[p] for p in compiled.param_names], dtype=np.int64)
    rows = np.empty((len(places), len(compiled.param_names)))
    for i, place in enumerate(places):
        vm = declare_values(place, dt_days, levers)
        if vm.fingerprint() != fingerprint:
            raise ConfigError(
                f"draw {i}: uncertain values change the model's structure (e.g. the number of "
                f"stages of a stay, or a lookup table); narrow their ranges"
            )
        rows[i] = np.fromiter(vm.values.values(), float, len(names))[take]
    return rows


class RowTable:
    """Parameter rows of many sets of a few keys, interpolated from exact declarations.

    A history match runs thousands of parameter sets that differ in a handful of keys, and the
    value-only declaration of each (:func:`declare_values`, about 10 ms of Python) costs as
    much as a year of the compiled engine. Most columns of the row do not move with the keys
    at all, and each column that does moves with one to three of them. So: declare the place
    once at the central values; find the columns each key touches (declared at its low and
    high ends); group the columns by the keys that touch them; tabulate each group on a grid
    of ``grid`` points a key (exact declarations, the other keys central) and interpolate it
    with cubic splines (:class:`scipy.interpolate.RegularGridInterpolator`; exact for columns
    affine in their keys, about 1e-6 relative for the smooth ratios of the front doors on a
    9-point grid over +/-20%, 1e-5 at worst). The table is then
    checked against exact declarations at ``checks`` random sets in the box; if any value
    differs by more than ``tol`` (relative), or a group needs more than ``max_keys`` keys, the
    table refuses with :class:`ValueError` and the caller declares each set exactly.

    Args:
        exact: values of the keys -> the exact parameter row (one declaration).
        keys: the calibrated keys.
        lows, highs, central: each key's range and central value.
        grid: grid points a key (cubic needs at least 4).
        tol: largest relative error accepted at the checks.
        checks: random sets checked against exact declarations.
        max_keys: most keys one group of columns may depend on (the grid has
            ``grid ** max_keys`` points).
        seed: the checks' random sets.
    """

    def __init__(
        self,
        exact,
        keys: Sequence[str],
        lows: Sequence[float],
        highs: Sequence[float],
        central: Sequence[float],
        *,
        grid: int = 9,
        tol: float = 1e-4,
        checks: int = 16,
        max_keys: int = 3,
        seed: int = 0,
    ) -> None:
        from scipy.interpolate import RegularGridInterpolator  # noqa: PLC0415

        self.keys = list(keys)
        lo, hi, mid = (np.asarray(v, float) for v in (lows, highs, central))
        self._exact = exact
        self.central = exact(dict(zip(self.keys, mid, strict=True)))
        touched = np.zeros((len(self.keys), len(self.central)), bool)
        for j, k in enumerate(self.keys):
            for end in (lo[j], hi[j]):
                values = dict(zip(self.keys, mid, strict=True)) | {k: end}
                touched[j] |= exact(values) != self.central
        self.groups: list[tuple[list[int], np.ndarray, object]] = []
        self.declarations = 1 + 2 * len(self.keys)
        by_keys: dict[tuple[int, ...], list[int]] = {}
        for c in np.flatnonzero(touched.any(0)):
            by_keys.setdefault(tuple(np.flatnonzero(touched[:, c])), []).append(int(c))
        for ks, cols in by_keys.items():
            if len(ks) > max_keys:
                raise ValueError(
                    f"{len(cols)} parameter columns depend on {len(ks)} keys together "
                    f"({', '.join(self.keys[k] for k in ks)}); at most {max_keys} can be tabulated"
                )
            axes = [np.linspace(lo[k], hi[k], grid) for k in ks]
            mesh = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, len(ks))
            table = np.empty((len(mesh), len(cols)))
            for i, point in enumerate(mesh):
                values = dict(zip(self.keys, mid, strict=True))
                values.update({self.keys[k]: float(v) for k, v in zip(ks, point, strict=True)})
                table[i] = exact(values)[cols]
            self.declarations += len(mesh)
            shape = (grid,) * len(ks) + (len(cols),)
            spline = RegularGridInterpolator(  # the spline's own solve to 1e-13, not its 1e-6
                axes, table.reshape(shape), method="cubic", solver_args={"rtol": 1e-13, "atol": 0}
            )
            self.groups.append((list(ks), np.array(cols), spline))
        rng = np.random.default_rng(seed)
        x = lo + (hi - lo) * rng.random((checks, len(self.keys)))
        want = np.array([exact(dict(zip(self.keys, r, strict=True))) for r in x])
        self.declarations += checks
        got = self.rows(x)
        err = np.abs(got - want) / np.maximum(np.abs(want), 1e-12)
        self.max_error = float(err.max()) if err.size else 0.0
        if self.max_error > tol:
            i, c = np.unravel_index(int(np.argmax(err)), err.shape)
            raise ValueError(
                f"interpolated parameter rows differ from exact declarations by "
                f"{self.max_error:.2e} (relative, column {c}); allowed {tol:g}"
            )

    def rows(self, x: np.ndarray) -> np.ndarray:
        """Parameter rows ``(n, params)`` for the key values ``x`` ``(n, keys)``."""
        x = np.atleast_2d(np.asarray(x, float))
        out = np.repeat(self.central[None, :], len(x), 0)
        for ks, cols, spline in self.groups:
            out[:, cols] = spline(x[:, ks])
        return out
