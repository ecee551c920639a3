"""Translating message keys into the user's language.

The texts live in gettext catalogs, one per language: `locale/<lang>/LC_MESSAGES/salesbot.po`
(README, "Translations"). The msgids are the message keys (`opp.not_found`), the msgstrs the
texts with `str.format` placeholders; English is the source language a translator starts from.
A catalog is compiled in memory the first time its language is asked for, so an edited .po
needs no build step, and a language is a folder: adding one needs no code.
"""

from __future__ import annotations

import gettext
import io
import threading
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "salesbot"
LOCALE_DIR = Path(__file__).with_name("locale")
DEFAULT_LANGUAGE = "fr"


def catalog_path(directory: Path, lang: str) -> Path:
    return directory / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages_in(directory: Path, default: str = DEFAULT_LANGUAGE) -> tuple[str, ...]:
    """The languages with a catalog in `directory`, the default one first."""
    found = sorted(path.parents[1].name for path in directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return tuple(sorted(found, key=lambda lang: lang != default))


class _MissingKey(gettext.NullTranslations):
    """The end of every fallback chain: an unknown key is a bug (a typo), so it fails loudly."""

    def gettext(self, message: str) -> str:
        raise KeyError(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        raise KeyError(msgid1)


class Catalogs:
    """The catalogs of one locale folder, each compiled on first use and kept."""

    def __init__(self, directory: Path, default: str = DEFAULT_LANGUAGE) -> None:
        self.directory = directory
        self.default = default
        self.languages = languages_in(directory, default)
        self._compiled: dict[str, gettext.GNUTranslations] = {}
        # The keys that are plural entries in some catalog: `text` picks their form by `count`.
        self._plural_keys: set[str] = set()
        # Reentrant: compiling a language first compiles the default one it falls back to.
        self._lock = threading.RLock()

    def translations(self, lang: str) -> gettext.GNUTranslations:
        """`lang`'s texts, falling back to the default language's (a language we lack, a key
        not translated yet), and from there to a KeyError. `lang` may be a whole language tag,
        as Slack's locales are: "en-GB" reads the English catalog."""
        if lang not in self.languages:
            base = lang.replace("_", "-").split("-")[0].lower()
            lang = base if base in self.languages else self.default
        compiled = self._compiled.get(lang)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(lang) or self._compile(lang)
                self._compiled[lang] = compiled
        return compiled

    def _compile(self, lang: str) -> gettext.GNUTranslations:
        with catalog_path(self.directory, lang).open("rb") as po:
            catalog = read_po(po, domain=DOMAIN)
        # write_mo leaves out empty and fuzzy entries (so they fall back) but fills an empty
        # plural form with the msgid, here a key: such an entry is not translated yet either.
        for message in list(catalog):
            if isinstance(message.string, (tuple, list)) and not all(message.string):
                del catalog[message.id]
        self._plural_keys.update(m.id[0] for m in catalog if isinstance(m.id, (tuple, list)))
        mo = io.BytesIO()
        write_mo(mo, catalog)
        mo.seek(0)
        compiled = gettext.GNUTranslations(mo)
        if lang == self.default:
            compiled.add_fallback(_MissingKey())
        else:
            compiled.add_fallback(self.translations(self.default))
        return compiled

    def text(self, lang: str, key: str, **params: Any) -> str:
        """A plural entry given a `count` takes the form that count calls for: a domain message
        (a key and its parameters) reads "1 stage", "2 stages" without knowing it is plural."""
        translations = self.translations(lang)
        count = params.get("count")
        if key in self._plural_keys and isinstance(count, int):
            return translations.ngettext(key, key, count).format(**params)
        text = translations.gettext(key)
        return text.format(**params) if params else text

    def plural(self, lang: str, key: str, count: int, **params: Any) -> str:
        text = self.translations(lang).ngettext(key, key, count)
        return text.format(count=count, **params)


CATALOGS = Catalogs(LOCALE_DIR)
LANGUAGES = CATALOGS.languages


def language_from_locale(locale: str | None) -> str | None:
    """The catalog language of a Slack locale (`fr-FR`, `en-US`, `en-GB`…), if we have it."""
    if locale:
        lang = locale.replace("_", "-").split("-")[0].lower()
        if lang in LANGUAGES:
            return lang
    return None


def language_of(locale: str | None, fallback: str = DEFAULT_LANGUAGE) -> str:
    """A Slack locale's language, else the fallback (a workspace's default)."""
    lang = language_from_locale(locale)
    if lang is not None:
        return lang
    return fallback if fallback in LANGUAGES else DEFAULT_LANGUAGE


def reader_tag(locale: str | None, language: str) -> str:
    """A reader's language tag: their own Slack locale ("en-GB") when it speaks `language`, the
    language their texts are in; else `language` alone (its main country's formats)."""
    return locale if locale and language_from_locale(locale) == language else language


def t(lang: str, key: str, **params: Any) -> str:
    """The text for `key` in `lang`, with its placeholders filled (in the plural form its
    `count` calls for, when the entry is a plural one)."""
    return CATALOGS.text(lang, key, **params)


def tn(lang: str, key: str, count: int, **params: Any) -> str:
    """The text for `key` in `lang` in the plural form `count` calls for; `{count}` is filled
    in along with the other placeholders."""
    return CATALOGS.plural(lang, key, count, **params)


def extract_catalog_keys(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str | None, str | tuple[str, str], list[str]]]:
    """A Babel extraction method (babel.cfg): the keys the English catalog declares.

    Many keys appear in no `t(lang, "…")` call (an error's key, `f"status.{x}"`), so the template
    takes them from the source language's catalog; without them, `pybabel update` would mark
    them obsolete. Line 0: the location names the file only, so it does not move.
    """
    for message in read_po(fileobj, domain=DOMAIN):
        if isinstance(message.id, str):
            if message.id:  # not the header
                yield 0, None, message.id, []
        else:
            yield 0, "ngettext", (message.id[0], message.id[1]), []
