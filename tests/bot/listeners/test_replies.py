"""The one way to reply outside the ack: the response_url, else the DM."""

from __future__ import annotations

from typing import Any, ClassVar
from unittest.mock import MagicMock

import pytest

from bot.listeners import replies


class FakeWebhook:
    sent: ClassVar[list[tuple[str, dict[str, Any]]]] = []
    status = 200

    def __init__(self, url: str) -> None:
        self.url = url

    def send(self, **message: Any) -> Any:
        FakeWebhook.sent.append((self.url, message))
        return MagicMock(status_code=FakeWebhook.status)


@pytest.fixture
def webhook(monkeypatch: pytest.MonkeyPatch) -> type[FakeWebhook]:
    FakeWebhook.sent, FakeWebhook.status = [], 200
    monkeypatch.setattr(replies, "WebhookClient", FakeWebhook)
    return FakeWebhook


def test_the_response_url_first(webhook: type[FakeWebhook]) -> None:
    client = MagicMock()
    replies.reply(client, "U0REP", {"text": "ok", "blocks": []}, response_url="https://r/1")
    assert webhook.sent == [
        (
            "https://r/1",
            {"text": "ok", "blocks": [], "response_type": "ephemeral", "replace_original": None},
        )
    ]
    client.chat_postMessage.assert_not_called()


def test_the_dm_when_there_is_none_or_it_refuses(webhook: type[FakeWebhook]) -> None:
    client = MagicMock()
    replies.reply(client, "U0REP", {"text": "a"}, response_url=None)
    webhook.status = 404
    replies.reply(client, "U0REP", {"text": "b"}, response_url="https://r/expired")
    assert [c.kwargs["text"] for c in client.chat_postMessage.call_args_list] == ["a", "b"]
    assert {c.kwargs["channel"] for c in client.chat_postMessage.call_args_list} == {"U0REP"}


def test_a_modal_remembers_where_it_was_opened_from() -> None:
    command = {"channel_id": "C1", "response_url": "https://r/c"}
    click = {"channel": {"id": "C2"}, "response_url": "https://r/a"}
    assert replies.origin(command) == {"channel": "C1", "response_url": "https://r/c"}
    assert replies.origin(click) == {"channel": "C2", "response_url": "https://r/a"}
    assert replies.origin({}) == {"channel": "", "response_url": ""}
