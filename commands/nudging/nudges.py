"""Nudges: which deals need their rep's attention today, and who is due a message now.

A deal needs attention when it is open, not snoozed, and
- stuck: its days in the current stage reached the stage's threshold (`commands.nudging.stuck`);
- slipped: its expected close date has passed;
- or its next step's date has passed.

It is not nudged again for the same problem: once nudged during a stay in a stage, it comes
back only when its snooze has ended, when it slips past a *new* close date or misses a *new*
next-step date, or when it has been stuck twice as long — then the rep is nudged once more and
the rep's manager hears of it (in the digest, or a message when they have no digest).

Each rep gets at most one nudge a day, on weekdays, once their own morning hour has come in
their timezone; everything here takes `now` (or the date asked for) as a parameter.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session

from commands.context import Actor, zone
from commands.deals import Card, card_of, days_between
from commands.i18n import reader_tag
from commands.nudging import stuck
from commands.nudging.stuck import Threshold, entered_before, stuck_before
from storage import nudging, outbox, queries
from storage.models import Opportunity, Role, Status
from storage.nudging import Candidate, Mark

NUDGE = "nudge"
ESCALATION = "escalation"
MAX_DEALS = 10  # per message: four blocks each, within Slack's 50
# Up to this many recipients, the scan reads their open deals; past it, the workspace's due.
OWNER_FILTER_MAX = 200


@dataclass(frozen=True)
class Recipient:
    """A member due a message, with the moment it is "now" for them."""

    user_id: str
    lang: str
    tz: str
    role: Role
    manager_id: str | None
    day: date  # their local date: the message's period
    moment: datetime

    def actor(self, team_id: str) -> Actor:
        return Actor(
            team_id=team_id,
            user_id=self.user_id,
            lang=self.lang,
            tz=self.tz,
            role=self.role,
            now=self.moment,
        )


@functools.lru_cache(maxsize=4096)
def local_moment(day: date, minute: int, tz: str) -> datetime:
    """`day` at `minute` past midnight in `tz`, as an aware UTC datetime."""
    clock = time(minute // 60, minute % 60)
    return datetime.combine(day, clock, zone(tz)).astimezone(UTC)


def daily_recipients(
    *,
    session: Session,
    team_id: str,
    now: datetime,
    kind: str,
    as_of: date | None = None,
    nudges_only: bool = True,
) -> list[Recipient]:
    """Members whose morning hour has come today (a weekday), with no `kind` message yet.

    With `as_of`, as if it were that date: everyone, at their own hour of that day.
    `nudges_only` leaves out those who turned nudges off.
    """
    workspace = queries.get_workspace(session=session, team_id=team_id)
    if workspace is None:
        return []
    found: list[Recipient] = []
    local_now: dict[str, datetime] = {}  # per timezone: thousands of reps share a few
    for member in nudging.member_settings(session=session, team_id=team_id):
        if nudges_only and not member.nudges_enabled:
            continue
        tz = member.timezone or workspace.timezone
        if as_of is not None:
            day, moment = as_of, local_moment(as_of, member.nudge_minute, tz)
        else:
            local = local_now.get(tz)
            if local is None:
                local = local_now[tz] = now.astimezone(zone(tz))
            if local.hour * 60 + local.minute < member.nudge_minute:
                continue
            day, moment = local.date(), now
        if day.weekday() >= 5:
            continue
        found.append(
            Recipient(
                user_id=member.user_id,
                lang=reader_tag(member.locale, member.language or workspace.language),
                tz=tz,
                role=Role(member.role),
                manager_id=member.manager_id,
                day=day,
                moment=moment,
            )
        )
    done = outbox.planned(
        session=session,
        team_id=team_id,
        kind=kind,
        keys=[(r.user_id, r.day.isoformat()) for r in found],
    )
    return [r for r in found if (r.user_id, r.day.isoformat()) not in done]


# --- what needs attention -----------------------------------------------------------------


@dataclass(frozen=True)
class Attention:
    """Why one deal is in today's nudge, and what to remember once it is sent."""

    candidate: Candidate
    threshold: Threshold | None
    stuck: bool
    slipped: bool
    next_step_missed: bool
    escalate: bool  # stuck twice as long: the manager hears of it
    mark: Mark
    today: date
    tz: str

    @property
    def days_in_stage(self) -> int:
        """Whole days in the stage, in the rep's timezone (computed for the deals shown only)."""
        return days_between(self.candidate.stage_entered_at, self.today, self.tz)


def attention(
    candidate: Candidate, threshold: Threshold | None, *, today: date, tz: str
) -> Attention | None:
    """The deal's problems today, or None when it should not be nudged (again).

    The scan decides the same in SQL for every deal at once (`storage.nudging.due_query`;
    the tests hold the two to the same answers); this says why for the deals a message shows.
    """
    if candidate.snoozed_until is not None and today < candidate.snoozed_until:
        return None
    entered = candidate.stage_entered_at
    # Compared with precomputed local midnights: no timezone arithmetic per deal.
    is_stuck = threshold is not None and entered < entered_before(today, threshold.days, tz)
    twice = threshold is not None and entered < entered_before(today, 2 * threshold.days, tz)
    slipped = candidate.close_date < today
    missed = candidate.next_step_date is not None and candidate.next_step_date < today
    if not (is_stuck or slipped or missed):
        return None
    previous = candidate.mark
    same_stay = previous is not None and previous.stay_started_at == entered
    escalated_before = same_stay and previous is not None and previous.level >= 2
    if same_stay and previous is not None:
        snooze_ended = (
            candidate.snoozed_until is not None
            and previous.nudged_on < candidate.snoozed_until <= today
        )
        new_slip = slipped and previous.close_date != candidate.close_date
        new_miss = missed and previous.next_step_date != candidate.next_step_date
        if not (snooze_ended or new_slip or new_miss or (twice and not escalated_before)):
            return None
    escalate = twice and not escalated_before
    kept = previous if same_stay else None
    mark = Mark(
        nudged_on=today,
        stay_started_at=entered,
        close_date=candidate.close_date if slipped else (kept.close_date if kept else None),
        next_step_date=candidate.next_step_date
        if missed
        else (kept.next_step_date if kept else None),
        level=2 if (escalate or escalated_before) else 1,
    )
    return Attention(
        candidate=candidate,
        threshold=threshold,
        stuck=is_stuck,
        slipped=slipped,
        next_step_missed=missed,
        escalate=escalate,
        mark=mark,
        today=today,
        tz=tz,
    )


@dataclass(frozen=True)
class Scan:
    thresholds: dict[int, Threshold]
    attention: dict[str, list[int]]  # per owner, the ids of the MAX_DEALS most valuable, in order
    due: dict[str, int]  # per owner, how many deals need attention in all
    candidates: int  # deal rows the database sent back (at most MAX_DEALS per owner)


def clock(thresholds: dict[int, Threshold], *, today: date, tz: str) -> nudging.Clock:
    """Today's cut-offs for reps on `today` in `tz`: the local midnights `attention` uses."""
    return nudging.Clock(
        today=today,
        stuck_before=stuck_before(thresholds, today=today, tz=tz),
        twice_before={s: entered_before(today, 2 * t.days, tz) for s, t in thresholds.items()},
    )


def scan(
    *,
    session: Session,
    team_id: str,
    recipients: Sequence[Recipient],
    thresholds: dict[int, Threshold] | None = None,
) -> Scan:
    """The deals of these recipients that need attention today (thresholds computed once).

    The database decides, one statement per (local date, timezone) among the recipients —
    usually one —, and sends back only each rep's count and the ids a message shows: nothing
    is done in Python per deal due. `build_nudges` says why, for the deals shown.
    """
    if not recipients:
        return Scan({}, {}, {}, 0)
    if thresholds is None:
        latest = max(r.moment for r in recipients)
        thresholds = stuck.thresholds(session=session, team_id=team_id, now=latest)
    groups: dict[tuple[date, str], set[str]] = {}
    for r in recipients:
        groups.setdefault((r.day, r.tz), set()).add(r.user_id)
    found: dict[str, list[int]] = {}
    due: dict[str, int] = {}
    rows = 0
    for (today, tz), wanted in groups.items():
        # Past OWNER_FILTER_MAX reps, every rep's deals due come back; this group's are kept.
        owners = sorted(wanted) if len(wanted) <= OWNER_FILTER_MAX else None
        per_owner = nudging.due_deals(
            session=session,
            team_id=team_id,
            clock=clock(thresholds, today=today, tz=tz),
            limit=MAX_DEALS,
            owners=owners,
        )
        for owner_id, (count, ids) in per_owner.items():
            rows += len(ids)
            if owner_id in wanted:
                due[owner_id] = count
                found[owner_id] = ids
    return Scan(thresholds, found, due, rows)


# --- the messages -------------------------------------------------------------------------


@dataclass(frozen=True)
class NudgeItem:
    card: Card
    attention: Attention


@dataclass(frozen=True)
class Nudge:
    """One rep's message of the day: the deals shown (most valuable first) and how many more."""

    team_id: str
    recipient: Recipient
    items: tuple[NudgeItem, ...]
    more: int

    @property
    def escalated(self) -> tuple[NudgeItem, ...]:
        return tuple(item for item in self.items if item.attention.escalate)


def build_nudges(
    *, session: Session, team_id: str, found: Scan, recipients: Sequence[Recipient]
) -> list[Nudge]:
    """The messages of these recipients (one query for all their deals' cards, one for their
    marks). Each deal shown is checked again as it is now: one changed since the scan (moved,
    snoozed, closed) is left out."""
    shown = {r.user_id: found.attention.get(r.user_id, []) for r in recipients}
    ids = [i for owned in shown.values() for i in owned]
    deals = {
        deal.id: deal
        for deal in nudging.opportunities_by_id(session=session, team_id=team_id, ids=ids)
    }
    marks = nudging.marks_of(session=session, ids=ids)
    nudges = []
    for recipient in recipients:
        actor = recipient.actor(team_id)
        items = []
        for opportunity_id in shown[recipient.user_id]:
            deal = deals.get(opportunity_id)
            if deal is None or deal.status != Status.OPEN:
                continue
            item = attention(
                _candidate(deal, marks.get(deal.id)),
                found.thresholds.get(deal.stage_id),
                today=recipient.day,
                tz=recipient.tz,
            )
            if item is not None:
                items.append(NudgeItem(card_of(deal, actor), item))
        more = found.due.get(recipient.user_id, 0) - len(shown[recipient.user_id])
        nudges.append(Nudge(team_id, recipient, tuple(items), more))
    return nudges


def _candidate(deal: Opportunity, mark: Mark | None) -> Candidate:
    return Candidate(
        id=deal.id,
        number=deal.number,
        owner_id=deal.owner_id,
        stage_id=deal.stage_id,
        stage_entered_at=deal.stage_entered_at,
        close_date=deal.close_date,
        next_step_date=deal.next_step_date,
        snoozed_until=deal.snoozed_until,
        amount_minor=deal.amount_minor,
        mark=mark,
    )


def mark_nudged(*, session: Session, nudge: Nudge) -> None:
    """Remember what the shown deals were nudged for (those not shown come back tomorrow)."""
    nudging.save_marks(
        session=session,
        team_id=nudge.team_id,
        marks={item.attention.candidate.id: item.attention.mark for item in nudge.items},
    )


@dataclass(frozen=True)
class Escalation:
    """A manager without a digest hears that a rep's deals are stuck twice as long."""

    team_id: str
    manager: Recipient
    rep_id: str
    items: tuple[NudgeItem, ...]

    @property
    def period(self) -> str:
        return f"{self.manager.day.isoformat()}:{self.rep_id}"


def escalations(*, session: Session, nudges: Sequence[Nudge]) -> list[Escalation]:
    """For each nudge with deals stuck twice as long: the manager, unless their digest says it."""
    wanted = [n for n in nudges if n.escalated and n.recipient.manager_id]
    if not wanted:
        return []
    team_id = wanted[0].team_id
    workspace = queries.get_workspace(session=session, team_id=team_id)
    managers = {
        m.user_id: m
        for m in nudging.members_of(
            session=session,
            team_id=team_id,
            user_ids=[n.recipient.manager_id for n in wanted if n.recipient.manager_id],
        )
    }
    found = []
    for nudge in wanted:
        manager = managers.get(nudge.recipient.manager_id or "")
        if manager is None or workspace is None or manager.digest_enabled:
            continue  # the digest lists stuck deals, twice-as-long ones flagged
        tz = manager.timezone or workspace.timezone
        reader = Recipient(
            user_id=manager.user_id,
            lang=reader_tag(manager.locale, manager.language or workspace.language),
            tz=tz,
            role=Role(manager.role),
            manager_id=manager.manager_id,
            day=nudge.recipient.day,
            moment=nudge.recipient.moment,
        )
        found.append(Escalation(team_id, reader, nudge.recipient.user_id, nudge.escalated))
    return found
