"""`/opp new <line>` on SQLite and PostgreSQL: what it creates, refuses and pre-fills."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commands.context import Actor
from commands.deals import new as opp_new
from commands.errors import InvalidInput
from commands.i18n import LANGUAGES, t
from storage.models import Opportunity
from tests.conftest import add_user, setup_team


@pytest.fixture
def rep(session: Session) -> Actor:
    setup_team(session)
    return add_user(session, "U0REP")


def _count(session: Session) -> int:
    query = select(func.count()).select_from(Opportunity).where(Opportunity.team_id == "T0TEST")
    return session.scalar(query) or 0


def test_a_trailing_date_creates_the_deal_without_a_keyword(session: Session, rep: Actor) -> None:
    result = opp_new.quick(session=session, actor=rep, text="Acme 6k website next friday")
    assert isinstance(result, opp_new.Created)
    card = result.card
    assert (card.account, card.title, card.amount_minor) == ("Acme", "website", 600000)
    assert card.close_date is not None and card.close_date.weekday() == 4
    assert card.close_date > rep.today


@pytest.mark.parametrize(
    ("amount", "key"),
    [
        ("-6000", "opp.quick_amount_not_positive"),
        ("0 €", "opp.quick_amount_not_positive"),
        ("6 000 000 000 000 €", "opp.quick_amount_too_large"),
    ],
)
@pytest.mark.parametrize("when", ["close fin mars", ""])
def test_what_cannot_be_an_amount_saves_nothing_and_says_what_was_read(
    session: Session, rep: Actor, amount: str, key: str, when: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        opp_new.quick(session=session, actor=rep, text=f"Acme {amount} website {when}")
    error = refused.value
    assert (error.key, error.field) == (key, "amount")
    assert error.params == {"text": amount, "account": "Acme", "title": "website"}
    for lang in LANGUAGES:
        text = t(lang, error.key, **error.params)
        assert amount in text and "Acme" in text and "website" in text
    assert _count(session) == 0


@pytest.mark.parametrize("keyword", ["close", "signature"])
def test_an_unreadable_date_is_refused_after_either_keyword(
    session: Session, rep: Actor, keyword: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        opp_new.quick(session=session, actor=rep, text=f"Acme 6k website {keyword} xyzzy")
    assert refused.value.key == "parse.date_unknown"
    assert refused.value.params["text"] == "xyzzy"
    assert _count(session) == 0


def test_the_form_offers_the_existing_account_as_itself(session: Session, rep: Actor) -> None:
    opp_new.quick(session=session, actor=rep, text='"Garage Moreau" 1000 peinture close fin mars')
    result = opp_new.quick(session=session, actor=rep, text='"garage moreau" 6k audit')
    assert isinstance(result, opp_new.OpenForm)
    prefill = result.prefill
    assert (prefill.account, prefill.title, prefill.amount_text) == (
        "Garage Moreau",
        "audit",
        "6000",
    )
    assert prefill.account_id is not None
    assert _count(session) == 1


def test_the_form_keeps_a_new_account_as_typed(session: Session, rep: Actor) -> None:
    result = opp_new.quick(session=session, actor=rep, text="Acme website next friday")
    assert result == opp_new.OpenForm(
        opp_new.Prefill(account="Acme", title="website", close_date=date(2026, 12, 4))
    )


@pytest.mark.parametrize(
    ("text", "field"),
    [("Acme 6k " + "x" * 201, "title"), ("A" * 141 + " 6k audit", "account")],
)
def test_what_the_form_cannot_hold_is_refused_before_it_opens(
    session: Session, rep: Actor, text: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        opp_new.quick(session=session, actor=rep, text=text)
    assert (refused.value.key, refused.value.field) == ("opp.field_too_long", field)
