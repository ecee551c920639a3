"""Owners given by name, as the CRMs export them (`Deal - Owner` = "Anna Martin"): matched
against the names of the workspace's members, which the command line reads from Slack
(`users.list`) before the database is touched.

A name matches a member when it equals, folded (`storage.text.fold`: case, accents and spaces
ignored), one of the member's names (real name, display name). Exactly one member must match.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from commands.errors import InvalidInput
from storage.text import fold

MAX_SHOWN = 60  # characters of a name quoted back in a refusal

NameIndex = Mapping[str, frozenset[str]]  # folded name -> the user ids bearing it


def index_names(members: Mapping[str, Collection[str]]) -> dict[str, frozenset[str]]:
    """Folded name -> user ids, from Slack's name -> user ids; blank names are left out."""
    found: dict[str, set[str]] = {}
    for name, user_ids in members.items():
        key = fold(name)
        if key:
            found.setdefault(key, set()).update(user_ids)
    return {key: frozenset(ids) for key, ids in found.items()}


def owner_by_name(index: NameIndex | None, text: str) -> str:
    """The one member named `text`; else a refusal saying why (no Slack, nobody, several)."""
    if index is None:
        raise InvalidInput("import.owner_name_needs_token", text=text[:MAX_SHOWN])
    found = sorted(index.get(fold(text), ()))
    if not found:
        raise InvalidInput("import.owner_name_unknown", text=text[:MAX_SHOWN])
    if len(found) > 1:
        raise InvalidInput("import.owner_name_ambiguous", text=text[:MAX_SHOWN],
                           users=", ".join(found))  # fmt: skip
    return found[0]
