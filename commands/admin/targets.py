"""`/salesbot target @rep|team|all 2027-03 20000`: monthly signing targets for the forecast."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.errors import Forbidden, InvalidInput
from commands.parsing import parse_amount, parse_close_date, parse_user_mention, split_args
from commands.parsing.text import echo
from commands.permissions import may_act_for
from storage import queries, reports
from storage.models import Role

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$|^(\d{1,2})/(\d{4})$")
CLEAR = {"off", "0", "aucun", "none", "-"}


@dataclass(frozen=True)
class TargetSet:
    scope: str  # "rep", "team" or "all"
    subject: str
    month: date
    amount_minor: int | None  # None: the target was removed
    currency: str


def _month(text: str, today: date) -> date:
    found = MONTH.match(text.strip())
    if found:
        year = int(found.group(1) or found.group(4))
        month = int(found.group(2) or found.group(3))
        if not 1 <= month <= 12:
            raise InvalidInput("target.month_invalid", text=echo(text, limit=20))
        first = date(year, month, 1)
    else:
        first = parse_close_date(text, today=today).replace(day=1)
    if first < today.replace(day=1) or first.year > today.year + 5:
        raise InvalidInput("target.month_invalid", text=echo(text, limit=20))
    return first


def set_target(*, session: Session, actor: Actor, text: str) -> TargetSet:
    args = split_args(text)
    if len(args) < 3:
        raise InvalidInput("target.usage")
    # The month is one token (2027-03, 03/2027, or quoted: "mars 2027"); the amount the rest.
    who, month_text, amount_text = args[0], args[1], " ".join(args[2:])
    mention = parse_user_mention(who)
    word = queries.name_key(who)
    if mention is not None:
        scope, subject = "rep", mention
        # Targets are set for people, not by them: a manager for their reps, or an admin.
        if actor.role == Role.REP or not may_act_for(
            session=session, actor=actor, owner_id=mention
        ):
            raise Forbidden("target.forbidden")
    elif word in ("team", "equipe"):
        scope, subject = "team", actor.user_id
        if actor.role == Role.REP:
            raise Forbidden("target.forbidden")
    elif word in ("all", "tous", "entreprise", "company"):
        scope, subject = "all", ""
        if actor.role != Role.ADMIN:
            raise Forbidden("target.forbidden")
    else:
        raise InvalidInput("target.usage")
    month = _month(month_text, actor.today)
    workspace = queries.get_workspace(session=session, team_id=actor.team_id)
    currency = workspace.currency if workspace else "EUR"
    amount = None
    if queries.name_key(amount_text) not in CLEAR:
        parsed = parse_amount(amount_text)
        # One currency per workspace, as for deals: "5 USD" is not 5 € (totals stay exact).
        if parsed.currency is not None and parsed.currency != currency:
            raise InvalidInput("opp.currency_mismatch", typed=parsed.currency, currency=currency)
        amount = parsed.minor
    reports.set_target(
        session=session,
        team_id=actor.team_id,
        scope=scope,
        subject=subject,
        month=month,
        amount_minor=amount,
        by=actor.user_id,
        at=actor.now,
    )
    return TargetSet(scope, subject, month, amount, currency)
