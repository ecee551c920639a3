"""`/pipeline stats` buttons, called as Bolt would."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.listeners import analytics
from bot.views.stats import stats_message
from commands.analytics import stats
from commands.context import Actor
from commands.deals import new as opp_new
from tests.bot.listeners.support import Call, services_for
from tests.conftest import add_user, setup_team


@pytest.fixture
def rep(session: Session) -> Actor:
    setup_team(session)
    actor = add_user(session, "U0REP")
    opp_new.quick(session=session, actor=actor, text="Dupond 6000 peinture close fin décembre")
    return actor


def test_another_process_is_answered_through_the_response_url(session: Session, rep: Actor) -> None:
    call = Call(services_for(session), rep, action={"value": ""})
    call.run(analytics.stats_process)
    assert call.acked == {}
    expected = stats_message(stats.stats(session=session, actor=rep, text=""), "fr")
    answer = call.respond.call_args.kwargs
    assert answer["replace_original"] is False and answer["text"] == expected["text"]


def test_the_chart_button_sends_the_png_to_the_dm(
    session: Session, rep: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(
        analytics, "send_chart", lambda _c, user, png, name, _lang: sent.append((user, name))
    )
    call = Call(services_for(session), rep, action={"value": ""})
    call.run(analytics.stats_chart)
    assert call.acked == {} and sent == [("U0REP", "stats")]
