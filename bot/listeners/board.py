"""`/pipeline` and paging through a stage."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.ids import Action, Command
from bot.listeners import stats as stats_listeners
from bot.listeners.errors import after_ack
from bot.services import Services
from bot.uploads import send_png_to_dm, wants_chart
from bot.views import board as board_views
from bot.views import forecast as forecast_views
from commands.analytics import stats
from commands.context import Actor
from commands.errors import InvalidInput
from commands.i18n import t
from commands.reports import board as pipeline
from commands.reports import forecast


def _page_value(value: str) -> tuple[int, int, str]:
    stage, _, rest = value.partition(":")
    offset, _, text = rest.partition(":")
    if not stage.isdigit() or not offset.isdigit():
        raise InvalidInput("opp.stage_invalid")
    return int(stage), int(offset), text


def send_chart(client: WebClient, actor: Actor, result: forecast.Forecast) -> None:
    """The chart goes to the user's DM with the bot."""
    from bot.charts import forecast_png  # matplotlib loads only when a chart is asked for

    send_png_to_dm(
        client,
        actor.user_id,
        forecast_png(result, actor.lang),
        "forecast.png",
        t(actor.lang, "forecast.chart_title"),
        t(actor.lang, "forecast.chart_comment"),
    )


def register(app: App, services: Services) -> None:
    guard = after_ack(services)
    db = services.db

    @app.command(Command.PIPELINE)
    @guard
    def pipeline_command(
        ack: Ack,
        command: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: dict[str, Any],
    ) -> None:
        actor: Actor = context["actor"]
        stats_text = stats.stats_text(command.get("text", ""))
        if stats_text is not None:  # `/pipeline stats …`
            stats_listeners.answer_stats(
                services, ack=ack, respond=respond, client=client, actor=actor, text=stats_text
            )
            return
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

    @app.command(Command.FORECAST)
    @guard
    def forecast_command(
        ack: Ack, command: dict[str, Any], client: WebClient, context: dict[str, Any]
    ) -> None:
        actor: Actor = context["actor"]
        chart, text = wants_chart(command.get("text", ""))
        with db.reading() as session:
            result = forecast.forecast(session=session, actor=actor, text=text)
        ack(**forecast_views.forecast_message(result, actor.lang))
        if chart:
            send_chart(client, actor, result)

    @app.action(Action.FORECAST_CHART)
    @guard
    def forecast_chart(
        ack: Ack, action: dict[str, Any], client: WebClient, context: dict[str, Any]
    ) -> None:
        ack()
        actor: Actor = context["actor"]
        with db.reading() as session:
            result = forecast.forecast(
                session=session, actor=actor, text=str(action.get("value", ""))
            )
        send_chart(client, actor, result)

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
