"""Running totals of the deals and their stays, so a whole workspace's stats read thousands of
rows instead of millions.

`/pipeline stats all` groups every deal the period touches (hundreds of thousands in a big
company) four times over, and every stay that ended in it (millions). These tables hold the
same groups, counted once when the deals change:

- `owner_tallies`: deals per process, owner, status, month created and month closed, with
  their amounts and sales cycles — win rates, per rep, created per month, month-end values;
- `segment_tallies`: the same per origin and product — the breakdowns;
- `stage_tallies`: the same per current stage — the funnel;
- `stay_tallies`: ended stays per stage, month they ended and whole days — days per stage;
- `amount_tallies`: amount changes per month made and the deal's process and months created
  and closed — the month-end values (a deal closing or reopening moves its changes along).

Months are UTC months, like the stats' periods, so the totals answer any period made of whole
months ending today or at a month's end (the default: the last 12 months) for a whole team;
anything narrower (a rep, a team, an origin, a period cut mid-month) reads the deals.

Who keeps them: every deal and history row written through an ORM session (`after_flush`,
below: it takes each changed deal out of its old groups and into its new ones, in the same
transaction), `stays.end_at`'s bulk UPDATE and the importer's bulk inserts (`Tallies.deal` /
`Tallies.stay` with their rows), and `rebuild` for data loaded around them (the benchmarks'
loaders; migration 0006 fills them the same way). Durations count whole seconds (fractions
dropped at both ends), and whole days of those.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    and_,
    case,
    cast,
    delete,
    event,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.attributes import get_history
from sqlalchemy.orm.util import identity_key

from storage.analytics import IMPORTED, AmountMoves, OwnerMonth, Segment, Stays
from storage.db import conflict_insert
from storage.models import (
    AmountTally,
    ChangeKind,
    Opportunity,
    OwnerTally,
    SegmentTally,
    Stage,
    StageChange,
    StageTally,
    Status,
    StayTally,
)
from storage.reports import Filters

DEAL_FIELDS = (
    "team_id",
    "process_id",
    "owner_id",
    "stage_id",
    "status",
    "origin",
    "product",
    "created_at",
    "closed_at",
    "amount_minor",
)
STAY_FIELDS = ("team_id", "kind", "to_stage_id", "from_value", "changed_at", "left_at")
# Rows that start a stay in a stage (process rows are followed by the stage row that does).
STAY_KINDS = (ChangeKind.CREATED, ChangeKind.STAGE, ChangeKind.STATUS)
DAY = 86_400


def month(moment: datetime | None) -> str:
    """'YYYY-MM' of a UTC moment, '' for none."""
    return "" if moment is None else moment.astimezone(UTC).strftime("%Y-%m")


def _seconds(moment: datetime) -> int:
    """Whole seconds since the epoch (the fraction dropped), as the SQL below counts them."""
    return calendar.timegm(moment.astimezone(UTC).timetuple())


# --- keeping them ---------------------------------------------------------------------------


@dataclass
class Tallies:
    """Changes to the running totals, summed per group, written in one statement per table."""

    owners: dict[tuple[Any, ...], list[int]] = field(default_factory=lambda: defaultdict(_zeros))
    segments: dict[tuple[Any, ...], list[int]] = field(default_factory=lambda: defaultdict(_zeros))
    stages: dict[tuple[Any, ...], list[int]] = field(default_factory=lambda: defaultdict(_zeros))
    stays: dict[tuple[Any, ...], list[int]] = field(default_factory=lambda: defaultdict(_zeros))
    amounts: dict[tuple[Any, ...], list[int]] = field(default_factory=lambda: defaultdict(_zeros))

    def deal(self, sign: int, deal: Mapping[str, Any]) -> None:
        """Count a deal (`DEAL_FIELDS`) in (+1) or out of (-1) its groups."""
        status = str(deal["status"])
        created, closed = month(deal["created_at"]), month(deal["closed_at"])
        amount = sign * int(deal["amount_minor"])
        cycle = 0
        if status == Status.WON and deal["closed_at"] is not None:
            cycle = sign * (_seconds(deal["closed_at"]) - _seconds(deal["created_at"]))
        team, process = deal["team_id"], int(deal["process_id"])
        owner = (team, process, deal["owner_id"], status, created, closed)
        _add(self.owners[owner], sign, amount, cycle)
        origin, product = deal["origin"] or "", deal["product"] or ""
        _add(self.segments[(team, process, origin, product, status, created, closed)], sign, amount)
        _add(self.stages[(team, process, int(deal["stage_id"]), status, created, closed)], sign)

    def stay(self, sign: int, row: Mapping[str, Any]) -> None:
        """Count a history row's stay (`STAY_FIELDS`) in or out, if it is an ended stay in a
        stage whose length is known (an imported deal's first stay is not)."""
        left = row["left_at"]
        if (
            left is None
            or row["kind"] not in STAY_KINDS
            or row["to_stage_id"] is None
            or row["from_value"] == IMPORTED
        ):
            return
        seconds = _seconds(left) - _seconds(row["changed_at"])
        key = (row["team_id"], int(row["to_stage_id"]), month(left), seconds // DAY)
        _add(self.stays[key], sign, sign * seconds)

    def amount(self, sign: int, deal: DealKey, changed: str, changes: int, step: int) -> None:
        """Count amount changes made in month `changed` (`changes` rows, `step` their summed
        difference) to a deal keyed `deal` in or out."""
        team, process, created, closed = deal
        _add(self.amounts[(team, process, changed, created, closed)], sign * changes, sign * step)

    def write(self, session: Session) -> None:
        """Add the changes to the tables.

        On PostgreSQL a transaction first takes its workspace's totals for itself until it
        ends (a transaction-level advisory lock, taken again at no cost by later flushes):
        one transaction may add to group A then B in two flushes while another adds to B
        then A, and the rows' own locks would deadlock them. Writers of a workspace's totals
        thus go one at a time from their first total to their commit (milliseconds; SQLite
        has a single writer anyway). Within a write, rows go in key order."""
        tables: tuple[tuple[Any, dict[tuple[Any, ...], list[int]], tuple[str, ...]], ...] = (
            (OwnerTally, self.owners, ("deals", "amount_minor", "cycle_seconds")),
            (SegmentTally, self.segments, ("deals", "amount_minor")),
            (StageTally, self.stages, ("deals",)),
            (StayTally, self.stays, ("stays", "seconds")),
            (AmountTally, self.amounts, ("changes", "step_minor")),
        )
        connection = session.connection()
        teams = sorted({key[0] for _, changes, _ in tables for key in changes})
        if teams and connection.dialect.name == "postgresql":
            for team in teams:
                lock = func.pg_advisory_xact_lock(func.hashtext(f"salesbot.tallies:{team}"))
                connection.execute(select(lock))
        for model, changes, measures in tables:
            keys = [c.name for c in model.__table__.primary_key.columns]
            rows = [
                # (each group's sums hold three slots; a table uses its first len(measures))
                {**dict(zip(keys, key, strict=True)), **dict(zip(measures, values, strict=False))}
                for key, values in sorted(changes.items())
                if any(values)
            ]
            if not rows:
                continue
            statement = conflict_insert(session)(model)
            statement = statement.on_conflict_do_update(
                index_elements=keys,
                set_={m: getattr(model, m) + getattr(statement.excluded, m) for m in measures},
            )
            connection.execute(statement, rows)
            changes.clear()


DealKey = tuple[str, int, str, str]
"""What an amount change is counted under: (team, process, month created, month closed)."""


def deal_key(deal: Mapping[str, Any]) -> DealKey:
    return (
        deal["team_id"],
        int(deal["process_id"]),
        month(deal["created_at"]),
        month(deal["closed_at"]),
    )


def step(row: Mapping[str, Any]) -> int:
    """An amount row's difference (0 when a side is missing: SQL's sum() skips it too)."""
    before, after = row["from_value"], row["to_value"]
    return 0 if before is None or after is None else int(after) - int(before)


def _zeros() -> list[int]:
    return [0, 0, 0]


def _add(values: list[int], *amounts: int) -> None:
    for i, amount in enumerate(amounts):
        values[i] += amount


def _before(item: Any, names: Sequence[str]) -> dict[str, Any]:
    """An object's values as last flushed (`active_history` columns load theirs first)."""
    values = {}
    for name in names:
        history = get_history(item, name)
        values[name] = history.deleted[0] if history.deleted else getattr(item, name)
    return values


def _after(item: Any, names: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(item, name) for name in names}


def install() -> None:
    """Keep the totals on every ORM flush, of every session (done once, by `Database`)."""
    if not event.contains(Session, "after_flush", after_flush):
        event.listen(Session, "after_flush", after_flush)


def after_flush(session: Session, _flush: UOWTransaction) -> None:
    """Move every deal and history row this flush wrote between its groups.

    Runs after the flush's own statements, in its transaction: the totals commit or roll
    back with the rows they count. (The session still shows what was new, changed or
    deleted, with the attributes' history.)
    """
    tallies = Tallies()
    kinds = ((Opportunity, DEAL_FIELDS, tallies.deal), (StageChange, STAY_FIELDS, tallies.stay))
    moved: dict[int, tuple[DealKey, DealKey]] = {}  # deals whose amount changes move along
    for item in session.new:
        for model, names, count in kinds:
            if isinstance(item, model):
                count(+1, _after(item, names))
    for item in session.dirty:
        for model, names, count in kinds:
            if isinstance(item, model):
                before, after = _before(item, names), _after(item, names)
                if before != after:
                    count(-1, before)
                    count(+1, after)
                    if model is Opportunity and deal_key(before) != deal_key(after):
                        moved[item.id] = (deal_key(before), deal_key(after))
    for item in session.deleted:
        for model, names, count in kinds:
            if isinstance(item, model):
                count(-1, _before(item, names))
    _amounts(session, tallies, moved)
    tallies.write(session)


def _amounts(
    session: Session, tallies: Tallies, moved: Mapping[int, tuple[DealKey, DealKey]]
) -> None:
    """Amount changes: the new ones counted under their deal's key; and a deal whose key
    changed (closed, reopened, moved to another process) moves its earlier ones along."""
    added: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for item in session.new:
        if isinstance(item, StageChange) and item.kind == ChangeKind.AMOUNT:
            sums = added[item.opportunity_id][month(item.changed_at)]
            sums[0] += 1
            sums[1] += step(_after(item, ("from_value", "to_value")))
    unmoved = [deal for deal in added if deal not in moved]
    for deal, key in _keys(session, unmoved).items():
        for changed, (changes, total) in added[deal].items():
            tallies.amount(+1, key, changed, changes, total)
    if not moved:
        return
    c = StageChange
    difference = cast(c.to_value, BigInteger) - cast(c.from_value, BigInteger)
    changed_in = month_sql(session, c.changed_at)
    ids = sorted(moved)
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        rows = session.execute(
            select(c.opportunity_id, changed_in, func.count(), func.sum(difference))
            .where(c.opportunity_id.in_(chunk), c.kind == ChangeKind.AMOUNT)
            .group_by(c.opportunity_id, changed_in)
        )
        for deal, changed, changes, total in rows:
            before, after = moved[deal]
            new_changes, new_total = added.get(deal, {}).get(changed, (0, 0))
            # The rows flushed just now were never counted under the old key.
            tallies.amount(-1, before, changed, changes - new_changes, int(total or 0) - new_total)
            tallies.amount(+1, after, changed, changes, int(total or 0))


def _keys(session: Session, deals: Sequence[int]) -> dict[int, DealKey]:
    """The deals' keys as they are now: from the session when it holds them, else read."""
    keys: dict[int, DealKey] = {}
    for deal in deals:
        item = session.identity_map.get(identity_key(Opportunity, deal))
        if item is not None:
            keys[deal] = deal_key(_after(item, DEAL_FIELDS))
    missing = [d for d in deals if d not in keys]
    o = Opportunity
    for chunk in (missing[i : i + 500] for i in range(0, len(missing), 500)):
        columns = (o.team_id, o.process_id, o.created_at, o.closed_at)
        for row in session.execute(select(o.id, *columns).where(o.id.in_(chunk))):
            keys[row.id] = deal_key(row._asdict())
    return keys


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
    created, closed = month_sql(session, o.created_at), month_sql(session, o.closed_at)
    closed = func.coalesce(closed, "")
    cycle = case(
        (
            and_(o.status == Status.WON, o.closed_at.is_not(None)),
            seconds_sql(session, o.closed_at) - seconds_sql(session, o.created_at),
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
    length = seconds_sql(session, c.left_at) - seconds_sql(session, c.changed_at)
    # Floor division of non-negative whole seconds (SQLAlchemy's `/` is a true division, and
    # PostgreSQL would round its cast back to an integer).
    days = length // DAY
    keys = (c.team_id, c.to_stage_id, month_sql(session, c.left_at), days)
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
    keys = (o.team_id, o.process_id, month_sql(session, c.changed_at), created, closed)
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


def month_sql(session: Session, column: Any) -> ColumnElement[str]:
    """`month` in SQL."""
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(column, 1, 7)  # stored as 'YYYY-MM-DD HH:MM:SS…' in UTC
    return func.to_char(func.timezone("UTC", column), "YYYY-MM")


def seconds_sql(session: Session, column: Any) -> ColumnElement[int]:
    """`_seconds` in SQL."""
    if session.get_bind().dialect.name == "sqlite":
        # Only 'YYYY-MM-DD HH:MM:SS': SQLite reads a fraction to the millisecond, rounding
        # (…:00.9996 would be …:01), where Python drops it.
        return cast(func.strftime("%s", func.substr(column, 1, 19)), Integer)
    return cast(func.floor(func.extract("epoch", column)), BigInteger)


# --- reading them -----------------------------------------------------------------------------


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
