"""Each reader's Slack locale, from `users.info`, decides how the bot writes dates for them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.e2e_support import USERS, Server, running_server

pytestmark = pytest.mark.e2e

READERS = {
    **USERS,
    "U0JOHN": {
        "name": "john",
        "real_name": "John Doe",
        "tz": "America/New_York",
        "locale": "en-US",
    },
}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("locales") / "salesbot.db"


@pytest.fixture(scope="module")
def server(database: Path) -> Iterator[Server]:
    with running_server(f"sqlite:///{database}", users=READERS) as running:
        yield running


def _text(server: Server, user: str, typed: str) -> str:
    reply = server.command(user, typed)
    assert reply.status == 200, reply.body
    answer: dict[str, Any] = reply.json()
    return answer["text"] + json.dumps(answer.get("blocks", []), ensure_ascii=False)


def test_a_british_and_an_american_reader_each_read_dates_their_way(
    server: Server, database: Path
) -> None:
    british = _text(server, "U0EMMA", "new Dupond 6000€ Peinture close fin décembre")
    american = _text(server, "U0JOHN", "new Acme 6000€ Website close fin décembre")
    assert "31 Dec 2026" in british and "Dec 31, 2026" not in british
    assert "Dec 31, 2026" in american
    assert "`15/10`" in _text(server, "U0EMMA", "help")
    assert "`10/15`" in _text(server, "U0JOHN", "help")
    # The locale is kept with the member, for the messages sent without a request (nudges).
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT user_id, locale FROM members ORDER BY user_id"))
        locales = {user_id: locale for user_id, locale in rows}
    engine.dispose()
    assert locales["U0EMMA"] == "en-GB" and locales["U0JOHN"] == "en-US"
