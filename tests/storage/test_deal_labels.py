"""Origins and products as stored, how they compare, and the reports filtering on spellings."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from storage import queries, reports
from storage.reports import Filters
from tests.conftest import TEAM
from tests.labels_support import label_deals


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Salon Professionnel", "salon  professionnel"),
        ("Bouche-à-oreille", "bouche a oreille"),
        ("bouche – à – oreille", "Bouche à Oreille"),
        ("L’Oréal pack", "l'oréal PACK"),
    ],
)
def test_label_keys_ignore_case_accents_apostrophes_dashes(typed: str, stored: str) -> None:
    assert queries.label_key(typed) == queries.label_key(stored)


def test_label_keys_keep_other_words_apart() -> None:
    assert queries.label_key("Salon") != queries.label_key("Salon professionnel")
    assert queries.label_key("L'Oréal") != queries.label_key("LOreal")


def test_deal_labels_are_the_spellings_stored(session: Session) -> None:
    label_deals(session)
    origins = queries.deal_labels(session=session, team_id=TEAM, field="origin")
    assert sorted(origins) == [
        "Bouche-à-Oreille",
        "Salon",
        "Salon  Professionnel",
        "bouche a oreille",
        "salon professionnel",
    ]
    bens = queries.deal_labels(session=session, team_id=TEAM, field="product", owners=["U0BEN"])
    assert bens == ["l'oréal pack"]
    assert queries.deal_labels(session=session, team_id="T0OTHER", field="origin") == []


def test_one_statement_whatever_the_number_of_spellings(session: Session) -> None:
    label_deals(session)
    one = Filters(team_id=TEAM, origin=("salon professionnel",))
    two = Filters(team_id=TEAM, origin=("salon professionnel", "Salon  Professionnel"))
    assert reports.board_query(one).compile().string == reports.board_query(two).compile().string
    counts = [
        sum(t.count for t in reports.board(session=session, filters=f).values()) for f in (one, two)
    ]
    assert counts == [2, 3]  # Ben's deal is spelled as Anna's first
