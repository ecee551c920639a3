"""Amounts as salespeople write them ("6 000 €", "$1,200.50", "6,5k"), alone or in a sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from commands.errors import InvalidInput
from commands.parsing.text import echo

MAX_AMOUNT = Decimal(10**12)
"""Largest amount accepted, in major units: above it the text is surely a typo."""


@dataclass(frozen=True)
class Amount:
    minor: int
    """Exact amount in minor units (cents)."""
    currency: str | None
    """ISO code when a symbol or code was typed, else None (the team's currency applies)."""


_SPACE = "[ \u00a0\u2009\u202f]"  # space, no-break, thin and narrow no-break: thousands only
_CURRENCY_CODES = {
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "£": "GBP",
    "gbp": "GBP",
}
_AMOUNT = rf"""
    (?P<sign>[-−]{_SPACE}?)?
    (?:(?P<prefix>€|\$|£|eur|usd|gbp){_SPACE}?)?
    (?P<number>
        (?:[0-9]{{1,3}}(?:{_SPACE}[0-9]{{3}})+(?![0-9])
          |[0-9]{{1,3}}(?:,[0-9]{{3}})+(?![0-9])
          |[0-9]{{1,3}}(?:\.[0-9]{{3}})+(?![0-9])
          |[0-9]+)
        (?:[.,][0-9]+)?
    )
    (?:{_SPACE}?(?P<multiplier>[km]))?
    (?:{_SPACE}?(?P<suffix>€|\$|£|euros?|eur|usd|gbp|dollars?))?
"""
_AMOUNT_ALONE = re.compile(_AMOUNT, re.VERBOSE | re.IGNORECASE)
# In free text an amount stands apart: not glued to a word ("A4", "v2"), a date ("15/10"),
# a time ("10:30"), a percentage or a reference ("#12").
_AMOUNT_IN_TEXT = re.compile(
    rf"""(?<![^\s(\[«“"']) {_AMOUNT} (?=$|[\s)\]!?;»”"']|[.,](?:$|\s))""",
    re.VERBOSE | re.IGNORECASE,
)
_NUMBER_PARTS = re.compile(rf"([.,]|{_SPACE})")


def _number_value(raw: str, *, scaled: bool) -> Decimal | None:
    """The value of a number written with thousands separators and a decimal mark, or None.

    A "," or "." followed by exactly three final digits groups thousands ("6,000"); otherwise it
    is the decimal mark ("6,5"). Spaces only group thousands. With k/M (`scaled`), a lone
    separator is always the decimal mark ("1.500k" is 1,500) and decimals are not limited.
    """
    parts = _NUMBER_PARTS.split(raw)
    groups, separators = parts[0::2], [" " if s.isspace() else s for s in parts[1::2]]
    if not separators:
        return Decimal(raw)
    decimal_mark, decimals = None, ""
    last_separator, last_group = separators[-1], groups[-1]
    if last_separator != " " and (len(last_group) != 3 or (scaled and len(separators) == 1)):
        decimal_mark, decimals = last_separator, last_group
        groups, separators = groups[:-1], separators[:-1]
    if separators:
        if len(set(separators)) != 1 or separators[0] == decimal_mark:
            return None
        if len(groups[0]) > 3 or any(len(group) != 3 for group in groups[1:]):
            return None
        # No one groups thousands after a leading zero: "0.001" is a sub-cent decimal, refused
        # (cents are the finest unit), never read as 1.
        if groups[0].startswith("0"):
            return None
    if len(decimals) > 2 and not scaled:
        return None
    return Decimal("".join(groups) + ("." + decimals if decimals else ""))


def _amount_of(match: re.Match[str], text: str) -> Amount:
    """The amount a regex match stands for; refuses invalid, non-positive and huge ones."""
    multiplier = (match.group("multiplier") or "").lower()
    value = _number_value(match.group("number"), scaled=bool(multiplier))
    prefix, suffix = match.group("prefix"), match.group("suffix")
    if value is None or (prefix and suffix):
        raise InvalidInput("parse.amount_invalid", field="amount", text=echo(text))
    if multiplier:
        value = value.scaleb(3 if multiplier == "k" else 6)
    if match.group("sign"):
        raise InvalidInput("parse.amount_not_positive", field="amount", text=echo(text))
    symbol = prefix or suffix
    return Amount(
        minor=minor_units(value, text),
        currency=_CURRENCY_CODES[symbol.lower()] if symbol else None,
    )


def minor_units(value: Decimal, text: str) -> int:
    """A positive amount in cents (rounded half up), refused when zero or over the maximum;
    `text` is what the user typed, echoed in the refusal."""
    if value <= 0:
        raise InvalidInput("parse.amount_not_positive", field="amount", text=echo(text))
    if value > MAX_AMOUNT:
        raise InvalidInput("parse.amount_too_large", field="amount", text=echo(text))
    cents = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if cents.is_zero():
        raise InvalidInput("parse.amount_not_positive", field="amount", text=echo(text))
    return int(cents.scaleb(2))


def parse_amount(text: str) -> Amount:
    """The amount in `text`, which must be nothing else: "6 000 €", "$1,200.50", "6,5k"…"""
    match = _AMOUNT_ALONE.fullmatch(" ".join(text.split()))
    if match is None:
        raise InvalidInput("parse.amount_invalid", field="amount", text=echo(text))
    return _amount_of(match, text)


def find_amount(text: str) -> tuple[int, int, Amount] | None:
    """The span and value of the amount in free text, or None.

    An amount marked with a currency or k/M wins over a bare number met earlier, so the number
    in "Studio 54 6000 € déco" is 6000. An integer followed by M alone is a name ("3M"), not
    three million.
    """
    first_bare: tuple[int, int, Amount] | None = None
    for match in _AMOUNT_IN_TEXT.finditer(text):
        try:
            amount = _amount_of(match, text)
        except InvalidInput:
            continue
        marked = bool(match.group("prefix") or match.group("suffix"))
        multiplier = (match.group("multiplier") or "").lower()
        if multiplier == "m" and not marked and not any(c in ".," for c in match.group("number")):
            continue
        if marked or multiplier:
            return match.start(), match.end(), amount
        if first_bare is None:
            first_bare = (match.start(), match.end(), amount)
    return first_bare


def locate_amount(text: str) -> tuple[int, int, Amount | InvalidInput] | None:
    """Where the amount of a free-text line is, and its value or why it cannot be one.

    Like `find_amount`, but what reads as the amount and is refused (negative, zero, more than
    `MAX_AMOUNT`) is returned with its refusal instead of being skipped, so a typo is not
    silently taken for part of a title. Order of preference: a valid marked amount (currency,
    k/M), a refused marked one (a minus sign marks it too), a valid bare number, a refused one.
    A minus followed by a space is a dash between words ("Acme - 6000 € - audit"), not a sign.
    """
    ranked: dict[int, tuple[int, int, Amount | InvalidInput]] = {}
    for match in _AMOUNT_IN_TEXT.finditer(text):
        start = match.start()
        sign = match.group("sign") or ""
        if sign != sign.rstrip():  # "- 6000": a dash between words, read what follows
            start = match.end("sign")
            unsigned = _AMOUNT_ALONE.fullmatch(text, start, match.end())
            if unsigned is None:
                continue
            match = unsigned
        marked = bool(match.group("prefix") or match.group("suffix") or match.group("sign"))
        multiplier = (match.group("multiplier") or "").lower()
        if multiplier == "m" and not marked and not any(c in ".," for c in match.group("number")):
            continue
        value: Amount | InvalidInput
        try:
            value = _amount_of(match, match.group())
        except InvalidInput as error:
            if error.key == "parse.amount_invalid":
                continue  # "6,1234": not written as an amount at all
            value = error
        rank = (0 if marked or multiplier else 2) + isinstance(value, InvalidInput)
        ranked.setdefault(rank, (start, match.end(), value))
    return ranked[min(ranked)] if ranked else None
