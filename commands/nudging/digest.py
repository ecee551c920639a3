"""The weekly digest of a manager's team: what a manager used to ask around for.

Every week at the manager's chosen weekday and time (Monday 8:30 by default, in their own
timezone), covering the 7 days before that moment: the team's open pipeline and its change since
the last digest; per rep, deals created (prospecting), won and lost with the win rate (closing),
and deals advanced; the deals that slipped; the stuck ones, longest first; the next three
months' forecast against targets; and the coaching signals (`commands.analytics.coaching`).
A team is the manager and the reps reporting to them, as for `/pipeline team`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from commands.analytics import Signal, coaching_signals
from commands.context import Actor, zone
from commands.deals import Card, card_of, days_between
from commands.i18n import reader_tag
from commands.nudging import stuck
from commands.nudging.nudges import Recipient, local_moment
from commands.reports import forecast as forecasting
from storage import nudging, outbox, queries, reports
from storage.models import DigestSnapshot, Member, Role
from storage.reports import Filters, Totals

DIGEST = "digest"
MAX_DEALS = 8  # per list, then "+N more"
WEEK = timedelta(days=7)
COACHING_MAX = 5


@dataclass(frozen=True)
class DigestRecipient:
    reader: Recipient  # the manager; `moment` is the digest's scheduled time this week
    channel: str | None  # None: a direct message
    week: str  # ISO week of the scheduled day, "2027-W11": the message's period

    @property
    def since(self) -> datetime:
        return self.reader.moment - WEEK

    @property
    def until(self) -> datetime:
        return self.reader.moment


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def weekday_in_week(day: date, weekday: int) -> date:
    """The date of `weekday` (0 = Monday) in `day`'s ISO week."""
    return day - timedelta(days=day.weekday()) + timedelta(days=weekday)


def due_digests(
    *, session: Session, team_id: str, now: datetime, as_of: date | None = None
) -> list[DigestRecipient]:
    """Managers whose digest time has come this week (or by the end of `as_of`), not yet sent."""
    workspace = queries.get_workspace(session=session, team_id=team_id)
    if workspace is None:
        return []
    found = []
    for member in nudging.digest_managers(session=session, team_id=team_id):
        if not member.digest_enabled or member.role not in (Role.MANAGER, Role.ADMIN):
            continue
        tz = member.timezone or workspace.timezone
        today = as_of if as_of is not None else now.astimezone(zone(tz)).date()
        day = weekday_in_week(today, member.digest_weekday)
        moment = local_moment(day, member.digest_minute, tz)
        if day > today or (as_of is None and now < moment):
            continue
        found.append(_recipient(member, workspace.language, tz, day, moment))
    done = outbox.planned(
        session=session,
        team_id=team_id,
        kind=DIGEST,
        keys=[(r.reader.user_id, r.week) for r in found],
    )
    return [r for r in found if (r.reader.user_id, r.week) not in done]


def _recipient(member: Member, lang: str, tz: str, day: date, moment: datetime) -> DigestRecipient:
    reader = Recipient(
        user_id=member.user_id,
        lang=reader_tag(member.locale, member.language or lang),
        tz=tz,
        role=Role(member.role),
        manager_id=member.manager_id,
        day=day,
        moment=moment,
    )
    return DigestRecipient(reader, member.digest_channel, week_key(day))


@dataclass(frozen=True)
class RepLine:
    user_id: str
    name: str
    open_count: int
    open_minor: int
    created_count: int
    created_minor: int
    won_count: int
    won_minor: int
    lost_count: int
    advanced: int

    @property
    def win_rate(self) -> int | None:
        """Won among the deals closed this week, in %; None when none was closed."""
        closed = self.won_count + self.lost_count
        return None if closed == 0 else round(100 * self.won_count / closed)


@dataclass(frozen=True)
class DealLine:
    card: Card
    days_in_stage: int = 0
    threshold_days: int | None = None
    twice: bool = False  # stuck twice as long as its threshold: the rep was nudged twice
    pushed_from: date | None = None  # slipped by a later close date: the date before


@dataclass(frozen=True)
class Digest:
    team_id: str
    recipient: DigestRecipient
    currency: str
    pipeline: Totals
    previous: Totals | None  # the last digest's figures, for the change
    reps: tuple[RepLine, ...]  # largest open pipeline first
    slipped: tuple[DealLine, ...]
    slipped_count: int
    stuck: tuple[DealLine, ...]  # longest in their stage first
    stuck_count: int
    forecast: forecasting.Forecast
    coaching: tuple[Signal, ...]

    @property
    def lang(self) -> str:
        return self.recipient.reader.lang

    @property
    def change(self) -> Totals | None:
        if self.previous is None:
            return None
        return Totals(
            self.pipeline.count - self.previous.count,
            self.pipeline.amount_minor - self.previous.amount_minor,
            self.pipeline.weighted_minor - self.previous.weighted_minor,
        )

    @property
    def totals(self) -> RepLine:
        """The whole team's line."""
        return RepLine(
            user_id="",
            name="",
            open_count=sum(r.open_count for r in self.reps),
            open_minor=sum(r.open_minor for r in self.reps),
            created_count=sum(r.created_count for r in self.reps),
            created_minor=sum(r.created_minor for r in self.reps),
            won_count=sum(r.won_count for r in self.reps),
            won_minor=sum(r.won_minor for r in self.reps),
            lost_count=sum(r.lost_count for r in self.reps),
            advanced=sum(r.advanced for r in self.reps),
        )


def build(*, session: Session, team_id: str, recipient: DigestRecipient) -> Digest:
    reader = recipient.reader
    actor = reader.actor(team_id)
    since, until = recipient.since, recipient.until
    team = queries.team_of(session=session, team_id=team_id, manager_id=reader.user_id)
    owners = [reader.user_id, *team]
    board = reports.board(session=session, filters=Filters(team_id=team_id, owners=owners))
    pipeline = Totals(
        sum(t.count for t in board.values()),
        sum(t.amount_minor for t in board.values()),
        sum(t.weighted_minor for t in board.values()),
    )
    previous = nudging.last_snapshot(
        session=session, team_id=team_id, manager_id=reader.user_id, before_week=recipient.week
    )
    reps = _rep_lines(session, team_id, owners, since, until)
    slipped, slipped_count = _slipped(session, actor, owners, since, until)
    stuck_lines, stuck_count = _stuck(session, actor, owners)
    workspace = queries.get_workspace(session=session, team_id=team_id)
    return Digest(
        team_id=team_id,
        recipient=recipient,
        currency=workspace.currency if workspace else "EUR",
        pipeline=pipeline,
        previous=None
        if previous is None
        else Totals(previous.count, previous.amount_minor, previous.weighted_minor),
        reps=reps,
        slipped=slipped,
        slipped_count=slipped_count,
        stuck=stuck_lines,
        stuck_count=stuck_count,
        forecast=forecasting.forecast(session=session, actor=actor, text="team 3"),
        # The coaching issue's signals (commands.analytics.coaching), the strongest few.
        coaching=tuple(coaching_signals(session=session, actor=actor, now=until)[:COACHING_MAX]),
    )


def _rep_lines(
    session: Session, team_id: str, owners: list[str], since: datetime, until: datetime
) -> tuple[RepLine, ...]:
    args: dict[str, Any] = {
        "session": session,
        "team_id": team_id,
        "owners": owners,
        "since": since,
        "until": until,
    }
    created = nudging.created_by_owner(**args)
    closed = nudging.closed_by_owner(**args)
    advanced = nudging.advanced_by_owner(**args)
    open_deals = nudging.open_by_owner(session=session, team_id=team_id, owners=owners)
    names = queries.member_names(session=session, team_id=team_id, user_ids=owners)
    lines = [
        RepLine(
            user_id=owner,
            name=names.get(owner) or owner,
            open_count=open_deals.get(owner, (0, 0))[0],
            open_minor=open_deals.get(owner, (0, 0))[1],
            created_count=created.get(owner, (0, 0))[0],
            created_minor=created.get(owner, (0, 0))[1],
            won_count=closed.get((owner, "won"), (0, 0))[0],
            won_minor=closed.get((owner, "won"), (0, 0))[1],
            lost_count=closed.get((owner, "lost"), (0, 0))[0],
            advanced=advanced.get(owner, 0),
        )
        for owner in owners
    ]
    return tuple(sorted(lines, key=lambda r: (-r.open_minor, r.name.lower(), r.user_id)))


def _slipped(
    session: Session, actor: Actor, owners: list[str], since: datetime, until: datetime
) -> tuple[tuple[DealLine, ...], int]:
    """Deals whose close date passed this week unsigned, or was pushed back this week."""
    tz = zone(actor.tz)
    passed = nudging.slipped_deals(
        session=session,
        team_id=actor.team_id,
        owners=owners,
        since=since.astimezone(tz).date(),
        before=until.astimezone(tz).date(),
    )
    pushed = nudging.pushed_close_dates(
        session=session, team_id=actor.team_id, owners=owners, since=since, until=until
    )
    deals = {d.id: d for d in passed}
    missing = [i for i in pushed if i not in deals]
    for deal in nudging.opportunities_by_id(session=session, team_id=actor.team_id, ids=missing):
        deals[deal.id] = deal
    ordered = sorted(deals.values(), key=lambda d: (-d.amount_minor, d.number))
    lines = tuple(
        DealLine(card_of(d, actor), pushed_from=pushed.get(d.id, (None, None))[0])
        for d in ordered[:MAX_DEALS]
    )
    return lines, len(ordered)


def _stuck(session: Session, actor: Actor, owners: list[str]) -> tuple[tuple[DealLine, ...], int]:
    """The team's stuck deals, longest in their stage first (the same thresholds as nudges)."""
    limits = stuck.thresholds(session=session, team_id=actor.team_id, now=actor.now)
    # Cut-offs at the local midnights the nudges use: every deal found is stuck.
    found = sorted(
        nudging.stuck_candidates(
            session=session,
            team_id=actor.team_id,
            stuck_before=stuck.stuck_before(limits, today=actor.today, tz=actor.tz),
            owners=owners,
        ),
        key=lambda c: (c.stage_entered_at, c.number),
    )
    shown = found[:MAX_DEALS]
    deals = {
        d.id: d
        for d in nudging.opportunities_by_id(
            session=session, team_id=actor.team_id, ids=[c.id for c in shown]
        )
    }
    lines = []
    for candidate in shown:
        if candidate.id in deals:
            days = days_between(candidate.stage_entered_at, actor.today, actor.tz)
            limit = limits[candidate.stage_id].days
            lines.append(
                DealLine(
                    card_of(deals[candidate.id], actor),
                    days_in_stage=days,
                    threshold_days=limit,
                    twice=days >= 2 * limit,
                )
            )
    return tuple(lines), len(found)


def record(*, session: Session, digest: Digest, now: datetime) -> None:
    """Keep this week's figures: next week's digest shows the change from them."""
    nudging.save_snapshot(
        session=session,
        snapshot=DigestSnapshot(
            team_id=digest.team_id,
            manager_id=digest.recipient.reader.user_id,
            week=digest.recipient.week,
            count=digest.pipeline.count,
            amount_minor=digest.pipeline.amount_minor,
            weighted_minor=digest.pipeline.weighted_minor,
            taken_at=now,
        ),
    )
