"""Follow-ups: the rules, the wins and stage entries they react to, and the ones due."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.db import conflict_insert
from storage.models import ChangeKind, FollowUp, FollowUpRule, Opportunity, StageChange


def followup_rules(*, session: Session, team_id: str) -> list[FollowUpRule]:
    return list(
        session.scalars(
            select(FollowUpRule)
            .where(FollowUpRule.team_id == team_id, FollowUpRule.removed_at.is_(None))
            .order_by(FollowUpRule.id)
        )
    )


def trigger_events(
    *, session: Session, rule: FollowUpRule, after: datetime, until: datetime
) -> list[tuple[int, datetime]]:
    """(opportunity id, when) of the wins / stage entries a rule reacts to, in a time window."""
    query = (
        select(StageChange.opportunity_id, StageChange.changed_at)
        .join(Opportunity, Opportunity.id == StageChange.opportunity_id)
        .where(
            StageChange.team_id == rule.team_id,
            StageChange.changed_at > after,
            StageChange.changed_at <= until,
            Opportunity.process_id == rule.process_id,
        )
    )
    if rule.trigger == "won":
        query = query.where(StageChange.kind == ChangeKind.STATUS, StageChange.to_value == "won")
    else:
        query = query.where(
            StageChange.kind.in_((ChangeKind.CREATED, ChangeKind.STAGE, ChangeKind.STATUS)),
            StageChange.to_stage_id == rule.stage_id,
        )
    return [(int(opportunity), at) for opportunity, at in session.execute(query)]


def existing_followups(
    *, session: Session, rule_id: int, opportunity_ids: Iterable[int]
) -> set[int]:
    wanted = set(opportunity_ids)
    if not wanted:
        return set()
    return set(
        session.scalars(
            select(FollowUp.opportunity_id).where(
                FollowUp.rule_id == rule_id, FollowUp.opportunity_id.in_(wanted)
            )
        )
    )


def add_followups(
    *,
    session: Session,
    team_id: str,
    rule: FollowUpRule,
    due_on: Mapping[int, date],
    now: datetime,
) -> None:
    """Open one follow-up of `rule` per deal in `due_on` (deal id → due day), skipping any deal
    that already has one: another worker may be writing the same ones at the same time, and the
    (rule, deal) unique key keeps one."""
    if not due_on:
        return
    rows = [
        {
            "team_id": team_id,
            "rule_id": rule.id,
            "opportunity_id": opportunity_id,
            "due_on": day,
            "text": rule.text,
            "status": "open",
            "created_at": now,
        }
        for opportunity_id, day in due_on.items()
    ]
    insert = conflict_insert(session)
    session.execute(
        insert(FollowUp).on_conflict_do_nothing(index_elements=["rule_id", "opportunity_id"]),
        rows,
    )


def due_followups(
    *, session: Session, team_id: str, on_or_before: date, owners: Sequence[str]
) -> list[tuple[FollowUp, Opportunity]]:
    """Open, unsent follow-ups due by a day, with their deal, for these owners."""
    if not owners:
        return []
    rows = session.execute(
        select(FollowUp, Opportunity)
        .join(Opportunity, Opportunity.id == FollowUp.opportunity_id)
        .where(
            FollowUp.team_id == team_id,
            FollowUp.status == "open",
            FollowUp.due_on <= on_or_before,
            FollowUp.sent_on.is_(None),
            Opportunity.owner_id.in_(owners),
        )
        .order_by(FollowUp.due_on, FollowUp.id)
    )
    return [(row[0], row[1]) for row in rows]


def get_followup(*, session: Session, team_id: str, followup_id: int) -> FollowUp | None:
    return session.scalars(
        select(FollowUp).where(FollowUp.team_id == team_id, FollowUp.id == followup_id)
    ).one_or_none()


def mark_followups_sent(*, session: Session, team_id: str, ids: Sequence[int], day: date) -> None:
    """One statement for a message's follow-ups (up to its cap), whatever their number."""
    if ids:
        session.execute(
            update(FollowUp)
            .where(FollowUp.team_id == team_id, FollowUp.id.in_(list(ids)))
            .values(sent_on=day)
            .execution_options(synchronize_session="fetch")
        )
