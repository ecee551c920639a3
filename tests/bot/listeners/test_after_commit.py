""" "Nothing was changed" only when nothing was: a failure after the commit says the change was
made and how to see it, so that the rep does not do it again."""

from __future__ import annotations

import json
from typing import Any, NoReturn

import pytest
from slack_bolt import BoltResponse
from sqlalchemy.orm import Session

from bot.ids import Action, Block, card_value
from bot.listeners import deal_cards, deal_changes, deals
from bot.listeners.errors import ChangeMade, on_error
from bot.services import Services
from commands.context import Actor
from commands.deals import new as opp_new
from commands.deals import show as opp_show
from commands.i18n import t
from tests.bot.listeners.support import Call, services_for
from tests.conftest import add_user, setup_team


@pytest.fixture
def rep(session: Session) -> Actor:
    setup_team(session)
    actor = add_user(session, "U0REP")
    opp_new.quick(session=session, actor=actor, text="Dupond 6000 peinture close fin décembre")
    return actor


@pytest.fixture
def services(session: Session, monkeypatch: pytest.MonkeyPatch) -> Services:
    for module in (deals, deal_cards, deal_changes):
        monkeypatch.setattr(module, "refresh_homes", lambda *_: None, raising=False)
    return services_for(session)


def _broken(*_: Any, **__: Any) -> NoReturn:
    raise RuntimeError("drawing failed")


def _stage(session: Session, actor: Actor) -> str:
    return opp_show.find(session=session, actor=actor, ref="#1").stage.name


def test_a_command_whose_answer_fails_after_the_commit_says_it_was_done(
    session: Session, services: Services, rep: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deals.deal_views, "card_message", _broken)
    command = {"text": "suivant #1", "response_url": "", "trigger_id": "T1"}
    call = Call(services, rep, command=command, body=command)
    with pytest.raises(ChangeMade) as raised:
        call.run(deals.opp_command)
    answered = on_error(raised.value, {"command": "/opp"}, call.context, BoltResponse(status=500))
    assert answered is not None
    text = json.loads(answered.body)["text"]
    assert text == t("fr", "error.change_made", number=1)
    assert "/opp voir #1" in text and "Rien n'a été modifié" not in text
    assert _stage(session, rep) == "Rendez-vous planifié"  # moved, once


def test_a_command_that_changed_nothing_still_says_nothing_changed(
    session: Session, services: Services, rep: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deals.deal_views, "card_message", _broken)
    command = {"text": "voir #1", "response_url": "", "trigger_id": "T1"}
    call = Call(services, rep, command=command, body=command)
    with pytest.raises(RuntimeError):
        call.run(deals.opp_command)


def test_a_click_whose_redraw_fails_says_it_was_done_in_the_dm(
    session: Session, services: Services, rep: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deal_changes, "redraw", _broken)
    version = opp_show.find(session=session, actor=rep, ref="#1").version
    call = Call(
        services,
        rep,
        body={"message": {"blocks": []}},
        action={"action_id": Action.ADVANCE, "value": card_value(1, version)},
    )
    call.run(deal_cards.clicked)
    assert call.acked == {}
    assert call.dm_texts() == [t("fr", "error.change_made", number=1)]
    assert _stage(session, rep) == "Rendez-vous planifié"


def test_a_saved_edit_whose_answer_fails_is_told_by_dm_never_a_500(
    session: Session, services: Services, rep: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """15.4: the modal was accepted (acked), then Slack refused the answer: a DM says so."""
    monkeypatch.setattr(deal_changes, "send_card", _broken)
    version = opp_show.find(session=session, actor=rep, ref="#1").version
    metadata = {"number": 1, "version": version, "response_url": ""}
    form = {
        "state": {"values": {Block.AMOUNT: {Block.AMOUNT: {"value": "7500"}}}},
        "private_metadata": json.dumps(metadata),
    }
    call = Call(services, rep, view=form)
    call.run(deal_cards.edit_submitted)  # nothing escapes: Bolt answers its 200
    assert call.acked == {}
    assert call.dm_texts() == [t("fr", "error.change_made", number=1)]
    assert opp_show.find(session=session, actor=rep, ref="#1").amount_minor == 750_000


def test_when_slack_refuses_even_the_dm_the_request_is_still_answered(
    session: Session, services: Services, rep: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deal_changes, "send_card", _broken)
    version = opp_show.find(session=session, actor=rep, ref="#1").version
    metadata = {"number": 1, "version": version, "response_url": ""}
    form = {
        "state": {"values": {Block.AMOUNT: {Block.AMOUNT: {"value": "7500"}}}},
        "private_metadata": json.dumps(metadata),
    }
    call = Call(services, rep, view=form)
    call.client.chat_postMessage.side_effect = RuntimeError("Slack is down")
    call.run(deal_cards.edit_submitted)  # nothing escapes to Bolt: no HTTP 500
    assert call.acked == {}
