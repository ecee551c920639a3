"""`/salesbot process …` and `/salesbot stage …`: admins shape the workspace's sales processes.

Every handler checks the actor is an admin and validates all of its input before it writes
anything, so a refusal changes nothing. Nothing is deleted either: a process is archived (its
deals and history stay), a stage is soft-removed only once its open deals have somewhere to go.

Text handlers (`add_process`, `add_stage`…) parse the words typed after the subcommand; the
settings modal and the "where do these deals go" buttons call the same core functions
(`create_process`, `create_stage`, `change_probability`…) with what they picked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.deals.transitions import relocate
from commands.errors import InvalidInput, NotFound
from commands.nudging import stuck
from commands.nudging.stuck import Threshold
from commands.parsing import clean_text, split_args
from commands.permissions import check_admin
from commands.workspace import DEFAULT_PROCESS
from storage import queries
from storage.models import SalesProcess, Stage
from storage.queries import name_key

MAX_PROCESSES = 10  # active ones; with 10 stages each, the modal's stage menu holds 100 options
MAX_STAGES = 10
MAX_NAME = 50
MAX_STUCK_DAYS = 365
_ECHO = 40  # refusals quote what was typed, this long at most

STAGES_WORDS = frozenset({"stages", "stage", "etapes", "etape", "steps"})
OFF_WORDS = frozenset(
    {"off", "none", "no", "never", "non", "aucun", "aucune", "jamais", "desactiver", "stop"}
)
TO_WORDS = frozenset({"to", "into", "vers", "dans", "->", "→"})

_PERCENT = re.compile(r"(-?[0-9]{1,6})\s*%?")
_DAYS = re.compile(r"(-?[0-9]{1,6})\s*(?:j|jours?|d|days?)?", re.IGNORECASE)
_NUMBER = re.compile(r"#?([0-9]{1,6})")
_SPACED_PERCENT = re.compile(r"([0-9])\s+%")


# --- results ------------------------------------------------------------------------------


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


# --- reading ------------------------------------------------------------------------------


def overview(*, session: Session, actor: Actor) -> Overview:
    check_admin(actor)
    counts = queries.open_counts_by_stage(session=session, team_id=actor.team_id)
    processes = queries.all_processes(session=session, team_id=actor.team_id)
    workspace = queries.get_workspace(session=session, team_id=actor.team_id)
    limits = stuck.thresholds(session=session, team_id=actor.team_id, now=actor.now)
    return Overview(
        processes=tuple(_view(p, counts, limits) for p in processes if p.archived_at is None),
        archived=tuple(_view(p, counts, limits) for p in processes if p.archived_at is not None),
        announce_channel=workspace.announce_channel if workspace else None,
    )


def _view(
    process: SalesProcess, counts: dict[int, int], limits: dict[int, Threshold] | None = None
) -> ProcessView:
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


def _fresh_view(session: Session, actor: Actor, process: SalesProcess) -> ProcessView:
    """The process as stored now: flushed, its stages reloaded in their new order."""
    session.flush()
    session.refresh(process, ["stages"])
    return _view(process, queries.open_counts_by_stage(session=session, team_id=actor.team_id))


def _changed(
    session: Session, actor: Actor, process: SalesProcess, key: str, /, **params: str | int
) -> ProcessChanged:
    return ProcessChanged(key, params, _fresh_view(session, actor, process))


# --- parsing what admins type -------------------------------------------------------------


def _echo(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _ECHO else line[: _ECHO - 1] + "…"


def _name(raw: str, *, field: str) -> str:
    name = clean_text(raw, single_line=True)
    if not name:
        raise InvalidInput("admin.name_required", field=field)
    if len(name) > MAX_NAME:
        raise InvalidInput("admin.name_too_long", field=field, max=MAX_NAME, length=len(name))
    return name


def _stage_name(raw: str, *, field: str) -> str:
    name = _name(raw, field=field)
    if _NUMBER.fullmatch(name):
        # Stages are also picked by number: a stage called "2" would be ambiguous.
        raise InvalidInput("admin.stage_name_numeric", field=field, name=name)
    return name


def parse_probability(text: str, *, field: str = "probability") -> int:
    """An integer percentage: `30`, `30%`, `30 %`."""
    match = _PERCENT.fullmatch(text.strip())
    if match is None or not 0 <= int(match.group(1)) <= 100:
        raise InvalidInput("admin.probability_invalid", field=field, value=_echo(text))
    return int(match.group(1))


def parse_stuck_after(text: str, *, field: str = "days") -> int | None:
    """Days before an untouched deal counts as stuck (`14`, `14j`, `14 days`), or None for off."""
    text = text.strip()
    if name_key(text) in OFF_WORDS:
        return None
    match = _DAYS.fullmatch(text)
    if match is None or not 1 <= int(match.group(1)) <= MAX_STUCK_DAYS:
        raise InvalidInput("admin.days_invalid", field=field, value=_echo(text), max=MAX_STUCK_DAYS)
    return int(match.group(1))


def _position(text: str, last: int, *, field: str = "position") -> int:
    """A 1-based position between 1 and `last`, returned 0-based."""
    match = _NUMBER.fullmatch(text.strip())
    if match is None or not 1 <= int(match.group(1)) <= last:
        raise InvalidInput("admin.position_invalid", field=field, value=_echo(text), max=last)
    return int(match.group(1)) - 1


def parse_stages(text: str, *, field: str = "stages") -> list[tuple[str, int]]:
    """`"Découverte:10, Proposition:50, Négociation:80"` → names and probabilities, in order."""
    parts = [part for part in re.split(r"[,;\n]", text) if part.strip()]
    if not parts:
        raise InvalidInput("admin.stages_required", field=field)
    if len(parts) > MAX_STAGES:
        raise InvalidInput("admin.too_many_stages", field=field, max=MAX_STAGES)
    stages: list[tuple[str, int]] = []
    seen: set[str] = set()
    for part in parts:
        name, colon, percent = part.rpartition(":")
        if not colon:
            raise InvalidInput("admin.stage_syntax", field=field, part=_echo(part))
        name = _stage_name(name, field=field)
        if name_key(name) in seen:
            raise InvalidInput("admin.stage_duplicate", field=field, name=name)
        seen.add(name_key(name))
        stages.append((name, parse_probability(percent, field=field)))
    return stages


def _args(text: str) -> list[str]:
    # "30 %" is one value to a human: keep it one argument.
    return split_args(_SPACED_PERCENT.sub(r"\1%", text))


def _take_process(
    session: Session, actor: Actor, args: list[str], *, rest: int, usage: str
) -> tuple[SalesProcess, list[str]]:
    """The process named by the first argument(s) — quoted or not — and the arguments left.

    The longest run of words naming a process wins, leaving at least `rest` arguments.
    """
    if len(args) < 1 + rest:
        raise InvalidInput(usage)
    processes = queries.all_processes(session=session, team_id=actor.team_id)
    by_key = {p.name_key: p for p in processes}
    for end in range(len(args) - rest, 0, -1):
        process = by_key.get(name_key(" ".join(args[:end])))
        if process is not None:
            return process, args[end:]
    known = ", ".join(p.name for p in processes if p.archived_at is None)
    raise NotFound("admin.process_unknown", name=_echo(args[0]), known=known)


def _whole(text: str) -> list[str]:
    """All the words as one name: `archive Grands comptes` needs no quotes."""
    args = split_args(text)
    return [" ".join(args)] if args else []


def _active(process: SalesProcess) -> None:
    if process.archived_at is not None:
        raise InvalidInput("admin.process_is_archived", process=process.name)


def _take_stage(
    process: SalesProcess, args: list[str], *, rest: int, usage: str
) -> tuple[Stage, list[str]]:
    """The live stage of `process` named (or numbered) by the first argument(s)."""
    if len(args) < 1 + rest:
        raise InvalidInput(usage)
    live = queries.live_stages(process)
    by_key = {name_key(s.name): s for s in live}
    for end in range(len(args) - rest, 0, -1):
        stage = by_key.get(name_key(" ".join(args[:end])))
        if stage is not None:
            return stage, args[end:]
    number = _NUMBER.fullmatch(args[0])
    if number is not None and 1 <= int(number.group(1)) <= len(live):
        return live[int(number.group(1)) - 1], args[1:]
    raise NotFound(
        "admin.stage_unknown", stage=_echo(args[0]), process=process.name, stages=_numbered(live)
    )


def _numbered(stages: list[Stage]) -> str:
    return ", ".join(f"{index}. {s.name}" for index, s in enumerate(stages, 1))


def _renumber(stages: list[Stage]) -> None:
    for index, stage in enumerate(stages):
        stage.position = index


# --- processes ----------------------------------------------------------------------------


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
    name = _name(name, field="process_name")
    processes = queries.all_processes(session=session, team_id=actor.team_id)
    if sum(p.archived_at is None for p in processes) >= MAX_PROCESSES:
        raise InvalidInput("admin.too_many_processes", field="process_name", max=MAX_PROCESSES)
    _check_process_name_free(processes, name, keep=None)
    parsed = (
        parse_stages(stages)
        if stages is not None
        else DEFAULT_PROCESS.get(actor.lang, DEFAULT_PROCESS["fr"])[1]
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
    return _changed(session, actor, process, "admin.process_added", process=name, count=len(parsed))


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
    process, rest = _take_process(
        session, actor, split_args(text), rest=1, usage="admin.usage_process_rename"
    )
    before = process.name
    name = _name(" ".join(rest), field="process_name")
    _check_process_name_free(
        queries.all_processes(session=session, team_id=actor.team_id), name, keep=process
    )
    process.name = name
    process.name_key = name_key(name)
    return _changed(session, actor, process, "admin.process_renamed", before=before, after=name)


def archive_process(*, session: Session, actor: Actor, text: str) -> ProcessChanged:
    """`process archive <name>`: no new deals in it; its deals and history are kept."""
    check_admin(actor)
    process, _ = _take_process(
        session, actor, _whole(text), rest=0, usage="admin.usage_process_archive"
    )
    if process.archived_at is not None:
        raise InvalidInput("admin.process_is_archived", process=process.name)
    if len(queries.active_processes(session=session, team_id=actor.team_id)) <= 1:
        raise InvalidInput("admin.last_process", process=process.name)
    process.archived_at = actor.now
    view = _fresh_view(session, actor, process)
    # Its open deals stay in it (and in everyone's lists): say how many, so none is forgotten.
    if view.open_count:
        return ProcessChanged(
            "admin.process_archived_open", {"process": process.name, "count": view.open_count}, view
        )
    return ProcessChanged("admin.process_archived", {"process": process.name}, view)


def restore_process(*, session: Session, actor: Actor, text: str) -> ProcessChanged:
    """`process restore <name>`: an archived process takes new deals again."""
    check_admin(actor)
    process, _ = _take_process(
        session, actor, _whole(text), rest=0, usage="admin.usage_process_restore"
    )
    if process.archived_at is None:
        raise InvalidInput("admin.process_not_archived", process=process.name)
    if len(queries.active_processes(session=session, team_id=actor.team_id)) >= MAX_PROCESSES:
        raise InvalidInput("admin.too_many_processes", max=MAX_PROCESSES)
    process.archived_at = None
    return _changed(session, actor, process, "admin.process_restored", process=process.name)


# --- stages -------------------------------------------------------------------------------


def add_stage(*, session: Session, actor: Actor, text: str) -> ProcessChanged:
    """`stage add <process> <name> <percent> [position]`."""
    check_admin(actor)
    usage = "admin.usage_stage_add"
    process, rest = _take_process(session, actor, _args(text), rest=2, usage=usage)
    position: str | None = None
    if len(rest) >= 3 and _NUMBER.fullmatch(rest[-1]) and _PERCENT.fullmatch(rest[-2]):
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
    name = _stage_name(name, field="stage_name")
    if name_key(name) in {name_key(s.name) for s in live}:
        raise InvalidInput(
            "admin.stage_exists", field="stage_name", stage=name, process=process.name
        )
    percent = parse_probability(probability)
    index = len(live) if position is None else _position(position, len(live) + 1)
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
    return _changed(
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
    process, rest = _take_process(session, actor, split_args(text), rest=2, usage=usage)
    _active(process)
    stage, rest = _take_stage(process, rest, rest=1, usage=usage)
    before = stage.name
    name = _stage_name(" ".join(rest), field="stage_name")
    if any(
        s is not stage and name_key(s.name) == name_key(name) for s in queries.live_stages(process)
    ):
        raise InvalidInput(
            "admin.stage_exists", field="stage_name", stage=name, process=process.name
        )
    stage.name = name
    return _changed(
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
    process, rest = _take_process(session, actor, split_args(text), rest=2, usage=usage)
    _active(process)
    stage, rest = _take_stage(process, rest, rest=1, usage=usage)
    if len(rest) != 1:
        raise InvalidInput(usage)
    live = queries.live_stages(process)
    index = _position(rest[0], len(live))
    others = [s for s in live if s is not stage]
    _renumber([*others[:index], stage, *others[index:]])
    return _changed(
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
    process, rest = _take_process(session, actor, _args(text), rest=2, usage=usage)
    _active(process)
    stage, rest = _take_stage(process, rest, rest=1, usage=usage)
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
    return _changed(
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
    process, rest = _take_process(session, actor, split_args(text), rest=2, usage=usage)
    _active(process)
    stage, rest = _take_stage(process, rest, rest=1, usage=usage)
    return change_stuck_after(session=session, actor=actor, stage=stage, days=" ".join(rest))


def change_stuck_after(
    *, session: Session, actor: Actor, stage: Stage, days: str
) -> ProcessChanged:
    check_admin(actor)
    _active(stage.process)
    stage.stuck_after_days = parse_stuck_after(days)
    if stage.stuck_after_days is None:
        return _changed(session, actor, stage.process, "admin.stuck_off", stage=stage.name)
    return _changed(
        session,
        actor,
        stage.process,
        "admin.stuck_set",
        stage=stage.name,
        days=stage.stuck_after_days,
    )


def remove_stage(*, session: Session, actor: Actor, text: str) -> ProcessChanged | NeedsDestination:
    """`stage remove <process> <stage> [to <other stage>]`."""
    check_admin(actor)
    usage = "admin.usage_stage_remove"
    process, rest = _take_process(session, actor, split_args(text), rest=1, usage=usage)
    _active(process)
    stage, target = _stage_and_target(process, rest, usage=usage)
    return _remove(session, actor, process, stage, target)


def _exact_stage(process: SalesProcess, args: list[str], *, usage: str) -> Stage:
    stage, left = _take_stage(process, args, rest=0, usage=usage)
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
        view = _view(process, counts)
        shown = next(s for s in view.stages if s.id == stage.id)
        return NeedsDestination(view, shown, tuple(s for s in view.stages if s.id != stage.id))
    moved = 0
    if deals and target is not None:
        moved = relocate(session=session, actor=actor, opportunities=deals, stage=target)
    stage.removed_at = actor.now
    _renumber([s for s in live if s is not stage])
    if moved and target is not None:
        return _changed(
            session,
            actor,
            process,
            "admin.stage_removed_moved",
            stage=stage.name,
            count=moved,
            target=target.name,
        )
    return _changed(session, actor, process, "admin.stage_removed", stage=stage.name)


# --- by id, for the settings modal --------------------------------------------------------


def process_by_id(*, session: Session, actor: Actor, process_id: int) -> SalesProcess:
    process = session.get(SalesProcess, process_id)
    if process is None or process.team_id != actor.team_id:
        raise NotFound("admin.process_gone")
    return process


def stage_by_id(*, session: Session, actor: Actor, stage_id: int) -> Stage:
    stage = queries.get_stage(session=session, team_id=actor.team_id, stage_id=stage_id)
    if stage is None or stage.removed_at is not None:
        raise NotFound("admin.stage_gone")
    return stage
