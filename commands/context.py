"""Who is asking, in which workspace, in which language and timezone, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from commands.i18n import language_of
from storage.models import Role


def zone(name: str | None) -> ZoneInfo:
    """The named timezone, or UTC when Slack sent none or one we do not know."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class Actor:
    """The user behind a request. `now` is passed in: only entry points read the clock.

    `lang` is their language tag: their own Slack locale ("en-GB", "fr-CA") when it speaks a
    language we have, else a language ("fr"). Texts read its language's catalog; dates and
    numbers are written the way that locale writes them (`bot.format`).
    """

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
    def language(self) -> str:
        """The catalog language of `lang`: "en" for "en-GB"."""
        return language_of(self.lang)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN
