"""Aggregations for `/pipeline stats` and the coaching signals: grouped in SQL, team-scoped.

Every function returns a few hundred rows at most, whatever the number of deals: the database
groups, Python only arranges the groups. Times are compared as stored (UTC); months are UTC
months ('YYYY-MM'), like the forecast's.

The history (`stage_changes`) is read through three facts:
- a row with `to_stage_id` (created, stage move, reopen) starts a stay in that stage, and the
  deal's next stage/status/process row ends it;
- "created" rows and status rows to "open" open a deal, status rows from "open" close it;
- "amount" rows carry the amount before and after, in minor units, as text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Float,
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from storage.models import ChangeKind, Opportunity, Stage, StageChange, Status
from storage.reports import Filters

IMPORTED = "import"
"""`from_value` of the "created" row of an imported deal: its first stay has no known length."""

_STAY_KINDS = (ChangeKind.CREATED, ChangeKind.STAGE, ChangeKind.STATUS, ChangeKind.PROCESS)
_VALUE_KINDS = (ChangeKind.CREATED, ChangeKind.STATUS, ChangeKind.AMOUNT)


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _days(session: Session, later: Any, earlier: Any) -> ColumnElement[Any]:
    """Days (fractional) between two timestamp columns."""
    if _is_sqlite(session):
        return func.julianday(later) - func.julianday(earlier)
    # date_part gives a double; EXTRACT gives an exact numeric, much slower over millions.
    return func.date_part("epoch", later - earlier) / 86400.0


def _whole(session: Session, days: ColumnElement[Any]) -> ColumnElement[int]:
    # Durations are never negative: truncating is flooring (SQLite may lack floor()).
    if _is_sqlite(session):
        return cast(days, Integer)
    return cast(func.floor(days), Integer)


def month_of(session: Session, column: Any) -> ColumnElement[str]:
    """'YYYY-MM' of a UTC timestamp column (PostgreSQL's own session time zone set aside)."""
    if _is_sqlite(session):
        return func.substr(column, 1, 7)
    return func.to_char(func.timezone("UTC", column), "YYYY-MM")


def deal_scope(filters: Filters) -> list[ColumnElement[bool]]:
    """Which deals, whatever their status: the workspace, owners, process, origin, product."""
    conditions: list[ColumnElement[bool]] = [Opportunity.team_id == filters.team_id]
    if filters.owners is not None:
        owners = list(dict.fromkeys(filters.owners))
        conditions.append(
            Opportunity.owner_id == owners[0]
            if len(owners) == 1
            else Opportunity.owner_id.in_(owners)
        )
    if filters.process_id is not None:
        conditions.append(Opportunity.process_id == filters.process_id)
    if filters.origin:
        conditions.append(func.lower(Opportunity.origin) == filters.origin.lower())
    if filters.product:
        conditions.append(func.lower(Opportunity.product) == filters.product.lower())
    return conditions


def _between(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def prepare(session: Session) -> None:
    """Tune this transaction for a few big aggregations.

    PostgreSQL: sorts in memory, and no JIT (compiling the expressions of each query costs
    ~0.4 s, more than the queries of a rep's stats altogether). SQLite: memory-mapped reads
    (its 2 MB page cache otherwise costs a system call per page of a large database).
    """
    if _is_sqlite(session):
        session.execute(text("PRAGMA mmap_size = 2147483648"))
        # Big window sorts spill to temporary files past the page cache: give them 64 MB.
        session.execute(text("PRAGMA cache_size = -65536"))
    else:
        session.execute(text("SET LOCAL work_mem = '128MB'"))
        session.execute(text("SET LOCAL jit = off"))


def _history_of(session: Session, filters: Filters) -> tuple[Any, Any]:
    """(team, kind) columns of `stage_changes` to filter on, wrapped on SQLite (`kind || ''`).

    SQLite (without statistics) picks the (team, kind, time) index, then fetches each row by
    id: for one rep it reads the whole team's history to keep theirs, and for the whole team
    it reads the table in random order. Wrapped, the columns match no index: SQLite walks a
    rep's deals and their history deal by deal, and the whole history in one sequential scan
    (half the time).
    """
    change = StageChange
    if _is_sqlite(session):
        return change.team_id.concat(""), change.kind.concat("")
    return change.team_id, change.kind


# --- outcomes, from `opportunities` ---------------------------------------------------------


@dataclass(frozen=True)
class OwnerMonth:
    """One process × owner × month-of-creation group (month None: created outside the period)."""

    process_id: int
    owner_id: str
    month: str | None
    created: int
    won: int  # closed in the period
    lost: int  # closed in the period
    won_minor: int
    cycle_days: float  # summed over the won deals, created → won
    won_created: int  # created in the period and won since
    open_minor: int  # open now


def outcomes_by_owner(
    *, session: Session, filters: Filters, start: datetime, end: datetime
) -> list[OwnerMonth]:
    """One pass over the deals: created, won and lost in [start, end), cycle lengths, and the
    open value now, per process, owner and month of creation."""
    created = _between(Opportunity.created_at, start, end)
    closed = _between(Opportunity.closed_at, start, end)
    is_open = Opportunity.status == Status.OPEN
    won = and_(Opportunity.status == Status.WON, closed)
    lost = and_(Opportunity.status == Status.LOST, closed)
    month = case((created, month_of(session, Opportunity.created_at)), else_=None)
    query = (
        select(
            Opportunity.process_id,
            Opportunity.owner_id,
            month,
            _count_if(created),
            _count_if(won),
            _count_if(lost),
            func.coalesce(func.sum(case((won, Opportunity.amount_minor), else_=0)), 0),
            func.coalesce(
                func.sum(
                    case((won, _days(session, Opportunity.closed_at, Opportunity.created_at)))
                ),
                0.0,
            ),
            _count_if(and_(Opportunity.status == Status.WON, created)),
            func.coalesce(func.sum(case((is_open, Opportunity.amount_minor), else_=0)), 0),
        )
        .where(*deal_scope(filters), or_(created, closed, is_open))
        .group_by(Opportunity.process_id, Opportunity.owner_id, month)
    )
    return [
        OwnerMonth(
            int(row[0]),
            str(row[1]),
            None if row[2] is None else str(row[2]),
            int(row[3]),
            int(row[4]),
            int(row[5]),
            int(row[6]),
            float(row[7]),
            int(row[8]),
            int(row[9]),
        )
        for row in session.execute(query)
    ]


@dataclass(frozen=True)
class Segment:
    """One process × origin × product group; keys are lower-cased, labels as first typed."""

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
    created = _between(Opportunity.created_at, start, end)
    closed = _between(Opportunity.closed_at, start, end)
    won = and_(Opportunity.status == Status.WON, closed)
    lost = and_(Opportunity.status == Status.LOST, closed)
    origin, product = func.lower(Opportunity.origin), func.lower(Opportunity.product)
    query = (
        select(
            Opportunity.process_id,
            func.min(Opportunity.origin),
            func.min(Opportunity.product),
            _count_if(created),
            _count_if(won),
            _count_if(lost),
            func.coalesce(func.sum(case((won, Opportunity.amount_minor), else_=0)), 0),
        )
        .where(*deal_scope(filters), or_(created, closed))
        .group_by(Opportunity.process_id, origin, product)
    )
    return [
        Segment(int(p), o, d, int(c), int(w), int(lo), int(m))
        for p, o, d, c, w, lo, m in session.execute(query)
    ]


# --- the history --------------------------------------------------------------------------


@dataclass(frozen=True)
class Stays:
    """Completed stays in one stage that lasted `days` whole days."""

    stage_id: int
    days: int
    count: int
    total_days: float  # their exact summed length, for the average


BackMove = tuple[int, int, str, int, int, int, int]
"""Deals that left a further stage: (process, current position, status, created in the period,
closed in the period, furthest position, how many) — see `reach`."""


@dataclass(frozen=True)
class History:
    stays: list[Stays]
    moves: dict[tuple[int, str], int]  # (process, 'YYYY-MM') → the open value's move
    back: list[BackMove] | None = None  # for a few owners, read in the same pass


def history(
    *, session: Session, filters: Filters, start: datetime, end: datetime, after: datetime
) -> History:
    """What the stage history says: stays ended in [start, end), and the open value's moves
    after `after`.

    Stays: time spent in each stage by the stays that ended in the period, as a day
    histogram: bucketing by whole days keeps the answer small (stages × days) and gives the
    median exactly in whole days; the exact total gives the average. A stay belongs to its
    stage (so to the stage's process), whatever became of the deal.

    Moves: the value at a moment m is the value now minus every move after m, so only the
    recent history is read. A move is: + the deal's amount when it opens (created, reopened),
    − its amount when it closes, and an amount change's difference while the deal is open.
    The amount just after an event is the current one minus the amount changes that came
    later, and whether the deal was open is its current state rewound through the later
    status changes: two running sums per deal (newest event first), no per-row lookups.

    For a few owners both are computed in one statement from one read of their deals'
    history (the reads, deal by deal, are most of the cost); for the whole workspace each
    reads the history on its own, in one pass.
    """
    deals = replace(filters, process_id=None)  # stays belong to their stage's process
    if filters.owners is None:
        stays_rows = _history_rows(
            session, deals, _STAY_KINDS, join=bool(deals.origin or deals.product)
        )
        value_rows = _history_rows(session, filters, _VALUE_KINDS, join=True)
        stays_query = _stay_histogram(
            session, stays_rows.where(StageChange.changed_at < end).subquery(), start, end
        )
        moves_query = _value_moves(
            session, value_rows.where(StageChange.changed_at > after).subquery(), after
        )
        return History(
            [_stays_of(row) for row in session.execute(stays_query)],
            {(int(p), str(m)): int(v or 0) for p, m, v in session.execute(moves_query)},
        )
    shared = (
        _history_rows(session, deals, (*_STAY_KINDS, ChangeKind.AMOUNT), join=True)
        # A deal's last change is its `updated_at`: older than the period, it has no event
        # either part needs (the moves are read after the period's first month).
        .where(Opportunity.updated_at >= start)
        .cte("owners_history")
        .prefix_with("MATERIALIZED")
    )
    stays_part = _stay_histogram(
        session,
        select(shared).where(shared.c.kind.in_(_STAY_KINDS), shared.c.at < end).subquery(),
        start,
        end,
    ).subquery()
    wanted = [shared.c.kind.in_(_VALUE_KINDS), shared.c.at > after]
    if filters.process_id is not None:
        wanted.append(shared.c.process_id == filters.process_id)
    moves_part = _value_moves(session, select(shared).where(*wanted).subquery(), after).subquery()
    back_part = _back_moves(shared, filters, start, end).subquery()
    # One statement, three answers: generic columns, told apart by `part`.
    no_int, no_float, no_text = cast(null(), Integer), cast(null(), Float), cast(null(), String)
    parts = union_all(
        select(
            literal(0).label("part"),
            stays_part.c.stage_id.label("i1"),
            stays_part.c.days.label("i2"),
            stays_part.c.count.label("i3"),
            no_int.label("i4"),
            no_int.label("i5"),
            no_int.label("n"),
            stays_part.c.total.label("f"),
            no_text.label("t"),
        ),
        select(
            literal(1),
            moves_part.c.process_id,
            no_int,
            no_int,
            no_int,
            no_int,
            moves_part.c.move,
            no_float,
            moves_part.c.month,
        ),
        select(
            literal(2),
            back_part.c.process_id,
            back_part.c.current,
            back_part.c.c,
            back_part.c.k,
            back_part.c.furthest,
            back_part.c.count,
            no_float,
            back_part.c.status,
        ),
    )
    stays: list[Stays] = []
    moves: dict[tuple[int, str], int] = {}
    back: list[BackMove] = []
    for part, i1, i2, i3, i4, i5, n, f, t in session.execute(parts):
        if part == 0:
            stays.append(_stays_of((i1, i2, i3, f)))
        elif part == 1:
            moves[(int(i1), str(t))] = int(n or 0)
        else:
            back.append((int(i1), int(i2), str(t), int(i3), int(i4), int(i5), int(n)))
    return History(stays, moves, back)


def _back_moves(rows: Any, filters: Filters, start: datetime, end: datetime) -> Any:
    """`reach`'s backward moves, from history rows already read (with their deal's columns)."""
    current, left, went = aliased(Stage), aliased(Stage), aliased(Stage)
    created = _between(rows.c.created_at, start, end)
    closed = _between(rows.c.closed_at, start, end)
    created_in = case((created, 1), else_=0)
    closed_in = case((closed, 1), else_=0)
    conditions = [
        rows.c.kind == ChangeKind.STAGE,
        rows.c.status != Status.WON,
        or_(created, closed),
        or_(went.process_id != rows.c.process_id, left.position > went.position),
        left.position > current.position,
    ]
    if filters.process_id is not None:
        conditions.append(rows.c.process_id == filters.process_id)
    per_deal = (
        select(
            rows.c.process_id.label("process_id"),
            current.position.label("current"),
            rows.c.status.label("status"),
            created_in.label("c"),
            closed_in.label("k"),
            func.max(left.position).label("furthest"),
        )
        .select_from(rows)
        .join(current, current.id == rows.c.current_stage_id)
        .join(left, and_(left.id == rows.c.from_stage_id, left.process_id == rows.c.process_id))
        .join(went, went.id == rows.c.stage_id)
        .where(*conditions)
        .group_by(
            rows.c.deal, rows.c.process_id, current.position, rows.c.status, created_in, closed_in
        )
    ).subquery()
    return select(*per_deal.c, func.count().label("count")).group_by(*per_deal.c)


def _history_rows(
    session: Session, filters: Filters, kinds: Sequence[ChangeKind], *, join: bool
) -> Any:
    """The history rows of the deals in scope, with what the aggregations read of each."""
    change = StageChange
    team, kind = _history_of(session, filters)
    columns: list[Any] = [
        change.opportunity_id.label("deal"),
        change.changed_at.label("at"),
        change.id.label("seq"),
        change.kind.label("kind"),
        change.to_stage_id.label("stage_id"),
        change.from_stage_id.label("from_stage_id"),
        change.from_value.label("from_value"),
        change.to_value.label("to_value"),
    ]
    if not join:
        return select(*columns).where(team == filters.team_id, kind.in_(kinds))
    return (
        select(
            *columns,
            Opportunity.process_id.label("process_id"),
            Opportunity.amount_minor.label("amount_now"),
            case((Opportunity.status == Status.OPEN, 1), else_=0).label("open_now"),
            Opportunity.status.label("status"),
            Opportunity.stage_id.label("current_stage_id"),
            Opportunity.created_at.label("created_at"),
            Opportunity.closed_at.label("closed_at"),
        )
        .select_from(Opportunity)
        .join(change, change.opportunity_id == Opportunity.id)
        .where(*deal_scope(filters), team == filters.team_id, kind.in_(kinds))
    )


def _stay_histogram(session: Session, rows: Any, start: datetime, end: datetime) -> Any:
    with_next = select(
        rows.c.stage_id,
        rows.c.from_value,
        rows.c.at.label("entered"),
        func.lead(rows.c.at)
        .over(partition_by=rows.c.deal, order_by=(rows.c.at, rows.c.seq))
        .label("left"),
    ).subquery()
    length = _days(session, with_next.c.left, with_next.c.entered)
    whole = _whole(session, length)
    return (
        select(
            with_next.c.stage_id,
            whole.label("days"),
            func.count().label("count"),
            func.sum(length).label("total"),
        )
        .where(
            with_next.c.stage_id.is_not(None),
            with_next.c.left >= start,
            with_next.c.left < end,
            or_(with_next.c.from_value.is_(None), with_next.c.from_value != IMPORTED),
        )
        .group_by(with_next.c.stage_id, whole)
    )


def _stays_of(row: Any) -> Stays:
    stage_id, days, count, total = row
    return Stays(int(stage_id), int(days), int(count), float(total or 0.0))


def _value_moves(session: Session, events: Any, after: datetime) -> Any:
    amount_step = case(
        (
            events.c.kind == ChangeKind.AMOUNT,
            cast(events.c.to_value, BigInteger) - cast(events.c.from_value, BigInteger),
        ),
        else_=0,
    )
    opens = case(
        (events.c.kind == ChangeKind.CREATED, 1),
        (and_(events.c.kind == ChangeKind.STATUS, events.c.to_value == Status.OPEN), 1),
        (and_(events.c.kind == ChangeKind.STATUS, events.c.from_value == Status.OPEN), -1),
        else_=0,
    )

    def after_this(column: Any) -> Any:
        """The sum over the deal's later events: the rows before it, newest first."""
        return func.coalesce(
            func.sum(column).over(
                partition_by=events.c.deal,
                order_by=(events.c.at.desc(), events.c.seq.desc()),
                rows=(None, -1),
            ),
            0,
        )

    rewound = select(
        events.c.process_id,
        events.c.at,
        amount_step.label("amount_step"),
        opens.label("opens"),
        (events.c.amount_now - after_this(amount_step)).label("amount"),
        (events.c.open_now - after_this(opens)).label("is_open"),
    ).subquery()
    month = month_of(session, rewound.c.at)
    move = case(
        (rewound.c.opens != 0, rewound.c.opens * rewound.c.amount),
        else_=rewound.c.is_open * rewound.c.amount_step,
    )
    return select(
        rewound.c.process_id, month.label("month"), func.sum(move).label("move")
    ).group_by(rewound.c.process_id, month)


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
    back: Sequence[BackMove] | None = None,
) -> list[Reach]:
    """How far the deals created or closed in [start, end) got in their (current) process.

    Won deals are not asked: they went through the whole process by definition. For the
    others, the furthest stage their history entered counts, not the current one. That is
    the current stage unless the deal once left a further stage backwards or for another
    process — and only those rare moves are read from the history, so the answer costs a
    pass over the deals plus the history's moves, not a grouping of every change by deal.
    `back`: those moves when `history` already read them.
    """
    created = _between(Opportunity.created_at, start, end)
    closed = _between(Opportunity.closed_at, start, end)
    created_in = case((created, 1), else_=0)
    closed_in = case((closed, 1), else_=0)
    in_scope = (*deal_scope(filters), Opportunity.status != Status.WON, or_(created, closed))
    current = Stage.position
    counts: dict[tuple[int, int, str, int, int], int] = defaultdict(int)
    for p, position, status, c, k, n in session.execute(
        select(Opportunity.process_id, current, Opportunity.status, created_in, closed_in,
               func.count())
        .join(Stage, Stage.id == Opportunity.stage_id)
        .where(*in_scope)
        .group_by(Opportunity.process_id, current, Opportunity.status, created_in, closed_in)
    ):  # fmt: skip
        counts[(int(p), int(position), str(status), int(c), int(k))] += int(n)
    if back is None:
        back = _back_moves_of(session, filters, in_scope, created_in, closed_in)
    for p, position, status, c, k, furthest, n in back:
        counts[(p, position, status, c, k)] -= n
        counts[(p, furthest, status, c, k)] += n
    return [
        Reach(p, position, Status(status), bool(c), bool(k), n)
        for (p, position, status, c, k), n in counts.items()
        if n
    ]


def _back_moves_of(
    session: Session,
    filters: Filters,
    in_scope: Sequence[ColumnElement[bool]],
    created_in: Any,
    closed_in: Any,
) -> list[BackMove]:
    change = StageChange
    left, went = aliased(Stage), aliased(Stage)
    team, kind = _history_of(session, filters)
    per_deal = (
        select(
            Opportunity.process_id.label("process_id"),
            Stage.position.label("current"),
            Opportunity.status.label("status"),
            created_in.label("c"),
            closed_in.label("k"),
            func.max(left.position).label("furthest"),
        )
        .select_from(Opportunity)
        .join(Stage, Stage.id == Opportunity.stage_id)
        .join(change, change.opportunity_id == Opportunity.id)
        .join(
            left, and_(left.id == change.from_stage_id, left.process_id == Opportunity.process_id)
        )
        .join(went, went.id == change.to_stage_id)
        .where(
            *in_scope,
            team == filters.team_id,
            kind == ChangeKind.STAGE,
            or_(went.process_id != Opportunity.process_id, left.position > went.position),
            left.position > Stage.position,
        )
        .group_by(Opportunity.id, Stage.position)
    ).subquery()
    moved: Iterable[Any] = session.execute(select(*per_deal.c, func.count()).group_by(*per_deal.c))
    return [
        (int(p), int(position), str(status), int(c), int(k), int(furthest), int(n))
        for p, position, status, c, k, furthest, n in moved
    ]


# --- coaching -----------------------------------------------------------------------------


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
    scope = deal_scope(Filters(team_id=team_id, owners=owners))
    query = (
        select(
            Opportunity.owner_id,
            _count_if(Opportunity.created_at >= created_since),
            _count_if(and_(Opportunity.status == Status.WON, closed)),
            _count_if(and_(Opportunity.status == Status.LOST, closed)),
            _count_if(is_open),
            _count_if(stuck),
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
