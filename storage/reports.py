"""Aggregations for the board, the forecast and the Home: one SQL query each, team-scoped.

Weighted amounts are rounded per deal, then summed — in SQL, with integers only:
(amount × probability + 50) div 100, the probability being the deal's override or its stage's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from storage.models import Opportunity, Stage, Status, Target

SelectT = TypeVar("SelectT", bound=Select[Any])


@dataclass(frozen=True)
class Filters:
    """Which deals: owners None means everyone in the workspace."""

    team_id: str
    owners: Sequence[str] | None = None
    process_id: int | None = None
    origin: str | None = None
    product: str | None = None


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


def _where(filters: Filters, status: Status = Status.OPEN) -> list[ColumnElement[bool]]:
    # For several owners' deals the owner index is the right one, but with `owner_id IN (…)`
    # SQLite's planner prefers the (team, status, stage…) indexes and walks every open deal of
    # the company (7 s for a 10-rep team at 1M deals). `status || ''` cannot use an index, so
    # only (team_id, owner_id) remains as a prefix: a few hundred rows per rep, on both engines.
    several = filters.owners is not None and len(set(filters.owners)) > 1
    by_status = (
        Opportunity.status.concat("") == str(status) if several else Opportunity.status == status
    )
    conditions: list[ColumnElement[bool]] = [Opportunity.team_id == filters.team_id, by_status]
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


def _totals(query: Any, session: Session) -> Totals:
    count, amount, weight = session.execute(query).one()
    return Totals(int(count or 0), int(amount or 0), int(weight or 0))


def board_query(filters: Filters) -> Select[int, int, int, int]:
    query = (
        select(
            Opportunity.stage_id,
            func.count(),
            func.sum(Opportunity.amount_minor),
            func.sum(weighted()),
        )
        .join(Stage, Stage.id == Opportunity.stage_id)
        .where(*_where(filters))
        .group_by(Opportunity.stage_id)
    )
    return query


def board(*, session: Session, filters: Filters) -> dict[int, Totals]:
    """Open deals per stage: count, total and weighted total."""
    query = board_query(filters)
    return {
        stage_id: Totals(int(count), int(amount or 0), int(weight or 0))
        for stage_id, count, amount, weight in session.execute(query)
    }


def stage_deals(
    *, session: Session, filters: Filters, stage_id: int, limit: int, offset: int = 0
) -> list[Opportunity]:
    """A stage's open deals, most valuable first (then oldest number, for a stable order)."""
    query = (
        select(Opportunity)
        .join(Stage, Stage.id == Opportunity.stage_id)
        .where(*_where(filters), Opportunity.stage_id == stage_id)
        .order_by(Opportunity.amount_minor.desc(), Opportunity.number)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


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
        .where(*_where(filters), Opportunity.stage_id.in_(list(stage_ids)))
        .subquery()
    )
    chosen = select(ranked.c.id).where(ranked.c.rank <= limit)
    for deal in session.scalars(
        select(Opportunity).where(Opportunity.id.in_(chosen)).order_by(*order)
    ):
        found[deal.stage_id].append(deal)
    return found


def month_key(session: Session, column: Any) -> ColumnElement[str]:
    """'YYYY-MM' of a date or timestamp column, on SQLite (text) and PostgreSQL."""
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(column, 1, 7)
    return func.to_char(column, "YYYY-MM")


def forecast_query(
    session: Session, filters: Filters, start: date, end: date
) -> Select[str, int, int, int]:
    month = month_key(session, Opportunity.close_date)
    query = (
        select(month, func.count(), func.sum(Opportunity.amount_minor), func.sum(weighted()))
        .join(Stage, Stage.id == Opportunity.stage_id)
        .where(*_where(filters), Opportunity.close_date >= start, Opportunity.close_date < end)
        .group_by(month)
    )
    return query


def forecast(*, session: Session, filters: Filters, start: date, end: date) -> dict[str, Totals]:
    """Open deals by expected signing month ('YYYY-MM'), for close dates in [start, end)."""
    query = forecast_query(session, filters, start, end)
    return {
        str(key): Totals(int(count), int(amount or 0), int(weight or 0))
        for key, count, amount, weight in session.execute(query)
    }


def won_by_month(
    *, session: Session, filters: Filters, start: datetime, end: datetime
) -> dict[str, Totals]:
    """Deals won, by the month they were won (UTC), closed in [start, end)."""
    month = month_key(session, Opportunity.closed_at)
    query = (
        select(
            month,
            func.count(),
            func.sum(Opportunity.amount_minor),
            func.sum(Opportunity.amount_minor),
        )
        .where(
            *_where(filters, Status.WON),
            Opportunity.closed_at >= start,
            Opportunity.closed_at < end,
        )
        .group_by(month)
    )
    return {
        str(key): Totals(int(count), int(amount or 0), int(weight or 0))
        for key, count, amount, weight in session.execute(query)
    }


def overdue(*, session: Session, filters: Filters, today: date) -> Totals:
    """Open deals whose expected close date has passed: shown apart, never hidden in a month."""
    query = (
        select(func.count(), func.sum(Opportunity.amount_minor), func.sum(weighted()))
        .join(Stage, Stage.id == Opportunity.stage_id)
        .where(*_where(filters), Opportunity.close_date < today)
    )
    return _totals(query, session)


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
    count = session.scalar(
        select(func.count()).select_from(Opportunity).where(*_where(filters), needs)
    )
    deals = session.scalars(
        select(Opportunity)
        .where(*_where(filters), needs)
        .order_by(Opportunity.amount_minor.desc(), Opportunity.number)
        .limit(limit)
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
