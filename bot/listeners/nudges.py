"""The nudge's own controls (new close date, snooze), and the follow-ups' Done button.

The card's buttons on a nudge (advance, stage, won, lost, menu, open) are the card listeners';
like them (`bot.listeners.changes`), these ack at once, change the deal in one transaction, and
redraw the deal's lines in place in the same message, with a line saying what happened.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import format as fmt
from bot.home import refresh_homes
from bot.ids import Nudge, parse_nudge_block
from bot.listeners.changes import Change, close_on, redraw, run_change, snooze_until
from bot.listeners.errors import after_ack
from bot.services import Services
from bot.views import nudges as nudge_views
from commands.context import Actor
from commands.deals import snooze as opp_snooze
from commands.deals.snooze import MAX_DAYS
from commands.errors import InvalidInput
from commands.i18n import t
from commands.nudging import followups
from commands.parsing import parse_close_date


def register(app: App, services: Services) -> None:
    guard = after_ack(services)
    db = services.db

    def change_and_redraw(
        body: dict[str, Any],
        respond: Respond,
        client: WebClient,
        actor: Actor,
        number: int,
        change: Change,
        note: str | None = None,
    ) -> None:
        """`note` (else the change's own) says what was done; a stale or raced click gets the
        current card instead."""
        done = run_change(db, actor, number, change, None)
        shown = note if note is not None and done.outcome is not None else done.note
        redraw(body, respond, actor, done.card, shown, ephemeral=False)
        refresh_homes(services, client, actor.team_id, (done.card.owner_id, actor.user_id))

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
        note = t(
            actor.lang, "nudge.close_date_set", number=number, date=fmt.day(picked, actor.lang)
        )
        change_and_redraw(body, respond, client, actor, number, close_on(picked), note)

    @app.action(Nudge.SNOOZE)
    @guard
    def snooze_for(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: dict[str, Any],
    ) -> None:
        ack()
        actor: Actor = context["actor"]
        days, _, number = str((action.get("selected_option") or {}).get("value", "")).partition(":")
        if not (days.isdigit() and number.isdigit()) or not 1 <= int(days) <= MAX_DAYS:
            raise InvalidInput("opp.ref_invalid", ref=number[:40])
        until = actor.today + timedelta(days=int(days))
        change_and_redraw(body, respond, client, actor, int(number), snooze_until(until))

    @app.action(Nudge.SNOOZE_UNTIL)
    @guard
    def snooze_to(
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
        until = opp_snooze.snooze_until(str(action.get("selected_date") or ""), today=actor.today)
        change_and_redraw(body, respond, client, actor, number, snooze_until(until))

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
