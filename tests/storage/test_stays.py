"""`stage_changes.left_at`: whatever wrote the history, each stay row holds the time the deal's
next stay row starts — what `/pipeline stats` used to compute with a window on every request.
The open pipeline's value at each month end, now read from the deals' dates and amount
changes, is checked against a replay of the history."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, select, type_coerce
from sqlalchemy.orm import Session

from commands.analytics import stats
from commands.context import Actor
from commands.deals import edit as opp_edit
from commands.deals import transitions
from commands.io import importer, spreadsheet
from storage import queries
from storage.db import Database, alembic_config
from storage.models import ChangeKind, Opportunity, Role, StageChange, Status, UTCDateTime
from storage.stays import STAY_KINDS
from tests.commands.io.test_import import GOOD_FR
from tests.conftest import NOW, TEAM, add_user, make_actor, setup_team
from tests.stats_support import at, deal, stages_of


def _window(session: Session) -> dict[int, datetime | None]:
    """Every row's `left_at` as the window computes it (None for the other kinds)."""
    following = func.lead(StageChange.changed_at).over(
        partition_by=StageChange.opportunity_id,
        order_by=(StageChange.changed_at, StageChange.id),
    )
    expected: dict[int, datetime | None] = dict.fromkeys(
        session.scalars(select(StageChange.id).where(StageChange.team_id == TEAM)), None
    )
    rows = session.execute(
        select(StageChange.id, type_coerce(following, UTCDateTime())).where(
            StageChange.team_id == TEAM, StageChange.kind.in_(STAY_KINDS)
        )
    )
    expected.update({int(id_): left for id_, left in rows})
    return expected


def _stored(session: Session) -> dict[int, datetime | None]:
    session.flush()
    session.expire_all()
    rows = session.execute(
        select(StageChange.id, StageChange.left_at).where(StageChange.team_id == TEAM)
    )
    return {int(id_): left for id_, left in rows}


def _at(days: float) -> Actor:
    """The admin, `days` days before today."""
    return make_actor("U0BOSS", role=Role.ADMIN, now=NOW - timedelta(days=days))


def _life_of_deals(session: Session, tmp_path: Path) -> None:
    """Deals moved, edited, won, lost, reopened, moved to another process, back-dated, imported."""
    setup_team(session)
    add_user(session, "U0BOSS", role=Role.ADMIN)
    first = stages_of(session, TEAM)
    other = queries.add_process(
        session=session, team_id=TEAM, name="Renewals", stages=[("Call", 20), ("Sign", 80)], now=NOW
    )
    session.flush()
    deals = [
        deal(session, team_id=TEAM, owner="U0BOSS", stages=first, path=[(0, "2026-06-01")])
        for _ in range(3)
    ]
    a, b, c = deals
    transitions.move(session=session, actor=_at(90), opportunity=a, stage=first[2])
    transitions.advance(session=session, actor=_at(80), opportunity=a)
    opp_edit.apply(
        session=session, actor=_at(75), opportunity=a, changes=opp_edit.Changes(amount_minor=9)
    )
    transitions.win(session=session, actor=_at(70), opportunity=a)
    transitions.reopen(session=session, actor=_at(60), opportunity=a)
    transitions.move(session=session, actor=_at(60), opportunity=a, stage=first[1])  # same time
    transitions.lose(session=session, actor=_at(50), opportunity=a, reason="Price")
    transitions.reopen(session=session, actor=_at(40), opportunity=a)
    # Another process: a "process" row then a stage row, in one transaction, no flush between.
    transitions.change_process(
        session=session, actor=_at(30), opportunity=b, stage=queries.live_stages(other)[1]
    )
    transitions.lose(session=session, actor=_at(20), opportunity=b, reason="Gone")
    # A row written late, dated between older ones, and one before the deal's first row.
    transitions.move(session=session, actor=_at(10), opportunity=c, stage=first[3])
    for when, stage in ((at("2026-07-01"), first[1]), (at("2026-05-01"), first[0])):
        queries.record_change(
            session=session,
            opportunity=c,
            kind=ChangeKind.STAGE,
            by="U0BOSS",
            at=when,
            to_stage_id=stage.id,
        )
    # An admin removing a stage moves its deals in bulk (stays ended in one statement).
    d, e, f = (
        deal(session, team_id=TEAM, owner="U0BOSS", stages=first, path=[(0, "2026-06-01")])
        for _ in range(3)
    )
    transitions.move(session=session, actor=_at(12), opportunity=f, stage=first[1])
    transitions.relocate(session=session, actor=_at(8), opportunities=[d, f], stage=first[2])
    transitions.relocate(
        session=session, actor=_at(8), opportunities=[e], stage=queries.live_stages(other)[0]
    )
    path = tmp_path / "deals.csv"
    path.write_text(GOOD_FR, encoding="utf-8")
    report = importer.import_table(
        session=session,
        team_id=TEAM,
        table=spreadsheet.read_table(path),
        emails=None,
        lang="fr",
        now=NOW,
        dry_run=False,
    )
    assert not report.errors


def test_every_writer_leaves_the_window_s_left_at(session: Session, tmp_path: Path) -> None:
    _life_of_deals(session, tmp_path)
    stored = _stored(session)
    assert stored == _window(session)
    ends = [left for left in stored.values() if left is not None]
    assert len(ends) >= 15  # the scenario did end stays (closed and reopened, moved, imported)


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_the_migration_backfills_left_at(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Written by today's code, the column dropped (down to 0004), migrated again: the same."""
    with scratch_database(engine, tmp_path, request) as db:
        with db.transaction() as session:
            _life_of_deals(session, tmp_path)
            written = _stored(session)
        command.downgrade(alembic_config(db.engine), "0004")
        db.migrate()
        with db.reading() as session:
            assert _stored(session) == written == _window(session)


@contextmanager
def scratch_database(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Database]:
    """A migrated database of its own (migrations are tried up and down on it), dropped after."""
    if engine == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrate.db'}"
    else:
        url = request.getfixturevalue("postgres_url") + "_scratch"
        _recreate(url)
    db = Database(url)
    try:
        db.migrate()
        yield db
    finally:
        db.dispose()
        if engine == "postgres":
            _recreate(url, drop_only=True)


def _recreate(url: str, *, drop_only: bool = False) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


# --- the open pipeline at each month end ------------------------------------------------------


def _random_deals(session: Session, rng: random.Random) -> None:
    """Forty deals with random stays, amount changes (some while closed), wins, losses and
    reopenings (some without a stage, as older rows were written)."""
    s = stages_of(session, TEAM)
    first = date(2025, 6, 1)

    def day(low: int, high: int) -> str:
        return (first + timedelta(days=rng.randint(low, high))).isoformat()

    for i in range(40):
        owner = ("U0ANNA", "U0BEN")[i % 2]
        created = rng.randint(0, 500)
        days = sorted(rng.sample(range(created, 540), 8))
        path = [(0, day(created, created))]
        for index, moment in enumerate(days[:3], start=1):
            if rng.random() < 0.6:
                path.append((min(index, len(s) - 1), day(moment, moment)))
        last = int(date.fromisoformat(path[-1][1]).toordinal() - first.toordinal())
        amount = rng.randint(1, 50) * 100_000
        amounts, after = [], amount
        for moment in sorted(rng.sample(range(created + 1, 540), rng.randint(0, 3)), reverse=True):
            before = rng.randint(1, 50) * 100_000
            amounts.append((day(moment, moment), before, after))
            after = before
        cycles = rng.random() < 0.4
        status = rng.choice((Status.OPEN, Status.WON, Status.LOST))
        closing = rng.randint(last + 1, 545)
        closed = day(closing, closing) if status != Status.OPEN and not cycles else None
        opportunity = deal(
            session, team_id=TEAM, owner=owner, stages=s, path=path, status=status if closed
            else Status.OPEN, closed=closed, amount=after if not amounts else amount,
            amounts=amounts[::-1],
        )  # fmt: skip
        if not cycles:
            continue
        # Lost, reopened (with or without its stage), then maybe lost or won for good.
        moments = sorted(rng.sample(range(last + 1, 545), 3))
        steps = [("open", "lost"), ("lost", "open")]
        if status != Status.OPEN:
            steps.append(("open", str(status)))
        for moment, (before, after) in zip(moments, steps, strict=False):
            queries.record_change(
                session=session, opportunity=opportunity, kind=ChangeKind.STATUS, by=owner,
                at=at(day(moment, moment)), from_value=before, to_value=after,
                to_stage_id=opportunity.stage_id if after == "open" and rng.random() < 0.5
                else None,
            )  # fmt: skip
        if status != Status.OPEN:
            opportunity.status = status
            opportunity.closed_at = at(day(moments[2], moments[2]))
    session.flush()
    for opportunity in session.scalars(select(Opportunity).where(Opportunity.team_id == TEAM)):
        # As the bot's writers do: a deal's last change is its `updated_at`.
        opportunity.updated_at = max(
            c.changed_at
            for c in queries.history(session=session, team_id=TEAM, opportunity_id=opportunity.id)
        )
    session.flush()


def _replayed(session: Session, owners: set[str], month_end: datetime) -> int:
    """The open value at `month_end` from each deal's rows: today's state rewound."""
    total = 0
    for opportunity in session.scalars(
        select(Opportunity).where(Opportunity.team_id == TEAM, Opportunity.owner_id.in_(owners))
    ):
        amount, is_open = opportunity.amount_minor, int(opportunity.status == Status.OPEN)
        for change in queries.history(session=session, team_id=TEAM, opportunity_id=opportunity.id):
            if change.changed_at < month_end:
                continue
            if change.kind == ChangeKind.AMOUNT:
                amount -= int(change.to_value or 0) - int(change.from_value or 0)
            elif change.kind == ChangeKind.CREATED or (
                change.kind == ChangeKind.STATUS and change.to_value == Status.OPEN
            ):
                is_open -= 1
            elif change.kind == ChangeKind.STATUS and change.from_value == Status.OPEN:
                is_open += 1
        total += is_open * amount
    return total


def test_month_end_values_match_a_replay_of_the_history(session: Session) -> None:
    setup_team(session)
    boss = add_user(session, "U0BOSS", role=Role.ADMIN)
    anna = add_user(session, "U0ANNA")
    add_user(session, "U0BEN")
    _random_deals(session, random.Random(6))
    for actor, text, owners in ((boss, "all", {"U0ANNA", "U0BEN"}), (anna, "", {"U0ANNA"})):
        for period in ("", "period 2025-09..2026-03-15"):
            result = stats.stats(session=session, actor=actor, text=f"{text} {period}".strip())
            assert result.process is not None
            for row in result.process.months:
                month_end = datetime.combine(
                    date(row.month.year + row.month.month // 12, row.month.month % 12 + 1, 1),
                    datetime.min.time(),
                    UTC,
                )
                if month_end <= NOW:
                    assert row.open_minor == _replayed(session, owners, month_end), row
