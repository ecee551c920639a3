"""A click that changes one deal, then its card redrawn in place: shared by the card's buttons,
the nudge's controls and `/opp`; and what follows a change (the note, the win announcement).

The change runs in one transaction; a click on a stale card (or one that lost a race with
another click) changes nothing and answers with the current card and a line saying so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot import delivery, planning
from bot import format as fmt
from bot.home import publish_home, refresh_homes
from bot.listeners.replies import HOME, home_selected, in_home, reply
from bot.services import Services
from bot.views import deals as deal_views
from commands.context import Actor
from commands.deals import Card, transitions
from commands.deals import edit as opp_edit
from commands.deals import show as opp_show
from commands.errors import ConcurrentEdit, InvalidInput
from commands.i18n import t
from storage import queries
from storage.db import Database
from storage.models import Opportunity, Status

log = logging.getLogger(__name__)

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


def edited_note(actor: Actor, outcome: transitions.Outcome) -> str:
    """ "#12 edited: amount, close date", the fields in the user's words."""
    if not outcome.changed:
        return outcome_text(actor, outcome)
    fields = ", ".join(
        t(actor.lang, f"field.{f}") for f in str(outcome.params["fields"]).split(",")
    )
    return t(actor.lang, "move.edited", number=outcome.params["number"], fields=fields)


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
    except (transitions.Stale, ConcurrentEdit) as stale:
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
    redrawn = deal_views.replace_card(blocks, card.number, card, actor.lang, actor.tz, note)
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


def to_stage(stage_id: int) -> Change:
    def change(
        session: Session, actor: Actor, deal: Opportunity, version: int | None
    ) -> transitions.Outcome:
        stage = queries.get_stage(session=session, team_id=actor.team_id, stage_id=stage_id)
        if stage is None:
            raise InvalidInput("opp.stage_invalid")
        return transitions.move(
            session=session, actor=actor, opportunity=deal, stage=stage, expected_version=version
        )

    return change


def lose_for(reason: str) -> Change:
    def change(
        session: Session, actor: Actor, deal: Opportunity, version: int | None
    ) -> transitions.Outcome:
        return transitions.lose(
            session=session, actor=actor, opportunity=deal, reason=reason, expected_version=version
        )

    return change


CHANGES: dict[str, Change] = {
    "advance": lambda s, a, d, v: transitions.advance(
        session=s, actor=a, opportunity=d, expected_version=v
    ),
    "won": lambda s, a, d, v: transitions.win(
        session=s, actor=a, opportunity=d, expected_version=v
    ),
    "reopen": lambda s, a, d, v: transitions.reopen(
        session=s, actor=a, opportunity=d, expected_version=v
    ),
}


def send_card(
    client: WebClient, response_url: str | None, actor: Actor, card: Card, note: str
) -> None:
    """After a modal: the updated card where the rep clicked (else in their DM)."""
    blocks = [
        deal_views.note_block(card.number, note),
        *deal_views.full_card(card, actor.lang, actor.tz),
    ]
    reply(client, actor.user_id, {"text": note, "blocks": blocks}, response_url=response_url)


def answer_click(
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    actor: Actor,
    services: Services,
    card: Card,
    note: str,
) -> None:
    """A card's click answered wherever the card was: redrawn in its message, else the Home
    republished with `note` on top, else (a modal) the card in the DM; then the other Homes
    showing the deal refreshed."""
    if respond.response_url:
        redraw(body, respond, actor, card, note)
    elif in_home(body):
        publish_home(services, client, actor.team_id, actor.user_id, home_selected(body), note=note)
    else:
        send_card(client, None, actor, card, note)
    _refresh_others(services, client, actor, card, republished=in_home(body))


def answer_submission(
    meta: dict[str, Any], client: WebClient, actor: Actor, services: Services, card: Card, note: str
) -> None:
    """After a modal opened from a card: the Home it was opened from republished with `note`,
    else the card where the rep clicked (its `response_url`), else in their DM."""
    home = meta.get("where") == HOME
    if home:
        selected = str(meta.get("selected") or "")
        publish_home(services, client, actor.team_id, actor.user_id, selected, note=note)
    else:
        send_card(client, meta.get("response_url"), actor, card, note)
    _refresh_others(services, client, actor, card, republished=home)


def _refresh_others(
    services: Services, client: WebClient, actor: Actor, card: Card, *, republished: bool
) -> None:
    """The Homes showing the deal refreshed: the owner's, and the actor's unless it was just
    republished with the note (refreshing it again would wipe the note)."""
    users = [card.owner_id, actor.user_id]
    if republished:
        users = [u for u in users if u != actor.user_id]
    refresh_homes(services, client, actor.team_id, users)


def show_card(
    body: dict[str, Any], client: WebClient, actor: Actor, services: Services, card: Card
) -> None:
    """ "Show": the full card where the click was (ephemeral), else in the DM — and a Home
    clicked in says where it went."""
    message = deal_views.card_message(card, actor.lang, actor.tz)
    url = body.get("response_url")
    reply(client, actor.user_id, message, response_url=url, replace_original=False)
    if in_home(body) and not body.get("response_url"):
        note = t(actor.lang, "home.card_sent", number=card.number)
        publish_home(services, client, actor.team_id, actor.user_id, home_selected(body), note=note)


def announce(services: Services, client: WebClient, actor: Actor, card: Card) -> None:
    """A win is celebrated in the channel the admin picked, with the amount and the rep.

    Through the outbox, like nudges: Slack's 429s and 5xx are retried instead of losing the
    announcement, and its key (the deal, the version the win gave it) posts it once.
    """
    with services.db.transaction() as session:
        workspace = queries.get_workspace(session=session, team_id=actor.team_id)
        if workspace is None or not workspace.announce_channel:
            return
        channel, lang = workspace.announce_channel, workspace.language
        text = t(
            lang,
            "move.announce",
            owner=card.owner_id,
            number=card.number,
            account=fmt.escape(card.account),
            amount=fmt.money(card.amount_minor, card.currency, lang),
        )
        planning.plan_announcement(
            session=session,
            team_id=actor.team_id,
            channel=channel,
            number=card.number,
            version=card.version,
            text=text,
            now=actor.now,
        )
    settings = services.settings
    delivery.deliver_soon(
        services.db,
        token=settings.bot_token,
        base_url=settings.slack_api_url,
        clock=services.clock,
        kinds=(planning.ANNOUNCEMENT,),
    )
