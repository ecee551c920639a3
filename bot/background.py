"""Work that is not the answer to a request: off the request's thread, bounded, coalesced.

Republishing a Home after a change used to run on Bolt's listener threads with the Web API's
30 s timeout: a slow Slack held every thread, and the next requests were acked after Slack's 3 s
(answered 404 while their change was made). Here such work waits in a queue served by a few
threads of its own. Jobs with the same key coalesce: a burst of changes to one user's deals
gives one Home publish, made after `settle` seconds from the first, reading the data then.
The queue is bounded by its number of distinct keys; beyond it, work is dropped and logged
(a Home is refreshed again on the next change or opening).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass

log = logging.getLogger(__name__)

Job = Callable[[], None]


@dataclass
class _Pending:
    due: float
    job: Job


class Background:
    """A bounded, coalescing work queue with `workers` threads, started on first use.

    Few threads on purpose: under Python's GIL each runnable thread takes its share of the
    CPU, and this work must not slow the answers; a slow Slack makes Homes late, not requests.
    """

    def __init__(self, *, workers: int = 2, capacity: int = 2_000, settle: float = 1.0) -> None:
        self.workers = workers
        self.capacity = capacity
        self.settle = settle
        self._cond = threading.Condition()
        self._order: deque[Hashable] = deque()
        self._pending: dict[Hashable, _Pending] = {}
        self._running = 0  # jobs being run now
        self._threads: list[threading.Thread] = []
        self._serial = 0

    @property
    def inline(self) -> bool:
        return False

    def submit(
        self, key: Hashable | None, job: Job, *, replace: bool = True, wait: bool = True
    ) -> bool:
        """Queue `job`; a job already waiting under `key` is replaced by it (`replace`) or kept.

        `wait`: start after `settle` seconds, gathering what else comes for the key meanwhile
        (else as soon as a thread is free: someone is looking at the result).
        `key=None` never coalesces. False when the queue is full and the job was dropped.
        """
        due = time.monotonic() + (self.settle if wait else 0.0)
        with self._cond:
            if key is None:
                self._serial += 1
                key = ("anonymous", self._serial)
            pending = self._pending.get(key)
            if pending is not None:
                if replace:
                    pending.job = job  # one publish per burst
                pending.due = min(pending.due, due)
                self._cond.notify()
                return True
            if len(self._pending) >= self.capacity:
                log.warning("background queue full (%d): %s dropped", self.capacity, key)
                return False
            self._pending[key] = _Pending(due, job)
            self._order.append(key)
            self._start_workers()
            self._cond.notify()
        return True

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is queued or running (tests, shutdown); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending or self._running:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.05))
        return True

    def _start_workers(self) -> None:
        while len(self._threads) < self.workers:
            thread = threading.Thread(
                target=self._work, name=f"background-{len(self._threads)}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def _take(self) -> Job:
        with self._cond:
            while True:
                now = time.monotonic()
                soonest: float | None = None
                for key in self._order:  # bounded by `capacity`; usually a handful
                    due = self._pending[key].due
                    if due <= now:
                        self._order.remove(key)
                        self._running += 1
                        return self._pending.pop(key).job
                    soonest = due if soonest is None else min(soonest, due)
                self._cond.wait(None if soonest is None else soonest - now)

    def _work(self) -> None:
        while True:
            job = self._take()
            try:
                job()
            except Exception:  # one job's failure is logged, never the worker's end
                log.warning("background job failed", exc_info=True)
            finally:
                with self._cond:
                    self._running -= 1
                    self._cond.notify_all()


class Inline(Background):
    """Runs each job at once on the caller's thread: for tests calling listeners directly and
    for one-shot commands, where there is no request deadline to protect."""

    def __init__(self) -> None:
        super().__init__(workers=0)

    @property
    def inline(self) -> bool:
        return True

    def submit(
        self, key: Hashable | None, job: Job, *, replace: bool = True, wait: bool = True
    ) -> bool:
        job()  # errors reach the caller, as when this work was done in line
        return True
