"""`/forecast`: what can be signed month by month, against targets — and the hard months ahead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session

from commands.context import Actor, zone
from commands.reports.board import filters_of, subject_name
from commands.reports.scope import Scope, resolve
from storage import queries, reports
from storage.reports import Totals

DEFAULT_MONTHS = 6
WEAK_SHARE = 50  # a month under half the period's average is flagged, target or not


@dataclass(frozen=True)
class Month:
    month: date  # its first day
    open: Totals  # open deals expected to sign that month (from today on, for this month)
    won_minor: int
    won_count: int
    target_minor: int | None

    @property
    def expected_minor(self) -> int:
        """What the month should bring: already won, plus the weighted open deals."""
        return self.won_minor + self.open.weighted_minor

    @property
    def gap_minor(self) -> int | None:
        return None if self.target_minor is None else self.target_minor - self.expected_minor


@dataclass(frozen=True)
class Forecast:
    scope: Scope
    text: str  # what was typed, so the chart button asks the same
    months: tuple[Month, ...]
    overdue: Totals
    currency: str
    weak: frozenset[date]  # months flagged as hard
    average_expected_minor: int
    subject_name: str = ""  # the rep's name for `@rep`, for the plain-text title

    def why_weak(self, month: Month) -> str | None:
        """ "target" when under target, "average" when well under the period's average."""
        if month.month not in self.weak:
            return None
        if month.gap_minor is not None and month.gap_minor > 0:
            return "target"
        return "average"


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def target_key(scope: Scope) -> tuple[str, str]:
    if scope.kind in ("me", "rep"):
        return "rep", scope.subject
    if scope.kind == "team":
        return "team", scope.subject
    return "all", ""


def forecast(*, session: Session, actor: Actor, text: str) -> Forecast:
    scope = resolve(session=session, actor=actor, text=text, allow_months=True)
    count = scope.months or DEFAULT_MONTHS
    today = actor.today
    first = today.replace(day=1)
    end = add_months(first, count)
    filters = filters_of(actor, scope)
    open_by_month = reports.forecast(session=session, filters=filters, start=today, end=end)
    tz = zone(actor.tz)
    won = reports.won_by_month(
        session=session,
        filters=filters,
        start=datetime.combine(first, time(), tz).astimezone(UTC),
        end=datetime.combine(end, time(), tz).astimezone(UTC),
    )
    scope_kind, subject = target_key(scope)
    goals = reports.targets(
        session=session,
        team_id=actor.team_id,
        scope=scope_kind,
        subject=subject,
        start=first,
        end=end,
    )
    months = []
    for i in range(count):
        start = add_months(first, i)
        key = start.strftime("%Y-%m")
        won_month = won.get(key, Totals())
        months.append(
            Month(
                month=start,
                open=open_by_month.get(key, Totals()),
                won_minor=won_month.amount_minor,
                won_count=won_month.count,
                target_minor=goals.get(key),
            )
        )
    average = sum(m.expected_minor for m in months) // max(len(months), 1)
    weak = frozenset(
        m.month
        for m in months
        if (m.gap_minor is not None and m.gap_minor > 0)
        or (average > 0 and m.expected_minor * 100 < average * WEAK_SHARE)
    )
    workspace = queries.get_workspace(session=session, team_id=actor.team_id)
    assert workspace is not None
    return Forecast(
        scope=scope,
        text=text,
        months=tuple(months),
        overdue=reports.overdue(session=session, filters=filters, today=today),
        currency=workspace.currency,
        weak=weak,
        average_expected_minor=average,
        subject_name=subject_name(session, actor, scope),
    )
