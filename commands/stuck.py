"""When a deal counts as stuck: each stage's threshold, set by an admin or learned from history.

A stage's threshold is, in order:
1. the days an admin set (`/salesbot stage stuck-after`): the team knows its cycle best;
2. learned: the 80th percentile of the time deals spent in that stage of that process, over
   the stays that ended in the last year (the latest 2,000 ended by a move and 2,000 by a win
   or a loss, at most) — most deals moved on by then, so one still there is unusual — never
   under 3 days (a fast stage must not nudge every other day);
3. 14 days, until the stage has at least 10 finished stays to learn from.

`thresholds` is computed once per scan (per workspace), never per deal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from storage import nudging

DEFAULT_DAYS = 14
FLOOR_DAYS = 3
MIN_STAYS = 10
PERCENTILE = 80
HISTORY = timedelta(days=365)
MAX_STAYS = 2_000  # per way a stay ends: plenty for a percentile, and a bound on the scan


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


def thresholds(*, session: Session, team_id: str, now: datetime) -> dict[int, Threshold]:
    """Every stage of the workspace (removed ones too) → its threshold today."""
    durations: dict[int, list[float]] = {}
    for stage_id, days in nudging.finished_stays(
        session=session, team_id=team_id, since=now - HISTORY, limit=MAX_STAYS
    ):
        durations.setdefault(stage_id, []).append(days)
    return {
        stage.id: learned(durations.get(stage.id, []), admin_days=stage.stuck_after_days)
        for stage in nudging.team_stages(session=session, team_id=team_id)
    }
