"""What the scan is tuned by: the stays each stage's stuck threshold is learned from, the
stages, and each member's nudge settings (who is due when)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.analytics import IMPORTED
from storage.dialect import days_between
from storage.models import ChangeKind, Member, Stage, StageChange


def finished_stays(
    *, session: Session, team_id: str, since: datetime, limit: int
) -> list[tuple[int, float]]:
    """(stage id, days spent) of the latest stays in a stage that ended since `since`, at most
    `limit` per kind of row that starts a stay (created, stage, status).

    Each stay row holds its end (`left_at`, kept by `storage.stays`), so this is one range of
    `ix_stage_changes_stays` per kind, newest first: bounded by `limit`, not by the history's
    size. An imported deal's first stay is left out, as in the stats: its start is the deal's
    creation date, not when it entered that stage.
    """
    change = StageChange
    days = days_between(session, change.left_at, change.changed_at)
    stays: list[tuple[int, float]] = []
    for kind in (ChangeKind.CREATED, ChangeKind.STAGE, ChangeKind.STATUS):
        rows = session.execute(
            select(change.to_stage_id, days)
            .where(
                change.team_id == team_id,
                change.kind == kind,
                change.left_at >= since,
                change.to_stage_id.is_not(None),
                or_(change.from_value.is_(None), change.from_value != IMPORTED),
            )
            .order_by(change.left_at.desc())
            .limit(limit)
        )
        stays += [(int(stage), float(spent)) for stage, spent in rows]
    return stays


@dataclass(frozen=True)
class MemberSettings:
    """What deciding who is due needs of a member, without loading the whole row."""

    user_id: str
    role: str
    manager_id: str | None
    language: str | None
    timezone: str | None
    nudges_enabled: bool
    nudge_minute: int
    locale: str | None = None  # Slack's locale, for how their nudge writes dates


def member_settings(*, session: Session, team_id: str) -> list[MemberSettings]:
    rows = session.execute(
        select(
            Member.user_id,
            Member.role,
            Member.manager_id,
            Member.language,
            Member.timezone,
            Member.nudges_enabled,
            Member.nudge_minute,
            Member.locale,
        )
        .where(Member.team_id == team_id)
        .order_by(Member.user_id)
    )
    return [MemberSettings(*row) for row in rows]


def team_stages(*, session: Session, team_id: str) -> list[Stage]:
    """Every stage of the workspace, removed ones included (deals may still sit in them)."""
    return list(session.scalars(select(Stage).where(Stage.team_id == team_id)))
