"""The running totals behind a whole workspace's stats (`storage.tallies`).

Whatever wrote the deals (the commands, the importer, a stage removed in bulk, a back-dated
row), the totals kept along the way equal the ones counted again from scratch — and the
stats read from them equal the stats read from the deals, figure for figure."""

from __future__ import annotations

import dataclasses
import math
import random
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from commands.analytics import stats
from commands.deals import edit as opp_edit
from commands.deals import transitions
from storage import queries, tallies
from storage.db import Database, alembic_config
from storage.models import (
    AmountTally,
    ChangeKind,
    Opportunity,
    OwnerTally,
    Role,
    StayTally,
)
from storage.reports import Filters
from tests.conftest import TEAM, add_user, make_actor, setup_team
from tests.stats_support import at, deal, stages_of
from tests.storage.test_stays import _life_of_deals, _random_deals, scratch_database


def _totals(session: Session) -> dict[str, set[tuple[Any, ...]]]:
    session.flush()
    return tallies.groups(session, TEAM)


def _forget(database: Database, team: str) -> None:
    """Remove a committed test's totals (its workspace is its own)."""
    with database.transaction() as session:
        for model in tallies.TABLES:
            session.execute(delete(model).where(model.team_id == team))


def _counted_again(session: Session) -> dict[str, set[tuple[Any, ...]]]:
    with session.begin_nested() as savepoint:
        tallies.rebuild(session, TEAM)
        again = _totals(session)
        savepoint.rollback()
    return again


def test_every_writer_keeps_the_totals(session: Session, tmp_path: Path) -> None:
    _life_of_deals(session, tmp_path)  # moves, edits, wins, losses, reopenings, bulk, import
    add_user(session, "U0ANNA")
    add_user(session, "U0BEN")
    _random_deals(session, random.Random(11))
    # An edit of every field the totals group by, on a deal with amount changes behind it:
    # another owner, origin, product, amount, and a stage of another process.
    edited = session.scalars(
        select(Opportunity).where(Opportunity.team_id == TEAM, Opportunity.owner_id == "U0ANNA")
    ).first()
    assert edited is not None
    other = queries.active_processes(session=session, team_id=TEAM)[-1]
    assert other.id != edited.process_id
    opp_edit.apply(
        session=session,
        actor=make_actor("U0BOSS", role=Role.ADMIN),
        opportunity=edited,
        changes=opp_edit.Changes(
            owner_id="U0BEN",
            origin="Parrainage",
            product="Toiture",
            amount_minor=4_242,
            stage=queries.live_stages(other)[0],
        ),
    )
    kept = _totals(session)
    assert all(kept.values())  # every table counts something
    assert kept == _counted_again(session)


def test_a_deal_changed_after_a_commit_leaves_its_old_groups(database: Database) -> None:
    """Objects expire at commit: the values they had are loaded before being replaced."""
    team = f"T0TALLY{database.engine.dialect.name[:2].upper()}"
    with database.transaction() as session:
        setup_team(session, team_id=team)
        add_user(session, "U0ANNA", team_id=team)
        add_user(session, "U0BEN", team_id=team)
        s = stages_of(session, team)
        opportunity = deal(
            session, team_id=team, owner="U0ANNA", stages=s, path=[(0, "2026-03-02")],
            origin="Salon",
        )  # fmt: skip
    actor = make_actor("U0ANNA", team_id=team, role=Role.ADMIN)
    try:
        with Session(database.engine, expire_on_commit=True) as session:
            opportunity = session.get_one(Opportunity, opportunity.id)
            session.commit()  # everything expired
            opp_edit.apply(
                session=session,
                actor=actor,
                opportunity=opportunity,
                changes=opp_edit.Changes(amount_minor=77, owner_id="U0BEN"),
            )
            session.commit()
            transitions.win(session=session, actor=actor, opportunity=opportunity)
            session.commit()
        with database.reading() as session:
            rows = session.execute(
                select(OwnerTally.owner_id, OwnerTally.status, OwnerTally.deals,
                       OwnerTally.amount_minor)
                .where(OwnerTally.team_id == team, OwnerTally.deals != 0)
            ).all()  # fmt: skip
            assert [tuple(r) for r in rows] == [("U0BEN", "won", 1, 77)]
    finally:
        _forget(database, team)


def test_a_rolled_back_change_leaves_the_totals_as_they_were(session: Session) -> None:
    setup_team(session)
    add_user(session, "U0ANNA")
    s = stages_of(session, TEAM)
    opportunity = deal(session, team_id=TEAM, owner="U0ANNA", stages=s, path=[(0, "2026-03-02")])
    before = _totals(session)
    with session.begin_nested() as savepoint:
        transitions.win(session=session, actor=make_actor("U0ANNA"), opportunity=opportunity)
        session.flush()
        assert _totals(session) != before
        savepoint.rollback()
    session.expire_all()
    assert _totals(session) == before


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_the_migration_fills_the_totals(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Written by today's code, the tables dropped (down to 0005), migrated again: the same."""
    with scratch_database(engine, tmp_path, request) as db:
        with db.transaction() as session:
            _life_of_deals(session, tmp_path)
            add_user(session, "U0ANNA")
            add_user(session, "U0BEN")
            _random_deals(session, random.Random(12))
            _won_at_a_fraction_of_a_second(session)
            kept = _totals(session)
        command.downgrade(alembic_config(db.engine), "0005")
        db.migrate()
        with db.reading() as session:
            assert _totals(session) == kept


def test_two_writers_at_once_keep_exact_totals(database: Database) -> None:
    """Several bot processes (PostgreSQL) or threads adding to the same groups at once."""
    team = f"T0TWOW{database.engine.dialect.name[:2].upper()}"
    with database.transaction() as session:
        setup_team(session, team_id=team)
        add_user(session, "U0ANNA", team_id=team)
        stage = stages_of(session, team)[0]
        ids = [
            deal(session, team_id=team, owner="U0ANNA", stages=[stage], path=[(0, "2026-03-02")]).id
            for _ in range(20)
        ]
    actor = make_actor("U0ANNA", team_id=team)
    errors: list[BaseException] = []

    def close(mine: list[int], won: bool) -> None:
        try:
            for deal_id in mine:
                with database.transaction() as session:
                    opportunity = session.get_one(Opportunity, deal_id)
                    if won:
                        transitions.win(session=session, actor=actor, opportunity=opportunity)
                    else:
                        transitions.lose(
                            session=session, actor=actor, opportunity=opportunity, reason="Prix"
                        )
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    workers = [
        threading.Thread(target=close, args=(ids[0::2], True)),
        threading.Thread(target=close, args=(ids[1::2], False)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    try:
        with database.reading() as session:
            rows = session.execute(
                select(OwnerTally.status, OwnerTally.deals).where(
                    OwnerTally.team_id == team, OwnerTally.deals != 0
                )
            ).all()
            assert sorted(tuple(r) for r in rows) == [("lost", 10), ("won", 10)]
    finally:
        _forget(database, team)


# --- the stats read from them ----------------------------------------------------------------


def _differences(a: Any, b: Any, path: str = "") -> list[str]:
    """Where two results differ; floats equal to a second's worth of a day (the totals count
    whole seconds)."""
    if dataclasses.is_dataclass(a) and dataclasses.is_dataclass(b) and type(a) is type(b):
        return [
            d
            for f in dataclasses.fields(a)
            for d in _differences(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
        ]
    if isinstance(a, tuple | list) and isinstance(b, tuple | list) and len(a) == len(b):
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in _differences(x, y, f"{path}[{i}]")
        ]
    if isinstance(a, float) and isinstance(b, float) and math.isclose(a, b, abs_tol=1e-4):
        return []
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


@pytest.mark.parametrize(
    "text", ["all", "all period 2025-09..2026-03", "all period 2026", "team", "all period 2026-02"]
)
def test_the_whole_company_s_stats_are_the_same_read_from_the_totals(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    _life_of_deals(session, tmp_path)
    boss = add_user(session, "U0ADMIN", role=Role.ADMIN)
    add_user(session, "U0ANNA", manager="U0ADMIN")
    add_user(session, "U0BEN", manager="U0ADMIN")
    _random_deals(session, random.Random(13))
    s = stages_of(session, TEAM)
    for i in range(6):  # origins and products in several spellings
        deal(
            session, team_id=TEAM, owner="U0ANNA", stages=s, path=[(0, f"2026-0{i + 1}-03")],
            origin=("Salon", "salon", None)[i % 3], product=("Audit", "AUDIT")[i % 2],
        )  # fmt: skip
    read: list[str] = []
    spied = tallies.months

    def months(**kwargs: Any) -> tallies.Months | None:
        found = spied(**kwargs)
        read.append("totals" if found else "deals")
        return found

    monkeypatch.setattr(tallies, "months", months)
    from_totals = stats.stats(session=session, actor=boss, text=text)
    monkeypatch.setattr(tallies, "months", lambda **_: None)
    from_deals = stats.stats(session=session, actor=boss, text=text)
    assert from_totals.process is not None
    if text == "all":
        assert from_totals.process.totals.won and from_totals.process.origins
    assert not _differences(from_totals, from_deals)
    # A manager's team reads the deals; the whole company, the totals.
    assert read == ["deals" if text == "team" else "totals"]


def test_the_totals_answer_whole_months_of_a_whole_team_only() -> None:
    now = datetime(2026, 11, 27, 15, tzinfo=UTC)
    start = datetime(2025, 12, 1, tzinfo=UTC)
    team = Filters(team_id=TEAM)

    def months(filters: Filters = team, begin: datetime = start, end: datetime = now) -> Any:
        return tallies.months(filters=filters, start=begin, end=end, now=now)

    tomorrow = datetime(2026, 11, 28, tzinfo=UTC)
    assert months(end=tomorrow) == tallies.Months("2025-12", "2026-11")
    assert months(end=datetime(2026, 3, 1, tzinfo=UTC)) == tallies.Months("2025-12", "2026-02")
    assert months(Filters(team_id=TEAM, process_id=3), end=tomorrow) is not None
    assert months(begin=datetime(2025, 12, 2, tzinfo=UTC), end=tomorrow) is None
    assert months(end=datetime(2026, 3, 15, tzinfo=UTC)) is None  # cut mid-month
    # Today ends before now (a user west of UTC, late in the evening): not all of this month.
    assert months(end=datetime(2026, 11, 27, tzinfo=UTC)) is None
    assert months(Filters(team_id=TEAM, owners=["U0ANNA"]), end=tomorrow) is None
    assert months(Filters(team_id=TEAM, origin=("salon",)), end=tomorrow) is None
    assert months(Filters(team_id=TEAM, product=("audit",)), end=tomorrow) is None


def test_an_imported_deal_counts_in_the_totals_but_not_its_unknown_first_stay(
    session: Session, tmp_path: Path
) -> None:
    _life_of_deals(session, tmp_path)  # ends with an import
    imported = session.scalars(
        select(Opportunity).where(Opportunity.team_id == TEAM, Opportunity.created_by != "U0BOSS")
    ).all()
    assert imported
    kept = _totals(session)
    owners = {row[2] for row in kept["owner_tallies"]}
    assert {o.owner_id for o in imported} <= owners
    assert kept == _counted_again(session)


def test_the_day_a_stay_lasted_is_counted_in_whole_days(session: Session) -> None:
    setup_team(session)
    add_user(session, "U0ANNA")
    s = stages_of(session, TEAM)
    deal(
        session, team_id=TEAM, owner="U0ANNA", stages=s,
        path=[(0, "2026-03-02"), (1, "2026-03-05"), (2, "2026-03-05")],
    )  # fmt: skip
    rows = session.execute(
        select(StayTally.stage_id, StayTally.left_month, StayTally.days, StayTally.stays,
               StayTally.seconds).where(StayTally.team_id == TEAM)
    ).all()  # fmt: skip
    assert sorted(tuple(r) for r in rows) == sorted(
        [(s[0].id, "2026-03", 3, 1, 3 * 86_400), (s[1].id, "2026-03", 0, 1, 0)]
    )


def test_a_stay_of_two_days_and_eighteen_hours_counts_two_whole_days(session: Session) -> None:
    """Kept, recounted (and so migrated: the same grouping) alike: whole days are floored."""
    setup_team(session)
    add_user(session, "U0ANNA")
    s = stages_of(session, TEAM)
    opportunity = deal(session, team_id=TEAM, owner="U0ANNA", stages=s, path=[(0, "2026-03-02")])
    queries.record_change(
        session=session,
        opportunity=opportunity,
        kind=ChangeKind.STAGE,
        by="U0ANNA",
        at=at("2026-03-04", 9 + 18),  # 2 days 18 hours after its creation at 09:00
        from_stage_id=s[0].id,
        to_stage_id=s[1].id,
    )
    # Fractions of a second are dropped at both ends, by Python and by SQL alike: a stay from
    # …:00.9 to …:00.1 a day later counts as one whole day of 86,400 seconds.
    for when, stage in ((timedelta(seconds=0.9), s[2]), (timedelta(days=1, seconds=0.1), s[3])):
        queries.record_change(
            session=session,
            opportunity=opportunity,
            kind=ChangeKind.STAGE,
            by="U0ANNA",
            at=at("2026-03-10") + when,
            to_stage_id=stage.id,
        )
    kept = _totals(session)
    assert {(r[1], r[3], r[4], r[5]) for r in kept["stay_tallies"]} == {
        (s[0].id, 2, 1, 237_600),
        (s[1].id, 5, 1, 5 * 86_400 + 6 * 3_600),  # 5 Mar 03:00 → 10 Mar 09:00
        (s[2].id, 1, 1, 86_400),
    }
    assert kept == _counted_again(session)


def test_fractions_of_a_second_are_dropped_the_same_way_by_python_and_sql(
    session: Session,
) -> None:
    """SQLite reads times to the millisecond, rounding: 09:00:00.9996 would be 09:00:01 to it
    but 09:00:00 to Python, and a won deal's cycle would drift by a second per change."""
    setup_team(session)
    add_user(session, "U0ANNA")
    _won_at_a_fraction_of_a_second(session)
    kept = _totals(session)
    assert {r[8] for r in kept["owner_tallies"]} == {3 * 86_400}
    assert {r[-1] for r in kept["stay_tallies"]} == {3 * 86_400}
    assert kept == _counted_again(session)


def _won_at_a_fraction_of_a_second(session: Session) -> None:
    """A deal created 2 Mar at 09:00:00 (its history) / 09:00:00.9996 (the deal), won 5 Mar
    at 09:00:00.9996."""
    late = timedelta(microseconds=999_600)
    s = stages_of(session, TEAM)
    opportunity = deal(session, team_id=TEAM, owner="U0ANNA", stages=s, path=[(0, "2026-03-02")])
    opportunity.created_at = at("2026-03-02") + late
    session.flush()
    actor = make_actor("U0ANNA", now=at("2026-03-05") + late)
    transitions.win(session=session, actor=actor, opportunity=opportunity)


def test_two_transactions_adding_to_the_same_groups_in_opposite_orders_both_commit(
    database: Database,
) -> None:
    """One transaction's flushes may add to group A then B, another's to B then A (a win moves
    amount totals, then stay totals; an edit adds stay, then amount totals). On PostgreSQL
    the rows' locks would deadlock them and one would be aborted: the totals of a workspace
    are written one transaction at a time instead. (SQLite has one writer at a time anyway.)"""
    team = f"T0ORDER{database.engine.dialect.name[:2].upper()}"
    a = {"team_id": team, "process_id": 1, "created_at": at("2026-03-02"), "closed_at": None}
    stay = {"team_id": team, "kind": ChangeKind.STAGE, "to_stage_id": 1, "from_value": None}
    stay |= {"changed_at": at("2026-03-02"), "left_at": at("2026-03-05")}
    first_done, second_done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def amount_then_stay() -> None:
        try:
            with database.transaction() as session:
                one = tallies.Tallies()
                one.amount(+1, tallies.deal_key(a), "2026-03", 1, 100)
                one.write(session)
                first_done.set()
                second_done.wait(timeout=1)  # the other has begun (or waits for this one)
                two = tallies.Tallies()
                two.stay(+1, stay)
                two.write(session)
        except BaseException as error:
            errors.append(error)

    def stay_then_amount() -> None:
        try:
            first_done.wait(timeout=5)
            with database.transaction() as session:
                one = tallies.Tallies()
                one.stay(+1, stay)
                one.write(session)
                second_done.set()
                two = tallies.Tallies()
                two.amount(+1, tallies.deal_key(a), "2026-03", 1, 100)
                two.write(session)
        except BaseException as error:
            errors.append(error)

    workers = [threading.Thread(target=amount_then_stay), threading.Thread(target=stay_then_amount)]
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=30)
        assert not errors
        with database.reading() as session:
            assert (
                session.scalar(select(AmountTally.step_minor).where(AmountTally.team_id == team))
                == 200
            )
            assert session.scalar(select(StayTally.stays).where(StayTally.team_id == team)) == 2
    finally:
        _forget(database, team)
