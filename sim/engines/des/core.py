"""SimPy's environment with a tighter event loop: the same events, in the same order.

:class:`Environment` is a :class:`simpy.Environment` whose hot paths are written out inline:

- ``run`` pops and dispatches events in one loop (SimPy calls ``step()`` per event);
- ``timeout`` builds a :class:`simpy.Timeout` without its constructor's calls;
- ``process`` starts a :class:`Process` whose ``_resume`` schedules its own end without a call;
- the schedule has two tiers: events due before the end of the current *bucket* (a slice of
  ``1 / buckets_per_unit`` time units, a quarter of a day in the place by default) are in
  SimPy's heap; later ones wait, unsorted, in a list per bucket and join the heap when the
  clock reaches their bucket. The heap stays small (a few thousand events rather than every
  91-day follow-up in progress), and each push and pop costs fewer comparisons;
- events scheduled *at* the current time with SimPy's priorities (process starts and ends,
  granted requests, interrupts) wait in two first-in-first-out queues, one per priority,
  rather than in the heap: they come out in id order, and an event of the heap due at the
  same time goes before them when its key is lower, so the order is still SimPy's.

Nothing else changes: every event SimPy would schedule is scheduled, with the same
``(time, priority, id)`` key, and popped in the order of that key (so ``next(env._eid)`` counts
the same events and ties break the same way); failed events still crash the run unless
defused; conditions (``a | b``), plain events and interrupts are SimPy's own classes. A model
run on it gives results identical to plain SimPy's (tests/patient/test_core.py).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from heapq import heapify, heappop, heappush
from math import inf, isfinite
from typing import Any

import simpy
from simpy.core import BoundClass, EmptySchedule, StopSimulation
from simpy.events import NORMAL, URGENT, Condition, Event, Initialize, Timeout

_new_timeout = Timeout.__new__
_new_initialize = Initialize.__new__


class Process(simpy.Process):
    """A SimPy process with a leaner resume (same events, same order)."""

    def __init__(self, env: Environment, generator: Any) -> None:
        if not hasattr(generator, "throw"):
            raise ValueError(f"{generator} is not a generator.")
        self.env = env
        self.callbacks = []
        self._generator = generator
        self._send = generator.send  # bound once (no cycle: the generator does not hold it)
        # _resume bound once too: a cycle (the process holds it) broken when the process ends
        self._wake = wake = self._resume
        init = _new_initialize(Initialize)
        init.env = env
        init.callbacks = [wake]
        init._value = None
        init._ok = True
        env._urgent_now.append((next(env._eid), init))
        self._target = init

    def _resume(self, event: Event) -> None:
        """SimPy's ``Process._resume`` for successful events; failures go to SimPy's own."""
        if not event._ok:
            self._fail(event)
            return
        env = self.env
        env._active_proc = self
        send = self._send
        while True:
            try:
                event = send(event._value)
            except StopIteration as e:
                event = None
                self._ok = True
                self._value = e.args[0] if e.args else None
                self._wake = None
                env._normal_now.append((next(env._eid), self))
                break
            except BaseException as e:
                event = None
                self._ok = False
                e.__traceback__ = e.__traceback__.tb_next
                self._value = e
                self._wake = None
                env._normal_now.append((next(env._eid), self))
                break
            try:
                callbacks = event.callbacks
            except AttributeError:
                raise RuntimeError(f'Invalid yield value "{event}"') from None
            if callbacks is not None:
                callbacks.append(self._wake)
                break
            if not event._ok:  # an already processed failed event: SimPy's path
                env._active_proc = None
                self._fail(event)
                return
        self._target = event
        env._active_proc = None

    def _fail(self, event: Event) -> None:
        """SimPy's own resume with a failed event (thrown into the generator)."""
        simpy.Process._resume(self, event)
        if not self.is_alive:
            self._wake = None


class Environment(simpy.Environment):
    """A :class:`simpy.Environment` with the hot paths inline (see the module docstring).

    Args:
        initial_time: the clock at the start.
        buckets_per_unit: buckets of the far tier per time unit, a power of two (so bucket
            edges are exact in floating point); 4 in the place, whose unit is a day.
    """

    def __init__(self, initial_time: float = 0, buckets_per_unit: int = 4) -> None:
        super().__init__(initial_time)
        if initial_time < 0:
            raise ValueError(f"initial_time must be >= 0, not {initial_time}")
        if buckets_per_unit < 1 or buckets_per_unit & (buckets_per_unit - 1):
            raise ValueError(f"buckets_per_unit must be a power of two, not {buckets_per_unit}")
        self._scale = float(buckets_per_unit)
        self._far: dict[int, list[tuple]] = {}
        self._far_keys: list[int] = []  # a heap of the buckets in _far
        # Every event due before _horizon is in the heap; every later one in _far.
        self._horizon = (int(initial_time * self._scale) + 1) / self._scale
        # Events scheduled *at* the current time with SimPy's two priorities, in id order
        # (process starts and ends, granted requests: a third of the place's events), as
        # (id, event): first in, first out, with no heap operation.
        self._urgent_now: deque[tuple[int, Event]] = deque()
        self._normal_now: deque[tuple[int, Event]] = deque()

    def _push(self, t: float, priority: int, event: Event) -> None:
        """Schedule ``event`` at time ``t`` with the next id (SimPy's key)."""
        if t == self._now and (priority == URGENT or priority == NORMAL):
            due = self._urgent_now if priority == URGENT else self._normal_now
            due.append((next(self._eid), event))
            return
        entry = (t, priority, next(self._eid), event)
        if t < self._horizon or not isfinite(t):
            heappush(self._queue, entry)
        else:
            k = int(t * self._scale)
            bucket = self._far.get(k)
            if bucket is None:
                self._far[k] = [entry]
                heappush(self._far_keys, k)
            else:
                bucket.append(entry)

    def schedule(self, event: Event, priority: int = NORMAL, delay: float = 0) -> None:
        """Schedule an *event* with a given *priority* and a *delay* (as SimPy's)."""
        self._push(self._now + delay, priority, event)

    def timeout(self, delay: float = 0, value: Any = None) -> Timeout:
        """A :class:`simpy.Timeout` of ``delay`` (days in the place), as SimPy's."""
        if delay < 0:
            raise ValueError(f"Negative delay {delay}")
        ev = _new_timeout(Timeout)
        ev.env = self
        ev.callbacks = []
        ev._value = value
        ev._delay = delay
        ev._ok = True
        t = self._now + delay
        if t < self._horizon:
            heappush(self._queue, (t, NORMAL, next(self._eid), ev))
        elif t < inf:  # a later bucket (as _push, inline: a third of timeouts go there)
            k = int(t * self._scale)
            bucket = self._far.get(k)
            if bucket is None:
                self._far[k] = [(t, NORMAL, next(self._eid), ev)]
                heappush(self._far_keys, k)
            else:
                bucket.append((t, NORMAL, next(self._eid), ev))
        else:
            self._push(t, NORMAL, ev)
        return ev

    process = BoundClass(Process)
    """Start a process running a generator (as SimPy's ``env.process``; bound to the
    environment at its creation, so a call makes no Python frame of its own)."""

    def _next_bucket(self) -> bool:
        """Move the earliest bucket of the far tier into the heap; ``False`` if none is left."""
        far = self._far
        if not far:
            return False
        k = heappop(self._far_keys)
        self._horizon = (k + 1) / self._scale
        queue = self._queue
        queue.extend(far.pop(k))
        heapify(queue)
        return True

    def peek(self) -> float:
        """The time of the next scheduled event (``inf`` if there is none)."""
        if self._urgent_now or self._normal_now:
            return self._now
        queue = self._queue
        while not (queue and queue[0][0] < self._horizon):
            if not self._next_bucket():
                return queue[0][0] if queue else inf
        return queue[0][0]

    def step(self) -> None:
        """Process the next event (as SimPy's; raises :class:`EmptySchedule` if none is left)."""
        for due, priority in ((self._urgent_now, URGENT), (self._normal_now, NORMAL)):
            for eid, event in due:  # into the heap, with their keys
                heappush(self._queue, (self._now, priority, eid, event))
            due.clear()
        self.peek()  # the next event is at the top of the heap
        super().step()

    def run(self, until: float | Event | None = None) -> Any:
        """As :meth:`simpy.Environment.run`, with the loop of ``step()`` written out."""
        if until is not None:
            if not isinstance(until, Event):
                at = until if isinstance(until, int) else float(until)
                if at <= self._now:
                    raise ValueError(
                        f"until ({at}) must be greater than the current simulation time"
                    )
                until = Event(self)
                until._ok = True
                until._value = None
                self.schedule(until, URGENT, at - self._now)
            elif until.callbacks is None:
                return until.value
            until.callbacks.append(StopSimulation.callback)
        queue = self._queue
        horizon = self._horizon
        urgent, normal = self._urgent_now, self._normal_now
        try:
            while True:
                if urgent or normal:  # events due now; the heap's go first if their key does
                    due, priority = (urgent, URGENT) if urgent else (normal, NORMAL)
                    if queue and queue[0][0] == self._now and queue[0][1:3] < (priority, due[0][0]):
                        event = heappop(queue)[3]
                    else:
                        event = due.popleft()[1]
                else:
                    if not (queue and queue[0][0] < horizon):
                        if self._next_bucket():
                            horizon = self._horizon
                            continue
                        if not queue:
                            raise EmptySchedule
                    self._now, _, _, event = heappop(queue)
                callbacks, event.callbacks = event.callbacks, None
                for callback in callbacks:
                    callback(event)
                if not event._ok and not hasattr(event, "_defused"):
                    exc = type(event._value)(*event._value.args)
                    exc.__cause__ = event._value
                    raise exc
        except StopSimulation as exc:
            # as SimPy's step(): the event's other callbacks run when the simulation resumes
            event.callbacks = callbacks[callbacks.index(callback) + 1 :]
            self.schedule(event, URGENT - 1)
            return exc.args[0]
        except EmptySchedule:
            if until is not None:
                assert not until.triggered
                raise RuntimeError(
                    f'No scheduled events left but "until" event was not triggered: {until}'
                ) from None
        return None


def release(env: simpy.Environment, waiting: Iterable[Event] = ()) -> None:
    """End a finished run for good, so that its objects are freed by reference counting.

    Every event still scheduled (SimPy's or this module's environment) or in ``waiting``
    (events of resource queues) loses its callbacks; the processes those callbacks would have
    resumed, and the conditions they would have checked, are closed and unhooked in turn. A
    process waiting on an event holds that event and the event holds the process's resume:
    a cycle per process still running, which only the cyclic garbage collector would free
    (it scanned every live object of the run to do it: about 0.3 s after a year of the
    place). The environment cannot run on afterwards.
    """
    queue = env._queue
    pending = [entry[3] for entry in queue]
    queue.clear()
    for name in ("_urgent_now", "_normal_now"):  # this module's environment only
        due = getattr(env, name, None)
        if due:
            pending.extend(event for _, event in due)
            due.clear()
    far = getattr(env, "_far", None)
    if far:
        for bucket in far.values():
            pending.extend(entry[3] for entry in bucket)
        far.clear()
        env._far_keys.clear()
    pending.extend(waiting)
    while pending:
        event = pending.pop()
        callbacks = event.callbacks
        if not callbacks:
            continue
        event.callbacks = None
        for callback in callbacks:
            owner = getattr(callback, "__self__", None)
            if isinstance(owner, simpy.Process):
                owner._generator.close()
                owner._wake = None  # this module's processes hold their own resume
                pending.append(owner)
            elif isinstance(owner, Condition):
                pending.append(owner)
                pending.extend(owner._events)
