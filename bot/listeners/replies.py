"""How a listener answers outside its ack: one way to reply, one way to open a modal.

A slash command or a click on a message carries a `response_url`; a click in the App Home or a
modal does not (the Home is republished, else the answer goes to the DM), and a modal's
submission only has what its opener kept in the metadata (`origin`).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

log = logging.getLogger(__name__)

Message = dict[str, Any]  # {"text": …, "blocks": […]} as the views build it


def reply(
    client: WebClient,
    user_id: str,
    message: Message,
    *,
    response_url: str | None,
    replace_original: bool | None = None,
) -> None:
    """Ephemeral where the user acted (the `response_url`), else in their DM with the bot."""
    if response_url:
        sent = WebhookClient(response_url).send(
            text=message["text"],
            blocks=message.get("blocks"),
            response_type="ephemeral",
            replace_original=replace_original,
        )
        if sent.status_code == 200:
            return
        log.warning("response_url refused the answer (%s); falling back to a DM", sent.status_code)
    if user_id:
        client.chat_postMessage(channel=user_id, text=message["text"], blocks=message.get("blocks"))


def dm(client: WebClient, user_id: str, message: Message) -> None:
    """A click in the App Home has no `response_url`: the answer goes to the DM."""
    reply(client, user_id, message, response_url=None)


HOME = "home"


def in_home(body: dict[str, Any]) -> bool:
    """Whether the click was in the App Home (no `response_url`: republish it instead)."""
    view = body.get("view") or {}
    return (body.get("container") or {}).get("type") == "view" and view.get("type") == HOME


def home_selected(body: dict[str, Any]) -> str:
    """The scope the Home clicked in was showing (a manager's pick), to republish it the same."""
    return str(metadata(body.get("view") or {}).get("selected") or "")


def origin(body: dict[str, Any]) -> dict[str, str]:
    """Where a modal was opened from (a slash command, a click on a message, the Home), kept in
    its metadata so the answer to its submission goes there."""
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id", "")
    found = {"channel": str(channel), "response_url": str(body.get("response_url", ""))}
    if in_home(body):
        found |= {"where": HOME, "selected": home_selected(body)}
    return found


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        found = json.loads(view.get("private_metadata") or "{}")
    except ValueError:  # a forged or foreign view: as if it said nothing
        return {}
    return found if isinstance(found, dict) else {}


def open_modal(client: WebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
    """Open `view` with the request's trigger (valid 3 s: build the view first, then ack)."""
    client.views_open(trigger_id=body["trigger_id"], view=view)
