"""The daily nudge scan, and what each deal was last nudged for.

The scan is one statement (`due_query`): index ranges over the deals that may be due (stuck
past a stage's cut-off, past their close date or their next step's date), so its cost follows
the number of deals due, not the size of the table; the nudge rule decided in SQL; and back to
Python, per rep, only a count and the ids a message shows. The digest's stuck list reads the
stuck ranges as plain rows (`stuck_candidates`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, delete, false, func, or_, select, union_all
from sqlalchemy.orm import Session

from storage.db import conflict_insert
from storage.models import NudgeMark, Opportunity, Status, open_only

# A `select()` of opportunity columns; SQLAlchemy 2.0 and 2.1 type Select's parameters
# differently, so it is left open here.
Query = Any


@dataclass(frozen=True)
class Mark:
    nudged_on: date
    stay_started_at: datetime
    close_date: date | None
    next_step_date: date | None
    level: int


@dataclass(frozen=True)
class Candidate:
    """An open deal one of the scan's index ranges found, with its last nudge (if any)."""

    id: int
    number: int
    owner_id: str
    stage_id: int
    stage_entered_at: datetime
    close_date: date
    next_step_date: date | None
    snoozed_until: date | None
    amount_minor: int
    mark: Mark | None


_COLUMNS = (
    Opportunity.id,
    Opportunity.number,
    Opportunity.owner_id,
    Opportunity.stage_id,
    Opportunity.stage_entered_at,
    Opportunity.close_date,
    Opportunity.next_step_date,
    Opportunity.snoozed_until,
    Opportunity.amount_minor,
    NudgeMark.nudged_on,
    NudgeMark.stay_started_at,
    NudgeMark.close_date,
    NudgeMark.next_step_date,
    NudgeMark.level,
)


def _candidates(query: Query, session: Session) -> Iterator[Candidate]:
    # On the connection: plain rows, without the ORM's row loading (tens of thousands here).
    for row in session.connection().execute(query):
        mark = Mark(row[9], row[10], row[11], row[12], int(row[13])) if row[9] is not None else None
        yield Candidate(
            id=row[0],
            number=row[1],
            owner_id=row[2],
            stage_id=row[3],
            stage_entered_at=row[4],
            close_date=row[5],
            next_step_date=row[6],
            snoozed_until=row[7],
            amount_minor=int(row[8]),
            mark=mark,
        )


def _base(team_id: str, owners: Sequence[str] | None) -> Query:
    query = (
        select(*_COLUMNS)
        .select_from(Opportunity)
        .outerjoin(NudgeMark, NudgeMark.opportunity_id == Opportunity.id)
        .where(Opportunity.team_id == team_id, Opportunity.status == Status.OPEN)
    )
    if owners is not None:
        query = query.where(Opportunity.owner_id.in_(owners))
    return query


def stuck_query(
    team_id: str, stage_id: int, entered_before: datetime, owners: Sequence[str] | None = None
) -> Query:
    """One stage's deals that entered it before the cut-off (`ix_opportunities_stuck`)."""
    return _base(team_id, owners).where(
        Opportunity.stage_id == stage_id,
        open_only(Opportunity.stage_entered_at) < entered_before,
    )


def stuck_candidates(
    *,
    session: Session,
    team_id: str,
    stuck_before: dict[int, datetime],
    owners: Sequence[str] | None = None,
) -> Iterator[Candidate]:
    """The open deals stuck in their stage (entered it before its cut-off): one range of
    `ix_opportunities_stuck` per stage, streamed."""
    for stage_id, cutoff in sorted(stuck_before.items()):
        yield from _candidates(stuck_query(team_id, stage_id, cutoff, owners), session)


# --- the daily scan: the rule in SQL ----------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """What "today" means to reps sharing a local date and a timezone: the date, and per stage
    the moments a deal must have entered it before to be stuck, and to be stuck twice as long."""

    today: date
    stuck_before: dict[int, datetime]
    twice_before: dict[int, datetime]


def _per_stage(deal: Any, cutoffs: dict[int, datetime]) -> Any:
    """The deal entered its stage before that stage's cut-off; false in a stage without one."""
    if not cutoffs:
        return false()
    entered = deal.stage_entered_at
    return case(
        *((deal.stage_id == stage, entered < cut) for stage, cut in sorted(cutoffs.items())),
        else_=false(),
    )


def _needs_attention(deal: Any, clock: Clock) -> Any:
    """`commands.nudging.nudges.attention`'s decision as SQL, on a deal's columns left-joined to its
    `nudge_marks` row (NULLs written out: a deal without a mark has no earlier nudge)."""
    today = clock.today
    stuck = _per_stage(deal, clock.stuck_before)
    twice = _per_stage(deal, clock.twice_before)
    slipped = deal.close_date < today
    missed = and_(deal.next_step_date.is_not(None), deal.next_step_date < today)
    snoozed = and_(deal.snoozed_until.is_not(None), deal.snoozed_until > today)
    same_stay = and_(
        NudgeMark.stay_started_at.is_not(None),
        NudgeMark.stay_started_at == deal.stage_entered_at,
    )
    snooze_ended = and_(
        deal.snoozed_until.is_not(None),
        NudgeMark.nudged_on < deal.snoozed_until,
        deal.snoozed_until <= today,
    )
    new_slip = and_(
        slipped, or_(NudgeMark.close_date.is_(None), NudgeMark.close_date != deal.close_date)
    )
    new_miss = and_(
        missed,
        or_(NudgeMark.next_step_date.is_(None), NudgeMark.next_step_date != deal.next_step_date),
    )
    not_escalated = ~and_(same_stay, NudgeMark.level >= 2)
    return and_(
        ~snoozed,
        or_(stuck, slipped, missed),
        or_(~same_stay, snooze_ended, new_slip, new_miss, and_(twice, not_escalated)),
    )


_DEAL = (
    Opportunity.id,
    Opportunity.owner_id,
    Opportunity.amount_minor,
    Opportunity.number,
    Opportunity.stage_id,
    Opportunity.stage_entered_at,
    Opportunity.close_date,
    Opportunity.next_step_date,
    Opportunity.snoozed_until,
)


def due_query(team_id: str, clock: Clock, limit: int, owners: Sequence[str] | None = None) -> Query:
    """Per owner, the ids of the `limit` most valuable open deals that need attention today
    (the rule of `commands.nudging.nudges.attention`), each with the owner's count of them.

    The deals come from the index ranges (`ix_opportunities_stuck` per stage,
    `ix_opportunities_slipped`, `ix_opportunities_next_step`), with the columns the rule reads
    (joining them back to `opportunities` by id, PostgreSQL would rather read the whole table),
    so the work follows the deals due; for a few `owners`, from their open deals. Snoozes,
    earlier nudges of the same stay and the twice-as-long rule are decided here, and only what
    the messages show comes back: three numbers a deal.
    """
    today = clock.today
    found: Query
    if owners is not None:
        # A few reps (those due this minute): their open deals, `ix_opportunities_owner_open`.
        found = select(*_DEAL).where(
            Opportunity.team_id == team_id,
            Opportunity.owner_id.in_(owners),
            Opportunity.status == Status.OPEN,
        )
    else:
        stuck = _per_stage(Opportunity, clock.stuck_before)
        slipped = Opportunity.close_date < today
        # Disjoint ranges (a deal stuck and slipped is read once, as stuck): no deduplication.
        ranges = [
            select(*_DEAL).where(
                Opportunity.team_id == team_id,
                Opportunity.stage_id == stage,
                open_only(Opportunity.stage_entered_at) < cut,
            )
            for stage, cut in sorted(clock.stuck_before.items())
        ]
        ranges += [
            select(*_DEAL).where(
                Opportunity.team_id == team_id, open_only(Opportunity.close_date) < today, ~stuck
            ),
            select(*_DEAL).where(
                Opportunity.team_id == team_id,
                open_only(Opportunity.next_step_date) < today,
                ~stuck,
                ~slipped,
            ),
        ]
        found = union_all(*ranges)
    # Materialized: inlined, SQLite would rather walk the team's deals in owner order.
    deal = found.cte("found").prefix_with("MATERIALIZED").c
    due = (
        select(deal.owner_id, deal.id, deal.amount_minor, deal.number)
        .outerjoin(NudgeMark, NudgeMark.opportunity_id == deal.id)
        .where(_needs_attention(deal, clock))
    )
    rows = due.subquery("due")
    ranked = select(
        rows.c.owner_id,
        rows.c.id,
        func.count().over(partition_by=rows.c.owner_id).label("due"),
        func.row_number()
        .over(partition_by=rows.c.owner_id, order_by=(rows.c.amount_minor.desc(), rows.c.number))
        .label("rank"),
    ).subquery("ranked")
    return select(ranked.c.owner_id, ranked.c.id, ranked.c.due, ranked.c.rank).where(
        ranked.c.rank <= limit
    )


def due_deals(
    *,
    session: Session,
    team_id: str,
    clock: Clock,
    limit: int,
    owners: Sequence[str] | None = None,
) -> dict[str, tuple[int, list[int]]]:
    """Per owner with deals that need attention today: how many, and the ids of the `limit`
    most valuable, most valuable first (see `due_query`)."""
    found: dict[str, tuple[int, list[int]]] = {}
    # On the connection, plain rows: tens of thousands here.
    result = session.connection().execute(due_query(team_id, clock, limit, owners))
    for owner_id, opportunity_id, due, rank in result:
        ids = found.setdefault(owner_id, (int(due), [0] * min(int(due), limit)))[1]
        ids[rank - 1] = opportunity_id  # rows come in any order; each rank once per owner
    return found


def save_marks(*, session: Session, team_id: str, marks: dict[int, Mark]) -> None:
    """Remember what each deal was nudged for (one row per deal, replaced)."""
    if not marks:
        return
    insert = conflict_insert(session)
    rows = [
        {
            "opportunity_id": opportunity_id,
            "team_id": team_id,
            "nudged_on": mark.nudged_on,
            "stay_started_at": mark.stay_started_at,
            "close_date": mark.close_date,
            "next_step_date": mark.next_step_date,
            "level": mark.level,
        }
        for opportunity_id, mark in marks.items()
    ]
    statement = insert(NudgeMark)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["opportunity_id"],
            set_={
                "nudged_on": statement.excluded.nudged_on,
                "stay_started_at": statement.excluded.stay_started_at,
                "close_date": statement.excluded.close_date,
                "next_step_date": statement.excluded.next_step_date,
                "level": statement.excluded.level,
            },
        ),
        rows,
    )


def marks_of(*, session: Session, ids: Iterable[int]) -> dict[int, Mark]:
    """What these deals were last nudged for, if ever."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(
            NudgeMark.opportunity_id,
            NudgeMark.nudged_on,
            NudgeMark.stay_started_at,
            NudgeMark.close_date,
            NudgeMark.next_step_date,
            NudgeMark.level,
        ).where(NudgeMark.opportunity_id.in_(wanted))
    )
    return {row[0]: Mark(row[1], row[2], row[3], row[4], int(row[5])) for row in rows}


def prune_marks(*, session: Session) -> int:
    """Forget the marks that can no longer matter: of deals since closed, or moved on to
    another stay (a mark counts only while `stay_started_at` is the deal's current stay, so
    either is the same as no mark). The scan joins this table; it must not keep a row per deal
    ever nudged. Housekeeping over every workspace; returns how many went."""
    obsolete = (
        select(NudgeMark.opportunity_id)
        .join(Opportunity, Opportunity.id == NudgeMark.opportunity_id)
        .where(
            or_(
                Opportunity.status != Status.OPEN,
                Opportunity.stage_entered_at != NudgeMark.stay_started_at,
            )
        )
    )
    result = session.execute(delete(NudgeMark).where(NudgeMark.opportunity_id.in_(obsolete)))
    return int(getattr(result, "rowcount", 0) or 0)


def opportunities_by_id(*, session: Session, team_id: str, ids: Iterable[int]) -> list[Opportunity]:
    wanted = set(ids)
    if not wanted:
        return []
    return list(
        session.scalars(
            select(Opportunity).where(Opportunity.team_id == team_id, Opportunity.id.in_(wanted))
        )
    )
