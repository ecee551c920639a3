"""Whose deals a report covers: `[@rep | team | all] [process <name>] [origin <x>] [product <x>]`
(and `months <N>` for the forecast, `period <from>..<to>` for the stats).

The same words and the same permissions for /pipeline, /forecast and the stats: a rep sees
their own; a manager a rep of theirs or their whole team; an admin anyone, or everyone.

Names are typed as people type them: `process Appel d'offres` needs no quotes. An unquoted name
runs to the next word of this grammar (a mention, team/all, a filter word; in the forecast a
bare number, the months) or the end; a quoted one is whole. Either apostrophe, case and accents
are ignored when a process is looked up (`storage.text.fold`), and when an origin or a product is
(`queries.label_key`: dashes too): the scope carries the spellings stored that the typed name
means, and the reports filter on exactly those.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.errors import Forbidden, InvalidInput, NotFound
from commands.parsing import parse_user_mention, read_args
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
    origin: str | None = None  # as typed, to show
    product: str | None = None
    # The spellings stored that `origin` / `product` mean, to filter on (None: no filter).
    origins: tuple[str, ...] | None = None
    products: tuple[str, ...] | None = None
    months: int | None = None
    period: str | None = None  # as typed; `commands.analytics.stats` reads it


@dataclass(frozen=True)
class ScopeWords:
    """What a scope's text says, before anyone or anything is looked up."""

    kind: str = "me"  # "me", "rep", "team", "all"
    rep: str | None = None  # the user mentioned, for "rep"
    filters: dict[str, str] = field(default_factory=dict)  # filter → value as typed


def read_scope(text: str, *, allow_months: bool = False, allow_period: bool = False) -> ScopeWords:
    """The words of a scope (see the module doc); `scope.usage` when they do not fit."""
    allowed = {"months": allow_months, "period": allow_period}
    args = read_args(text)
    kind, rep = "me", None
    filters: dict[str, str] = {}

    def ends_a_name(arg: str, quoted: bool) -> bool:
        if quoted:
            return True
        word = queries.name_key(arg)
        filter_word = word in FILTER_WORDS and allowed.get(FILTER_WORDS[word], True)
        return (
            parse_user_mention(arg) is not None
            or word in TEAM_WORDS
            or word in ALL_WORDS
            or filter_word
            or (word.isdigit() and allow_months and "months" not in filters)
        )

    i = 0
    while i < len(args):
        arg = args[i][0]
        word = queries.name_key(arg)
        mention = parse_user_mention(arg)
        if mention is not None:
            kind, rep = "rep", mention
        elif word in TEAM_WORDS:
            kind, rep = "team", None
        elif word in ALL_WORDS:
            kind, rep = "all", None
        elif word in FILTER_WORDS and i + 1 < len(args):
            name = FILTER_WORDS[word]
            if not allowed.get(name, True):
                raise InvalidInput("scope.usage")
            value, value_quoted = args[i + 1]
            i += 1
            # The first word is the name's whatever it says ("product Team building").
            while not value_quoted and i + 1 < len(args) and not ends_a_name(*args[i + 1]):
                i += 1
                value = f"{value} {args[i][0]}"
            filters[name] = value
        elif word.isdigit() and allow_months and "months" not in filters:
            filters["months"] = word
        else:
            raise InvalidInput("scope.usage")
        i += 1
    return ScopeWords(kind, rep, filters)


def resolve(
    *,
    session: Session,
    actor: Actor,
    text: str,
    allow_months: bool = False,
    allow_period: bool = False,
) -> Scope:
    words = read_scope(text, allow_months=allow_months, allow_period=allow_period)
    kind, filters = words.kind, words.filters
    subject = actor.user_id
    owners: tuple[str, ...] = (actor.user_id,)
    if kind == "rep":
        assert words.rep is not None
        subject, owners = words.rep, (words.rep,)
    elif kind == "team":
        team = queries.team_of(session=session, team_id=actor.team_id, manager_id=actor.user_id)
        owners = (actor.user_id, *team)
    elif kind == "all":
        subject, owners = "", ()
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
    owners_or_all = None if kind == "all" else owners
    origins = _spellings(session, actor, "origin", filters.get("origin"), owners_or_all)
    products = _spellings(session, actor, "product", filters.get("product"), owners_or_all)
    months = None
    if "months" in filters:
        if not filters["months"].isdigit() or not 1 <= int(filters["months"]) <= 24:
            raise InvalidInput("scope.months_invalid")
        months = int(filters["months"])
    return Scope(
        kind=kind,
        owners=owners_or_all,
        subject=subject,
        process_id=process_id,
        process_name=process_name,
        origin=filters.get("origin"),
        product=filters.get("product"),
        origins=origins,
        products=products,
        months=months,
        period=filters.get("period"),
    )


def _spellings(
    session: Session,
    actor: Actor,
    field: Literal["origin", "product"],
    typed: str | None,
    owners: Sequence[str] | None,
) -> tuple[str, ...] | None:
    """The stored spellings of the scope's deals that `typed` means; when none, the typed one,
    which no deal holds: an origin nobody uses shows an empty board, as it always has."""
    if not typed:
        return None
    wanted = queries.label_key(typed)
    stored = queries.deal_labels(session=session, team_id=actor.team_id, field=field, owners=owners)
    return tuple(sorted(s for s in stored if queries.label_key(s) == wanted)) or (typed,)


def _check(session: Session, actor: Actor, kind: str, subject: str) -> None:
    if kind == "all" and actor.role != Role.ADMIN:
        raise Forbidden("scope.all_forbidden")
    if kind == "team" and actor.role == Role.REP:
        raise Forbidden("scope.team_forbidden")
    if kind == "rep" and not may_act_for(session=session, actor=actor, owner_id=subject):
        raise Forbidden("opp.list_forbidden", user=subject)
