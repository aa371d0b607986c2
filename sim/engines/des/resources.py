"""Resources and levels: beds, places, cubicles and crews, with their time-weighted use.

A :class:`Pool` is a counted resource (a ward's beds, a service's places, the ambulance fleet)
whose capacity may change during the run (winter escalation beds). A patient takes a unit with
``try_acquire()`` when one is free, or waits in first-come-first-served order on the event
from ``wait()``; a waiting patient can give up (``cancel``). ``release()`` hands the unit to the
next in line. Lowering the capacity never evicts anyone: new patients wait until use falls.

A :class:`Level` is any count that goes up and down (patients boarding, waiting for a pathway);
both keep the area under their curve, so a monitor can read the time-weighted mean of any
period exactly.
"""

from __future__ import annotations

from collections import deque

import simpy


class Level:
    """A count of patients with its time integral (patient-days) since the last reading."""

    __slots__ = ("env", "value", "area", "t")

    def __init__(self, env: simpy.Environment, value: float = 0.0) -> None:
        self.env = env
        self.value = value
        self.area = 0.0
        self.t = env.now

    def add(self, delta: float) -> None:
        """Change the count by ``delta`` now."""
        now = self.env._now  # noqa: SLF001 - the hot path; ``env.now`` is a property around it
        self.area += self.value * (now - self.t)
        self.t = now
        self.value += delta

    def read_area(self) -> float:
        """Patient-days since the previous reading (then start a new period)."""
        now = self.env.now
        area = self.area + self.value * (now - self.t)
        self.area = 0.0
        self.t = now
        return area


class Pool(Level):
    """A resource of ``capacity`` units; ``value`` is the number in use."""

    __slots__ = ("capacity", "queue", "cap_area", "cap_t", "waits")

    def __init__(self, env: simpy.Environment, capacity: float) -> None:
        super().__init__(env)
        self.capacity = capacity
        self.queue: deque[simpy.Event] = deque()
        self.cap_area = 0.0
        self.cap_t = env.now

    def try_acquire(self) -> bool:
        """Take a unit if one is free (and nobody is queueing for it)."""
        value = self.value
        if value < self.capacity and not self.queue:
            now = self.env._now  # Level.add(1), inline (the hot path)
            self.area += value * (now - self.t)
            self.t = now
            self.value = value + 1
            return True
        return False

    def wait(self) -> simpy.Event:
        """Queue for a unit; the event fires when the unit is this patient's."""
        ev = self.env.event()
        self.queue.append(ev)
        return ev

    def acquire(self) -> simpy.Event | None:
        """``None`` when a unit was taken at once, else the event to wait on."""
        value = self.value
        if value < self.capacity and not self.queue:  # try_acquire(), inline (the hot path)
            now = self.env._now
            self.area += value * (now - self.t)
            self.t = now
            self.value = value + 1
            return None
        return self.wait()

    def cancel(self, ev: simpy.Event) -> bool:
        """Leave the queue; ``False`` if the unit was already granted (the patient has it)."""
        if ev.triggered:
            return False
        self.queue.remove(ev)
        return True

    def release(self) -> None:
        """Give a unit back; the longest-waiting patient gets it if capacity allows."""
        now = self.env._now  # Level.add(-1), inline (the hot path)
        self.area += self.value * (now - self.t)
        self.t = now
        self.value -= 1
        if self.queue:
            self._serve()

    def set_capacity(self, capacity: float) -> None:
        """Change the number of units from now on (no one is evicted)."""
        now = self.env.now
        self.cap_area += self.capacity * (now - self.cap_t)
        self.cap_t = now
        self.capacity = capacity
        self._serve()

    def read_capacity_area(self) -> float:
        """Unit-days of capacity since the previous reading."""
        now = self.env.now
        area = self.cap_area + self.capacity * (now - self.cap_t)
        self.cap_area = 0.0
        self.cap_t = now
        return area

    def _serve(self) -> None:
        while self.queue and self.value < self.capacity:
            self.add(1)
            self.queue.popleft().succeed()
