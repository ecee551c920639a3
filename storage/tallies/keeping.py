"""Keeping the running totals: every deal and history row written through an ORM session moves
between its groups in the same transaction (`after_flush`); bulk writers count theirs with
`Tallies`."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, cast, event, func, select
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.attributes import get_history
from sqlalchemy.orm.util import identity_key

from storage import dialect
from storage.analytics import IMPORTED
from storage.db import conflict_insert
from storage.dialect import utc_month
from storage.models import (
    AmountTally,
    ChangeKind,
    Opportunity,
    OwnerTally,
    SegmentTally,
    StageChange,
    StageTally,
    Status,
    StayTally,
)

DEAL_FIELDS = (
    "team_id",
    "process_id",
    "owner_id",
    "stage_id",
    "status",
    "origin",
    "product",
    "created_at",
    "closed_at",
    "amount_minor",
)
STAY_FIELDS = ("team_id", "kind", "to_stage_id", "from_value", "changed_at", "left_at")
# Rows that start a stay in a stage (process rows are followed by the stage row that does).
STAY_KINDS = (ChangeKind.CREATED, ChangeKind.STAGE, ChangeKind.STATUS)
DAY = 86_400


def month(moment: datetime | None) -> str:
    """'YYYY-MM' of a UTC moment, '' for none."""
    return "" if moment is None else moment.astimezone(UTC).strftime("%Y-%m")


def _seconds(moment: datetime) -> int:
    """Whole seconds since the epoch (the fraction dropped), as `dialect.epoch_seconds` does."""
    return calendar.timegm(moment.astimezone(UTC).timetuple())


@dataclass
class Tallies:
    """Changes to the running totals, summed per group, written in one statement per table."""

    owners: dict[tuple[Any, ...], list[int]] = field(default_factory=lambda: defaultdict(_zeros))
    segments: dict[tuple[Any, ...], list[int]] = field(default_factory=lambda: defaultdict(_zeros))
    stages: dict[tuple[Any, ...], list[int]] = field(default_factory=lambda: defaultdict(_zeros))
    stays: dict[tuple[Any, ...], list[int]] = field(default_factory=lambda: defaultdict(_zeros))
    amounts: dict[tuple[Any, ...], list[int]] = field(default_factory=lambda: defaultdict(_zeros))

    def deal(self, sign: int, deal: Mapping[str, Any]) -> None:
        """Count a deal (`DEAL_FIELDS`) in (+1) or out of (-1) its groups."""
        status = str(deal["status"])
        created, closed = month(deal["created_at"]), month(deal["closed_at"])
        amount = sign * int(deal["amount_minor"])
        cycle = 0
        if status == Status.WON and deal["closed_at"] is not None:
            cycle = sign * (_seconds(deal["closed_at"]) - _seconds(deal["created_at"]))
        team, process = deal["team_id"], int(deal["process_id"])
        owner = (team, process, deal["owner_id"], status, created, closed)
        _add(self.owners[owner], sign, amount, cycle)
        origin, product = deal["origin"] or "", deal["product"] or ""
        _add(self.segments[(team, process, origin, product, status, created, closed)], sign, amount)
        _add(self.stages[(team, process, int(deal["stage_id"]), status, created, closed)], sign)

    def stay(self, sign: int, row: Mapping[str, Any]) -> None:
        """Count a history row's stay (`STAY_FIELDS`) in or out, if it is an ended stay in a
        stage whose length is known (an imported deal's first stay is not)."""
        left = row["left_at"]
        if (
            left is None
            or row["kind"] not in STAY_KINDS
            or row["to_stage_id"] is None
            or row["from_value"] == IMPORTED
        ):
            return
        seconds = _seconds(left) - _seconds(row["changed_at"])
        key = (row["team_id"], int(row["to_stage_id"]), month(left), seconds // DAY)
        _add(self.stays[key], sign, sign * seconds)

    def amount(self, sign: int, deal: DealKey, changed: str, changes: int, step: int) -> None:
        """Count amount changes made in month `changed` (`changes` rows, `step` their summed
        difference) to a deal keyed `deal` in or out."""
        team, process, created, closed = deal
        _add(self.amounts[(team, process, changed, created, closed)], sign * changes, sign * step)

    def write(self, session: Session) -> None:
        """Add the changes to the tables.

        On PostgreSQL a transaction first takes its workspace's totals for itself until it
        ends (a transaction-level advisory lock, taken again at no cost by later flushes):
        one transaction may add to group A then B in two flushes while another adds to B
        then A, and the rows' own locks would deadlock them. Writers of a workspace's totals
        thus go one at a time from their first total to their commit (milliseconds; SQLite
        has a single writer anyway). Within a write, rows go in key order."""
        tables: tuple[tuple[Any, dict[tuple[Any, ...], list[int]], tuple[str, ...]], ...] = (
            (OwnerTally, self.owners, ("deals", "amount_minor", "cycle_seconds")),
            (SegmentTally, self.segments, ("deals", "amount_minor")),
            (StageTally, self.stages, ("deals",)),
            (StayTally, self.stays, ("stays", "seconds")),
            (AmountTally, self.amounts, ("changes", "step_minor")),
        )
        connection = session.connection()
        teams = sorted({key[0] for _, changes, _ in tables for key in changes})
        if teams and connection.dialect.name == "postgresql":
            for team in teams:
                lock = func.pg_advisory_xact_lock(func.hashtext(f"salesbot.tallies:{team}"))
                connection.execute(select(lock))
        for model, changes, measures in tables:
            keys = [c.name for c in model.__table__.primary_key.columns]
            rows = [
                # (each group's sums hold three slots; a table uses its first len(measures))
                {**dict(zip(keys, key, strict=True)), **dict(zip(measures, values, strict=False))}
                for key, values in sorted(changes.items())
                if any(values)
            ]
            if not rows:
                continue
            statement = conflict_insert(session)(model)
            statement = statement.on_conflict_do_update(
                index_elements=keys,
                set_={m: getattr(model, m) + getattr(statement.excluded, m) for m in measures},
            )
            connection.execute(statement, rows)
            changes.clear()


DealKey = tuple[str, int, str, str]
"""What an amount change is counted under: (team, process, month created, month closed)."""


def deal_key(deal: Mapping[str, Any]) -> DealKey:
    return (
        deal["team_id"],
        int(deal["process_id"]),
        month(deal["created_at"]),
        month(deal["closed_at"]),
    )


def step(row: Mapping[str, Any]) -> int:
    """An amount row's difference (0 when a side is missing: SQL's sum() skips it too)."""
    before, after = row["from_value"], row["to_value"]
    return 0 if before is None or after is None else int(after) - int(before)


def _zeros() -> list[int]:
    return [0, 0, 0]


def _add(values: list[int], *amounts: int) -> None:
    for i, amount in enumerate(amounts):
        values[i] += amount


def _before(item: Any, names: Sequence[str]) -> dict[str, Any]:
    """An object's values as last flushed (`active_history` columns load theirs first)."""
    values = {}
    for name in names:
        history = get_history(item, name)
        values[name] = history.deleted[0] if history.deleted else getattr(item, name)
    return values


def _after(item: Any, names: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(item, name) for name in names}


def install() -> None:
    """Keep the totals on every ORM flush, of every session (done once, by `Database`)."""
    if not event.contains(Session, "after_flush", after_flush):
        event.listen(Session, "after_flush", after_flush)


def after_flush(session: Session, _flush: UOWTransaction) -> None:
    """Move every deal and history row this flush wrote between its groups.

    Runs after the flush's own statements, in its transaction: the totals commit or roll
    back with the rows they count. (The session still shows what was new, changed or
    deleted, with the attributes' history.)
    """
    tallies = Tallies()
    kinds = ((Opportunity, DEAL_FIELDS, tallies.deal), (StageChange, STAY_FIELDS, tallies.stay))
    moved: dict[int, tuple[DealKey, DealKey]] = {}  # deals whose amount changes move along
    for item in session.new:
        for model, names, count in kinds:
            if isinstance(item, model):
                count(+1, _after(item, names))
    for item in session.dirty:
        for model, names, count in kinds:
            if isinstance(item, model):
                before, after = _before(item, names), _after(item, names)
                if before != after:
                    count(-1, before)
                    count(+1, after)
                    if model is Opportunity and deal_key(before) != deal_key(after):
                        moved[item.id] = (deal_key(before), deal_key(after))
    for item in session.deleted:
        for model, names, count in kinds:
            if isinstance(item, model):
                count(-1, _before(item, names))
    _amounts(session, tallies, moved)
    tallies.write(session)


def _amounts(
    session: Session, tallies: Tallies, moved: Mapping[int, tuple[DealKey, DealKey]]
) -> None:
    """Amount changes: the new ones counted under their deal's key; and a deal whose key
    changed (closed, reopened, moved to another process) moves its earlier ones along."""
    added: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for item in session.new:
        if isinstance(item, StageChange) and item.kind == ChangeKind.AMOUNT:
            sums = added[item.opportunity_id][month(item.changed_at)]
            sums[0] += 1
            sums[1] += step(_after(item, ("from_value", "to_value")))
    unmoved = [deal for deal in added if deal not in moved]
    for deal, key in _keys(session, unmoved).items():
        for changed, (changes, total) in added[deal].items():
            tallies.amount(+1, key, changed, changes, total)
    if not moved:
        return
    c = StageChange
    difference = cast(c.to_value, BigInteger) - cast(c.from_value, BigInteger)
    changed_in = utc_month(dialect.name(session), c.changed_at)
    ids = sorted(moved)
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        rows = session.execute(
            select(c.opportunity_id, changed_in, func.count(), func.sum(difference))
            .where(c.opportunity_id.in_(chunk), c.kind == ChangeKind.AMOUNT)
            .group_by(c.opportunity_id, changed_in)
        )
        for deal, changed, changes, total in rows:
            before, after = moved[deal]
            new_changes, new_total = added.get(deal, {}).get(changed, (0, 0))
            # The rows flushed just now were never counted under the old key.
            tallies.amount(-1, before, changed, changes - new_changes, int(total or 0) - new_total)
            tallies.amount(+1, after, changed, changes, int(total or 0))


def _keys(session: Session, deals: Sequence[int]) -> dict[int, DealKey]:
    """The deals' keys as they are now: from the session when it holds them, else read."""
    keys: dict[int, DealKey] = {}
    for deal in deals:
        item = session.identity_map.get(identity_key(Opportunity, deal))
        if item is not None:
            keys[deal] = deal_key(_after(item, DEAL_FIELDS))
    missing = [d for d in deals if d not in keys]
    o = Opportunity
    for chunk in (missing[i : i + 500] for i in range(0, len(missing), 500)):
        columns = (o.team_id, o.process_id, o.created_at, o.closed_at)
        for row in session.execute(select(o.id, *columns).where(o.id.in_(chunk))):
            keys[row.id] = deal_key(row._asdict())
    return keys
