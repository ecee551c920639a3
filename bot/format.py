"""Locale formatting (Babel) and escaping of text echoed back to Slack."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_currency, format_decimal

from commands.context import zone
from commands.i18n import language_of

LOCALES = {"fr": "fr_FR", "en": "en_US"}
"""Each language's formats when only the language is known."""


@cache
def locale_of(lang: str) -> str:
    """The Babel locale a reader's language tag writes with: their own ("en-GB" → en_GB,
    "fr-CA" → fr_CA) when Babel knows it and it speaks the language of their texts, else
    that language's main one ("en" → en_US)."""
    language = language_of(lang)
    try:
        own = Locale.parse(lang.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        own = None
    if own is None or own.language != language or not own.territory:
        return LOCALES.get(language, LOCALES["fr"])
    return str(own)


def language(lang: str) -> str:
    """The catalog language of a language tag: "fr" for "fr-CA"."""
    return language_of(lang)


@cache
def _whole_pattern(locale: str) -> str:
    # The locale's currency pattern without decimals: "6 000 €", "€6,000" for whole amounts.
    pattern = str(Locale.parse(locale).currency_formats["standard"].pattern)
    return pattern.replace(".00", "")


@lru_cache(maxsize=65_536)  # Babel parses its pattern on every call; boards repeat amounts
def money(minor: int, currency: str, lang: str) -> str:
    """An exact amount in the reader's locale; cents only when there are some."""
    locale = locale_of(lang)
    value = Decimal(minor).scaleb(-2)
    if minor % 100 == 0:
        return format_currency(
            value, currency, format=_whole_pattern(locale), locale=locale, currency_digits=False
        )
    return format_currency(value, currency, locale=locale)


def day(value: date, lang: str) -> str:
    return format_date(value, format="medium", locale=locale_of(lang))


def month(value: date, lang: str) -> str:
    return format_date(value, format="MMMM y", locale=locale_of(lang))


def day_month(value: date, lang: str) -> str:
    """A day and month in digits, in the reader's order: 15/10, 10/15 (en-US), 15.10. (fr-CH)."""
    return format_skeleton("Md", value, locale=locale_of(lang))


def decimal(value: float, lang: str) -> str:
    """A measure with one decimal, as the reader writes it: "39,0" in French, "39.0" in English."""
    return format_decimal(value, format="#,##0.0", locale=locale_of(lang))


def moment(value: datetime, lang: str, tz: str) -> str:
    """A UTC timestamp shown in the reader's own timezone."""
    return format_datetime(value.astimezone(zone(tz)), format="short", locale=locale_of(lang))


_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)


def escape(text: str) -> str:
    """Text typed by users, made inert: no <!channel>, no <@U…> pings, no fake links."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # A zero-width joiner keeps "@here" readable but stops any client from treating it as one.
    return _BROADCAST.sub(lambda m: "@\u2060" + m.group(1), text)


_SPECIAL = re.compile(r"<([!@#])")
# Slack's own markup: <https://…|label>, <mailto:…>, <@U…|name>, <#C…|name>, <!channel>,
# <!subteam^S…|@team>, <!date^…|fallback>.
_MARKUP = re.compile(
    r"<(?:([!@#])|(?=[a-z][a-z0-9+.-]*:))([^<>|\s]+)(?:\|([^<>]*))?>", re.IGNORECASE
)


def _label(match: re.Match[str]) -> str:
    sigil, target, label = match.group(1), match.group(2), match.group(3)
    if label:
        # A user's or channel's label lacks its sigil; a link's, a group's ("@team") or a
        # date's fallback is shown as it is.
        return sigil + label if sigil in ("@", "#") and label[:1] != sigil else label
    if sigil == "!":
        return "@" + target.split("^", 1)[0]  # <!channel> reads "@channel" (defused below)
    return (sigil or "") + target.removeprefix("mailto:")


def plain(text: str) -> str:
    """For plain_text fields (headers, buttons, options), which render no markup: a link or
    mention shows as its label ("<https://x|Acme>" → "Acme", "<!channel>" → "@channel"), and no
    `<!channel>`/`<@U…>` token survives (a word joiner after "<" breaks it, should the text ever
    be shown as mrkdwn), nor a working "@here"."""
    text = _MARKUP.sub(_label, text)
    text = _SPECIAL.sub(lambda m: "<\u2060" + m.group(1), text)
    return _BROADCAST.sub(lambda m: "@\u2060" + m.group(1), text)


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
