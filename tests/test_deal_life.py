"""A deal's whole life in the domain, its card drawn after every step in both languages."""

from __future__ import annotations

import pytest
from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.blockkit_limits import message_problems
from bot.views import deals as deal_views
from commands.context import Actor
from commands.deals import edit as opp_edit
from commands.deals import moves as opp_moves
from commands.deals import new as opp_new
from commands.deals import show as opp_show
from commands.deals.cards import Card
from storage.models import Status
from tests.conftest import add_user, setup_team


@pytest.fixture
def rep(session: Session) -> Actor:
    setup_team(session)
    actor = add_user(session, "U0REP", manager="U0BOSS")
    opp_new.quick(session=session, actor=actor, text="Dupond 6000 peinture close fin décembre")
    return actor


def _drawn(session: Session, actor: Actor) -> Card:
    """The card as `/opp show #1` draws it, valid in both languages."""
    card = opp_show.handle(session=session, actor=actor, text="#1")
    for lang in ("fr", "en"):
        message = deal_views.card_message(card, lang, actor.tz)
        assert not message_problems(message["blocks"], message["text"])
        for block in message["blocks"]:
            parsed = Block.parse(block)
            assert parsed is not None
            parsed.validate_json()
    return card


def _history(card: Card, lang: str, actor: Actor) -> str:
    return deal_views.history_text(card, lang, actor.tz)


def test_won_then_reopened_the_card_still_draws(session: Session, rep: Actor) -> None:
    opp_moves.win(session=session, actor=rep, text="#1")
    opp_moves.reopen(session=session, actor=rep, text="#1")
    card = _drawn(session, rep)
    assert card.status == Status.OPEN
    # The reopening reads as a status change, never a stage name where a status belongs.
    assert _history(card, "en", rep).splitlines()[0].endswith("status Won → Open")
    assert "statut Gagnée → En cours" in _history(card, "fr", rep)


def test_the_whole_life_of_a_deal(session: Session, rep: Actor) -> None:
    steps = [
        lambda: opp_moves.win(session=session, actor=rep, text="#1"),
        lambda: opp_moves.reopen(session=session, actor=rep, text="#1"),
        lambda: opp_edit.handle(session=session, actor=rep, text="#1 amount 7000"),
        lambda: opp_moves.advance(session=session, actor=rep, text="#1"),
        lambda: opp_moves.lose(session=session, actor=rep, text="#1 trop cher"),
        lambda: opp_moves.reopen(session=session, actor=rep, text="#1"),
        lambda: opp_moves.advance(session=session, actor=rep, text="#1"),
    ]
    for step in steps:
        step()
        session.flush()
        _drawn(session, rep)
    card = _drawn(session, rep)
    assert card.status == Status.OPEN and card.stage.name == "Besoins identifiés"
    assert len(card.history) == 8  # created + one line a step
