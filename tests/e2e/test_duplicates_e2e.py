"""End to end: a create delivered twice makes one deal. Slack retries, a double click on
"Create" and a replayed signed request (within Slack's 5 minutes) all deliver the same body
again; each answer names the same #N."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.devtools.modal_input import input_fields, state_value
from bot.devtools.slackreq import command_body, interaction_body, view_submission_payload
from storage.db import Database
from storage.models import Opportunity
from tests.e2e_support import TEAM, Server, running_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'salesbot.db'}"


@pytest.fixture(scope="module")
def server(url: str) -> Iterator[Server]:
    with running_server(url) as running:
        yield running


def _deals(url: str, title: str) -> list[int]:
    db = Database(url)
    try:
        with db.reading() as session:
            return list(
                session.scalars(
                    select(Opportunity.number).where(
                        Opportunity.team_id == TEAM, Opportunity.title == title
                    )
                )
            )
    finally:
        db.dispose()


def test_the_same_command_delivered_twice_creates_one_deal(server: Server, url: str) -> None:
    body = command_body(
        team_id=TEAM,
        user_id="U0EMMA",
        command="/opp",
        text="new Dupond 6000€ Twice close end of march",
        response_url=server.slack.response_url(uuid.uuid4().hex),
    )
    first = server.post(body)
    again = server.post(body)  # Slack's retry, or the same signed request replayed
    assert (first.status, again.status) == (200, 200)
    assert "#" in first.json()["text"]
    assert again.json()["text"] == first.json()["text"]  # "Opportunity #N logged."
    assert len(_deals(url, "Twice")) == 1
    other = server.command("U0EMMA", "new Dupond 6000€ Twice close end of march")
    assert other.json()["text"] != first.json()["text"]  # typed again: a new request, a new deal
    assert len(_deals(url, "Twice")) == 2


def test_the_same_form_submitted_twice_creates_one_deal(server: Server, url: str) -> None:
    server.slack.clear()
    assert server.command("U0EMMA", "new").status == 200
    view = server.slack.wait_for("views.open").args["view"]
    fields = {f.block_id: f for f in input_fields(view)}
    answers = {
        "account": "new:Garage Moreau",
        "title": "Submitted twice",
        "amount": "8 500 €",
        "close_date": "2027-02-15",
        "stage": "1",
    }
    values = {b: {f.action_id: state_value(f, answers.get(b, ""))} for b, f in fields.items()}
    view = {**view, "id": "V0TWICE", "hash": "1733.abc"}
    body = interaction_body(
        view_submission_payload(team_id=TEAM, user_id="U0EMMA", view=view, values=values)
    )
    first = server.post(body)
    again = server.post(body)
    assert (first.status, again.status) == (200, 200)
    numbers = _deals(url, "Submitted twice")
    assert len(numbers) == 1
    # Both deliveries are answered, each with the one deal.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and len(_answers_naming(server, numbers[0])) < 2:
        time.sleep(0.05)
    assert len(_answers_naming(server, numbers[0])) == 2


def _answers_naming(server: Server, number: int) -> list[object]:
    return [c for c in server.slack.calls_to("response_url") if f"#{number} " in str(c.args)]
