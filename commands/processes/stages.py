"""`/salesbot stage add|rename|move|probability|stuck-after|remove`: a process's stages.

A stage is soft-removed, and only once its open deals have somewhere to go: without a target,
`remove` changes nothing and returns `NeedsDestination` for the admin to pick one.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.deals import relocate
from commands.errors import InvalidInput, NotFound
from commands.parsing import split_args
from commands.permissions import check_admin
from commands.processes.arguments import (
    MAX_STAGES,
    NUMBER,
    looks_like_percent,
    parse_position,
    parse_probability,
    parse_stuck_after,
    percent_args,
    take_process,
    take_stage,
    valid_stage_name,
)
from commands.processes.overview import NeedsDestination, ProcessChanged, changed, view_of
from storage import queries
from storage.models import SalesProcess, Stage
from storage.queries import name_key

TO_WORDS = frozenset({"to", "into", "vers", "dans", "->", "→"})


def _active(process: SalesProcess) -> None:
    if process.archived_at is not None:
        raise InvalidInput("admin.process_is_archived", process=process.name)


def _renumber(stages: list[Stage]) -> None:
    for index, stage in enumerate(stages):
        stage.position = index


def add_stage(*, session: Session, actor: Actor, text: str) -> ProcessChanged:
    """`stage add <process> <name> <percent> [position]`."""
    check_admin(actor)
    usage = "admin.usage_stage_add"
    process, rest = take_process(session, actor, percent_args(text), rest=2, usage=usage)
    position: str | None = None
    if len(rest) >= 3 and NUMBER.fullmatch(rest[-1]) and looks_like_percent(rest[-2]):
        position = rest.pop()
    return create_stage(
        session=session,
        actor=actor,
        process=process,
        name=" ".join(rest[:-1]),
        probability=rest[-1],
        position=position,
    )


def create_stage(
    *,
    session: Session,
    actor: Actor,
    process: SalesProcess,
    name: str,
    probability: str,
    position: str | None = None,
) -> ProcessChanged:
    check_admin(actor)
    _active(process)
    live = queries.live_stages(process)
    if len(live) >= MAX_STAGES:
        raise InvalidInput("admin.too_many_stages", field="stage_name", max=MAX_STAGES)
    name = valid_stage_name(name, field="stage_name")
    if name_key(name) in {name_key(s.name) for s in live}:
        raise InvalidInput(
            "admin.stage_exists", field="stage_name", stage=name, process=process.name
        )
    percent = parse_probability(probability)
    index = len(live) if position is None else parse_position(position, len(live) + 1)
    stage = Stage(
        team_id=actor.team_id,
        process_id=process.id,
        name=name,
        position=0,
        probability=percent,
        stuck_after_days=None,
    )
    session.add(stage)
    _renumber([*live[:index], stage, *live[index:]])
    return changed(
        session,
        actor,
        process,
        "admin.stage_added",
        stage=name,
        process=process.name,
        position=index + 1,
        probability=percent,
    )


def rename_stage(*, session: Session, actor: Actor, text: str) -> ProcessChanged:
    """`stage rename <process> <stage> <new name>`."""
    check_admin(actor)
    usage = "admin.usage_stage_rename"
    process, rest = take_process(session, actor, split_args(text), rest=2, usage=usage)
    _active(process)
    stage, rest = take_stage(process, rest, rest=1, usage=usage)
    before = stage.name
    name = valid_stage_name(" ".join(rest), field="stage_name")
    if any(
        s is not stage and name_key(s.name) == name_key(name) for s in queries.live_stages(process)
    ):
        raise InvalidInput(
            "admin.stage_exists", field="stage_name", stage=name, process=process.name
        )
    stage.name = name
    return changed(
        session,
        actor,
        process,
        "admin.stage_renamed",
        before=before,
        after=name,
        process=process.name,
    )


def move_stage(*, session: Session, actor: Actor, text: str) -> ProcessChanged:
    """`stage move <process> <stage> <position>`: deals keep their stage, the order changes."""
    check_admin(actor)
    usage = "admin.usage_stage_move"
    process, rest = take_process(session, actor, split_args(text), rest=2, usage=usage)
    _active(process)
    stage, rest = take_stage(process, rest, rest=1, usage=usage)
    if len(rest) != 1:
        raise InvalidInput(usage)
    live = queries.live_stages(process)
    index = parse_position(rest[0], len(live))
    others = [s for s in live if s is not stage]
    _renumber([*others[:index], stage, *others[index:]])
    return changed(
        session,
        actor,
        process,
        "admin.stage_moved",
        stage=stage.name,
        position=index + 1,
        process=process.name,
    )


def set_probability(*, session: Session, actor: Actor, text: str) -> ProcessChanged:
    """`stage probability <process> <stage> <percent>`."""
    check_admin(actor)
    usage = "admin.usage_stage_probability"
    process, rest = take_process(session, actor, percent_args(text), rest=2, usage=usage)
    _active(process)
    stage, rest = take_stage(process, rest, rest=1, usage=usage)
    if len(rest) != 1:
        raise InvalidInput(usage)
    return change_probability(session=session, actor=actor, stage=stage, probability=rest[0])


def change_probability(
    *, session: Session, actor: Actor, stage: Stage, probability: str
) -> ProcessChanged:
    check_admin(actor)
    _active(stage.process)
    percent = parse_probability(probability)
    before = stage.probability
    stage.probability = percent
    return changed(
        session,
        actor,
        stage.process,
        "admin.probability_set",
        stage=stage.name,
        before=before,
        after=percent,
    )


def set_stuck_after(*, session: Session, actor: Actor, text: str) -> ProcessChanged:
    """`stage stuck-after <process> <stage> <days|off>`."""
    check_admin(actor)
    usage = "admin.usage_stage_stuck"
    process, rest = take_process(session, actor, split_args(text), rest=2, usage=usage)
    _active(process)
    stage, rest = take_stage(process, rest, rest=1, usage=usage)
    return change_stuck_after(session=session, actor=actor, stage=stage, days=" ".join(rest))


def change_stuck_after(
    *, session: Session, actor: Actor, stage: Stage, days: str
) -> ProcessChanged:
    check_admin(actor)
    _active(stage.process)
    stage.stuck_after_days = parse_stuck_after(days)
    if stage.stuck_after_days is None:
        return changed(session, actor, stage.process, "admin.stuck_off", stage=stage.name)
    return changed(
        session,
        actor,
        stage.process,
        "admin.stuck_set",
        stage=stage.name,
        count=stage.stuck_after_days,
    )


def remove_stage(*, session: Session, actor: Actor, text: str) -> ProcessChanged | NeedsDestination:
    """`stage remove <process> <stage> [to <other stage>]`."""
    check_admin(actor)
    usage = "admin.usage_stage_remove"
    process, rest = take_process(session, actor, split_args(text), rest=1, usage=usage)
    _active(process)
    stage, target = _stage_and_target(process, rest, usage=usage)
    return _remove(session, actor, process, stage, target)


def _exact_stage(process: SalesProcess, args: list[str], *, usage: str) -> Stage:
    stage, left = take_stage(process, args, rest=0, usage=usage)
    if left:
        raise InvalidInput(usage)
    return stage


def _stage_and_target(
    process: SalesProcess, args: list[str], *, usage: str
) -> tuple[Stage, Stage | None]:
    """`<stage>` or `<stage> to <other stage>`; a stage whose name holds "to" still matches."""
    whole = {name_key(s.name): s for s in queries.live_stages(process)}.get(
        name_key(" ".join(args))
    )
    if whole is not None:
        return whole, None
    splits = [i for i in range(len(args) - 2, 0, -1) if name_key(args[i]) in TO_WORDS]
    first_error: Exception | None = None
    for i in splits:
        try:
            return (
                _exact_stage(process, args[:i], usage=usage),
                _exact_stage(process, args[i + 1 :], usage=usage),
            )
        except (InvalidInput, NotFound) as error:
            first_error = first_error or error
    if first_error is not None:
        raise first_error
    return _exact_stage(process, args, usage=usage), None


def remove_stage_to(
    *, session: Session, actor: Actor, stage_id: int, target_id: int
) -> ProcessChanged | NeedsDestination:
    """The button form: both stages by id, checked to be this workspace's and still live."""
    check_admin(actor)
    stage = queries.get_stage(session=session, team_id=actor.team_id, stage_id=stage_id)
    target = queries.get_stage(session=session, team_id=actor.team_id, stage_id=target_id)
    if stage is None or stage.removed_at is not None:
        raise NotFound("admin.stage_gone")
    if target is None or target.removed_at is not None or target.process_id != stage.process_id:
        raise NotFound("admin.target_gone", stage=stage.name)
    _active(stage.process)
    return _remove(session, actor, stage.process, stage, target)


def _remove(
    session: Session, actor: Actor, process: SalesProcess, stage: Stage, target: Stage | None
) -> ProcessChanged | NeedsDestination:
    live = queries.live_stages(process)
    if len(live) <= 1:
        raise InvalidInput("admin.last_stage", stage=stage.name, process=process.name)
    if target is not None and target.id == stage.id:
        raise InvalidInput("admin.remove_to_itself", stage=stage.name)
    deals = queries.open_opportunities_in_stage(
        session=session, team_id=actor.team_id, stage_id=stage.id
    )
    if deals and target is None:
        counts = queries.open_counts_by_stage(session=session, team_id=actor.team_id)
        view = view_of(process, counts)
        shown = next(s for s in view.stages if s.id == stage.id)
        return NeedsDestination(view, shown, tuple(s for s in view.stages if s.id != stage.id))
    moved = 0
    if deals and target is not None:
        moved = relocate(session=session, actor=actor, opportunities=deals, stage=target)
    stage.removed_at = actor.now
    _renumber([s for s in live if s is not stage])
    if moved and target is not None:
        return changed(
            session,
            actor,
            process,
            "admin.stage_removed_moved",
            stage=stage.name,
            count=moved,
            target=target.name,
        )
    return changed(session, actor, process, "admin.stage_removed", stage=stage.name)


def stage_by_id(*, session: Session, actor: Actor, stage_id: int) -> Stage:
    stage = queries.get_stage(session=session, team_id=actor.team_id, stage_id=stage_id)
    if stage is None or stage.removed_at is not None:
        raise NotFound("admin.stage_gone")
    return stage
