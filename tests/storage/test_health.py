"""GET /healthz says 200 only when the database can serve: at the code's schema revision, and
able to start a write. Otherwise 503 with the reason, for the operator reading the probe."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from slack_bolt import App

from bot.web import WebApp
from storage.db import Database
from tests.conftest import PG_ADMIN_URL, _drop_postgres, _postgres_or_skip


def _health(db: Database) -> tuple[str, str]:
    app = App(token="xoxb-test", signing_secret="secret", token_verification_enabled=False)
    web = WebApp(app, db, signing_secret="secret")
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answer["status"] = status

    environ = {"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO()}
    body = b"".join(web(environ, start_response)).decode()
    return answer["status"], body


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database nobody migrated."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    url = _postgres_or_skip()
    yield url
    _drop_postgres(url)


def test_healthy_when_migrated_and_writable(database: Database) -> None:
    status, body = _health(database)
    assert status == "200 OK" and body == "ok\n"


def test_an_empty_schema_is_unhealthy(empty_url: str) -> None:
    db = Database(empty_url)
    try:
        status, body = _health(db)
        assert status.startswith("503")
        assert "schema not at revision" in body and "found none" in body
        db.migrate()
        assert _health(db)[0] == "200 OK"
    finally:
        db.dispose()


def test_an_unreachable_database_is_unhealthy() -> None:
    status, body = _health(Database("sqlite:////nonexistent/dir/x.db"))
    assert status.startswith("503") and "database unavailable" in body


@pytest.mark.postgres
def test_a_read_only_postgres_is_unhealthy() -> None:
    url = _postgres_or_skip()
    name = url.rsplit("/", 1)[1]
    db = Database(url)
    try:
        db.migrate()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        db.engine.dispose()  # new connections take the database's new default
        status, body = _health(db)
        assert status.startswith("503") and "read-only" in body
    finally:
        db.dispose()
        _drop_postgres(url)
