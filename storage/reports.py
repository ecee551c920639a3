"""Aggregations for the board, the forecast and the Home: one SQL query each, team-scoped.

Weighted amounts are rounded per deal, then summed — in SQL, with integers only:
(amount × probability + 50) div 100, the probability being the deal's override or its stage's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from storage.dialect import utc_month
from storage.models import Opportunity, Stage, Status, Target


@dataclass(frozen=True)
class Filters:
    """Which deals: owners None means everyone in the workspace. An origin or a product is the
    exact spellings stored to keep (the domain finds those a typed name means); None: any."""

    team_id: str
    owners: Sequence[str] | None = None
    process_id: int | None = None
    origin: tuple[str, ...] | None = None
    product: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Totals:
    count: int = 0
    amount_minor: int = 0
    weighted_minor: int = 0


def probability() -> ColumnElement[int]:
    return func.coalesce(Opportunity.probability_override, Stage.probability)


def weighted() -> ColumnElement[int]:
    # Integer arithmetic on both engines: exact, rounded half up per deal ("//" keeps it integral).
    return (Opportunity.amount_minor * probability() + 50) // 100


@dataclass(frozen=True)
class _Shape:
    """What a query's SQL depends on; the filters' values go in as parameters. A statement is
    built once per shape and reused: building one costs more than running it for one rep."""

    owners: int  # 0: everyone, 1: one owner, 2: any other number
    process: bool
    origin: bool
    product: bool


def _shape(filters: Filters) -> _Shape:
    # No owners at all (a manager without reps) is "several" with an empty list: no deal.
    owners = 0 if filters.owners is None else 1 if len(set(filters.owners)) == 1 else 2
    return _Shape(
        owners,
        filters.process_id is not None,
        filters.origin is not None,
        filters.product is not None,
    )


def _params(filters: Filters, status: Status = Status.OPEN) -> dict[str, Any]:
    owners = list(dict.fromkeys(filters.owners or ()))
    return {
        "team": filters.team_id,
        "status": status,
        "owner": owners[0] if owners else None,
        "owners": owners,
        "process": filters.process_id,
        "origins": list(filters.origin or ()),
        "products": list(filters.product or ()),
    }


def _where(shape: _Shape) -> list[ColumnElement[bool]]:
    # With several owners, `owner_id IN (…)` must lead to the (team, owner, status…) indexes;
    # SQLite picks them only with table statistics (`Database.refresh_statistics`), else it
    # may walk every deal of the workspace through a (team, stage) index.
    conditions: list[ColumnElement[bool]] = [
        Opportunity.team_id == bindparam("team"),
        Opportunity.status == bindparam("status"),
    ]
    if shape.owners == 1:
        conditions.append(Opportunity.owner_id == bindparam("owner"))
    elif shape.owners > 1:
        conditions.append(Opportunity.owner_id.in_(bindparam("owners", expanding=True)))
    if shape.process:
        conditions.append(Opportunity.process_id == bindparam("process"))
    # Expanding: one statement whatever the number of spellings, spelled out when run.
    if shape.origin:
        conditions.append(Opportunity.origin.in_(bindparam("origins", expanding=True)))
    if shape.product:
        conditions.append(Opportunity.product.in_(bindparam("products", expanding=True)))
    return conditions


def _totals(row: Any) -> Totals:
    count, amount, weight = row
    return Totals(int(count or 0), int(amount or 0), int(weight or 0))


@cache
def _board(shape: _Shape) -> Select[int, int, int, int]:
    return (
        select(
            Opportunity.stage_id,
            func.count(),
            func.sum(Opportunity.amount_minor),
            func.sum(weighted()),
        )
        .join(Stage, Stage.id == Opportunity.stage_id)
        .where(*_where(shape))
        .group_by(Opportunity.stage_id)
    )


def board_query(filters: Filters) -> Select[int, int, int, int]:
    """The board's aggregation with the filters' values bound (to print or EXPLAIN it)."""
    return _board(_shape(filters)).params(_params(filters))


def board(*, session: Session, filters: Filters) -> dict[int, Totals]:
    """Open deals per stage: count, total and weighted total."""
    rows = session.execute(_board(_shape(filters)), _params(filters))
    return {stage_id: _totals(totals) for stage_id, *totals in rows}


def stage_deals(
    *, session: Session, filters: Filters, stage_id: int, limit: int, offset: int = 0
) -> list[Opportunity]:
    """A stage's open deals, most valuable first (then oldest number, for a stable order)."""
    query = (
        select(Opportunity)
        .join(Stage, Stage.id == Opportunity.stage_id)
        .where(*_where(_shape(filters)), Opportunity.stage_id == stage_id)
        .order_by(Opportunity.amount_minor.desc(), Opportunity.number)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query, _params(filters)))


def top_deals(
    *, session: Session, filters: Filters, stage_ids: Sequence[int], limit: int
) -> dict[int, list[Opportunity]]:
    """Each stage's `limit` most valuable open deals, in as few queries as the scope allows.

    For some owners, one query ranks their deals per stage (a window function over a few
    hundred rows); for the whole company, one query per stage walks the board index backwards
    (ranking 700,000 rows would cost more than a handful of indexed LIMIT queries).
    """
    if limit <= 0 or not stage_ids:
        return {}
    order = (Opportunity.amount_minor.desc(), Opportunity.number)
    found: dict[int, list[Opportunity]] = {stage_id: [] for stage_id in stage_ids}
    if filters.owners is None:
        for stage_id in stage_ids:
            found[stage_id] = stage_deals(
                session=session, filters=filters, stage_id=stage_id, limit=limit
            )
        return found
    rank = func.row_number().over(partition_by=Opportunity.stage_id, order_by=order)
    ranked = (
        select(Opportunity.id.label("id"), rank.label("rank"))
        .join(Stage, Stage.id == Opportunity.stage_id)
        .where(*_where(_shape(filters)), Opportunity.stage_id.in_(list(stage_ids)))
        .subquery()
    )
    chosen = select(ranked.c.id).where(ranked.c.rank <= limit)
    for deal in session.scalars(
        select(Opportunity).where(Opportunity.id.in_(chosen)).order_by(*order), _params(filters)
    ):
        found[deal.stage_id].append(deal)
    return found


@cache
def _forecast(dialect: str, shape: _Shape) -> Select[str, int, int, int]:
    month = utc_month(dialect, Opportunity.close_date)
    return (
        select(month, func.count(), func.sum(Opportunity.amount_minor), func.sum(weighted()))
        .join(Stage, Stage.id == Opportunity.stage_id)
        .where(
            *_where(shape),
            Opportunity.close_date >= bindparam("start"),
            Opportunity.close_date < bindparam("end"),
        )
        .group_by(month)
    )


def forecast_query(
    session: Session, filters: Filters, start: date, end: date
) -> Select[str, int, int, int]:
    """The forecast's aggregation with the filters' values bound (to print or EXPLAIN it)."""
    statement = _forecast(session.get_bind().dialect.name, _shape(filters))
    return statement.params(_params(filters), start=start, end=end)


def forecast(*, session: Session, filters: Filters, start: date, end: date) -> dict[str, Totals]:
    """Open deals by expected signing month ('YYYY-MM'), for close dates in [start, end)."""
    statement = _forecast(session.get_bind().dialect.name, _shape(filters))
    rows = session.execute(statement, {**_params(filters), "start": start, "end": end})
    return {str(key): _totals(totals) for key, *totals in rows}


@cache
def _won(dialect: str, shape: _Shape) -> Select[str, int, int, int]:
    month = utc_month(dialect, Opportunity.closed_at)
    return (
        select(
            month,
            func.count(),
            func.sum(Opportunity.amount_minor),
            func.sum(Opportunity.amount_minor),
        )
        .where(
            *_where(shape),
            Opportunity.closed_at >= bindparam("start"),
            Opportunity.closed_at < bindparam("end"),
        )
        .group_by(month)
    )


def won_by_month(
    *, session: Session, filters: Filters, start: datetime, end: datetime
) -> dict[str, Totals]:
    """Deals won, by the month they were won (UTC), closed in [start, end)."""
    statement = _won(session.get_bind().dialect.name, _shape(filters))
    rows = session.execute(statement, {**_params(filters, Status.WON), "start": start, "end": end})
    return {str(key): _totals(totals) for key, *totals in rows}


@cache
def _overdue(shape: _Shape) -> Select[int, int, int]:
    return (
        select(func.count(), func.sum(Opportunity.amount_minor), func.sum(weighted()))
        .join(Stage, Stage.id == Opportunity.stage_id)
        .where(*_where(shape), Opportunity.close_date < bindparam("today"))
    )


def overdue(*, session: Session, filters: Filters, today: date) -> Totals:
    """Open deals whose expected close date has passed: shown apart, never hidden in a month."""
    row = session.execute(_overdue(_shape(filters)), {**_params(filters), "today": today}).one()
    return _totals(row)


def attention(
    *,
    session: Session,
    filters: Filters,
    today: date,
    stuck_before: dict[int, datetime],
    limit: int,
) -> tuple[int, list[Opportunity]]:
    """Open deals that need their owner: overdue, or in their stage since before its cutoff.

    Returns how many, and the `limit` most valuable: two queries, whatever the number of deals.
    """
    stuck = [
        and_(Opportunity.stage_id == stage_id, Opportunity.stage_entered_at < cutoff)
        for stage_id, cutoff in stuck_before.items()
    ]
    needs = or_(Opportunity.close_date < today, *stuck)
    where = [*_where(_shape(filters)), needs]
    params = _params(filters)
    count = session.scalar(select(func.count()).select_from(Opportunity).where(*where), params)
    deals = session.scalars(
        select(Opportunity)
        .where(*where)
        .order_by(Opportunity.amount_minor.desc(), Opportunity.number)
        .limit(limit),
        params,
    )
    return int(count or 0), list(deals)


def targets(
    *, session: Session, team_id: str, scope: str, subject: str, start: date, end: date
) -> dict[str, int]:
    """Monthly targets ('YYYY-MM' → minor units) of one rep, one manager's team, or all."""
    rows = session.execute(
        select(Target.month, Target.amount_minor).where(
            and_(
                Target.team_id == team_id,
                Target.scope == scope,
                Target.subject == subject,
                Target.month >= start,
                Target.month < end,
            )
        )
    )
    return {month.strftime("%Y-%m"): int(amount) for month, amount in rows}


def set_target(
    *,
    session: Session,
    team_id: str,
    scope: str,
    subject: str,
    month: date,
    amount_minor: int | None,
    by: str,
    at: datetime,
) -> None:
    """Set one monthly target (rep, manager's team or all), or remove it (`amount_minor` None)."""
    existing = session.scalars(
        select(Target).where(
            Target.team_id == team_id,
            Target.scope == scope,
            Target.subject == subject,
            Target.month == month,
        )
    ).one_or_none()
    if amount_minor is None:
        if existing is not None:
            session.delete(existing)
        return
    if existing is None:
        session.add(
            Target(
                team_id=team_id,
                scope=scope,
                subject=subject,
                month=month,
                amount_minor=amount_minor,
                set_by=by,
                set_at=at,
            )
        )
    else:
        existing.amount_minor, existing.set_by, existing.set_at = amount_minor, by, at
    session.flush()
