"""Accounts: found by their folded name, created on first use, searched by prefix.

Functions are keyword-only and take the session; the caller owns the transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db import conflict_insert
from storage.models import (
    Account,
)
from storage.queries.keys import name_key

# --- accounts ---------------------------------------------------------------------------


def find_account(*, session: Session, team_id: str, name: str) -> Account | None:
    return session.scalars(
        select(Account).where(Account.team_id == team_id, Account.name_key == name_key(name))
    ).one_or_none()


def get_account(*, session: Session, team_id: str, account_id: int) -> Account | None:
    return session.scalars(
        select(Account).where(Account.team_id == team_id, Account.id == account_id)
    ).one_or_none()


def find_or_add_account(*, session: Session, team_id: str, name: str, now: datetime) -> Account:
    """The account of that name (folded), created unless it exists or a concurrent request
    creates it first: ON CONFLICT DO NOTHING, then read the winner's row."""
    account = find_account(session=session, team_id=team_id, name=name)
    if account is not None:
        return account
    insert = conflict_insert(session)
    session.execute(
        insert(Account)
        .values(team_id=team_id, name=name, name_key=name_key(name), created_at=now)
        .on_conflict_do_nothing(index_elements=[Account.team_id, Account.name_key])
    )
    account = find_account(session=session, team_id=team_id, name=name)
    assert account is not None  # inserted here or by the request that won the race
    return account


def search_accounts(
    *, session: Session, team_id: str, query: str, limit: int = 20
) -> list[Account]:
    """Accounts whose name starts with (then contains) the query, for the modal's typeahead."""
    key = name_key(query)
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    starts = list(
        session.scalars(
            select(Account)
            .where(Account.team_id == team_id, Account.name_key.like(f"{escaped}%", escape="\\"))
            .order_by(Account.name_key)
            .limit(limit)
        )
    )
    if len(starts) >= limit or not key:
        return starts
    seen = {account.id for account in starts}
    contains = session.scalars(
        select(Account)
        .where(
            Account.team_id == team_id,
            Account.name_key.like(f"%{escaped}%", escape="\\"),
        )
        .order_by(Account.name_key)
        .limit(limit)
    )
    return (starts + [a for a in contains if a.id not in seen])[:limit]
