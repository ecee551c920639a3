"""First contact under concurrency: racing first requests never fail on a unique key.

Each thread opens its own unit of work, as concurrent Slack requests do; a barrier lines them
up so they all look for the row before any of them has written it.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commands.workspace import ensure_member, ensure_workspace
from storage import queries
from storage.db import Database
from storage.models import Account, Member, SalesProcess, Workspace
from tests.conftest import NOW


def _race(database: Database, count: int, work: Callable[[Session], Any]) -> list[BaseException]:
    barrier = threading.Barrier(count)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            with database.transaction() as session:
                work(session)
        except BaseException as error:  # collected for the assertion
            failures.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return failures


def _workspace(session: Session, team_id: str) -> Workspace:
    return ensure_workspace(
        session=session,
        team_id=team_id,
        now=NOW,
        language="fr",
        timezone="Europe/Paris",
        currency="EUR",
    )


def _count(database: Database, query: Any) -> int:
    with database.reading() as session:
        return int(session.scalar(query) or 0)


def test_concurrent_first_requests_of_a_new_workspace_all_succeed(database: Database) -> None:
    for _ in range(3):
        team = "T" + uuid.uuid4().hex[:10].upper()
        failures = _race(database, 5, lambda s, team=team: _workspace(s, team))
        assert failures == []
        assert _count(database, select(func.count()).where(Workspace.team_id == team)) == 1
        # The default process is created once, by the one request that created the workspace.
        processes = select(func.count()).where(SalesProcess.team_id == team)
        assert _count(database, processes) == 1


def test_concurrent_first_requests_of_a_new_member_all_succeed(database: Database) -> None:
    team = "T" + uuid.uuid4().hex[:10].upper()
    with database.transaction() as session:
        _workspace(session, team)
    for _ in range(3):
        user = "U" + uuid.uuid4().hex[:10].upper()
        failures = _race(
            database,
            6,
            lambda s, user=user: ensure_member(session=s, team_id=team, user_id=user, now=NOW),
        )
        assert failures == []
        members = select(func.count()).where(Member.team_id == team, Member.user_id == user)
        assert _count(database, members) == 1


def test_concurrent_creates_with_the_same_new_account_name_share_one_account(
    database: Database,
) -> None:
    team = "T" + uuid.uuid4().hex[:10].upper()
    with database.transaction() as session:
        _workspace(session, team)
    ids: list[int] = []

    def create(session: Session) -> None:
        account = queries.find_or_add_account(
            session=session, team_id=team, name="Société Nouvelle", now=NOW
        )
        ids.append(account.id)

    for _ in range(3):
        ids.clear()
        failures = _race(database, 2, create)
        assert failures == []
        assert len(set(ids)) == 1
    assert _count(database, select(func.count()).where(Account.team_id == team)) == 1
