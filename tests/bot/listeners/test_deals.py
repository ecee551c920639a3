"""`/opp`, the "Open" button, the account typeahead and the new-deal modal, called as Bolt would."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot.ids import Block
from bot.listeners import deals
from bot.services import Services
from commands.context import Actor
from commands.errors import InvalidInput
from commands.i18n import t
from tests.bot.listeners.support import Call, services_for
from tests.conftest import add_user, setup_team


@pytest.fixture
def rep(session: Session) -> Actor:
    setup_team(session)
    return add_user(session, "U0REP")


@pytest.fixture
def services(session: Session) -> Services:
    return services_for(session)


@pytest.fixture
def homes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """Whose Homes a listener refreshed (publishing them is `bot.home`'s own business)."""
    refreshed: list[tuple[str, ...]] = []
    monkeypatch.setattr(
        deals, "refresh_homes", lambda _s, _c, _team, users: refreshed.append(tuple(users))
    )
    return refreshed


def _opp(services: Services, actor: Actor, text: str) -> Call:
    command = {"text": text, "channel_id": "C0SALES", "response_url": "", "trigger_id": "T1"}
    call = Call(services, actor, command=command, body=command)
    call.run(deals.opp_command)
    return call


def test_a_quick_create_acks_with_the_new_card_and_refreshes_the_home(
    services: Services, rep: Actor, homes: list[tuple[str, ...]]
) -> None:
    call = _opp(services, rep, "nouvelle Dupond 6000€ peinture close fin décembre")
    assert call.acked is not None
    assert call.acked["text"] == t("fr", "opp.created", number=1)
    assert call.acked["response_type"] == "ephemeral"
    assert homes == [("U0REP",)]


def test_help_is_answered_without_the_database(rep: Actor) -> None:
    call = Call(services_for(None), rep, command={"text": ""})  # type: ignore[arg-type]
    call.run(deals.opp_command)
    assert call.acked is not None and "/opp" in call.acked["text"]


def test_new_without_details_opens_the_modal_after_the_ack(services: Services, rep: Actor) -> None:
    call = _opp(services, rep, "nouvelle")
    assert call.acked == {}
    view = call.client.views_open.call_args.kwargs["view"]
    assert call.client.views_open.call_args.kwargs["trigger_id"] == "T1"
    assert view["callback_id"] == "opp_new"
    assert json.loads(view["private_metadata"]) == {"channel": "C0SALES", "response_url": ""}


def test_a_move_by_command_acks_with_the_card_and_what_happened(
    services: Services, rep: Actor, homes: list[tuple[str, ...]]
) -> None:
    _opp(services, rep, "nouvelle Dupond 6000€ peinture close fin décembre")
    call = _opp(services, rep, "suivant #1")
    assert call.acked is not None and call.acked["text"].startswith("#1")
    assert "Rendez-vous planifié" in json.dumps(call.acked["blocks"], ensure_ascii=False)
    assert homes[-1] == ("U0REP", "U0REP")


def test_an_unknown_subcommand_is_refused_before_the_ack(services: Services, rep: Actor) -> None:
    """The guard lets it through to Bolt's error handler, which answers the command."""
    with pytest.raises(InvalidInput) as refused:
        _opp(services, rep, "danser")
    assert refused.value.key == "opp.unknown_subcommand"


def test_open_on_a_missing_deal_is_told_after_the_ack(services: Services, rep: Actor) -> None:
    call = Call(services, rep, action={"value": "#42"})
    call.run(deals.show)
    assert call.acked == {}
    assert call.dm_texts() == [t("fr", "opp.not_found", number=42)]
    call.respond.assert_not_called()


def test_the_account_typeahead_offers_a_new_account(services: Services, rep: Actor) -> None:
    call = Call(services, rep, payload={"value": "Acme"})
    call.run(deals.account_options)
    assert call.acked is not None
    assert [o["value"] for o in call.acked["options"]] == ["new:Acme"]


def _form(**values: Any) -> dict[str, Any]:
    state = {block: {block: value} for block, value in values.items()}
    return {"state": {"values": state}, "private_metadata": json.dumps({"response_url": ""})}


def test_a_modal_missing_its_fields_is_answered_next_to_them(
    services: Services, rep: Actor
) -> None:
    call = Call(services, rep, view=_form(**{Block.TITLE: {"value": "Audit"}}))
    call.run(deals.new_opportunity)
    assert call.acked is not None and call.acked["response_action"] == "errors"
    assert {"account", "amount"} <= set(call.acked["errors"])
