"""Numbers read back from Slack payloads: button values, block ids, a modal's metadata.

The bot wrote them, but anyone holding a signed request can send anything back: "²" passes
`str.isdigit()` and breaks `int()`, 2³¹ passes `int()` and breaks PostgreSQL's INTEGER, a
metadata of `null` has no number. Every id goes through here before a query, so a forged one is
a clear refusal ("opp.ref_invalid") instead of "something went wrong".
"""

from __future__ import annotations

from typing import Any

from commands.errors import InvalidInput

MAX_ID = 2**31 - 1  # PostgreSQL's INTEGER: every id and number column
# A card's version that matches no deal: a click carrying a missing or forged version is
# answered as a click on a stale card (the current card, nothing changed).
STALE_VERSION = -1


def small_int(value: Any, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """`value` as an int in [low, high] when it is one written in ASCII digits (or an int, as
    JSON metadata holds it); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if low <= value <= high else None
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        return None
    if len(value) > len(str(high)):
        return None
    number = int(value)
    return number if low <= number <= high else None


def payload_id(value: Any) -> int:
    """A deal number, stage or row id from a payload; a forged one is refused."""
    found = small_int(value, low=1)
    if found is None:
        raise InvalidInput("payload.forged")
    return found


def payload_version(value: Any) -> int:
    """A card's version; a missing or forged one (-1, "abc", "") is never the deal's."""
    found = small_int(value)
    return STALE_VERSION if found is None else found


def card_metadata(meta: dict[str, Any]) -> tuple[int, int]:
    """(number, version) kept in a deal modal's metadata; forged metadata is refused."""
    return payload_id(meta.get("number")), payload_version(meta.get("version"))
