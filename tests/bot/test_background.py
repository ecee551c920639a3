"""The queue for work that is not the answer: off the caller's thread, one job per key for a
burst, bounded, and a failing job never stops the others."""

from __future__ import annotations

import functools
import threading
import time

from bot.background import Background


def test_a_burst_for_one_key_runs_once_and_the_caller_never_waits() -> None:
    queue = Background(workers=2, settle=0.1)
    runs: list[str] = []
    gate = threading.Event()

    def slow(name: str) -> None:
        gate.wait(5)  # Slack hanging
        runs.append(name)

    started = time.monotonic()
    for index in range(20):
        queue.submit(("T0", "U0REP"), functools.partial(slow, f"rep{index}"))
    queue.submit(("T0", "U0BOSS"), lambda: slow("boss"))
    assert time.monotonic() - started < 0.1  # the request thread went on at once
    gate.set()
    assert queue.drain(5)
    assert sorted(runs) == ["boss", "rep19"]  # the last of the burst, reading the latest data


def test_a_refresh_keeps_a_waiting_publish_and_its_note() -> None:
    queue = Background(workers=1, settle=0.2)
    runs: list[str] = []
    queue.submit("U0REP", lambda: runs.append("with note"), wait=False)
    queue.submit("U0REP", lambda: runs.append("plain"), replace=False)
    assert queue.drain(5)
    assert runs == ["with note"]


def test_the_queue_is_bounded_and_a_failure_stops_nothing() -> None:
    queue = Background(workers=1, capacity=3, settle=0.2)
    runs: list[int] = []

    def fail() -> None:
        raise TimeoutError("views.publish timed out")

    assert queue.submit("a", fail)
    assert queue.submit("b", lambda: runs.append(2))
    assert queue.submit("c", lambda: runs.append(3))
    assert not queue.submit("d", lambda: runs.append(4))  # dropped, logged
    assert queue.drain(5)
    assert runs == [2, 3]
    assert queue.submit("e", lambda: runs.append(5))
    assert queue.drain(5)
    assert runs == [2, 3, 5]
