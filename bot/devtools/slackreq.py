"""Requests shaped and signed exactly as Slack sends them.

The local console uses these to drive the real app, and the end-to-end tests to drive the
real HTTP server: one code path, the same signature check as in production.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier


def signed_headers(secret: str, body: str, *, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = str(SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body))
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }


def command_body(
    *,
    team_id: str,
    user_id: str,
    command: str,
    text: str,
    response_url: str,
    channel_id: str = "C0GENERAL",
    user_name: str = "",
) -> str:
    """A slash command, form-encoded like Slack's (mentions already escaped by the caller)."""
    return urlencode(
        {
            "token": "deprecated-verification-token",
            "team_id": team_id,
            "team_domain": "local",
            "channel_id": channel_id,
            "channel_name": "general",
            "user_id": user_id,
            "user_name": user_name or user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0SALESBOT",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": f"{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:10]}",
        }
    )


def interaction_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def block_actions_payload(
    *,
    team_id: str,
    user_id: str,
    action: dict[str, Any],
    response_url: str,
    message: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    channel_id: str = "C0GENERAL",
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": team_id, "domain": "local"},
        "user": {"id": user_id, "team_id": team_id},
        "api_app_id": "A0SALESBOT",
        "trigger_id": f"{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:10]}",
        "actions": [{**action, "action_ts": f"{time.time():.6f}"}],
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id", "")}
        payload["view"] = view
    else:
        payload["container"] = {
            "type": "message",
            "message_ts": (message or {}).get("ts", ""),
            "channel_id": channel_id,
            "is_ephemeral": True,
        }
        payload["channel"] = {"id": channel_id, "name": "general"}
        payload["message"] = message or {}
        payload["response_url"] = response_url
    return payload


def view_submission_payload(
    *, team_id: str, user_id: str, view: dict[str, Any], values: dict[str, Any]
) -> dict[str, Any]:
    submitted = {**view, "state": {"values": values}}
    submitted.setdefault("id", f"V{uuid.uuid4().hex[:10].upper()}")
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "local"},
        "user": {"id": user_id, "team_id": team_id},
        "api_app_id": "A0SALESBOT",
        "trigger_id": f"{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:10]}",
        "view": submitted,
    }


def block_suggestion_payload(
    *,
    team_id: str,
    user_id: str,
    action_id: str,
    block_id: str,
    value: str,
    view: dict[str, Any] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_suggestion",
        "team": {"id": team_id, "domain": "local"},
        "user": {"id": user_id, "team_id": team_id},
        "api_app_id": "A0SALESBOT",
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id", "")}
        payload["view"] = view
    return payload


def event_body(*, team_id: str, event: dict[str, Any]) -> str:
    """An Events API envelope (JSON) around `event`, as Slack posts it."""
    return json.dumps(
        {
            "token": "local",
            "team_id": team_id,
            "api_app_id": "A0SALESBOT",
            "type": "event_callback",
            "event_id": f"Ev{uuid.uuid4().hex[:12].upper()}",
            "event_time": int(time.time()),
            "authorizations": [],
            "event": event,
        }
    )
