"""Buttons and menus on messages."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.ids import Action
from bot.listeners.errors import after_ack
from bot.services import Services
from bot.views import modal, opportunity
from commands.context import Actor
from commands.deals import new as opp_new
from commands.deals import show as opp_show


def register(app: App, services: Services) -> None:
    guard = after_ack(services)
    db = services.db

    @app.action(Action.SHOW)
    @guard
    def show(ack: Ack, action: dict[str, Any], respond: Respond, context: dict[str, Any]) -> None:
        ack()
        actor: Actor = context["actor"]
        with db.reading() as session:
            card = opp_show.handle(session=session, actor=actor, text=action.get("value", ""))
        respond(**opportunity.card_message(card, actor.lang, actor.tz), replace_original=False)

    @app.action(Action.OPEN_NEW)
    @guard
    def open_new(
        ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]
    ) -> None:
        actor: Actor = context["actor"]
        with db.reading() as session:
            choices = opp_new.choices(session=session, actor=actor)
        ack()
        metadata = {
            "channel": (body.get("channel") or {}).get("id", ""),
            "response_url": body.get("response_url", ""),
        }
        client.views_open(
            trigger_id=body["trigger_id"],
            view=modal.new_opportunity(choices, opp_new.Prefill(), actor.lang, metadata=metadata),
        )
