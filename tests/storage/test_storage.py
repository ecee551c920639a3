"""Storage on SQLite and PostgreSQL: schema, scoping, numbering, money, time, locking."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from storage import queries
from storage.db import Database, alembic_config
from storage.models import Base, Opportunity, Stage, Status, Workspace
from tests.conftest import NOW, TEAM, add_user, setup_team


def _deal(
    session: Session,
    *,
    team_id: str = TEAM,
    owner: str = "U0REP",
    amount_minor: int = 600_000,
    account: str = "Dupond",
) -> Opportunity:
    process = queries.active_processes(session=session, team_id=team_id)[0]
    stage = queries.live_stages(process)[0]
    opportunity = Opportunity(
        team_id=team_id,
        number=queries.next_opportunity_number(session=session, team_id=team_id),
        account=queries.find_or_add_account(
            session=session, team_id=team_id, name=account, now=NOW
        ),
        title="Peinture",
        amount_minor=amount_minor,
        currency="EUR",
        close_date=date(2027, 1, 15),
        owner_id=owner,
        created_by=owner,
        process_id=process.id,
        process=process,
        stage=stage,
        status=Status.OPEN,
        created_at=NOW,
        updated_at=NOW,
        stage_entered_at=NOW,
    )
    return queries.add_opportunity(session=session, opportunity=opportunity, now=NOW)


def test_migrations_build_exactly_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_migrate_twice_is_harmless(database: Database) -> None:
    """A second `migrate` (every start runs one) keeps the revision, the schema and the data."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with database.engine.connect() as connection:
        workspaces = connection.scalar(select(func.count()).select_from(Workspace))
    database.migrate()
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert context.get_current_revision() == head
        assert compare_metadata(context, Base.metadata) == []
        assert connection.scalar(select(func.count()).select_from(Workspace)) == workspaces


def test_a_new_workspace_gets_the_classic_process_in_its_language(session: Session) -> None:
    setup_team(session, team_id="T0FR", language="fr")
    setup_team(session, team_id="T0EN", language="en")
    fr = queries.active_processes(session=session, team_id="T0FR")
    en = queries.active_processes(session=session, team_id="T0EN")
    assert [(s.name, s.probability) for s in fr[0].stages] == [
        ("Opportunité à qualifier", 5),
        ("Rendez-vous planifié", 10),
        ("Besoins identifiés", 40),
        ("Proposition envoyée", 85),
        ("En négociation", 90),
    ]
    assert en[0].stages[0].name == "Opportunity to qualify"
    assert len(fr) == len(en) == 1


def test_numbers_are_per_workspace_and_reveal_nothing_of_others(session: Session) -> None:
    for team in ("T0A", "T0B"):
        setup_team(session, team_id=team)
        add_user(session, "U0REP", team_id=team)
    a = [_deal(session, team_id="T0A").number for _ in range(3)]
    b = [_deal(session, team_id="T0B").number for _ in range(2)]
    assert a == [1, 2, 3]
    assert b == [1, 2]
    assert queries.get_opportunity(session=session, team_id="T0B", number=3) is None
    found = queries.get_opportunity(session=session, team_id="T0A", number=3)
    assert found is not None and found.team_id == "T0A"


def test_lists_and_accounts_are_scoped_by_team(session: Session) -> None:
    for team in ("T0A", "T0B"):
        setup_team(session, team_id=team)
        add_user(session, "U0REP", team_id=team)
    _deal(session, team_id="T0A", account="Dupond")
    assert queries.open_opportunities(session=session, team_id="T0B", owner_id="U0REP") == []
    assert queries.find_account(session=session, team_id="T0B", name="Dupond") is None
    assert queries.search_accounts(session=session, team_id="T0B", query="Dup") == []


def test_money_is_exact_even_for_huge_amounts(session: Session) -> None:
    setup_team(session)
    add_user(session, "U0REP")
    amount = 10**12 * 100 + 1  # a trillion and one cent: no float survives this
    deal = _deal(session, amount_minor=amount)
    session.expire_all()
    again = queries.get_opportunity(session=session, team_id=TEAM, number=deal.number)
    assert again is not None and again.amount_minor == amount


def test_times_come_back_as_aware_utc(session: Session) -> None:
    setup_team(session)
    add_user(session, "U0REP")
    deal = _deal(session)
    session.expire_all()
    again = queries.get_opportunity(session=session, team_id=TEAM, number=deal.number)
    assert again is not None
    assert again.created_at == NOW
    assert again.created_at.tzinfo is not None and again.created_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(session: Session) -> None:
    setup_team(session)
    add_user(session, "U0REP")
    deal = _deal(session)
    deal.updated_at = datetime(2026, 1, 1)
    with pytest.raises(Exception, match="naive"):
        session.flush()


def test_accounts_match_without_case_or_accents(session: Session) -> None:
    setup_team(session)
    first = queries.find_or_add_account(
        session=session, team_id=TEAM, name="Société Générale", now=NOW
    )
    again = queries.find_or_add_account(
        session=session, team_id=TEAM, name="SOCIETE generale", now=NOW
    )
    assert first.id == again.id
    queries.find_or_add_account(session=session, team_id=TEAM, name="100% Bio", now=NOW)
    queries.find_or_add_account(session=session, team_id=TEAM, name="1000 Bio", now=NOW)
    # "%" is a literal in the typeahead, not a wildcard.
    assert [
        a.name for a in queries.search_accounts(session=session, team_id=TEAM, query="100%")
    ] == ["100% Bio"]
    assert [
        a.name for a in queries.search_accounts(session=session, team_id=TEAM, query="géné")
    ] == ["Société Générale"]


def test_creation_is_recorded_in_the_history(session: Session) -> None:
    setup_team(session)
    add_user(session, "U0REP")
    deal = _deal(session)
    session.flush()
    rows = queries.history(session=session, team_id=TEAM, opportunity_id=deal.id)
    assert [(r.kind, r.to_stage_id, r.changed_by) for r in rows] == [
        ("created", deal.stage_id, "U0REP")
    ]


def test_a_stale_writer_loses_instead_of_overwriting(database: Database) -> None:
    """Optimistic locking: B read version 1, A wrote version 2 since; B's write is refused."""
    team = f"T0LOCK{database.engine.dialect.name[:2].upper()}"
    with database.transaction() as session:
        setup_team(session, team_id=team)
        add_user(session, "U0REP", team_id=team)
        number = _deal(session, team_id=team).number
    with database.reading() as session:
        stale = queries.get_opportunity(session=session, team_id=team, number=number)
        assert stale is not None and stale.version == 1
        session.expunge(stale)
    with database.transaction() as session:
        fresh = queries.get_opportunity(session=session, team_id=team, number=number)
        assert fresh is not None
        fresh.amount_minor = 700_000
    with pytest.raises(StaleDataError), database.transaction() as session:
        session.add(stale)
        stale.amount_minor = 800_000
    with database.reading() as session:
        final = queries.get_opportunity(session=session, team_id=team, number=number)
        assert final is not None and final.amount_minor == 700_000 and final.version == 2


def test_stages_keep_their_order(session: Session) -> None:
    setup_team(session)
    process = queries.active_processes(session=session, team_id=TEAM)[0]
    positions = session.scalars(
        select(Stage.position).where(Stage.process_id == process.id).order_by(Stage.id)
    ).all()
    assert list(positions) == [0, 1, 2, 3, 4]


def test_health_ping(database: Database) -> None:
    assert database.ping()
    assert not Database("sqlite:////nonexistent/dir/x.db").ping()


def test_now_is_utc() -> None:
    assert NOW.tzinfo is UTC


def test_slack_oauth_tables_are_declared_as_slack_sdk_defines_them() -> None:
    """Bolt's installation and state stores read the tables our migration creates: same names,
    columns, types and nullability as slack_sdk's own definitions."""
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
    from sqlalchemy import MetaData

    theirs = MetaData()
    SQLAlchemyInstallationStore.build_installations_table(theirs, "slack_installations")
    SQLAlchemyInstallationStore.build_bots_table(theirs, "slack_bots")
    SQLAlchemyOAuthStateStore.build_oauth_states_table(theirs, "slack_oauth_states")
    for name, table in theirs.tables.items():
        ours = Base.metadata.tables[name]
        assert [(c.name, repr(c.type), c.nullable) for c in ours.columns] == [
            (c.name, repr(c.type), c.nullable) for c in table.columns
        ], name
        assert {(i.name, tuple(c.name for c in i.columns)) for i in ours.indexes} == {
            (i.name, tuple(c.name for c in i.columns)) for i in table.indexes
        }, name
