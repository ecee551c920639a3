"""Names match as people type them: either apostrophe, on SQLite and PostgreSQL, for the names
stored before apostrophes were folded too (migration 0007)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from storage import queries
from storage.db import Database, alembic_config
from storage.models import Account, LostReason, SalesProcess
from tests.conftest import NOW, TEAM, _drop_postgres, _postgres_or_skip


@pytest.fixture(params=["sqlite", "postgres"])
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database of each engine, not migrated yet."""
    url = f"sqlite:///{tmp_path / 'keys.db'}" if request.param == "sqlite" else _postgres_or_skip()
    db = Database(url)
    yield db
    db.dispose()
    if request.param == "postgres":
        _drop_postgres(url)


def test_keys_stored_with_a_curly_apostrophe_are_recomputed(fresh: Database) -> None:
    config = alembic_config(fresh.engine)
    command.upgrade(config, "0006")
    # Rows written as at revision 0006: plain SQL, since today's models have newer columns.
    with fresh.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workspaces (team_id, name, currency, language, timezone,"
                " opportunity_seq, created_at)"
                " VALUES (:t, '', 'EUR', 'fr', 'Europe/Paris', 0, :now)"
            ),
            {"t": TEAM, "now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO sales_processes (team_id, name, name_key, position, created_at)"
                " VALUES (:t, 'Appel d’offres', 'appel d’offres', 0, :now)"
            ),
            {"t": TEAM, "now": NOW},
        )
        for name, key in (
            ("L'Oréal", "l'oreal"),
            ("L’Oréal", "l’oreal"),
            ("Chez l’ami", "chez l’ami"),
        ):
            connection.execute(
                text(
                    "INSERT INTO accounts (team_id, name, name_key, created_at)"
                    " VALUES (:t, :name, :key, :now)"
                ),
                {"t": TEAM, "name": name, "key": key, "now": NOW},
            )
        connection.execute(
            text(
                "INSERT INTO lost_reasons (team_id, label, label_key, position)"
                " VALUES (:t, 'Pas d’budget', 'pas d’budget', 0)"
            ),
            {"t": TEAM},
        )

    command.upgrade(config, "head")
    with Session(fresh.engine) as session:
        process = session.scalars(
            select(SalesProcess).where(SalesProcess.name == "Appel d’offres")
        ).one()
        assert process.name_key == "appel d'offres"
        keys = {name: key for name, key in session.execute(select(Account.name, Account.name_key))}
        # two accounts now folding alike: the one keyed so keeps the key, the other its own
        assert keys == {"L'Oréal": "l'oreal", "L’Oréal": "l’oreal", "Chez l’ami": "chez l'ami"}
        for typed in ("chez l'ami", "Chez l’ami", "CHEZ Lʼami"):
            found = queries.find_account(session=session, team_id=TEAM, name=typed)
            assert found is not None and found.name == "Chez l’ami"
        reason = session.scalars(select(LostReason).where(LostReason.label == "Pas d’budget")).one()
        assert reason.label_key == "pas d'budget"

    command.downgrade(config, "0006")
    with Session(fresh.engine) as session:
        keys = {name: key for name, key in session.execute(select(Account.name, Account.name_key))}
        assert keys["Chez l’ami"] == "chez l’ami"  # as it was
    command.upgrade(config, "head")
