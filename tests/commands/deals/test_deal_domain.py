"""The deal rules the listeners call, at their own level: `/opp` routing, the edit modal's
changes, the lost reason and the snooze delay (no Slack, a real session)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from commands.context import Actor
from commands.deals import (
    AccountView,
    Card,
    OpportunityList,
    edit,
    moves,
    new,
    router,
    show,
    snooze,
)
from commands.errors import ConcurrentEdit, FormInvalid, InvalidInput, NotFound
from commands.io import Plan
from storage import queries
from storage.db import Database
from storage.models import Opportunity, Status
from tests.conftest import add_user, make_actor, setup_team


@pytest.fixture
def rep(session: Session) -> Actor:
    setup_team(session)
    actor = add_user(session, "U0REP", manager="U0BOSS")
    new.quick(session=session, actor=actor, text="Dupond 6000 peinture close fin décembre")
    return actor


def _deal(session: Session, actor: Actor, number: int = 1) -> Opportunity:
    return show.find(session=session, actor=actor, ref=f"#{number}")


def _run(session: Session, actor: Actor, text: str) -> router.Result:
    return router.run(session=session, actor=actor, routed=router.route(text))


# --- /opp: each kind of result -------------------------------------------------------------


def test_a_full_new_line_creates_the_deal(session: Session, rep: Actor) -> None:
    result = _run(session, rep, "new Martin 4000 cuisine close fin janvier")
    assert isinstance(result, new.Created)
    assert (result.card.number, result.card.account, result.card.amount_minor) == (
        2,
        "Martin",
        400_000,
    )
    assert _deal(session, rep, 2).status == Status.OPEN


def test_a_short_new_line_opens_the_form_prefilled(session: Session, rep: Actor) -> None:
    result = _run(session, rep, "new Martin 4000")
    assert isinstance(result, router.NewForm)
    assert result.prefill.account == "Martin" and result.prefill.amount_text is not None
    assert result.choices is not None
    empty = _run(session, rep, "new")
    assert isinstance(empty, router.NewForm) and empty.prefill == new.Prefill()
    with pytest.raises(NotFound):
        _deal(session, rep, 2)  # nothing was created


def test_list_show_and_account_read_the_deals(session: Session, rep: Actor) -> None:
    listed = _run(session, rep, "list")
    assert isinstance(listed, OpportunityList)
    assert [c.number for c in listed.cards] == [1] and listed.total_minor == 600_000
    shown = _run(session, rep, "#1")
    assert isinstance(shown, Card) and shown.account == "Dupond"
    account = _run(session, rep, "account Dupond")
    assert isinstance(account, AccountView)
    assert [c.number for c in account.open] == [1] and account.closed == ()


def test_export_is_only_planned(session: Session, rep: Actor) -> None:
    plan = _run(session, rep, "export")
    assert isinstance(plan, Plan) and plan.count == 1


def test_a_move_answers_with_the_card_afterwards(session: Session, rep: Actor) -> None:
    moved = _run(session, rep, "next #1")
    assert isinstance(moved, router.Moved) and moved.subcommand == "next"
    assert moved.card.stage.name == "Rendez-vous planifié"
    assert _deal(session, rep).stage.name == "Rendez-vous planifié"
    edited = _run(session, rep, "modifier #1 montant 7500")
    assert isinstance(edited, router.Moved) and edited.subcommand == "edit"
    assert edited.card.amount_minor == 750_000


def test_an_unknown_subcommand_is_refused(session: Session, rep: Actor) -> None:
    with pytest.raises(InvalidInput) as refused:
        _run(session, rep, "frobnicate #1")
    assert refused.value.key == "opp.unknown_subcommand"
    with pytest.raises(InvalidInput):
        router.run(session=session, actor=rep, routed=router.Routed("frobnicate", "#1"))


# --- /opp edit probability: one percent parser ----------------------------------------------


@pytest.mark.parametrize("typed", ["²", "٣٠", "150", "40 ans", "-5"])
def test_a_probability_that_is_not_a_percent_is_refused(
    session: Session, rep: Actor, typed: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        edit.handle(session=session, actor=rep, text=f"#1 probability {typed}")
    assert refused.value.key == "edit.probability_invalid"
    deal = _deal(session, rep)
    assert deal.probability_override is None and deal.version == 1


def test_a_probability_may_carry_a_percent_sign(session: Session, rep: Actor) -> None:
    edit.handle(session=session, actor=rep, text="#1 probability 45 %")
    assert _deal(session, rep).probability == 45


# --- the edit modal ---------------------------------------------------------------------------


def _form(deal: Opportunity, **fields: str) -> edit.EditForm:
    shown: dict[str, str] = {
        "title": deal.title,
        "amount": "6000",
        "stage_id": str(deal.stage_id),
        "probability": "",
    }
    return edit.EditForm(**(shown | fields))  # type: ignore[arg-type]


def test_the_form_applies_what_changed(session: Session, rep: Actor) -> None:
    deal = _deal(session, rep)
    changes = edit.form_changes(
        session=session,
        actor=rep,
        opportunity=deal,
        form=_form(deal, title="Cuisine", amount="7500", probability="40 %"),
    )
    assert (changes.title, changes.amount_minor, changes.probability) == ("Cuisine", 750_000, 40)
    assert not changes.probability_auto


def test_the_form_refuses_field_by_field(session: Session, rep: Actor) -> None:
    deal = _deal(session, rep)
    form = _form(deal, amount="beaucoup", probability="²", stage_id="999999")
    with pytest.raises(FormInvalid) as refused:
        edit.form_changes(session=session, actor=rep, opportunity=deal, form=form)
    errors = refused.value.errors
    assert set(errors) == {"amount", "probability", "stage"}
    assert errors["probability"].key == "edit.probability_invalid"
    assert errors["stage"].key == "opp.stage_invalid"
    assert _deal(session, rep).amount_minor == 600_000


def test_a_form_left_as_it_was_changes_nothing(session: Session, rep: Actor) -> None:
    deal = _deal(session, rep)
    changes = edit.form_changes(session=session, actor=rep, opportunity=deal, form=_form(deal))
    assert changes.title is None and changes.stage is None and changes.close_date is None
    assert changes.amount_minor == deal.amount_minor
    assert changes.probability is None and changes.probability_auto  # still "auto"
    assert not changes.clear_next_step


# --- lost reason and snooze -----------------------------------------------------------------


def test_a_lost_deal_needs_a_reason() -> None:
    with pytest.raises(FormInvalid) as refused:
        moves.lost_reason("", "trop cher")
    assert refused.value.errors["lost_reason"].key == "move.lost_reason_required"
    assert moves.lost_reason("Prix", "") == "Prix"
    assert moves.lost_reason("Prix", "  trop cher ") == "Prix — trop cher"


def test_snooze_resumes_after_the_days_picked() -> None:
    today = date(2026, 12, 4)
    assert snooze.after_days(7, today=today) == today + timedelta(days=7)
    assert snooze.after_days(snooze.MAX_DAYS, today=today) == today + timedelta(days=365)
    for days in (0, -1, snooze.MAX_DAYS + 1):
        with pytest.raises(InvalidInput) as refused:
            snooze.after_days(days, today=today)
        assert refused.value.key == "nudge.snooze_invalid"


# --- a concurrent edit ------------------------------------------------------------------------


def test_a_deal_changed_meanwhile_is_a_domain_error(database: Database) -> None:
    """What the card listeners catch to answer with the deal as it is now: no SQLAlchemy."""
    team = f"T0CONC{database.engine.dialect.name[:2].upper()}"
    with database.transaction() as session:
        setup_team(session, team_id=team)
        add_user(session, "U0REP", team_id=team)
        actor = make_actor("U0REP", team_id=team)
        new.quick(session=session, actor=actor, text="Dupond 6000 peinture close fin décembre")
    with database.reading() as session:
        seen = show.find(session=session, actor=actor, ref="#1")
        session.expunge(seen)
    with database.transaction() as session:
        edit.handle(session=session, actor=actor, text="#1 amount 7000")
    with pytest.raises(ConcurrentEdit), database.transaction() as session:
        session.add(seen)
        seen.amount_minor = 800_000
    with database.reading() as session:
        deal = queries.get_opportunity(session=session, team_id=team, number=1)
        assert deal is not None and deal.amount_minor == 700_000


def test_a_stage_number_in_other_digits_is_refused_not_a_crash(
    session: Session, rep: Actor
) -> None:
    with pytest.raises(InvalidInput) as refused:
        moves.move(session=session, actor=rep, text="#1 ²")
    assert refused.value.key == "move.stage_unknown"
    assert _deal(session, rep).version == 1
