"""The weekly digest's figures, per owner of a manager's team, and its snapshots."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from storage.models import (
    ChangeKind,
    DigestSnapshot,
    Member,
    Opportunity,
    Stage,
    StageChange,
    Status,
)


def created_by_owner(
    *, session: Session, team_id: str, owners: Sequence[str], since: datetime, until: datetime
) -> dict[str, tuple[int, int]]:
    """Deals created in [since, until) per owner: (count, total)."""
    rows = session.execute(
        select(Opportunity.owner_id, func.count(), func.sum(Opportunity.amount_minor))
        .where(
            Opportunity.team_id == team_id,
            Opportunity.owner_id.in_(owners),
            Opportunity.created_at >= since,
            Opportunity.created_at < until,
        )
        .group_by(Opportunity.owner_id)
    )
    return {owner: (int(count), int(total or 0)) for owner, count, total in rows}


def closed_by_owner(
    *, session: Session, team_id: str, owners: Sequence[str], since: datetime, until: datetime
) -> dict[tuple[str, str], tuple[int, int]]:
    """Deals won or lost in [since, until) per (owner, status): (count, total)."""
    rows = session.execute(
        select(
            Opportunity.owner_id,
            Opportunity.status,
            func.count(),
            func.sum(Opportunity.amount_minor),
        )
        .where(
            Opportunity.team_id == team_id,
            Opportunity.owner_id.in_(owners),
            Opportunity.status.in_((Status.WON, Status.LOST)),
            Opportunity.closed_at >= since,
            Opportunity.closed_at < until,
        )
        .group_by(Opportunity.owner_id, Opportunity.status)
    )
    return {(owner, str(status)): (int(c), int(t or 0)) for owner, status, c, t in rows}


def advanced_by_owner(
    *, session: Session, team_id: str, owners: Sequence[str], since: datetime, until: datetime
) -> dict[str, int]:
    """Stage changes forward (to a later stage) in [since, until), per deal owner."""
    before = aliased(Stage)
    after = aliased(Stage)
    rows = session.execute(
        select(Opportunity.owner_id, func.count())
        .select_from(StageChange)
        .join(Opportunity, Opportunity.id == StageChange.opportunity_id)
        .join(before, before.id == StageChange.from_stage_id)
        .join(after, after.id == StageChange.to_stage_id)
        .where(
            StageChange.team_id == team_id,
            StageChange.kind == ChangeKind.STAGE,
            StageChange.changed_at >= since,
            StageChange.changed_at < until,
            before.process_id == after.process_id,
            after.position > before.position,
            Opportunity.owner_id.in_(owners),
        )
        .group_by(Opportunity.owner_id)
    )
    return {owner: int(count) for owner, count in rows}


def open_by_owner(
    *, session: Session, team_id: str, owners: Sequence[str]
) -> dict[str, tuple[int, int]]:
    rows = session.execute(
        select(Opportunity.owner_id, func.count(), func.sum(Opportunity.amount_minor))
        .where(
            Opportunity.team_id == team_id,
            Opportunity.owner_id.in_(owners),
            Opportunity.status == Status.OPEN,
        )
        .group_by(Opportunity.owner_id)
    )
    return {owner: (int(count), int(total or 0)) for owner, count, total in rows}


def pushed_close_dates(
    *, session: Session, team_id: str, owners: Sequence[str], since: datetime, until: datetime
) -> dict[int, tuple[date, date]]:
    """Open deals whose close date was moved later in [since, until): id → (first, last)."""
    rows = session.execute(
        select(StageChange.opportunity_id, StageChange.from_value, StageChange.to_value)
        .join(Opportunity, Opportunity.id == StageChange.opportunity_id)
        .where(
            StageChange.team_id == team_id,
            StageChange.kind == ChangeKind.CLOSE_DATE,
            StageChange.changed_at >= since,
            StageChange.changed_at < until,
            Opportunity.status == Status.OPEN,
            Opportunity.owner_id.in_(owners),
        )
        .order_by(StageChange.changed_at, StageChange.id)
    )
    moved: dict[int, tuple[date, date]] = {}
    for opportunity_id, before, after in rows:
        if not before or not after:
            continue
        first = moved.get(opportunity_id, (date.fromisoformat(before), date.min))[0]
        moved[opportunity_id] = (first, date.fromisoformat(after))
    return {k: v for k, v in moved.items() if v[1] > v[0]}


def slipped_deals(
    *, session: Session, team_id: str, owners: Sequence[str], since: date, before: date
) -> list[Opportunity]:
    """Open deals whose close date fell in [since, before): it passed this week unsigned."""
    return list(
        session.scalars(
            select(Opportunity).where(
                Opportunity.team_id == team_id,
                Opportunity.status == Status.OPEN,
                Opportunity.owner_id.in_(owners),
                Opportunity.close_date >= since,
                Opportunity.close_date < before,
            )
        )
    )


def members_of(*, session: Session, team_id: str, user_ids: Sequence[str]) -> list[Member]:
    if not user_ids:
        return []
    return list(
        session.scalars(
            select(Member).where(Member.team_id == team_id, Member.user_id.in_(set(user_ids)))
        )
    )


def digest_managers(*, session: Session, team_id: str) -> list[Member]:
    """Members with at least one rep reporting to them: the digest's readers."""
    managed = select(Member.manager_id).where(
        Member.team_id == team_id, Member.manager_id.is_not(None)
    )
    return list(
        session.scalars(
            select(Member)
            .where(Member.team_id == team_id, Member.user_id.in_(managed))
            .order_by(Member.user_id)
        )
    )


def last_snapshot(
    *, session: Session, team_id: str, manager_id: str, before_week: str
) -> DigestSnapshot | None:
    return session.scalars(
        select(DigestSnapshot)
        .where(
            DigestSnapshot.team_id == team_id,
            DigestSnapshot.manager_id == manager_id,
            DigestSnapshot.week < before_week,
        )
        .order_by(DigestSnapshot.week.desc())
        .limit(1)
    ).one_or_none()


def save_snapshot(*, session: Session, snapshot: DigestSnapshot) -> None:
    """One per manager and week; a re-run of the same week keeps the first figures."""
    existing = session.scalars(
        select(DigestSnapshot).where(
            DigestSnapshot.team_id == snapshot.team_id,
            DigestSnapshot.manager_id == snapshot.manager_id,
            DigestSnapshot.week == snapshot.week,
        )
    ).one_or_none()
    if existing is None:
        session.add(snapshot)
        session.flush()
