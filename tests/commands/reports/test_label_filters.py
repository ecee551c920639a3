"""`/pipeline` and `/forecast` filtered by origin or product, typed as people type them: case,
accents, either apostrophe, dashes and doubled spaces ignored, the deals' spellings kept."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from commands.context import Actor
from commands.reports import board as pipeline
from commands.reports import forecast
from commands.reports.scope import resolve
from storage.reports import Totals
from tests.labels_support import ANNAS, label_deals


@pytest.fixture
def people(session: Session) -> dict[str, Actor]:
    return label_deals(session)


@pytest.mark.parametrize(("text", "expected"), ANNAS.items())
def test_the_board_finds_every_spelling(
    session: Session, people: dict[str, Actor], text: str, expected: tuple[int, int]
) -> None:
    board = pipeline.board(session=session, actor=people["anna"], text=text)
    assert (board.totals.count, board.totals.amount_minor) == expected


@pytest.mark.parametrize(("text", "expected"), ANNAS.items())
def test_the_forecast_finds_every_spelling(
    session: Session, people: dict[str, Actor], text: str, expected: tuple[int, int]
) -> None:
    result = forecast.forecast(session=session, actor=people["anna"], text=text)
    opened = [m.open for m in result.months if m.open.count]
    assert [(t.count, t.amount_minor) for t in opened] == [expected]  # all close in December


def test_a_whole_company_board_finds_every_reps_spelling(
    session: Session, people: dict[str, Actor]
) -> None:
    admin = people["admin"]
    board = pipeline.board(session=session, actor=admin, text="all origin SALON PROFESSIONNEL")
    assert board.totals == Totals(3, 2_590_000, board.totals.weighted_minor)
    board = pipeline.board(session=session, actor=admin, text="all produit l’oréal pack")
    assert (board.totals.count, board.totals.amount_minor) == (3, 3_520_000)


def test_the_scope_carries_the_stored_spellings_and_shows_the_typed_one(
    session: Session, people: dict[str, Actor]
) -> None:
    scope = resolve(session=session, actor=people["anna"], text="origin bouche a oreille")
    assert scope.origin == "bouche a oreille"
    assert scope.origins == ("Bouche-à-Oreille", "bouche a oreille")
    assert scope.products is None
    # Only the spellings of the scope's deals: Ben's is not Anna's.
    scope = resolve(session=session, actor=people["anna"], text="product l'oreal pack")
    assert scope.products == ("L’Oréal Pack", "l'oréal PACK")


def test_an_origin_nobody_uses_shows_an_empty_board(
    session: Session, people: dict[str, Actor]
) -> None:
    board = pipeline.board(session=session, actor=people["anna"], text="origin Foire de Paris")
    assert board.totals == Totals(0, 0, 0)
    result = forecast.forecast(session=session, actor=people["anna"], text="product Isolation")
    assert not any(m.open.count for m in result.months)
