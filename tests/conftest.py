"""Shared fixtures: databases on SQLite and PostgreSQL, a session per test, an actor.

PostgreSQL tests use a throwaway database on the server at 127.0.0.1:5432 (user postgres);
without a server they skip with the reason, unless SALESBOT_REQUIRE_POSTGRES=1 (CI) makes that
a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from commands.context import Actor
from commands.nudging import stuck
from commands.workspace import ensure_member, ensure_workspace
from storage.db import Database
from storage.models import Role

PG_ADMIN_URL = os.environ.get("SALESBOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
TEAM = "T0TEST"


def _postgres_or_skip() -> str:
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            name = f"salesbot_test_{uuid.uuid4().hex[:12]}"
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        if os.environ.get("SALESBOT_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required (SALESBOT_REQUIRE_POSTGRES=1): {error}")
        pytest.skip(f"no PostgreSQL server at {PG_ADMIN_URL}: {error}")
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _drop_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    url = _postgres_or_skip()
    yield url
    _drop_postgres(url)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """A migrated database of each engine, shared by the session's tests."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "salesbot.db"
        db = Database(f"sqlite:///{path}")
    else:
        db = Database(request.getfixturevalue("postgres_url"))
    db.migrate()
    yield db
    db.dispose()


@pytest.fixture(autouse=True)
def _fresh_stuck_thresholds() -> None:
    """What history taught is cached per process for minutes: never from one test to the next."""
    stuck.forget()


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test."""
    connection = database.engine.connect()
    outer = connection.begin()
    with Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as session:
        yield session
    outer.rollback()
    connection.close()


def make_actor(
    user_id: str = "U0REP",
    *,
    role: Role = Role.REP,
    lang: str = "fr",
    team_id: str = TEAM,
    now: datetime = NOW,
) -> Actor:
    return Actor(team_id=team_id, user_id=user_id, lang=lang, tz="Europe/Paris", role=role, now=now)


def setup_team(session: Session, *, team_id: str = TEAM, language: str = "fr") -> None:
    ensure_workspace(
        session=session,
        team_id=team_id,
        now=NOW,
        language=language,
        timezone="Europe/Paris",
        currency="EUR",
    )


def add_user(
    session: Session,
    user_id: str,
    *,
    role: Role = Role.REP,
    team_id: str = TEAM,
    manager: str | None = None,
) -> Actor:
    member = ensure_member(session=session, team_id=team_id, user_id=user_id, now=NOW)
    member.role = role
    member.manager_id = manager
    session.flush()
    return make_actor(user_id, role=role, team_id=team_id)


@pytest.fixture
def tmp_sqlite(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'salesbot.db'}"


@pytest.fixture(scope="module")
def console_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str, Any]]:
    """The real Bolt app wired to a LocalSlack, on a demo SQLite database (as the console)."""
    from bot.devtools.console import start_console
    from bot.settings import Settings

    path = tmp_path_factory.mktemp("console") / "salesbot.db"
    settings = Settings.load(env={"DATABASE_URL": f"sqlite:///{path}"}, dotenv=Path("/nonexistent"))
    app, slack, secret, db = start_console(settings, demo=True)
    yield app, secret, slack
    slack.stop()
    db.dispose()
