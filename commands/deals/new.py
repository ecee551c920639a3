"""`/opp new`: log a qualified opportunity, from one line of text or from the modal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.deals.cards import Card, card_of
from commands.errors import DomainError, FormInvalid, InvalidInput, NotFound
from commands.parsing import (
    Amount,
    QuickCreate,
    clean_text,
    parse_amount,
    parse_close_date,
    parse_quick_create,
)
from storage import creation_keys, queries
from storage.models import Opportunity, Stage, Status

QUALIFICATION = ("need", "answer", "blockers", "meeting")
MAX_ACCOUNT = 140  # fits an option value ("new:" + name ≤ 150) in the typeahead
MAX_TITLE = 200
MAX_FREE = 100  # origin, product
MAX_NEXT_STEP = 300


@dataclass(frozen=True)
class Prefill:
    """What was understood from the text, to pre-fill the modal."""

    account: str | None = None
    """The account as typed, or as stored when it already exists."""
    title: str | None = None
    amount_text: str | None = None
    close_date: date | None = None
    account_id: int | None = None
    """The existing account the typed name matches: the form offers it as itself (`id:<n>`),
    not as a new account of the same name."""


@dataclass(frozen=True)
class OpenForm:
    prefill: Prefill


@dataclass(frozen=True)
class Created:
    card: Card


@dataclass(frozen=True)
class ProcessChoice:
    id: int
    name: str
    stages: tuple[tuple[int, str, int], ...]  # (stage id, name, probability)


@dataclass(frozen=True)
class FormChoices:
    processes: tuple[ProcessChoice, ...]
    currency: str


@dataclass(frozen=True)
class NewOpportunityInput:
    """The modal's fields as typed; nothing here is trusted yet."""

    account: str = ""
    title: str = ""
    amount: str = ""
    close_date: str | None = None
    stage_id: str | None = None
    origin: str = ""
    product: str = ""
    next_step: str = ""
    next_step_date: str | None = None
    qualification: frozenset[str] = field(default_factory=frozenset)


def quick(
    *, session: Session, actor: Actor, text: str, key: str | None = None
) -> Created | OpenForm:
    """Create straight away when the line says enough; otherwise open a pre-filled modal.

    What cannot be an amount or a date is refused before anything is saved or any form opens.
    `key`: what identifies this delivery of the request (`created_once`).
    """
    parsed = parse_quick_create(clean_text(text), today=actor.today, lang=actor.lang)
    if parsed.amount_error is not None:
        raise _amount_refused(parsed.amount_error, parsed)
    if parsed.date_error is not None:
        raise parsed.date_error  # never store a date we did not understand
    if parsed.amount is not None:
        check_currency(session=session, actor=actor, amount=parsed.amount)
    # Checked before the form too: the form's fields cannot hold more, and would drop the rest.
    if parsed.account:
        _check_length(parsed.account, MAX_ACCOUNT, "account")
    if parsed.title:
        _check_length(parsed.title, MAX_TITLE, "title")
    if not (parsed.account and parsed.amount and parsed.close_date and parsed.title):
        amount_text = None
        if parsed.amount is not None:
            amount_text = _plain_amount(parsed.amount.minor)
        existing = None
        if parsed.account:
            existing = queries.find_account(
                session=session, team_id=actor.team_id, name=parsed.account
            )
        return OpenForm(
            Prefill(
                account=existing.name if existing else parsed.account,
                title=parsed.title,
                amount_text=amount_text,
                close_date=parsed.close_date,
                account_id=existing.id if existing else None,
            )
        )
    earlier = _created_before(session=session, actor=actor, key=key)
    if earlier is not None:
        return Created(card_of(earlier, actor))
    stage = _default_stage(session=session, actor=actor)
    opportunity = _create(
        session=session,
        actor=actor,
        account_name=parsed.account,
        title=parsed.title,
        amount_minor=parsed.amount.minor,
        close_date=parsed.close_date,
        stage=stage,
        key=key,
    )
    return Created(card_of(opportunity, actor))


def _created_before(*, session: Session, actor: Actor, key: str | None) -> Opportunity | None:
    """The deal a first delivery of this request created, if this is a second one (a Slack
    retry, a double submit, a replayed request); else the key is now this transaction's."""
    if not key:
        return None
    claim = creation_keys.claim(session=session, team_id=actor.team_id, key=key, now=actor.now)
    if claim.first or claim.number is None:
        return None
    return queries.get_opportunity(session=session, team_id=actor.team_id, number=claim.number)


def _amount_refused(error: InvalidInput, parsed: QuickCreate) -> InvalidInput:
    """The line's refused amount, with what the rest of the line was read as."""
    key = {
        "parse.amount_not_positive": "opp.quick_amount_not_positive",
        "parse.amount_too_large": "opp.quick_amount_too_large",
    }.get(error.key)
    if key is None:
        return error
    return InvalidInput(
        key,
        field="amount",
        text=error.params["text"],
        account=parsed.account or "—",
        title=parsed.title or "—",
    )


def choices(*, session: Session, actor: Actor) -> FormChoices:
    workspace = queries.get_workspace(session=session, team_id=actor.team_id)
    assert workspace is not None
    processes = queries.active_processes(session=session, team_id=actor.team_id)
    return FormChoices(
        processes=tuple(
            ProcessChoice(
                id=p.id,
                name=p.name,
                stages=tuple((s.id, s.name, s.probability) for s in queries.live_stages(p)),
            )
            for p in processes
        ),
        currency=workspace.currency,
    )


def account_options(*, session: Session, actor: Actor, query: str) -> list[tuple[str, str]]:
    """(label, value) pairs for the account typeahead: matches, then "new account: <query>"."""
    query = clean_text(query, max_len=MAX_ACCOUNT)
    accounts = queries.search_accounts(session=session, team_id=actor.team_id, query=query)
    options = [(a.name, f"id:{a.id}") for a in accounts]
    exact = any(queries.name_key(a.name) == queries.name_key(query) for a in accounts)
    if query and not exact:
        options.append((query, f"new:{query}"))
    return options


def submit(
    *, session: Session, actor: Actor, form: NewOpportunityInput, key: str | None = None
) -> Card:
    """Validate every field (all errors at once, for the modal) and create the deal — once
    per `key` (what identifies this submission: the same form submitted twice gives one)."""
    errors: dict[str, DomainError] = {}

    account_name: str | None = None
    try:
        account_name = _account_name(session=session, actor=actor, value=form.account)
    except DomainError as error:
        errors["account"] = error
    title = ""
    try:
        title = clean_text(form.title, max_len=MAX_TITLE)
        if not title:
            raise InvalidInput("opp.title_required", field="title")
    except DomainError as error:
        errors["title"] = error
    amount: Amount | None = None
    try:
        amount = parse_amount(clean_text(form.amount, max_len=40))
        check_currency(session=session, actor=actor, amount=amount)
    except DomainError as error:
        errors["amount"] = error
    close: date | None = None
    try:
        if not form.close_date:
            raise InvalidInput("opp.close_date_required", field="close_date")
        close = parse_close_date(form.close_date, today=actor.today, lang=actor.lang)
    except DomainError as error:
        errors["close_date"] = error
    stage: Stage | None = None
    try:
        stage = _chosen_stage(session=session, actor=actor, value=form.stage_id)
    except DomainError as error:
        errors["stage"] = error
    next_date: date | None = None
    try:
        if form.next_step_date:
            next_date = parse_close_date(form.next_step_date, today=actor.today, lang=actor.lang)
    except DomainError as error:
        errors["next_step_date"] = error
    free: dict[str, str | None] = {}
    for name, value, limit in (
        ("origin", form.origin, MAX_FREE),
        ("product", form.product, MAX_FREE),
        ("next_step", form.next_step, MAX_NEXT_STEP),
    ):
        try:
            free[name] = clean_text(value, max_len=limit) or None
        except DomainError as error:
            errors[name] = error
    if errors:
        raise FormInvalid(errors)
    assert account_name is not None and amount is not None and close is not None
    assert stage is not None
    earlier = _created_before(session=session, actor=actor, key=key)
    if earlier is not None:
        return card_of(earlier, actor)
    opportunity = _create(
        session=session,
        actor=actor,
        account_name=account_name,
        title=title,
        amount_minor=amount.minor,
        close_date=close,
        stage=stage,
        origin=free["origin"],
        product=free["product"],
        next_step=free["next_step"],
        next_step_date=next_date,
        qualification=form.qualification,
        key=key,
    )
    return card_of(opportunity, actor)


def _create(
    *,
    session: Session,
    actor: Actor,
    account_name: str,
    title: str,
    amount_minor: int,
    close_date: date,
    stage: Stage,
    origin: str | None = None,
    product: str | None = None,
    next_step: str | None = None,
    next_step_date: date | None = None,
    qualification: frozenset[str] = frozenset(),
    key: str | None = None,
) -> Opportunity:
    workspace = queries.get_workspace(session=session, team_id=actor.team_id)
    assert workspace is not None
    account = queries.find_or_add_account(
        session=session, team_id=actor.team_id, name=account_name, now=actor.now
    )
    opportunity = Opportunity(
        team_id=actor.team_id,
        number=queries.next_opportunity_number(session=session, team_id=actor.team_id),
        account=account,
        title=title,
        amount_minor=amount_minor,
        currency=workspace.currency,
        close_date=close_date,
        owner_id=actor.user_id,
        created_by=actor.user_id,
        process_id=stage.process_id,
        stage=stage,
        process=stage.process,
        status=Status.OPEN,
        origin=origin,
        product=product,
        next_step=next_step,
        next_step_date=next_step_date,
        need_expressed="need" in qualification,
        can_answer="answer" in qualification,
        blockers_lifted="blockers" in qualification,
        meeting_planned="meeting" in qualification,
        created_at=actor.now,
        updated_at=actor.now,
        stage_entered_at=actor.now,
    )
    queries.add_opportunity(session=session, opportunity=opportunity, now=actor.now)
    if key:
        creation_keys.created(
            session=session, team_id=actor.team_id, key=key, number=opportunity.number
        )
    return opportunity


def _default_stage(*, session: Session, actor: Actor) -> Stage:
    for process in queries.active_processes(session=session, team_id=actor.team_id):
        stages = queries.live_stages(process)
        if stages:
            return stages[0]
    raise NotFound("opp.no_process")


def _chosen_stage(*, session: Session, actor: Actor, value: str | None) -> Stage:
    if not value:
        return _default_stage(session=session, actor=actor)
    stage = None
    if value.isdigit():
        stage = queries.get_stage(session=session, team_id=actor.team_id, stage_id=int(value))
    if stage is None or stage.removed_at is not None or stage.process.archived_at is not None:
        raise InvalidInput("opp.stage_invalid", field="stage")
    return stage


def _account_name(*, session: Session, actor: Actor, value: str) -> str:
    """The typeahead sends `id:<n>` for an existing account and `new:<name>` for a new one."""
    if value.startswith("id:") and value[3:].isdigit():
        account = queries.get_account(
            session=session, team_id=actor.team_id, account_id=int(value[3:])
        )
        if account is None:
            raise InvalidInput("opp.account_invalid", field="account")
        return account.name
    name = clean_text(value.removeprefix("new:"), max_len=MAX_ACCOUNT)
    if not name:
        raise InvalidInput("opp.account_required", field="account")
    return name


def check_currency(*, session: Session, actor: Actor, amount: Amount) -> None:
    """One currency per workspace keeps every total exact; a different one is refused."""
    workspace = queries.get_workspace(session=session, team_id=actor.team_id)
    assert workspace is not None
    if amount.currency is not None and amount.currency != workspace.currency:
        raise InvalidInput(
            "opp.currency_mismatch",
            field="amount",
            typed=amount.currency,
            currency=workspace.currency,
        )


def _check_length(text: str, limit: int, field_name: str) -> None:
    if len(text) > limit:
        raise InvalidInput("opp.field_too_long", field=field_name, max=limit)


def _plain_amount(minor: int) -> str:
    units, cents = divmod(minor, 100)
    return f"{units}" if cents == 0 else f"{units}.{cents:02d}"
