"""Sales processes and their stages.

Functions are keyword-only and take the session; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import (
    SalesProcess,
    Stage,
)
from storage.queries.keys import name_key

# --- processes and stages ---------------------------------------------------------------


def active_processes(*, session: Session, team_id: str) -> list[SalesProcess]:
    return list(
        session.scalars(
            select(SalesProcess)
            .where(SalesProcess.team_id == team_id, SalesProcess.archived_at.is_(None))
            .order_by(SalesProcess.position, SalesProcess.id)
        )
    )


def add_process(
    *,
    session: Session,
    team_id: str,
    name: str,
    stages: Sequence[tuple[str, int]],
    now: datetime,
    position: int = 0,
) -> SalesProcess:
    process = SalesProcess(
        team_id=team_id, name=name, name_key=name_key(name), position=position, created_at=now
    )
    session.add(process)
    session.flush()
    for index, (stage_name, probability) in enumerate(stages):
        session.add(
            Stage(
                team_id=team_id,
                process_id=process.id,
                name=stage_name,
                position=index,
                probability=probability,
            )
        )
    session.flush()
    session.refresh(process, ["stages"])
    return process


def get_stage(*, session: Session, team_id: str, stage_id: int) -> Stage | None:
    return session.scalars(
        select(Stage).where(Stage.team_id == team_id, Stage.id == stage_id)
    ).one_or_none()


def live_stages(process: SalesProcess) -> list[Stage]:
    return [stage for stage in process.stages if stage.removed_at is None]
