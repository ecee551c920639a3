"""Bolt's listener threads, bounded in time: a request's writes must be over within its answer's
time, and a listener that waited too long for a thread is not run at all (Slack has given up
on its answer: whatever it wrote would be a change made behind the user's back)."""

from __future__ import annotations

import threading
import time

from bot.app import TOO_LATE, WRITE_BUDGET, ListenerPool
from storage.db import time_left


def test_a_listener_runs_with_its_requests_deadline() -> None:
    pool = ListenerPool(max_workers=1)
    left = pool.submit(time_left).result(5)
    assert left is not None and 0 < left <= WRITE_BUDGET
    assert time_left() is None  # not on the caller's thread, and not after
    pool.shutdown()


def test_a_listener_that_waited_too_long_for_a_thread_is_not_run() -> None:
    pool = ListenerPool(max_workers=1)
    gate = threading.Event()
    pool.submit(gate.wait, 5)  # the only thread is busy (Slack hanging, a slow write)
    ran: list[bool] = []
    late = pool.submit(ran.append, True)
    time.sleep(TOO_LATE + 0.1)
    gate.set()
    late.result(5)
    assert ran == []
    assert pool.submit(ran.append, True).result(5) is None and ran == [True]
    pool.shutdown()
