"""Moving deals: stage changes, won, lost, reopen — each recorded in the history.

Every function changes one opportunity inside the caller's transaction. A click carries the
version of the card it was shown on: if the deal moved since, nothing happens and the caller is
told where it is now (`Stale`). Two writers racing on the same version are stopped by the
version column (optimistic locking): the loser's UPDATE matches no row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.errors import InvalidInput
from commands.permissions import check_can_change
from storage import queries, stays
from storage.models import ChangeKind, Opportunity, Stage, Status


class Stale(Exception):
    """The card was out of date: the deal changed since it was shown."""

    def __init__(self, opportunity: Opportunity) -> None:
        super().__init__(opportunity.number)
        self.opportunity = opportunity


@dataclass(frozen=True)
class Outcome:
    """What happened, for the message the rep sees (a catalog key and its parameters)."""

    opportunity: Opportunity
    key: str
    params: dict[str, str | int | date]  # dates are shown in the reader's language
    changed: bool = True


def check_version(opportunity: Opportunity, expected: int | None) -> None:
    if expected is not None and opportunity.version != expected:
        raise Stale(opportunity)


def set_stage(
    *,
    session: Session,
    opportunity: Opportunity,
    stage: Stage,
    by: str,
    actor: Actor,
    link: bool = True,
) -> None:
    """Put the deal in `stage` and record it; the clock for days-in-stage restarts."""
    if stage.id == opportunity.stage_id:
        return
    before = opportunity.stage_id
    opportunity.stage = stage
    opportunity.stage_id = stage.id
    opportunity.stage_entered_at = actor.now
    opportunity.updated_at = actor.now
    queries.record_change(
        session=session,
        opportunity=opportunity,
        kind=ChangeKind.STAGE,
        by=by,
        at=actor.now,
        from_stage_id=before,
        to_stage_id=stage.id,
        link=link,
    )


def _may_move(
    session: Session, actor: Actor, opportunity: Opportunity, expected_version: int | None
) -> None:
    """The checks every move of an open deal makes, in this order: who, which card, which state."""
    check_can_change(session=session, actor=actor, opportunity=opportunity)
    check_version(opportunity, expected_version)
    _open_only(opportunity)


def _open_only(opportunity: Opportunity) -> None:
    if opportunity.status != Status.OPEN:
        raise InvalidInput("move.closed", number=opportunity.number, status=str(opportunity.status))


def move(
    *,
    session: Session,
    actor: Actor,
    opportunity: Opportunity,
    stage: Stage,
    expected_version: int | None = None,
) -> Outcome:
    _may_move(session, actor, opportunity, expected_version)
    if stage.team_id != actor.team_id or stage.process_id != opportunity.process_id:
        raise InvalidInput(
            "move.stage_of_other_process", stage=stage.name, process=opportunity.process.name
        )
    if stage.removed_at is not None:
        raise InvalidInput("move.stage_removed", stage=stage.name)
    if stage.id == opportunity.stage_id:
        return Outcome(opportunity, "move.already_in", {"stage": stage.name}, changed=False)
    set_stage(session=session, opportunity=opportunity, stage=stage, by=actor.user_id, actor=actor)
    return Outcome(opportunity, "move.moved", {"number": opportunity.number, "stage": stage.name})


def advance(
    *,
    session: Session,
    actor: Actor,
    opportunity: Opportunity,
    expected_version: int | None = None,
) -> Outcome:
    _may_move(session, actor, opportunity, expected_version)
    later = [
        s
        for s in queries.live_stages(opportunity.process)
        if s.position > opportunity.stage.position
    ]
    if not later:
        raise InvalidInput(
            "move.last_stage", number=opportunity.number, stage=opportunity.stage.name
        )
    return move(session=session, actor=actor, opportunity=opportunity, stage=later[0])


def win(
    *,
    session: Session,
    actor: Actor,
    opportunity: Opportunity,
    expected_version: int | None = None,
) -> Outcome:
    _may_move(session, actor, opportunity, expected_version)
    _close(session, actor, opportunity, Status.WON)
    return Outcome(opportunity, "move.won", {"number": opportunity.number})


def lose(
    *,
    session: Session,
    actor: Actor,
    opportunity: Opportunity,
    reason: str,
    expected_version: int | None = None,
) -> Outcome:
    _may_move(session, actor, opportunity, expected_version)
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("move.lost_reason_required", field="reason")
    if len(reason) > 500:
        raise InvalidInput("opp.field_too_long", field="reason", max=500)
    opportunity.lost_reason = reason
    _close(session, actor, opportunity, Status.LOST)
    return Outcome(opportunity, "move.lost", {"number": opportunity.number})


def reopen(
    *,
    session: Session,
    actor: Actor,
    opportunity: Opportunity,
    expected_version: int | None = None,
) -> Outcome:
    check_can_change(session=session, actor=actor, opportunity=opportunity)
    check_version(opportunity, expected_version)
    if opportunity.status == Status.OPEN:
        return Outcome(
            opportunity, "move.already_open", {"number": opportunity.number}, changed=False
        )
    before = str(opportunity.status)
    opportunity.status = Status.OPEN
    opportunity.closed_at = None
    opportunity.lost_reason = None
    opportunity.updated_at = actor.now
    opportunity.stage_entered_at = actor.now
    queries.record_change(
        session=session,
        opportunity=opportunity,
        kind=ChangeKind.STATUS,
        by=actor.user_id,
        at=actor.now,
        from_value=before,
        to_value=Status.OPEN,
        to_stage_id=opportunity.stage_id,
    )
    return Outcome(opportunity, "move.reopened", {"number": opportunity.number})


def _close(session: Session, actor: Actor, opportunity: Opportunity, status: Status) -> None:
    opportunity.status = status
    opportunity.closed_at = actor.now
    opportunity.updated_at = actor.now
    opportunity.snoozed_until = None
    queries.record_change(
        session=session,
        opportunity=opportunity,
        kind=ChangeKind.STATUS,
        by=actor.user_id,
        at=actor.now,
        from_value=Status.OPEN,
        to_value=status,
        from_stage_id=opportunity.stage_id,
    )


def relocate(
    *, session: Session, actor: Actor, opportunities: list[Opportunity], stage: Stage
) -> int:
    """Admin: move deals out of a stage being removed (or a process being remapped).

    Thousands of deals may move at once, before the click's ack: their stays are ended in one
    statement at the end rather than looked up deal by deal.
    """
    for opportunity in opportunities:
        if opportunity.process_id != stage.process_id:
            change_process(
                session=session, actor=actor, opportunity=opportunity, stage=stage, link=False
            )
        else:
            set_stage(
                session=session,
                opportunity=opportunity,
                stage=stage,
                by=actor.user_id,
                actor=actor,
                link=False,
            )
    session.flush()
    stays.end_at(
        session=session,
        team_id=actor.team_id,
        opportunity_ids=[o.id for o in opportunities],
        at=actor.now,
    )
    return len(opportunities)


def change_process(
    *, session: Session, actor: Actor, opportunity: Opportunity, stage: Stage, link: bool = True
) -> None:
    """Map the deal onto `stage` of another process; its history is kept."""
    before = opportunity.process
    opportunity.process = stage.process
    opportunity.process_id = stage.process_id
    queries.record_change(
        session=session,
        opportunity=opportunity,
        kind=ChangeKind.PROCESS,
        by=actor.user_id,
        at=actor.now,
        from_value=before.name,
        to_value=stage.process.name,
        link=link,
    )
    set_stage(
        session=session,
        opportunity=opportunity,
        stage=stage,
        by=actor.user_id,
        actor=actor,
        link=link,
    )
