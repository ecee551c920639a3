"""Figures read from the history (`stage_changes`): time spent per stage, amount changes,
reopened deals, and how far the deals went.

Each reads its rows from the team's ranges, deal by deal, or from a few owners' copy
(`scope.source`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session, aliased

from storage import dialect
from storage.analytics.scope import (
    IMPORTED,
    OwnersHistory,
    between,
    created_key,
    deal_scope,
    month_or_none,
    per_deal,
    source,
    whole_scan,
)
from storage.dialect import days_between, is_sqlite, month_text, utc_month, whole_days
from storage.models import ChangeKind, Opportunity, Stage, StageChange, Status
from storage.reports import Filters


@dataclass(frozen=True)
class Stays:
    """Completed stays in one stage that lasted `days` whole days."""

    stage_id: int
    days: int
    count: int
    total_days: float  # their exact summed length, for the average


def stays(
    *,
    session: Session,
    filters: Filters,
    start: datetime,
    end: datetime,
    history: OwnersHistory | None = None,
) -> list[Stays]:
    """Time spent in each stage by the stays that ended in [start, end), as a day histogram.

    Bucketing by whole days keeps the answer small (stages × days) and gives the median
    exactly in whole days; the exact total gives the average. A stay belongs to its stage (so
    to the stage's process), whatever became of the deal. Each row holds its stay's end
    (`left_at`): for a whole team this is a range of `ix_stage_changes_stays` per kind, for a
    few owners one per deal of `ix_stage_changes_deal_stays` — or their `history` copy.
    """
    deals = replace(filters, process_id=None)  # stays belong to their stage's process
    change, team, kind, test = source(session, deals, history)
    length = days_between(session, change.left_at, change.changed_at)
    whole = whole_days(session, length)
    conditions = [
        team == filters.team_id,
        # Process rows start no stay in a stage (the stage row that follows does).
        kind.in_((ChangeKind.CREATED, ChangeKind.STAGE, ChangeKind.STATUS)),
        test(between(change.left_at, start, end)),
        change.to_stage_id.is_not(None),
        or_(change.from_value.is_(None), change.from_value != IMPORTED),
    ]
    query = select(change.to_stage_id, whole, func.count(), func.sum(length))
    if history is None and (deals.owners is not None or deals.origin or deals.product):
        query = query.join(Opportunity, Opportunity.id == change.opportunity_id)
        conditions.extend(deal_scope(deals))
        if deals.owners is not None:
            # A stay that ended in the period is a change since its start: `updated_at`.
            conditions.append(Opportunity.updated_at >= start)
    rows = session.execute(query.where(*conditions).group_by(change.to_stage_id, whole))
    return [Stays(int(s), int(d), int(n), float(t or 0.0)) for s, d, n, t in rows]


@dataclass(frozen=True)
class AmountMoves:
    """Amount changes made in `month` to deals created in `opened` ('' before the period) and
    closed in `closed` (None: open now): their summed difference, in minor units."""

    month: str
    opened: str
    closed: str | None
    step: int


def amount_moves(
    *,
    session: Session,
    filters: Filters,
    start: datetime,
    since: datetime,
    history: OwnersHistory | None = None,
) -> list[AmountMoves]:
    """Amount changes from `since` on, per month and the deal's (created, closed) months.

    A deal's amount at a moment is today's minus the changes made since; whether it counted
    in the open pipeline then depends on when it was created and closed, hence the keys.
    """
    change, team, kind, test = source(session, filters, history)
    step = cast(change.to_value, BigInteger) - cast(change.from_value, BigInteger)
    engine = dialect.name(session)
    month = utc_month(engine, change.changed_at, to_group=True)
    opened = created_key(session, start)
    closed = utc_month(engine, Opportunity.closed_at, to_group=True)
    conditions = [
        *deal_scope(filters),
        team == filters.team_id,
        kind == ChangeKind.AMOUNT,
        test(
            # Always true of amount rows: they let the team's index seek to `changed_at`.
            change.left_at.is_(None),
            change.to_stage_id.is_(None),
            change.changed_at >= since,
        ),
    ]
    if filters.owners is not None:
        # Their last change is recent (as for the stays: the period's start, not `since`).
        conditions.append(Opportunity.updated_at >= start)
    query = (
        select(month, opened, closed, func.sum(step))
        .select_from(StageChange if history is None else history.rows)
        .join(Opportunity, Opportunity.id == change.opportunity_id)
        .where(*conditions)
        .group_by(month, opened, closed)
    )
    return [
        AmountMoves(month_text(m), month_or_none(o) or "", month_or_none(c), int(v or 0))
        for m, o, c, v in session.execute(query)
    ]


Event = tuple[datetime, str, str | None, str | None]
"""A history row: (changed_at, kind, from_value, to_value)."""


@dataclass(frozen=True)
class Reopened:
    """A deal that may have been reopened since `since`: closed for a while, though its
    creation and (last) closing dates say open. Its value then is corrected from its rows."""

    open_now: bool
    amount_now: int
    created_at: datetime
    closed_at: datetime | None
    events: tuple[Event, ...]  # created, status and amount rows since `since`

    def correction(self, moment: datetime) -> int:
        """What it really weighed in the open pipeline at `moment` (after `since`), minus
        what the (created, closed) dates count for it."""
        amount = self.amount_now
        is_open = int(self.open_now)
        for at, kind, before, after in self.events:
            if at < moment:
                continue
            # Rewind today's state through the rows after the moment.
            if kind == ChangeKind.AMOUNT:
                amount -= int(after or 0) - int(before or 0)
            elif kind == ChangeKind.CREATED or (kind == ChangeKind.STATUS and after == Status.OPEN):
                is_open -= 1
            elif kind == ChangeKind.STATUS and before == Status.OPEN:
                is_open += 1
        counted = self.created_at < moment and (self.closed_at is None or self.closed_at >= moment)
        return (is_open - int(counted)) * amount


def reopened(
    *,
    session: Session,
    filters: Filters,
    start: datetime,
    since: datetime,
    history: OwnersHistory | None = None,
) -> list[Reopened]:
    """The deals reopened since `since`, with their rows since then.

    Found through their status rows: a closing row followed by anything since `since` has a
    `left_at` since then, and so does a reopening row that was followed; one that was not is
    the deal's last stay, with its stage. Both are short ranges of the stats indexes. (Some
    candidates were only moved while closed: their correction is 0.)
    """
    change, team, kind, test = source(session, filters, history)
    ids: set[int] = set()
    followed = [
        change.left_at >= since,
        # `> 0` rather than IS NOT NULL: a range SQLite's planner seeks, too.
        and_(change.left_at.is_(None), change.to_stage_id > 0, change.changed_at >= since),
    ]
    # Over the team's rows, two ranges, one statement each (with an OR, SQLite reads every
    # status row); deal by deal, one probe per deal.
    deal_by_deal = per_deal(session, filters)
    for followed_since in [or_(*followed)] if deal_by_deal else followed:
        candidates = select(change.opportunity_id).where(
            team == filters.team_id,
            kind == ChangeKind.STATUS,
            test(followed_since),
        )
        if deal_by_deal and history is None:  # their deals first
            candidates = candidates.join(
                Opportunity, Opportunity.id == change.opportunity_id
            ).where(*deal_scope(filters), Opportunity.updated_at >= start)
        ids.update(session.scalars(candidates))
    # Then each one's rows, deal by deal (a few thousand deals at most for a whole company),
    # by primary key (SQLite kept off the team's indexes), the deals out of scope left out.
    ordered = sorted(ids)
    deals: dict[int, tuple[bool, int, datetime, datetime | None]] = {}
    events: dict[int, list[Event]] = defaultdict(list)
    for chunk in (ordered[i : i + 1000] for i in range(0, len(ordered), 1000)):
        rows = session.execute(
            select(
                Opportunity.id,
                Opportunity.status,
                Opportunity.amount_minor,
                Opportunity.created_at,
                Opportunity.closed_at,
                change.changed_at,
                change.kind,
                change.from_value,
                change.to_value,
            )
            .select_from(Opportunity)
            .outerjoin(
                StageChange if history is None else history.rows,
                and_(
                    change.opportunity_id == Opportunity.id,
                    change.team_id == filters.team_id,
                    change.kind.in_((ChangeKind.CREATED, ChangeKind.STATUS, ChangeKind.AMOUNT)),
                    change.changed_at >= since,
                ),
            )
            .where(*whole_scan(session, filters), Opportunity.id.in_(chunk))
            .order_by(Opportunity.id)  # a deal's rows together (their order is irrelevant)
        )
        for deal, status, amount, created_at, closed_at, at, kind, before, after in rows:
            deals[deal] = (status == Status.OPEN, int(amount), created_at, closed_at)
            if at is not None:
                events[deal].append((at, str(kind), before, after))
    return [Reopened(*deals[d], tuple(events[d])) for d in deals]


@dataclass(frozen=True)
class Reach:
    """Deals (not won) grouped by how far they went: the furthest stage's position."""

    process_id: int
    furthest: int
    status: Status
    created_in_period: bool
    closed_in_period: bool
    count: int


def reach(
    *,
    session: Session,
    filters: Filters,
    start: datetime,
    end: datetime,
    history: OwnersHistory | None = None,
    current: Iterable[Any] | None = None,
) -> list[Reach]:
    """How far the deals created or closed in [start, end) got in their (current) process.

    Won deals are not asked: they went through the whole process by definition. For the
    others, the furthest stage their history entered counts, not the current one. That is
    the current stage unless the deal once left a further stage backwards or for another
    process — and only those rare moves are read from the history, so the answer costs a
    pass over the deals plus the history's moves, not a grouping of every change by deal.
    """
    created = between(Opportunity.created_at, start, end)
    closed = between(Opportunity.closed_at, start, end)
    created_in = case((created, 1), else_=0)
    closed_in = case((closed, 1), else_=0)
    in_scope = (
        *deal_scope(filters),
        Opportunity.status != Status.WON,
        or_(created, closed),
    )
    if current is None:  # else counted already, per current stage (`tallies.current_stages`)
        place = Stage.position
        current = session.execute(
            select(Opportunity.process_id, place, Opportunity.status, created_in, closed_in,
                   func.count())
            .join(Stage, Stage.id == Opportunity.stage_id)
            .where(*in_scope)
            .group_by(Opportunity.process_id, place, Opportunity.status, created_in, closed_in)
        )  # fmt: skip
    counts: dict[tuple[int, int, str, int, int], int] = defaultdict(int)
    for p, position, status, c, k, n in current:
        counts[(int(p), int(position), str(status), int(c), int(k))] += int(n)
    for p, position, status, c, k, furthest, n in _back_moves_of(
        session, filters, in_scope, created_in, closed_in, history
    ):
        counts[(p, position, status, c, k)] -= n
        counts[(p, furthest, status, c, k)] += n
    return [
        Reach(p, position, Status(status), bool(c), bool(k), n)
        for (p, position, status, c, k), n in counts.items()
        if n
    ]


BackMove = tuple[int, int, str, int, int, int, int]
"""Deals that left a further stage: (process, current position, status, created in the period,
closed in the period, furthest position, how many) — see `reach`."""


def _back_moves_of(
    session: Session,
    filters: Filters,
    in_scope: Sequence[ColumnElement[bool]],
    created_in: Any,
    closed_in: Any,
    history: OwnersHistory | None,
) -> list[BackMove]:
    change, team, kind, _ = source(session, filters, history)
    left, went = aliased(Stage), aliased(Stage)
    # The rare backward moves (or moves out of a process) first; only then their deals.
    backward = or_(went.process_id != left.process_id, left.position > went.position)
    columns = (
        change.opportunity_id.label("deal"),
        left.process_id.label("process_id"),
        left.position.label("left"),
    )
    if filters.owners is None and history is None and is_sqlite(session):
        # A whole team: the pairs of stages that make a backward move, then each pair's moves,
        # a short range of `ix_stage_changes_moves` (not a pass over every move of the team).
        moves = (
            select(*columns)
            .select_from(left)
            .join(went, and_(went.team_id == left.team_id, backward))
            .join(
                change,
                and_(change.from_stage_id == left.id, change.to_stage_id == went.id),
            )
            .where(left.team_id == filters.team_id, team == filters.team_id)
            .where(kind == ChangeKind.STAGE)
        )
    elif filters.owners is None and history is None:
        # The same, the pairs listed first: PostgreSQL, which cannot foresee how few moves a
        # pair has, would hash-join every move of the team instead of seeking each pair's.
        pairs = session.execute(
            select(left.id, went.id)
            .join(went, and_(went.team_id == left.team_id, backward))
            .where(left.team_id == filters.team_id)
        ).all()
        if not pairs:
            return []
        moves = (
            select(*columns)
            .join(left, left.id == change.from_stage_id)
            .where(
                team == filters.team_id,
                kind == ChangeKind.STAGE,
                or_(*(and_(change.from_stage_id == a, change.to_stage_id == b) for a, b in pairs)),
            )
        )
    else:  # read from the stats indexes (`from_stage_id` is in them)
        moves = (
            select(*columns)
            .join(left, left.id == change.from_stage_id)
            .join(went, went.id == change.to_stage_id)
            .where(team == filters.team_id, kind == ChangeKind.STAGE, backward)
        )
    if filters.owners is not None and history is None:  # (the copy holds only their deals)
        moves = moves.join(Opportunity, Opportunity.id == change.opportunity_id).where(*in_scope)
    back: Any = moves.subquery()
    if filters.owners is None or (history is not None and is_sqlite(session)):
        # Materialized (the backward moves, then their few thousand deals by id): else SQLite
        # fetches the deal of every stage row of the team (or scans every deal, for the
        # owners' copy) before the backward test, and PostgreSQL hash-joins every stage move
        # of the team with every deal in scope. (For the owners' copy, PostgreSQL's hash
        # joins do better as is.)
        back = moves.cte("back_moves").prefix_with("MATERIALIZED")
    deals = (
        select(
            Opportunity.process_id.label("process_id"),
            Stage.position.label("current"),
            Opportunity.status.label("status"),
            created_in.label("c"),
            closed_in.label("k"),
            func.max(back.c.left).label("furthest"),
        )
        .select_from(back)
        .join(Opportunity, Opportunity.id == back.c.deal)
        .join(Stage, Stage.id == Opportunity.stage_id)
        .where(
            *in_scope,
            back.c.process_id == Opportunity.process_id,
            back.c.left > Stage.position,
        )
        .group_by(Opportunity.id, Stage.position)
    ).subquery()
    moved: Iterable[Any] = session.execute(select(*deals.c, func.count()).group_by(*deals.c))
    return [
        (int(p), int(position), str(status), int(c), int(k), int(furthest), int(n))
        for p, position, status, c, k, furthest, n in moved
    ]
