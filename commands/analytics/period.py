"""The period `/pipeline stats` covers: whole UTC days, the last 12 months by default."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from commands.errors import InvalidInput
from commands.reports import add_months

DEFAULT_MONTHS = 12
MAX_MONTHS = 24


@dataclass(frozen=True)
class Period:
    start: date  # the first day
    end: date  # the last day, included

    @property
    def months(self) -> tuple[date, ...]:
        first = self.start.replace(day=1)
        count = (self.end.year - first.year) * 12 + self.end.month - first.month + 1
        return tuple(add_months(first, i) for i in range(count))

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(), UTC)

    @property
    def end_at(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(date.fromordinal(self.end.toordinal() + 1), time(), UTC)


_BOUND = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?")


def _bound(text: str, *, last: bool, echo: str) -> date:
    """`2026`, `2026-03` or `2026-03-15`: its first day, or its last with `last`."""
    match = _BOUND.fullmatch(text)
    if match is None:
        raise InvalidInput("stats.period_invalid", text=echo)
    year = int(match["year"])
    month = int(match["month"] or (12 if last else 1))
    try:
        if match["day"]:
            return date(year, month, int(match["day"]))
        first = date(year, month, 1)
    except ValueError:
        raise InvalidInput("stats.period_invalid", text=echo) from None
    return date.fromordinal(add_months(first, 1).toordinal() - 1) if last else first


def parse_period(text: str | None, *, today: date) -> Period:
    """`<from>..<to>` (either side may be left out, spaces allowed), or one year, month or day
    alone."""
    if not text:
        return Period(add_months(today.replace(day=1), 1 - DEFAULT_MONTHS), today)
    echo = text[:40]
    text = "".join(text.split())  # "2026-01 .. 2026-06", as the scope's words run to the end
    if ".." in text:
        first, _, second = text.partition("..")
        end = _bound(second, last=True, echo=echo) if second else today
        start = (
            _bound(first, last=False, echo=echo)
            if first
            else add_months(end.replace(day=1), 1 - DEFAULT_MONTHS)
        )
    else:
        start, end = _bound(text, last=False, echo=echo), _bound(text, last=True, echo=echo)
    end = min(end, today)
    if start > end:
        raise InvalidInput("stats.period_empty", text=echo)
    period = Period(start, end)
    if len(period.months) > MAX_MONTHS:
        raise InvalidInput("stats.period_too_long", text=echo, months=MAX_MONTHS)
    return period
