"""The App Home tab: opened, scope picked by a manager, shortcuts to the board and forecast."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.home import publish_home
from bot.ids import Action
from bot.listeners.errors import after_ack
from bot.services import Services
from bot.views import board as board_views
from bot.views import forecast as forecast_views
from commands.context import Actor
from commands.reports import board as pipeline
from commands.reports import forecast


def _scope_text(selected: str) -> str:
    if selected == "team":
        return "team"
    return f"<@{selected}>" if selected and selected != "me" else ""


def register(app: App, services: Services) -> None:
    guard = after_ack(services)
    db = services.db

    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
        if event.get("tab") != "home":
            return
        selected = ""
        view = event.get("view") or {}
        if view.get("private_metadata"):
            selected = str(json.loads(view["private_metadata"]).get("selected") or "")
        publish_home(services, client, context["team_id"], context["user_id"], selected)

    @app.action(Action.HOME_SCOPE)
    @guard
    def home_scope(
        ack: Ack, action: dict[str, Any], client: WebClient, context: dict[str, Any]
    ) -> None:
        ack()
        actor: Actor = context["actor"]
        picked = str((action.get("selected_option") or {}).get("value") or "")
        publish_home(
            services, client, actor.team_id, actor.user_id, "" if picked == "me" else picked
        )

    @app.action(Action.HOME_PIPELINE)
    @guard
    def home_pipeline(
        ack: Ack, action: dict[str, Any], client: WebClient, context: dict[str, Any]
    ) -> None:
        ack()
        actor: Actor = context["actor"]
        with db.reading() as session:
            result = pipeline.board(
                session=session, actor=actor, text=_scope_text(str(action.get("value") or ""))
            )
        answer = board_views.board_message(result, actor.lang)
        client.chat_postMessage(channel=actor.user_id, text=answer["text"], blocks=answer["blocks"])

    @app.action(Action.HOME_FORECAST)
    @guard
    def home_forecast(
        ack: Ack, action: dict[str, Any], client: WebClient, context: dict[str, Any]
    ) -> None:
        ack()
        actor: Actor = context["actor"]
        with db.reading() as session:
            result = forecast.forecast(
                session=session, actor=actor, text=_scope_text(str(action.get("value") or ""))
            )
        answer = forecast_views.forecast_message(result, actor.lang)
        client.chat_postMessage(channel=actor.user_id, text=answer["text"], blocks=answer["blocks"])
