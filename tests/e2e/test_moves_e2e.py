"""Buttons through the real server: clicks redraw the card in place, stale clicks are harmless."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot.blockkit_limits import message_problems, view_problems
from bot.devtools.localslack import ApiCall
from bot.devtools.modal_input import input_fields, state_value
from storage.db import Database
from storage.models import Workspace
from tests.e2e_support import TEAM, Server, running_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('moves') / 'salesbot.db'}"


@pytest.fixture(scope="module")
def server(db_url: str) -> Iterator[Server]:
    with running_server(db_url) as running:
        yield running


def _new_card(server: Server, user: str = "U0MARIE") -> dict[str, Any]:
    reply = server.command(user, "new Dupond 6000 peinture close fin mars").json()
    assert "blocks" in reply, reply
    return reply


def _number(card: dict[str, Any]) -> int:
    return int(card["text"].split("#")[1].split()[0])


def _element(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    for block in blocks:
        if block["type"] == "actions":
            for element in block["elements"]:
                if element["action_id"] == action_id:
                    return element
    raise AssertionError(f"no {action_id} on the card")


def _click(
    server: Server, user: str, message: dict[str, Any], action_id: str, **extra: Any
) -> dict[str, Any]:
    element = _element(message["blocks"], action_id)
    action = {
        "action_id": action_id,
        "block_id": "x",
        "type": element["type"],
        "value": element.get("value"),
        **extra,
    }
    server.slack.clear()
    from bot.devtools.slackreq import block_actions_payload, interaction_body

    payload = block_actions_payload(
        team_id=TEAM,
        user_id=user,
        action=action,
        response_url=server.slack.response_url("click"),
        message={"ts": "1.0", "blocks": message["blocks"]},
    )
    assert server.post(interaction_body(payload)).status == 200
    return server.slack.wait_for("response_url").args


def _text(message: dict[str, Any]) -> str:
    return message.get("text", "") + json.dumps(message.get("blocks", []), ensure_ascii=False)


def test_advance_redraws_the_card_in_place(server: Server) -> None:
    card = _new_card(server)
    redrawn = _click(server, "U0MARIE", card, "opp_advance")
    assert redrawn["replace_original"] is True
    assert not message_problems(redrawn["blocks"], redrawn["text"])
    assert "passe en « Rendez-vous planifié »" in redrawn["text"]
    # The new card offers the next stage, and the picker shows the current one.
    assert _element(redrawn["blocks"], "opp_advance")["text"]["text"] == "→ Besoins identifiés"
    picker = _element(redrawn["blocks"], "opp_stage")
    assert picker["initial_option"]["text"]["text"] == "2. Rendez-vous planifié"


def test_a_double_click_moves_once_and_says_so(server: Server) -> None:
    card = _new_card(server)
    _click(server, "U0MARIE", card, "opp_advance")
    second = _click(server, "U0MARIE", card, "opp_advance")  # the same, stale, card
    assert "plus à jour" in second["text"] and "Rendez-vous planifié" in second["text"]
    shown = server.command("U0MARIE", f"voir #{_number(card)}").json()
    assert _text(shown).count("étape « ") == 1  # one stage change in the history


def test_the_stage_picker_moves_anywhere_in_the_process(server: Server) -> None:
    card = _new_card(server)
    picker = _element(card["blocks"], "opp_stage")
    fourth = picker["options"][3]
    redrawn = _click(server, "U0MARIE", card, "opp_stage", selected_option=fourth)
    assert "Proposition envoyée" in redrawn["text"]


def test_someone_else_cannot_move_my_deal(server: Server) -> None:
    card = _new_card(server)
    refused = _click(server, "U0EMMA", card, "opp_advance")
    assert "belongs to" in refused["text"] and refused.get("replace_original") is False
    shown = server.command("U0MARIE", f"voir #{_number(card)}").json()
    assert "Rendez-vous planifié ·" not in _text(shown)


def test_won_is_announced_in_the_chosen_channel(server: Server, db_url: str) -> None:
    database = Database(db_url)
    with database.transaction() as session:
        workspace = session.get(Workspace, TEAM)
        assert workspace is not None
        workspace.announce_channel = "C0VENTES"
    database.dispose()
    card = _new_card(server)
    redrawn = _click(server, "U0MARIE", card, "opp_won")
    assert "gagnée" in redrawn["text"]
    announced = server.slack.wait_for("chat.postMessage")
    assert announced.args["channel"] == "C0VENTES"
    assert "<@U0MARIE>" in announced.args["text"] and "6\u202f000\xa0€" in announced.args["text"]
    # A closed card offers Reopen instead of the moves.
    assert _element(redrawn["blocks"], "opp_reopen")


def test_lost_needs_a_reason_from_the_modal(server: Server) -> None:
    card = _new_card(server)
    element = _element(card["blocks"], "opp_lost")
    server.slack.clear()
    from bot.devtools.slackreq import block_actions_payload, interaction_body

    payload = block_actions_payload(
        team_id=TEAM,
        user_id="U0MARIE",
        action={
            "action_id": "opp_lost",
            "block_id": "x",
            "type": "button",
            "value": element["value"],
        },
        response_url=server.slack.response_url("lost"),
        message={"ts": "1.0", "blocks": card["blocks"]},
    )
    server.post(interaction_body(payload))
    view = server.slack.wait_for("views.open").args["view"]
    assert not view_problems(view)
    fields = {f.block_id: f for f in input_fields(view)}
    assert [o[0] for o in fields["lost_reason"].options][:2] == ["Prix", "Concurrent"]
    empty = {
        b: {f.action_id: {"type": f.type, "selected_option": None, "value": None}}
        for b, f in fields.items()
    }
    refused = server.submit("U0MARIE", view, empty).json()
    assert refused["response_action"] == "errors" and "lost_reason" in refused["errors"]
    values = {
        "lost_reason": {"lost_reason": state_value(fields["lost_reason"], "1")},
        "lost_detail": {"lost_detail": state_value(fields["lost_detail"], "trop cher")},
    }
    assert server.submit("U0MARIE", view, values).status == 200
    answer = server.slack.wait_for("response_url").args
    assert "perdue" in answer["text"] and "Prix — trop cher" in _text(answer)


def test_edit_from_the_menu_opens_a_prefilled_modal(server: Server) -> None:
    card = _new_card(server)
    menu = _element(card["blocks"], "opp_menu")
    edit = next(o for o in menu["options"] if o["value"].startswith("edit:"))
    server.slack.clear()
    from bot.devtools.slackreq import block_actions_payload, interaction_body

    payload = block_actions_payload(
        team_id=TEAM,
        user_id="U0MARIE",
        action={
            "action_id": "opp_menu",
            "block_id": "x",
            "type": "overflow",
            "selected_option": edit,
        },
        response_url=server.slack.response_url("edit"),
        message={"ts": "1.0", "blocks": card["blocks"]},
    )
    server.post(interaction_body(payload))
    view = server.slack.wait_for("views.open").args["view"]
    assert not view_problems(view)
    fields = {f.block_id: f for f in input_fields(view)}
    answers = {b: f.initial or "" for b, f in fields.items()}
    answers["amount"] = "7 500"
    answers["probability"] = "60"
    values = {b: {f.action_id: state_value(f, answers[b])} for b, f in fields.items()}
    assert server.submit("U0MARIE", view, values).status == 200
    answer = server.slack.wait_for("response_url").args
    assert "montant, probabilité" in answer["text"]
    assert "7\u202f500\xa0€" in _text(answer) and "60 % (ajustée)" in _text(answer)


def test_text_commands_in_french(server: Server) -> None:
    number = _number(_new_card(server))
    moved = server.command("U0MARIE", f"deplacer #{number} 3").json()
    assert "Besoins identifiés" in moved["text"]
    edited = server.command("U0MARIE", f"modifier #{number} montant 9k | proba 70").json()
    assert "montant, probabilité" in edited["text"]
    lost = server.command("U0MARIE", f"perdu #{number} concurrent moins cher").json()
    assert "perdue" in lost["text"]
    again = server.command("U0MARIE", f"suivant #{number}").json()
    assert "close" in again["text"]  # "L'opportunité #N est close…"


def test_pipeline_and_forecast_with_chart(server: Server) -> None:
    _new_card(server, "U0EMMA")
    board = server.command("U0EMMA", "", command="/pipeline").json()
    assert not message_problems(board["blocks"], board["text"])
    assert "Pipeline — your opportunities" in _text(board)
    assert "Opportunity à qualifier" not in _text(board)  # French stage names, English words
    forecast = server.command("U0EMMA", "chart", command="/forecast").json()
    assert not message_problems(forecast["blocks"], forecast["text"])
    assert "Forecast — your opportunities, 6 months" in forecast["text"]
    done = server.slack.wait_for("files.completeUploadExternal", timeout=20)
    assert done.ok and done.args["channel_id"].startswith("D")
    upload = server.slack.calls_to("file_upload")[-1]
    assert upload.ok
    refused = server.command("U0EMMA", "all", command="/pipeline").json()
    assert "Only admins" in refused["text"]


def _event(server: Server, user: str, event_id: str, retry: int | None = None) -> int:
    body = json.dumps({
        "token": "x", "team_id": TEAM, "api_app_id": "A0SALESBOT", "type": "event_callback",
        "event_id": event_id, "event_time": 1, "authorizations": [],
        "event": {"type": "app_home_opened", "user": user, "channel": "D0X", "tab": "home"},
    })  # fmt: skip
    from bot.devtools.slackreq import signed_headers
    from tests.e2e_support import SECRET

    headers = {"Content-Type": "application/json", **signed_headers(SECRET, body)}
    if retry is not None:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    import urllib.request

    request = urllib.request.Request(
        server.url + "/slack/events", data=body.encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


def test_opening_the_home_publishes_it_once_even_when_slack_retries(server: Server) -> None:
    import time

    time.sleep(1.5)  # the earlier tests' Home refreshes (a second after their changes) are done
    server.slack.clear()
    _new_card(server, "U0BOSS")
    # The refresh after creating it (a second later: refreshes gather a burst of changes)
    server.slack.wait_for("views.publish", lambda c: c.args["user_id"] == "U0BOSS")
    server.slack.clear()
    assert _event(server, "U0BOSS", "Ev0HOME1") == 200
    home = server.slack.wait_for("views.publish")
    assert home.ok and home.args["user_id"] == "U0BOSS"
    assert not view_problems(home.args["view"])
    assert _event(server, "U0BOSS", "Ev0HOME1", retry=1) == 200
    time.sleep(0.5)
    assert len(server.slack.calls_to("views.publish")) == 1


def _stage_counts(view: dict[str, Any]) -> list[int]:
    """The open-deal count on each stage line of a (French) Home, in process order."""
    text = json.dumps(view, ensure_ascii=False)
    return [int(n) for n in re.findall(r"\(\d+ %\) — (\d+) en cours", text)]


def test_a_click_republishes_the_owners_home(server: Server) -> None:
    def marie(call: ApiCall) -> bool:
        return bool(call.args["user_id"] == "U0MARIE")

    server.slack.clear()
    card = _new_card(server)
    before = _stage_counts(server.slack.wait_for("views.publish", marie).args["view"])
    server.slack.clear()
    _click(server, "U0MARIE", card, "opp_advance")
    published = server.slack.wait_for("views.publish", marie)
    assert published.ok
    after = _stage_counts(published.args["view"])
    # The new deal left the first stage for the second; nothing else moved.
    assert after == [before[0] - 1, before[1] + 1, *before[2:]]
