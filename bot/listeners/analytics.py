"""`/pipeline stats` (routed here by the `/pipeline` listener) and its buttons.

Stats can take a second or more on a big workspace: they ack at once and answer afterwards
(errors after the ack are told by the error guard).
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.ids import StatsButton
from bot.listeners.table import Listeners
from bot.services import Services
from bot.uploads import send_chart, wants_chart
from bot.views.blocks import typed_scope
from bot.views.stats import stats_message
from commands.analytics import stats
from commands.context import Actor


def answer_stats(
    text: str, ack: Ack, respond: Respond, client: WebClient, actor: Actor, services: Services
) -> None:
    """`text` is what followed `stats`; "chart" anywhere also sends the chart."""
    ack()
    chart, text = wants_chart(text)
    with services.db.reading() as session:
        result = stats.stats(session=session, actor=actor, text=text)
    respond(**stats_message(result, actor.lang), replace_original=False)
    if chart and result.process is not None:
        send_stats_chart(client, actor, result)


def send_stats_chart(client: WebClient, actor: Actor, result: stats.Stats) -> None:
    """To the user's DM, like the forecast chart: a channel may not have the bot in it."""
    from bot.charts import stats_png  # matplotlib loads only when a chart is asked for

    send_chart(client, actor.user_id, stats_png(result, actor.lang), "stats", actor.lang)


def stats_chart(
    ack: Ack, action: dict[str, Any], client: WebClient, actor: Actor, services: Services
) -> None:
    ack()
    text = typed_scope(str(action.get("value", "")))
    with services.db.reading() as session:
        result = stats.stats(session=session, actor=actor, text=text, with_coaching=False)
    if result.process is not None:
        send_stats_chart(client, actor, result)


def stats_process(
    ack: Ack,
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    actor: Actor,
    services: Services,
) -> None:
    """Another process's stats: the button's value is the text to ask again with."""
    answer_stats(str(action.get("value", "")), ack, respond, client, actor, services)


LISTENERS = Listeners(
    actions={
        StatsButton.CHART: stats_chart,
        re.compile(rf"^{StatsButton.PROCESS}:\d+$"): stats_process,
    }
)
