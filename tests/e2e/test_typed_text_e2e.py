"""Typed text as Slack sends it (`&`, `<`, `>` entity-escaped) is read once and shown once."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.blockkit_limits import message_problems
from tests.e2e_support import USERS, Server, running_server

pytestmark = pytest.mark.e2e

_MENTION = re.compile(r"(<[@#!][^>]*>)")


def slack_escaped(text: str) -> str:
    """What Slack puts in a slash command's `text`: `&`, `<`, `>` escaped, mentions kept."""
    parts = _MENTION.split(text)
    return "".join(
        part
        if _MENTION.fullmatch(part)
        else part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for part in parts
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path: Path = tmp_path_factory.mktemp("typed") / "salesbot.db"
    with running_server(f"sqlite:///{path}", users=USERS) as running:
        yield running


def _answer(server: Server, user: str, text: str, command: str) -> dict[str, Any]:
    reply = server.command(user, slack_escaped(text), command=command)
    assert reply.status == 200, reply.body
    answer: dict[str, Any] = reply.json()
    assert not message_problems(answer.get("blocks"), answer["text"])
    return answer


def test_an_ampersand_typed_in_a_quick_create_shows_once_on_the_card(server: Server) -> None:
    card = _answer(
        server, "U0MARIE", "new Dupont & fils 6000€ prix & conseil close fin octobre", "/opp"
    )
    blocks = json.dumps(card["blocks"], ensure_ascii=False)
    # Escaped once for mrkdwn: Slack shows "&"; never "&amp;amp;" (shown as "&amp;").
    assert "prix &amp; conseil" in blocks
    assert "&amp;amp;" not in blocks and "&amp;amp;" not in card["text"]
    # A header is plain text: shown as typed.
    headers = [b["text"]["text"] for b in card["blocks"] if b["type"] == "header"]
    assert headers == [headers[0]] and headers[0].endswith("Dupont & fils")


def test_an_ampersand_in_a_stage_list_does_not_split_it(server: Server) -> None:
    added = _answer(server, "U0BOSS", 'process add "R&D" stages "A&B:10; C:50"', "/salesbot")
    text = added["text"] + json.dumps(added["blocks"], ensure_ascii=False)
    assert "R&amp;D" in text or "R&D" in text
    assert "A&amp;B" in text and "&amp;amp;" not in text
    listing = json.dumps(
        _answer(server, "U0BOSS", "processes", "/salesbot")["blocks"], ensure_ascii=False
    )
    assert "1. A&amp;B — 10" in listing and "2. C — 50" in listing
    assert "3. " not in listing.split("R&amp;D", 1)[1].split("Processus", 1)[0]
