"""Shape a `seed.py` workspace for the nudge benchmark: history to learn from, and a chosen
share of deals due.

`seed.py` loads the volume (deals, accounts, reps, one "created" history row per deal). On top
of it:
- `add_closed_stays` records a status row for every closed deal (its stay in its last stage
  ended when it was won or lost), so the learned thresholds read a realistic history;
- `shape_due` makes exactly `percent` % of the open deals due — a third stuck (30 days in
  their stage, over the 14-day threshold an admin sets on every stage so the share is exact),
  a third past their close date, a third past their next step — and every other open deal
  fresh, so the scan's cost can be compared between 1 % and 10 % due on the same table.

Everything is set with a few `UPDATE`s (id modulo 1000), in seconds even at a million deals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Table, and_, case, delete, func, insert, literal, select, text, update

from storage.db import Database
from storage.models import (
    Base,
    ChangeKind,
    NudgeMark,
    Opportunity,
    OutboxMessage,
    Stage,
    StageChange,
    Status,
)

OPPORTUNITIES: Table = Base.metadata.tables[Opportunity.__tablename__]
STAGE_CHANGES: Table = Base.metadata.tables[StageChange.__tablename__]
STUCK_AFTER_DAYS = 14


@dataclass(frozen=True)
class Shape:
    percent: float
    open: int
    due: int  # open deals made due: what the scan must find


def add_closed_stays(db: Database, team_id: str) -> int:
    """One status row per closed deal, at its closing, leaving its stage (once)."""
    with db.transaction() as session:
        already = session.scalar(
            select(func.count())
            .select_from(StageChange)
            .where(StageChange.team_id == team_id, StageChange.kind == ChangeKind.STATUS)
        )
        if already:
            return int(already)
        closed = select(
            Opportunity.team_id,
            Opportunity.id,
            literal(ChangeKind.STATUS.value),
            Opportunity.owner_id,
            Opportunity.closed_at,
            Opportunity.stage_id,
            literal(Status.OPEN.value),
            Opportunity.status,
        ).where(Opportunity.team_id == team_id, Opportunity.status != Status.OPEN)
        session.execute(
            insert(STAGE_CHANGES).from_select(
                [
                    "team_id",
                    "opportunity_id",
                    "kind",
                    "changed_by",
                    "changed_at",
                    "from_stage_id",
                    "from_value",
                    "to_value",
                ],
                closed,
            )
        )
        # The "created" row's stay now ends at the closing (`stage_changes.left_at`).
        session.execute(
            update(STAGE_CHANGES)
            .where(
                STAGE_CHANGES.c.team_id == team_id,
                STAGE_CHANGES.c.kind == ChangeKind.CREATED.value,
                STAGE_CHANGES.c.opportunity_id == OPPORTUNITIES.c.id,
                OPPORTUNITIES.c.status != Status.OPEN,
                OPPORTUNITIES.c.closed_at >= STAGE_CHANGES.c.changed_at,
            )
            .values(left_at=OPPORTUNITIES.c.closed_at)
        )
        return int(
            session.scalar(
                select(func.count())
                .select_from(StageChange)
                .where(StageChange.team_id == team_id, StageChange.kind == ChangeKind.STATUS)
            )
            or 0
        )


def shape_due(db: Database, team_id: str, *, percent: float, now: datetime) -> Shape:
    today = now.date()
    share = round(percent * 10)  # per thousand
    open_deal = and_(OPPORTUNITIES.c.team_id == team_id, OPPORTUNITIES.c.status == Status.OPEN)
    due = OPPORTUNITIES.c.id % 1000 < share
    with db.transaction() as session:
        session.execute(
            update(Stage).where(Stage.team_id == team_id).values(stuck_after_days=STUCK_AFTER_DAYS)
        )
        # Everyone fresh: 2 days in their stage, close dates and next steps ahead.
        session.execute(
            update(OPPORTUNITIES)
            .where(open_deal)
            .values(
                stage_entered_at=now - timedelta(days=2),
                snoozed_until=None,
                close_date=case(
                    (OPPORTUNITIES.c.close_date < today, today + timedelta(days=30)),
                    else_=OPPORTUNITIES.c.close_date,
                ),
                next_step_date=case(
                    (OPPORTUNITIES.c.next_step_date.is_(None), None),
                    else_=today + timedelta(days=10),
                ),
            )
        )
        for part, values in enumerate(
            (
                {"stage_entered_at": now - timedelta(days=30)},
                {"close_date": today - timedelta(days=5)},
                {"next_step_date": today - timedelta(days=2)},
            )
        ):
            session.execute(
                update(OPPORTUNITIES)
                .where(open_deal, due, OPPORTUNITIES.c.id % 3 == part)
                .values(**values)
            )
        session.execute(delete(NudgeMark).where(NudgeMark.team_id == team_id))
        session.execute(delete(OutboxMessage).where(OutboxMessage.team_id == team_id))
        counts = session.execute(
            select(func.count(), func.count(case((due, 1))))
            .select_from(OPPORTUNITIES)
            .where(open_deal)
        ).one()
    if not db.is_sqlite:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE opportunities"))
    else:
        with db.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    return Shape(percent=percent, open=int(counts[0]), due=int(counts[1]))


def next_weekday(day: date) -> date:
    """`day` itself on a weekday, else the Monday after."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)
