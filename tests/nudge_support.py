"""Building workspaces for the nudge, digest and outbox tests: deals with a past, quickly."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from commands.workspace import ensure_member, ensure_workspace
from storage import queries, stays
from storage.db import Database
from storage.models import ChangeKind, Member, Opportunity, Role, Stage, StageChange, Status

# Monday 15 March 2027, 10:00 in Paris: past everyone's 9:00 nudge hour.
MONDAY = datetime(2027, 3, 15, 9, 0, tzinfo=UTC)
TEAM = "T0NUDGE"


def workspace(session: Session, team_id: str = TEAM, *, language: str = "fr") -> None:
    ensure_workspace(
        session=session,
        team_id=team_id,
        now=MONDAY - timedelta(days=400),
        language=language,
        timezone="Europe/Paris",
        currency="EUR",
    )


def member(
    session: Session,
    user_id: str,
    *,
    team_id: str = TEAM,
    role: Role = Role.REP,
    manager: str | None = None,
    tz: str | None = "Europe/Paris",
    lang: str | None = "fr",
    name: str = "",
) -> Member:
    found = ensure_member(
        session=session,
        team_id=team_id,
        user_id=user_id,
        now=MONDAY - timedelta(days=400),
        name=name or user_id,
    )
    found.role = role
    found.manager_id = manager
    found.timezone = tz
    found.language = lang
    session.flush()
    return found


def stages(session: Session, team_id: str = TEAM) -> list[Stage]:
    return queries.live_stages(queries.active_processes(session=session, team_id=team_id)[0])


def deal(
    session: Session,
    owner: str,
    *,
    team_id: str = TEAM,
    account: str = "Dupond",
    title: str = "Peinture",
    amount: int = 100_000,
    stage: int = 0,
    entered: datetime = MONDAY - timedelta(days=1),
    created: datetime | None = None,
    close: date = date(2027, 6, 30),
    next_step: date | None = None,
    status: Status = Status.OPEN,
    closed_at: datetime | None = None,
) -> Opportunity:
    """An open deal in the `stage`-th stage since `entered`, with its "created" history row."""
    process = queries.active_processes(session=session, team_id=team_id)[0]
    target = queries.live_stages(process)[stage]
    created = created or entered
    opportunity = Opportunity(
        team_id=team_id,
        number=queries.next_opportunity_number(session=session, team_id=team_id),
        account=queries.find_or_add_account(
            session=session, team_id=team_id, name=account, now=created
        ),
        title=title,
        amount_minor=amount,
        currency="EUR",
        close_date=close,
        owner_id=owner,
        created_by=owner,
        process=process,
        stage=target,
        status=status,
        next_step="Rappeler" if next_step else None,
        next_step_date=next_step,
        created_at=created,
        updated_at=entered,
        closed_at=closed_at,
        stage_entered_at=entered,
    )
    queries.add_opportunity(session=session, opportunity=opportunity, now=created)
    if entered != created:
        queries.record_change(
            session=session,
            opportunity=opportunity,
            kind=ChangeKind.STAGE,
            by=owner,
            at=entered,
            from_stage_id=queries.live_stages(process)[max(stage - 1, 0)].id,
            to_stage_id=target.id,
        )
    session.flush()
    return opportunity


def finished_stays(
    session: Session,
    opportunity: Opportunity,
    stage: Stage,
    days: Sequence[float],
    *,
    end: datetime,
) -> None:
    """History of earlier stays in `stage` lasting `days`, one after the other, the last ending
    at `end` (which must be before the deal's own rows)."""
    cursor = end
    for length in days:
        ended, started = cursor, cursor - timedelta(days=length)
        cursor = started - timedelta(hours=1)
        for at, from_stage, to_stage in ((started, None, stage.id), (ended, stage.id, None)):
            change = StageChange(
                team_id=opportunity.team_id,
                opportunity_id=opportunity.id,
                kind=ChangeKind.STAGE,
                changed_by=opportunity.owner_id,
                changed_at=at,
                from_stage_id=from_stage,
                to_stage_id=to_stage,
            )
            stays.link(session=session, change=change)  # each stay's end, as the app keeps it
            session.add(change)
            session.flush()


def cli(database_url: str, slack_url: str, *args: str, **extra: Any) -> subprocess.Popen[str]:
    """`salesbot <args>` as a real process against a fake Slack."""
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-nudges",
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": slack_url,
        "DATABASE_URL": database_url,
    }
    env.pop("SLACK_APP_TOKEN", None)
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **extra,
    )


def seed_reps(db: Database, count: int, *, team_id: str = TEAM, deals_each: int = 1) -> list[str]:
    """`count` reps in Paris, each with `deals_each` deals stuck for 40 days."""
    reps = [f"U0R{index:04d}" for index in range(count)]
    with db.transaction() as session:
        workspace(session, team_id)
        for rep in reps:
            member(session, rep, team_id=team_id)
            for n in range(deals_each):
                deal(
                    session,
                    rep,
                    team_id=team_id,
                    account=f"Client {rep} {n}",
                    entered=MONDAY - timedelta(days=40),
                )
    return reps


@contextmanager
def new_database(engine: str, directory: Path) -> Iterator[Database]:
    """A migrated database of its own (a SQLite file, or a throwaway PostgreSQL database)."""
    from tests.conftest import _drop_postgres, _postgres_or_skip

    url = f"sqlite:///{directory / 'nudges.db'}" if engine == "sqlite" else _postgres_or_skip()
    db = Database(url)
    db.migrate()
    try:
        yield db
    finally:
        db.dispose()
        if engine != "sqlite":
            _drop_postgres(url)


def clear(db: Database) -> None:
    """Forget every message and nudge of the previous test (the workspace stays)."""
    from sqlalchemy import delete

    from storage.models import DigestSnapshot, FollowUp, FollowUpRule, NudgeMark, OutboxMessage

    with db.transaction() as session:
        for model in (OutboxMessage, NudgeMark, FollowUp, FollowUpRule, DigestSnapshot):
            session.execute(delete(model))
