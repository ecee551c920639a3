"""Reading the running totals: the stats' figures for a whole team over whole months, as
`storage.analytics` answers them from the deals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from storage.analytics import AmountMoves, OwnerMonth, Segment, Stays
from storage.models import (
    AmountTally,
    OwnerTally,
    SegmentTally,
    Stage,
    StageTally,
    Status,
    StayTally,
)
from storage.reports import Filters
from storage.tallies.keeping import DAY, month


@dataclass(frozen=True)
class Months:
    """The whole months a period spans, as the tables key them."""

    first: str
    last: str

    def holds(self, column: Any) -> ColumnElement[bool]:
        return and_(column >= self.first, column <= self.last)


def months(*, filters: Filters, start: datetime, end: datetime, now: datetime) -> Months | None:
    """The months to read when the totals answer exactly [start, end) for `filters`: a whole
    team, no origin or product, whole months from `start` to `end` (or to now: nothing has
    happened since)."""
    if filters.owners is not None or filters.origin or filters.product:
        return None
    midnight = time(tzinfo=UTC)
    if start.day != 1 or start.timetz() != midnight:
        return None
    if end < now and (end.day != 1 or end.timetz() != midnight):
        return None
    return Months(month(start), month(end - timedelta(microseconds=1)))


def _process(model: Any, filters: Filters) -> list[ColumnElement[bool]]:
    conditions = [model.team_id == filters.team_id]
    if filters.process_id is not None:
        conditions.append(model.process_id == filters.process_id)
    return conditions


def _sum_if(condition: ColumnElement[bool], value: Any) -> Any:
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def outcomes_by_owner(*, session: Session, filters: Filters, period: Months) -> list[OwnerMonth]:
    """`analytics.outcomes_by_owner`, from `owner_tallies`."""
    t = OwnerTally
    created = period.holds(t.created_month)
    closed = period.holds(t.closed_month)  # '' (open) is before any month
    won, lost = and_(t.status == Status.WON, closed), and_(t.status == Status.LOST, closed)
    opened = case((t.created_month < period.first, None), else_=t.created_month)
    query = (
        select(
            t.process_id,
            t.owner_id,
            opened,
            _sum_if(created, t.deals),
            _sum_if(won, t.deals),
            _sum_if(lost, t.deals),
            _sum_if(won, t.amount_minor),
            _sum_if(won, t.cycle_seconds),
            _sum_if(and_(t.status == Status.WON, created), t.deals),
            _sum_if(t.status == Status.OPEN, t.amount_minor),
            t.closed_month,
            func.sum(t.amount_minor),
        )
        .where(
            *_process(t, filters),
            t.deals > 0,
            or_(created, t.closed_month >= period.first, t.status == Status.OPEN),
        )
        .group_by(t.process_id, t.owner_id, opened, t.closed_month)
    )
    return [
        OwnerMonth(
            int(p),
            str(owner),
            m or None,
            int(c),
            int(w),
            int(lo),
            int(wm),
            int(cycle) / DAY,
            int(wc),
            int(om),
            k or None,
            int(a),
        )
        for p, owner, m, c, w, lo, wm, cycle, wc, om, k, a in session.execute(query)
    ]


def outcomes_by_segment(*, session: Session, filters: Filters, period: Months) -> list[Segment]:
    """`analytics.outcomes_by_segment`, from `segment_tallies`."""
    t = SegmentTally
    created, closed = period.holds(t.created_month), period.holds(t.closed_month)
    won, lost = and_(t.status == Status.WON, closed), and_(t.status == Status.LOST, closed)
    query = (
        select(
            t.process_id,
            func.min(t.origin),
            func.min(t.product),
            _sum_if(created, t.deals),
            _sum_if(won, t.deals),
            _sum_if(lost, t.deals),
            _sum_if(won, t.amount_minor),
        )
        .where(*_process(t, filters), t.deals > 0, or_(created, closed))
        .group_by(t.process_id, func.lower(t.origin), func.lower(t.product))
    )
    return [
        Segment(int(p), o or None, d or None, int(c), int(w), int(lo), int(m))
        for p, o, d, c, w, lo, m in session.execute(query)
    ]


CurrentStage = tuple[int, int, str, int, int, int]
"""(process, current stage's position, status, created in the period, closed in it, deals)."""


def current_stages(*, session: Session, filters: Filters, period: Months) -> list[CurrentStage]:
    """The deals not won, created or closed in the period, per current stage (`analytics.reach`
    adds the few that once went further)."""
    t = StageTally
    created, closed = period.holds(t.created_month), period.holds(t.closed_month)
    created_in, closed_in = case((created, 1), else_=0), case((closed, 1), else_=0)
    query = (
        select(t.process_id, Stage.position, t.status, created_in, closed_in, func.sum(t.deals))
        .join(Stage, Stage.id == t.stage_id)
        .where(*_process(t, filters), t.status != Status.WON, t.deals > 0, or_(created, closed))
        .group_by(t.process_id, Stage.position, t.status, created_in, closed_in)
    )
    return [
        (int(p), int(position), str(s), int(c), int(k), int(n))
        for p, position, s, c, k, n in session.execute(query)
    ]


def stays(*, session: Session, team_id: str, period: Months) -> list[Stays]:
    """`analytics.stays`, from `stay_tallies`."""
    t = StayTally
    query = (
        select(t.stage_id, t.days, func.sum(t.stays), func.sum(t.seconds))
        .where(t.team_id == team_id, period.holds(t.left_month), t.stays > 0)
        .group_by(t.stage_id, t.days)
    )
    rows = session.execute(query)
    return [Stays(int(s), int(d), int(n), int(sec) / DAY) for s, d, n, sec in rows]


def amount_moves(
    *, session: Session, filters: Filters, period: Months, since: datetime
) -> list[AmountMoves]:
    """`analytics.amount_moves` (changes from `since`, a month's first moment on), from
    `amount_tallies`."""
    t = AmountTally
    opened = case((t.created_month < period.first, ""), else_=t.created_month)
    query = (
        select(t.changed_month, opened, t.closed_month, func.sum(t.step_minor))
        .where(*_process(t, filters), t.changes > 0, t.changed_month >= month(since))
        .group_by(t.changed_month, opened, t.closed_month)
    )
    return [
        AmountMoves(str(m), str(o), c or None, int(v or 0)) for m, o, c, v in session.execute(query)
    ]
