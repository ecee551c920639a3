"""Plain results that views render: an opportunity card, its history, lists.

Built from storage rows here so that views never touch the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from commands.context import Actor, zone
from storage.models import ChangeKind, Opportunity, StageChange, Status


@dataclass(frozen=True)
class StageInfo:
    id: int
    name: str
    position: int
    probability: int


@dataclass(frozen=True)
class HistoryEntry:
    kind: ChangeKind
    at: datetime
    by: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Card:
    number: int
    account: str
    title: str
    amount_minor: int
    currency: str
    close_date: date
    owner_id: str
    status: Status
    process: str
    stage: StageInfo
    stages: tuple[StageInfo, ...]
    probability: int
    probability_overridden: bool
    days_in_stage: int
    origin: str | None
    product: str | None
    next_step: str | None
    next_step_date: date | None
    qualification: tuple[bool, bool, bool, bool]
    lost_reason: str | None
    created_at: datetime
    closed_at: datetime | None
    version: int
    history: tuple[HistoryEntry, ...] = field(default=())
    overdue: bool = False
    # Whether the reader may change the deal (commands.permissions): a colleague's card is
    # shown without the buttons that would refuse.
    may_change: bool = True

    @property
    def weighted_minor(self) -> int:
        """amount × probability, rounded half up to the cent (integers only: exact)."""
        return (self.amount_minor * self.probability + 50) // 100

    @property
    def next_stage(self) -> StageInfo | None:
        later = [s for s in self.stages if s.position > self.stage.position]
        return later[0] if later else None


def days_between(start: datetime, today: date, tz: str) -> int:
    """Whole days from `start` to `today`, counted in the reader's timezone."""
    return max(0, (today - start.astimezone(zone(tz)).date()).days)


def card_of(
    opportunity: Opportunity,
    actor: Actor,
    *,
    changes: list[StageChange] | None = None,
    stage_names: dict[int, str] | None = None,
    may_change: bool = True,
) -> Card:
    stage = opportunity.stage
    live = [s for s in opportunity.process.stages if s.removed_at is None or s.id == stage.id]
    history: tuple[HistoryEntry, ...] = ()
    if changes is not None:
        names = stage_names or {}
        history = tuple(_history_entry(change, names) for change in changes)
    return Card(
        number=opportunity.number,
        account=opportunity.account.name,
        title=opportunity.title,
        amount_minor=opportunity.amount_minor,
        currency=opportunity.currency,
        close_date=opportunity.close_date,
        owner_id=opportunity.owner_id,
        status=Status(opportunity.status),
        process=opportunity.process.name,
        stage=StageInfo(stage.id, stage.name, stage.position, stage.probability),
        stages=tuple(StageInfo(s.id, s.name, s.position, s.probability) for s in live),
        probability=opportunity.probability,
        probability_overridden=opportunity.probability_override is not None,
        days_in_stage=days_between(opportunity.stage_entered_at, actor.today, actor.tz),
        origin=opportunity.origin,
        product=opportunity.product,
        next_step=opportunity.next_step,
        next_step_date=opportunity.next_step_date,
        qualification=opportunity.qualification,
        lost_reason=opportunity.lost_reason,
        created_at=opportunity.created_at,
        closed_at=opportunity.closed_at,
        version=opportunity.version,
        history=history,
        overdue=opportunity.status == Status.OPEN and opportunity.close_date < actor.today,
        may_change=may_change,
    )


def _history_entry(change: StageChange, names: dict[int, str]) -> HistoryEntry:
    # Status rows (won, lost, reopened) also fill the stage columns for the stays, but they
    # read as statuses: only stage and creation rows are told by their stages' names.
    if change.kind in (ChangeKind.STAGE, ChangeKind.CREATED):
        before = names.get(change.from_stage_id) if change.from_stage_id else change.from_value
        after = names.get(change.to_stage_id) if change.to_stage_id else change.to_value
    else:
        before, after = change.from_value, change.to_value
    return HistoryEntry(
        kind=ChangeKind(change.kind),
        at=change.changed_at,
        by=change.changed_by,
        before=before,
        after=after,
    )
