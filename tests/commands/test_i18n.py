"""The catalogs are complete in every language, the template follows the code, and formatting
follows the reader."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po

from bot import format as fmt
from commands.i18n import LANGUAGES, LOCALE_DIR, Catalogs, catalog_path, language_of, t, tn
from tests.catalog_support import catalog_texts, read_catalog

ROOT = Path(__file__).resolve().parents[2]
# The keywords of `pybabel extract` (README, "Translations").
KEYWORDS = {**DEFAULT_KEYWORDS, "t": (2,), "tn": (2, 2)}
TEXTS = {lang: catalog_texts(lang) for lang in LANGUAGES}
KEYS = sorted(set().union(*TEXTS.values()))


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_french_and_english_are_the_languages() -> None:
    assert LANGUAGES == ("fr", "en")


@pytest.mark.parametrize("key", KEYS)
def test_every_message_exists_in_both_languages_with_the_same_placeholders(key: str) -> None:
    texts = {lang: TEXTS[lang][key] for lang in LANGUAGES if key in TEXTS[lang]}
    assert set(texts) == set(LANGUAGES), key
    assert all(form.strip() for lang in LANGUAGES for form in texts[lang]), key
    forms = [form for lang in LANGUAGES for form in texts[lang]]
    assert all(_placeholders(form) == _placeholders(forms[0]) for form in forms), key


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_entries_have_every_form_their_language_needs(lang: str) -> None:
    catalog = read_catalog(lang)
    # The header's rule is CLDR's, as Babel knows it.
    assert catalog.plural_forms == get_plural(lang).plural_forms
    plurals = [message for message in catalog if message.pluralizable]
    assert plurals, "no plural entry to check"
    for message in plurals:
        assert message.id[0] == message.id[1], message.id  # key-based: msgid_plural = msgid
        assert len(message.string) == catalog.num_plurals, message.id


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_entry_is_fuzzy(lang: str) -> None:
    # A fuzzy entry is left out when compiled: it would silently show another language.
    assert not [message.id for message in read_catalog(lang) if message.fuzzy and message.id]


def _extracted(method_map: list[tuple[str, str]], directory: Path) -> set[str]:
    found = extract_from_dir(str(directory), method_map, keywords=KEYWORDS)
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def test_every_key_written_in_code_is_in_the_catalogs() -> None:
    in_code: set[str] = set()
    for package in ("bot", "commands"):
        in_code |= _extracted([("**.py", "python")], ROOT / package)
    assert len(in_code) > 200  # the extraction did find the calls
    for lang in LANGUAGES:
        assert sorted(in_code - set(TEXTS[lang])) == [], lang


def test_the_template_holds_what_extraction_finds_and_the_catalogs_hold() -> None:
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, _ = parse_mapping_cfg(cfg)
    extracted = _extracted(method_map, ROOT)
    with (LOCALE_DIR / "salesbot.pot").open("rb") as pot:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(pot) if m.id}
    assert extracted == template
    for lang in LANGUAGES:
        assert set(TEXTS[lang]) == template, lang


def test_an_unknown_key_fails_loudly() -> None:
    for lang in (*LANGUAGES, "de"):
        with pytest.raises(KeyError):
            t(lang, "opp.not_fuond", number=12)
        with pytest.raises(KeyError):
            tn(lang, "card.history_mroe", 2)


def test_plural_forms_follow_the_language() -> None:
    # French: 0 and 1 are singular. English: only 1 is.
    assert tn("fr", "card.history_more", 0) == "… et 0 changement plus ancien"
    assert tn("fr", "card.history_more", 1) == "… et 1 changement plus ancien"
    assert tn("fr", "card.history_more", 2) == "… et 2 changements plus anciens"
    assert tn("en", "card.history_more", 0) == "… and 0 earlier changes"
    assert tn("en", "card.history_more", 1) == "… and 1 earlier change"
    assert tn("en", "card.history_more", 2) == "… and 2 earlier changes"


def _write_catalog(directory: Path, lang: str, texts: dict[str, str | tuple[str, ...]]) -> None:
    catalog = Catalog(locale=lang, domain="salesbot", fuzzy=False)
    for key, text in texts.items():
        catalog.add(key if isinstance(text, str) else (key, key), text)
    path = catalog_path(directory, lang)
    path.parent.mkdir(parents=True)
    with path.open("wb") as po:
        write_po(po, catalog)


def test_a_third_language_is_a_file(tmp_path: Path) -> None:
    more = ("{count} de plus",) * 3
    _write_catalog(
        tmp_path, "fr", {"status.open": "En cours", "status.won": "Gagnée", "deal.more": more}
    )
    deals = ("{count} szansa", "{count} szanse", "{count} szans")  # Polish: three forms
    untranslated = ("", "", "")
    _write_catalog(
        tmp_path, "pl", {"status.open": "Otwarta", "deal.count": deals, "deal.more": untranslated}
    )
    catalogs = Catalogs(tmp_path)
    assert catalogs.languages == ("fr", "pl")
    assert catalogs.text("pl", "status.open") == "Otwarta"
    # A key not translated yet, and a language we lack, fall back to French.
    assert catalogs.text("pl", "status.won") == "Gagnée"
    assert catalogs.text("de", "status.open") == "En cours"
    assert catalogs.plural("pl", "deal.more", 3) == "3 de plus"
    assert [catalogs.plural("pl", "deal.count", n) for n in (1, 3, 5)] == [
        "1 szansa",
        "3 szanse",
        "5 szans",
    ]
    with pytest.raises(KeyError):
        catalogs.text("pl", "status.lost")


def test_the_languages_are_the_catalog_folders(tmp_path: Path) -> None:
    assert Catalogs(LOCALE_DIR).languages == LANGUAGES
    assert Catalogs(tmp_path).languages == ()


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
