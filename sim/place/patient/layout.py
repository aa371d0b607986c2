"""The random attributes of a patient episode: which uniform or variate sits in which column.

Every patient episode (an arrival, or a return to hospital) gets one row of numbers drawn in
bulk from its source's stream (:class:`~sim.engines.des.sampling.Rows`). Each decision and
duration of the episode reads its own column: routing uniforms, unit-mean durations, and
exponential clocks (deconditioning, deaths while waiting, readmission) as Exp(1) variates
divided by their hazard. A patient therefore meets the same fate in two scenarios unless the
scenario changes what happens to them (common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.engines.des.sampling import Family

UNIFORMS = (
    "route", "admit", "step_up", "zero_los", "outcome", "step_down", "handover", "scene",
    "travel", "turnaround", "ed", "decondition1", "decondition2", "waiting_death", "assess1",
    "assess2", "assess3", "sent_home", "service_exit", "readmit", "follow_death",
    "care_home_death",
)  # fmt: skip
CLOCKS = (
    "step_down",
    "decondition1",
    "decondition2",
    "waiting_death",
    "assess1",
    "assess2",
    "assess3",
    "sent_home",
    "readmit",
    "follow_death",
    "care_home_death",
)
"""Columns used as Exp(1) clocks (``-log(1 - u)``)."""


class Layout:
    """Column numbers of a row, and the functions that fill them from a block of uniforms."""

    def __init__(
        self,
        los: dict[int, Family],
        services: dict[int, Family],
        follow_up: Family,
        durations: dict[str, Family],
    ) -> None:
        """Lay out a row.

        Args:
            los: family of acute stays by stage count (one entry unless stays are Erlang).
            services: family of community episodes by stage count.
            follow_up: family of the follow-up period after discharge.
            durations: families of ``ed_discharged``, ``ed_decision``, ``scene``, ``travel``,
                ``turnaround`` and ``handover`` (unit mean).
        """
        self.fill: list[Callable[[np.ndarray], np.ndarray]] = []
        base = {name: i for i, name in enumerate(UNIFORMS)}
        n = len(UNIFORMS)
        for name in UNIFORMS:
            j = base[name]
            if name in CLOCKS:
                self._add(name, lambda u, j=j: -np.log1p(-u[:, j]))
            else:
                self._add(name, lambda u, j=j: u[:, j])
        # Durations: each family reads its own uniforms after the named ones.
        k_los = max(f.n_uniforms for f in los.values())
        los_u = list(range(n, n + k_los))
        n += k_los
        self.los = {
            k: self._add(f"los{k}", lambda u, f=f: f.unit(u[:, los_u[: f.n_uniforms]]))
            for k, f in los.items()
        }
        k_svc = max(f.n_uniforms for f in services.values())
        svc_u = list(range(n, n + k_svc))
        n += k_svc
        self.service = {
            k: self._add(f"svc{k}", lambda u, f=f: f.unit(u[:, svc_u[: f.n_uniforms]]))
            for k, f in services.items()
        }
        fu_u = list(range(n, n + follow_up.n_uniforms))
        n += follow_up.n_uniforms
        self.follow_up = self._add("follow_up", lambda u: follow_up.unit(u[:, fu_u]))
        self.duration = {}
        for name, fam in durations.items():
            src = "ed" if name.startswith("ed_") else name
            j = base[src]
            self.duration[name] = self._add(name, lambda u, f=fam, j=j: f.unit(u[:, [j]]))
        self.n_uniforms = n
        for name in UNIFORMS:
            setattr(self, name.upper(), self.index[name])

    def _add(self, name: str, fn: Callable[[np.ndarray], np.ndarray]) -> int:
        if not hasattr(self, "index"):
            self.index: dict[str, int] = {}
        self.index[name] = len(self.fill)
        self.fill.append(fn)
        return self.index[name]
