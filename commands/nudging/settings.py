"""`/salesbot nudges|digest|followup|outbox`: each person's nudges and digest, admins' follow-ups
and what the outbox could not deliver.

- `/salesbot nudges [on|off]`, `/salesbot nudges hour 08:30`: anyone, for themselves.
- `/salesbot digest [#channel|dm] [weekday] [hh:mm]`, `/salesbot digest off|on`: managers (and
  admins with a team), for their own weekly digest.
- `/salesbot followup …`: admins (see `commands.nudging.followups`).
- `/salesbot outbox [retry]`: admins: messages given up after their last attempt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from commands.channels import CHANNEL_MENTION, CanPost, check_can_post
from commands.context import Actor
from commands.errors import Forbidden, InvalidInput, NotFound
from commands.nudging import followups
from commands.parsing import split_args
from commands.permissions import check_admin
from storage import outbox, queries
from storage.models import Member, Role
from storage.queries import name_key

SUBCOMMANDS: dict[str, str] = {
    "nudges": "nudges",
    "nudge": "nudges",
    "relances": "nudges",
    "relance": "nudges",
    "rappels": "nudges",
    "digest": "digest",
    "digests": "digest",
    "resume": "digest",
    "synthese": "digest",
    "recap": "digest",
    "followup": "followup",
    "followups": "followup",
    "follow-up": "followup",
    "follow-ups": "followup",
    "suivi": "followup",
    "suivis": "followup",
    "outbox": "outbox",
    "envois": "outbox",
    "deliveries": "outbox",
}

ON_WORDS = frozenset({"on", "oui", "yes", "activer", "enable", "start"})
OFF_WORDS = frozenset({"off", "non", "no", "desactiver", "disable", "stop", "aucun", "jamais"})
HOUR_WORDS = frozenset({"hour", "heure", "time", "at", "a"})
DM_WORDS = frozenset({"dm", "mp", "direct", "prive", "private", "moi", "me"})
RETRY_WORDS = frozenset({"retry", "reessayer", "relancer", "renvoyer", "resend"})
WEEKDAYS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("lundi", "lun", "monday", "mon"),
        ("mardi", "mar", "tuesday", "tue", "tues"),
        ("mercredi", "mer", "wednesday", "wed"),
        ("jeudi", "jeu", "thursday", "thu", "thurs"),
        ("vendredi", "ven", "friday", "fri"),
        ("samedi", "sam", "saturday", "sat"),
        ("dimanche", "dim", "sunday", "sun"),
    )
):
    WEEKDAYS |= dict.fromkeys(_names, _index)

_TIME = re.compile(r"([0-9]{1,2})(?:\s*[:hH.]\s*([0-9]{2})?)?")
FAILURES_SHOWN = 10
RECENT = timedelta(days=7)


@dataclass(frozen=True)
class NudgeSettings:
    enabled: bool
    minute: int  # local time of the daily nudge, minutes past midnight
    key: str | None  # what changed; None when only shown


@dataclass(frozen=True)
class DigestSettings:
    enabled: bool
    channel: str | None  # None: a direct message
    weekday: int  # 0 = Monday
    minute: int
    team_size: int
    key: str | None


@dataclass(frozen=True)
class FailedMessage:
    recipient: str
    kind: str
    period: str
    error: str
    attempts: int
    created_at: datetime


@dataclass(frozen=True)
class OutboxReport:
    counts: dict[str, int]  # by status, messages planned in the last 7 days
    failures: tuple[FailedMessage, ...]
    failed_total: int
    retried: int | None  # how many were put back to pending, when asked


Result = NudgeSettings | DigestSettings | followups.FollowUpRules | OutboxReport


def parse_time(text: str) -> int:
    """`08:30`, `8h30`, `8h`, `9` → minutes past midnight."""
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise InvalidInput("nudge.time_invalid", text=text[:20])
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise InvalidInput("nudge.time_invalid", text=text[:20])
    return hour * 60 + minute


def run(*, session: Session, actor: Actor, sub: str, rest: str, can_post: CanPost) -> Result:
    if sub == "nudges":
        return nudges(session=session, actor=actor, text=rest)
    if sub == "digest":
        return digest(session=session, actor=actor, text=rest, can_post=can_post)
    if sub == "followup":
        return followups.handle(session=session, actor=actor, text=rest)
    if sub == "outbox":
        return outbox_report(session=session, actor=actor, text=rest)
    raise InvalidInput("admin.unknown_subcommand", word=sub)


def _member(session: Session, actor: Actor) -> Member:
    member = queries.get_member(session=session, team_id=actor.team_id, user_id=actor.user_id)
    if member is None:
        raise NotFound("admin.workspace_unknown")
    return member


def nudges(*, session: Session, actor: Actor, text: str) -> NudgeSettings:
    member = _member(session, actor)
    args = split_args(text)
    key: str | None = None
    if not args:
        pass
    elif len(args) == 1 and name_key(args[0]) in ON_WORDS:
        member.nudges_enabled, key = True, "nudge.turned_on"
    elif len(args) == 1 and name_key(args[0]) in OFF_WORDS:
        member.nudges_enabled, key = False, "nudge.turned_off"
    elif name_key(args[0]) in HOUR_WORDS and len(args) == 2:
        member.nudge_minute, key = parse_time(args[1]), "nudge.hour_set"
    elif len(args) == 1 and _TIME.fullmatch(args[0]):
        member.nudge_minute, key = parse_time(args[0]), "nudge.hour_set"
    else:
        raise InvalidInput("nudge.usage_settings")
    session.flush()
    return NudgeSettings(member.nudges_enabled, member.nudge_minute, key)


def digest(*, session: Session, actor: Actor, text: str, can_post: CanPost) -> DigestSettings:
    """A channel chosen for the digest must be one the bot can post to (`can_post`)."""
    if actor.role not in (Role.MANAGER, Role.ADMIN):
        raise Forbidden("nudge.digest_managers_only")
    member = _member(session, actor)
    args = split_args(text)
    key: str | None = None
    words = [name_key(a) for a in args]
    if len(args) == 1 and words[0] in OFF_WORDS:
        member.digest_enabled, key = False, "digest.turned_off"
    elif len(args) == 1 and words[0] in ON_WORDS:
        member.digest_enabled, key = True, "digest.turned_on"
    elif args:
        channel: str | None = member.digest_channel
        weekday, minute = member.digest_weekday, member.digest_minute
        for arg, word in zip(args, words, strict=True):
            mention = CHANNEL_MENTION.fullmatch(arg)
            if mention is not None:
                channel = mention.group(1)
                check_can_post(can_post, channel)
            elif word in DM_WORDS:
                channel = None
            elif word in WEEKDAYS:
                weekday = WEEKDAYS[word]
            elif _TIME.fullmatch(arg):
                minute = parse_time(arg)
            else:
                raise InvalidInput("digest.usage", word=arg[:40])
        member.digest_channel, member.digest_weekday, member.digest_minute = (
            channel,
            weekday,
            minute,
        )
        member.digest_enabled, key = True, "digest.set"
    session.flush()
    team = queries.team_of(session=session, team_id=actor.team_id, manager_id=actor.user_id)
    return DigestSettings(
        enabled=member.digest_enabled,
        channel=member.digest_channel,
        weekday=member.digest_weekday,
        minute=member.digest_minute,
        team_size=len(team),
        key=key,
    )


def outbox_report(*, session: Session, actor: Actor, text: str) -> OutboxReport:
    check_admin(actor)
    args = split_args(text)
    retried: int | None = None
    if args and name_key(args[0]) in RETRY_WORDS:
        retried = outbox.retry_failed(session=session, team_id=actor.team_id, now=actor.now)
    elif args:
        raise InvalidInput("outbox.usage")
    failed = outbox.failures(session=session, team_id=actor.team_id, limit=FAILURES_SHOWN)
    return OutboxReport(
        counts=outbox.status_counts(
            session=session, team_id=actor.team_id, since=actor.now - RECENT
        ),
        failures=tuple(
            FailedMessage(
                m.recipient, m.kind, m.period, m.last_error or "", m.attempts, m.created_at
            )
            for m in failed
        ),
        failed_total=outbox.count_failed(session=session, team_id=actor.team_id),
        retried=retried,
    )
