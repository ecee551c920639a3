"""A deal's whole life in the domain, its card drawn after every step in both languages."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot import format as fmt
from bot.blockkit_limits import message_problems
from bot.devtools.modal_input import input_fields, state_value
from bot.ids import Action, Menu
from bot.listeners.deal_cards import edit_input
from bot.views import deal_forms
from bot.views import deals as deal_views
from commands.context import Actor
from commands.deals import account as opp_account
from commands.deals import edit as opp_edit
from commands.deals import listing
from commands.deals import moves as opp_moves
from commands.deals import new as opp_new
from commands.deals import show as opp_show
from commands.deals.cards import Card
from storage import queries, tallies
from storage.models import ChangeKind, Role, Status
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


def _history_rows(session: Session, actor: Actor) -> list[tuple[str, str | None, str | None]]:
    deal = opp_show.find(session=session, actor=actor, ref="#1")
    rows = queries.history(session=session, team_id=actor.team_id, opportunity_id=deal.id)
    return [(c.kind, c.from_value, c.to_value) for c in rows if c.kind != ChangeKind.CREATED]


def _submitted(
    session: Session, actor: Actor, card: Card, answers: dict[str, str]
) -> opp_edit.EditForm:
    """The edit modal as Slack would send it back: pre-filled, with `answers` typed over it."""
    choices = opp_new.choices(session=session, actor=actor)
    view = deal_forms.edit_modal(card, choices, "fr", metadata={})
    fields = {f.block_id: f for f in input_fields(view)}
    typed = {b: answers.get(b, f.initial or "") for b, f in fields.items()}
    values = {b: {f.action_id: state_value(f, typed[b])} for b, f in fields.items()}
    return edit_input({**view, "state": {"values": values}})


def test_an_edit_form_left_as_it_was_changes_nothing(session: Session, rep: Actor) -> None:
    opp_edit.handle(
        session=session, actor=rep, text='#1 next-step "rappeler" vendredi | origin salon'
    )
    before = _history_rows(session, rep)
    card = opp_show.handle(session=session, actor=rep, text="#1")
    edited = opp_edit.submit(
        session=session, actor=rep, number=1, form=_submitted(session, rep, card, {})
    )
    assert not edited.outcome.changed and edited.outcome.key == "move.nothing_to_edit"
    assert _history_rows(session, rep) == before


def test_every_real_change_gets_one_history_line(session: Session, rep: Actor) -> None:
    card = opp_show.handle(session=session, actor=rep, text="#1")
    form = _submitted(
        session,
        rep,
        card,
        {
            "title": "peinture façade",
            "origin": "Salon",
            "product": "Toiture",
            "next_step": "rappeler",
            "next_step_date": "2026-12-04",
            "qualification": "1,4",
        },
    )
    edited = opp_edit.submit(session=session, actor=rep, number=1, form=form)
    assert edited.outcome.changed
    assert _history_rows(session, rep) == [
        ("next_step", None, "rappeler"),
        ("next_step_date", None, "2026-12-04"),
        ("origin", None, "Salon"),
        ("product", None, "Toiture"),
        ("title", "peinture", "peinture façade"),
        ("qualification", "", "need,meeting"),
    ]
    opp_edit.handle(session=session, actor=rep, text="#1 next-step aucun")
    assert _history_rows(session, rep)[-2:] == [
        ("next_step", "rappeler", None),
        ("next_step_date", "2026-12-04", None),
    ]
    card = _drawn(session, rep)
    french = _history(card, "fr", rep)
    assert "titre « peinture » → « peinture façade »" in french
    assert "origine — → Salon" in french and "famille de produit — → Toiture" in french
    friday = fmt.day(date(2026, 12, 4), "fr")
    assert f"date de la prochaine étape — → {friday}" in french
    assert f"date de la prochaine étape {friday} → —" in french
    assert "qualification — → Besoin clairement exprimé, Prochain rendez-vous planifié" in french
    english = _history(card, "en", rep)
    assert "next step “rappeler” → “—”" in english
    assert len(french.splitlines()) == len(card.history) == 9  # created + 8 changes
    assert all("<@U0REP>" in line for line in french.splitlines())


def test_the_running_totals_still_equal_a_recount_after_edits(session: Session, rep: Actor) -> None:
    card = opp_show.handle(session=session, actor=rep, text="#1")
    answers = {"origin": "Salon", "product": "Toiture", "title": "x", "qualification": "2"}
    opp_edit.submit(
        session=session, actor=rep, number=1, form=_submitted(session, rep, card, answers)
    )
    opp_moves.win(session=session, actor=rep, text="#1")
    opp_moves.reopen(session=session, actor=rep, text="#1")
    opp_edit.handle(session=session, actor=rep, text="#1 amount 9000 | product Peinture")
    session.flush()
    kept = tallies.groups(session, rep.team_id)
    with session.begin_nested() as savepoint:
        tallies.rebuild(session, rep.team_id)
        session.flush()
        again = tallies.groups(session, rep.team_id)
        savepoint.rollback()
    assert kept == again


def _action_ids(blocks: list[dict[str, Any]]) -> set[str]:
    found = set()
    for block in blocks:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id"):
                found.add(element["action_id"])
    return found


def test_a_colleagues_card_has_no_buttons_that_would_refuse(session: Session, rep: Actor) -> None:
    colleague = add_user(session, "U0MATE", manager="U0BOSS")
    boss = add_user(session, "U0BOSS", role=Role.MANAGER)
    theirs = opp_show.handle(session=session, actor=colleague, text="#1")
    assert not theirs.may_change
    blocks = deal_views.card_message(theirs, "fr", colleague.tz)["blocks"]
    assert not _action_ids(blocks) & {Action.ADVANCE, Action.WON, Action.LOST, Action.MENU}
    assert _action_ids(deal_views.card_summary(theirs, "fr")) == {Action.SHOW}
    menu = deal_views.deal_menu(theirs, "fr")
    assert [o["value"].split(":")[0] for o in menu["options"]] == [Menu.SHOW]
    for allowed in (rep, boss):
        card = opp_show.handle(session=session, actor=allowed, text="#1")
        shown = deal_views.card_message(card, "fr", allowed.tz)["blocks"]
        assert {Action.ADVANCE, Action.WON, Action.LOST, Action.MENU} <= _action_ids(shown)


def test_an_accounts_deals_name_their_owners_and_offer_only_allowed_buttons(
    session: Session, rep: Actor
) -> None:
    colleague = add_user(session, "U0MATE")
    opp_new.quick(session=session, actor=colleague, text="Dupond 900 audit close fin décembre")
    viewed = opp_account.handle(session=session, actor=rep, text="Dupond")
    mine = {c.number: c.may_change for c in viewed.open}
    assert mine == {1: True, 2: False}
    text = json.dumps(deal_views.account_view(viewed, "en")["blocks"])
    assert "<@U0REP>" in text and "<@U0MATE>" in text


def test_a_long_list_pages_through_every_deal(session: Session, rep: Actor) -> None:
    for n in range(24):
        opp_new.quick(session=session, actor=rep, text=f"Client{n} {1000 + n} audit close fin mars")
    first = listing.handle(session=session, actor=rep, text="")
    assert len(first.cards) == 20 and first.next_offset == 20
    message = deal_views.opportunity_list(first, "fr")
    assert not message_problems(message["blocks"], message["text"])
    for block in message["blocks"]:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.validate_json()
    more = message["blocks"][-1]["accessory"]
    assert more["action_id"] == Action.LIST_PAGE and more["value"] == "20:"
    second = listing.handle(session=session, actor=rep, text="", offset=20)
    assert len(second.cards) == 5 and second.next_offset is None
    numbers = [c.number for c in (*first.cards, *second.cards)]
    assert sorted(numbers) == list(range(1, 26))  # each deal once, none skipped
    page = deal_views.opportunity_list(second, "en")
    assert "Opportunities 21 to 25 of 25" in json.dumps(page["blocks"])
    assert Action.LIST_PAGE not in json.dumps(page["blocks"])
