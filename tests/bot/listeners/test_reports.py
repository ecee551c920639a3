"""`/pipeline`, `/forecast`, paging and the App Home, called as Bolt would."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot.ids import Action
from bot.listeners import reports
from bot.services import Services
from bot.views.board import board_message
from bot.views.forecast import forecast_message
from commands.context import Actor
from commands.deals import new as opp_new
from commands.reports import board, forecast
from tests.bot.listeners.support import Call, services_for
from tests.conftest import add_user, setup_team


@pytest.fixture
def rep(session: Session) -> Actor:
    setup_team(session)
    actor = add_user(session, "U0REP")
    opp_new.quick(session=session, actor=actor, text="Dupond 6000 peinture close fin décembre")
    return actor


@pytest.fixture
def services(session: Session) -> Services:
    return services_for(session)


def _as_sent(message: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(json.dumps(message)))


def test_pipeline_acks_with_the_board(session: Session, services: Services, rep: Actor) -> None:
    call = Call(services, rep, command={"text": ""})
    call.run(reports.pipeline_command)
    expected = board_message(board.board(session=session, actor=rep, text=""), "fr")
    assert call.acked == _as_sent(expected)


def test_pipeline_stats_is_answered_through_the_response_url(
    services: Services, rep: Actor
) -> None:
    call = Call(services, rep, command={"text": "stats"})
    call.run(reports.pipeline_command)
    assert call.acked == {}
    answer = call.respond.call_args.kwargs
    assert answer["replace_original"] is False and answer["blocks"]


def test_forecast_with_chart_acks_then_sends_the_png_to_the_dm(
    session: Session, services: Services, rep: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[str, bytes, str]] = []
    monkeypatch.setattr(
        reports, "send_chart", lambda _c, user, png, name, _lang: sent.append((user, png, name))
    )
    call = Call(services, rep, command={"text": "graphique"})
    call.run(reports.forecast_command)
    expected = forecast_message(forecast.forecast(session=session, actor=rep, text=""), "fr")
    assert call.acked == _as_sent(expected)
    assert [(user, name) for user, _, name in sent] == [("U0REP", "forecast")]
    assert sent[0][1].startswith(b"\x89PNG")


def test_a_home_shortcut_sends_the_board_to_the_dm(
    session: Session, services: Services, rep: Actor
) -> None:
    call = Call(services, rep, action={"action_id": Action.HOME_PIPELINE, "value": "me"})
    call.run(reports.home_pipeline)
    assert call.acked == {}
    expected = board_message(board.board(session=session, actor=rep, text=""), "fr")
    posted = call.client.chat_postMessage.call_args.kwargs
    assert posted["channel"] == "U0REP" and posted["text"] == expected["text"]


def test_only_the_home_tab_is_published(
    services: Services, rep: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    published: list[tuple[str, str, str]] = []
    monkeypatch.setattr(
        reports,
        "publish_home",
        lambda _s, _c, team, user, selected: published.append((team, user, selected)),
    )
    Call(services, rep, event={"tab": "messages"}).run(reports.home_opened)
    metadata = json.dumps({"selected": "team"})
    Call(services, rep, event={"tab": "home", "view": {"private_metadata": metadata}}).run(
        reports.home_opened
    )
    assert published == [(rep.team_id, "U0REP", "team")]
