"""First use under concurrency through the real server: a new workspace's first requests, a
new member's, and two creates naming the same new account, all at once — every one answered."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from commands.i18n import t
from tests.e2e_support import USERS, Reply, Server, running_server

pytestmark = pytest.mark.e2e

UNEXPECTED = t("fr", "error.unexpected")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('first') / 'salesbot.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    users = {f"U0NEW{i}": {**USERS["U0MARIE"], "name": f"new{i}"} for i in range(6)}
    with running_server(url, {**USERS, **users}) as running:
        yield running


def _at_once(calls: list[Callable[[], Reply]]) -> list[Reply]:
    barrier = threading.Barrier(len(calls))
    replies: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        replies[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return replies


def _answered(reply: Reply) -> str:
    assert reply.status == 200
    text = str(reply.json()["text"])
    assert text != UNEXPECTED
    return text


def test_a_new_workspaces_first_requests_all_succeed(server: Server) -> None:
    team = "T" + uuid.uuid4().hex[:8].upper()
    calls = [lambda: server.command("U0MARIE", "aide", team=team) for _ in range(5)]
    for reply in _at_once(calls):
        assert "Vos opportunités" in _answered(reply)


def test_new_members_first_requests_all_succeed(server: Server) -> None:
    team = "T" + uuid.uuid4().hex[:8].upper()
    _answered(server.command("U0MARIE", "aide", team=team))
    calls = [
        lambda user=user: server.command(user, "liste", team=team)
        for user in (f"U0NEW{i}" for i in range(6))
    ]
    for reply in _at_once(calls):
        _answered(reply)


def test_two_creates_with_the_same_new_account_both_succeed(server: Server) -> None:
    team = "T" + uuid.uuid4().hex[:8].upper()
    _answered(server.command("U0MARIE", "aide", team=team))
    text = "nouvelle Société Neuve 5000 audit close fin mars"
    replies = _at_once([lambda: server.command("U0MARIE", text, team=team) for _ in range(2)])
    numbers = sorted(_answered(reply).split("#")[1].split()[0] for reply in replies)
    assert numbers == ["1", "2"]
    listing = server.command("U0MARIE", "liste", team=team).json()
    assert str(listing).count("Société Neuve") == 2
