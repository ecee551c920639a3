"""`/salesbot target`: the amount is read in the workspace's currency, exactly, or refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commands.admin import targets
from commands.context import Actor
from commands.errors import InvalidInput
from commands.parsing import parse_amount
from storage.models import Role, Target
from tests.conftest import add_user, setup_team


@pytest.fixture
def boss(session: Session) -> Actor:
    setup_team(session)  # a workspace counting in EUR
    add_user(session, "U0REP")
    return add_user(session, "U0BOSS", role=Role.ADMIN)


def _targets(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Target)) or 0)


@pytest.mark.parametrize("amount", ["5 USD", "$5", "5 £", "GBP 5"])
def test_another_currency_is_refused_and_nothing_is_stored(
    session: Session, boss: Actor, amount: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        targets.set_target(session=session, actor=boss, text=f"<@U0REP> 2027-03 {amount}")
    assert refused.value.key == "opp.currency_mismatch"
    assert refused.value.params["currency"] == "EUR"
    assert _targets(session) == 0


@pytest.mark.parametrize("amount", ["5", "5 €", "5 EUR", "5,50"])
def test_the_workspace_currency_is_accepted(session: Session, boss: Actor, amount: str) -> None:
    done = targets.set_target(session=session, actor=boss, text=f"<@U0REP> 2027-03 {amount}")
    assert done.currency == "EUR" and done.amount_minor in (500, 550)


@pytest.mark.parametrize("amount", ["0.001", "0,001", "0 001"])
def test_sub_cent_amounts_are_refused_not_read_as_thousands(
    session: Session, boss: Actor, amount: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        targets.set_target(session=session, actor=boss, text=f"<@U0REP> 2027-03 {amount}")
    assert refused.value.key == "parse.amount_invalid"
    assert _targets(session) == 0
    # The thousands rule itself holds: three digits after a separator group thousands.
    assert parse_amount("1.001").minor == 100_100
