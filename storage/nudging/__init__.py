"""Queries of the daily nudge scan (`scan`), the learned thresholds (`thresholds`), follow-ups
(`followups`) and the weekly digest (`digest`).

Functions are keyword-only and take the session; the caller owns the transaction.
"""

from storage.nudging.digest import (
    advanced_by_owner,
    closed_by_owner,
    created_by_owner,
    digest_managers,
    last_snapshot,
    members_of,
    open_by_owner,
    pushed_close_dates,
    save_snapshot,
    slipped_deals,
)
from storage.nudging.followups import (
    add_followups,
    due_followups,
    existing_followups,
    followup_rules,
    get_followup,
    mark_followups_sent,
    trigger_events,
)
from storage.nudging.scan import (
    Candidate,
    Clock,
    Mark,
    due_deals,
    due_query,
    marks_of,
    opportunities_by_id,
    prune_marks,
    save_marks,
    stuck_candidates,
    stuck_query,
)
from storage.nudging.thresholds import MemberSettings, finished_stays, member_settings, team_stages

__all__ = [
    "Candidate",
    "Clock",
    "Mark",
    "MemberSettings",
    "add_followups",
    "advanced_by_owner",
    "closed_by_owner",
    "created_by_owner",
    "digest_managers",
    "due_deals",
    "due_followups",
    "due_query",
    "existing_followups",
    "finished_stays",
    "followup_rules",
    "get_followup",
    "last_snapshot",
    "mark_followups_sent",
    "marks_of",
    "member_settings",
    "members_of",
    "open_by_owner",
    "opportunities_by_id",
    "prune_marks",
    "pushed_close_dates",
    "save_marks",
    "save_snapshot",
    "slipped_deals",
    "stuck_candidates",
    "stuck_query",
    "team_stages",
    "trigger_events",
]
