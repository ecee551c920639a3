"""Names match as people type them: either apostrophe, on SQLite and PostgreSQL, for the names
stored before apostrophes were folded too (migration 0007)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import queries
from storage.db import Database, alembic_config
from storage.models import Account, LostReason, SalesProcess
from tests.conftest import NOW, TEAM, _drop_postgres, _postgres_or_skip, setup_team


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
    with Session(fresh.engine) as session:
        setup_team(session)
        session.add_all(
            [
                SalesProcess(
                    team_id=TEAM, name="Appel d’offres", name_key="appel d’offres", created_at=NOW
                ),
                Account(team_id=TEAM, name="L'Oréal", name_key="l'oreal", created_at=NOW),
                Account(team_id=TEAM, name="L’Oréal", name_key="l’oreal", created_at=NOW),
                Account(team_id=TEAM, name="Chez l’ami", name_key="chez l’ami", created_at=NOW),
                LostReason(team_id=TEAM, label="Pas d’budget", label_key="pas d’budget"),
            ]
        )
        session.commit()

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
