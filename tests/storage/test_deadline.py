"""A request's write is bounded in time: it waits for a lock no longer than the time its answer
has left, and one that would commit after that is rolled back — never written after Slack gave
up on the answer. Without a deadline (the scheduler, the CLI) nothing changes."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select, update

from storage.db import Database, DeadlineExceeded, deadline
from storage.models import Workspace

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@pytest.fixture
def team(database: Database) -> object:
    team_id = f"T0DL{uuid.uuid4().hex[:8].upper()}"
    with database.transaction() as session:
        session.add(Workspace(team_id=team_id, created_at=NOW))
    yield team_id
    with database.transaction() as session:
        session.execute(delete(Workspace).where(Workspace.team_id == team_id))


def _name(database: Database, team_id: object) -> str:
    with database.reading() as session:
        return str(session.scalar(select(Workspace.name).where(Workspace.team_id == team_id)))


def test_a_write_waiting_for_a_lock_gives_up_within_the_time_left(
    database: Database, team: object
) -> None:
    held = threading.Event()
    release = threading.Event()

    def hold_the_lock() -> None:
        with database.transaction() as session:
            session.execute(update(Workspace).where(Workspace.team_id == team).values(name="first"))
            session.flush()
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert held.wait(5)
        started = time.monotonic()
        with (
            pytest.raises(Exception) as raised,
            deadline(time.monotonic() + 0.4),
            database.transaction() as session,
        ):
            session.execute(
                update(Workspace).where(Workspace.team_id == team).values(name="second")
            )
        waited = time.monotonic() - started
    finally:
        release.set()
        holder.join()
    assert waited < 2.0, f"waited {waited:.1f} s for the lock"  # was 30 s
    why = str(raised.value).lower()  # SQLite: locked; PostgreSQL: lock or statement timeout
    assert "lock" in why or "timeout" in why or isinstance(raised.value, DeadlineExceeded)
    assert _name(database, team) == "first"


def test_a_write_that_would_commit_past_its_deadline_is_rolled_back(
    database: Database, team: object
) -> None:
    with (
        pytest.raises(DeadlineExceeded),
        deadline(time.monotonic() + 0.2),
        database.transaction() as session,
    ):
        session.execute(update(Workspace).where(Workspace.team_id == team).values(name="late"))
        session.flush()
        time.sleep(0.3)  # the slow part of a request, after the statement succeeded
    assert _name(database, team) == ""


def test_no_write_starts_without_time_left(database: Database, team: object) -> None:
    with (
        pytest.raises(DeadlineExceeded),
        deadline(time.monotonic() - 0.1),
        database.transaction() as session,
    ):
        session.execute(update(Workspace).where(Workspace.team_id == team).values(name="x"))
    assert _name(database, team) == ""


def test_within_its_deadline_a_write_is_made_and_the_connection_forgets_the_deadline(
    database: Database, team: object
) -> None:
    with deadline(time.monotonic() + 2.0), database.transaction() as session:
        session.execute(update(Workspace).where(Workspace.team_id == team).values(name="ok"))
    assert _name(database, team) == "ok"
    with database.transaction() as session:  # no deadline: no timeout left over on the connection
        session.execute(update(Workspace).where(Workspace.team_id == team).values(name="later"))
        time.sleep(0.05)
    assert _name(database, team) == "later"
