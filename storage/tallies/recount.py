"""Counting a workspace's totals again from its deals and history, in SQL (`rebuild`), and
reading them all back (`groups`) to compare."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, and_, case, cast, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from storage import dialect
from storage.analytics import IMPORTED
from storage.dialect import epoch_seconds, utc_month
from storage.models import (
    AmountTally,
    ChangeKind,
    Opportunity,
    OwnerTally,
    SegmentTally,
    StageChange,
    StageTally,
    Status,
    StayTally,
)
from storage.tallies.keeping import DAY, STAY_KINDS

TABLES = (OwnerTally, SegmentTally, StageTally, StayTally, AmountTally)


def groups(session: Session, team_id: str) -> dict[str, set[tuple[Any, ...]]]:
    """A workspace's totals, per table: every group that counts something (a group emptied
    by the writers keeps a row of zeros, which a recount does not write)."""
    found = {}
    for model in TABLES:
        table: Any = model.__table__
        keys = len(table.primary_key.columns)
        rows = session.execute(select(*table.columns).where(table.c.team_id == team_id))
        found[table.name] = {tuple(row) for row in rows if any(row[keys:])}
    return found


def rebuild(session: Session, team_id: str) -> None:
    """Count a workspace's totals again from its deals and history (after bulk loads that
    went around the writers)."""
    for model in TABLES:
        session.execute(delete(model).where(model.team_id == team_id))
    o = Opportunity
    engine = dialect.name(session)
    created, closed = utc_month(engine, o.created_at), utc_month(engine, o.closed_at)
    closed = func.coalesce(closed, "")
    cycle = case(
        (
            and_(o.status == Status.WON, o.closed_at.is_not(None)),
            epoch_seconds(session, o.closed_at) - epoch_seconds(session, o.created_at),
        ),
        else_=0,
    )
    scope = o.team_id == team_id
    groups: tuple[tuple[Any, tuple[Any, ...], tuple[Any, ...]], ...] = (
        (
            OwnerTally,
            (o.team_id, o.process_id, o.owner_id, o.status, created, closed),
            (func.count(), func.sum(o.amount_minor), func.sum(cycle)),
        ),
        (
            SegmentTally,
            (
                o.team_id,
                o.process_id,
                func.coalesce(o.origin, ""),
                func.coalesce(o.product, ""),
                o.status,
                created,
                closed,
            ),
            (func.count(), func.sum(o.amount_minor)),
        ),
        (
            StageTally,
            (o.team_id, o.process_id, o.stage_id, o.status, created, closed),
            (func.count(),),
        ),
    )
    for model, keys, measures in groups:
        columns = [c.name for c in model.__table__.columns]
        session.execute(
            insert(model).from_select(
                columns, select(*keys, *measures).where(scope).group_by(*keys)
            )
        )
    c = StageChange
    length = epoch_seconds(session, c.left_at) - epoch_seconds(session, c.changed_at)
    # Floor division of non-negative whole seconds (SQLAlchemy's `/` is a true division, and
    # PostgreSQL would round its cast back to an integer).
    days = length // DAY
    keys = (c.team_id, c.to_stage_id, utc_month(engine, c.left_at), days)
    session.execute(
        insert(StayTally).from_select(
            ["team_id", "stage_id", "left_month", "days", "stays", "seconds"],
            select(*keys, func.count(), func.sum(length))
            .where(
                c.team_id == team_id,
                c.kind.in_(STAY_KINDS),
                c.left_at.is_not(None),
                c.to_stage_id.is_not(None),
                or_(c.from_value.is_(None), c.from_value != IMPORTED),
            )
            .group_by(*keys),
        )
    )
    difference = cast(c.to_value, BigInteger) - cast(c.from_value, BigInteger)
    keys = (o.team_id, o.process_id, utc_month(engine, c.changed_at), created, closed)
    session.execute(
        insert(AmountTally).from_select(
            ["team_id", "process_id", "changed_month", "created_month", "closed_month",
             "changes", "step_minor"],
            select(*keys, func.count(), func.coalesce(func.sum(difference), 0))
            .select_from(c)
            .join(o, o.id == c.opportunity_id)
            .where(c.team_id == team_id, c.kind == ChangeKind.AMOUNT)
            .group_by(*keys),
        )
    )  # fmt: skip
