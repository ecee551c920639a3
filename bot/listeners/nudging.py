"""The nudge's own controls (new close date, snooze), and the follow-ups' Done button.

The card's buttons on a nudge (advance, stage, won, lost, menu, open) are the card listeners';
like them (`bot.listeners.deal_changes`), these ack at once, change the deal in one transaction,
and redraw the deal's lines in place in the same message, with a line saying what happened.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot import format as fmt
from bot.home import refresh_homes
from bot.ids import Nudge, parse_nudge_block, parse_snooze_value
from bot.listeners.deal_changes import Change, close_on, redraw, run_change, snooze_until
from bot.listeners.table import Listeners
from bot.payloads import payload_id
from bot.services import Services
from bot.views import nudging as nudge_views
from commands.context import Actor
from commands.deals import snooze as opp_snooze
from commands.i18n import t
from commands.nudging import followups
from commands.parsing import parse_close_date


def change_and_redraw(
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    actor: Actor,
    services: Services,
    number: int,
    change: Change,
    note: str | None = None,
) -> None:
    """`note` (else the change's own) says what was done; a stale or raced click gets the
    current card instead."""
    done = run_change(services.db, actor, number, change, None)
    shown = note if note is not None and done.outcome is not None else done.note
    redraw(body, respond, actor, done.card, shown, ephemeral=False)
    refresh_homes(services, client, actor.team_id, (done.card.owner_id, actor.user_id))


def new_close_date(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    actor: Actor,
    services: Services,
) -> None:
    ack()
    number = parse_nudge_block(str(action.get("block_id", "")))
    picked = parse_close_date(str(action.get("selected_date") or ""), today=actor.today)
    day = fmt.day(picked, actor.lang)
    note = t(actor.lang, "nudge.close_date_set", number=number, date=day)
    change_and_redraw(body, respond, client, actor, services, number, close_on(picked), note)


def snooze_for(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    actor: Actor,
    services: Services,
) -> None:
    """3 / 7 / 14 days: the option's value is "<days>:<number>"."""
    ack()
    value = str((action.get("selected_option") or {}).get("value", ""))
    days, number = parse_snooze_value(value, max_days=opp_snooze.MAX_DAYS)
    until = snooze_until(opp_snooze.after_days(days, today=actor.today))
    change_and_redraw(body, respond, client, actor, services, number, until)


def snooze_to(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    actor: Actor,
    services: Services,
) -> None:
    ack()
    number = parse_nudge_block(str(action.get("block_id", "")))
    until = opp_snooze.snooze_until(str(action.get("selected_date") or ""), today=actor.today)
    change_and_redraw(body, respond, client, actor, services, number, snooze_until(until))


def followup_done(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    actor: Actor,
    services: Services,
) -> None:
    ack()
    followup_id = payload_id(str(action.get("value", "")))
    with services.db.transaction() as session:
        done = followups.done(session=session, actor=actor, followup_id=followup_id)
    message = body.get("message") or {}
    blocks = nudge_views.followup_done(message.get("blocks"), done, actor.lang)
    respond(text=message.get("text") or "", blocks=blocks, replace_original=True)


LISTENERS = Listeners(
    actions={
        Nudge.CLOSE_DATE: new_close_date,
        Nudge.SNOOZE: snooze_for,
        Nudge.SNOOZE_UNTIL: snooze_to,
        Nudge.FOLLOWUP_DONE: followup_done,
    }
)
