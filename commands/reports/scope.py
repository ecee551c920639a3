"""Whose deals a report covers: `[@rep | team | all] [process <name>] [origin <x>] [product <x>]`
(and `period <from>..<to>` for the stats).

The same words and the same permissions for /pipeline, /forecast and the stats: a rep sees
their own; a manager a rep of theirs or their whole team; an admin anyone, or everyone.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.errors import Forbidden, InvalidInput, NotFound
from commands.parsing import parse_user_mention, split_args
from commands.permissions import may_act_for
from storage import queries
from storage.models import Role

TEAM_WORDS = {"team", "equipe"}
ALL_WORDS = {"all", "tous", "tout", "toutes", "company", "entreprise"}
FILTER_WORDS = {
    "process": "process",
    "processus": "process",
    "origin": "origin",
    "origine": "origin",
    "source": "origin",
    "product": "product",
    "produit": "product",
    "famille": "product",
    "months": "months",
    "mois": "months",
    "period": "period",
    "periode": "period",
}


@dataclass(frozen=True)
class Scope:
    """Owners None means the whole workspace; otherwise exactly these owners' deals."""

    kind: str  # "me", "rep", "team", "all"
    owners: tuple[str, ...] | None
    subject: str  # the rep or manager the report is about ("" for all)
    process_id: int | None = None
    process_name: str | None = None
    origin: str | None = None
    product: str | None = None
    months: int | None = None
    period: str | None = None  # as typed; `commands.analytics.stats` reads it


def resolve(
    *,
    session: Session,
    actor: Actor,
    text: str,
    allow_months: bool = False,
    allow_period: bool = False,
) -> Scope:
    args = split_args(text)
    kind, subject = "me", actor.user_id
    owners: tuple[str, ...] = (actor.user_id,)
    filters: dict[str, str] = {}
    i = 0
    while i < len(args):
        word = queries.name_key(args[i])
        mention = parse_user_mention(args[i])
        if mention is not None:
            kind, subject = "rep", mention
            owners = (mention,)
        elif word in TEAM_WORDS:
            kind, subject = "team", actor.user_id
            team = queries.team_of(session=session, team_id=actor.team_id, manager_id=actor.user_id)
            owners = (actor.user_id, *team)
        elif word in ALL_WORDS:
            kind, subject, owners = "all", "", ()
        elif word in FILTER_WORDS and i + 1 < len(args):
            name = FILTER_WORDS[word]
            if (name == "months" and not allow_months) or (name == "period" and not allow_period):
                raise InvalidInput("scope.usage")
            filters[name] = args[i + 1]
            i += 1
        elif word.isdigit() and allow_months and "months" not in filters:
            filters["months"] = word
        else:
            raise InvalidInput("scope.usage")
        i += 1
    _check(session, actor, kind, subject)
    process_id = process_name = None
    if "process" in filters:
        wanted = queries.name_key(filters["process"])
        processes = queries.all_processes(session=session, team_id=actor.team_id)
        process = next((p for p in processes if p.name_key == wanted), None)
        if process is None:
            raise NotFound(
                "edit.process_unknown",
                process=filters["process"][:80],
                processes=", ".join(p.name for p in processes),
            )
        process_id, process_name = process.id, process.name
    months = None
    if "months" in filters:
        if not filters["months"].isdigit() or not 1 <= int(filters["months"]) <= 24:
            raise InvalidInput("scope.months_invalid")
        months = int(filters["months"])
    return Scope(
        kind=kind,
        owners=None if kind == "all" else owners,
        subject=subject,
        process_id=process_id,
        process_name=process_name,
        origin=filters.get("origin"),
        product=filters.get("product"),
        months=months,
        period=filters.get("period"),
    )


def _check(session: Session, actor: Actor, kind: str, subject: str) -> None:
    if kind == "all" and actor.role != Role.ADMIN:
        raise Forbidden("scope.all_forbidden")
    if kind == "team" and actor.role == Role.REP:
        raise Forbidden("scope.team_forbidden")
    if kind == "rep" and not may_act_for(session=session, actor=actor, owner_id=subject):
        raise Forbidden("opp.list_forbidden", user=subject)
