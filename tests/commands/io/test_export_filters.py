"""`/opp export origin … product …`: the deals of every spelling of the name typed."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from commands.context import Actor
from commands.io import export
from tests.labels_support import ANNAS, label_deals


@pytest.fixture
def people(session: Session) -> dict[str, Actor]:
    return label_deals(session)


@pytest.mark.parametrize(("text", "expected"), ANNAS.items())
def test_the_export_holds_every_spelling(
    session: Session, people: dict[str, Actor], text: str, expected: tuple[int, int]
) -> None:
    anna = people["anna"]
    plan = export.plan(session=session, actor=anna, text=text)
    assert plan.count == expected[0]
    records = list(export.records(session=session, actor=anna, plan=plan))
    amount = export.COLUMNS.index("amount")
    assert len(records) == expected[0]
    assert sum(r[amount] for r in records) * 100 == expected[1]


def test_a_whole_company_export_keeps_the_deals_as_typed(
    session: Session, people: dict[str, Actor]
) -> None:
    admin = people["admin"]
    plan = export.plan(session=session, actor=admin, text="all origin salon-professionnel")
    origin = export.COLUMNS.index("origin")
    rows = export.records(session=session, actor=admin, plan=plan)
    assert sorted(r[origin] for r in rows) == [
        "Salon  Professionnel",
        "salon professionnel",
        "salon professionnel",
    ]
