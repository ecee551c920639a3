"""Nudges, stuck deals, follow-ups and the weekly digest: the bot speaking first.

`nudges` decides which deals need their rep today, `stuck` when a deal counts as stuck,
`followups` the reminders after a win and `settings` who gets what; the scheduler and the
listeners use them as namespaces. `digest` (a manager's week) sits on top of analytics and
forecasts, which themselves read `stuck`, so it is imported by name, not from here:
`from commands.nudging import digest`.
"""

from commands.nudging import followups, nudges, settings, stuck
from commands.nudging.followups import FollowUpRules
from commands.nudging.nudges import Recipient, attention
from commands.nudging.settings import DigestSettings, NudgeSettings, OutboxReport
from commands.nudging.stuck import (
    MIN_STAYS,
    PERCENTILE,
    Threshold,
    entered_before,
    learned,
    percentile,
)

__all__ = [
    "MIN_STAYS",
    "PERCENTILE",
    "DigestSettings",
    "FollowUpRules",
    "NudgeSettings",
    "OutboxReport",
    "Recipient",
    "Threshold",
    "attention",
    "entered_before",
    "followups",
    "learned",
    "nudges",
    "percentile",
    "settings",
    "stuck",
]
