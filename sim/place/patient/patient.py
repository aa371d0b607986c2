"""One person in the patient-level place."""

from __future__ import annotations


class Patient:
    """One person in the system: identity, cohort, the row of their current episode."""

    __slots__ = ("pid", "c", "q", "age", "row", "t_ed", "cubicle", "resident", "alive")

    def __init__(self, pid: int, c: int, q: int, age: int, row: list[float]) -> None:
        self.pid, self.c, self.q, self.age, self.row = pid, c, q, age, row
        self.t_ed = -1.0  # arrival in ED while there; -1 when not in ED
        self.cubicle = False
        self.resident = False  # a care-home resident on an urgent-care episode
        self.alive = True
