"""Percentages, as typed in a command or a form or read from a spreadsheet cell."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

# Digits, an optional decimal part (spreadsheets write "33.33" or "33,33"), an optional "%".
_PERCENT = re.compile(r"([0-9]+(?:[.,][0-9]+)?)\s*%?")


def parse_percent(text: str) -> int | None:
    """The whole percentage in `text` ("30", "30%", "30 %", "33,5 %" → 34), or None when it is
    not a number between 0 and 100.

    None rather than a refusal: each caller words it for its own field and command.
    """
    match = _PERCENT.fullmatch(text.strip())
    if match is None:
        return None
    value = Decimal(match.group(1).replace(",", "."))
    if value > 100:
        return None
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
