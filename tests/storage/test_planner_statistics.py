"""SQLite's planner statistics: a grown workspace's team board reads the owners' deals only."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import text
from sqlalchemy.dialects import sqlite

from storage import queries, reports
from storage.db import STATISTICS_FLOOR, Database
from storage.models import Opportunity, Status
from tests.conftest import NOW, TEAM, add_user, setup_team

REPS = [f"U0REP{i:03}" for i in range(200)]  # 30 deals each: ten reps are 5 % of all


def _grow(db: Database, deals: int) -> None:
    with db.transaction() as session:
        setup_team(session)
        for rep in REPS:
            add_user(session, rep)
        process = queries.active_processes(session=session, team_id=TEAM)[0]
        account = queries.find_or_add_account(session=session, team_id=TEAM, name="A", now=NOW)
        session.add_all(
            Opportunity(
                team_id=TEAM,
                number=i + 1,
                account=account,
                title="T",
                amount_minor=100 * (i + 1),
                currency="EUR",
                close_date=date(2027, 1, 1) + timedelta(days=i % 300),
                owner_id=REPS[i % len(REPS)],
                created_by=REPS[i % len(REPS)],
                process=process,
                stage=process.stages[i % len(process.stages)],
                status=Status.OPEN,
                created_at=NOW,
                updated_at=NOW,
                stage_entered_at=NOW,
            )
            for i in range(deals)
        )


def _team_board_plan(db: Database) -> str:
    query = reports.board_query(reports.Filters(team_id=TEAM, owners=REPS[:10]))
    sql = str(query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    with db.reading() as session:
        return " ".join(str(row[-1]) for row in session.execute(text("EXPLAIN QUERY PLAN " + sql)))


def test_a_grown_sqlite_workspace_gets_statistics_and_team_views_use_the_owner_index(
    tmp_sqlite: str,
) -> None:
    db = Database(tmp_sqlite)
    db.migrate()
    _grow(db, STATISTICS_FLOOR + 1_000)

    assert db.refresh_statistics()
    assert "(team_id=? AND owner_id=? AND status=?" in _team_board_plan(db)
    assert not db.refresh_statistics()  # nothing grew since: no second ANALYZE
    db.dispose()


def test_a_small_workspace_never_pays_for_analyze(tmp_sqlite: str) -> None:
    db = Database(tmp_sqlite)
    db.migrate()
    _grow(db, 200)
    assert not db.refresh_statistics()
    db.dispose()


def test_postgres_keeps_its_own_statistics(postgres_url: str) -> None:
    db = Database(postgres_url)
    assert not db.refresh_statistics()  # autovacuum's job: never an ANALYZE from us
    db.dispose()
