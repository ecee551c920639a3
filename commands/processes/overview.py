"""The processes as admins see them, and what a change returns: the process as it is now."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.nudging import Threshold, stuck
from commands.permissions import check_admin
from storage import queries
from storage.models import SalesProcess


@dataclass(frozen=True)
class StageView:
    id: int
    number: int  # 1-based, as admins type it
    name: str
    probability: int
    stuck_after_days: int | None
    open_count: int
    # The stuck threshold in use and why (admin, learned, default); shown by the overview.
    threshold: Threshold | None = None


@dataclass(frozen=True)
class ProcessView:
    id: int
    name: str
    archived: bool
    stages: tuple[StageView, ...]
    open_count: int


@dataclass(frozen=True)
class Overview:
    """Every process: the active ones in order, then the archived ones."""

    processes: tuple[ProcessView, ...]
    archived: tuple[ProcessView, ...]
    announce_channel: str | None


@dataclass(frozen=True)
class ProcessChanged:
    """What changed (a catalog key and its parameters) and the process as it is now."""

    key: str
    params: dict[str, str | int]
    process: ProcessView


@dataclass(frozen=True)
class NeedsDestination:
    """The stage still holds open deals: nothing was removed; the admin picks where they go."""

    process: ProcessView
    stage: StageView
    targets: tuple[StageView, ...]


def overview(*, session: Session, actor: Actor) -> Overview:
    check_admin(actor)
    counts = queries.open_counts_by_stage(session=session, team_id=actor.team_id)
    processes = queries.all_processes(session=session, team_id=actor.team_id)
    workspace = queries.get_workspace(session=session, team_id=actor.team_id)
    limits = stuck.thresholds(session=session, team_id=actor.team_id, now=actor.now)
    return Overview(
        processes=tuple(view_of(p, counts, limits) for p in processes if p.archived_at is None),
        archived=tuple(view_of(p, counts, limits) for p in processes if p.archived_at is not None),
        announce_channel=workspace.announce_channel if workspace else None,
    )


def view_of(
    process: SalesProcess, counts: dict[int, int], limits: dict[int, Threshold] | None = None
) -> ProcessView:
    """The process with its live stages numbered as admins type them; `counts` are open deals
    by stage id, `limits` the stuck thresholds the overview shows."""
    stages = tuple(
        StageView(
            id=s.id,
            number=index,
            name=s.name,
            probability=s.probability,
            stuck_after_days=s.stuck_after_days,
            open_count=counts.get(s.id, 0),
            threshold=(limits or {}).get(s.id),
        )
        for index, s in enumerate(queries.live_stages(process), 1)
    )
    # Counted over every stage, removed ones included, so no open deal can go unseen.
    total = sum(counts.get(s.id, 0) for s in process.stages)
    return ProcessView(
        id=process.id,
        name=process.name,
        archived=process.archived_at is not None,
        stages=stages,
        open_count=total,
    )


def fresh_view(session: Session, actor: Actor, process: SalesProcess) -> ProcessView:
    """The process as stored now: flushed, its stages reloaded in their new order."""
    session.flush()
    session.refresh(process, ["stages"])
    return view_of(process, queries.open_counts_by_stage(session=session, team_id=actor.team_id))


def changed(
    session: Session, actor: Actor, process: SalesProcess, key: str, /, **params: str | int
) -> ProcessChanged:
    """What every change returns: its message key and parameters, and the process after it."""
    return ProcessChanged(key, params, fresh_view(session, actor, process))
