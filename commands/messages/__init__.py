"""The message catalog: every user-facing string, in French and English.

Each module of this package defines `MESSAGES: dict[str, dict[str, str]]` mapping a key to its
text per language; texts use `str.format` placeholders. A test checks both languages are complete
and use the same placeholders.
"""

from __future__ import annotations

from commands.messages import admin, board, general, moves, nudges, opp, parsing, stats

LANGUAGES = ("fr", "en")

CATALOG: dict[str, dict[str, str]] = {}
for _module in (general, opp, moves, admin, board, nudges, stats, parsing):
    for _key, _texts in _module.MESSAGES.items():
        if _key in CATALOG:
            raise RuntimeError(f"duplicate message key {_key!r}")
        CATALOG[_key] = _texts
