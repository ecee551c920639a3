"""End to end: signed requests to the real `salesbot http` process, Slack faked on loopback."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.blockkit_limits import message_problems, view_problems
from bot.devtools.modal_input import input_fields, state_value
from tests.e2e_support import TEAM, Server, running_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path: Path = tmp_path_factory.mktemp("e2e") / "salesbot.db"
    with running_server(f"sqlite:///{path}") as running:
        yield running


def _text(reply_json: dict[str, Any]) -> str:
    """Everything a user would read in a message: fallback text and every block's text."""
    return (
        reply_json.get("text", "")
        + "\n"
        + json.dumps(reply_json.get("blocks", []), ensure_ascii=False)
    )


def test_health_answers_once_the_database_does(server: Server) -> None:
    assert server.get("/healthz").status == 200
    assert server.get("/nowhere").status == 404


@pytest.mark.parametrize("tamper", ["secret", "timestamp"])
def test_unsigned_or_replayed_requests_are_refused(server: Server, tamper: str) -> None:
    from bot.devtools.slackreq import command_body

    body = command_body(
        team_id=TEAM,
        user_id="U0MARIE",
        command="/opp",
        text="new Pirate 1000 x close fin décembre",
        response_url=server.slack.response_url("x"),
    )
    if tamper == "secret":
        reply = server.post(body, secret="not-the-secret")
    else:
        reply = server.post(body, timestamp=int(time.time()) - 600)
    assert reply.status == 401
    listing = server.command("U0MARIE", "list").json()
    assert "Pirate" not in _text(listing)


def test_help_follows_each_users_slack_locale(server: Server) -> None:
    french = server.command("U0MARIE", "aide").json()
    english = server.command("U0EMMA", "help").json()
    assert "Vos opportunités" in french["text"]
    assert "Your opportunities" in english["text"]
    assert french["response_type"] == "ephemeral"


def test_quick_create_then_list_and_show(server: Server) -> None:
    created = server.command(
        "U0MARIE", "nouvelle Dupond 6000€ Peinture anti-polluants close début octobre"
    ).json()
    assert not message_problems(created["blocks"], created["text"])
    text = _text(created)
    assert "Peinture anti-polluants" in text and "6\u202f000\xa0€" in text
    number = int(created["text"].split("#")[1].split()[0])
    listing = server.command("U0MARIE", "liste").json()
    assert f"#{number} · Dupond" in _text(listing)
    shown = server.command("U0MARIE", f"voir #{number}").json()
    assert "Historique" in _text(shown) and "Opportunité à qualifier" in _text(shown)
    # English readers get English words and English money.
    english = server.command("U0EMMA", f"show #{number}").json()
    assert "€6,000" in _text(english) and "History" in _text(english)


def test_the_modal_flow_with_inline_errors(server: Server) -> None:
    server.slack.clear()
    reply = server.command("U0MARIE", "new")
    assert reply.status == 200
    opened = server.slack.wait_for("views.open")
    assert opened.ok, opened.error
    view = opened.args["view"]
    assert not view_problems(view)
    # Typeahead over accounts, with "new account" for what was typed.
    from bot.devtools.slackreq import block_suggestion_payload, interaction_body

    suggestion = server.post(
        interaction_body(
            block_suggestion_payload(
                team_id=TEAM,
                user_id="U0MARIE",
                action_id="opp_account",
                block_id="account",
                value="Boulangerie",
                view=view,
            )
        )
    )
    options = suggestion.json()["options"]
    assert options[-1]["value"] == "new:Boulangerie"
    fields = {f.block_id: f for f in input_fields(view)}
    answers = {
        "account": "new:Boulangerie Lemaire",
        "title": "Fours",
        "amount": "beaucoup",
        "close_date": "2020-01-01",
        "stage": "1",
    }
    values = {b: {f.action_id: state_value(f, answers.get(b, ""))} for b, f in fields.items()}
    refused = server.submit("U0MARIE", view, values).json()
    assert refused["response_action"] == "errors"
    assert set(refused["errors"]) == {"amount", "close_date"}
    answers |= {"amount": "8 500 €", "close_date": "2027-02-15", "qualification": "1,2,4"}
    values = {b: {f.action_id: state_value(f, answers.get(b, ""))} for b, f in fields.items()}
    accepted = server.submit("U0MARIE", view, values)
    assert accepted.status == 200 and accepted.body in ("", "null")
    card = server.slack.wait_for("response_url")
    assert "Boulangerie Lemaire" in _text(card.args) and "8\u202f500\xa0€" in _text(card.args)


def test_the_show_button_answers_with_the_card(server: Server) -> None:
    created = server.command("U0MARIE", "new Acme 3.5k renewal close next month").json()
    number = created["text"].split("#")[1].split()[0]
    server.slack.clear()
    reply = server.action(
        "U0MARIE", {"action_id": "opp_show", "block_id": "b", "type": "button", "value": number}
    )
    assert reply.status == 200
    answer = server.slack.wait_for("response_url")
    assert answer.ok and "renewal" in _text(answer.args)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("frobnicate", "Je ne connais pas"),
        ("voir #999999", "Aucune opportunité #999999"),
        ("x" * 5000, "Trop long"),
        ("voir douze", "pas un numéro"),
        ("new Acme 1000 x close 31 février", "existe pas"),
        ("new Acme 1000 x close 2020-01-01", "passé"),
    ],
)
def test_bad_input_gets_a_clear_answer_in_french(server: Server, text: str, expected: str) -> None:
    reply = server.command("U0MARIE", text)
    assert reply.status == 200
    answer = reply.json()
    assert answer["response_type"] == "ephemeral"
    assert expected.lower() in answer["text"].lower()


def test_another_workspaces_numbers_do_not_exist_here(server: Server) -> None:
    server.command("U0MARIE", "new Secret 50k x close fin décembre", team="T0ELSEWHERE")
    created = server.command("U0MARIE", "new Visible 1k y close fin décembre").json()
    number = int(created["text"].split("#")[1].split()[0])
    elsewhere = server.command("U0MARIE", f"voir #{number}", team="T0ELSEWHERE").json()
    assert "Visible" not in _text(elsewhere)


def test_echoed_text_cannot_ping_anyone(server: Server) -> None:
    created = server.command(
        "U0MARIE", 'new "<!channel> @here Corp" 1000 <@U0BOSS> spam close fin décembre'
    ).json()
    text = _text(created)
    assert "<!channel>" not in text and "<@U0BOSS>" not in text
    assert "@here" not in text  # defused with a word joiner
    assert "&lt;@U0BOSS&gt; spam" in text


def test_a_long_list_stays_within_slacks_limits(server: Server) -> None:
    for i in range(30):
        server.command("U0BOSS", f"new Client{i} {i + 1}k item close fin décembre")
    listing = server.command("U0BOSS", "list").json()
    assert not message_problems(listing["blocks"], listing["text"])
    assert "10 autres" in _text(listing)
