"""What `/pipeline export` reads: the deals in scope, every field of each, streamed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.analytics import deal_scope
from storage.models import Account, Member, Opportunity, SalesProcess, Stage
from storage.reports import Filters


def count_deals(*, session: Session, filters: Filters) -> int:
    """How many deals the filters hold, whatever their status."""
    query = select(func.count()).select_from(Opportunity).where(*deal_scope(filters))
    count = session.scalar(query)
    return int(count or 0)


def member_names(*, session: Session, team_id: str) -> dict[str, str]:
    """Every member's name (owners who left the deals' team still have one)."""
    rows = session.execute(select(Member.user_id, Member.name).where(Member.team_id == team_id))
    return {user_id: name for user_id, name in rows}


def rows(*, session: Session, filters: Filters) -> Iterator[tuple[Any, ...]]:
    """Every field of the deals the filters hold, by number, streamed in batches."""
    query = (
        select(
            Opportunity.number,
            Account.name,
            Opportunity.title,
            Opportunity.amount_minor,
            Opportunity.currency,
            Opportunity.status,
            SalesProcess.name,
            Stage.name,
            Stage.probability,
            Opportunity.probability_override,
            Opportunity.close_date,
            Opportunity.owner_id,
            Opportunity.origin,
            Opportunity.product,
            Opportunity.need_expressed,
            Opportunity.can_answer,
            Opportunity.blockers_lifted,
            Opportunity.meeting_planned,
            Opportunity.next_step,
            Opportunity.next_step_date,
            Opportunity.lost_reason,
            Opportunity.snoozed_until,
            Opportunity.created_by,
            Opportunity.created_at,
            Opportunity.updated_at,
            Opportunity.closed_at,
            Opportunity.stage_entered_at,
        )
        .join(Account, Account.id == Opportunity.account_id)
        .join(Stage, Stage.id == Opportunity.stage_id)
        .join(SalesProcess, SalesProcess.id == Opportunity.process_id)
        .where(*deal_scope(filters))
        .order_by(Opportunity.number)
        .execution_options(yield_per=2_000)
    )
    for row in session.execute(query):
        yield tuple(row)
