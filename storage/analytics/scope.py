"""What every stats query shares: which deals (`deal_scope`), how to read their history (the
team's ranges, deal by deal, or a few owners' copy), the transaction's tuning, months."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    case,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from storage import dialect
from storage.dialect import is_sqlite, month_text, utc_month
from storage.models import ChangeKind, Opportunity, StageChange, UTCDateTime
from storage.reports import Filters

IMPORTED = "import"
"""`from_value` of the "created" row of an imported deal: its first stay has no known length."""


def month_or_none(value: object) -> str | None:
    return None if value is None else month_text(value)


def created_key(session: Session, start: datetime) -> ColumnElement[Any]:
    """A deal's month of creation (`utc_month`), NULL when before `start`: the month-end
    values group by it, and deals created long ago all weigh the same."""
    created_at = Opportunity.created_at
    month = utc_month(dialect.name(session), created_at, to_group=True)
    return case((created_at < start, None), else_=month)


def whole_scan(session: Session, filters: Filters) -> list[ColumnElement[bool]]:
    """`deal_scope` for a query that reads columns of the deals that `ix_opportunities_stats`
    does not hold: for a whole team, SQLite is kept off the (team, …) indexes, through which
    it would fetch every deal in random order (every deal is the team's); a sequential scan
    of the table is several times faster. (Covered queries scan that index instead.)"""
    conditions = deal_scope(filters)
    if is_sqlite(session) and filters.owners is None:
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
    if filters.origin is not None:
        conditions.append(Opportunity.origin.in_(list(filters.origin)))
    if filters.product is not None:
        conditions.append(Opportunity.product.in_(list(filters.product)))
    return conditions


def between(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def count_if(condition: ColumnElement[bool]) -> Any:
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
    if is_sqlite(session):
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
    return is_sqlite(session) or len(set(filters.owners)) <= FEW_OWNERS


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
    if is_sqlite(session):
        # Joined by deal below: SQLite would otherwise build a throwaway index on every join.
        session.execute(text(f"CREATE INDEX {table.name}_deal ON {table.name} (opportunity_id)"))
    else:
        # Temporary tables get no statistics: without its size and kinds, PostgreSQL plans
        # the joins below as for a handful of rows (scanning the copy once per deal).
        session.execute(text(f"ANALYZE {table.name}"))
    return OwnersHistory(table)


def source(
    session: Session, filters: Filters, history: OwnersHistory | None
) -> tuple[Any, Any, Any, Any]:
    """(rows, team, kind, test): where a history figure reads its rows — the owners' copy,
    or `stage_changes` (`_history_of`, `_row_test`)."""
    if history is not None:
        rows = history.rows.c
        return rows, rows.team_id, rows.kind, and_
    team, kind = _history_of(session, filters)
    return StageChange, team, kind, lambda *c: _row_test(session, filters, *c)
