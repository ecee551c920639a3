"""Dates as exports write them: ISO ("2027-03-31", "2027-03-31T14:05:00Z"), numbers in the
report locale's order ("3/31/2027 2:05 PM", "31.03.2027", "31/03/27 14:05"), real date cells of
an .xlsx, and otherwise whatever `/opp new` understands ("fin mars 2027").

The day/month order is the file's: a date whose first number is over 12 shows day first,
one whose second is over 12 shows month first. A file that shows neither (or both) is read
day first, as `/opp new` reads "05/06", unless told otherwise (`--date-order`); a date that
reads only one way is read that way. The time of day is dropped: a deal's history keeps days.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime

from commands.errors import InvalidInput
from commands.parsing import parse_close_date

DAY_FIRST, MONTH_FIRST = "dmy", "mdy"

# A time of day after the date, dropped: "14:05", "2:05:33 PM", "10:00:00.000Z", "9h30 CET".
_TIME = (
    r"(?:[ T,]+\d{1,2}[:h]\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[ap]\.?m\.?)?"
    r"\s*(?:z|utc|gmt|[+-]\d{2}:?\d{2}|[a-z]{2,5})?)?"
)
_NUMERIC = re.compile(rf"(\d{{1,2}})([./-])(\d{{1,2}})\2(\d{{4}}|\d{{2}}){_TIME}", re.IGNORECASE)
_YEAR_FIRST = re.compile(rf"(\d{{4}})([-./])(\d{{1,2}})\2(\d{{1,2}}){_TIME}", re.IGNORECASE)


def detect_order(texts: Iterable[str]) -> str | None:
    """DAY_FIRST or MONTH_FIRST when the numeric dates show one; None when they show neither
    or both (then each date is read alone)."""
    day_first = month_first = False
    for text in texts:
        if text[:4].isdigit():
            continue  # year first: no day/month question
        match = _NUMERIC.fullmatch(text.strip())
        if match is None:
            continue
        first, second = int(match.group(1)), int(match.group(3))
        day_first = day_first or first > 12
        month_first = month_first or second > 12
        if day_first and month_first:
            return None
    if day_first:
        return DAY_FIRST
    return MONTH_FIRST if month_first else None


class DateReader:
    """Reads a file's dates with one day/month order, each distinct text once."""

    def __init__(self, *, order: str | None, today: date) -> None:
        self.order = order or DAY_FIRST
        self.today = today
        self.cache: dict[str, date] = {}

    def read(self, text: str) -> date:
        """The date in `text`; raises InvalidInput (`/opp new`'s messages) when there is none.

        Past and far dates are returned: whether they fit is the caller's rule."""
        day = self.cache.get(text)
        if day is None:
            day = self._read(text.strip())
            self.cache[text] = day
        return day

    def _read(self, text: str) -> date:
        if match := _YEAR_FIRST.fullmatch(text):
            if len(text) > 10 and text[10] in "T " and _has_zone(text):
                try:  # a moment with its zone (what `/opp export` writes): its UTC day
                    return datetime.fromisoformat(text).astimezone(UTC).date()
                except ValueError:
                    pass
            year, month, day = int(match.group(1)), int(match.group(3)), int(match.group(4))
            return _valid(year, month, day, text)
        if match := _NUMERIC.fullmatch(text):
            first, second, written = int(match.group(1)), int(match.group(3)), match.group(4)
            full_year = int(written) + (2000 if len(written) == 2 else 0)
            if self.order == MONTH_FIRST and first <= 12:
                return _valid(full_year, first, second, text)
            if second > 12 and first <= 12:  # only month first reads
                return _valid(full_year, first, second, text)
            return _valid(full_year, second, first, text)
        return _phrase(text, self.today)


def _has_zone(text: str) -> bool:
    rest = text[11:]
    return rest.endswith(("Z", "z")) or "+" in rest or rest.count("-") > 0


def _valid(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput("parse.date_unknown", field="close_date", text=text[:60]) from None


def _phrase(text: str, today: date) -> date:
    """`/opp new`'s reading ("fin mars 2027", "15 janvier 2026"), past dates kept."""
    try:
        return parse_close_date(text, today=today)
    except InvalidInput as error:
        if error.key in ("parse.date_past", "parse.date_too_far"):
            return date.fromisoformat(str(error.params["date"]))
        raise
