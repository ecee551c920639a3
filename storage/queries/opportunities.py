"""Opportunities: numbering, creating, reading, their history.

Functions are keyword-only and take the session; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage import stays
from storage.models import (
    ChangeKind,
    Opportunity,
    Stage,
    StageChange,
    Status,
    Workspace,
)

# --- opportunities ----------------------------------------------------------------------


def next_opportunity_number(*, session: Session, team_id: str) -> int:
    """Hand out the workspace's next `#N`: atomic, gap-free per successful transaction."""
    number = session.execute(
        update(Workspace)
        .where(Workspace.team_id == team_id)
        .values(opportunity_seq=Workspace.opportunity_seq + 1)
        .returning(Workspace.opportunity_seq)
    ).scalar_one()
    return int(number)


def add_opportunity(*, session: Session, opportunity: Opportunity, now: datetime) -> Opportunity:
    session.add(opportunity)
    session.flush()
    record_change(
        session=session,
        opportunity=opportunity,
        kind=ChangeKind.CREATED,
        by=opportunity.created_by,
        at=now,
        to_stage_id=opportunity.stage_id,
        to_value=opportunity.status,
    )
    return opportunity


def record_change(
    *,
    session: Session,
    opportunity: Opportunity,
    kind: ChangeKind,
    by: str,
    at: datetime,
    from_stage_id: int | None = None,
    to_stage_id: int | None = None,
    from_value: str | None = None,
    to_value: str | None = None,
    link: bool = True,
) -> StageChange:
    """One history row. `link=False` leaves the stays' ends to the caller: a bulk change
    closes them for all its deals at once (`stays.end_at`)."""
    change = StageChange(
        team_id=opportunity.team_id,
        opportunity_id=opportunity.id,
        kind=kind,
        changed_by=by,
        changed_at=at,
        from_stage_id=from_stage_id,
        to_stage_id=to_stage_id,
        from_value=from_value,
        to_value=to_value,
    )
    if link:
        stays.link(session=session, change=change)  # the stay it follows ends now
    session.add(change)
    return change


def get_opportunity(*, session: Session, team_id: str, number: int) -> Opportunity | None:
    return session.scalars(
        select(Opportunity).where(Opportunity.team_id == team_id, Opportunity.number == number)
    ).one_or_none()


def open_opportunities(
    *, session: Session, team_id: str, owner_id: str, limit: int | None = None
) -> list[Opportunity]:
    """A rep's open deals, furthest stage first, then the most valuable."""
    query = (
        select(Opportunity)
        .join(Opportunity.stage)
        .where(
            Opportunity.team_id == team_id,
            Opportunity.owner_id == owner_id,
            Opportunity.status == Status.OPEN,
        )
        .order_by(Stage.position.desc(), Opportunity.amount_minor.desc(), Opportunity.number)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def open_opportunities_page(
    *, session: Session, team_id: str, owner_id: str, limit: int, offset: int
) -> list[Opportunity]:
    """A page of a rep's open deals, in `open_opportunities`' order (the number settles ties,
    so pages neither repeat nor skip a deal)."""
    query = (
        select(Opportunity)
        .join(Opportunity.stage)
        .where(
            Opportunity.team_id == team_id,
            Opportunity.owner_id == owner_id,
            Opportunity.status == Status.OPEN,
        )
        .order_by(Stage.position.desc(), Opportunity.amount_minor.desc(), Opportunity.number)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def account_opportunities(
    *, session: Session, team_id: str, account_id: int, limit: int = 200
) -> list[Opportunity]:
    return list(
        session.scalars(
            select(Opportunity)
            .where(Opportunity.team_id == team_id, Opportunity.account_id == account_id)
            .order_by(Opportunity.number.desc())
            .limit(limit)
        )
    )


def deal_labels(
    *,
    session: Session,
    team_id: str,
    field: Literal["origin", "product"],
    owners: Sequence[str] | None = None,
) -> list[str]:
    """Every origin (or product) the deals of `owners` (None: the workspace's) carry, spelled
    as stored: the domain keeps those a typed filter means (`label_key`), then filters on
    exactly them. `ix_opportunities_stats` holds both columns: no deal is read."""
    column = getattr(Opportunity, field)
    query = select(column).distinct().where(Opportunity.team_id == team_id, column.is_not(None))
    if owners is not None:
        query = query.where(Opportunity.owner_id.in_(list(dict.fromkeys(owners))))
    return list(session.scalars(query))


def history(*, session: Session, team_id: str, opportunity_id: int) -> list[StageChange]:
    return list(
        session.scalars(
            select(StageChange)
            .where(StageChange.team_id == team_id, StageChange.opportunity_id == opportunity_id)
            .order_by(StageChange.changed_at, StageChange.id)
        )
    )


def stage_names(*, session: Session, team_id: str, stage_ids: Sequence[int]) -> dict[int, str]:
    if not stage_ids:
        return {}
    rows = session.execute(
        select(Stage.id, Stage.name).where(Stage.team_id == team_id, Stage.id.in_(set(stage_ids)))
    )
    return {stage_id: name for stage_id, name in rows}
