"""`/pipeline`: the whiteboard — each process's stages as columns, deals as cards, live totals."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.deals import Card, StageInfo, card_of
from commands.errors import InvalidInput
from commands.permissions import may_act_for_any
from commands.reports.scope import Scope, resolve
from storage import queries, reports
from storage.reports import Filters, Totals

PAGE = 40  # deals per page when paging through one stage


@dataclass(frozen=True)
class Column:
    stage: StageInfo
    totals: Totals
    deals: tuple[Card, ...]

    @property
    def more(self) -> int:
        return self.totals.count - len(self.deals)


@dataclass(frozen=True)
class ProcessBoard:
    id: int
    name: str
    archived: bool
    columns: tuple[Column, ...]
    totals: Totals


@dataclass(frozen=True)
class Board:
    scope: Scope
    text: str  # what was typed after /pipeline, so "+N more" can re-ask with the same scope
    processes: tuple[ProcessBoard, ...]
    totals: Totals
    currency: str
    subject_name: str = ""  # the rep's name for `@rep` (see `subject_name`)


@dataclass(frozen=True)
class StagePage:
    scope: Scope
    text: str
    process: str
    stage: StageInfo
    totals: Totals
    deals: tuple[Card, ...]
    offset: int
    currency: str

    @property
    def next_offset(self) -> int | None:
        end = self.offset + len(self.deals)
        return end if end < self.totals.count else None


def filters_of(actor: Actor, scope: Scope) -> Filters:
    return Filters(
        team_id=actor.team_id,
        owners=scope.owners,
        process_id=scope.process_id,
        origin=scope.origins,
        product=scope.products,
    )


def subject_name(session: Session, actor: Actor, scope: Scope) -> str:
    """The name of the rep a report is about: a title is plain text, where a mention would show
    as a raw `<@U…>` token. Empty when the report is not about one rep, or no name is known."""
    if scope.kind != "rep":
        return ""
    names = queries.member_names(session=session, team_id=actor.team_id, user_ids=[scope.subject])
    return names.get(scope.subject, "")


def board(*, session: Session, actor: Actor, text: str, deals_budget: int = 30) -> Board:
    """Totals for every stage, and the most valuable deals of each within a block budget."""
    scope = resolve(session=session, actor=actor, text=text)
    filters = filters_of(actor, scope)
    totals = reports.board(session=session, filters=filters)
    workspace = queries.get_workspace(session=session, team_id=actor.team_id)
    assert workspace is not None
    boards: list[ProcessBoard] = []
    processes = [
        p
        for p in queries.all_processes(session=session, team_id=actor.team_id)
        if (scope.process_id is None or p.id == scope.process_id)
        and (p.archived_at is None or any(s.id in totals for s in p.stages))
    ]
    live = [[s for s in p.stages if s.removed_at is None or s.id in totals] for p in processes]
    # Spread the budget: the deals of an empty stage are not shown, so do not reserve them.
    busy = sum(1 for stages in live for s in stages if s.id in totals) or 1
    per_stage = max(0, min(5, deals_budget // busy))
    busy_ids = [s.id for stages in live for s in stages if s.id in totals]
    top = reports.top_deals(session=session, filters=filters, stage_ids=busy_ids, limit=per_stage)
    mine = may_act_for_any(session=session, actor=actor)
    for process, stages in zip(processes, live, strict=True):
        columns = []
        for stage in stages:
            stage_totals = totals.get(stage.id, Totals())
            deals = top.get(stage.id, [])
            columns.append(
                Column(
                    stage=StageInfo(stage.id, stage.name, stage.position, stage.probability),
                    totals=stage_totals,
                    deals=tuple(card_of(d, actor, may_change=mine(d.owner_id)) for d in deals),
                )
            )
        boards.append(
            ProcessBoard(
                id=process.id,
                name=process.name,
                archived=process.archived_at is not None,
                columns=tuple(columns),
                totals=_sum(c.totals for c in columns),
            )
        )
    return Board(
        scope=scope,
        text=text,
        processes=tuple(boards),
        totals=_sum(b.totals for b in boards),
        currency=workspace.currency,
        subject_name=subject_name(session, actor, scope),
    )


def stage_page(
    *, session: Session, actor: Actor, text: str, stage_id: int, offset: int
) -> StagePage:
    """One stage's deals, a page at a time: how a manager reads 5,000 deals in one column."""
    scope = resolve(session=session, actor=actor, text=text)
    stage = queries.get_stage(session=session, team_id=actor.team_id, stage_id=stage_id)
    if stage is None:
        raise InvalidInput("opp.stage_invalid")
    filters = filters_of(actor, scope)
    totals = reports.board(session=session, filters=filters).get(stage.id, Totals())
    offset = max(0, min(offset, max(totals.count - 1, 0)))
    deals = reports.stage_deals(
        session=session, filters=filters, stage_id=stage.id, limit=PAGE, offset=offset
    )
    workspace = queries.get_workspace(session=session, team_id=actor.team_id)
    assert workspace is not None
    mine = may_act_for_any(session=session, actor=actor)
    return StagePage(
        scope=scope,
        text=text,
        process=stage.process.name,
        stage=StageInfo(stage.id, stage.name, stage.position, stage.probability),
        totals=totals,
        deals=tuple(card_of(d, actor, may_change=mine(d.owner_id)) for d in deals),
        offset=offset,
        currency=workspace.currency,
    )


def _sum(items: Iterable[Totals]) -> Totals:
    count = amount = weight = 0
    for totals in items:
        count += totals.count
        amount += totals.amount_minor
        weight += totals.weighted_minor
    return Totals(count, amount, weight)
