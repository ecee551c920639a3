"""`/pipeline stats` filtered by origin or product typed as people type them, and its
breakdowns: one row per origin or product, whatever its spellings."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from commands.analytics import stats
from commands.context import Actor
from tests.labels_support import ANNAS, label_deals


@pytest.fixture
def people(session: Session) -> dict[str, Actor]:
    return label_deals(session)


@pytest.mark.parametrize(("text", "expected"), ANNAS.items())
def test_the_stats_find_every_spelling(
    session: Session, people: dict[str, Actor], text: str, expected: tuple[int, int]
) -> None:
    result = stats.stats(session=session, actor=people["anna"], text=text)
    assert result.process is not None
    assert result.process.totals.created == expected[0]
    assert result.process.open_minor == expected[1]


def test_an_origin_nobody_uses_has_no_figures(session: Session, people: dict[str, Actor]) -> None:
    assert stats.stats(session=session, actor=people["anna"], text="origin Foire").process is None


@pytest.mark.parametrize("who", ["anna", "admin"])  # her deals; the company's running totals
def test_the_breakdowns_count_every_spelling_once(
    session: Session, people: dict[str, Actor], who: str
) -> None:
    text = "" if who == "anna" else "all"
    result = stats.stats(session=session, actor=people[who], text=text)
    assert result.process is not None
    origins = {o.label: o.created for o in result.process.origins}
    products = {p.label: p.created for p in result.process.products}
    ben = 1 if who == "admin" else 0
    assert origins == {
        "Salon  Professionnel": 2 + ben,  # one spelling of the group, the same every time
        "Salon": 1,
        "Bouche-à-Oreille": 2,
        None: 3,
    }
    assert products == {"L’Oréal Pack": 2 + ben, "L'Oréal": 1, None: 5}
