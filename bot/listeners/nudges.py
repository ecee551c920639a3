"""The nudge's own controls (new close date, snooze), and the follow-ups' Done button.

The card's buttons on a nudge (advance, stage, won, lost, menu, open) are the card listeners';
like them, these ack at once, change the deal in one transaction, and redraw the deal's lines
in place in the same message, with a line saying what happened.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import format as fmt
from bot.home import refresh_homes
from bot.ids import Nudge, parse_nudge_block
from bot.listeners.errors import after_ack
from bot.services import Services
from bot.views import nudges as nudge_views
from bot.views import opportunity
from commands import followups, opp_edit, opp_show
from commands.context import Actor
from commands.errors import InvalidInput
from commands.i18n import t
from commands.opp_snooze import MAX_DAYS
from commands.parsing import parse_close_date


def snooze_date(picked: str, today: date) -> date:
    """A picked "snooze until" date: after today, within a year."""
    try:
        until = date.fromisoformat(picked)
    except ValueError:
        raise InvalidInput("nudge.snooze_invalid", text=picked[:20], max=MAX_DAYS) from None
    if not today < until <= today + timedelta(days=MAX_DAYS):
        raise InvalidInput("nudge.snooze_invalid", text=picked[:20], max=MAX_DAYS)
    return until


def register(app: App, services: Services) -> None:
    guard = after_ack(services)
    db = services.db

    def redraw(
        body: dict[str, Any], respond: Respond, actor: Actor, number: int, note: str
    ) -> None:
        with db.reading() as session:
            deal = opp_show.find(session=session, actor=actor, ref=str(number))
            card = opp_show.full_card(session=session, actor=actor, opportunity=deal)
        blocks = (body.get("message") or {}).get("blocks")
        redrawn = opportunity.replace_card(blocks, number, card, actor.lang, actor.tz, note)
        respond(text=note, blocks=redrawn, replace_original=True)

    def snooze(actor: Actor, number: int, until: date) -> str:
        with db.transaction() as session:
            deal = opp_show.find(session=session, actor=actor, ref=str(number))
            opp_edit.snooze(session=session, actor=actor, opportunity=deal, until=until)
        return t(actor.lang, "move.snoozed", number=number, date=fmt.day(until, actor.lang))

    @app.action(Nudge.CLOSE_DATE)
    @guard
    def new_close_date(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: dict[str, Any],
    ) -> None:
        ack()
        actor: Actor = context["actor"]
        number = parse_nudge_block(str(action.get("block_id", "")))
        picked = parse_close_date(str(action.get("selected_date") or ""), today=actor.today)
        with db.transaction() as session:
            deal = opp_show.find(session=session, actor=actor, ref=str(number))
            opp_edit.apply(
                session=session,
                actor=actor,
                opportunity=deal,
                changes=opp_edit.Changes(close_date=picked),
            )
            owner = deal.owner_id
        note = t(
            actor.lang, "nudge.close_date_set", number=number, date=fmt.day(picked, actor.lang)
        )
        redraw(body, respond, actor, number, note)
        refresh_homes(services, client, actor.team_id, (owner, actor.user_id))

    @app.action(Nudge.SNOOZE)
    @guard
    def snooze_for(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        context: dict[str, Any],
    ) -> None:
        ack()
        actor: Actor = context["actor"]
        days, _, number = str((action.get("selected_option") or {}).get("value", "")).partition(":")
        if not (days.isdigit() and number.isdigit()) or not 1 <= int(days) <= MAX_DAYS:
            raise InvalidInput("opp.ref_invalid", ref=number[:40])
        note = snooze(actor, int(number), actor.today + timedelta(days=int(days)))
        redraw(body, respond, actor, int(number), note)

    @app.action(Nudge.SNOOZE_UNTIL)
    @guard
    def snooze_until(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        context: dict[str, Any],
    ) -> None:
        ack()
        actor: Actor = context["actor"]
        number = parse_nudge_block(str(action.get("block_id", "")))
        until = snooze_date(str(action.get("selected_date") or ""), actor.today)
        redraw(body, respond, actor, number, snooze(actor, number, until))

    @app.action(Nudge.FOLLOWUP_DONE)
    @guard
    def followup_done(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        context: dict[str, Any],
    ) -> None:
        ack()
        actor: Actor = context["actor"]
        value = str(action.get("value", ""))
        if not value.isdigit():
            raise InvalidInput("opp.ref_invalid", ref=value[:40])
        with db.transaction() as session:
            done = followups.done(session=session, actor=actor, followup_id=int(value))
        message = body.get("message") or {}
        blocks = nudge_views.followup_done(message.get("blocks"), done, actor.lang)
        respond(text=message.get("text") or "", blocks=blocks, replace_original=True)
