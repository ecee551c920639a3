"""`/salesbot process add|rename|archive|restore`: the workspace's sales processes.

Nothing is deleted: an archived process keeps its deals and history and takes no new deal.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.errors import InvalidInput, NotFound
from commands.parsing import split_args
from commands.permissions import check_admin
from commands.processes.arguments import (
    parse_stages,
    take_process,
    valid_name,
    whole_name,
)
from commands.processes.overview import ProcessChanged, changed, fresh_view
from commands.workspace import DEFAULT_PROCESS
from storage import queries
from storage.models import SalesProcess
from storage.queries import name_key

MAX_PROCESSES = 10  # active ones; with 10 stages each, the modal's stage menu holds 100 options
STAGES_WORDS = frozenset({"stages", "stage", "etapes", "etape", "steps"})


def add_process(*, session: Session, actor: Actor, text: str) -> ProcessChanged:
    """`process add <name> [stages "A:10, B:30"]`; without stages, the classic five."""
    check_admin(actor)
    args = split_args(text)
    keyword = next((i for i, arg in enumerate(args) if name_key(arg) in STAGES_WORDS), None)
    name_args = args if keyword is None else args[:keyword]
    if not name_args:
        raise InvalidInput("admin.usage_process_add")
    stages = None if keyword is None else " ".join(args[keyword + 1 :])
    return create_process(session=session, actor=actor, name=" ".join(name_args), stages=stages)


def create_process(
    *, session: Session, actor: Actor, name: str, stages: str | None
) -> ProcessChanged:
    check_admin(actor)
    name = valid_name(name, field="process_name")
    processes = queries.all_processes(session=session, team_id=actor.team_id)
    if sum(p.archived_at is None for p in processes) >= MAX_PROCESSES:
        raise InvalidInput("admin.too_many_processes", field="process_name", max=MAX_PROCESSES)
    _check_process_name_free(processes, name, keep=None)
    parsed = (
        parse_stages(stages)
        if stages is not None
        else DEFAULT_PROCESS.get(actor.language, DEFAULT_PROCESS["fr"])[1]
    )
    position = max((p.position for p in processes), default=-1) + 1
    process = queries.add_process(
        session=session,
        team_id=actor.team_id,
        name=name,
        stages=parsed,
        now=actor.now,
        position=position,
    )
    return changed(session, actor, process, "admin.process_added", process=name, count=len(parsed))


def _check_process_name_free(
    processes: list[SalesProcess], name: str, *, keep: SalesProcess | None
) -> None:
    for other in processes:
        if other is not keep and other.name_key == name_key(name):
            if other.archived_at is not None:
                raise InvalidInput(
                    "admin.process_exists_archived", field="process_name", process=other.name
                )
            raise InvalidInput("admin.process_exists", field="process_name", process=other.name)


def rename_process(*, session: Session, actor: Actor, text: str) -> ProcessChanged:
    """`process rename <old> <new>`: the deals and their history follow."""
    check_admin(actor)
    process, rest = take_process(
        session, actor, split_args(text), rest=1, usage="admin.usage_process_rename"
    )
    before = process.name
    name = valid_name(" ".join(rest), field="process_name")
    _check_process_name_free(
        queries.all_processes(session=session, team_id=actor.team_id), name, keep=process
    )
    process.name = name
    process.name_key = name_key(name)
    return changed(session, actor, process, "admin.process_renamed", before=before, after=name)


def archive_process(*, session: Session, actor: Actor, text: str) -> ProcessChanged:
    """`process archive <name>`: no new deals in it; its deals and history are kept."""
    check_admin(actor)
    process, _ = take_process(
        session, actor, whole_name(text), rest=0, usage="admin.usage_process_archive"
    )
    if process.archived_at is not None:
        raise InvalidInput("admin.process_is_archived", process=process.name)
    if len(queries.active_processes(session=session, team_id=actor.team_id)) <= 1:
        raise InvalidInput("admin.last_process", process=process.name)
    process.archived_at = actor.now
    view = fresh_view(session, actor, process)
    # Its open deals stay in it (and in everyone's lists): say how many, so none is forgotten.
    if view.open_count:
        return ProcessChanged(
            "admin.process_archived_open", {"process": process.name, "count": view.open_count}, view
        )
    return ProcessChanged("admin.process_archived", {"process": process.name}, view)


def restore_process(*, session: Session, actor: Actor, text: str) -> ProcessChanged:
    """`process restore <name>`: an archived process takes new deals again."""
    check_admin(actor)
    process, _ = take_process(
        session, actor, whole_name(text), rest=0, usage="admin.usage_process_restore"
    )
    if process.archived_at is None:
        raise InvalidInput("admin.process_not_archived", process=process.name)
    if len(queries.active_processes(session=session, team_id=actor.team_id)) >= MAX_PROCESSES:
        raise InvalidInput("admin.too_many_processes", max=MAX_PROCESSES)
    process.archived_at = None
    return changed(session, actor, process, "admin.process_restored", process=process.name)


def process_by_id(*, session: Session, actor: Actor, process_id: int) -> SalesProcess:
    process = session.get(SalesProcess, process_id)
    if process is None or process.team_id != actor.team_id:
        raise NotFound("admin.process_gone")
    return process
