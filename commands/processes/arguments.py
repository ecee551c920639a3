"""What admins type after `/salesbot process …` and `stage …`: names, percentages, days,
positions, and the process or stage the first words name.

Every reader refuses with a message that quotes the text back, so nothing doubtful is stored.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.errors import InvalidInput, NotFound
from commands.parsing import clean_text, parse_percent, split_args
from commands.parsing.text import echo
from storage import queries
from storage.models import SalesProcess, Stage
from storage.queries import name_key

MAX_STAGES = 10
MAX_NAME = 50
MAX_STUCK_DAYS = 365
_ECHO = 40  # refusals quote what was typed, this long at most

OFF_WORDS = frozenset(
    {"off", "none", "no", "never", "non", "aucun", "aucune", "jamais", "desactiver", "stop"}
)

# The shape of a percentage, in range or not: where a stage's probability ends and its
# position begins in `stage add` (an out-of-range value is then refused as a probability).
_PERCENT_SHAPE = re.compile(r"-?[0-9]{1,6}(?:[.,][0-9]+)?\s*%?")
_DAYS = re.compile(r"(-?[0-9]{1,6})\s*(?:j|jours?|d|days?)?", re.IGNORECASE)
NUMBER = re.compile(r"#?([0-9]{1,6})")
_SPACED_PERCENT = re.compile(r"([0-9])\s+%")


def valid_name(raw: str, *, field: str) -> str:
    name = clean_text(raw, single_line=True)
    if not name:
        raise InvalidInput("admin.name_required", field=field)
    if len(name) > MAX_NAME:
        raise InvalidInput("admin.name_too_long", field=field, max=MAX_NAME, length=len(name))
    return name


def valid_stage_name(raw: str, *, field: str) -> str:
    name = valid_name(raw, field=field)
    if NUMBER.fullmatch(name):
        # Stages are also picked by number: a stage called "2" would be ambiguous.
        raise InvalidInput("admin.stage_name_numeric", field=field, name=name)
    return name


def parse_probability(text: str, *, field: str = "probability") -> int:
    """A stage's probability: `30`, `30%`, `30 %` (read by `parse_percent`)."""
    percent = parse_percent(text)
    if percent is None:
        raise InvalidInput("admin.probability_invalid", field=field, value=echo(text, limit=_ECHO))
    return percent


def looks_like_percent(text: str) -> bool:
    return _PERCENT_SHAPE.fullmatch(text) is not None


def parse_stuck_after(text: str, *, field: str = "days") -> int | None:
    """Days before an untouched deal counts as stuck (`14`, `14j`, `14 days`), or None for off."""
    text = text.strip()
    if name_key(text) in OFF_WORDS:
        return None
    match = _DAYS.fullmatch(text)
    if match is None or not 1 <= int(match.group(1)) <= MAX_STUCK_DAYS:
        raise InvalidInput(
            "admin.days_invalid", field=field, value=echo(text, limit=_ECHO), max=MAX_STUCK_DAYS
        )
    return int(match.group(1))


def parse_position(text: str, last: int, *, field: str = "position") -> int:
    """A 1-based position between 1 and `last`, returned 0-based."""
    match = NUMBER.fullmatch(text.strip())
    if match is None or not 1 <= int(match.group(1)) <= last:
        raise InvalidInput(
            "admin.position_invalid", field=field, value=echo(text, limit=_ECHO), max=last
        )
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
            raise InvalidInput("admin.stage_syntax", field=field, part=echo(part, limit=_ECHO))
        name = valid_stage_name(name, field=field)
        if name_key(name) in seen:
            raise InvalidInput("admin.stage_duplicate", field=field, name=name)
        seen.add(name_key(name))
        stages.append((name, parse_probability(percent, field=field)))
    return stages


def percent_args(text: str) -> list[str]:
    # "30 %" is one value to a human: keep it one argument.
    return split_args(_SPACED_PERCENT.sub(r"\1%", text))


def take_process(
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
    raise NotFound("admin.process_unknown", name=echo(args[0], limit=_ECHO), known=known)


def whole_name(text: str) -> list[str]:
    """All the words as one name: `archive Grands comptes` needs no quotes."""
    args = split_args(text)
    return [" ".join(args)] if args else []


def take_stage(
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
    number = NUMBER.fullmatch(args[0])
    if number is not None and 1 <= int(number.group(1)) <= len(live):
        return live[int(number.group(1)) - 1], args[1:]
    raise NotFound(
        "admin.stage_unknown",
        stage=echo(args[0], limit=_ECHO),
        process=process.name,
        stages=_numbered(live),
    )


def _numbered(stages: list[Stage]) -> str:
    return ", ".join(f"{index}. {s.name}" for index, s in enumerate(stages, 1))
