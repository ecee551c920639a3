"""Deals with a history written by hand, for figures a manager could recompute on paper."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from storage import queries
from storage.models import ChangeKind, Opportunity, Stage, Status


def at(day: str, hour: int = 9) -> datetime:
    """`"2026-03-11"` at 09:00 UTC: whole days between events, easy to check."""
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), UTC) + timedelta(
        hours=hour
    )


def stages_of(session: Session, team_id: str, process: int = 0) -> list[Stage]:
    return queries.live_stages(queries.active_processes(session=session, team_id=team_id)[process])


def deal(
    session: Session,
    *,
    team_id: str,
    owner: str,
    stages: Sequence[Stage],
    path: Sequence[tuple[int, str]],
    status: Status = Status.OPEN,
    closed: str | None = None,
    amount: int = 1_000_000,
    amounts: Sequence[tuple[str, int, int]] = (),
    origin: str | None = None,
    product: str | None = None,
    account: str = "Acme",
) -> Opportunity:
    """A deal created at `path[0]`, moved through `path` (stage index, day), then won or lost
    on `closed`; `amounts` are (day, from, to) changes, the last `to` being its amount now."""
    created = at(path[0][1])
    current = stages[path[-1][0]]
    opportunity = Opportunity(
        team_id=team_id,
        number=queries.next_opportunity_number(session=session, team_id=team_id),
        account=queries.find_or_add_account(
            session=session, team_id=team_id, name=account, now=created
        ),
        title="Deal",
        amount_minor=amount,
        currency="EUR",
        close_date=date(2027, 6, 30) if closed is None else date.fromisoformat(closed),
        owner_id=owner,
        created_by=owner,
        process_id=current.process_id,
        stage=current,
        process=current.process,
        status=status,
        origin=origin,
        product=product,
        created_at=created,
        updated_at=at(closed) if closed else at(path[-1][1]),
        closed_at=at(closed) if closed else None,
        stage_entered_at=at(path[-1][1]),
    )
    session.add(opportunity)
    session.flush()

    def record(kind: ChangeKind, when: datetime, **values: object) -> None:
        queries.record_change(
            session=session, opportunity=opportunity, kind=kind, by=owner, at=when, **values
        )  # type: ignore[arg-type]

    record(ChangeKind.CREATED, created, to_stage_id=stages[path[0][0]].id, to_value="open")
    for (before, _), (index, day) in itertools.pairwise(path):
        record(
            ChangeKind.STAGE, at(day), from_stage_id=stages[before].id, to_stage_id=stages[index].id
        )
    for day, old, new in amounts:
        record(ChangeKind.AMOUNT, at(day), from_value=str(old), to_value=str(new))
    if closed is not None:
        record(
            ChangeKind.STATUS,
            at(closed),
            from_value="open",
            to_value=str(status),
            from_stage_id=current.id,
        )
    session.flush()
    return opportunity
