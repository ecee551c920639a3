"""`/opp export` (routed and planned by `/opp`): count and ack first, then write both files and
upload them to the user's DM (no listener of its own)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.services import Services
from bot.uploads import send_to_dm
from bot.views.deals import text_message
from commands.context import Actor
from commands.i18n import t
from commands.io import export


def send_export(
    plan: export.Plan, *, ack: Ack, client: WebClient, actor: Actor, services: Services
) -> None:
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
        send_to_dm(client, actor.user_id, uploads, _comment(files, plan, actor.lang))


def _comment(files: export.Files, plan: export.Plan, lang: str) -> str:
    if files.xlsx is not None:
        return t(lang, "export.done", count=files.count, currency=plan.currency)
    return t(
        lang,
        "export.too_big_for_excel",
        count=files.count,
        currency=plan.currency,
        limit=export.XLSX_MAX_ROWS,
    )
