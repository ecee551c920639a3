"""`/opp move|next|won|lost|reopen #N …`: the text forms of the card's buttons."""

from __future__ import annotations

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.deals import transitions
from commands.deals.show import find
from commands.errors import FormInvalid, InvalidInput
from commands.parsing import split_args
from storage import queries
from storage.models import Opportunity, SalesProcess, Stage


def find_stage(process: SalesProcess, text: str) -> Stage:
    """A stage of `process` by 1-based number, exact folded name, or unique name prefix."""
    stages = queries.live_stages(process)
    text = text.strip()
    # ASCII only: "²" is a digit to `isdigit` but not a number to `int`.
    if text.isascii() and text.isdigit() and 1 <= int(text) <= len(stages):
        return stages[int(text) - 1]
    key = queries.name_key(text)
    exact = [s for s in stages if queries.name_key(s.name) == key]
    if exact:
        return exact[0]
    prefix = [s for s in stages if key and queries.name_key(s.name).startswith(key)]
    if len(prefix) == 1:
        return prefix[0]
    raise InvalidInput(
        "move.stage_unknown",
        stage=text[:80],
        process=process.name,
        stages=", ".join(f"{i}. {s.name}" for i, s in enumerate(stages, 1)),
    )


def _target(session: Session, actor: Actor, text: str, usage: str) -> tuple[Opportunity, str]:
    args = split_args(text)
    if not args:
        raise InvalidInput(usage)
    return find(session=session, actor=actor, ref=args[0]), " ".join(args[1:])


def move(*, session: Session, actor: Actor, text: str) -> transitions.Outcome:
    opportunity, rest = _target(session, actor, text, "move.usage_move")
    if not rest:
        raise InvalidInput("move.usage_move")
    stage = find_stage(opportunity.process, rest)
    return transitions.move(session=session, actor=actor, opportunity=opportunity, stage=stage)


def advance(*, session: Session, actor: Actor, text: str) -> transitions.Outcome:
    opportunity, _ = _target(session, actor, text, "move.usage_next")
    return transitions.advance(session=session, actor=actor, opportunity=opportunity)


def win(*, session: Session, actor: Actor, text: str) -> transitions.Outcome:
    opportunity, _ = _target(session, actor, text, "move.usage_won")
    return transitions.win(session=session, actor=actor, opportunity=opportunity)


def lose(*, session: Session, actor: Actor, text: str) -> transitions.Outcome:
    opportunity, reason = _target(session, actor, text, "move.usage_lost")
    return transitions.lose(session=session, actor=actor, opportunity=opportunity, reason=reason)


def reopen(*, session: Session, actor: Actor, text: str) -> transitions.Outcome:
    opportunity, _ = _target(session, actor, text, "move.usage_reopen")
    return transitions.reopen(session=session, actor=actor, opportunity=opportunity)


def lost_reason(picked: str, detail: str) -> str:
    """The "Lost" modal's reason: the picked one, then the detail typed, if any. A reason must
    be picked (FormInvalid on the `lost_reason` field)."""
    if not picked:
        raise FormInvalid({"lost_reason": InvalidInput("move.lost_reason_required")})
    return " — ".join(p for p in (picked, detail.strip()) if p)
