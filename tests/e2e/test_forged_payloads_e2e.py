"""Forged values in signed payloads get a clear refusal (or the stale-card answer), never
"something went wrong" — on SQLite and on PostgreSQL, whose INTEGER stops at 2³¹."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from bot.devtools.slackreq import block_actions_payload, interaction_body
from commands.i18n import t
from tests.e2e_support import TEAM, Server, running_server

pytestmark = pytest.mark.e2e

FORGED = t("fr", "payload.forged")
UNEXPECTED = t("fr", "error.unexpected")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('forged') / 'salesbot.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    with running_server(url) as running:
        yield running


def _card(server: Server) -> dict[str, Any]:
    card = server.command("U0MARIE", "new Dupond 6000 peinture close fin mars").json()
    assert "blocks" in card, card
    return card


def _number(card: dict[str, Any]) -> int:
    return int(card["text"].split("#")[1].split()[0])


def _click(server: Server, action_id: str, value: str, *, select: bool = False) -> str:
    """What the user reads after a click whose value was forged."""
    key = uuid.uuid4().hex
    action: dict[str, Any] = {"action_id": action_id, "block_id": "x", "type": "button"}
    if select:
        action |= {"type": "static_select", "selected_option": {"value": value}}
    else:
        action["value"] = value
    payload = block_actions_payload(
        team_id=TEAM,
        user_id="U0MARIE",
        action=action,
        response_url=server.slack.response_url(key),
        message={"ts": "1.0", "blocks": []},
    )
    assert server.post(interaction_body(payload)).status == 200
    answer = server.slack.wait_for("response_url", lambda c: c.args.get("key") == key, timeout=10)
    return str(answer.args.get("text", ""))


@pytest.mark.parametrize("value", ["²:1", "4294967296:1", "0:1", "-3:1", ""])
def test_a_forged_deal_number_is_refused_clearly(server: Server, value: str) -> None:
    text = _click(server, "opp_advance", value)
    assert text == FORGED and UNEXPECTED not in text


@pytest.mark.parametrize("stage", ["2147483648", "99999999999", "²", "0"])
def test_a_forged_stage_id_is_refused_clearly(server: Server, stage: str) -> None:
    card = _card(server)
    value = f"{stage}:{_number(card)}:1"
    assert _click(server, "opp_stage", value, select=True) == FORGED


@pytest.mark.parametrize("version", ["-1", "abc", "", "²", "99999999999"])
def test_a_forged_card_version_is_answered_as_a_stale_card(server: Server, version: str) -> None:
    card = _card(server)
    number = _number(card)
    text = _click(server, "opp_advance", f"{number}:{version}" if version else str(number))
    assert text.startswith(f"Cette fiche n'était plus à jour : #{number}")
    shown = server.command("U0MARIE", f"voir #{number}").json()
    assert "Rendez-vous planifié ·" not in json.dumps(shown, ensure_ascii=False)


@pytest.mark.parametrize("metadata", ["null", "[]", '{"number": "²"}', '{"number": 4294967296}'])
def test_forged_modal_metadata_is_refused_on_the_form(server: Server, metadata: str) -> None:
    view = {
        "id": "V" + uuid.uuid4().hex[:10].upper(),
        "type": "modal",
        "callback_id": "opp_lost_modal",
        "private_metadata": metadata,
        "blocks": [{"type": "input", "block_id": "lost_reason", "element": {}}],
    }
    values = {
        "lost_reason": {"lost_reason": {"type": "static_select", "selected_option": None}},
        "lost_detail": {"lost_detail": {"type": "plain_text_input", "value": "x"}},
    }
    answer = server.submit("U0MARIE", view, values).json()
    assert answer["response_action"] == "errors"
    assert list(answer["errors"].values()) == [FORGED]


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("/opp", "voir #ab\x00c\x1b[31m"),
        ("/pipeline", "ab\x00c\x1b[31m"),
        ("/forecast", "ab\x00c\x1b[31m"),
        ("/salesbot", "rappels ab\x00c\x1b[31m"),
    ],
)
def test_control_characters_are_not_echoed_in_a_refusal(
    server: Server, command: str, text: str
) -> None:
    answer = server.command("U0MARIE", text, command=command).json()
    assert answer["text"] != UNEXPECTED
    assert "\x00" not in answer["text"] and "\x1b" not in answer["text"]
