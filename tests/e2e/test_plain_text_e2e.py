"""What Slack cannot render is not sent: no mention token in a plain-text header."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.blockkit_limits import message_problems
from bot.devtools.slackreq import command_body
from tests.e2e_support import TEAM, USERS, Server, running_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path: Path = tmp_path_factory.mktemp("plain") / "salesbot.db"
    with running_server(f"sqlite:///{path}", users=USERS) as running:
        # Marie and Emma have used the bot: their names are known.
        running.command("U0MARIE", "new Dupond 6000€ Peinture close fin octobre")
        running.command("U0EMMA", "list")
        yield running


def _headers(server: Server, user: str, command: str, text: str) -> list[str]:
    """The headers of the answer: the ack, or what follows on the response_url (stats)."""
    key = uuid.uuid4().hex
    url = server.slack.response_url(key)
    body = command_body(team_id=TEAM, user_id=user, command=command, text=text, response_url=url)
    reply = server.post(body)
    assert reply.status == 200, reply.body
    answer: dict[str, Any] = (
        reply.json()
        or server.slack.wait_for(
            "response_url", lambda c: c.args.get("key") == key, timeout=15
        ).args
    )
    assert not message_problems(answer.get("blocks"), answer["text"])
    return [b["text"]["text"] for b in answer["blocks"] if b["type"] == "header"]


@pytest.mark.parametrize(
    ("command", "text", "name"),
    [
        ("/pipeline", "<@U0MARIE|marie>", "Marie Dubois"),
        ("/forecast", "<@U0EMMA|emma>", "Emma Wilson"),
        ("/pipeline", "stats <@U0MARIE|marie>", "Marie Dubois"),
    ],
)
def test_a_report_about_a_rep_names_them_in_its_header(
    server: Server, command: str, text: str, name: str
) -> None:
    headers = _headers(server, "U0BOSS", command, text)
    assert headers and name in headers[0]
    assert not [h for h in headers if "<@" in h]
