"""Plain-text fields (headers, buttons, options) render no markup: Slack's link and mention
syntax shows there as its label, never as raw `<https://…|…>` or a working `<!channel>`."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot import format as fmt
from bot.blockkit_limits import message_problems
from bot.views import deals as deal_views
from tests.bot.views.test_deals import _card


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("<https://evil.example/login|Acme>", "Acme"),
        ("<https://evil.example>", "https://evil.example"),
        ("<mailto:boss@acme.example|Acme>", "Acme"),
        ("<@U0MARIE|marie>", "@marie"),
        ("<#C0VENTES|ventes>", "#ventes"),
        ("<!subteam^S0SALES|@sales>", "@sales"),
        ("<!date^1700000000^{date}|Nov 14>", "Nov 14"),
        ("Acme <https://a.example|SA> & Fils", "Acme SA & Fils"),
        ("a < b > c", "a < b > c"),
        ("<nom>", "<nom>"),
    ],
)
def test_links_and_mentions_show_as_their_label(typed: str, shown: str) -> None:
    assert fmt.plain(typed) == shown


@pytest.mark.parametrize("typed", ["<!channel>", "<!here> now", "@everyone", "<!channel|x>"])
def test_no_broadcast_survives(typed: str) -> None:
    shown = fmt.plain(typed)
    assert "<!" not in shown
    for word in ("@channel", "@here", "@everyone"):
        assert word not in shown


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if value.get("type") == "plain_text":
                found.append(str(value.get("text", "")))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(blocks)
    return found


def test_a_card_header_shows_a_linked_account_by_its_name() -> None:
    card = _card(account="<https://evil.example/login|Dupond> <!channel>")
    message = deal_views.card_message(card, "fr", "Europe/Paris")
    assert not message_problems(message["blocks"], message["text"])
    for block in message["blocks"]:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    header = message["blocks"][0]
    assert header["type"] == "header"
    assert header["text"]["text"] == "#12 · Dupond @\u2060channel"
    assert not any("<https://" in text or "<!" in text for text in _texts(message["blocks"]))
