"""Modal submissions."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.home import refresh_homes
from bot.ids import Action, Block, Callback
from bot.listeners.errors import after_ack, error_text
from bot.services import Services
from bot.views import opportunity
from commands.context import Actor
from commands.deals import new as opp_new
from commands.errors import FormInvalid
from commands.i18n import t

log = logging.getLogger(__name__)


def _value(state: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    value = state.get(block, {}).get(action)
    return value if isinstance(value, dict) else {}


def new_opportunity_input(view: dict[str, Any]) -> opp_new.NewOpportunityInput:
    """Turn the modal's state into plain input, whatever the client sent (or left out)."""
    state = view.get("state", {}).get("values", {})

    def text(block: str) -> str:
        return str(_value(state, block, block).get("value") or "")

    def picked(block: str) -> str | None:
        return _value(state, block, block).get("selected_date") or None

    account = _value(state, Block.ACCOUNT, Action.ACCOUNT_SEARCH).get("selected_option") or {}
    stage = _value(state, Block.STAGE, Block.STAGE).get("selected_option") or {}
    checked = _value(state, Block.QUALIFICATION, Block.QUALIFICATION).get("selected_options")
    return opp_new.NewOpportunityInput(
        account=str(account.get("value") or ""),
        title=text(Block.TITLE),
        amount=text(Block.AMOUNT),
        close_date=picked(Block.CLOSE_DATE),
        stage_id=str(stage.get("value") or "") or None,
        origin=text(Block.ORIGIN),
        product=text(Block.PRODUCT),
        next_step=text(Block.NEXT_STEP),
        next_step_date=picked(Block.NEXT_STEP_DATE),
        qualification=frozenset(str(o.get("value")) for o in checked or []),
    )


def register(app: App, services: Services) -> None:
    guard = after_ack(services)

    @app.view(Callback.NEW_OPPORTUNITY)
    @guard
    def new_opportunity(
        ack: Ack, view: dict[str, Any], client: WebClient, context: dict[str, Any]
    ) -> None:
        actor: Actor = context["actor"]
        form = new_opportunity_input(view)
        try:
            with services.db.transaction() as session:
                card = opp_new.submit(session=session, actor=actor, form=form)
        except FormInvalid as invalid:
            ack(
                response_action="errors",
                errors={
                    field: error_text(error, actor.lang) for field, error in invalid.errors.items()
                },
            )
            return
        ack()
        note = t(actor.lang, "opp.created", number=card.number)
        answer = opportunity.card_message(card, actor.lang, actor.tz, note=note)
        metadata = json.loads(view.get("private_metadata") or "{}")
        _deliver(client, metadata.get("response_url"), actor.user_id, answer)
        refresh_homes(services, client, actor.team_id, (actor.user_id,))


def _deliver(
    client: WebClient, response_url: str | None, user_id: str, answer: dict[str, Any]
) -> None:
    """Show the card where the rep typed the command; else in their DM with the bot."""
    if response_url:
        sent = WebhookClient(response_url).send(
            text=answer["text"], blocks=answer["blocks"], response_type="ephemeral"
        )
        if sent.status_code == 200:
            return
        log.warning("response_url refused the card (%s); falling back to a DM", sent.status_code)
    client.chat_postMessage(channel=user_id, text=answer["text"], blocks=answer["blocks"])
