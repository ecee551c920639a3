"""`/opp show #N`: the full card — every field, qualification, history."""

from __future__ import annotations

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.deals.cards import Card, card_of
from commands.errors import InvalidInput, NotFound
from commands.parsing import parse_opp_ref, split_args
from commands.permissions import may_act_for
from storage import queries
from storage.models import Opportunity


def find(*, session: Session, actor: Actor, ref: str) -> Opportunity:
    """The workspace's deal `#N`; another workspace's numbers simply do not exist here."""
    number = parse_opp_ref(ref)
    if number is None:
        raise InvalidInput("opp.ref_invalid", ref=ref[:40])
    opportunity = queries.get_opportunity(session=session, team_id=actor.team_id, number=number)
    if opportunity is None:
        raise NotFound("opp.not_found", number=number)
    return opportunity


def handle(*, session: Session, actor: Actor, text: str) -> Card:
    args = split_args(text)
    if not args:
        raise InvalidInput("opp.show_usage")
    opportunity = find(session=session, actor=actor, ref=args[0])
    return full_card(session=session, actor=actor, opportunity=opportunity)


def full_card(*, session: Session, actor: Actor, opportunity: Opportunity) -> Card:
    changes = queries.history(session=session, team_id=actor.team_id, opportunity_id=opportunity.id)
    stage_ids = {c.from_stage_id for c in changes} | {c.to_stage_id for c in changes}
    names = queries.stage_names(
        session=session, team_id=actor.team_id, stage_ids=[s for s in stage_ids if s]
    )
    mine = may_act_for(session=session, actor=actor, owner_id=opportunity.owner_id)
    return card_of(opportunity, actor, changes=changes, stage_names=names, may_change=mine)
