"""The manifest and the app agree: every command declared has a listener, and vice versa."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from slack_bolt import App, BoltRequest

from bot.devtools.slackreq import (
    block_actions_payload,
    command_body,
    interaction_body,
    signed_headers,
)
from bot.ids import Action, Command

ROOT = Path(__file__).resolve().parents[2]

# The bot scopes each Web API method the app calls needs (Slack's method reference).
# `chat.postMessage` also needs `chat:write.public`: wins and digests go to channels an admin or
# a manager picks, which the bot was never invited to (without it: `not_in_channel`).
METHOD_SCOPES: dict[str, set[str]] = {
    "chat_postMessage": {"chat:write", "chat:write.public"},
    "conversations_history": {"channels:history", "groups:history", "im:history"},
    "conversations_info": {"channels:read", "groups:read"},
    "conversations_open": {"im:write"},
    "files_upload_v2": {"files:write"},
    "users_info": {"users:read"},
    "users_lookupByEmail": {"users:read.email"},
    "users_list": {"users:read"},
    "views_open": set(),
    "views_publish": set(),
    "views_update": set(),
    "views_push": set(),
    "chat_update": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
}
_CALL = re.compile(r"\.((?:chat|conversations|users|views|files|reactions|pins)_[A-Za-z0-9_]+)\(")


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "manifest.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_declared_commands_are_exactly_the_apps(manifest: dict[str, Any]) -> None:
    declared = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert declared == {str(c) for c in Command}


def test_commands_escape_mentions(manifest: dict[str, Any]) -> None:
    # The parsers read `<@U123|name>`: without should_escape they would get raw @names.
    assert all(c["should_escape"] for c in manifest["features"]["slash_commands"])


def test_every_web_api_method_the_app_calls_has_its_scopes(manifest: dict[str, Any]) -> None:
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    called = {
        method
        for path in (ROOT / "bot").rglob("*.py")
        if "devtools" not in path.parts
        for method in _CALL.findall(path.read_text())
    }
    assert {"chat_postMessage", "conversations_info"} <= called  # the scan does find the calls
    unknown = called - set(METHOD_SCOPES)
    assert not unknown, f"add the scopes of {sorted(unknown)} to METHOD_SCOPES"
    missing = {m: METHOD_SCOPES[m] - scopes for m in called if METHOD_SCOPES[m] - scopes}
    assert not missing, missing


def test_interactivity_and_options_are_enabled(manifest: dict[str, Any]) -> None:
    interactivity = manifest["settings"]["interactivity"]
    assert interactivity["is_enabled"]
    assert interactivity["message_menu_options_url"].endswith("/slack/events")


def test_every_manifest_command_and_action_has_a_listener(
    manifest: dict[str, Any], console_app: tuple[App, str, Any]
) -> None:
    app, secret, slack = console_app

    def dispatch(body: str) -> int:
        headers: dict[str, Any] = {
            "content-type": "application/x-www-form-urlencoded",
            **signed_headers(secret, body),
        }
        return app.dispatch(BoltRequest(body=body, headers=headers)).status

    for entry in manifest["features"]["slash_commands"]:
        body = command_body(
            team_id="T0DEMO",
            user_id="U0MARIE",
            command=entry["command"],
            text="help",
            response_url=slack.response_url("manifest"),
        )
        assert dispatch(body) == 200, entry["command"]
    # Bolt answers 404 to what no listener matches.
    for action in (Action.SHOW,):
        payload = block_actions_payload(
            team_id="T0DEMO",
            user_id="U0MARIE",
            action={"action_id": action, "block_id": "b", "type": "button", "value": "1"},
            response_url=slack.response_url("manifest"),
        )
        assert dispatch(interaction_body(payload)) == 200, action
    unknown = block_actions_payload(
        team_id="T0DEMO",
        user_id="U0MARIE",
        action={"action_id": "nobody_listens", "block_id": "b", "type": "button", "value": "1"},
        response_url=slack.response_url("manifest"),
    )
    assert dispatch(interaction_body(unknown)) == 404
