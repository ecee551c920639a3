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
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session

from commands.analytics.coaching import Coaching, coached_reps, coaching, percent
from commands.context import Actor
from commands.errors import InvalidInput
from commands.reports.board import filters_of, subject_name
from commands.reports.forecast import add_months
from commands.reports.scope import Scope, resolve
from storage import analytics, queries, tallies
from storage.models import SalesProcess, Status
from storage.reports import Filters

DEFAULT_MONTHS = 12
MAX_MONTHS = 24
CALIBRATION_POINTS = 15
CALIBRATION_MIN_DEALS = 20
STATS_WORDS = frozenset({"stats", "stat", "statistiques", "statistics", "analyse", "analytics"})


def stats_text(text: str) -> str | None:
    """What follows `stats` in `/pipeline stats …`, or None when it is not a stats request."""
    word, _, rest = text.strip().partition(" ")
    return rest.strip() if queries.name_key(word) in STATS_WORDS else None


# --- the period ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date  # the first day
    end: date  # the last day, included

    @property
    def months(self) -> tuple[date, ...]:
        first = self.start.replace(day=1)
        count = (self.end.year - first.year) * 12 + self.end.month - first.month + 1
        return tuple(add_months(first, i) for i in range(count))

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(), UTC)

    @property
    def end_at(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(date.fromordinal(self.end.toordinal() + 1), time(), UTC)


_BOUND = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?")


def _bound(text: str, *, last: bool, echo: str) -> date:
    """`2026`, `2026-03` or `2026-03-15`: its first day, or its last with `last`."""
    match = _BOUND.fullmatch(text)
    if match is None:
        raise InvalidInput("stats.period_invalid", text=echo)
    year = int(match["year"])
    month = int(match["month"] or (12 if last else 1))
    try:
        if match["day"]:
            return date(year, month, int(match["day"]))
        first = date(year, month, 1)
    except ValueError:
        raise InvalidInput("stats.period_invalid", text=echo) from None
    return date.fromordinal(add_months(first, 1).toordinal() - 1) if last else first


def parse_period(text: str | None, *, today: date) -> Period:
    """`<from>..<to>` (either side may be left out), or one year, month or day alone."""
    if not text:
        return Period(add_months(today.replace(day=1), 1 - DEFAULT_MONTHS), today)
    echo = text[:40]
    if ".." in text:
        first, _, second = text.partition("..")
        end = _bound(second, last=True, echo=echo) if second else today
        start = (
            _bound(first, last=False, echo=echo)
            if first
            else add_months(end.replace(day=1), 1 - DEFAULT_MONTHS)
        )
    else:
        start, end = _bound(text, last=False, echo=echo), _bound(text, last=True, echo=echo)
    end = min(end, today)
    if start > end:
        raise InvalidInput("stats.period_empty", text=echo)
    period = Period(start, end)
    if len(period.months) > MAX_MONTHS:
        raise InvalidInput("stats.period_too_long", text=echo, months=MAX_MONTHS)
    return period


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageRow:
    id: int
    name: str
    probability: int
    reached: int  # deals created in the period that got at least this far
    stays: int  # stays in this stage that ended in the period
    average_days: float | None
    median_days: int | None
    closed: int  # deals closed in the period that got at least this far: the sample
    won: int  # … of which won

    @property
    def observed(self) -> int | None:
        """The share actually won, to set against the configured probability."""
        return percent(self.won, self.closed)

    @property
    def flagged(self) -> bool:
        observed = self.observed
        return (
            observed is not None
            and self.closed >= CALIBRATION_MIN_DEALS
            and abs(observed - self.probability) > CALIBRATION_POINTS
        )


@dataclass(frozen=True)
class RepRow:
    user_id: str
    name: str
    created: int
    won: int
    lost: int
    cycle_days: float  # summed over the won deals

    @property
    def rate(self) -> int | None:
        return percent(self.won, self.won + self.lost)

    @property
    def average_cycle(self) -> float | None:
        return self.cycle_days / self.won if self.won else None


@dataclass(frozen=True)
class MonthRow:
    month: date
    created: int
    open_minor: int  # the open pipeline's value at the month's end (today for this month)


@dataclass(frozen=True)
class SegmentRow:
    label: str | None  # None: not filled in
    created: int
    won: int
    lost: int
    won_minor: int

    @property
    def rate(self) -> int | None:
        return percent(self.won, self.won + self.lost)


@dataclass(frozen=True)
class ProcessStats:
    id: int
    name: str
    totals: RepRow  # the whole scope, as one row
    stages: tuple[StageRow, ...]
    won_reached: int  # deals created in the period and already won: the funnel's last step
    reps: tuple[RepRow, ...]  # most closed first
    months: tuple[MonthRow, ...]
    origins: tuple[SegmentRow, ...]  # most created first
    products: tuple[SegmentRow, ...]
    open_minor: int  # today

    @property
    def funnel(self) -> tuple[int, ...]:
        """Deals at each step: every stage, then won."""
        return (*(s.reached for s in self.stages), self.won_reached)

    def conversion(self, index: int) -> int | None:
        """% of the deals at step `index` that got to the next one."""
        steps = self.funnel
        return percent(steps[index + 1], steps[index]) if index + 1 < len(steps) else None


@dataclass(frozen=True)
class Stats:
    scope: Scope
    text: str  # what followed `stats`, for the chart button
    period: Period
    process: ProcessStats | None  # None: no deal at all in the scope
    others: tuple[str, ...]  # the other processes with deals in the scope
    coaching: Coaching | None  # for `team` and `all`
    currency: str
    subject_name: str = ""  # the rep's name for `@rep`, for the plain-text title


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
        folded = queries.name_key(label) if label else ""
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
