"""Processes and stages of an import: which the workspace has, which the file would add.

A stage named like a closed status ("Closed Won", "Gagné", "Closed Lost to Competition"…) is a
status, not a stage. Other stage names the workspace lacks are planned, with the process they
would go in (the one named after the file's pipeline, or the default process when the file
has no pipeline column); `--create-stages` adds them. Their order is the source pipeline's when
the names tell it ("1. Prospect", "2 - Demo"), else by the probability the file gives (then
among an existing process's own stages too), else by first appearance (after its own stages);
their probability is the median the file gives for open deals in that stage, else spread evenly
up to 100 %. Either can be changed later with `/salesbot stage`.
"""

from __future__ import annotations

import functools
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from commands.errors import DomainError, InvalidInput
from commands.io.headers import Columns, fold_header
from commands.io.spreadsheet import cell_text
from commands.parsing import parse_percent
from commands.processes.arguments import MAX_STAGES, valid_name, valid_stage_name
from commands.processes.processes import MAX_PROCESSES
from commands.workspace import DEFAULT_PROCESS
from storage import imports, queries
from storage.models import SalesProcess, Stage, Status

_WON = (
    "won",
    "win",
    "closed won",
    "closedwon",
    "gagne",
    "gagnee",
    "signe",
    "signee",
    "ferme gagne",
    "deal won",
    "vendu",
    "vendue",
)
_LOST = ("lost", "closed lost", "closedlost", "perdu", "perdue", "ferme perdu", "deal lost",
         "abandonne", "abandonnee", "closed lost to competition")  # fmt: skip
CLOSED_STAGES = {**dict.fromkeys(_WON, Status.WON), **dict.fromkeys(_LOST, Status.LOST)}
_NUMBERED = re.compile(r"\s*(\d{1,3})\s*[-.):]\s*\S")


@functools.lru_cache(maxsize=4096)  # a file names a few stages, on every row
def stage_status(name: str) -> Status | None:
    """WON or LOST when a stage name says the deal is closed."""
    key = fold_header(name)
    status = CLOSED_STAGES.get(key)
    if status is None and key.startswith("closed "):
        status = CLOSED_STAGES.get(" ".join(key.split()[:2]))
    return status


class Catalog:
    """The workspace's active processes and their live stages, by name key."""

    def __init__(self, processes: Sequence[SalesProcess]) -> None:
        self.processes: list[SalesProcess] = []
        self.stages: dict[str, list[Stage]] = {}
        self._by_key: dict[str, dict[str, Stage]] = {}
        self._keys: dict[str, str] = {}  # text → name key: every row names them again
        for process in processes:
            self.add(process, queries.live_stages(process))

    @property
    def default(self) -> SalesProcess | None:
        return self.processes[0] if self.processes else None

    def key(self, text: str) -> str:
        found = self._keys.get(text)
        if found is None:
            found = self._keys[text] = queries.name_key(text)
        return found

    def process(self, text: str) -> SalesProcess | None:
        """The process named `text`; the default one when `text` is empty."""
        if not text:
            return self.default
        key = self.key(text)
        return next((p for p in self.processes if p.name_key == key), None)

    def stage(self, process: SalesProcess, text: str) -> Stage | None:
        """The stage of `process` named `text`, or numbered `text` (1 = first)."""
        found = self._by_key.get(process.name_key, {}).get(self.key(text))
        stages = self.stages.get(process.name_key, [])
        if found is None and text.isdigit() and 1 <= int(text) <= len(stages):
            found = stages[int(text) - 1]
        return found

    def reorder(self, process: SalesProcess, added: Sequence[Stage]) -> None:
        """Place stages added with the file's probabilities among the process's own by
        probability (its own first at equal probability), and number them again."""
        stages = sorted(self.stages[process.name_key], key=lambda s: (s.probability, s in added))
        for position, stage in enumerate(stages):
            stage.position = position
        self.stages[process.name_key] = stages

    def add(self, process: SalesProcess, stages: Iterable[Stage]) -> None:
        if process not in self.processes:
            self.processes.append(process)
        added = list(stages)
        self.stages.setdefault(process.name_key, []).extend(added)
        by_key = self._by_key.setdefault(process.name_key, {})
        for stage in added:
            by_key.setdefault(self.key(stage.name), stage)


@dataclass
class NewStage:
    name: str
    line: int  # where the file first names it
    order: int  # first appearance
    probabilities: list[int] = field(default_factory=list)
    probability: int = 0


@dataclass
class NewStages:
    """The stages to add to one process (new itself when `process` is None)."""

    name: str
    process: SalesProcess | None
    line: int
    stages: dict[str, NewStage] = field(default_factory=dict)

    def ordered(self) -> list[NewStage]:
        return sorted(self.stages.values(), key=lambda s: s.order)


@dataclass
class Plan:
    processes: dict[str, NewStages] = field(default_factory=dict)  # by name key

    def __bool__(self) -> bool:
        return bool(self.processes)


def plan(
    rows: Sequence[tuple[int, Sequence[Any]]], columns: Columns, catalog: Catalog, lang: str
) -> Plan:
    """What the file names that the workspace lacks, ordered and with probabilities."""
    planned = Plan()
    at = columns.index.get
    if at("stage") is None and at("process") is None:
        return planned
    for line, cells in rows:
        process_text = cell_text(cells, at("process"))
        stage_text = cell_text(cells, at("stage"))
        process = catalog.process(process_text)
        if process is not None and (not stage_text or catalog.stage(process, stage_text)):
            continue
        if stage_text and stage_status(stage_text) is not None and process is not None:
            continue
        if process is None and not process_text:
            continue  # no process at all: the row's check says so
        key = catalog.key(process_text) if process is None else process.name_key
        entry = planned.processes.get(key)
        if entry is None:
            name = process.name if process is not None else process_text
            entry = planned.processes[key] = NewStages(name, process, line)
        if not stage_text or stage_status(stage_text) is not None:
            continue
        stage_key = catalog.key(stage_text)
        new = entry.stages.get(stage_key)
        if new is None:
            new = entry.stages[stage_key] = NewStage(stage_text, line, len(entry.stages))
        percent = _percent(cells, columns)
        if percent is not None and stage_status(cell_text(cells, at("status"))) is None:
            new.probabilities.append(percent)
    for entry in planned.processes.values():
        _order(entry, catalog, lang)
    return planned


def _percent(cells: Sequence[Any], columns: Columns) -> int | None:
    position = columns.index.get("probability")
    if position is None or position >= len(cells) or cells[position] is None:
        return None
    value = cells[position]
    if isinstance(value, float) and 0 < value < 1:  # an Excel percent cell
        value = value * 100
    return parse_percent(str(value).strip()) if str(value).strip() else None


def _order(entry: NewStages, catalog: Catalog, lang: str) -> None:
    stages = entry.ordered()
    if entry.process is None and not stages:
        # A pipeline whose every deal is closed: it gets the classic stages.
        for order, (name, percent) in enumerate(
            DEFAULT_PROCESS.get(lang, DEFAULT_PROCESS["fr"])[1]
        ):
            entry.stages[queries.name_key(name)] = NewStage(name, entry.line, order, [percent])
        stages = entry.ordered()
    for stage in stages:
        if stage.probabilities:
            stage.probability = round(statistics.median(stage.probabilities))
    numbers = [_NUMBERED.match(s.name) for s in stages]
    if all(numbers):
        stages.sort(key=lambda s: int(_NUMBERED.match(s.name).group(1)))  # type: ignore[union-attr]
    elif all(s.probabilities for s in stages):
        stages.sort(key=lambda s: s.probability)
    existing = catalog.stages.get(entry.process.name_key, []) if entry.process else []
    floor = existing[-1].probability if existing else 0
    for index, stage in enumerate(stages):
        stage.order = index
        if not stage.probabilities:
            stage.probability = round(floor + (100 - floor) * (index + 1) / (len(stages) + 1))


def create(
    *,
    session: Session,
    team_id: str,
    planned: Plan,
    catalog: Catalog,
    now: datetime,
    write: bool,
) -> list[tuple[int, DomainError]]:
    """Add the planned processes and stages (in the session when `write`, else as detached
    objects the rows can point to in a dry run). Returns the refusals with their line."""
    errors: list[tuple[int, DomainError]] = []
    active = len(catalog.processes)
    position = max((p.position for p in catalog.processes), default=-1) + 1
    for entry in planned.processes.values():
        stages = entry.ordered()
        try:
            names = [(valid_stage_name(s.name, field="stage_name"), s.probability) for s in stages]
            existing = catalog.stages.get(entry.process.name_key, []) if entry.process else []
            if len(existing) + len(names) > MAX_STAGES:
                raise InvalidInput(
                    "import.too_many_stages", process=entry.name, count=len(names), max=MAX_STAGES
                )
            if entry.process is None:
                name = valid_name(entry.name, field="process_name")
                if active >= MAX_PROCESSES:
                    raise InvalidInput("admin.too_many_processes", max=MAX_PROCESSES)
        except DomainError as error:
            errors.append((entry.line, error))
            continue
        if entry.process is None:
            active += 1
            if write:
                process = queries.add_process(
                    session=session,
                    team_id=team_id,
                    name=name,
                    stages=names,
                    now=now,
                    position=position,
                )
                catalog.add(process, queries.live_stages(process))
            else:
                process = SalesProcess(
                    team_id=team_id, name=name, name_key=queries.name_key(name), position=position
                )
                catalog.add(process, _detached(team_id, None, names, start=0))
            position += 1
            continue
        process = entry.process
        start = len(existing)
        if write:
            added = imports.add_stages(
                session=session, team_id=team_id, process=process, stages=names, start=start
            )
        else:
            added = _detached(team_id, process.id, names, start=start)
        catalog.add(process, added)
        if write and all(s.probabilities for s in stages):
            catalog.reorder(process, added)
    return errors


def _detached(
    team_id: str, process_id: int | None, names: Sequence[tuple[str, int]], *, start: int
) -> list[Stage]:
    return [
        Stage(team_id=team_id, process_id=process_id, name=name, position=start + i,
              probability=percent, stuck_after_days=None)
        for i, (name, percent) in enumerate(names)
    ]  # fmt: skip
