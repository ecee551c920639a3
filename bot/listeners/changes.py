"""A click that changes one deal, then its card redrawn in place: shared by the card's buttons
and the nudge's controls.

The change runs in one transaction; a click on a stale card (or one that lost a race with
another click) changes nothing and answers with the current card and a line saying so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_bolt import Respond
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bot import format as fmt
from bot.views import opportunity
from commands.context import Actor
from commands.deals import edit as opp_edit
from commands.deals import show as opp_show
from commands.deals import transitions
from commands.deals.cards import Card
from commands.i18n import t
from storage.db import Database
from storage.models import Opportunity, Status

# (session, actor, the deal, the version the clicked card showed) → what happened
Change = Callable[[Session, Actor, Opportunity, int | None], transitions.Outcome]


@dataclass(frozen=True)
class Changed:
    card: Card
    note: str
    outcome: transitions.Outcome | None  # None: stale or raced, nothing was changed


def outcome_text(actor: Actor, outcome: transitions.Outcome) -> str:
    """What happened, in the user's words; stage names are user text, so escaped."""
    params = {k: _shown(v, actor.lang) for k, v in outcome.params.items()}
    return t(actor.lang, outcome.key, **params)


def _shown(value: str | int | date, lang: str) -> str | int:
    if isinstance(value, date):
        return fmt.day(value, lang)
    return fmt.escape(value) if isinstance(value, str) else value


def current_card(db: Database, actor: Actor, number: int) -> Card:
    with db.reading() as session:
        deal = opp_show.find(session=session, actor=actor, ref=str(number))
        return opp_show.full_card(session=session, actor=actor, opportunity=deal)


def run_change(
    db: Database, actor: Actor, number: int, change: Change, version: int | None
) -> Changed:
    """Apply one change; a stale or raced click answers with the current card instead."""
    try:
        with db.transaction() as session:
            deal = opp_show.find(session=session, actor=actor, ref=str(number))
            outcome = change(session, actor, deal, version)
            session.flush()
            card = opp_show.full_card(session=session, actor=actor, opportunity=deal)
        return Changed(card, outcome_text(actor, outcome), outcome)
    except (transitions.Stale, StaleDataError) as stale:
        key = "move.stale" if isinstance(stale, transitions.Stale) else "move.conflict"
        card = current_card(db, actor, number)
        stage = card.stage.name
        if card.status != Status.OPEN:
            stage = t(actor.lang, f"status.{card.status}")
        return Changed(card, t(actor.lang, key, number=number, stage=fmt.escape(stage)), None)


def redraw(
    body: dict[str, Any],
    respond: Respond,
    actor: Actor,
    card: Card,
    note: str,
    *,
    ephemeral: bool = True,
) -> None:
    """The deal's lines replaced in the message that was clicked, with `note` above them.

    A card answered to a slash command is ephemeral; a nudge is a plain message of the bot's.
    """
    blocks = (body.get("message") or {}).get("blocks")
    redrawn = opportunity.replace_card(blocks, card.number, card, actor.lang, actor.tz, note)
    kind = "ephemeral" if ephemeral else None
    respond(text=note, blocks=redrawn, replace_original=True, response_type=kind)


def snooze_until(until: date) -> Change:
    def change(
        session: Session, actor: Actor, deal: Opportunity, version: int | None
    ) -> transitions.Outcome:
        return opp_edit.snooze(
            session=session, actor=actor, opportunity=deal, until=until, expected_version=version
        )

    return change


def close_on(day: date) -> Change:
    def change(
        session: Session, actor: Actor, deal: Opportunity, version: int | None
    ) -> transitions.Outcome:
        return opp_edit.apply(
            session=session,
            actor=actor,
            opportunity=deal,
            changes=opp_edit.Changes(close_date=day),
            expected_version=version,
        )

    return change
