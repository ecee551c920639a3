"""Lost reasons and what `/salesbot` reads; numbers reserved for the import.

Functions are keyword-only and take the session; the caller owns the transaction.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.models import (
    LostReason,
    Member,
    Opportunity,
    Role,
    SalesProcess,
    Status,
    Workspace,
)
from storage.queries.keys import name_key

# --- lost reasons -----------------------------------------------------------------------


def lost_reasons(*, session: Session, team_id: str) -> list[LostReason]:
    return list(
        session.scalars(
            select(LostReason)
            .where(LostReason.team_id == team_id)
            .order_by(LostReason.position, LostReason.id)
        )
    )


def add_lost_reason(*, session: Session, team_id: str, label: str) -> LostReason:
    position = session.scalar(
        select(func.coalesce(func.max(LostReason.position), -1) + 1).where(
            LostReason.team_id == team_id
        )
    )
    reason = LostReason(team_id=team_id, label=label, label_key=name_key(label), position=position)
    session.add(reason)
    session.flush()
    return reason


# --- administration (`/salesbot`) -------------------------------------------------------


def remove_lost_reason(*, session: Session, team_id: str, label: str) -> LostReason | None:
    """Take a reason off the "Lost" menu; deals lost for it keep their own copy of the text."""
    reason = session.scalars(
        select(LostReason).where(
            LostReason.team_id == team_id, LostReason.label_key == name_key(label)
        )
    ).one_or_none()
    if reason is not None:
        session.delete(reason)
        session.flush()
    return reason


def all_processes(*, session: Session, team_id: str) -> list[SalesProcess]:
    """Active and archived processes: names stay unique across both."""
    return list(
        session.scalars(
            select(SalesProcess)
            .where(SalesProcess.team_id == team_id)
            .order_by(SalesProcess.position, SalesProcess.id)
        )
    )


def open_counts_by_stage(*, session: Session, team_id: str) -> dict[int, int]:
    rows = session.execute(
        select(Opportunity.stage_id, func.count())
        .where(Opportunity.team_id == team_id, Opportunity.status == Status.OPEN)
        .group_by(Opportunity.stage_id)
    )
    return {stage_id: count for stage_id, count in rows}


def open_opportunities_in_stage(
    *, session: Session, team_id: str, stage_id: int
) -> list[Opportunity]:
    return list(
        session.scalars(
            select(Opportunity)
            .where(
                Opportunity.team_id == team_id,
                Opportunity.stage_id == stage_id,
                Opportunity.status == Status.OPEN,
            )
            .order_by(Opportunity.number)
        )
    )


def members_with_role(*, session: Session, team_id: str, role: Role) -> list[str]:
    return list(
        session.scalars(
            select(Member.user_id)
            .where(Member.team_id == team_id, Member.role == role)
            .order_by(Member.user_id)
        )
    )


# --- bulk: import -----------------------------------------------------------------------


def reserve_opportunity_numbers(*, session: Session, team_id: str, count: int) -> int:
    """Hand out `count` consecutive `#N` at once (an import); returns the first."""
    last = session.execute(
        update(Workspace)
        .where(Workspace.team_id == team_id)
        .values(opportunity_seq=Workspace.opportunity_seq + count)
        .returning(Workspace.opportunity_seq)
    ).scalar_one()
    return int(last) - count + 1
