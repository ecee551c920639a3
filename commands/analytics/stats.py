"""`/pipeline stats`: how each process converts, where deals drag, and who needs coaching.

`/pipeline stats [process <name>] [@rep | team | all] [period <from>..<to>]`, with the same
words and permissions as `/pipeline`. Definitions a manager can hold us to:

- the period is whole UTC days, the last 12 months by default (this month included);
- win rate = won / (won + lost) among the deals closed in the period; the sales cycle is
  created → won for the deals won in the period;
- the funnel follows the deals created in the period: how many got at least as far as each
  stage (the furthest stage in their history; a won deal went through them all) and won;
- days in a stage are the stays that ended in the period (by a move, a win or a loss);
- calibration compares a stage's probability with the share won among the deals closed in
  the period that got that far, flagged past 15 points with at least 20 such deals;
- the open pipeline's value at each month end: the deals open then, at their amount then.

The period is read in `period`, the rows answered are defined in `results`; this module
computes them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, time

from sqlalchemy.orm import Session

from commands.analytics.coaching import coached_reps, coaching
from commands.analytics.period import Period, parse_period
from commands.analytics.results import (
    MonthRow,
    ProcessStats,
    RepRow,
    SegmentRow,
    StageRow,
    Stats,
)
from commands.context import Actor
from commands.errors import InvalidInput
from commands.reports import add_months, filters_of, resolve, subject_name
from storage import analytics, queries, tallies
from storage.models import SalesProcess, Status
from storage.reports import Filters

# What the listeners reach through this module (`stats.stats(…)`, `stats.parse_period(…)`).
__all__ = ["STATS_WORDS", "Period", "ProcessStats", "Stats", "parse_period", "stats", "stats_text"]

STATS_WORDS = frozenset({"stats", "stat", "statistiques", "statistics", "analyse", "analytics"})


def stats_text(text: str) -> str | None:
    """What follows `stats` in `/pipeline stats …`, or None when it is not a stats request."""
    word, _, rest = text.strip().partition(" ")
    return rest.strip() if queries.name_key(word) in STATS_WORDS else None


# --- computing ----------------------------------------------------------------------------


def stats(*, session: Session, actor: Actor, text: str, with_coaching: bool = True) -> Stats:
    """The figures of `text`'s scope; `with_coaching=False` leaves out the coaching table, which
    the chart does not draw (a pass over every rep's deals for a whole company)."""
    try:
        scope = resolve(session=session, actor=actor, text=text, allow_period=True)
    except InvalidInput as error:
        if error.key == "scope.usage":  # say the stats' own words, period included
            raise InvalidInput("stats.usage") from None
        raise
    period = parse_period(scope.period, today=actor.today)
    filters = filters_of(actor, scope)
    workspace = queries.get_workspace(session=session, team_id=actor.team_id)
    assert workspace is not None
    processes = queries.all_processes(session=session, team_id=actor.team_id)
    if scope.process_id is not None:
        processes = [p for p in processes if p.id == scope.process_id]
    start, end = period.start_at, period.end_at
    analytics.prepare(session, few=analytics.per_deal(session, filters))
    # A whole team over whole months: the running totals; anything narrower: the deals.
    months = tallies.months(filters=filters, start=start, end=end, now=actor.now)
    owners = (
        analytics.outcomes_by_owner(session=session, filters=filters, start=start, end=end)
        if months is None
        else tallies.outcomes_by_owner(session=session, filters=filters, period=months)
    )
    busy = {row.process_id for row in owners}
    shown = [p for p in processes if p.id in busy]
    coach = None
    if with_coaching and scope.kind in ("team", "all"):
        reps = coached_reps(session=session, actor=actor, whole_company=scope.kind == "all")
        coach = coaching(session=session, team_id=actor.team_id, reps=reps, now=actor.now)
    if not shown:
        name = subject_name(session, actor, scope)
        return Stats(scope, text, period, None, (), coach, workspace.currency, name)
    process = shown[0]
    # Everything else is computed for the one process shown.
    one = Filters(
        team_id=filters.team_id,
        owners=filters.owners,
        process_id=process.id,
        origin=filters.origin,
        product=filters.product,
    )
    result = _process_stats(
        session=session,
        process=process,
        filters=one,
        period=period,
        owners=[r for r in owners if r.process_id == process.id],
        now=actor.now,
        months=months,
    )
    return Stats(
        scope=scope,
        text=text,
        period=period,
        process=result,
        others=tuple(p.name for p in shown[1:]),
        coaching=coach,
        currency=workspace.currency,
        subject_name=subject_name(session, actor, scope),
    )


def _process_stats(
    *,
    session: Session,
    process: SalesProcess,
    filters: Filters,
    period: Period,
    owners: Sequence[analytics.OwnerMonth],
    now: datetime,
    months: tallies.Months | None,
) -> ProcessStats:
    start, end = period.start_at, period.end_at
    reps = _reps(session, filters.team_id, owners)
    totals = RepRow(
        "",
        "",
        sum(r.created for r in reps),
        sum(r.won for r in reps),
        sum(r.lost for r in reps),
        sum(r.cycle_days for r in reps),
    )
    won_created = sum(r.won_created for r in owners)
    first_end = datetime.combine(add_months(period.months[0], 1), time(), UTC)
    history = (  # a few owners' rows, read once
        analytics.owners_history(session=session, filters=filters, start=start, since=first_end)
        if analytics.per_deal(session, filters)
        else None
    )
    if months is None:
        stays = analytics.stays(
            session=session, filters=filters, start=start, end=end, history=history
        )
    else:
        stays = tallies.stays(session=session, team_id=filters.team_id, period=months)
    current = (
        None
        if months is None
        else tallies.current_stages(session=session, filters=filters, period=months)
    )
    reach = analytics.reach(
        session=session, filters=filters, start=start, end=end, history=history, current=current
    )
    stages = _stages(process, won_created, totals.won, stays, reach)
    open_now = sum(r.open_minor for r in owners)
    amounts = (
        analytics.amount_moves(
            session=session, filters=filters, start=start, since=first_end, history=history
        )
        if months is None
        else tallies.amount_moves(session=session, filters=filters, period=months, since=first_end)
    )
    reopened = analytics.reopened(
        session=session, filters=filters, start=start, since=first_end, history=history
    )
    segments = (
        analytics.outcomes_by_segment(session=session, filters=filters, start=start, end=end)
        if months is None
        else tallies.outcomes_by_segment(session=session, filters=filters, period=months)
    )
    return ProcessStats(
        id=process.id,
        name=process.name,
        totals=totals,
        stages=stages,
        won_reached=won_created,
        reps=tuple(sorted(reps, key=lambda r: (-(r.won + r.lost), -r.created, r.name.lower()))),
        months=_months(period, owners, amounts, reopened, open_now, now),
        origins=_segments(segments, lambda s: s.origin),
        products=_segments(segments, lambda s: s.product),
        open_minor=open_now,
    )


def _reps(session: Session, team_id: str, rows: Iterable[analytics.OwnerMonth]) -> list[RepRow]:
    sums: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0.0])
    for row in rows:
        acc = sums[row.owner_id]
        acc[0] += row.created
        acc[1] += row.won
        acc[2] += row.lost
        acc[3] += row.cycle_days
    names = queries.member_names(session=session, team_id=team_id, user_ids=list(sums))
    return [
        RepRow(owner, names.get(owner) or owner, int(a[0]), int(a[1]), int(a[2]), float(a[3]))
        for owner, a in sums.items()
    ]


def _stages(
    process: SalesProcess,
    won_created: int,
    won_closed: int,
    stays_ended: Sequence[analytics.Stays],
    reach: Sequence[analytics.Reach],
) -> tuple[StageRow, ...]:
    histogram: dict[int, list[analytics.Stays]] = defaultdict(list)
    for row in stays_ended:
        histogram[row.stage_id].append(row)
    stages = [s for s in process.stages if s.removed_at is None or s.id in histogram]
    rows = []
    for stage in stages:
        further = [r for r in reach if r.process_id == process.id and r.furthest >= stage.position]
        stays = histogram.get(stage.id, [])
        count = sum(s.count for s in stays)
        rows.append(
            StageRow(
                id=stage.id,
                name=stage.name,
                probability=stage.probability,
                reached=won_created + sum(r.count for r in further if r.created_in_period),
                stays=count,
                average_days=sum(s.total_days for s in stays) / count if count else None,
                median_days=_median(stays),
                closed=won_closed
                + sum(r.count for r in further if r.closed_in_period and r.status == Status.LOST),
                won=won_closed,
            )
        )
    return tuple(rows)


def _median(stays: Sequence[analytics.Stays]) -> int | None:
    """The median stay in whole days, from the day histogram (the lower middle when even)."""
    total = sum(s.count for s in stays)
    if not total:
        return None
    middle = (total + 1) // 2
    seen = 0
    for row in sorted(stays, key=lambda s: s.days):
        seen += row.count
        if seen >= middle:
            return row.days
    raise AssertionError("unreachable")


def _months(
    period: Period,
    owners: Iterable[analytics.OwnerMonth],
    amounts: Sequence[analytics.AmountMoves],
    reopened: Sequence[analytics.Reopened],
    open_now: int,
    now: datetime,
) -> tuple[MonthRow, ...]:
    """Deals created in each month, and the open pipeline's value at each month's end.

    That value is, over the deals created before the end and not closed by then, their amount
    then: today's minus the changes made since. Grouped by the months deals were created and
    closed in, it is a sum of a few groups per month; the few deals closed for a while and
    reopened since are corrected one by one.
    """
    created: dict[str, int] = defaultdict(int)
    amount: dict[tuple[str, str | None], int] = defaultdict(int)
    for row in owners:
        if row.month is not None:
            created[row.month] += row.created
        amount[(row.month or "", row.closed)] += row.amount_minor
    rows = []
    for month in period.months:
        key = month.strftime("%Y-%m")
        month_end = datetime.combine(add_months(month, 1), time(), UTC)
        if month_end > now:
            value = open_now
        else:

            def counted(opened: str, closed: str | None, key: str = key) -> bool:
                """Created by the month's end ('' is before the period), not closed by then."""
                return opened <= key and (closed is None or closed > key)

            value = sum(v for (o, c), v in amount.items() if counted(o, c))
            value -= sum(a.step for a in amounts if a.month > key and counted(a.opened, a.closed))
            value += sum(deal.correction(month_end) for deal in reopened)
        rows.append(MonthRow(month, created.get(key, 0), value))
    return tuple(rows)


def _segments(
    rows: Iterable[analytics.Segment], key: Callable[[analytics.Segment], str | None]
) -> tuple[SegmentRow, ...]:
    sums: dict[str, list[int]] = {}
    labels: dict[str, str | None] = {}
    for row in rows:
        label = key(row)
        folded = queries.label_key(label) if label else ""  # as the origin filter compares
        if label and (labels.get(folded) is None or label < str(labels[folded])):
            labels[folded] = label  # one spelling, whatever order the groups came in
        labels.setdefault(folded, None)
        acc = sums.setdefault(folded, [0, 0, 0, 0])
        acc[0] += row.created
        acc[1] += row.won
        acc[2] += row.lost
        acc[3] += row.won_minor
    segments = [SegmentRow(labels[k], a[0], a[1], a[2], a[3]) for k, a in sums.items()]
    # The unlabelled rest goes last; the others by weight.
    return tuple(sorted(segments, key=lambda s: (s.label is None, -s.created, -(s.won + s.lost))))
