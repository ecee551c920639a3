"""A Home that cannot be republished after a change never turns the click into an error."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot import home
from bot.background import Inline


def test_one_failing_home_neither_raises_nor_stops_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    published: list[str] = []

    def publish(_services: Any, _client: Any, _team: str, user_id: str, *_view: str) -> None:
        if user_id == "U0SLOW":
            raise TimeoutError("views.publish timed out")
        if user_id == "U0NEVER":
            response = SlackResponse(
                client=None,
                http_verb="POST",
                api_url="views.publish",
                req_args={},
                data={"ok": False, "error": "not_found"},
                headers={},
                status_code=200,
            )
            raise SlackApiError("not_found", response)
        published.append(user_id)

    monkeypatch.setattr(home, "_publish", publish)
    services = SimpleNamespace(background=Inline())
    home.refresh_homes(services, None, "T0", ["U0SLOW", "U0NEVER", "U0OWNER"])  # type: ignore[arg-type]
    assert published == ["U0OWNER"]
