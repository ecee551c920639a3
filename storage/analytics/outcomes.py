"""Outcomes, read from the deals themselves (`opportunities`): created, won and lost per owner,
month and segment, and each rep's coaching figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from storage import dialect
from storage.analytics.scope import (
    between,
    count_if,
    created_key,
    deal_scope,
    month_or_none,
    whole_scan,
)
from storage.dialect import days_between, utc_month
from storage.models import Opportunity, Status
from storage.reports import Filters


@dataclass(frozen=True)
class OwnerMonth:
    """One process × owner × month-of-creation group (month None: created before the period),
    split by the month the deals were closed in, for the month-end values."""

    process_id: int
    owner_id: str
    month: str | None  # its deals created in the period are counted in `created`
    created: int
    won: int  # closed in the period
    lost: int  # closed in the period
    won_minor: int
    cycle_days: float  # summed over the won deals, created → won
    won_created: int  # created in the period and won since
    open_minor: int  # open now
    closed: str | None  # the month of closing, None while open
    amount_minor: int  # the deals' amounts today, whatever their status


def outcomes_by_owner(
    *, session: Session, filters: Filters, start: datetime, end: datetime
) -> list[OwnerMonth]:
    """One pass over the deals: created, won and lost in [start, end), cycle lengths, the open
    value now, and today's amounts by months of creation and closing, per process, owner and
    month of creation. Every deal the open pipeline held at some moment since `start` is in:
    open now, or closed since."""
    created = between(Opportunity.created_at, start, end)
    closed = between(Opportunity.closed_at, start, end)
    is_open = Opportunity.status == Status.OPEN
    won = and_(Opportunity.status == Status.WON, closed)
    lost = and_(Opportunity.status == Status.LOST, closed)
    month = created_key(session, start)
    closed_in = utc_month(dialect.name(session), Opportunity.closed_at, to_group=True)
    cycle = days_between(session, Opportunity.closed_at, Opportunity.created_at)
    query = (
        select(
            Opportunity.process_id,
            Opportunity.owner_id,
            month,
            count_if(created),
            count_if(won),
            count_if(lost),
            func.coalesce(func.sum(case((won, Opportunity.amount_minor), else_=0)), 0),
            func.coalesce(
                func.sum(case((won, cycle))),
                0.0,
            ),
            count_if(and_(Opportunity.status == Status.WON, created)),
            func.coalesce(func.sum(case((is_open, Opportunity.amount_minor), else_=0)), 0),
            closed_in,
            func.sum(Opportunity.amount_minor),
        )
        .where(*deal_scope(filters), or_(created, Opportunity.closed_at >= start, is_open))
        .group_by(Opportunity.process_id, Opportunity.owner_id, month, closed_in)
    )
    return [
        OwnerMonth(
            int(row[0]),
            str(row[1]),
            month_or_none(row[2]),
            int(row[3]),
            int(row[4]),
            int(row[5]),
            int(row[6]),
            float(row[7]),
            int(row[8]),
            int(row[9]),
            month_or_none(row[10]),
            int(row[11]),
        )
        for row in session.execute(query)
    ]


@dataclass(frozen=True)
class Segment:
    """One process × origin × product group, grouped by lower(): SQLite's folds only ASCII and
    neither engine ignores accents, so the domain merges the groups that `queries.label_key`
    equates; a label is one of the group's spellings."""

    process_id: int
    origin: str | None
    product: str | None
    created: int
    won: int
    lost: int
    won_minor: int


def outcomes_by_segment(
    *, session: Session, filters: Filters, start: datetime, end: datetime
) -> list[Segment]:
    """Deals created, won and lost in [start, end), per process, origin and product family."""
    created = between(Opportunity.created_at, start, end)
    closed = between(Opportunity.closed_at, start, end)
    won = and_(Opportunity.status == Status.WON, closed)
    lost = and_(Opportunity.status == Status.LOST, closed)
    origin, product = func.lower(Opportunity.origin), func.lower(Opportunity.product)
    query = (
        select(
            Opportunity.process_id,
            func.min(Opportunity.origin),
            func.min(Opportunity.product),
            count_if(created),
            count_if(won),
            count_if(lost),
            func.coalesce(func.sum(case((won, Opportunity.amount_minor), else_=0)), 0),
        )
        .where(*deal_scope(filters), or_(created, closed))
        .group_by(Opportunity.process_id, origin, product)
    )
    return [
        Segment(int(p), o, d, int(c), int(w), int(lo), int(m))
        for p, o, d, c, w, lo, m in session.execute(query)
    ]


@dataclass(frozen=True)
class Activity:
    """One rep's figures for the coaching signals."""

    created: int
    won: int
    lost: int
    open: int
    stuck: int


def activity(
    *,
    session: Session,
    team_id: str,
    owners: Sequence[str] | None,
    created_since: datetime,
    closed_since: datetime,
    stuck_before: dict[int, datetime],
) -> dict[str, Activity]:
    """Per owner: deals created and closed since, open, and stuck (in their stage since before
    their stage's cut-off), in one pass."""
    is_open = Opportunity.status == Status.OPEN
    closed = Opportunity.closed_at >= closed_since
    stuck_conditions = [
        and_(Opportunity.stage_id == stage_id, Opportunity.stage_entered_at < cutoff)
        for stage_id, cutoff in stuck_before.items()
    ]
    stuck = and_(is_open, or_(*stuck_conditions)) if stuck_conditions else literal(False)
    scope = whole_scan(session, Filters(team_id=team_id, owners=owners))
    query = (
        select(
            Opportunity.owner_id,
            count_if(Opportunity.created_at >= created_since),
            count_if(and_(Opportunity.status == Status.WON, closed)),
            count_if(and_(Opportunity.status == Status.LOST, closed)),
            count_if(is_open),
            count_if(stuck),
        )
        .where(
            *scope,
            or_(is_open, Opportunity.created_at >= created_since, closed),
        )
        .group_by(Opportunity.owner_id)
    )
    return {
        str(owner): Activity(int(c), int(w), int(lo), int(o), int(s))
        for owner, c, w, lo, o, s in session.execute(query)
    }
