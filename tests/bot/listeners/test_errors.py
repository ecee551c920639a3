"""The error guard every listener is registered behind, and Bolt's error handler."""

from __future__ import annotations

import inspect
import json
from typing import Any
from unittest.mock import MagicMock

import pytest
from slack_bolt import Ack, BoltResponse

from bot.listeners.errors import guarded, on_error
from commands.errors import InvalidInput, NotFound
from commands.i18n import t
from tests.conftest import make_actor


def _listener(ack: Ack, actor: Any) -> None:
    ack()
    raise NotFound("opp.not_found", number=7)


def test_the_guard_asks_bolt_for_ack_and_context_and_passes_only_what_the_listener_names() -> None:
    seen: list[str] = []

    def listener(action: dict[str, Any]) -> None:
        seen.append(action["value"])

    wrapped = guarded(listener)
    assert list(inspect.signature(wrapped).parameters) == ["action", "ack", "context"]
    assert inspect.getfullargspec(inspect.unwrap(wrapped)).args == ["action", "ack", "context"]
    wrapped(action={"value": "x"}, ack=Ack(), context={})
    assert seen == ["x"]


def test_an_error_after_the_ack_is_told_in_the_users_dm() -> None:
    client = MagicMock()
    context = {"actor": make_actor("U0REP"), "client": client}
    guarded(_listener)(ack=Ack(), actor=None, context=context)
    client.chat_postMessage.assert_called_once_with(
        channel="U0REP", text=t("fr", "opp.not_found", number=7), blocks=None
    )


def test_an_error_before_the_ack_goes_to_bolts_error_handler() -> None:
    def refuses(ack: Ack) -> None:
        raise InvalidInput("opp.unknown_subcommand", word="danser")

    with pytest.raises(InvalidInput):
        guarded(refuses)(ack=Ack(), context={})


def test_bolts_handler_answers_a_command_and_points_at_a_modal_field() -> None:
    context: dict[str, Any] = {"actor": make_actor("U0REP", lang="en")}
    error = InvalidInput("opp.unknown_subcommand", word="<dance>")
    answered = on_error(error, {"command": "/opp"}, context, BoltResponse(status=500))
    assert answered is not None
    assert json.loads(answered.body) == {
        "response_type": "ephemeral",
        "text": t("en", "opp.unknown_subcommand", word="&lt;dance&gt;"),
    }
    body = {"type": "view_submission", "view": {"blocks": [{"type": "input", "block_id": "b1"}]}}
    refused = on_error(InvalidInput("opp.title_required"), body, context, BoltResponse(status=500))
    assert refused is not None and set(json.loads(refused.body)["errors"]) == {"b1"}
