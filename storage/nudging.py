"""Queries of the daily nudge scan, the learned thresholds, follow-ups and the weekly digest.

The daily scan is one statement (`due_query`): index ranges over the deals that may be due
(stuck past a stage's cut-off, past their close date or their next step's date), so its cost
follows the number of deals due, not the size of the table; the nudge rule decided in SQL; and
back to Python, per rep, only a count and the ids a message shows. The digest's stuck list
reads the stuck ranges as plain rows (`stuck_candidates`).

Functions are keyword-only and take the session; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, delete, false, func, or_, select, union_all, update
from sqlalchemy.orm import Session, aliased

from storage.analytics import IMPORTED, days_between
from storage.db import conflict_insert
from storage.models import (
    ChangeKind,
    DigestSnapshot,
    FollowUp,
    FollowUpRule,
    Member,
    NudgeMark,
    Opportunity,
    Stage,
    StageChange,
    Status,
    open_only,
)

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


# --- learned thresholds -----------------------------------------------------------------------


def finished_stays(
    *, session: Session, team_id: str, since: datetime, limit: int
) -> list[tuple[int, float]]:
    """(stage id, days spent) of the latest stays in a stage that ended since `since`, at most
    `limit` per kind of row that starts a stay (created, stage, status).

    Each stay row holds its end (`left_at`, kept by `storage.stays`), so this is one range of
    `ix_stage_changes_stays` per kind, newest first: bounded by `limit`, not by the history's
    size. An imported deal's first stay is left out, as in the stats: its start is the deal's
    creation date, not when it entered that stage.
    """
    change = StageChange
    days = days_between(session, change.left_at, change.changed_at)
    stays: list[tuple[int, float]] = []
    for kind in (ChangeKind.CREATED, ChangeKind.STAGE, ChangeKind.STATUS):
        rows = session.execute(
            select(change.to_stage_id, days)
            .where(
                change.team_id == team_id,
                change.kind == kind,
                change.left_at >= since,
                change.to_stage_id.is_not(None),
                or_(change.from_value.is_(None), change.from_value != IMPORTED),
            )
            .order_by(change.left_at.desc())
            .limit(limit)
        )
        stays += [(int(stage), float(spent)) for stage, spent in rows]
    return stays


@dataclass(frozen=True)
class MemberSettings:
    """What deciding who is due needs of a member, without loading the whole row."""

    user_id: str
    role: str
    manager_id: str | None
    language: str | None
    timezone: str | None
    nudges_enabled: bool
    nudge_minute: int


def member_settings(*, session: Session, team_id: str) -> list[MemberSettings]:
    rows = session.execute(
        select(
            Member.user_id,
            Member.role,
            Member.manager_id,
            Member.language,
            Member.timezone,
            Member.nudges_enabled,
            Member.nudge_minute,
        )
        .where(Member.team_id == team_id)
        .order_by(Member.user_id)
    )
    return [MemberSettings(*row) for row in rows]


def team_stages(*, session: Session, team_id: str) -> list[Stage]:
    """Every stage of the workspace, removed ones included (deals may still sit in them)."""
    return list(session.scalars(select(Stage).where(Stage.team_id == team_id)))


# --- follow-ups -----------------------------------------------------------------------------


def followup_rules(*, session: Session, team_id: str) -> list[FollowUpRule]:
    return list(
        session.scalars(
            select(FollowUpRule)
            .where(FollowUpRule.team_id == team_id, FollowUpRule.removed_at.is_(None))
            .order_by(FollowUpRule.id)
        )
    )


def trigger_events(
    *, session: Session, rule: FollowUpRule, after: datetime, until: datetime
) -> list[tuple[int, datetime]]:
    """(opportunity id, when) of the wins / stage entries a rule reacts to, in a time window."""
    query = (
        select(StageChange.opportunity_id, StageChange.changed_at)
        .join(Opportunity, Opportunity.id == StageChange.opportunity_id)
        .where(
            StageChange.team_id == rule.team_id,
            StageChange.changed_at > after,
            StageChange.changed_at <= until,
            Opportunity.process_id == rule.process_id,
        )
    )
    if rule.trigger == "won":
        query = query.where(StageChange.kind == ChangeKind.STATUS, StageChange.to_value == "won")
    else:
        query = query.where(
            StageChange.kind.in_((ChangeKind.CREATED, ChangeKind.STAGE, ChangeKind.STATUS)),
            StageChange.to_stage_id == rule.stage_id,
        )
    return [(int(opportunity), at) for opportunity, at in session.execute(query)]


def existing_followups(
    *, session: Session, rule_id: int, opportunity_ids: Iterable[int]
) -> set[int]:
    wanted = set(opportunity_ids)
    if not wanted:
        return set()
    return set(
        session.scalars(
            select(FollowUp.opportunity_id).where(
                FollowUp.rule_id == rule_id, FollowUp.opportunity_id.in_(wanted)
            )
        )
    )


def due_followups(
    *, session: Session, team_id: str, on_or_before: date, owners: Sequence[str]
) -> list[tuple[FollowUp, Opportunity]]:
    """Open, unsent follow-ups due by a day, with their deal, for these owners."""
    if not owners:
        return []
    rows = session.execute(
        select(FollowUp, Opportunity)
        .join(Opportunity, Opportunity.id == FollowUp.opportunity_id)
        .where(
            FollowUp.team_id == team_id,
            FollowUp.status == "open",
            FollowUp.due_on <= on_or_before,
            FollowUp.sent_on.is_(None),
            Opportunity.owner_id.in_(owners),
        )
        .order_by(FollowUp.due_on, FollowUp.id)
    )
    return [(row[0], row[1]) for row in rows]


def get_followup(*, session: Session, team_id: str, followup_id: int) -> FollowUp | None:
    return session.scalars(
        select(FollowUp).where(FollowUp.team_id == team_id, FollowUp.id == followup_id)
    ).one_or_none()


def mark_followups_sent(*, session: Session, team_id: str, ids: Sequence[int], day: date) -> None:
    """One statement for a message's follow-ups (up to its cap), whatever their number."""
    if ids:
        session.execute(
            update(FollowUp)
            .where(FollowUp.team_id == team_id, FollowUp.id.in_(list(ids)))
            .values(sent_on=day)
            .execution_options(synchronize_session="fetch")
        )


# --- the weekly digest ----------------------------------------------------------------------


def created_by_owner(
    *, session: Session, team_id: str, owners: Sequence[str], since: datetime, until: datetime
) -> dict[str, tuple[int, int]]:
    """Deals created in [since, until) per owner: (count, total)."""
    rows = session.execute(
        select(Opportunity.owner_id, func.count(), func.sum(Opportunity.amount_minor))
        .where(
            Opportunity.team_id == team_id,
            Opportunity.owner_id.in_(owners),
            Opportunity.created_at >= since,
            Opportunity.created_at < until,
        )
        .group_by(Opportunity.owner_id)
    )
    return {owner: (int(count), int(total or 0)) for owner, count, total in rows}


def closed_by_owner(
    *, session: Session, team_id: str, owners: Sequence[str], since: datetime, until: datetime
) -> dict[tuple[str, str], tuple[int, int]]:
    """Deals won or lost in [since, until) per (owner, status): (count, total)."""
    rows = session.execute(
        select(
            Opportunity.owner_id,
            Opportunity.status,
            func.count(),
            func.sum(Opportunity.amount_minor),
        )
        .where(
            Opportunity.team_id == team_id,
            Opportunity.owner_id.in_(owners),
            Opportunity.status.in_((Status.WON, Status.LOST)),
            Opportunity.closed_at >= since,
            Opportunity.closed_at < until,
        )
        .group_by(Opportunity.owner_id, Opportunity.status)
    )
    return {(owner, str(status)): (int(c), int(t or 0)) for owner, status, c, t in rows}


def advanced_by_owner(
    *, session: Session, team_id: str, owners: Sequence[str], since: datetime, until: datetime
) -> dict[str, int]:
    """Stage changes forward (to a later stage) in [since, until), per deal owner."""
    before = aliased(Stage)
    after = aliased(Stage)
    rows = session.execute(
        select(Opportunity.owner_id, func.count())
        .select_from(StageChange)
        .join(Opportunity, Opportunity.id == StageChange.opportunity_id)
        .join(before, before.id == StageChange.from_stage_id)
        .join(after, after.id == StageChange.to_stage_id)
        .where(
            StageChange.team_id == team_id,
            StageChange.kind == ChangeKind.STAGE,
            StageChange.changed_at >= since,
            StageChange.changed_at < until,
            before.process_id == after.process_id,
            after.position > before.position,
            Opportunity.owner_id.in_(owners),
        )
        .group_by(Opportunity.owner_id)
    )
    return {owner: int(count) for owner, count in rows}


def open_by_owner(
    *, session: Session, team_id: str, owners: Sequence[str]
) -> dict[str, tuple[int, int]]:
    rows = session.execute(
        select(Opportunity.owner_id, func.count(), func.sum(Opportunity.amount_minor))
        .where(
            Opportunity.team_id == team_id,
            Opportunity.owner_id.in_(owners),
            Opportunity.status == Status.OPEN,
        )
        .group_by(Opportunity.owner_id)
    )
    return {owner: (int(count), int(total or 0)) for owner, count, total in rows}


def pushed_close_dates(
    *, session: Session, team_id: str, owners: Sequence[str], since: datetime, until: datetime
) -> dict[int, tuple[date, date]]:
    """Open deals whose close date was moved later in [since, until): id → (first, last)."""
    rows = session.execute(
        select(StageChange.opportunity_id, StageChange.from_value, StageChange.to_value)
        .join(Opportunity, Opportunity.id == StageChange.opportunity_id)
        .where(
            StageChange.team_id == team_id,
            StageChange.kind == ChangeKind.CLOSE_DATE,
            StageChange.changed_at >= since,
            StageChange.changed_at < until,
            Opportunity.status == Status.OPEN,
            Opportunity.owner_id.in_(owners),
        )
        .order_by(StageChange.changed_at, StageChange.id)
    )
    moved: dict[int, tuple[date, date]] = {}
    for opportunity_id, before, after in rows:
        if not before or not after:
            continue
        first = moved.get(opportunity_id, (date.fromisoformat(before), date.min))[0]
        moved[opportunity_id] = (first, date.fromisoformat(after))
    return {k: v for k, v in moved.items() if v[1] > v[0]}


def slipped_deals(
    *, session: Session, team_id: str, owners: Sequence[str], since: date, before: date
) -> list[Opportunity]:
    """Open deals whose close date fell in [since, before): it passed this week unsigned."""
    return list(
        session.scalars(
            select(Opportunity).where(
                Opportunity.team_id == team_id,
                Opportunity.status == Status.OPEN,
                Opportunity.owner_id.in_(owners),
                Opportunity.close_date >= since,
                Opportunity.close_date < before,
            )
        )
    )


def members_of(*, session: Session, team_id: str, user_ids: Sequence[str]) -> list[Member]:
    if not user_ids:
        return []
    return list(
        session.scalars(
            select(Member).where(Member.team_id == team_id, Member.user_id.in_(set(user_ids)))
        )
    )


def digest_managers(*, session: Session, team_id: str) -> list[Member]:
    """Members with at least one rep reporting to them: the digest's readers."""
    managed = select(Member.manager_id).where(
        Member.team_id == team_id, Member.manager_id.is_not(None)
    )
    return list(
        session.scalars(
            select(Member)
            .where(Member.team_id == team_id, Member.user_id.in_(managed))
            .order_by(Member.user_id)
        )
    )


def last_snapshot(
    *, session: Session, team_id: str, manager_id: str, before_week: str
) -> DigestSnapshot | None:
    return session.scalars(
        select(DigestSnapshot)
        .where(
            DigestSnapshot.team_id == team_id,
            DigestSnapshot.manager_id == manager_id,
            DigestSnapshot.week < before_week,
        )
        .order_by(DigestSnapshot.week.desc())
        .limit(1)
    ).one_or_none()


def save_snapshot(*, session: Session, snapshot: DigestSnapshot) -> None:
    """One per manager and week; a re-run of the same week keeps the first figures."""
    existing = session.scalars(
        select(DigestSnapshot).where(
            DigestSnapshot.team_id == snapshot.team_id,
            DigestSnapshot.manager_id == snapshot.manager_id,
            DigestSnapshot.week == snapshot.week,
        )
    ).one_or_none()
    if existing is None:
        session.add(snapshot)
        session.flush()
