"""The nudge's own controls and the follow-ups' Done button, called as Bolt would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from bot.ids import Nudge, nudge_block
from bot.listeners import nudging
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
    monkeypatch.setattr(nudging, "refresh_homes", lambda *_: None)
    return services_for(session)


def _snoozed(session: Session, actor: Actor):  # type: ignore[no-untyped-def]
    return opp_show.find(session=session, actor=actor, ref="#1").snoozed_until


def test_snooze_for_a_week_redraws_the_nudge(
    session: Session, services: Services, rep: Actor
) -> None:
    action = {"action_id": Nudge.SNOOZE, "selected_option": {"value": "7:1"}}
    call = Call(services, rep, body={"message": {"blocks": []}}, action=action)
    call.run(nudging.snooze_for)
    assert call.acked == {}
    until = rep.today + timedelta(days=7)
    assert _snoozed(session, rep) == until
    answer = call.respond.call_args.kwargs
    assert answer["replace_original"] is True and answer["response_type"] is None
    assert answer["text"].startswith("#1")


def test_a_forged_snooze_is_told_after_the_ack_and_changes_nothing(
    session: Session, services: Services, rep: Actor
) -> None:
    action = {"action_id": Nudge.SNOOZE, "selected_option": {"value": "999:1"}}
    call = Call(services, rep, body={"message": {"blocks": []}}, action=action)
    call.run(nudging.snooze_for)
    assert call.acked == {}
    assert call.dm_texts() == [t("fr", "opp.ref_invalid", ref="1")]
    assert _snoozed(session, rep) is None


def test_a_past_snooze_date_is_refused(session: Session, services: Services, rep: Actor) -> None:
    action = {"block_id": nudge_block(1, "c"), "selected_date": "2020-01-01"}
    call = Call(services, rep, body={"message": {"blocks": []}}, action=action)
    call.run(nudging.snooze_to)
    assert len(call.dm_texts()) == 1 and _snoozed(session, rep) is None
    call.respond.assert_not_called()
