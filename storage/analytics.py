"""Aggregations for `/pipeline stats` and the coaching signals: grouped in SQL, team-scoped.

Every function returns a few hundred rows at most, whatever the number of deals: the database
groups, Python only arranges the groups. Times are compared as stored (UTC); months are UTC
months ('YYYY-MM'), like the forecast's.

The history (`stage_changes`) is read through three facts:
- a row with `to_stage_id` (created, stage move, reopen) starts a stay in that stage, and the
  deal's next stage/status/process row ends it, at the row's `left_at` (`storage.stays`);
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
    Column,
    ColumnElement,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased

from storage.models import ChangeKind, Opportunity, Stage, StageChange, Status, UTCDateTime
from storage.reports import Filters

IMPORTED = "import"
"""`from_value` of the "created" row of an imported deal: its first stay has no known length."""


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def days_between(session: Session, later: Any, earlier: Any) -> ColumnElement[Any]:
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


def month_of(session: Session, column: Any) -> ColumnElement[Any]:
    """The UTC month of a timestamp column, to group by, read back with `month_text`:
    'YYYY-MM' on SQLite, the month's first moment on PostgreSQL (truncating is several times
    cheaper there than formatting text, over hundreds of thousands of rows)."""
    if _is_sqlite(session):
        return func.substr(column, 1, 7)
    return func.date_trunc("month", func.timezone("UTC", column))


def month_text(value: object) -> str:
    """'YYYY-MM' of what `month_of` gave."""
    return value.strftime("%Y-%m") if isinstance(value, datetime) else str(value)


def _month_or_none(value: object) -> str | None:
    return None if value is None else month_text(value)


def _whole_scan(session: Session, filters: Filters) -> list[ColumnElement[bool]]:
    """`deal_scope` for a query that reads columns of the deals that `ix_opportunities_stats`
    does not hold: for a whole team, SQLite is kept off the (team, …) indexes, through which
    it would fetch every deal in random order (every deal is the team's); a sequential scan
    of the table is several times faster. (Covered queries scan that index instead.)"""
    conditions = deal_scope(filters)
    if _is_sqlite(session) and filters.owners is None:
        conditions[0] = Opportunity.team_id.concat("") == filters.team_id
    return conditions


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


def prepare(session: Session, *, few: bool = False) -> None:
    """Tune this transaction for a few big aggregations (`few`: over a few owners' deals).

    PostgreSQL: 256 MB of work memory (it cannot foresee that 630,000 deals make only
    ~15,000 owner × month groups, and would sort them rather than hash them), no JIT
    (compiling the expressions of each query costs ~0.4 s, more than the queries of a rep's
    stats altogether); for a few owners no parallel workers (starting them costs more than
    the few thousand index probes they share), for more, cheaper ones (~15 % off a company).
    SQLite: memory-mapped reads (its 2 MB page cache otherwise costs a system call per page
    of a large database).
    """
    if _is_sqlite(session):
        session.execute(text("PRAGMA mmap_size = 2147483648"))
        # Big group-by sorts spill to temporary files past the page cache: give them 64 MB.
        session.execute(text("PRAGMA cache_size = -65536"))
    else:
        session.execute(text("SET LOCAL work_mem = '256MB'"))
        session.execute(text("SET LOCAL jit = off"))
        if few:
            session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
        else:
            # Hundreds of thousands of rows per query: let the scans and aggregates take a
            # parallel worker (its default costs keep the big grouped scans on one core).
            session.execute(text("SET LOCAL parallel_setup_cost = 100"))
            session.execute(text("SET LOCAL parallel_tuple_cost = 0.01"))


FEW_OWNERS = 5
"""Up to this many owners, PostgreSQL reads their history deal by deal (see `per_deal`)."""


def per_deal(session: Session, filters: Filters) -> bool:
    """Whether to read the history of the deals in scope deal by deal (their deals first, then
    each one's rows, a short range of `ix_stage_changes_deal_stays`) rather than as ranges of
    the team's (`ix_stage_changes_stays`), joined with the deals.

    For a few owners, deal by deal. PostgreSQL hash-joins the team's ranges with a manager's
    team's deals faster than it probes their tens of thousands of deals (and its estimates
    then favour a sequential scan of the whole history); SQLite, without hash joins, goes
    deal by deal for any list of owners.
    """
    if filters.owners is None:
        return False
    return _is_sqlite(session) or len(set(filters.owners)) <= FEW_OWNERS


def _history_of(session: Session, filters: Filters) -> tuple[Any, Any]:
    """(team, kind) columns of `stage_changes` to filter on: wrapped (`kind || ''`) when read
    `per_deal`, so that neither planner takes the team-wide indexes (all the team's rows, or a
    skip-scan of them, to keep the owners')."""
    change = StageChange
    if per_deal(session, filters):
        return change.team_id.concat(""), change.kind.concat("")
    return change.team_id, change.kind


def _row_test(session: Session, filters: Filters, *conditions: Any) -> ColumnElement[bool]:
    """Conditions on `stage_changes` columns, made unusable by the team-wide indexes when read
    `per_deal`: with statistics (`ANALYZE`) SQLite would skip-scan those on them otherwise."""
    condition = and_(*conditions)
    if per_deal(session, filters):
        return case((condition, 1), else_=0) == 1
    return condition


_OWNERS_HISTORY = Table(
    "stats_owners_history",
    MetaData(),
    Column("opportunity_id", Integer),
    Column("team_id", String(32)),
    Column("kind", String(16)),
    Column("changed_at", UTCDateTime()),
    Column("left_at", UTCDateTime()),
    Column("to_stage_id", Integer),
    Column("from_stage_id", Integer),
    Column("from_value", Text),
    Column("to_value", Text),
    prefixes=["TEMPORARY"],
    postgresql_on_commit="DROP",
)


@dataclass(frozen=True)
class OwnersHistory:
    """A few owners' history rows that their stats read, copied once per request."""

    rows: Any  # a temporary table, gone with the transaction


def owners_history(
    *, session: Session, filters: Filters, start: datetime, since: datetime
) -> OwnersHistory:
    """Copy what `stays`, `amount_moves`, `reopened` and `reach` read of a few owners' deals
    into a temporary table, in one pass deal by deal: each of them would otherwise probe
    every deal's rows again (a few thousand index probes each, most of a rep's stats).
    Rows: the stays ended since `start`, every row since `since`, every stage move."""
    table = _OWNERS_HISTORY
    session.execute(text(f"DROP TABLE IF EXISTS {table.name}"))  # a committed earlier one
    table.create(session.connection())
    change = StageChange
    deals = replace(filters, process_id=None)  # the stays of every process
    team, kind = _history_of(session, deals)
    wanted = or_(
        change.kind == ChangeKind.STAGE, change.changed_at >= since, change.left_at >= start
    )
    rows = (
        select(*(getattr(change, c.name) for c in table.c))
        .select_from(Opportunity)
        .join(change, change.opportunity_id == Opportunity.id)
        .where(
            *deal_scope(deals),
            # A row the stats read is a change since the period's start: `updated_at`.
            Opportunity.updated_at >= start,
            team == filters.team_id,
            kind.in_((ChangeKind.CREATED, ChangeKind.STAGE, ChangeKind.STATUS, ChangeKind.AMOUNT)),
            _row_test(session, deals, wanted),
        )
    )
    session.execute(table.insert().from_select([c.name for c in table.c], rows))
    if _is_sqlite(session):
        # Joined by deal below: SQLite would otherwise build a throwaway index on every join.
        session.execute(text(f"CREATE INDEX {table.name}_deal ON {table.name} (opportunity_id)"))
    else:
        # Temporary tables get no statistics: without its size and kinds, PostgreSQL plans
        # the joins below as for a handful of rows (scanning the copy once per deal).
        session.execute(text(f"ANALYZE {table.name}"))
    return OwnersHistory(table)


def _source(
    session: Session, filters: Filters, history: OwnersHistory | None
) -> tuple[Any, Any, Any, Any]:
    """(rows, team, kind, test): where a history figure reads its rows — the owners' copy,
    or `stage_changes` (`_history_of`, `_row_test`)."""
    if history is not None:
        rows = history.rows.c
        return rows, rows.team_id, rows.kind, and_
    team, kind = _history_of(session, filters)
    return StageChange, team, kind, lambda *c: _row_test(session, filters, *c)


# --- outcomes, from `opportunities` ---------------------------------------------------------


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
    created = _between(Opportunity.created_at, start, end)
    closed = _between(Opportunity.closed_at, start, end)
    is_open = Opportunity.status == Status.OPEN
    won = and_(Opportunity.status == Status.WON, closed)
    lost = and_(Opportunity.status == Status.LOST, closed)
    month, closed_in = created_key(session, start), month_of(session, Opportunity.closed_at)
    cycle = days_between(session, Opportunity.closed_at, Opportunity.created_at)
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
                func.sum(case((won, cycle))),
                0.0,
            ),
            _count_if(and_(Opportunity.status == Status.WON, created)),
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
            _month_or_none(row[2]),
            int(row[3]),
            int(row[4]),
            int(row[5]),
            int(row[6]),
            float(row[7]),
            int(row[8]),
            int(row[9]),
            _month_or_none(row[10]),
            int(row[11]),
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


# --- the history ---------------------------------------------------------------------------


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
    change, team, kind, test = _source(session, deals, history)
    length = days_between(session, change.left_at, change.changed_at)
    whole = _whole(session, length)
    conditions = [
        team == filters.team_id,
        # Process rows start no stay in a stage (the stage row that follows does).
        kind.in_((ChangeKind.CREATED, ChangeKind.STAGE, ChangeKind.STATUS)),
        test(_between(change.left_at, start, end)),
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


def created_key(session: Session, start: datetime) -> ColumnElement[Any]:
    """A deal's month of creation (`month_of`), NULL when before `start`: the month-end
    values group by it, and deals created long ago all weigh the same."""
    created_at = Opportunity.created_at
    return case((created_at < start, None), else_=month_of(session, created_at))


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
    change, team, kind, test = _source(session, filters, history)
    step = cast(change.to_value, BigInteger) - cast(change.from_value, BigInteger)
    month = month_of(session, change.changed_at)
    opened, closed = created_key(session, start), month_of(session, Opportunity.closed_at)
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
        AmountMoves(month_text(m), _month_or_none(o) or "", _month_or_none(c), int(v or 0))
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
    change, team, kind, test = _source(session, filters, history)
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
            .where(*_whole_scan(session, filters), Opportunity.id.in_(chunk))
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
    created = _between(Opportunity.created_at, start, end)
    closed = _between(Opportunity.closed_at, start, end)
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
    change, team, kind, _ = _source(session, filters, history)
    left, went = aliased(Stage), aliased(Stage)
    # The rare backward moves (or moves out of a process) first; only then their deals.
    backward = or_(went.process_id != left.process_id, left.position > went.position)
    columns = (
        change.opportunity_id.label("deal"),
        left.process_id.label("process_id"),
        left.position.label("left"),
    )
    if filters.owners is None and history is None and _is_sqlite(session):
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
    if filters.owners is None or (history is not None and _is_sqlite(session)):
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
    scope = _whole_scan(session, Filters(team_id=team_id, owners=owners))
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
