"""The card's buttons: advance, stage picker, won, lost, reopen, and the overflow menu.

A click acks at once, then changes the deal in one transaction and redraws the card in place
(the same message) with a line saying what happened. A click on a stale card changes nothing
and redraws the current card; two racing clicks move the deal once (optimistic locking).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bot import format as fmt
from bot.home import refresh_homes
from bot.ids import Action, Block, Callback, Menu, parse_card_value
from bot.listeners.changes import (
    Change,
    current_card,
    outcome_text,
    redraw,
    run_change,
    snooze_until,
)
from bot.listeners.errors import after_ack, error_text
from bot.services import Services
from bot.views import modal, opportunity
from commands.context import Actor
from commands.deals import edit as opp_edit
from commands.deals import new as opp_new
from commands.deals import show as opp_show
from commands.deals import transitions
from commands.deals.cards import Card
from commands.errors import DomainError, FormInvalid, InvalidInput
from commands.i18n import t
from commands.parsing import parse_amount, parse_close_date
from commands.permissions import check_can_change
from storage import queries
from storage.models import Opportunity

log = logging.getLogger(__name__)


def register(app: App, services: Services) -> None:
    guard = after_ack(services)
    db = services.db

    def clicked(kind: str) -> Callable[..., None]:
        def listener(
            ack: Ack,
            body: dict[str, Any],
            action: dict[str, Any],
            respond: Respond,
            client: WebClient,
            context: dict[str, Any],
        ) -> None:
            ack()
            actor: Actor = context["actor"]
            raw = action.get("value") or (action.get("selected_option") or {}).get("value", "")
            change: Change
            if kind == "stage":
                stage_id, _, rest = str(raw).partition(":")
                number, version = parse_card_value(rest)
                change = _to_stage(int(stage_id) if stage_id.isdigit() else 0)
            else:
                number, version = parse_card_value(str(raw))
                change = CHANGES[kind]
            done = run_change(db, actor, number, change, version)
            redraw(body, respond, actor, done.card, done.note)
            refresh_homes(services, client, actor.team_id, (done.card.owner_id, actor.user_id))
            if kind == "won" and done.outcome is not None and done.outcome.changed:
                announce(services, client, actor, done.card)

        return listener

    app.action(Action.ADVANCE)(guard(clicked("advance")))
    app.action(Action.STAGE)(guard(clicked("stage")))
    app.action(Action.WON)(guard(clicked("won")))
    app.action(Action.REOPEN)(guard(clicked("reopen")))

    @app.action(Action.LOST)
    @guard
    def lost(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        context: dict[str, Any],
    ) -> None:
        actor: Actor = context["actor"]
        number, version = parse_card_value(str(action.get("value", "")))
        open_lost(ack, body, client, actor, number, version)

    def open_lost(
        ack: Ack,
        body: dict[str, Any],
        client: WebClient,
        actor: Actor,
        number: int,
        version: int | None,
    ) -> None:
        """The "Lost" modal: opened before any slow work, the trigger expires in 3 s."""
        with db.reading() as session:
            deal = opp_show.find(session=session, actor=actor, ref=str(number))
            check_can_change(session=session, actor=actor, opportunity=deal)
            card = opp_show.full_card(session=session, actor=actor, opportunity=deal)
            reasons = [
                r.label for r in queries.lost_reasons(session=session, team_id=actor.team_id)
            ]
        ack()
        metadata = {
            "number": number,
            "version": version,
            "response_url": body.get("response_url", ""),
        }
        client.views_open(
            trigger_id=body["trigger_id"],
            view=modal.lost_modal(card, reasons, actor.lang, metadata=metadata),
        )

    @app.view(Callback.LOST)
    @guard
    def lost_submitted(
        ack: Ack, view: dict[str, Any], client: WebClient, context: dict[str, Any]
    ) -> None:
        actor: Actor = context["actor"]
        metadata = json.loads(view.get("private_metadata") or "{}")
        state = view.get("state", {}).get("values", {})
        picked = (state.get(Block.LOST_REASON, {}).get(Block.LOST_REASON) or {}).get(
            "selected_option"
        ) or {}
        detail = (state.get(Block.LOST_DETAIL, {}).get(Block.LOST_DETAIL) or {}).get("value")
        reason = " — ".join(p for p in (picked.get("value"), (detail or "").strip()) if p)
        if not picked.get("value"):
            message = t(actor.lang, "move.lost_reason_required")
            ack(response_action="errors", errors={Block.LOST_REASON: message})
            return
        ack()

        def lose(session: Session, a: Actor, deal: Opportunity, v: int | None) -> Any:
            return transitions.lose(
                session=session, actor=a, opportunity=deal, reason=reason, expected_version=v
            )

        done = run_change(db, actor, int(metadata["number"]), lose, metadata.get("version"))
        _send(client, metadata.get("response_url"), actor, done.card, done.note)
        refresh_homes(services, client, actor.team_id, (done.card.owner_id, actor.user_id))

    @app.action(Action.MENU)
    @guard
    def menu(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: dict[str, Any],
    ) -> None:
        actor: Actor = context["actor"]
        choice, _, rest = str((action.get("selected_option") or {}).get("value", "")).partition(":")
        number, version = parse_card_value(rest)
        if choice == Menu.LOST:
            open_lost(ack, body, client, actor, number, version)
            return
        if choice == Menu.EDIT:
            with db.reading() as session:
                deal = opp_show.find(session=session, actor=actor, ref=str(number))
                check_can_change(session=session, actor=actor, opportunity=deal)
                card = opp_show.full_card(session=session, actor=actor, opportunity=deal)
                choices = opp_new.choices(session=session, actor=actor)
            ack()
            metadata = {
                "number": number,
                "version": version,
                "response_url": body.get("response_url", ""),
            }
            client.views_open(
                trigger_id=body["trigger_id"],
                view=modal.edit_modal(card, choices, actor.lang, metadata=metadata),
            )
            return
        ack()
        if choice == Menu.SNOOZE:
            until = actor.today + timedelta(days=7)
            done = run_change(db, actor, number, snooze_until(until), version)
        elif choice in (Menu.REOPEN, Menu.ADVANCE, Menu.WON):
            done = run_change(db, actor, number, CHANGES[choice], version)
            if choice == Menu.WON and done.outcome is not None and done.outcome.changed:
                announce(services, client, actor, done.card)
        elif choice == Menu.SHOW:
            card = current_card(db, actor, number)
            respond(**opportunity.card_message(card, actor.lang, actor.tz), replace_original=False)
            return
        else:
            raise InvalidInput("opp.ref_invalid", ref=choice[:40])
        redraw(body, respond, actor, done.card, done.note)
        refresh_homes(services, client, actor.team_id, (done.card.owner_id, actor.user_id))

    @app.view(Callback.EDIT)
    @guard
    def edit_submitted(
        ack: Ack, view: dict[str, Any], client: WebClient, context: dict[str, Any]
    ) -> None:
        actor: Actor = context["actor"]
        metadata = json.loads(view.get("private_metadata") or "{}")
        number = int(metadata["number"])
        try:
            with db.transaction() as session:
                deal = opp_show.find(session=session, actor=actor, ref=str(number))
                changes = edit_changes(session, actor, deal, view)
                outcome = opp_edit.apply(
                    session=session,
                    actor=actor,
                    opportunity=deal,
                    changes=changes,
                    expected_version=metadata.get("version"),
                )
                session.flush()
                card = opp_show.full_card(session=session, actor=actor, opportunity=deal)
            note = edited_note(actor, outcome)
        except FormInvalid as invalid:
            ack(
                response_action="errors",
                errors={
                    name: error_text(error, actor.lang) for name, error in invalid.errors.items()
                },
            )
            return
        except (transitions.Stale, StaleDataError):
            ack(
                response_action="errors",
                errors={Block.TITLE: t(actor.lang, "move.conflict", number=number)},
            )
            return
        ack()
        _send(client, metadata.get("response_url"), actor, card, note)
        refresh_homes(services, client, actor.team_id, (card.owner_id, actor.user_id))


def _to_stage(stage_id: int) -> Change:
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


def edit_changes(
    session: Session, actor: Actor, deal: Opportunity, view: dict[str, Any]
) -> opp_edit.Changes:
    """The edit modal's state as changes; only fields that differ are validated and applied."""
    state = view.get("state", {}).get("values", {})

    def value(block: str) -> dict[str, Any]:
        found = state.get(block, {}).get(block)
        return found if isinstance(found, dict) else {}

    changes = opp_edit.Changes()
    errors: dict[str, DomainError] = {}
    title = (value(Block.TITLE).get("value") or "").strip()
    if title and title != deal.title:
        changes.title = title[: opp_new.MAX_TITLE]
    try:
        amount = parse_amount(value(Block.AMOUNT).get("value") or "")
        opp_new.check_currency(session=session, actor=actor, amount=amount)
        changes.amount_minor = amount.minor
    except DomainError as error:
        errors[Block.AMOUNT] = error
    picked = value(Block.CLOSE_DATE).get("selected_date")
    if picked and picked != deal.close_date.isoformat():
        try:
            changes.close_date = parse_close_date(picked, today=actor.today)
        except DomainError as error:
            errors[Block.CLOSE_DATE] = error
    stage_id = str((value(Block.STAGE).get("selected_option") or {}).get("value") or "")
    if stage_id.isdigit() and int(stage_id) != deal.stage_id:
        stage = queries.get_stage(session=session, team_id=actor.team_id, stage_id=int(stage_id))
        if stage is None or stage.removed_at is not None:
            errors[Block.STAGE] = InvalidInput("opp.stage_invalid")
        else:
            changes.stage = stage
    probability = (value(Block.PROBABILITY).get("value") or "").replace("%", "").strip()
    if not probability:
        changes.probability_auto = True
    elif probability.isdigit() and 0 <= int(probability) <= 100:
        changes.probability = int(probability)
    else:
        errors[Block.PROBABILITY] = InvalidInput("edit.probability_invalid", value=probability[:20])
    for name, block in (("origin", Block.ORIGIN), ("product", Block.PRODUCT)):
        text = (value(block).get("value") or "").strip()
        setattr(changes, name, text[: opp_new.MAX_FREE] if text else None)
    step = (value(Block.NEXT_STEP).get("value") or "").strip()
    step_date = value(Block.NEXT_STEP_DATE).get("selected_date")
    if step:
        changes.next_step = step[: opp_new.MAX_NEXT_STEP]
        changes.next_step_date = date.fromisoformat(step_date) if step_date else None
    elif deal.next_step:
        changes.clear_next_step = True
    picked_checks = value(Block.QUALIFICATION).get("selected_options") or []
    changes.qualification = frozenset(str(o.get("value")) for o in picked_checks)
    if errors:
        raise FormInvalid(errors)
    return changes


def edited_note(actor: Actor, outcome: transitions.Outcome) -> str:
    if not outcome.changed:
        return outcome_text(actor, outcome)
    fields = ", ".join(
        t(actor.lang, f"field.{f}") for f in str(outcome.params["fields"]).split(",")
    )
    return t(actor.lang, "move.edited", number=outcome.params["number"], fields=fields)


def _send(client: WebClient, response_url: str | None, actor: Actor, card: Card, note: str) -> None:
    """After a modal: the updated card where the rep clicked (else in their DM)."""
    blocks = [
        opportunity.note_block(card.number, note),
        *opportunity.full_card(card, actor.lang, actor.tz),
    ]
    if response_url:
        sent = WebhookClient(response_url).send(text=note, blocks=blocks, response_type="ephemeral")
        if sent.status_code == 200:
            return
    client.chat_postMessage(channel=actor.user_id, text=note, blocks=blocks)


def announce(services: Services, client: WebClient, actor: Actor, card: Card) -> None:
    """A win is celebrated in the channel the admin picked, with the amount and the rep."""
    with services.db.reading() as session:
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
    try:
        client.chat_postMessage(channel=channel, text=text)
    except SlackApiError as error:  # e.g. the bot was removed from the channel
        log.warning("win announcement to %s failed: %s", channel, error.response.get("error"))
    except Exception:  # a timeout: the deal is won and its card redrawn all the same
        log.warning("win announcement to %s failed", channel, exc_info=True)
