"""The card's buttons: advance, stage picker, won, lost, reopen, the overflow menu, and the
"Lost" and edit modals they open.

A click acks at once, then changes the deal in one transaction and redraws the card where it
was (the same message; in the App Home, the Home republished) with a line saying what happened.
A click on a stale card changes nothing and redraws the current card; two racing clicks move
the deal once (optimistic locking). Whatever fails after the commit says the change was made.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.ids import Action, Block, Callback, Menu, parse_card_value, parse_stage_value
from bot.listeners.deal_changes import (
    CHANGES,
    Change,
    Changed,
    announce,
    answer_click,
    answer_submission,
    current_card,
    edited_note,
    lose_for,
    run_change,
    show_card,
    snooze_until,
    to_stage,
)
from bot.listeners.errors import after_commit, field_errors
from bot.listeners.replies import metadata, open_modal, origin
from bot.listeners.table import Listeners
from bot.payloads import card_metadata
from bot.services import Services
from bot.views import deal_forms
from commands.context import Actor
from commands.deals import edit as opp_edit
from commands.deals import moves as opp_moves
from commands.deals import new as opp_new
from commands.deals import show as opp_show
from commands.deals import snooze as opp_snooze
from commands.deals import transitions
from commands.errors import ConcurrentEdit, FormInvalid, InvalidInput
from commands.permissions import check_can_change
from storage import queries

# The buttons that change the deal straight away, by action_id.
CLICKS: dict[str, str] = {
    Action.ADVANCE: "advance",
    Action.STAGE: "stage",
    Action.WON: "won",
    Action.REOPEN: "reopen",
}


def clicked(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    actor: Actor,
    services: Services,
) -> None:
    """Advance, won, reopen ("<number>:<version>") and the stage picker ("<stage>:<number>:…")."""
    ack()
    kind = CLICKS[str(action.get("action_id", ""))]
    raw = action.get("value") or (action.get("selected_option") or {}).get("value", "")
    change: Change
    if kind == "stage":
        stage_id, number, version = parse_stage_value(str(raw))
        change = to_stage(stage_id)
    else:
        number, version = parse_card_value(str(raw))
        change = CHANGES[kind]
    done = run_change(services.db, actor, number, change, version)
    with _after(done):
        if kind == "won":
            _announce_win(done, client, actor, services)
        answer_click(body, respond, client, actor, services, done.card, done.note)


def _after(done: Changed) -> AbstractContextManager[None]:
    """What follows a change that was committed must not say "nothing was changed"."""
    changed = done.outcome is not None and done.outcome.changed
    return after_commit(done.card.number) if changed else nullcontext()


def _announce_win(done: Changed, client: WebClient, actor: Actor, services: Services) -> None:
    """Once: not on a stale click, nor on a deal already won. Before the answer, so that a
    failing answer does not lose the celebration."""
    if done.outcome is not None and done.outcome.changed:
        announce(services, client, actor, done.card)


def lost(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    actor: Actor,
    services: Services,
) -> None:
    number, version = parse_card_value(str(action.get("value", "")))
    open_lost(ack, body, client, actor, services, number, version)


def open_lost(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    actor: Actor,
    services: Services,
    number: int,
    version: int | None,
) -> None:
    """The "Lost" modal: opened before any slow work, the trigger expires in 3 s."""
    with services.db.reading() as session:
        deal = opp_show.find(session=session, actor=actor, ref=str(number))
        check_can_change(session=session, actor=actor, opportunity=deal)
        card = opp_show.full_card(session=session, actor=actor, opportunity=deal)
        reasons = [r.label for r in queries.lost_reasons(session=session, team_id=actor.team_id)]
    ack()
    meta = {"number": number, "version": version, **origin(body)}
    open_modal(client, body, deal_forms.lost_modal(card, reasons, actor.lang, metadata=meta))


def open_edit(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    actor: Actor,
    services: Services,
    number: int,
    version: int | None,
) -> None:
    with services.db.reading() as session:
        deal = opp_show.find(session=session, actor=actor, ref=str(number))
        check_can_change(session=session, actor=actor, opportunity=deal)
        card = opp_show.full_card(session=session, actor=actor, opportunity=deal)
        choices = opp_new.choices(session=session, actor=actor)
    ack()
    meta = {"number": number, "version": version, **origin(body)}
    open_modal(client, body, deal_forms.edit_modal(card, choices, actor.lang, metadata=meta))


def lost_submitted(
    ack: Ack, view: dict[str, Any], client: WebClient, actor: Actor, services: Services
) -> None:
    meta = metadata(view)
    number, version = card_metadata(meta)
    state = view.get("state", {}).get("values", {})
    picked = (_value(state, Block.LOST_REASON).get("selected_option") or {}).get("value") or ""
    detail = _value(state, Block.LOST_DETAIL).get("value") or ""
    try:
        reason = opp_moves.lost_reason(str(picked), str(detail))
    except FormInvalid as invalid:
        ack(response_action="errors", errors=field_errors(invalid.errors, actor.lang))
        return
    ack()
    done = run_change(services.db, actor, number, lose_for(reason), version)
    with _after(done):
        answer_submission(meta, client, actor, services, done.card, done.note)


def menu(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    actor: Actor,
    services: Services,
) -> None:
    choice, _, rest = str((action.get("selected_option") or {}).get("value", "")).partition(":")
    number, version = parse_card_value(rest)
    if choice in (Menu.LOST, Menu.EDIT):
        opener = open_lost if choice == Menu.LOST else open_edit
        opener(ack, body, client, actor, services, number, version)
        return
    ack()
    if choice == Menu.SHOW:
        show_card(body, client, actor, services, current_card(services.db, actor, number))
        return
    done = run_change(services.db, actor, number, _menu_change(choice, actor), version)
    with _after(done):
        if choice == Menu.WON:
            _announce_win(done, client, actor, services)
        answer_click(body, respond, client, actor, services, done.card, done.note)


def _menu_change(choice: str, actor: Actor) -> Change:
    if choice == Menu.SNOOZE:
        return snooze_until(opp_snooze.after_days(opp_snooze.MENU_DAYS, today=actor.today))
    if choice in (Menu.REOPEN, Menu.ADVANCE, Menu.WON):
        return CHANGES[choice]
    raise InvalidInput("opp.ref_invalid", ref=choice[:40])


def edit_submitted(
    ack: Ack, view: dict[str, Any], client: WebClient, actor: Actor, services: Services
) -> None:
    meta = metadata(view)
    number, version = card_metadata(meta)
    try:
        edited = _edit(services, actor, number, edit_input(view), version)
    except FormInvalid as invalid:
        ack(response_action="errors", errors=field_errors(invalid.errors, actor.lang))
        return
    ack()
    with after_commit(edited.card.number) if edited.outcome.changed else nullcontext():
        note = edited_note(actor, edited.outcome)
        answer_submission(meta, client, actor, services, edited.card, note)


def _edit(
    services: Services, actor: Actor, number: int, form: opp_edit.EditForm, version: int | None
) -> opp_edit.Edited:
    """The form is refused next to the title when the deal changed since the modal opened."""
    try:
        with services.db.transaction() as session:
            return opp_edit.submit(
                session=session, actor=actor, number=number, form=form, expected_version=version
            )
    except (transitions.Stale, ConcurrentEdit):
        conflict = InvalidInput("move.conflict", number=number)
        raise FormInvalid({Block.TITLE: conflict}) from None


def _value(state: dict[str, Any], block: str) -> dict[str, Any]:
    found = state.get(block, {}).get(block)
    return found if isinstance(found, dict) else {}


def edit_input(view: dict[str, Any]) -> opp_edit.EditForm:
    """The edit modal's state as plain input, whatever the client sent (or left out)."""
    state = view.get("state", {}).get("values", {})

    def text(block: str) -> str:
        return str(_value(state, block).get("value") or "")

    picked_stage = _value(state, Block.STAGE).get("selected_option") or {}
    checked = _value(state, Block.QUALIFICATION).get("selected_options") or []
    return opp_edit.EditForm(
        title=text(Block.TITLE),
        amount=text(Block.AMOUNT),
        close_date=_value(state, Block.CLOSE_DATE).get("selected_date") or None,
        stage_id=str(picked_stage.get("value") or ""),
        probability=text(Block.PROBABILITY),
        origin=text(Block.ORIGIN),
        product=text(Block.PRODUCT),
        next_step=text(Block.NEXT_STEP),
        next_step_date=_value(state, Block.NEXT_STEP_DATE).get("selected_date") or None,
        qualification=frozenset(str(o.get("value")) for o in checked),
    )


LISTENERS = Listeners(
    actions={**dict.fromkeys(CLICKS, clicked), Action.LOST: lost, Action.MENU: menu},
    views={Callback.LOST: lost_submitted, Callback.EDIT: edit_submitted},
)
