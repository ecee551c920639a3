"""`/opp`, the "Open" and "New opportunity" buttons, the account typeahead and the new-deal modal.

`/opp` is routed in the domain (`commands.deals.router`); the listener answers each kind of
result with its view. The card's own buttons are `bot.listeners.deal_cards`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot import format as fmt
from bot.home import refresh_homes
from bot.ids import Action, Block, Callback, Command
from bot.listeners.deal_changes import announce, edited_note, outcome_text, show_card
from bot.listeners.errors import after_commit, field_errors
from bot.listeners.io import send_export
from bot.listeners.replies import metadata, open_modal, origin, reply
from bot.listeners.table import Listeners
from bot.services import Services
from bot.views import deal_forms
from bot.views import deals as deal_views
from bot.views.blocks import option
from commands.context import Actor
from commands.deals import AccountView, Card, OpportunityList, listing, router
from commands.deals import new as opp_new
from commands.deals import show as opp_show
from commands.errors import FormInvalid
from commands.i18n import t
from commands.io import Plan


def opp_command(
    ack: Ack, command: dict[str, Any], client: WebClient, actor: Actor, services: Services
) -> None:
    routed = router.route(command.get("text", ""))
    if routed.subcommand == "help":
        ack(**deal_views.help_message(actor.lang))
        return
    unit_of_work = services.db.transaction if routed.writes else services.db.reading
    key = f"command:{command['trigger_id']}" if command.get("trigger_id") else None
    with unit_of_work() as session:
        result = router.run(session=session, actor=actor, routed=routed, key=key)
    with _after(result):
        answer_opp(result, ack=ack, command=command, client=client, actor=actor, services=services)


def _after(result: router.Result) -> AbstractContextManager[None]:
    """A committed change whose answer fails says it was made (and how to see it), so that
    the rep does not type the command again and apply it twice."""
    if isinstance(result, opp_new.Created):
        return after_commit(result.card.number)
    if isinstance(result, router.Moved) and result.outcome.changed:
        return after_commit(result.card.number)
    return nullcontext()


def answer_opp(
    result: router.Result,
    *,
    ack: Ack,
    command: dict[str, Any],
    client: WebClient,
    actor: Actor,
    services: Services,
) -> None:
    """Each kind of `/opp` result with its view; a change also refreshes the Homes it shows in."""
    lang, tz = actor.lang, actor.tz
    if isinstance(result, router.NewForm):
        ack()
        form = deal_forms.new_opportunity(
            result.choices, result.prefill, lang, metadata=origin(command)
        )
        open_modal(client, command, form)
    elif isinstance(result, opp_new.Created):
        note = t(lang, "opp.created", number=result.card.number)
        ack(**deal_views.card_message(result.card, lang, tz, note=note))
        refresh_homes(services, client, actor.team_id, (actor.user_id,))
    elif isinstance(result, router.Moved):
        answer_moved(result, ack=ack, client=client, actor=actor, services=services)
    elif isinstance(result, OpportunityList):
        ack(**deal_views.opportunity_list(result, lang))
    elif isinstance(result, Card):
        ack(**deal_views.card_message(result, lang, tz))
    elif isinstance(result, AccountView):
        ack(**deal_views.account_view(result, lang))
    elif isinstance(result, Plan):
        send_export(result, ack=ack, client=client, actor=actor, services=services)


def answer_moved(
    moved: router.Moved, *, ack: Ack, client: WebClient, actor: Actor, services: Services
) -> None:
    outcome, card = moved.outcome, moved.card
    note = (
        edited_note(actor, outcome) if moved.subcommand == "edit" else outcome_text(actor, outcome)
    )
    ack(**deal_views.card_message(card, actor.lang, actor.tz, note=note))
    if moved.subcommand == "won" and outcome.changed:
        announce(services, client, actor, card)
    if outcome.changed:
        refresh_homes(services, client, actor.team_id, (card.owner_id, actor.user_id))


def show(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    actor: Actor,
    services: Services,
) -> None:
    ack()
    with services.db.reading() as session:
        card = opp_show.handle(session=session, actor=actor, text=action.get("value", ""))
    show_card(body, client, actor, services, card)


def list_page(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    actor: Actor,
    services: Services,
) -> None:
    """ "More" under `/opp list`: the next page, as a new answer where the list was."""
    ack()
    offset, _, text = str(action.get("value", "")).partition(":")
    with services.db.reading() as session:
        result = listing.handle(
            session=session, actor=actor, text=text, offset=int(offset) if offset.isdigit() else 0
        )
    answer = deal_views.opportunity_list(result, actor.lang)
    reply(
        client, actor.user_id, answer, response_url=body.get("response_url"), replace_original=False
    )


def open_new(
    ack: Ack, body: dict[str, Any], client: WebClient, actor: Actor, services: Services
) -> None:
    with services.db.reading() as session:
        choices = opp_new.choices(session=session, actor=actor)
    ack()
    form = deal_forms.new_opportunity(choices, opp_new.Prefill(), actor.lang, metadata=origin(body))
    open_modal(client, body, form)


def account_options(ack: Ack, payload: dict[str, Any], actor: Actor, services: Services) -> None:
    query = str(payload.get("value", ""))[: opp_new.MAX_ACCOUNT]
    with services.db.reading() as session:
        found = opp_new.account_options(session=session, actor=actor, query=query)
    ack(options=[_account_option(label, value, actor.lang) for label, value in found][:100])


def _account_option(label: str, value: str, lang: str) -> dict[str, Any]:
    if value.startswith("new:"):
        return option(t(lang, "modal.account_new", name=fmt.plain(label)), value)
    return option(fmt.plain(label), value)


def new_opportunity(
    ack: Ack, view: dict[str, Any], client: WebClient, actor: Actor, services: Services
) -> None:
    form = new_opportunity_input(view)
    # The same form submitted twice (a double click, Slack's retry) has the same id and hash.
    key = f"view:{view['id']}:{view.get('hash', '')}" if view.get("id") else None
    try:
        with services.db.transaction() as session:
            card = opp_new.submit(session=session, actor=actor, form=form, key=key)
    except FormInvalid as invalid:
        ack(response_action="errors", errors=field_errors(invalid.errors, actor.lang))
        return
    ack()
    with after_commit(card.number):
        note = t(actor.lang, "opp.created", number=card.number)
        answer = deal_views.card_message(card, actor.lang, actor.tz, note=note)
        reply(client, actor.user_id, answer, response_url=metadata(view).get("response_url"))
        refresh_homes(services, client, actor.team_id, (actor.user_id,))


def _value(state: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    value = state.get(block, {}).get(action)
    return value if isinstance(value, dict) else {}


def new_opportunity_input(view: dict[str, Any]) -> opp_new.NewOpportunityInput:
    """Turn the modal's state into plain input, whatever the client sent (or left out)."""
    state = view.get("state", {}).get("values", {})

    def text(block: str) -> str:
        return str(_value(state, block, block).get("value") or "")

    def picked(block: str) -> str | None:
        return _value(state, block, block).get("selected_date") or None

    account = _value(state, Block.ACCOUNT, Action.ACCOUNT_SEARCH).get("selected_option") or {}
    stage = _value(state, Block.STAGE, Block.STAGE).get("selected_option") or {}
    checked = _value(state, Block.QUALIFICATION, Block.QUALIFICATION).get("selected_options")
    return opp_new.NewOpportunityInput(
        account=str(account.get("value") or ""),
        title=text(Block.TITLE),
        amount=text(Block.AMOUNT),
        close_date=picked(Block.CLOSE_DATE),
        stage_id=str(stage.get("value") or "") or None,
        origin=text(Block.ORIGIN),
        product=text(Block.PRODUCT),
        next_step=text(Block.NEXT_STEP),
        next_step_date=picked(Block.NEXT_STEP_DATE),
        qualification=frozenset(str(o.get("value")) for o in checked or []),
    )


LISTENERS = Listeners(
    commands={Command.OPP: opp_command},
    actions={Action.SHOW: show, Action.OPEN_NEW: open_new, Action.LIST_PAGE: list_page},
    views={Callback.NEW_OPPORTUNITY: new_opportunity},
    options={Action.ACCOUNT_SEARCH: account_options},
)
