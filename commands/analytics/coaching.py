"""Coaching signals: who prospects too little, who struggles to close, who has deals stuck.

Each rep is set against their own team (a manager's reports, or every rep of the workspace for
an admin without reports), with the figures behind each signal so a manager can judge:

- prospecting: created in the last 90 days under half the team's median (median ≥ 4);
- closing: win rate over the last 180 days 15 points or more under the team's, on at least 10
  closed deals;
- stuck: at least 5 open deals stuck in their stage and at least twice the team's median;
  stuck as in the nudges and on the Home (`commands.nudging.stuck`: the admin's "stuck after" days,
  else learned from history, else 14), days counted in the workspace's timezone.

The weekly digest calls `coaching_signals`; `/pipeline stats team` shows the whole table.
"""

from __future__ import annotations

import enum
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from commands.context import Actor, zone
from commands.nudging import stuck
from storage import analytics, queries
from storage.models import Role

PROSPECTING_DAYS = 90
PROSPECTING_SHARE = 50  # % of the team's median
PROSPECTING_MIN_MEDIAN = 4  # under this, "half the median" is noise
CLOSING_DAYS = 180
CLOSING_GAP = 15  # points under the team's win rate
CLOSING_MIN_CLOSED = 10
STUCK_MIN = 5
STUCK_FACTOR = 2  # × the team's median


class SignalKind(enum.StrEnum):
    PROSPECTING = "prospecting"
    CLOSING = "closing"
    STUCK = "stuck"


def percent(part: int, whole: int) -> int | None:
    """A share in whole percent, rounded half up; None when there is nothing to divide."""
    return (200 * part + whole) // (2 * whole) if whole else None


@dataclass(frozen=True)
class Signal:
    """One rep to talk to, and why, in figures.

    - prospecting: `value` deals created in the last `days` days, `team_value` the team's median;
    - closing: `value` the win rate in % on `sample` closed deals, `team_value` the team's;
    - stuck: `value` stuck deals out of `sample` open ones, `team_value` the team's median.
    """

    kind: SignalKind
    user_id: str
    value: float
    team_value: float
    sample: int
    days: int


@dataclass(frozen=True)
class CoachRow:
    user_id: str
    name: str
    created: int  # in the last PROSPECTING_DAYS days
    won: int  # in the last CLOSING_DAYS days
    lost: int
    open: int
    stuck: int
    flags: frozenset[SignalKind]

    @property
    def rate(self) -> int | None:
        closed = self.won + self.lost
        return percent(self.won, closed)


@dataclass(frozen=True)
class Coaching:
    rows: tuple[CoachRow, ...]  # flagged first
    median_created: float
    team_rate: int | None
    median_stuck: float
    signals: tuple[Signal, ...]


def coached_reps(*, session: Session, actor: Actor, whole_company: bool = False) -> list[str]:
    """The reps a manager coaches: their reports; for an admin without any, every rep."""
    if not whole_company:
        team = queries.team_of(session=session, team_id=actor.team_id, manager_id=actor.user_id)
        if team or actor.role != Role.ADMIN:
            return sorted(team)
    return queries.members_with_role(session=session, team_id=actor.team_id, role=Role.REP)


def coaching(*, session: Session, team_id: str, reps: Sequence[str], now: datetime) -> Coaching:
    if not reps:
        return Coaching((), 0.0, None, 0.0, ())
    workspace = queries.get_workspace(session=session, team_id=team_id)
    tz = workspace.timezone if workspace else "UTC"
    limits = stuck.recent_thresholds(session=session, team_id=team_id, now=now)
    cutoffs = stuck.stuck_before(limits, today=now.astimezone(zone(tz)).date(), tz=tz)
    figures = analytics.activity(
        session=session,
        team_id=team_id,
        owners=reps,
        created_since=now - timedelta(days=PROSPECTING_DAYS),
        closed_since=now - timedelta(days=CLOSING_DAYS),
        stuck_before=cutoffs,
    )
    empty = analytics.Activity(0, 0, 0, 0, 0)
    people = {rep: figures.get(rep, empty) for rep in reps}
    median_created = float(statistics.median(a.created for a in people.values()))
    median_stuck = float(statistics.median(a.stuck for a in people.values()))
    won = sum(a.won for a in people.values())
    closed = won + sum(a.lost for a in people.values())
    team_rate = percent(won, closed)
    signals: list[Signal] = []
    for rep, a in people.items():
        if (
            len(people) > 1
            and median_created >= PROSPECTING_MIN_MEDIAN
            and a.created * 100 < median_created * PROSPECTING_SHARE
        ):
            signals.append(
                Signal(
                    SignalKind.PROSPECTING,
                    rep,
                    a.created,
                    median_created,
                    a.created,
                    PROSPECTING_DAYS,
                )
            )
        rep_closed = a.won + a.lost
        if team_rate is not None and len(people) > 1 and rep_closed >= CLOSING_MIN_CLOSED:
            rate = percent(a.won, rep_closed)
            if rate is not None and rate <= team_rate - CLOSING_GAP:
                signals.append(
                    Signal(SignalKind.CLOSING, rep, rate, team_rate, rep_closed, CLOSING_DAYS)
                )
        if a.stuck >= STUCK_MIN and a.stuck >= STUCK_FACTOR * median_stuck:
            signals.append(Signal(SignalKind.STUCK, rep, a.stuck, median_stuck, a.open, 0))
    names = queries.member_names(session=session, team_id=team_id, user_ids=list(people))
    flags: dict[str, set[SignalKind]] = {rep: set() for rep in people}
    for signal in signals:
        flags[signal.user_id].add(signal.kind)
    rows = [
        CoachRow(
            rep,
            names.get(rep) or rep,
            a.created,
            a.won,
            a.lost,
            a.open,
            a.stuck,
            frozenset(flags[rep]),
        )
        for rep, a in people.items()
    ]
    rows.sort(key=lambda r: (-len(r.flags), r.name.lower()))
    order = list(SignalKind)
    signals.sort(key=lambda s: (order.index(s.kind), (names.get(s.user_id) or s.user_id).lower()))
    return Coaching(tuple(rows), median_created, team_rate, median_stuck, tuple(signals))


def coaching_signals(*, session: Session, actor: Actor, now: datetime) -> list[Signal]:
    """The signals for the actor's team (the weekly digest names them); none for a rep."""
    if actor.role == Role.REP:
        return []
    reps = coached_reps(session=session, actor=actor)
    return list(coaching(session=session, team_id=actor.team_id, reps=reps, now=now).signals)
