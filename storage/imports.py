"""Bulk reads and writes for the spreadsheet import: a few statements per thousands of rows.

Rows go in as Core inserts, not ORM objects: 100,000 deals would flush one by one and fill the
session. The same flush is what keeps the running totals (`tallies`), so the caller counts these
rows itself. Functions are keyword-only and take the session; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from storage.models import (
    Account,
    Base,
    Member,
    Opportunity,
    SalesProcess,
    Stage,
    StageChange,
    Workspace,
)

BATCH = 5_000
"""Rows per insert statement: bounds the memory a statement takes, not the number of queries."""
_IN_LIST = 500  # keys per `IN (…)`: well under every database's bound-parameter limit


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def account_ids(*, session: Session, team_id: str, name_keys: Sequence[str]) -> dict[str, int]:
    """The ids of the workspace's accounts by name key, for the keys that have one."""
    found: dict[str, int] = {}
    for chunk in chunks(name_keys, _IN_LIST):
        rows = session.execute(
            select(Account.name_key, Account.id).where(
                Account.team_id == team_id, Account.name_key.in_(chunk)
            )
        )
        found.update((str(key), int(id_)) for key, id_ in rows)
    return found


def add_accounts(
    *, session: Session, team_id: str, names: Mapping[str, str], now: datetime
) -> None:
    """Create accounts: `names` maps each new name key to the name as first written."""
    table = Base.metadata.tables[Account.__tablename__]
    keys = list(names)
    for chunk in chunks(keys, BATCH):
        session.execute(
            insert(table),
            [{"team_id": team_id, "name": names[k], "name_key": k, "created_at": now}
             for k in chunk],
        )  # fmt: skip


def known_members(*, session: Session, team_id: str, user_ids: Sequence[str]) -> set[str]:
    """Those of `user_ids` the workspace already has as members."""
    known: set[str] = set()
    for chunk in chunks(user_ids, _IN_LIST):
        known.update(
            session.scalars(
                select(Member.user_id).where(Member.team_id == team_id, Member.user_id.in_(chunk))
            )
        )
    return known


def add_opportunities(
    *, session: Session, team_id: str, rows: Sequence[Mapping[str, Any]]
) -> dict[int, int]:
    """Insert deals (rows of the opportunities table, with their `number`s reserved beforehand,
    one statement) and return their ids by number."""
    if not rows:
        return {}
    _insert(session, Opportunity.__tablename__, rows)
    numbers = [int(row["number"]) for row in rows]
    return {
        int(number): int(id_)
        for number, id_ in session.execute(
            select(Opportunity.number, Opportunity.id).where(
                Opportunity.team_id == team_id,
                Opportunity.number >= min(numbers),
                Opportunity.number <= max(numbers),
            )
        )
    }


def add_stage_changes(*, session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert history rows (rows of the stage_changes table), one statement."""
    _insert(session, StageChange.__tablename__, rows)


def _insert(session: Session, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """One insert of many rows: COPY on PostgreSQL (several times faster than its executemany,
    which sends one INSERT per row), executemany elsewhere (SQLite's runs in C)."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(Base.metadata.tables[table]), rows)
        return
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def team_ids(*, session: Session) -> list[str]:
    """The teams that have used the bot (they have a workspace)."""
    return list(session.scalars(select(Workspace.team_id).order_by(Workspace.team_id)))


def add_stages(
    *,
    session: Session,
    team_id: str,
    process: SalesProcess,
    stages: Sequence[tuple[str, int]],
    start: int,
) -> list[Stage]:
    """Append stages (name, probability) to a process, from position `start`."""
    added = [
        Stage(team_id=team_id, process_id=process.id, name=name, position=start + i,
              probability=percent, stuck_after_days=None)
        for i, (name, percent) in enumerate(stages)
    ]  # fmt: skip
    session.add_all(added)
    session.flush()
    session.refresh(process, ["stages"])
    return added
