"""Files for one user: charts and exports go to their DM with the bot, since a channel where a
command was typed may not have the bot in it."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from commands.i18n import t

CHART_WORDS = frozenset({"chart", "graph", "graphique", "graphe"})


def wants_chart(text: str) -> tuple[bool, str]:
    """Whether a command's words ask for a chart, and the words without that one."""
    words = text.split()
    chart = any(w.lower() in CHART_WORDS for w in words)
    return chart, " ".join(w for w in words if w.lower() not in CHART_WORDS)


def send_to_dm(
    client: WebClient, user_id: str, uploads: list[dict[str, Any]], comment: str
) -> None:
    """The one way to send files: `uploads` as `files_upload_v2` takes them (content or file,
    filename, title)."""
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    client.files_upload_v2(file_uploads=uploads, channel=channel, initial_comment=comment)


def send_chart(client: WebClient, user_id: str, png: bytes, name: str, lang: str) -> None:
    """A chart named `name` ("forecast", "stats"): `<name>.png`, titled and commented with the
    `<name>.chart_title` and `<name>.chart_comment` messages."""
    upload = {"content": png, "filename": f"{name}.png", "title": t(lang, f"{name}.chart_title")}
    send_to_dm(client, user_id, [upload], t(lang, f"{name}.chart_comment"))
