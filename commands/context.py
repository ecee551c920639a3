"""Who is asking, in which workspace, in which language and timezone, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storage.models import Role


def zone(name: str | None) -> ZoneInfo:
    """The named timezone, or UTC when Slack sent none or one we do not know."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class Actor:
    """The user behind a request. `now` is passed in: only entry points read the clock."""

    team_id: str
    user_id: str
    lang: str
    tz: str
    role: Role
    now: datetime

    @property
    def today(self) -> date:
        """Today in the user's own timezone: what "past" and "days in stage" mean to them."""
        return self.now.astimezone(zone(self.tz)).date()

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN
