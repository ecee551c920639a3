"""Follow-ups after signing: an admin's reminders N days after a win, or after entering a stage.

`/salesbot followup add <process> won <days> <text>` or
`/salesbot followup add <process> stage <stage> <days> <text>`, `list`, `remove <#id>`.

A rule reads the deals' history: each scan turns the wins (or stage entries) recorded since the
last scan into follow-ups, one per rule and deal, due `days` later. They reach the deal's owner
at their morning hour like nudges, in a message of their own with a Done button. A follow-up is
sent once; Done closes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from commands.context import Actor, zone
from commands.deals import Card, card_of
from commands.errors import InvalidInput, NotFound
from commands.nudging.nudges import Recipient
from commands.parsing import clean_text, split_args
from commands.permissions import check_admin, check_can_change
from storage import nudging, queries
from storage.models import FollowUpRule, SalesProcess
from storage.queries import name_key

FOLLOWUP = "followup"
MAX_RULES = 30
MAX_DAYS = 365
MAX_TEXT = 200
MAX_ITEMS = 15  # per message: two blocks each
OVERLAP = timedelta(minutes=10)  # history written by transactions still open at the last scan

WON_WORDS = frozenset({"won", "win", "gagne", "gagnee", "signe", "signee", "signature"})
STAGE_WORDS = frozenset({"stage", "etape", "entering", "entree"})
ADD_WORDS = frozenset({"add", "new", "ajouter", "ajout", "nouveau", "nouvelle", "creer"})
REMOVE_WORDS = frozenset({"remove", "delete", "rm", "supprimer", "retirer", "enlever"})
LIST_WORDS = frozenset({"list", "liste", "ls"})
DAY_UNITS = frozenset({"j", "jour", "jours", "d", "day", "days"})
_DAYS = re.compile(r"\+?([0-9]{1,4})\s*(?:j|jours?|d|days?)?", re.IGNORECASE)
_ID = re.compile(r"#?([0-9]{1,9})")


@dataclass(frozen=True)
class RuleView:
    id: int
    process: str
    trigger: str  # "won" or "stage"
    stage: str | None
    days: int
    text: str


@dataclass(frozen=True)
class FollowUpRules:
    """The workspace's rules, and what just changed (a catalog key), if anything."""

    rules: tuple[RuleView, ...]
    key: str | None = None
    params: dict[str, str | int] | None = None


def _views(session: Session, team_id: str) -> tuple[RuleView, ...]:
    rules = nudging.followup_rules(session=session, team_id=team_id)
    processes = {p.id: p for p in queries.all_processes(session=session, team_id=team_id)}
    views = []
    for rule in rules:
        process = processes.get(rule.process_id)
        stage = None
        if rule.stage_id is not None and process is not None:
            stage = next((s.name for s in process.stages if s.id == rule.stage_id), None)
        views.append(
            RuleView(
                id=rule.id,
                process=process.name if process else "?",
                trigger=rule.trigger,
                stage=stage,
                days=rule.days,
                text=rule.text,
            )
        )
    return tuple(views)


def handle(*, session: Session, actor: Actor, text: str) -> FollowUpRules:
    check_admin(actor)
    args = split_args(text)
    verb = name_key(args[0]) if args else "list"
    if verb in LIST_WORDS:
        return FollowUpRules(_views(session, actor.team_id))
    if verb in ADD_WORDS:
        return add_rule(session=session, actor=actor, args=args[1:])
    if verb in REMOVE_WORDS:
        return remove_rule(session=session, actor=actor, args=args[1:])
    raise InvalidInput("followup.usage")


def _days(args: list[str]) -> tuple[int, list[str]]:
    """A number of days at the head of `args` ("30", "30j", "30 jours"), and what follows."""
    if not args:
        raise InvalidInput("followup.usage")
    match = _DAYS.fullmatch(args[0])
    if match is None:
        raise InvalidInput("followup.days_invalid", value=args[0][:20], max=MAX_DAYS)
    days = int(match.group(1))
    if days > MAX_DAYS:
        raise InvalidInput("followup.days_invalid", value=args[0][:20], max=MAX_DAYS)
    rest = args[1:]
    if rest and name_key(rest[0]) in DAY_UNITS and args[0].isdigit():
        rest = rest[1:]
    return days, rest


def _process(session: Session, actor: Actor, words: list[str]) -> SalesProcess:
    wanted = name_key(" ".join(words))
    processes = queries.active_processes(session=session, team_id=actor.team_id)
    process = next((p for p in processes if p.name_key == wanted), None)
    if process is None:
        raise NotFound(
            "followup.process_unknown",
            process=" ".join(words)[:40],
            processes=", ".join(p.name for p in processes),
        )
    return process


def add_rule(*, session: Session, actor: Actor, args: list[str]) -> FollowUpRules:
    keyword = next(
        (i for i, a in enumerate(args) if name_key(a) in WON_WORDS | STAGE_WORDS and i > 0), None
    )
    if keyword is None:
        raise InvalidInput("followup.usage")
    process = _process(session, actor, args[:keyword])
    stage_id: int | None = None
    stage_name: str | None = None
    rest = args[keyword + 1 :]
    if name_key(args[keyword]) in STAGE_WORDS:
        number = next((i for i, a in enumerate(rest) if _DAYS.fullmatch(a) and i > 0), None)
        if number is None:
            raise InvalidInput("followup.usage")
        wanted = name_key(" ".join(rest[:number]))
        stages = queries.live_stages(process)
        stage = next((s for s in stages if name_key(s.name) == wanted), None)
        by_rank = wanted.isascii() and wanted.isdigit()  # "²" passes isdigit, not int
        if stage is None and by_rank and 1 <= int(wanted) <= len(stages):
            stage = stages[int(wanted) - 1]
        if stage is None:
            raise NotFound(
                "followup.stage_unknown",
                stage=" ".join(rest[:number])[:40],
                process=process.name,
                stages=", ".join(s.name for s in stages),
            )
        stage_id, stage_name, rest = stage.id, stage.name, rest[number:]
    days, rest = _days(rest)
    note = clean_text(" ".join(rest), max_len=MAX_TEXT, single_line=True)
    if not note:
        raise InvalidInput("followup.text_required")
    if len(nudging.followup_rules(session=session, team_id=actor.team_id)) >= MAX_RULES:
        raise InvalidInput("followup.too_many", max=MAX_RULES)
    rule = FollowUpRule(
        team_id=actor.team_id,
        process_id=process.id,
        trigger="stage" if stage_id is not None else "won",
        stage_id=stage_id,
        days=days,
        text=note,
        created_by=actor.user_id,
        created_at=actor.now,
        scanned_until=actor.now,
    )
    session.add(rule)
    session.flush()
    key = "followup.added_stage" if stage_name else "followup.added_won"
    params: dict[str, str | int] = {"id": rule.id, "process": process.name, "count": days}
    if stage_name:
        params["stage"] = stage_name
    return FollowUpRules(_views(session, actor.team_id), key, params)


def remove_rule(*, session: Session, actor: Actor, args: list[str]) -> FollowUpRules:
    match = _ID.fullmatch(args[0]) if len(args) == 1 else None
    if match is None:
        raise InvalidInput("followup.usage")
    rule = session.get(FollowUpRule, int(match.group(1)))
    if rule is None or rule.team_id != actor.team_id or rule.removed_at is not None:
        raise NotFound("followup.rule_unknown", id=int(match.group(1)))
    rule.removed_at = actor.now  # its pending follow-ups are still sent: they were promised
    session.flush()
    params: dict[str, str | int] = {"id": rule.id}
    return FollowUpRules(_views(session, actor.team_id), "followup.removed", params)


# --- turning history into follow-ups --------------------------------------------------------


def materialize(*, session: Session, team_id: str, now: datetime) -> int:
    """Create the follow-ups of the wins / stage entries since each rule's last scan."""
    workspace = queries.get_workspace(session=session, team_id=team_id)
    if workspace is None:
        return 0
    tz = zone(workspace.timezone)
    created = 0
    for rule in nudging.followup_rules(session=session, team_id=team_id):
        after = max(rule.scanned_until - OVERLAP, rule.created_at)
        events = nudging.trigger_events(session=session, rule=rule, after=after, until=now)
        first: dict[int, datetime] = {}
        for opportunity_id, at in events:
            first.setdefault(opportunity_id, at)
        known = nudging.existing_followups(session=session, rule_id=rule.id, opportunity_ids=first)
        due_on = {
            opportunity_id: at.astimezone(tz).date() + timedelta(days=rule.days)
            for opportunity_id, at in first.items()
            if opportunity_id not in known
        }
        nudging.add_followups(session=session, team_id=team_id, rule=rule, due_on=due_on, now=now)
        created += len(due_on)
        rule.scanned_until = max(rule.scanned_until, now)
    session.flush()
    return created


# --- the messages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpItem:
    id: int
    text: str
    due_on: date
    card: Card


@dataclass(frozen=True)
class FollowUpMessage:
    team_id: str
    recipient: Recipient
    items: tuple[FollowUpItem, ...]
    more: int


def build(
    *, session: Session, team_id: str, recipients: Sequence[Recipient]
) -> list[FollowUpMessage]:
    """Each recipient's follow-ups due by their day (oldest first), one query for all."""
    if not recipients:
        return []
    by_owner = {r.user_id: r for r in recipients}
    rows = nudging.due_followups(
        session=session,
        team_id=team_id,
        on_or_before=max(r.day for r in recipients),
        owners=list(by_owner),
    )
    grouped: dict[str, list[FollowUpItem]] = {}
    for followup, deal in rows:
        recipient = by_owner[deal.owner_id]
        if followup.due_on > recipient.day:
            continue
        card = card_of(deal, recipient.actor(team_id))
        grouped.setdefault(deal.owner_id, []).append(
            FollowUpItem(followup.id, followup.text, followup.due_on, card)
        )
    return [
        FollowUpMessage(team_id, by_owner[owner], tuple(items[:MAX_ITEMS]), len(items) - MAX_ITEMS)
        for owner, items in grouped.items()
    ]


def mark_sent(*, session: Session, message: FollowUpMessage) -> None:
    """The shown follow-ups are sent (once); those past the cap come in tomorrow's message."""
    nudging.mark_followups_sent(
        session=session,
        team_id=message.team_id,
        ids=[item.id for item in message.items],
        day=message.recipient.day,
    )


@dataclass(frozen=True)
class Done:
    id: int
    number: int
    text: str
    by: str
    already: bool


def done(*, session: Session, actor: Actor, followup_id: int) -> Done:
    """The Done button: the owner (or their manager, or an admin) closes the follow-up."""
    followup = nudging.get_followup(session=session, team_id=actor.team_id, followup_id=followup_id)
    if followup is None:
        raise NotFound("followup.not_found")
    opportunity = nudging.opportunities_by_id(
        session=session, team_id=actor.team_id, ids=[followup.opportunity_id]
    )[0]
    check_can_change(session=session, actor=actor, opportunity=opportunity)
    if followup.status == "done":
        return Done(followup.id, opportunity.number, followup.text, followup.done_by or "", True)
    followup.status = "done"
    followup.done_at = actor.now
    followup.done_by = actor.user_id
    session.flush()
    return Done(followup.id, opportunity.number, followup.text, actor.user_id, False)
