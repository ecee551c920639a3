"""Creation keys: one deal per request, however many times Slack delivers it.

The key is claimed before the deal is created, in the same transaction. A second delivery
claiming it finds it taken: on SQLite after the first committed (writers take turns); on
PostgreSQL, INSERT … ON CONFLICT waits for a first transaction still in flight, then sees its
row. Either way it reads the number the first one stored, and creates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storage.db import conflict_insert
from storage.models import CreationKey

MAX_KEY = 200


@dataclass(frozen=True)
class Claim:
    """`first`: this transaction claimed the key and creates the deal (then `created`).
    Otherwise `number` is the deal a first delivery created (None if it made none)."""

    first: bool
    number: int | None = None


def claim(*, session: Session, team_id: str, key: str, now: datetime) -> Claim:
    inserted = session.execute(
        conflict_insert(session)(CreationKey)
        .values(team_id=team_id, key=key[:MAX_KEY], created_at=now)
        .on_conflict_do_nothing()
        .returning(CreationKey.key)
    ).first()
    if inserted is not None:
        return Claim(first=True)
    number = session.scalar(
        select(CreationKey.number).where(
            CreationKey.team_id == team_id, CreationKey.key == key[:MAX_KEY]
        )
    )
    return Claim(first=False, number=number)


def created(*, session: Session, team_id: str, key: str, number: int) -> None:
    """The deal the claimed `key` made."""
    session.execute(
        update(CreationKey)
        .where(CreationKey.team_id == team_id, CreationKey.key == key[:MAX_KEY])
        .values(number=number)
    )


def prune(*, session: Session, before: datetime) -> int:
    """Forget keys claimed before `before`; how many."""
    result = session.execute(delete(CreationKey).where(CreationKey.created_at < before))
    return int(getattr(result, "rowcount", 0) or 0)
