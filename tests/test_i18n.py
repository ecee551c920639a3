"""The catalog is complete in French and English, and formatting follows the reader."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime

import pytest

from bot import format as fmt
from commands.i18n import language_of, t
from commands.messages import CATALOG, LANGUAGES


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_message_exists_in_both_languages_with_the_same_placeholders(key: str) -> None:
    texts = CATALOG[key]
    assert set(texts) == set(LANGUAGES), key
    assert all(texts[lang].strip() for lang in LANGUAGES), key
    assert _placeholders(texts["fr"]) == _placeholders(texts["en"]), key


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("fr-FR", "fr"),
        ("fr-CA", "fr"),
        ("en-US", "en"),
        ("en-GB", "en"),
        ("de-DE", "fr"),
        (None, "fr"),
        ("", "fr"),
    ],
)
def test_slack_locales_map_to_languages(locale: str | None, expected: str) -> None:
    assert language_of(locale) == expected


def test_unknown_locales_fall_back_to_the_workspace_default() -> None:
    assert language_of("ja-JP", "en") == "en"


def test_money_is_formatted_for_the_reader() -> None:
    assert fmt.money(600_000, "EUR", "fr") == "6\u202f000\xa0€"
    assert fmt.money(600_000, "EUR", "en") == "€6,000"
    assert fmt.money(1_250_050, "EUR", "fr") == "12\u202f500,50\xa0€"
    assert fmt.money(1_250_050, "EUR", "en") == "€12,500.50"
    assert fmt.money(5, "EUR", "en") == "€0.05"


def test_dates_and_times_follow_locale_and_timezone() -> None:
    assert fmt.day(date(2027, 10, 5), "fr") == "5 oct. 2027"
    assert fmt.day(date(2027, 10, 5), "en") == "Oct 5, 2027"
    moment = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)
    # Stored in UTC, shown in the reader's zone: already the 28th in Paris.
    assert fmt.moment(moment, "fr", "Europe/Paris").startswith("28/11/2026 00:30")
    assert "11/27/26" in fmt.moment(moment, "en", "America/New_York")


def test_escape_defuses_mentions_and_broadcasts() -> None:
    escaped = fmt.escape("<!channel> <@U123> @here & co")
    assert "<" not in escaped and "@here" not in escaped
    assert escaped.startswith("&lt;!channel&gt; &lt;@U123&gt;")
    assert "&amp; co" in escaped


def test_translation_fills_placeholders() -> None:
    assert (
        t("fr", "opp.not_found", number=12) == "Aucune opportunité #12 dans cet espace de travail."
    )
    assert t("en", "opp.not_found", number=12) == "There is no opportunity #12 in this workspace."
