"""End to end under load with Slack slow: while `views.publish` hangs, concurrent creates are
all answered within Slack's 3 s, and every deal written was acknowledged. (Republishing the
Home used to hold Bolt's listener threads for 30 s each; the next requests were answered 404
after 3 s, and their deals written anyway.)"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.devtools.localslack import LocalSlack
from storage.db import Database
from storage.models import Opportunity
from tests.e2e_support import TEAM, Server, running_server

pytestmark = pytest.mark.e2e

HANG = 8.0  # seconds views.publish takes to answer
CREATED = re.compile(r"#(\d+) (?:logged|enregistr)")


@pytest.fixture
def slow_home(monkeypatch: pytest.MonkeyPatch) -> None:
    api = LocalSlack._api

    def hanging(self: LocalSlack, method: str, args: Any, authorization: str | None) -> Any:
        if method == "views.publish":
            time.sleep(HANG)
        return api(self, method, args, authorization)

    monkeypatch.setattr(LocalSlack, "_api", hanging)


@pytest.fixture
def server(tmp_path: Path, slow_home: None) -> Iterator[tuple[Server, str]]:
    url = f"sqlite:///{tmp_path / 'salesbot.db'}"
    with running_server(url) as running:
        yield running, url


def test_creates_are_answered_in_time_while_slack_hangs_on_the_home(
    server: tuple[Server, str],
) -> None:
    running, url = server
    running.command("U0EMMA", "help")  # first contact made before the clock starts
    answers: list[tuple[float, int, str]] = []
    lock = threading.Lock()

    def create(index: int) -> None:
        started = time.monotonic()
        reply = running.command("U0EMMA", f"new Acme{index} 5000€ Load close end of march")
        with lock:
            answers.append((time.monotonic() - started, reply.status, reply.body))

    for wave in range(2):  # the second wave comes while the first one's Homes still hang
        threads = [threading.Thread(target=create, args=(wave * 20 + i,)) for i in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
    assert len(answers) == 40
    late = [round(seconds, 1) for seconds, _, _ in answers if seconds > 3.0]
    assert late == []
    assert [status for _, status, _ in answers if status != 200] == []
    numbers = {int(m.group(1)) for _, _, body in answers if (m := CREATED.search(body))}
    assert len(numbers) == 40
    db = Database(url)
    with db.reading() as session:
        written = session.scalar(
            select(func.count()).select_from(Opportunity).where(Opportunity.team_id == TEAM)
        )
    db.dispose()
    assert written == 40  # nothing written that was not acknowledged
