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

    def transfer(self, name, capacity, moves, *, fraction_per_day=1.0, series=None, lookup=None):  # noqa: D102
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
        routes = to if isinstance(to, Mapping) else {to: 1.0}
        for dst, share in routes.items():
            label = dst if dst is not None else exit
            if not isinstance(share, str):
                self.values[f"{name}->{label}.share"] = float(share)

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
    rows = np.empty((len(places), len(compiled.param_names)))
    for i, place in enumerate(places):
        vm = declare_values(place, dt_days, levers)
        if vm.fingerprint() != fingerprint:
            raise ConfigError(
                f"draw {i}: uncertain values change the model's structure (e.g. the number of "
                f"stages of a stay, or a lookup table); narrow their ranges"
            )
        rows[i] = param_row(compiled, vm.values)
    return rows
