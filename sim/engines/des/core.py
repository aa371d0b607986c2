"""SimPy's environment with a tighter event loop: the same events, in the same order.

:class:`Environment` is a :class:`simpy.Environment` whose hot paths are written out inline:

- ``run`` pops and dispatches events in one loop (SimPy calls ``step()`` per event);
- ``timeout`` builds a :class:`simpy.Timeout` without its constructor's calls;
- ``process`` starts a :class:`Process` whose ``_resume`` keeps its bound method and schedules
  its own end without a call to ``schedule``.

Nothing else changes: every event SimPy would schedule is scheduled, with the same
``(time, priority, id)`` key (so ``next(env._eid)`` counts the same events and ties break the
same way), failed events still crash the run unless defused, conditions (``a | b``), plain
events and interrupts are SimPy's own classes. A model run on it gives results identical to
plain SimPy's; the patient-level place runs on it (tests/patient/test_core.py checks both).
"""

from __future__ import annotations

from heapq import heappop, heappush
from typing import Any

import simpy
from simpy.core import EmptySchedule, StopSimulation
from simpy.events import NORMAL, URGENT, Event, Initialize, Timeout

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
        init = _new_initialize(Initialize)
        init.env = env
        init.callbacks = [self._resume]
        init._value = None
        init._ok = True
        heappush(env._queue, (env._now, URGENT, next(env._eid), init))
        self._target = init

    def _resume(self, event: Event) -> None:
        """SimPy's ``Process._resume`` for successful events; failures go to SimPy's own."""
        if not event._ok:
            simpy.Process._resume(self, event)
            return
        env = self.env
        env._active_proc = self
        send = self._generator.send
        while True:
            try:
                event = send(event._value)
            except StopIteration as e:
                event = None
                self._ok = True
                self._value = e.args[0] if e.args else None
                heappush(env._queue, (env._now, NORMAL, next(env._eid), self))
                break
            except BaseException as e:
                event = None
                self._ok = False
                e.__traceback__ = e.__traceback__.tb_next
                self._value = e
                heappush(env._queue, (env._now, NORMAL, next(env._eid), self))
                break
            try:
                callbacks = event.callbacks
            except AttributeError:
                raise RuntimeError(f'Invalid yield value "{event}"') from None
            if callbacks is not None:
                callbacks.append(self._resume)
                break
            if not event._ok:  # an already processed failed event: SimPy's path
                env._active_proc = None
                simpy.Process._resume(self, event)
                return
        self._target = event
        env._active_proc = None


class Environment(simpy.Environment):
    """A :class:`simpy.Environment` with the hot paths inline (see the module docstring)."""

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
        heappush(self._queue, (self._now + delay, NORMAL, next(self._eid), ev))
        return ev

    def process(self, generator: Any) -> Process:
        """Start a process running ``generator`` (as SimPy's ``env.process``)."""
        return Process(self, generator)

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
        try:
            while True:
                try:
                    self._now, _, _, event = heappop(queue)
                except IndexError:
                    raise EmptySchedule from None
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
