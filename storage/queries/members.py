"""Workspaces and their members: first contact, teams, names.

Functions are keyword-only and take the session; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db import conflict_insert
from storage.models import (
    Member,
    Role,
    Workspace,
)

# --- workspaces and members -------------------------------------------------------------


def get_workspace(*, session: Session, team_id: str) -> Workspace | None:
    return session.get(Workspace, team_id)


def team_ids(*, session: Session) -> list[str]:
    """Every workspace in the database, for the jobs that go through them all."""
    return list(session.scalars(select(Workspace.team_id).order_by(Workspace.team_id)))


def add_workspace_if_absent(
    *,
    session: Session,
    team_id: str,
    now: datetime,
    language: str,
    timezone: str,
    currency: str,
) -> bool:
    """Insert the workspace unless it exists; whether this call created it.

    Concurrent first requests of a new workspace all get here: ON CONFLICT DO NOTHING waits for
    the one that inserts first and lets the others read its row, instead of failing on the key.
    """
    insert = conflict_insert(session)
    created = session.execute(
        insert(Workspace)
        .values(
            team_id=team_id,
            name="",
            language=language,
            timezone=timezone,
            currency=currency,
            opportunity_seq=0,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=[Workspace.team_id])
        .returning(Workspace.team_id)
    ).first()
    return created is not None


def get_member(*, session: Session, team_id: str, user_id: str) -> Member | None:
    return session.scalars(
        select(Member).where(Member.team_id == team_id, Member.user_id == user_id)
    ).one_or_none()


def add_member(
    *,
    session: Session,
    team_id: str,
    user_id: str,
    now: datetime,
    role: Role = Role.REP,
    name: str = "",
    language: str | None = None,
    timezone: str | None = None,
) -> Member:
    """The member row, inserted unless a concurrent request already did (see
    `add_workspace_if_absent`): then theirs."""
    insert = conflict_insert(session)
    session.execute(
        insert(Member)
        .values(
            team_id=team_id,
            user_id=user_id,
            name=name,
            role=role,
            language=language,
            timezone=timezone,
            nudges_enabled=True,
            nudge_minute=9 * 60,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=[Member.team_id, Member.user_id])
    )
    member = get_member(session=session, team_id=team_id, user_id=user_id)
    assert member is not None  # inserted here or by the request that won the race
    return member


def team_of(*, session: Session, team_id: str, manager_id: str) -> list[str]:
    """The user ids of the reps reporting to a manager."""
    return list(
        session.scalars(
            select(Member.user_id).where(Member.team_id == team_id, Member.manager_id == manager_id)
        )
    )


def member_names(*, session: Session, team_id: str, user_ids: Sequence[str]) -> dict[str, str]:
    if not user_ids:
        return {}
    rows = session.execute(
        select(Member.user_id, Member.name).where(
            Member.team_id == team_id, Member.user_id.in_(set(user_ids))
        )
    )
    return {user_id: name for user_id, name in rows}
