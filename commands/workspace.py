"""First contact: a workspace and its members are created on first use, with a default process."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from storage import queries
from storage.models import Member, Role, Workspace

# The classic five stages, in the workspace's language (stage probability in %).
DEFAULT_PROCESS: dict[str, tuple[str, list[tuple[str, int]]]] = {
    "fr": (
        "Processus commercial",
        [
            ("Opportunité à qualifier", 5),
            ("Rendez-vous planifié", 10),
            ("Besoins identifiés", 40),
            ("Proposition envoyée", 85),
            ("En négociation", 90),
        ],
    ),
    "en": (
        "Sales process",
        [
            ("Opportunity to qualify", 5),
            ("Meeting scheduled", 10),
            ("Needs identified", 40),
            ("Proposal sent", 85),
            ("In negotiation", 90),
        ],
    ),
}


DEFAULT_LOST_REASONS: dict[str, list[str]] = {
    "fr": ["Prix", "Concurrent", "Pas de budget", "Pas de réponse", "Projet abandonné", "Autre"],
    "en": ["Price", "Competitor", "No budget", "No response", "Project dropped", "Other"],
}


def ensure_workspace(
    *,
    session: Session,
    team_id: str,
    now: datetime,
    language: str,
    timezone: str,
    currency: str,
) -> Workspace:
    """The team's workspace, created with its default process the first time it is seen.

    Several first requests may arrive at once: only the one whose insert wins adds the defaults.
    """
    workspace = queries.get_workspace(session=session, team_id=team_id)
    if workspace is not None:
        return workspace
    created = queries.add_workspace_if_absent(
        session=session,
        team_id=team_id,
        now=now,
        language=language,
        timezone=timezone,
        currency=currency,
    )
    workspace = queries.get_workspace(session=session, team_id=team_id)
    assert workspace is not None  # inserted here or by the request that won the race
    if not created:
        return workspace
    name, stages = DEFAULT_PROCESS.get(language, DEFAULT_PROCESS["fr"])
    queries.add_process(session=session, team_id=team_id, name=name, stages=stages, now=now)
    for label in DEFAULT_LOST_REASONS.get(language, DEFAULT_LOST_REASONS["fr"]):
        queries.add_lost_reason(session=session, team_id=team_id, label=label)
    return workspace


def ensure_member(
    *,
    session: Session,
    team_id: str,
    user_id: str,
    now: datetime,
    name: str = "",
    language: str | None = None,
    timezone: str | None = None,
    slack_admin: bool = False,
) -> Member:
    """The member row, created on first contact. Slack owners and admins are bot admins."""
    member = queries.get_member(session=session, team_id=team_id, user_id=user_id)
    if member is None:
        return queries.add_member(
            session=session,
            team_id=team_id,
            user_id=user_id,
            now=now,
            name=name,
            language=language,
            timezone=timezone,
            role=Role.ADMIN if slack_admin else Role.REP,
        )
    return member


def refresh_profile(
    member: Member,
    *,
    now: datetime,
    name: str,
    language: str | None,
    timezone: str | None,
    slack_admin: bool,
) -> None:
    """Keep what Slack told us about a user; a Slack admin is always a bot admin."""
    if name:
        member.name = name
    if language:
        member.language = language
    if timezone:
        member.timezone = timezone
    if slack_admin and member.role != Role.ADMIN:
        member.role = Role.ADMIN
    member.profile_checked_at = now
