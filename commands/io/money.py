"""A row's amount and currency: a number cell of an .xlsx, or text as `/opp new` reads it
("12 500,00 €", "$12,500.00", "EUR 900"), in the currency its currency column names or the
amount carries."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from commands.errors import DomainError, InvalidInput
from commands.parsing import clean_text, minor_units, parse_amount


def row_currency(amount: Any, currency: str) -> str | None:
    """The row's currency: its currency column's, else the one written with the amount."""
    if currency.strip():
        return currency.strip().upper()
    if isinstance(amount, str):
        try:
            return parse_amount(clean_text(amount, max_len=40)).currency
        except DomainError:
            return None
    return None


def read_amount(value: Any, currency: str, workspace_currency: str) -> int:
    """The amount in minor units; refused when in another currency than the workspace's."""
    code = currency.strip().upper() or None
    try:
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            minor = minor_units(Decimal(str(value)), str(value))
        else:
            parsed = parse_amount(clean_text(str(value), max_len=40))
            minor, code = parsed.minor, parsed.currency or code
    except InvalidOperation:
        raise InvalidInput("parse.amount_invalid", text=str(value)[:60]) from None
    if code is not None and code != workspace_currency:
        raise InvalidInput("opp.currency_mismatch", typed=code, currency=workspace_currency)
    return minor
