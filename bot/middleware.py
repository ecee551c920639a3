"""What every listener gets from Bolt's context: the services, and who is asking (the actor:
workspace, user, language, locale, timezone, role); typed text as the user typed it; and Events
API retries skipped."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from slack_bolt import BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services import Profile, Services
from commands.context import Actor
from commands.i18n import language_from_locale, language_of, reader_tag
from commands.workspace import ensure_member, ensure_workspace, refresh_profile
from storage import queries
from storage.models import Role

log = logging.getLogger(__name__)

PROFILE_MAX_AGE = timedelta(days=7)


def actor_middleware(services: Services) -> Callable[..., Any]:
    """Puts `services` and, when a user acts, the `actor` in Bolt's context: listeners get them
    by argument name."""

    def resolve_actor(context: dict[str, Any], client: WebClient, next: Callable[[], Any]) -> Any:
        context["services"] = services
        team_id = context.get("team_id")
        user_id = context.get("user_id")
        if team_id and user_id:
            context["actor"] = load_actor(services, client, team_id, user_id)
        return next()

    return resolve_actor


def load_actor(services: Services, client: WebClient, team_id: str, user_id: str) -> Actor:
    now = services.clock()
    profile = services.profiles.get(team_id, user_id)
    if profile is None:
        profile = _load_profile(services, client, team_id, user_id)
        services.profiles.put(team_id, user_id, profile)
    return Actor(
        team_id=team_id,
        user_id=user_id,
        lang=profile.lang,
        tz=profile.tz,
        role=Role(profile.role),
        now=now,
    )


def _load_profile(services: Services, client: WebClient, team_id: str, user_id: str) -> Profile:
    settings = services.settings
    now = services.clock()
    with services.db.transaction() as session:
        workspace = queries.get_workspace(session=session, team_id=team_id)
        member = queries.get_member(session=session, team_id=team_id, user_id=user_id)
        stale = (
            member is None
            or member.profile_checked_at is None
            or (now - member.profile_checked_at > PROFILE_MAX_AGE)
        )
        slack = _slack_profile(client, user_id) if stale else None
        lang = language_of(slack.get("locale") if slack else None, settings.default_language)
        tz = (slack or {}).get("tz") or settings.default_timezone
        workspace = ensure_workspace(
            session=session,
            team_id=team_id,
            now=now,
            language=lang,
            timezone=tz,
            currency=settings.default_currency,
        )
        member = ensure_member(session=session, team_id=team_id, user_id=user_id, now=now)
        if slack is not None:
            member.locale = _locale(slack) or member.locale
            refresh_profile(
                member,
                now=now,
                name=slack.get("real_name") or slack.get("name") or "",
                language=language_from_locale(slack.get("locale")),
                timezone=slack.get("tz"),
                slack_admin=bool(slack.get("is_admin") or slack.get("is_owner")),
            )
        return Profile(
            lang=reader_tag(member.locale, member.language or workspace.language),
            tz=member.timezone or workspace.timezone,
            role=member.role,
        )


def _locale(slack: dict[str, Any]) -> str | None:
    """Slack's locale ("en-GB") when it is one: a language tag, short enough to keep."""
    locale = slack.get("locale")
    if isinstance(locale, str) and 2 <= len(locale) <= 16:
        return locale
    return None


def _slack_profile(client: WebClient, user_id: str) -> dict[str, Any] | None:
    """users.info with the locale; None when Slack cannot tell (we keep the defaults)."""
    try:
        response = client.users_info(user=user_id, include_locale=True)
    except SlackApiError as error:
        log.warning("users.info failed for %s: %s", user_id, error.response.get("error"))
        return None
    user = response.get("user") or {}
    return user if isinstance(user, dict) else None


class SeenEvents:
    """Event ids already handled, so Slack's retries of an event run it once (bounded memory)."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._seen: dict[str, None] = {}
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        with self._lock:
            if event_id in self._seen:
                return False
            self._seen[event_id] = None
            if len(self._seen) > self.size:
                self._seen.pop(next(iter(self._seen)))
            return True


def retry_middleware(seen: SeenEvents) -> Callable[..., Any]:
    """Bolt does not de-duplicate Events API retries (X-Slack-Retry-Num); this does."""

    def skip_retries(body: dict[str, Any], next: Callable[[], Any]) -> Any:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not seen.first_time(str(event_id)):
            return BoltResponse(status=200, body="")
        return next()

    return skip_retries


def slack_unescaped(text: str) -> str:
    """Typed text as typed: Slack sends `&`, `<`, `>` as `&amp;`, `&lt;`, `&gt;` (and nothing
    else). `&amp;` last, so a typed "&lt;" stays "&lt;"."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def unescape_middleware(body: dict[str, Any], next: Callable[[], Any]) -> Any:
    """Unescapes slash-command and message text once, before any listener reads it, so parsers
    see what was typed and `bot.format.escape` escapes it once on the way out. Modal inputs
    arrive unescaped and are left alone."""
    if isinstance(body.get("command"), str) and isinstance(body.get("text"), str):
        body["text"] = slack_unescaped(body["text"])
    event = body.get("event") if body.get("type") == "event_callback" else None
    if (
        isinstance(event, dict)
        and event.get("type") == "message"
        and isinstance(event.get("text"), str)
    ):
        event["text"] = slack_unescaped(event["text"])
    return next()
