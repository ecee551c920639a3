"""`/pipeline` (the board; `/pipeline stats` goes to `bot.listeners.analytics`), paging through a
stage, `/forecast` and its chart, and the App Home with its shortcuts to both."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.home import publish_home
from bot.ids import Action, Command
from bot.listeners import analytics
from bot.listeners.replies import dm
from bot.listeners.table import Listeners
from bot.payloads import small_int
from bot.services import Services
from bot.uploads import send_chart, wants_chart
from bot.views import board as board_views
from bot.views import forecast as forecast_views
from bot.views.blocks import typed_scope
from commands.analytics import stats
from commands.context import Actor
from commands.errors import InvalidInput
from commands.reports import board as pipeline
from commands.reports import forecast


def pipeline_command(
    ack: Ack,
    command: dict[str, Any],
    respond: Respond,
    client: WebClient,
    actor: Actor,
    services: Services,
) -> None:
    stats_text = stats.stats_text(command.get("text", ""))
    if stats_text is not None:  # `/pipeline stats …`
        analytics.answer_stats(stats_text, ack, respond, client, actor, services)
        return
    with services.db.reading() as session:
        result = pipeline.board(session=session, actor=actor, text=command.get("text", ""))
    ack(**board_views.board_message(result, actor.lang))


def _page_value(value: str) -> tuple[int, int, str]:
    stage, _, rest = value.partition(":")
    offset, _, text = rest.partition(":")
    stage_id, start = small_int(stage, low=1), small_int(offset)
    if stage_id is None or start is None:
        raise InvalidInput("opp.stage_invalid")
    return stage_id, start, text


def board_page(
    ack: Ack, action: dict[str, Any], respond: Respond, actor: Actor, services: Services
) -> None:
    """ "More" under a stage, or a stage picked: its next page of deals. The value is
    "<stage>:<offset>:<text>" (on a button, or on the picked option)."""
    ack()
    value = action.get("value") or (action.get("selected_option") or {}).get("value", "")
    stage_id, offset, text = _page_value(str(value))
    with services.db.reading() as session:
        result = pipeline.stage_page(
            session=session, actor=actor, text=text, stage_id=stage_id, offset=offset
        )
    respond(**board_views.stage_page_message(result, actor.lang), replace_original=False)


def send_forecast_chart(client: WebClient, actor: Actor, result: forecast.Forecast) -> None:
    from bot.charts import forecast_png  # matplotlib loads only when a chart is asked for

    send_chart(client, actor.user_id, forecast_png(result, actor.lang), "forecast", actor.lang)


def forecast_command(
    ack: Ack, command: dict[str, Any], client: WebClient, actor: Actor, services: Services
) -> None:
    chart, text = wants_chart(command.get("text", ""))
    with services.db.reading() as session:
        result = forecast.forecast(session=session, actor=actor, text=text)
    ack(**forecast_views.forecast_message(result, actor.lang))
    if chart:
        send_forecast_chart(client, actor, result)


def forecast_chart(
    ack: Ack, action: dict[str, Any], client: WebClient, actor: Actor, services: Services
) -> None:
    ack()
    text = typed_scope(str(action.get("value", "")))
    with services.db.reading() as session:
        result = forecast.forecast(session=session, actor=actor, text=text)
    send_forecast_chart(client, actor, result)


def home_opened(
    event: dict[str, Any], client: WebClient, context: dict[str, Any], services: Services
) -> None:
    if event.get("tab") != "home":
        return
    selected = ""
    view = event.get("view") or {}
    if view.get("private_metadata"):
        selected = str(json.loads(view["private_metadata"]).get("selected") or "")
    publish_home(services, client, context["team_id"], context["user_id"], selected)


def home_scope(
    ack: Ack, action: dict[str, Any], client: WebClient, actor: Actor, services: Services
) -> None:
    ack()
    picked = str((action.get("selected_option") or {}).get("value") or "")
    selected = "" if picked == "me" else picked
    publish_home(services, client, actor.team_id, actor.user_id, selected)


def _scope_text(selected: str) -> str:
    if selected == "team":
        return "team"
    return f"<@{selected}>" if selected and selected != "me" else ""


def home_pipeline(
    ack: Ack, action: dict[str, Any], client: WebClient, actor: Actor, services: Services
) -> None:
    """A click in the App Home has no response_url: the board goes to the DM."""
    ack()
    text = _scope_text(str(action.get("value") or ""))
    with services.db.reading() as session:
        result = pipeline.board(session=session, actor=actor, text=text)
    dm(client, actor.user_id, board_views.board_message(result, actor.lang))


def home_forecast(
    ack: Ack, action: dict[str, Any], client: WebClient, actor: Actor, services: Services
) -> None:
    ack()
    text = _scope_text(str(action.get("value") or ""))
    with services.db.reading() as session:
        result = forecast.forecast(session=session, actor=actor, text=text)
    dm(client, actor.user_id, forecast_views.forecast_message(result, actor.lang))


LISTENERS = Listeners(
    commands={Command.PIPELINE: pipeline_command, Command.FORECAST: forecast_command},
    actions={
        Action.BOARD_PAGE: board_page,
        Action.BOARD_STAGE: board_page,
        Action.FORECAST_CHART: forecast_chart,
        Action.HOME_SCOPE: home_scope,
        Action.HOME_PIPELINE: home_pipeline,
        Action.HOME_FORECAST: home_forecast,
    },
    events={"app_home_opened": home_opened},
)
