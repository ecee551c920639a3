"""`/pipeline stats` (routed here by the `/pipeline` listener), its buttons, and `/opp export`.

Both can take a second or more on a big workspace: they ack at once and answer afterwards
(errors after the ack are told by `after_ack`).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.ids import Stats as StatsAction
from bot.listeners.errors import after_ack
from bot.services import Services
from bot.uploads import send_png_to_dm, send_to_dm, wants_chart
from bot.views.opportunity import text_message
from bot.views.stats import stats_message
from commands.analytics import stats
from commands.context import Actor
from commands.i18n import t
from commands.io import export


def answer_stats(
    services: Services,
    *,
    ack: Ack,
    respond: Respond,
    client: WebClient,
    actor: Actor,
    text: str,
) -> None:
    """`text` is what followed `stats`; "chart" anywhere also sends the chart."""
    ack()
    chart, text = wants_chart(text)
    with services.db.reading() as session:
        result = stats.stats(session=session, actor=actor, text=text)
    respond(**stats_message(result, actor.lang), replace_original=False)
    if chart and result.process is not None:
        send_chart(client, actor, result)


def send_chart(client: WebClient, actor: Actor, result: stats.Stats) -> None:
    """To the user's DM, like the forecast chart: a channel may not have the bot in it."""
    from bot.stats_charts import stats_png  # matplotlib loads only when a chart is asked for

    send_png_to_dm(
        client,
        actor.user_id,
        stats_png(result, actor.lang),
        "stats.png",
        t(actor.lang, "stats.chart_title"),
        t(actor.lang, "stats.chart_comment"),
    )


def send_export(
    services: Services, *, ack: Ack, client: WebClient, actor: Actor, text: str
) -> None:
    """Count and ack first, then write both files and upload them to the user's DM."""
    with services.db.reading() as session:
        plan = export.plan(session=session, actor=actor, text=text)
    if not plan.count:
        ack(**text_message(t(actor.lang, "export.empty")))
        return
    ack(**text_message(t(actor.lang, "export.started", count=plan.count)))
    with tempfile.TemporaryDirectory(prefix="salesbot-export-") as directory:
        with services.db.reading() as session:
            files = export.write_files(
                session=session, actor=actor, plan=plan, directory=Path(directory)
            )
        uploads = [
            {"file": str(path), "filename": path.name, "title": path.name} for path in files.paths
        ]
        comment = (
            t(actor.lang, "export.done", count=files.count, currency=plan.currency)
            if files.xlsx is not None
            else t(
                actor.lang,
                "export.too_big_for_excel",
                count=files.count,
                currency=plan.currency,
                limit=export.XLSX_MAX_ROWS,
            )
        )
        send_to_dm(client, actor.user_id, uploads, comment)


def register(app: App, services: Services) -> None:
    guard = after_ack(services)
    db = services.db

    @app.action(StatsAction.CHART)
    @guard
    def stats_chart(
        ack: Ack, action: dict[str, Any], client: WebClient, context: dict[str, Any]
    ) -> None:
        ack()
        actor: Actor = context["actor"]
        with db.reading() as session:
            result = stats.stats(
                session=session, actor=actor, text=str(action.get("value", "")), with_coaching=False
            )
        if result.process is not None:
            send_chart(client, actor, result)

    @app.action(re.compile(rf"^{StatsAction.PROCESS}:\d+$"))
    @guard
    def stats_process(
        ack: Ack,
        action: dict[str, Any],
        respond: Respond,
        client: WebClient,
        context: dict[str, Any],
    ) -> None:
        answer_stats(
            services,
            ack=ack,
            respond=respond,
            client=client,
            actor=context["actor"],
            text=str(action.get("value", "")),
        )
