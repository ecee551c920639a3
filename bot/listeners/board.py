"""`/pipeline` and paging through a stage."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.ids import Action, Command
from bot.listeners.errors import after_ack
from bot.services import Services
from bot.views import board as board_views
from commands import pipeline
from commands.context import Actor
from commands.errors import InvalidInput


def _page_value(value: str) -> tuple[int, int, str]:
    stage, _, rest = value.partition(":")
    offset, _, text = rest.partition(":")
    if not stage.isdigit() or not offset.isdigit():
        raise InvalidInput("opp.stage_invalid")
    return int(stage), int(offset), text


def register(app: App, services: Services) -> None:
    guard = after_ack(services)
    db = services.db

    @app.command(Command.PIPELINE)
    @guard
    def pipeline_command(ack: Ack, command: dict[str, Any], context: dict[str, Any]) -> None:
        actor: Actor = context["actor"]
        with db.reading() as session:
            result = pipeline.board(session=session, actor=actor, text=command.get("text", ""))
        ack(**board_views.board_message(result, actor.lang))

    def page(ack: Ack, value: str, respond: Respond, actor: Actor) -> None:
        ack()
        stage_id, offset, text = _page_value(value)
        with db.reading() as session:
            result = pipeline.stage_page(
                session=session, actor=actor, text=text, stage_id=stage_id, offset=offset
            )
        respond(**board_views.stage_page_message(result, actor.lang), replace_original=False)

    @app.action(Action.BOARD_PAGE)
    @guard
    def board_page(
        ack: Ack, action: dict[str, Any], respond: Respond, context: dict[str, Any]
    ) -> None:
        page(ack, str(action.get("value", "")), respond, context["actor"])

    @app.action(Action.BOARD_STAGE)
    @guard
    def board_stage(
        ack: Ack, action: dict[str, Any], respond: Respond, context: dict[str, Any]
    ) -> None:
        picked = (action.get("selected_option") or {}).get("value", "")
        page(ack, str(picked), respond, context["actor"])
