"""`/opp list [@rep]`: a rep's open opportunities, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.deals.cards import Card, card_of
from commands.errors import Forbidden, InvalidInput
from commands.parsing import parse_user_mention, split_args
from commands.permissions import may_act_for
from storage import queries, reports

# What one message can carry (Slack's 50-block cap, two blocks a deal plus framing).
LIST_LIMIT = 20


@dataclass(frozen=True)
class OpportunityList:
    owner_id: str
    own: bool
    cards: tuple[Card, ...]
    total_count: int
    total_minor: int
    weighted_minor: int
    currency: str
    text: str = ""  # what was typed after `list`, so "More" asks again for the same list
    offset: int = 0  # how many deals earlier pages showed

    @property
    def next_offset(self) -> int | None:
        end = self.offset + len(self.cards)
        return end if end < self.total_count else None


def handle(*, session: Session, actor: Actor, text: str, offset: int = 0) -> OpportunityList:
    args = split_args(text)
    owner_id = actor.user_id
    if args:
        mentioned = parse_user_mention(args[0])
        if mentioned is None:
            raise InvalidInput("opp.list_usage")
        owner_id = mentioned
    # A rep sees their own list; a manager their team's; an admin everyone's.
    if not may_act_for(session=session, actor=actor, owner_id=owner_id):
        raise Forbidden("opp.list_forbidden", user=owner_id)
    workspace = queries.get_workspace(session=session, team_id=actor.team_id)
    assert workspace is not None  # the middleware creates it on first contact
    # Totals in SQL, and only the deals the message can show: a rep may have hundreds.
    by_stage = reports.board(
        session=session, filters=reports.Filters(team_id=actor.team_id, owners=[owner_id])
    )
    deals = queries.open_opportunities_page(
        session=session,
        team_id=actor.team_id,
        owner_id=owner_id,
        limit=LIST_LIMIT,
        offset=max(0, offset),
    )
    return OpportunityList(
        owner_id=owner_id,
        own=owner_id == actor.user_id,
        cards=tuple(card_of(o, actor) for o in deals),
        total_count=sum(t.count for t in by_stage.values()),
        total_minor=sum(t.amount_minor for t in by_stage.values()),
        weighted_minor=sum(t.weighted_minor for t in by_stage.values()),
        currency=workspace.currency,
        text=text,
        offset=max(0, offset),
    )
