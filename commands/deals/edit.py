"""`/opp edit #N amount 7500 | close fin novembre | …` and the edit modal: change a deal's fields.

Every field that really changes is recorded in the history with its before and after (one row a
field: who, when, from → to); a field left as it was records nothing, and an edit that changes
nothing says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.deals import transitions
from commands.deals.cards import Card
from commands.deals.moves import find_stage
from commands.deals.new import MAX_FREE, MAX_NEXT_STEP, MAX_TITLE, check_currency
from commands.deals.show import find, full_card
from commands.errors import DomainError, Forbidden, FormInvalid, InvalidInput, NotFound
from commands.parsing import (
    clean_text,
    parse_amount,
    parse_close_date,
    parse_percent,
    parse_user_mention,
    split_args,
)
from commands.permissions import check_can_change, may_act_for
from commands.workspace import ensure_member
from storage import queries
from storage.models import ChangeKind, Opportunity, Stage

# Every word a rep may type for a field, folded (no case, no accents).
FIELD_WORDS: dict[str, str] = {
    "amount": "amount",
    "montant": "amount",
    "prix": "amount",
    "close": "close_date",
    "closing": "close_date",
    "signature": "close_date",
    "cloture": "close_date",
    "date": "close_date",
    "next-step": "next_step",
    "next": "next_step",
    "nextstep": "next_step",
    "prochaine-etape": "next_step",
    "prochaine": "next_step",
    "action": "next_step",
    "probability": "probability",
    "probabilite": "probability",
    "proba": "probability",
    "prob": "probability",
    "origin": "origin",
    "origine": "origin",
    "source": "origin",
    "product": "product",
    "produit": "product",
    "famille": "product",
    "process": "process",
    "processus": "process",
    "title": "title",
    "titre": "title",
    "owner": "owner",
    "commercial": "owner",
    "proprietaire": "owner",
}

# A clause separator, or a Slack mention (`<@U123|marie>`, `<#C1|ventes>`, `<!here>`) whose own
# `|` separates nothing; a bare `<` or `>` typed in a value is only text.
CLAUSE = re.compile(r"<[@#!][^<>]*>|\|")
CLEAR_WORDS = {"auto", "aucun", "aucune", "none", "off", "-", "rien"}


@dataclass
class Changes:
    """The fields to change; None means "leave as is"."""

    amount_minor: int | None = None
    close_date: date | None = None
    probability: int | None = None
    probability_auto: bool = False
    next_step: str | None = None
    next_step_date: date | None = None
    clear_next_step: bool = False
    origin: str | None = None
    product: str | None = None
    title: str | None = None
    owner_id: str | None = None
    stage: Stage | None = None  # a stage of another process moves the deal to that process
    qualification: frozenset[str] | None = None
    labels: list[str] = field(default_factory=list)


def parse_edit(*, session: Session, actor: Actor, opportunity: Opportunity, text: str) -> Changes:
    """Read `amount 7500 | close fin novembre | …` clause by clause; any bad one refuses all."""
    changes = Changes()
    clauses = [c.strip() for c in _clauses(text) if c.strip()]
    if not clauses:
        raise InvalidInput("move.usage_edit")
    for clause in clauses:
        word, _, value = clause.partition(" ")
        name = FIELD_WORDS.get(queries.name_key(word))
        value = value.strip()
        if name is None or not value:
            raise InvalidInput("move.usage_edit")
        _read(session, actor, opportunity, changes, name, value)
    return changes


def _clauses(text: str) -> list[str]:
    """`amount 7500 | close fin mai` → its clauses, split on the `|` outside mentions."""
    found: list[str] = []
    start = 0
    for match in CLAUSE.finditer(text):
        if match.group() == "|":
            found.append(text[start : match.start()])
            start = match.end()
    return [*found, text[start:]]


def _read(
    session: Session,
    actor: Actor,
    opportunity: Opportunity,
    changes: Changes,
    name: str,
    value: str,
) -> None:
    today = actor.today
    folded = queries.name_key(value)
    if name == "amount":
        changes.amount_minor = _amount(session, actor, value)
    elif name == "close_date":
        changes.close_date = parse_close_date(value, today=today, lang=actor.lang)
    elif name == "probability":
        if folded in CLEAR_WORDS:
            changes.probability_auto = True
        else:
            changes.probability = _probability(value, shown=value)
    elif name == "next_step":
        if folded in CLEAR_WORDS:
            changes.clear_next_step = True
            return
        quoted = value[0] in "\"'“«"
        args = split_args(value)
        step = args[0] if quoted else value
        changes.next_step = _text(step, MAX_NEXT_STEP)
        if quoted and len(args) > 1:
            changes.next_step_date = parse_close_date(
                " ".join(args[1:]), today=today, lang=actor.lang
            )
    elif name in ("origin", "product"):
        setattr(changes, name, _text(" ".join(split_args(value)), MAX_FREE))
    elif name == "title":
        changes.title = _text(" ".join(split_args(value)), MAX_TITLE)
    elif name == "owner":
        owner = parse_user_mention(value.split()[0])
        if owner is None:
            raise InvalidInput("edit.owner_invalid")
        changes.owner_id = owner
    elif name == "process":
        changes.stage = _process_stage(session, actor, opportunity, value)
    changes.labels.append(name)


def _amount(session: Session, actor: Actor, value: str) -> int:
    amount = parse_amount(value)
    check_currency(session=session, actor=actor, amount=amount)
    return amount.minor


def _probability(text: str, *, shown: str) -> int:
    """A percentage from 0 to 100; `shown` is what the refusal quotes."""
    percent = parse_percent(text)
    if percent is None:
        raise InvalidInput("edit.probability_invalid", value=shown[:20])
    return percent


def _text(value: str, limit: int) -> str:
    text = clean_text(value, max_len=limit, single_line=True)
    if not text:
        raise InvalidInput("move.usage_edit")
    return text


def _process_stage(session: Session, actor: Actor, opportunity: Opportunity, value: str) -> Stage:
    """`Professionnel` or `"Appel d'offres" stage 2`: the stage the deal lands on."""
    args = split_args(value)
    stage_text = ""
    for i, word in enumerate(args):
        if queries.name_key(word) in ("stage", "etape") and i > 0:
            stage_text = " ".join(args[i + 1 :])
            args = args[:i]
            break
    wanted = queries.name_key(" ".join(args))
    processes = queries.active_processes(session=session, team_id=actor.team_id)
    process = next((p for p in processes if p.name_key == wanted), None)
    if process is None:
        raise NotFound(
            "edit.process_unknown",
            process=" ".join(args)[:80],
            processes=", ".join(p.name for p in processes),
        )
    if stage_text:
        return find_stage(process, stage_text)
    # Same rank in the new process (or its last stage): the closest mapping without asking.
    stages = queries.live_stages(process)
    if not stages:
        raise NotFound("opp.no_process")
    rank = (
        [s.id for s in queries.live_stages(opportunity.process)].index(opportunity.stage_id)
        if opportunity.stage.removed_at is None
        else 0
    )
    return stages[min(rank, len(stages) - 1)]


@dataclass(frozen=True)
class EditForm:
    """The edit modal's fields as the user left them (every field is shown pre-filled)."""

    title: str = ""
    amount: str = ""
    close_date: str | None = None  # ISO, from a date picker
    stage_id: str = ""
    probability: str = ""
    origin: str = ""
    product: str = ""
    next_step: str = ""
    next_step_date: str | None = None  # ISO, from a date picker
    qualification: frozenset[str] = frozenset()


def form_changes(
    *, session: Session, actor: Actor, opportunity: Opportunity, form: EditForm
) -> Changes:
    """The modal's fields as changes, every refusal at once (FormInvalid, by field name); a
    field left as it was is not checked again."""
    changes = Changes()
    errors: dict[str, DomainError] = {}
    title = form.title.strip()
    if title and title != opportunity.title:
        changes.title = title[:MAX_TITLE]
    try:
        changes.amount_minor = _amount(session, actor, form.amount)
    except DomainError as error:
        errors["amount"] = error
    picked = form.close_date
    if picked and picked != opportunity.close_date.isoformat():
        try:
            changes.close_date = parse_close_date(picked, today=actor.today)
        except DomainError as error:
            errors["close_date"] = error
    if form.stage_id.isdigit() and int(form.stage_id) != opportunity.stage_id:
        stage = queries.get_stage(
            session=session, team_id=actor.team_id, stage_id=int(form.stage_id)
        )
        if stage is None or stage.removed_at is not None:
            errors["stage"] = InvalidInput("opp.stage_invalid")
        else:
            changes.stage = stage
    probability = form.probability.strip()
    if not probability.removesuffix("%").strip():
        changes.probability_auto = True
    else:
        try:
            changes.probability = _probability(
                probability, shown=probability.removesuffix("%").strip()
            )
        except DomainError as error:
            errors["probability"] = error
    # An emptied origin or product is left as it was (None), as the modal always did.
    changes.origin = form.origin.strip()[:MAX_FREE] or None
    changes.product = form.product.strip()[:MAX_FREE] or None
    step = form.next_step.strip()
    if step:
        changes.next_step = step[:MAX_NEXT_STEP]
        changes.next_step_date = (
            date.fromisoformat(form.next_step_date) if form.next_step_date else None
        )
    elif opportunity.next_step:
        changes.clear_next_step = True
    changes.qualification = form.qualification
    if errors:
        raise FormInvalid(errors)
    return changes


@dataclass(frozen=True)
class Edited:
    outcome: transitions.Outcome
    card: Card


def submit(
    *,
    session: Session,
    actor: Actor,
    number: int,
    form: EditForm,
    expected_version: int | None = None,
) -> Edited:
    """The edit modal, submitted: check its fields, apply what changed, the card as it is now."""
    opportunity = find(session=session, actor=actor, ref=str(number))
    changes = form_changes(session=session, actor=actor, opportunity=opportunity, form=form)
    outcome = apply(
        session=session,
        actor=actor,
        opportunity=opportunity,
        changes=changes,
        expected_version=expected_version,
    )
    session.flush()
    return Edited(outcome, full_card(session=session, actor=actor, opportunity=opportunity))


def apply(
    *,
    session: Session,
    actor: Actor,
    opportunity: Opportunity,
    changes: Changes,
    expected_version: int | None = None,
) -> transitions.Outcome:
    check_can_change(session=session, actor=actor, opportunity=opportunity)
    transitions.check_version(opportunity, expected_version)
    now, by = actor.now, actor.user_id
    done: list[str] = []

    def record(kind: ChangeKind, before: object, after: object) -> None:
        queries.record_change(
            session=session,
            opportunity=opportunity,
            kind=kind,
            by=by,
            at=now,
            from_value=None if before is None else str(before),
            to_value=None if after is None else str(after),
        )

    if changes.amount_minor is not None and changes.amount_minor != opportunity.amount_minor:
        record(ChangeKind.AMOUNT, opportunity.amount_minor, changes.amount_minor)
        opportunity.amount_minor = changes.amount_minor
        done.append("amount")
    if changes.close_date is not None and changes.close_date != opportunity.close_date:
        record(
            ChangeKind.CLOSE_DATE,
            opportunity.close_date.isoformat(),
            changes.close_date.isoformat(),
        )
        opportunity.close_date = changes.close_date
        done.append("close_date")
    if changes.probability_auto and opportunity.probability_override is not None:
        record(ChangeKind.PROBABILITY, opportunity.probability_override, "auto")
        opportunity.probability_override = None
        done.append("probability")
    elif (
        changes.probability is not None and changes.probability != opportunity.probability_override
    ):
        record(
            ChangeKind.PROBABILITY, opportunity.probability_override or "auto", changes.probability
        )
        opportunity.probability_override = changes.probability
        done.append("probability")
    if changes.clear_next_step:
        _next_step(opportunity, None, None, record, done)
    elif changes.next_step is not None:
        _next_step(opportunity, changes.next_step, changes.next_step_date, record, done)
    kinds = {"origin": ChangeKind.ORIGIN, "product": ChangeKind.PRODUCT, "title": ChangeKind.TITLE}
    for name, kind in kinds.items():
        value = getattr(changes, name)
        if value is not None and value != getattr(opportunity, name):
            record(kind, getattr(opportunity, name), value)
            setattr(opportunity, name, value)
            done.append(name)
    if changes.qualification is not None and changes.qualification != _qualification(opportunity):
        record(
            ChangeKind.QUALIFICATION,
            _qualification_value(_qualification(opportunity)),
            _qualification_value(changes.qualification),
        )
        opportunity.need_expressed = "need" in changes.qualification
        opportunity.can_answer = "answer" in changes.qualification
        opportunity.blockers_lifted = "blockers" in changes.qualification
        opportunity.meeting_planned = "meeting" in changes.qualification
        done.append("qualification")
    if changes.owner_id is not None and changes.owner_id != opportunity.owner_id:
        if not may_act_for(session=session, actor=actor, owner_id=changes.owner_id):
            raise Forbidden("edit.owner_forbidden", user=changes.owner_id)
        ensure_member(session=session, team_id=actor.team_id, user_id=changes.owner_id, now=now)
        record(ChangeKind.OWNER, opportunity.owner_id, changes.owner_id)
        opportunity.owner_id = changes.owner_id
        done.append("owner")
    if changes.stage is not None and changes.stage.id != opportunity.stage_id:
        if changes.stage.process_id != opportunity.process_id:
            transitions.change_process(
                session=session, actor=actor, opportunity=opportunity, stage=changes.stage
            )
            done.append("process")
        else:
            transitions.set_stage(
                session=session, opportunity=opportunity, stage=changes.stage, by=by, actor=actor
            )
            done.append("stage")
    if not done:
        return transitions.Outcome(
            opportunity, "move.nothing_to_edit", {"number": opportunity.number}, changed=False
        )
    opportunity.updated_at = now
    return transitions.Outcome(
        opportunity, "move.edited", {"number": opportunity.number, "fields": ",".join(done)}
    )


QUALIFICATION = ("need", "answer", "blockers", "meeting")


def _qualification(opportunity: Opportunity) -> frozenset[str]:
    flags = zip(QUALIFICATION, opportunity.qualification, strict=True)
    return frozenset(name for name, on in flags if on)


def _qualification_value(checked: frozenset[str]) -> str:
    """The checked items as the history keeps them: "need,meeting", in the checklist's order."""
    return ",".join(name for name in QUALIFICATION if name in checked)


def _next_step(
    opportunity: Opportunity,
    step: str | None,
    day: date | None,
    record: Callable[[ChangeKind, object, object], None],
    done: list[str],
) -> None:
    """A next step and its date, each recorded only if it really changed."""
    changed = False
    if step != opportunity.next_step:
        record(ChangeKind.NEXT_STEP, opportunity.next_step, step)
        opportunity.next_step = step
        changed = True
    if day != opportunity.next_step_date:
        before = opportunity.next_step_date
        record(ChangeKind.NEXT_STEP_DATE, before and before.isoformat(), day and day.isoformat())
        opportunity.next_step_date = day
        changed = True
    if changed:
        done.append("next_step")


def handle(*, session: Session, actor: Actor, text: str) -> transitions.Outcome:
    ref, _, rest = text.strip().partition(" ")
    if not ref:
        raise InvalidInput("move.usage_edit")
    opportunity = find(session=session, actor=actor, ref=ref)
    changes = parse_edit(session=session, actor=actor, opportunity=opportunity, text=rest)
    return apply(session=session, actor=actor, opportunity=opportunity, changes=changes)


def snooze(
    *,
    session: Session,
    actor: Actor,
    opportunity: Opportunity,
    until: date,
    expected_version: int | None = None,
) -> transitions.Outcome:
    check_can_change(session=session, actor=actor, opportunity=opportunity)
    transitions.check_version(opportunity, expected_version)
    opportunity.snoozed_until = until
    opportunity.updated_at = actor.now
    return transitions.Outcome(
        opportunity, "move.snoozed", {"number": opportunity.number, "date": until}
    )
