"""`/opp snooze #N <duration or date>` (`veille`, `reporter`): no nudges about a deal until then.

A duration is days or weeks (`3`, `3j`, `10 days`, `2 semaines`, `1 week`, `1 mois`); anything
else is read as a date like a close date (`15/04`, `fin avril`, `vendredi`). At most a year.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.deals import edit as opp_edit
from commands.deals import transitions
from commands.deals.show import find
from commands.errors import DomainError, InvalidInput
from commands.parsing import parse_close_date

MAX_DAYS = 365
MENU_DAYS = 7  # the card menu's "Snooze": a week
_DURATION = re.compile(
    r"(?:pour\s+|for\s+|dans\s+|in\s+)?([0-9]{1,3})\s*"
    r"(j|jours?|d|days?|s|sem|semaines?|w|wk|weeks?|m|mois|months?)?",
    re.IGNORECASE,
)
_UNIT_DAYS = {"s": 7, "sem": 7, "semaine": 7, "semaines": 7, "w": 7, "wk": 7, "week": 7}
_UNIT_DAYS |= {"weeks": 7, "m": 30, "mois": 30, "month": 30, "months": 30}


def snooze_until(text: str, *, today: date, lang: str | None = None) -> date:
    """The day nudges resume: `today` plus a duration, or a date in the future."""
    line = " ".join(text.split())
    match = _DURATION.fullmatch(line)
    if match is not None:
        days = int(match.group(1)) * _UNIT_DAYS.get((match.group(2) or "").lower(), 1)
        if not 1 <= days <= MAX_DAYS:
            raise InvalidInput("nudge.snooze_invalid", text=line[:40], max=MAX_DAYS)
        return today + timedelta(days=days)
    try:
        until = parse_close_date(line, today=today, lang=lang)
    except DomainError as error:
        raise InvalidInput("nudge.snooze_invalid", text=line[:40], max=MAX_DAYS) from error
    if until <= today or until > today + timedelta(days=MAX_DAYS):
        raise InvalidInput("nudge.snooze_invalid", text=line[:40], max=MAX_DAYS)
    return until


def after_days(days: int, *, today: date) -> date:
    """The day nudges resume after `days` (the card menu's week, the nudge's 3 / 7 / 14)."""
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput("nudge.snooze_invalid", text=str(days), max=MAX_DAYS)
    return today + timedelta(days=days)


def handle(*, session: Session, actor: Actor, text: str) -> transitions.Outcome:
    ref, _, rest = text.strip().partition(" ")
    if not ref or not rest.strip():
        raise InvalidInput("nudge.usage_snooze")
    opportunity = find(session=session, actor=actor, ref=ref)
    until = snooze_until(rest, today=actor.today, lang=actor.lang)
    return opp_edit.snooze(session=session, actor=actor, opportunity=opportunity, until=until)
