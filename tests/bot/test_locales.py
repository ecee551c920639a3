"""Dates and numbers are written, and read, the way the reader's own Slack locale does."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from bot import format as fmt
from bot.listeners.errors import error_text
from bot.views.deals import card_message, help_message
from bot.views.nudging import threshold_note
from commands.deals import new, show
from commands.deals.router import route, run
from commands.deals.snooze import snooze_until
from commands.errors import InvalidInput
from commands.i18n import t
from commands.nudging import nudges
from commands.nudging.stuck import Threshold
from commands.parsing import parse_close_date
from tests.conftest import add_user, setup_team
from tests.nudge_support import MONDAY, TEAM, member, workspace

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("lang", "day", "moment"),
    [
        ("en-GB", "15 Dec 2026", "04/12/2026, 14:53"),
        ("en-US", "Dec 15, 2026", "12/4/26, 2:53\u202fPM"),
        ("en", "Dec 15, 2026", "12/4/26, 2:53\u202fPM"),  # a language alone: its main country
        ("fr", "15 déc. 2026", "04/12/2026 14:53"),
        ("fr-CH", "15 déc. 2026", "04.12.26 14:53"),
    ],
)
def test_dates_are_written_the_readers_own_way(lang: str, day: str, moment: str) -> None:
    assert fmt.day(date(2026, 12, 15), lang) == day
    assert fmt.moment(datetime(2026, 12, 4, 13, 53, tzinfo=UTC), lang, "Europe/Paris") == moment


def test_a_locale_babel_lacks_or_of_another_language_falls_back_to_the_language() -> None:
    assert fmt.locale_of("fr-CA") == "fr_CA" and fmt.locale_of("en-AU") == "en_AU"
    assert fmt.locale_of("en-ZZ") == "en_US" and fmt.locale_of("xx") == "fr_FR"


def test_texts_come_from_the_catalog_of_the_tags_language() -> None:
    assert t("en-GB", "list.empty") == t("en", "list.empty") != t("fr-CA", "list.empty")
    assert t("fr-CA", "list.empty") == t("fr", "list.empty")


def test_day_counts_have_the_readers_decimal_mark() -> None:
    learned = Threshold(days=40, source="learned", stays=30, percentile_days=39.0)
    assert "39,0 j)" in threshold_note(learned, "fr")
    assert "39.0 d)" in threshold_note(learned, "en-GB")


@pytest.mark.parametrize(
    ("lang", "typed", "expected"),
    [
        ("en-US", "05/06/2027", date(2027, 5, 6)),
        ("en", "05/06/2027", date(2027, 5, 6)),
        ("en-GB", "05/06/2027", date(2027, 6, 5)),
        ("fr", "05/06/2027", date(2027, 6, 5)),
        (None, "05/06/2027", date(2027, 6, 5)),
        # Only one reading makes a date: that one, whoever types it.
        ("en-US", "15/10", date(2027, 10, 15)),
        ("fr", "10/15", date(2027, 10, 15)),
    ],
)
def test_numeric_dates_are_read_in_the_readers_order(
    lang: str | None, typed: str, expected: date
) -> None:
    assert parse_close_date(typed, today=TODAY, lang=lang) == expected


@pytest.mark.parametrize(
    ("lang", "expected"), [("en-US", date(2027, 5, 6)), ("en-GB", date(2027, 6, 5))]
)
def test_a_quick_create_and_a_snooze_read_numeric_dates_in_the_readers_order(
    session: Session, lang: str, expected: date
) -> None:
    setup_team(session)
    rep = dataclasses.replace(add_user(session, "U0REP"), lang=lang)
    created = new.quick(session=session, actor=rep, text="Acme 6k audit close 05/06/2027")
    assert isinstance(created, new.Created)
    assert created.card.close_date == expected
    trailing = new.quick(session=session, actor=rep, text="Acme 6k audit 05/06/2027")
    assert isinstance(trailing, new.Created)
    assert trailing.card.close_date == expected
    assert snooze_until("05/06/2027", today=rep.today, lang=lang) == expected


def test_examples_give_a_date_in_the_readers_order() -> None:
    assert "`10/15`" in help_message("en-US")["text"]
    assert "`15/10`" in help_message("en-GB")["text"]
    assert "`15/10`" in help_message("fr")["text"]
    for lang, example in (("en-US", "Examples: 10/15,"), ("en-GB", "Examples: 15/10,")):
        with pytest.raises(InvalidInput) as refused:
            parse_close_date("blah", today=TODAY, lang=lang)
        assert example in error_text(refused.value, lang)


def test_history_writes_dates_the_readers_way(session: Session) -> None:
    setup_team(session)
    rep = add_user(session, "U0REP")
    created = new.quick(session=session, actor=rep, text="Acme 10 000 site close fin décembre")
    assert isinstance(created, new.Created)
    number = created.card.number
    run(session=session, actor=rep, routed=route(f"edit #{number} close 15/01/2027"))
    card = show.handle(session=session, actor=rep, text=f"#{number}")
    for lang, before, after in (
        ("fr", "31 déc. 2026", "15 janv. 2027"),
        ("en-GB", "31 Dec 2026", "15 Jan 2027"),
        ("en-US", "Dec 31, 2026", "Jan 15, 2027"),
    ):
        text = str(card_message(card, lang, "Europe/Paris")["blocks"])
        assert before in text and after in text, lang
        assert "2026-12-31" not in text and "2027-01-15" not in text


def test_an_american_editing_a_deal_reads_05_06_as_may_6(session: Session) -> None:
    setup_team(session)
    rep = add_user(session, "U0REP")
    american = dataclasses.replace(rep, lang="en-US")
    created = new.quick(session=session, actor=rep, text="Acme 10 000 site close fin décembre")
    assert isinstance(created, new.Created)
    number = created.card.number
    run(session=session, actor=american, routed=route(f"edit #{number} close 05/06/2027"))
    assert show.handle(session=session, actor=rep, text=f"#{number}").close_date == date(2027, 5, 6)


def test_a_nudge_is_written_in_its_readers_own_locale(session: Session) -> None:
    """Nudges and digests have no request to read the locale from: the member's is kept."""
    workspace(session)
    british = member(session, "U0EMMA", lang="en")
    british.locale = "en-GB"
    elsewhere = member(session, "U0HANS", lang=None)
    elsewhere.locale = "de-DE"  # a language we do not have: the workspace's, its formats
    session.flush()
    found = nudges.daily_recipients(
        session=session, team_id=TEAM, now=MONDAY, kind=nudges.NUDGE, as_of=MONDAY.date()
    )
    assert {r.user_id: r.lang for r in found} == {"U0EMMA": "en-GB", "U0HANS": "fr"}
