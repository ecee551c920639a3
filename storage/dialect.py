"""SQL expressions that differ between SQLite and PostgreSQL: durations and UTC months.

Timestamps are stored in UTC (SQLite: text 'YYYY-MM-DD HH:MM:SS…'; PostgreSQL: timestamptz),
so both engines put a moment in the same month, whatever the server's time zone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Date, Integer, cast, func
from sqlalchemy.orm import Session


def name(session: Session) -> str:
    return session.get_bind().dialect.name


def is_sqlite(session: Session) -> bool:
    return name(session) == "sqlite"


def utc_month(dialect: str, column: Any, *, to_group: bool = False) -> ColumnElement[Any]:
    """The UTC month of a timestamp column (a date column's own month), as 'YYYY-MM'.

    `to_group`: for a value only grouped by, then read back with `month_text` — on PostgreSQL
    the month's first moment rather than text (truncating is several times cheaper there than
    formatting, over hundreds of thousands of rows).
    """
    if dialect == "sqlite":
        return func.substr(column, 1, 7)
    # A calendar date has no time zone to convert from (and converting would shift it).
    moment = column if isinstance(column.type, Date) else func.timezone("UTC", column)
    if to_group:
        return func.date_trunc("month", moment)
    return func.to_char(moment, "YYYY-MM")


def month_text(value: object) -> str:
    """'YYYY-MM' of what `utc_month` gave."""
    return value.strftime("%Y-%m") if isinstance(value, datetime) else str(value)


def days_between(session: Session, later: Any, earlier: Any) -> ColumnElement[Any]:
    """Days (fractional) between two timestamp columns."""
    if is_sqlite(session):
        return func.julianday(later) - func.julianday(earlier)
    # date_part gives a double; EXTRACT gives an exact numeric, much slower over millions.
    return func.date_part("epoch", later - earlier) / 86400.0


def whole_days(session: Session, days: ColumnElement[Any]) -> ColumnElement[int]:
    # Durations are never negative: truncating is flooring (SQLite may lack floor()).
    if is_sqlite(session):
        return cast(days, Integer)
    return cast(func.floor(days), Integer)


def epoch_seconds(session: Session, column: Any) -> ColumnElement[int]:
    """Whole seconds since the epoch (the fraction dropped, as Python's `timegm` does)."""
    if is_sqlite(session):
        # Only 'YYYY-MM-DD HH:MM:SS': SQLite reads a fraction to the millisecond, rounding
        # (…:00.9996 would be …:01), where Python drops it.
        return cast(func.strftime("%s", func.substr(column, 1, 19)), Integer)
    return cast(func.floor(func.extract("epoch", column)), BigInteger)
