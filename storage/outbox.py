"""The outbox: every nudge, follow-up and digest is a row here before it is sent.

A row's key `(team_id, recipient, kind, period)` is unique, so planning the same message twice
(a restart, a second worker) writes it once. Workers claim due rows — `FOR UPDATE SKIP LOCKED`
on PostgreSQL, so replicas never take the same row; SQLite has a single writer and
`Database.transaction()` already begins IMMEDIATE — and hold them for a lease. A row whose
lease ran out was claimed by a worker that died or hung: whoever claims it next is told the
post is `uncertain` and must look for it in Slack before posting again.

Functions are keyword-only and take the session; the caller owns the transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from storage.db import conflict_insert
from storage.models import OutboxMessage, OutboxStatus

ERROR_MAX = 300


@dataclass(frozen=True)
class Claimed:
    """A row a worker holds until `lease_until`: what to send, and what is known of it."""

    id: int
    team_id: str
    recipient: str
    kind: str
    period: str
    channel: str
    payload: dict[str, Any]
    attempts: int
    uncertain: bool
    first_attempt_at: datetime
    channel_id: str | None
    ts: str | None
    lease_until: datetime


def enqueue(
    *,
    session: Session,
    team_id: str,
    recipient: str,
    kind: str,
    period: str,
    channel: str,
    payload: dict[str, Any],
    now: datetime,
    status: OutboxStatus = OutboxStatus.PENDING,
) -> int | None:
    """Write the message unless its key exists; its id, or None when it was already there.

    On PostgreSQL a concurrent writer of the same key waits for the first to commit, then
    writes nothing: the caller learns it lost the race and must not act as if it had planned.
    """
    values = {
        "team_id": team_id,
        "recipient": recipient,
        "kind": kind,
        "period": period,
        "channel": channel,
        "payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
        "status": status.value,
        "attempts": 0,
        "due_at": now,
        "uncertain": False,
        "created_at": now,
    }
    insert = conflict_insert(session)
    statement = (
        insert(OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["team_id", "recipient", "kind", "period"])
        .returning(OutboxMessage.id)
    )
    found = session.execute(statement).scalar_one_or_none()
    return None if found is None else int(found)


def planned(
    *, session: Session, team_id: str, kind: str, keys: Iterable[tuple[str, str]]
) -> set[tuple[str, str]]:
    """Which (recipient, period) pairs already have a row of `kind`.

    Read by period (a day or two, `ix_outbox_period`), not by recipient: thousands of reps
    are due at once.
    """
    wanted = set(keys)
    if not wanted:
        return set()
    rows = session.execute(
        select(OutboxMessage.recipient, OutboxMessage.period).where(
            OutboxMessage.team_id == team_id,
            OutboxMessage.kind == kind,
            OutboxMessage.period.in_({period for _, period in wanted}),
        )
    )
    return {(recipient, period) for recipient, period in rows} & wanted


def claim(
    *,
    session: Session,
    worker: str,
    now: datetime,
    lease: timedelta,
    limit: int,
    kinds: Sequence[str] | None = None,
) -> list[Claimed]:
    """Take up to `limit` due rows for `lease`; rows other workers hold are skipped."""
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)),
            OutboxMessage.due_at <= now,
        )
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if kinds is not None:
        query = query.where(OutboxMessage.kind.in_(kinds))
    rows = list(session.scalars(query))
    claimed: list[Claimed] = []
    lease_until = now + lease
    for row in rows:
        if row.status == OutboxStatus.SENDING:
            # Its worker's lease ran out: it died or hung, maybe after Slack took the post.
            row.uncertain = True
            row.attempts += 1
        row.status = OutboxStatus.SENDING
        row.claimed_by = worker
        row.due_at = lease_until
        row.first_attempt_at = row.first_attempt_at or now
        claimed.append(
            Claimed(
                id=row.id,
                team_id=row.team_id,
                recipient=row.recipient,
                kind=row.kind,
                period=row.period,
                channel=row.channel,
                payload=json.loads(row.payload),
                attempts=row.attempts,
                uncertain=row.uncertain,
                first_attempt_at=row.first_attempt_at,
                channel_id=row.channel_id,
                ts=row.ts,
                lease_until=lease_until,
            )
        )
    session.flush()
    return claimed


def next_due(*, session: Session, kinds: Sequence[str] | None = None) -> datetime | None:
    """When the next pending (or leased) row is due; None when none is left. (Naive on
    SQLite: min() bypasses the column's type.)"""
    query = select(func.min(OutboxMessage.due_at)).where(
        OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING))
    )
    if kinds is not None:
        query = query.where(OutboxMessage.kind.in_(kinds))
    return session.scalar(query)


def _mine(message_id: int, worker: str) -> Any:
    return (
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.claimed_by == worker,
            OutboxMessage.status == OutboxStatus.SENDING,
        )
        .execution_options(synchronize_session=False)
    )


def record_posted(
    *,
    session: Session,
    message_id: int,
    worker: str,
    ts: str,
    channel_id: str,
    now: datetime,
    finished: bool,
) -> bool:
    """Slack took the message (`ts`): sent, or still ours while its file is uploaded.

    False when the row is no longer ours (our lease ran out and another worker took it over:
    it will find this very post in the channel's history and not repeat it).
    """
    values: dict[str, Any] = {
        "ts": ts,
        "channel_id": channel_id,
        "uncertain": False,
        "last_error": None,
    }
    if finished:
        values |= {"status": OutboxStatus.SENT, "claimed_by": None, "sent_at": now}
    result = session.execute(_mine(message_id, worker).values(**values))
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def record_retry(
    *,
    session: Session,
    message_id: int,
    worker: str,
    due_at: datetime,
    error: str,
    uncertain: bool,
    count_attempt: bool,
    channel_id: str | None = None,
) -> bool:
    """Not delivered this time: pending again from `due_at`.

    `uncertain` when the post may have reached Slack anyway (a timeout, a 5xx); a 429 is a
    certain refusal and does not count as an attempt.
    """
    values: dict[str, Any] = {
        "status": OutboxStatus.PENDING,
        "claimed_by": None,
        "due_at": due_at,
        "last_error": error[:ERROR_MAX],
    }
    if uncertain:
        values["uncertain"] = True
    if count_attempt:
        values["attempts"] = OutboxMessage.attempts + 1
    if channel_id:
        values["channel_id"] = channel_id
    result = session.execute(_mine(message_id, worker).values(**values))
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def record_failed(
    *, session: Session, message_id: int, worker: str, error: str, attempts: int | None = None
) -> bool:
    """Given up: kept with its error for admins (`/salesbot outbox`), never retried alone."""
    values: dict[str, Any] = {
        "status": OutboxStatus.FAILED,
        "claimed_by": None,
        "last_error": error[:ERROR_MAX],
    }
    if attempts is not None:
        values["attempts"] = attempts
    result = session.execute(_mine(message_id, worker).values(**values))
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


# --- what admins see ------------------------------------------------------------------------


def status_counts(*, session: Session, team_id: str, since: datetime) -> dict[str, int]:
    rows = session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.team_id == team_id, OutboxMessage.created_at >= since)
        .group_by(OutboxMessage.status)
    )
    return {str(status): int(count) for status, count in rows}


def failures(*, session: Session, team_id: str, limit: int) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.team_id == team_id, OutboxMessage.status == OutboxStatus.FAILED)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def count_failed(*, session: Session, team_id: str) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.team_id == team_id, OutboxMessage.status == OutboxStatus.FAILED)
        )
        or 0
    )


def retry_failed(*, session: Session, team_id: str, now: datetime) -> int:
    """An admin asks for the given-up messages to be tried again (from zero attempts)."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.team_id == team_id, OutboxMessage.status == OutboxStatus.FAILED)
        .values(status=OutboxStatus.PENDING, attempts=0, due_at=now, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def prune(*, session: Session, before: datetime) -> int:
    """Forget delivered and skipped rows planned before `before` (their keys are long past)."""
    result = session.execute(
        delete(OutboxMessage)
        .where(
            OutboxMessage.status.in_((OutboxStatus.SENT, OutboxStatus.SKIPPED)),
            OutboxMessage.created_at < before,
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def get(*, session: Session, message_id: int) -> OutboxMessage | None:
    return session.get(OutboxMessage, message_id)
