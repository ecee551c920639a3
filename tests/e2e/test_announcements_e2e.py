"""Win announcements go through the outbox: Slack's 429 or 500 delays one, never loses or
doubles it. Through the real server, its scheduler off: the announcement leaves at once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.devtools.slackreq import block_actions_payload, interaction_body
from storage.db import Database
from storage.models import OutboxMessage, OutboxStatus, Workspace
from tests.e2e_support import TEAM, Server, running_server

pytestmark = pytest.mark.e2e

CHANNEL = "C0VENTES"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('announce') / 'salesbot.db'}"


@pytest.fixture(scope="module")
def server(url: str) -> Iterator[Server]:
    with running_server(url) as running:
        assert running.command("U0MARIE", "aide").status == 200  # the workspace exists
        database = Database(url)
        with database.transaction() as session:
            workspace = session.get(Workspace, TEAM)
            assert workspace is not None
            workspace.announce_channel = CHANNEL
        database.dispose()
        yield running


def _won_click(server: Server) -> str:
    """A new deal, then a click on its Won button; the signed request's body (to replay)."""
    card = server.command("U0MARIE", "new Dupond 6000 peinture close fin mars").json()
    button = next(
        element
        for block in card["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == "opp_won"
    )
    payload = block_actions_payload(
        team_id=TEAM,
        user_id="U0MARIE",
        action={
            "action_id": "opp_won",
            "block_id": "x",
            "type": "button",
            "value": button["value"],
        },
        response_url=server.slack.response_url("won"),
        message={"ts": "1.0", "blocks": card["blocks"]},
    )
    body = interaction_body(payload)
    assert server.post(body).status == 200
    return body


def _announcements(server: Server, url: str, before: int) -> list[dict[str, Any]]:
    """The channel's new messages, once one arrived and no announcement is left to send."""
    deadline = time.monotonic() + 20
    while len(server.slack.messages_in(CHANNEL)) <= before and time.monotonic() < deadline:
        time.sleep(0.05)
    database = Database(url)
    statuses: set[str] = set()
    try:
        while time.monotonic() < deadline:
            with database.reading() as session:
                statuses = set(
                    session.scalars(
                        select(OutboxMessage.status).where(OutboxMessage.kind == "announcement")
                    )
                )
            if statuses == {OutboxStatus.SENT}:
                break
            time.sleep(0.1)
        else:
            raise AssertionError(f"announcements still not sent: {statuses}")
    finally:
        database.dispose()
    return server.slack.messages_in(CHANNEL)[before:]


@pytest.mark.parametrize(
    ("status", "effect"),
    [(429, False), (500, False), (500, True)],
    ids=["ratelimited", "server-error", "server-error-after-posting"],
)
def test_a_refused_announcement_is_retried_and_posted_once(
    server: Server, url: str, status: int, effect: bool
) -> None:
    before = len(server.slack.messages_in(CHANNEL))
    server.slack.clear()
    server.slack.fail_next(
        "chat.postMessage", status=status, retry_after=1, error="ratelimited", effect=effect
    )
    _won_click(server)
    announced = _announcements(server, url, before)
    assert len(announced) == 1
    assert "<@U0MARIE>" in announced[0]["text"] and "6\u202f000\xa0€" in announced[0]["text"]
    assert server.slack.pending_faults("chat.postMessage") == 0


def test_a_replayed_win_click_announces_once(server: Server, url: str) -> None:
    before = len(server.slack.messages_in(CHANNEL))
    server.slack.clear()
    body = _won_click(server)
    assert server.post(body).status == 200  # the same signed click, delivered again
    assert len(_announcements(server, url, before)) == 1
