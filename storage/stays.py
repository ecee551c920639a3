"""Stays: the spans between a deal's stage/status rows, each row knowing when its stay ended.

A created, stage, status or process row of `stage_changes` starts a stay that the deal's next
such row (in `changed_at`, then `id` order) ends; `left_at` holds that next row's time (NULL
while the stay lasts, and on the other kinds). It is exactly what
`lead(changed_at) OVER (PARTITION BY opportunity_id ORDER BY changed_at, id)` over those rows
gives, written once instead of computed by every `/pipeline stats` over millions of rows.
Writers keep it so: `link` for one row written through the ORM, `chain` for bulk inserts.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import MutableMapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage import tallies
from storage.models import ChangeKind, StageChange

STAY_KINDS = frozenset(
    {ChangeKind.CREATED, ChangeKind.STAGE, ChangeKind.STATUS, ChangeKind.PROCESS}
)


def link(*, session: Session, change: StageChange) -> None:
    """Slot a new stay row (not yet added to the session) into its deal's chain.

    It goes after the last row at or before its time (its id is the largest): that row's stay
    now ends at the new row, and the new row's ends where that one's did. Normally that is the
    deal's latest row and the new row stays open; a row back-dated among older ones still
    ends up as the window would put it.
    """
    if change.kind not in STAY_KINDS:
        return
    if change.kind == ChangeKind.CREATED:
        return  # a deal's first row: nothing before it, and its stay is open (`left_at` NULL)
    earlier = session.scalars(
        select(StageChange)
        .where(
            StageChange.team_id == change.team_id,
            StageChange.opportunity_id == change.opportunity_id,
            StageChange.kind.in_(STAY_KINDS),
            StageChange.changed_at <= change.changed_at,
        )
        .order_by(StageChange.changed_at.desc(), StageChange.id.desc())
        .limit(1)
    ).first()
    if earlier is not None:
        change.left_at, earlier.left_at = earlier.left_at, change.changed_at
        return
    # Before every row the deal has (if any): it ends where the first one starts.
    change.left_at = session.scalar(
        select(StageChange.changed_at)
        .where(
            StageChange.team_id == change.team_id,
            StageChange.opportunity_id == change.opportunity_id,
            StageChange.kind.in_(STAY_KINDS),
        )
        .order_by(StageChange.changed_at, StageChange.id)
        .limit(1)
    )


def end_at(*, session: Session, team_id: str, opportunity_ids: Sequence[int], at: datetime) -> None:
    """`link` in bulk, after rows written with `record_change(link=False)` at `at` — the deals'
    latest moment — for each of `opportunity_ids`: every stay row of theirs still open ends at
    `at`, except each deal's newest row (the highest id at `at`), whose stay goes on."""
    if not opportunity_ids:
        return
    ids = list(opportunity_ids)
    newest = (
        select(func.max(StageChange.id))
        .where(
            StageChange.team_id == team_id,
            StageChange.opportunity_id.in_(ids),
            StageChange.kind.in_(STAY_KINDS),
            StageChange.changed_at == at,
        )
        .group_by(StageChange.opportunity_id)
    )
    ending = (
        StageChange.team_id == team_id,
        StageChange.opportunity_id.in_(ids),
        StageChange.kind.in_(STAY_KINDS),
        StageChange.left_at.is_(None),
        StageChange.id.not_in(newest),
    )
    # The stays ending here, for the running totals (which a bulk UPDATE does not flush).
    ended = tallies.Tallies()
    fields = [f for f in tallies.STAY_FIELDS if f != "left_at"]
    for row in session.execute(select(*(getattr(StageChange, f) for f in fields)).where(*ending)):
        ended.stay(+1, {**row._asdict(), "left_at": at})
    session.execute(
        update(StageChange)
        .where(*ending)
        .values(left_at=at)
        .execution_options(synchronize_session="fetch")
    )
    ended.write(session)


def chain(rows: Sequence[MutableMapping[str, Any]]) -> None:
    """Fill `left_at` in rows about to be bulk-inserted, in id order, for deals that have no
    history yet (imports, the benchmark's loader): the whole chain is in `rows`."""
    by_deal: dict[Any, list[MutableMapping[str, Any]]] = defaultdict(list)
    for row in rows:
        row["left_at"] = None
        if row["kind"] in STAY_KINDS:
            by_deal[row["opportunity_id"]].append(row)
    for stays in by_deal.values():
        # sort() is stable: rows at the same time keep their id order, as in the window.
        stays.sort(key=lambda row: row["changed_at"])
        for row, following in itertools.pairwise(stays):
            row["left_at"] = following["changed_at"]
