"""The card's buttons and the "Lost" and edit modals, called as Bolt would."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot.ids import Action, Block, Menu, card_value
from bot.listeners import deal_cards, deal_changes
from bot.services import Services
from bot.views.deals import card_message
from commands.context import Actor
from commands.deals import new as opp_new
from commands.deals import show as opp_show
from commands.i18n import t
from storage.models import Status
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
    for module in (deal_cards, deal_changes):
        monkeypatch.setattr(module, "refresh_homes", lambda *_: None, raising=False)
    return services_for(session)


def _deal(session: Session, actor: Actor):  # type: ignore[no-untyped-def]
    return opp_show.find(session=session, actor=actor, ref="#1")


def _card_body(session: Session, actor: Actor) -> dict[str, Any]:
    card = opp_show.full_card(session=session, actor=actor, opportunity=_deal(session, actor))
    return {"message": {"blocks": card_message(card, "fr", actor.tz)["blocks"]}, "trigger_id": "T1"}


def test_advance_redraws_the_card_in_place_with_what_happened(
    session: Session, services: Services, rep: Actor
) -> None:
    version = _deal(session, rep).version
    call = Call(
        services,
        rep,
        body=_card_body(session, rep),
        action={"action_id": Action.ADVANCE, "value": card_value(1, version)},
    )
    call.run(deal_cards.clicked)
    assert call.acked == {}
    answer = call.respond.call_args.kwargs
    assert answer["replace_original"] is True and answer["response_type"] == "ephemeral"
    assert "Rendez-vous planifié" in answer["text"]
    assert _deal(session, rep).stage.name == "Rendez-vous planifié"


def test_a_stale_card_changes_nothing_and_says_so(
    session: Session, services: Services, rep: Actor
) -> None:
    stale = card_value(1, _deal(session, rep).version - 1)
    call = Call(
        services,
        rep,
        body=_card_body(session, rep),
        action={"action_id": Action.WON, "value": stale},
    )
    call.run(deal_cards.clicked)
    stage = _deal(session, rep).stage.name
    assert call.respond.call_args.kwargs["text"] == t("fr", "move.stale", number=1, stage=stage)
    assert _deal(session, rep).status == Status.OPEN


def test_snooze_from_the_menu_is_a_week(session: Session, services: Services, rep: Actor) -> None:
    value = f"{Menu.SNOOZE}:{card_value(1, _deal(session, rep).version)}"
    call = Call(
        services,
        rep,
        body=_card_body(session, rep),
        action={"selected_option": {"value": value}},
    )
    call.run(deal_cards.menu)
    assert call.acked == {}
    assert _deal(session, rep).snoozed_until == rep.today + timedelta(days=7)


def _lost_form(reason: str | None, detail: str = "") -> dict[str, Any]:
    picked = {"selected_option": {"value": reason}} if reason else {"selected_option": None}
    return {
        "state": {
            "values": {
                Block.LOST_REASON: {Block.LOST_REASON: picked},
                Block.LOST_DETAIL: {Block.LOST_DETAIL: {"value": detail}},
            }
        },
        "private_metadata": json.dumps({"number": 1, "version": 1, "response_url": ""}),
    }


def test_lost_needs_a_reason_and_joins_the_detail(
    session: Session, services: Services, rep: Actor
) -> None:
    refused = Call(services, rep, view=_lost_form(None))
    refused.run(deal_cards.lost_submitted)
    assert refused.acked == {
        "response_action": "errors",
        "errors": {"lost_reason": t("fr", "move.lost_reason_required")},
    }
    call = Call(services, rep, view=_lost_form("Prix", "  trop cher "))
    call.run(deal_cards.lost_submitted)
    assert call.acked == {}
    deal = _deal(session, rep)
    assert deal.status == Status.LOST and deal.lost_reason == "Prix — trop cher"
    assert call.dm_texts() and call.dm_texts()[0].startswith("#1")


def _edit_form(version: int, **values: str) -> dict[str, Any]:
    state = {block: {block: {"value": value}} for block, value in values.items()}
    metadata = {"number": 1, "version": version, "response_url": ""}
    return {"state": {"values": state}, "private_metadata": json.dumps(metadata)}


def test_the_edit_modal_applies_what_changed(
    session: Session, services: Services, rep: Actor
) -> None:
    form = _edit_form(_deal(session, rep).version, amount="7500", probability="40 %")
    call = Call(services, rep, view=form)
    call.run(deal_cards.edit_submitted)
    assert call.acked == {}
    deal = _deal(session, rep)
    assert (deal.amount_minor, deal.probability_override) == (750_000, 40)
    fields = ", ".join(t("fr", f"field.{f}") for f in ("amount", "probability"))
    assert call.dm_texts() == [t("fr", "move.edited", number=1, fields=fields)]


def test_the_edit_modal_refuses_each_field_next_to_it(
    session: Session, services: Services, rep: Actor
) -> None:
    version = _deal(session, rep).version
    call = Call(services, rep, view=_edit_form(version, amount="beaucoup", probability="140"))
    call.run(deal_cards.edit_submitted)
    assert call.acked is not None and call.acked["response_action"] == "errors"
    assert set(call.acked["errors"]) == {"amount", "probability"}
    assert call.acked["errors"]["probability"] == t("fr", "edit.probability_invalid", value="140")
    assert _deal(session, rep).amount_minor == 600_000


def test_an_edit_of_a_deal_changed_meanwhile_is_refused_at_the_title(
    session: Session, services: Services, rep: Actor
) -> None:
    stale = _deal(session, rep).version - 1
    call = Call(services, rep, view=_edit_form(stale, amount="7500"))
    call.run(deal_cards.edit_submitted)
    assert call.acked == {
        "response_action": "errors",
        "errors": {"title": t("fr", "move.conflict", number=1)},
    }
    assert _deal(session, rep).amount_minor == 600_000
