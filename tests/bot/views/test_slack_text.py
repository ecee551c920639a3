"""What Slack would show: no placeholder read as a link, no button without a value."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot.blockkit_limits import message_problems, view_problems
from bot.views.admin import help_message
from bot.views.forecast import forecast_message
from bot.views.home import home_view
from bot.views.stats import stats_message
from commands.analytics import stats
from commands.deals import moves, new
from commands.i18n import LANGUAGES
from commands.reports import forecast, home
from storage.models import Role
from tests.catalog_support import read_catalog
from tests.conftest import add_user, setup_team

# `<…>` in mrkdwn is a link, a mention (<@U…>), a channel (<#C…>) or a special (<!here>).
LINK_LIKE = re.compile(r"<(?![@#!]|https?:|mailto:)[^<>]*>")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_catalog_text_has_a_placeholder_slack_would_read_as_a_link(lang: str) -> None:
    found = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in read_catalog(lang)
        if message.id
        for text in ([message.string] if isinstance(message.string, str) else message.string or ())
        if LINK_LIKE.search(text)
    }
    assert sorted(found) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_help_shows_its_placeholders_escaped_once(lang: str) -> None:
    for role in Role:
        text = help_message(lang, role)["blocks"][0]["text"]["text"]
        assert "&amp;lt;" not in text and not LINK_LIKE.search(text)
    assert "&lt;" in help_message(lang, Role.ADMIN)["blocks"][0]["text"]["text"]


def _buttons(node: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(node, Mapping):
        if node.get("type") == "button":
            yield node
        for value in node.values():
            yield from _buttons(value)
    elif isinstance(node, list):
        for item in node:
            yield from _buttons(item)


def test_reports_on_ones_own_deals_give_every_button_a_value(session: Session) -> None:
    """`/forecast`, `/pipeline stats` and the Home typed with nothing after them: their
    buttons used to carry the typed text, an empty value."""
    setup_team(session)
    rep = add_user(session, "U0REP")
    created = new.quick(session=session, actor=rep, text="Acme 10 000 site close fin décembre")
    assert isinstance(created, new.Created)
    moves.win(session=session, actor=rep, text=f"#{created.card.number}")
    new.quick(session=session, actor=rep, text="Beta 4 000 site close 15/12")
    messages = [
        forecast_message(forecast.forecast(session=session, actor=rep, text=""), "fr"),
        stats_message(stats.stats(session=session, actor=rep, text=""), "en"),
    ]
    for message in messages:
        assert not message_problems(message["blocks"], message["text"])
    view = home_view(home.home(session=session, actor=rep), "fr")
    assert not view_problems(view)
    buttons = [b for m in [*messages, view] for b in _buttons(m)]
    assert len(buttons) >= 5
    assert [b["action_id"] for b in buttons if not b.get("value")] == []
