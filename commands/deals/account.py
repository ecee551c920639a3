"""`/opp account <name>`: an account's open deals and its history of won and lost ones."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.deals.cards import Card, card_of
from commands.errors import InvalidInput, NotFound
from commands.parsing import split_args
from commands.permissions import may_act_for_any
from storage import queries
from storage.models import Status

SHOWN = 10  # per section: two blocks a deal keeps the message under 50 blocks


@dataclass(frozen=True)
class AccountView:
    name: str
    open: tuple[Card, ...]
    closed: tuple[Card, ...]
    open_count: int
    won_count: int
    lost_count: int
    won_minor: int
    currency: str


def handle(*, session: Session, actor: Actor, text: str) -> AccountView:
    name = " ".join(split_args(text)).strip()
    if not name:
        raise InvalidInput("opp.account_usage")
    account = queries.find_account(session=session, team_id=actor.team_id, name=name)
    if account is None:
        close = queries.search_accounts(session=session, team_id=actor.team_id, query=name)
        if len(close) == 1:
            account = close[0]
        else:
            raise NotFound(
                "opp.account_not_found",
                name=name[:80],
                suggestions=", ".join(a.name for a in close[:5]) or "—",
            )
    workspace = queries.get_workspace(session=session, team_id=actor.team_id)
    assert workspace is not None
    deals = queries.account_opportunities(
        session=session, team_id=actor.team_id, account_id=account.id
    )
    mine = may_act_for_any(session=session, actor=actor)
    open_cards = [
        card_of(o, actor, may_change=mine(o.owner_id)) for o in deals if o.status == Status.OPEN
    ]
    closed = [
        card_of(o, actor, may_change=mine(o.owner_id)) for o in deals if o.status != Status.OPEN
    ]
    won = [c for c in closed if c.status == Status.WON]
    return AccountView(
        name=account.name,
        open=tuple(open_cards[:SHOWN]),
        closed=tuple(closed[:SHOWN]),
        open_count=len(open_cards),
        won_count=len(won),
        lost_count=len(closed) - len(won),
        won_minor=sum(c.amount_minor for c in won),
        currency=workspace.currency,
    )
