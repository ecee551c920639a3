"""A deal's whole life through the real server, and every card button wherever the card is shown:
in a message (with a `response_url`) and in the App Home (a view container, without one)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from bot.blockkit_limits import view_problems
from bot.devtools.localslack import ApiCall
from bot.devtools.modal_input import input_fields, state_value
from bot.devtools.slackreq import block_actions_payload, interaction_body
from storage.db import Database
from storage.models import Workspace
from tests.e2e_support import TEAM, Server, running_server

pytestmark = pytest.mark.e2e

SORRY = "Désolé"  # the start of "something went wrong" in French
WHERE = ("message", "home")


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('life') / 'salesbot.db'}"


@pytest.fixture(scope="module")
def server(db_url: str) -> Iterator[Server]:
    database = Database(db_url)
    database.migrate()
    with running_server(db_url) as running:
        running.command("U0MARIE", "aide")  # first contact creates the workspace
        with database.transaction() as session:
            workspace = session.get(Workspace, TEAM)
            assert workspace is not None
            workspace.announce_channel = "C0VENTES"
        database.dispose()
        yield running


def _text(message: dict[str, Any]) -> str:
    return str(message.get("text", "")) + json.dumps(message.get("blocks", []), ensure_ascii=False)


def _new(server: Server) -> int:
    reply = server.command("U0MARIE", "new Dupond 6000 peinture close fin mars").json()
    assert "blocks" in reply, reply
    return int(reply["text"].split("#")[1].split()[0])


def _card(server: Server, number: int, user: str = "U0MARIE") -> dict[str, Any]:
    shown = server.command(user, f"voir #{number}").json()
    assert "blocks" in shown and SORRY not in shown["text"], shown
    return dict(shown)


def _element(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    for block in blocks:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                return dict(element)
    raise AssertionError(f"no {action_id} on the card")


def _menu_option(blocks: list[dict[str, Any]], choice: str) -> dict[str, Any]:
    menu = _element(blocks, "opp_menu")
    return next(o for o in menu["options"] if o["value"].startswith(f"{choice}:"))


def _home(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """The App Home as Slack sends it with a click in it: the view, its blocks, its metadata."""
    return {
        "id": "VHOME0MARIE",
        "type": "home",
        "blocks": blocks,
        "private_metadata": json.dumps({"selected": ""}),
    }


def _press(
    server: Server, where: str, blocks: list[dict[str, Any]], action: dict[str, Any]
) -> None:
    """One click on a card shown in a message or in the Home; Slack gets its 200."""
    server.slack.clear()
    payload = block_actions_payload(
        team_id=TEAM,
        user_id="U0MARIE",
        action={"block_id": "x", **action},
        response_url=server.slack.response_url(uuid.uuid4().hex),
        message={"ts": "1.0", "blocks": blocks} if where == "message" else None,
        view=_home(blocks) if where == "home" else None,
    )
    if where == "home":
        assert "response_url" not in payload
    reply = server.post(interaction_body(payload))
    assert reply.status == 200, reply


def _answer(server: Server, where: str, expected: str) -> str:
    """What the user sees after the click: the message redrawn, or the Home republished with
    a line on top; never the "something went wrong" text."""
    if where == "message":
        call = server.slack.wait_for("response_url")
        shown = _text(call.args)
    else:

        def noted(call: ApiCall) -> bool:
            view = call.args.get("view") or {}
            return bool(
                call.args["user_id"] == "U0MARIE"
                and expected in json.dumps(view, ensure_ascii=False)
            )

        call = server.slack.wait_for("views.publish", noted)
        time.sleep(0.3)  # a refresh after it would have replaced it by now
        last = server.slack.calls_to("views.publish")
        assert noted([c for c in last if c.args["user_id"] == "U0MARIE"][-1]), "note wiped"
        view = call.args["view"]
        assert not view_problems(view)
        assert view["blocks"][1]["type"] == "context"  # the line saying what happened, on top
        shown = json.dumps(view, ensure_ascii=False)
    assert call.ok and expected in shown, shown[:400]
    assert not [m for m in server.slack.sent_messages() if SORRY in str(m.args.get("text"))]
    return shown


def _click(server: Server, where: str, number: int, action_id: str, **extra: Any) -> str:
    blocks = _card(server, number)["blocks"]
    element = _element(blocks, action_id)
    action = {"action_id": action_id, "type": element["type"], "value": element.get("value")}
    _press(server, where, blocks, {**action, **extra})
    return ""


@pytest.mark.parametrize("where", WHERE)
def test_advance_and_the_stage_picker(server: Server, where: str) -> None:
    number = _new(server)
    _click(server, where, number, "opp_advance")
    _answer(server, where, f"#{number} passe en « Rendez-vous planifié »")
    picker = _element(_card(server, number)["blocks"], "opp_stage")
    _click(server, where, number, "opp_stage", selected_option=picker["options"][3])
    _answer(server, where, f"#{number} passe en « Proposition envoyée »")
    assert "Proposition envoyée ·" in _text(_card(server, number))


@pytest.mark.parametrize("where", WHERE)
def test_won_is_announced_then_reopen(server: Server, where: str) -> None:
    number = _new(server)
    _click(server, where, number, "opp_won")
    _answer(server, where, f"#{number} gagnée")
    announced = server.slack.wait_for("chat.postMessage", lambda c: c.args["channel"] == "C0VENTES")
    assert f"#{number}" in announced.args["text"]
    _click(server, where, number, "opp_reopen")
    _answer(server, where, f"#{number} rouverte")
    assert "statut Gagnée → En cours" in _text(_card(server, number))


@pytest.mark.parametrize("where", WHERE)
def test_the_menu_snoozes_reopens_and_shows(server: Server, where: str) -> None:
    number = _new(server)
    blocks = _card(server, number)["blocks"]
    snooze = {"action_id": "opp_menu", "type": "overflow"}
    _press(server, where, blocks, {**snooze, "selected_option": _menu_option(blocks, "snooze")})
    _answer(server, where, f"#{number} mise en veille")
    server.command("U0MARIE", f"perdu #{number} trop cher")
    blocks = _card(server, number)["blocks"]
    _press(server, where, blocks, {**snooze, "selected_option": _menu_option(blocks, "reopen")})
    _answer(server, where, f"#{number} rouverte")
    # "Show" is in the menu of a board's line: the same listener.
    reopen = _menu_option(blocks, "reopen")
    show = {**reopen, "value": "show:" + reopen["value"].partition(":")[2]}
    _press(server, where, blocks, {**snooze, "selected_option": show})
    if where == "home":
        _answer(server, where, f"La fiche de #{number} est dans votre onglet Messages")
        dm = server.slack.wait_for("chat.postMessage", lambda c: c.args["channel"] == "U0MARIE")
        assert f"#{number} · Dupond" in _text(dm.args)
    else:
        assert f"#{number} · Dupond" in _answer(server, where, f"#{number}")


@pytest.mark.parametrize("where", WHERE)
def test_the_show_button_of_a_list(server: Server, where: str) -> None:
    number = _new(server)
    listed = server.command("U0MARIE", "liste").json()
    show = next(
        e
        for b in listed["blocks"]
        if (e := b.get("accessory") or {}).get("action_id") == "opp_show"
        and e["value"] == str(number)
    )
    _press(server, where, listed["blocks"], {**show, "type": "button"})
    if where == "home":
        dm = server.slack.wait_for("chat.postMessage", lambda c: c.args["channel"] == "U0MARIE")
        assert f"#{number} · Dupond" in _text(dm.args)
    else:
        assert f"#{number} · Dupond" in _answer(server, where, f"#{number}")


def _open_modal(server: Server, where: str, number: int, action: dict[str, Any]) -> dict[str, Any]:
    _press(server, where, _card(server, number)["blocks"], action)
    view = server.slack.wait_for("views.open").args["view"]
    assert not view_problems(view)
    return dict(view)


@pytest.mark.parametrize("where", WHERE)
def test_the_edit_and_lost_modals_answer_where_they_were_opened(server: Server, where: str) -> None:
    number = _new(server)
    blocks = _card(server, number)["blocks"]
    edit = {"action_id": "opp_menu", "type": "overflow"}
    view = _open_modal(
        server, where, number, {**edit, "selected_option": _menu_option(blocks, "edit")}
    )
    fields = {f.block_id: f for f in input_fields(view)}
    answers = {b: f.initial or "" for b, f in fields.items()}
    answers["amount"] = "7 500"
    values = {b: {f.action_id: state_value(f, answers[b])} for b, f in fields.items()}
    server.slack.clear()
    assert server.submit("U0MARIE", view, values).status == 200
    _answer(server, where, f"#{number} modifiée : montant.")
    lost = _element(_card(server, number)["blocks"], "opp_lost")
    view = _open_modal(
        server, where, number, {"action_id": "opp_lost", "type": "button", "value": lost["value"]}
    )
    fields = {f.block_id: f for f in input_fields(view)}
    values = {
        "lost_reason": {"lost_reason": state_value(fields["lost_reason"], "1")},
        "lost_detail": {"lost_detail": state_value(fields["lost_detail"], "")},
    }
    server.slack.clear()
    assert server.submit("U0MARIE", view, values).status == 200
    _answer(server, where, f"#{number} marquée perdue")


def test_a_deals_whole_life_by_text_and_buttons(server: Server) -> None:
    number = _new(server)
    for typed, said in [
        (f"gagne #{number}", f"#{number} gagnée"),
        (f"rouvrir #{number}", f"#{number} rouverte"),
        (f"voir #{number}", f"#{number} · Dupond"),
        (f"modifier #{number} montant 7000", f"#{number} modifiée : montant."),
        (f"suivant #{number}", f"#{number} passe en « Rendez-vous planifié »"),
        (f"perdu #{number} trop cher", f"#{number} marquée perdue"),
        (f"rouvrir #{number}", f"#{number} rouverte"),
    ]:
        answer = server.command("U0MARIE", typed).json()
        assert said in _text(answer) and SORRY not in answer["text"], (typed, answer)
    _click(server, "message", number, "opp_advance")
    _answer(server, "message", f"#{number} passe en « Besoins identifiés »")
    card = _text(_card(server, number))
    assert card.count("statut ") == 4 and card.count("étape « ") == 2


def test_whose_deal_it_is_and_only_the_buttons_one_may_use(server: Server) -> None:
    number = _new(server)
    theirs = server.command("U0EMMA", f"show #{number}").json()
    assert f"#{number} · Dupond" in _text(theirs)
    assert not [b for b in theirs["blocks"] if b["type"] == "actions"]  # no Won/Lost to refuse
    board = _text(server.command("U0BOSS", "all", command="/pipeline").json())
    assert "· Dupond* — peinture · <@U0MARIE>" in board  # each line names its owner


def test_a_long_list_has_a_more_button_that_pages_through(server: Server) -> None:
    for n in range(22):
        server.command("U0EMMA", f"new Lot{n} {100 + n} audit close end of March")
    listed = server.command("U0EMMA", "list").json()
    more = listed["blocks"][-1]["accessory"]
    assert more["action_id"] == "opp_list_page"
    server.slack.clear()
    payload = block_actions_payload(
        team_id=TEAM,
        user_id="U0EMMA",
        action={"block_id": "x", "type": "button", **more},
        response_url=server.slack.response_url(uuid.uuid4().hex),
        message={"ts": "1.0", "blocks": listed["blocks"]},
    )
    assert server.post(interaction_body(payload)).status == 200
    page = server.slack.wait_for("response_url").args
    assert "Opportunities 21 to 22 of 22" in _text(page)
    assert "· Lot0*" in _text(page) and "· Lot21*" not in _text(page)  # the smallest, last


def test_a_saved_edit_whose_answer_slack_refuses_is_told_by_dm(server: Server) -> None:
    """After the modal was accepted, its answer fails (the response_url and a first DM): the
    request is still a 200 and a DM says the change was made — never "nothing was changed"."""
    number = _new(server)
    blocks = _card(server, number)["blocks"]
    edit = {"action_id": "opp_menu", "type": "overflow"}
    view = _open_modal(
        server, "message", number, {**edit, "selected_option": _menu_option(blocks, "edit")}
    )
    fields = {f.block_id: f for f in input_fields(view)}
    answers = {b: f.initial or "" for b, f in fields.items()}
    answers["amount"] = "8 000"
    values = {b: {f.action_id: state_value(f, answers[b])} for b, f in fields.items()}
    server.slack.clear()
    server.slack.fail_next("response_url", status=500, error="internal_error")
    server.slack.fail_next("chat.postMessage", status=200, error="fatal_error")
    assert server.submit("U0MARIE", view, values).status == 200

    def told(call: ApiCall) -> bool:
        return call.ok and call.args.get("channel") == "U0MARIE"

    dm = server.slack.wait_for("chat.postMessage", told)
    assert f"#{number}" in dm.args["text"] and f"/opp voir #{number}" in dm.args["text"]
    assert SORRY not in dm.args["text"]
    assert "8\u202f000\xa0€" in _text(_card(server, number))
