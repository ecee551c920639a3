"""When a deal counts as stuck: each stage's threshold, set by an admin or learned from history.

A stage's threshold is, in order:
1. the days an admin set (`/salesbot stage stuck-after`): the team knows its cycle best;
2. learned: the 80th percentile of the time deals spent in that stage of that process, over
   the stays that ended in the last year (the latest 2,000 ended by a move and 2,000 by a win
   or a loss, at most) — most deals moved on by then, so one still there is unusual — never
   under 3 days (a fast stage must not nudge every other day);
3. 14 days, until the stage has at least 10 finished stays to learn from.

`thresholds` is computed once per scan (per workspace), never per deal. The App Home and the
coaching signals, opened often, use `recent_thresholds`: the same, with what history taught
cached for a few minutes (the admins' settings are read every time).

A deal is stuck once its whole days in the stage, counted in local calendar days like the
card's "N days in stage", reach its stage's threshold: it entered the stage before
`entered_before(today, days, tz)`. The nudges, the digest, the App Home and coaching all
count so.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from commands.context import zone
from storage import nudging
from storage.models import Stage

DEFAULT_DAYS = 14
FLOOR_DAYS = 3
MIN_STAYS = 10
PERCENTILE = 80
HISTORY = timedelta(days=365)
MAX_STAYS = 2_000  # per kind of row starting a stay: plenty for a percentile, a bound on the scan
CACHE_FOR = timedelta(minutes=5)  # a percentile over a year moves slowly
CACHED_TEAMS = 1_000  # past this many workspaces, start over: a bound on the memory held


@dataclass(frozen=True)
class Threshold:
    """The days in a stage after which a deal is stuck, and why that number."""

    days: int
    source: str  # "admin", "learned" or "default"
    stays: int  # finished stays seen in the last year
    percentile_days: float | None = None  # the learned percentile, before the floor


def percentile(values: Sequence[float], pct: int) -> float:
    """Nearest-rank percentile: a value that was actually observed, never interpolated."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def learned(durations: Sequence[float], *, admin_days: int | None = None) -> Threshold:
    """The threshold of one stage from its finished stays (in days) and the admin's setting."""
    if admin_days is not None:
        return Threshold(admin_days, "admin", len(durations))
    if len(durations) < MIN_STAYS:
        return Threshold(DEFAULT_DAYS, "default", len(durations))
    high = percentile(durations, PERCENTILE)
    return Threshold(max(FLOOR_DAYS, math.ceil(high)), "learned", len(durations), high)


def _history(*, session: Session, team_id: str, now: datetime) -> dict[int, Threshold]:
    """Per stage with finished stays, its threshold from history alone (no admin setting)."""
    durations: dict[int, list[float]] = {}
    for stage_id, days in nudging.finished_stays(
        session=session, team_id=team_id, since=now - HISTORY, limit=MAX_STAYS
    ):
        durations.setdefault(stage_id, []).append(days)
    return {stage_id: learned(spent) for stage_id, spent in durations.items()}


def _of_stages(stages: Iterable[Stage], history: dict[int, Threshold]) -> dict[int, Threshold]:
    found = {}
    for stage in stages:
        taught = history.get(stage.id) or learned([])
        if stage.stuck_after_days is not None:
            taught = Threshold(stage.stuck_after_days, "admin", taught.stays)
        found[stage.id] = taught
    return found


def thresholds(*, session: Session, team_id: str, now: datetime) -> dict[int, Threshold]:
    """Every stage of the workspace (removed ones too) → its threshold today."""
    history = _history(session=session, team_id=team_id, now=now)
    return _of_stages(nudging.team_stages(session=session, team_id=team_id), history)


# (database, team) → (when learned, what history taught then)
_recent: dict[tuple[str, str], tuple[datetime, dict[int, Threshold]]] = {}


def recent_thresholds(
    *, session: Session, team_id: str, now: datetime, stages: Iterable[Stage] | None = None
) -> dict[int, Threshold]:
    """`thresholds`, for screens opened often: what history taught at most `CACHE_FOR` before
    `now`, with the admins' settings as they are now (of `stages` when the caller has them)."""
    key = (str(session.get_bind().engine.url), team_id)
    cached = _recent.get(key)
    if cached is None or not cached[0] <= now < cached[0] + CACHE_FOR:
        if len(_recent) >= CACHED_TEAMS:
            _recent.clear()
        cached = _recent[key] = (now, _history(session=session, team_id=team_id, now=now))
    if stages is None:
        stages = nudging.team_stages(session=session, team_id=team_id)
    return _of_stages(stages, cached[1])


def forget() -> None:
    """Drop what `recent_thresholds` remembers (tests, after changing the history)."""
    _recent.clear()


@functools.lru_cache(maxsize=4096)
def entered_before(day: date, days: int, tz: str) -> datetime:
    """The moment a deal must have entered its stage before, to have `days` whole local days
    in it on `day`: midnight, in `tz`, starting the day after `day - days`."""
    return datetime.combine(day - timedelta(days=days - 1), time(), zone(tz)).astimezone(UTC)


def stuck_before(limits: dict[int, Threshold], *, today: date, tz: str) -> dict[int, datetime]:
    """Per stage, the moment a deal must have entered it before to be stuck on `today`."""
    return {stage_id: entered_before(today, t.days, tz) for stage_id, t in limits.items()}
