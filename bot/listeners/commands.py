"""Slash commands: ack with the answer (it takes milliseconds), or open a modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.home import refresh_homes
from bot.ids import Command
from bot.listeners.cards import announce, edited_note
from bot.listeners.changes import outcome_text
from bot.listeners.errors import after_ack
from bot.listeners.stats import send_export
from bot.services import Services
from bot.views import modal, opportunity
from commands.context import Actor
from commands.deals import account as opp_account
from commands.deals import edit as opp_edit
from commands.deals import listing as opp_list
from commands.deals import moves as opp_moves
from commands.deals import new as opp_new
from commands.deals import show as opp_show
from commands.deals import snooze as opp_snooze
from commands.deals.router import route
from commands.i18n import t

MOVES = {
    "move": opp_moves.move,
    "next": opp_moves.advance,
    "won": opp_moves.win,
    "lost": opp_moves.lose,
    "reopen": opp_moves.reopen,
    "edit": opp_edit.handle,
    "snooze": opp_snooze.handle,
}


def register(app: App, services: Services) -> None:
    guard = after_ack(services)
    db = services.db

    @app.command(Command.OPP)
    @guard
    def opp_command(
        ack: Ack, command: dict[str, Any], client: WebClient, context: dict[str, Any]
    ) -> None:
        actor: Actor = context["actor"]
        lang = actor.lang
        routed = route(command.get("text", ""))
        if routed.subcommand == "help":
            ack(**opportunity.help_message(lang))
        elif routed.subcommand == "new":
            with db.transaction() as session:
                result: opp_new.Created | opp_new.OpenForm = (
                    opp_new.quick(session=session, actor=actor, text=routed.rest)
                    if routed.rest
                    else opp_new.OpenForm(opp_new.Prefill())
                )
                choices = opp_new.choices(session=session, actor=actor)
            if isinstance(result, opp_new.Created):
                note = t(lang, "opp.created", number=result.card.number)
                ack(**opportunity.card_message(result.card, lang, actor.tz, note=note))
                refresh_homes(services, client, actor.team_id, (actor.user_id,))
                return
            ack()
            metadata = {
                "channel": command.get("channel_id", ""),
                "response_url": command.get("response_url", ""),
            }
            client.views_open(
                trigger_id=command["trigger_id"],
                view=modal.new_opportunity(choices, result.prefill, lang, metadata=metadata),
            )
        elif routed.subcommand == "list":
            with db.reading() as session:
                listing = opp_list.handle(session=session, actor=actor, text=routed.rest)
            ack(**opportunity.opportunity_list(listing, lang))
        elif routed.subcommand == "show":
            with db.reading() as session:
                card = opp_show.handle(session=session, actor=actor, text=routed.rest)
            ack(**opportunity.card_message(card, lang, actor.tz))
        elif routed.subcommand in MOVES:
            with db.transaction() as session:
                outcome = MOVES[routed.subcommand](session=session, actor=actor, text=routed.rest)
                session.flush()
                card = opp_show.full_card(
                    session=session, actor=actor, opportunity=outcome.opportunity
                )
            note = outcome_text(actor, outcome)
            if routed.subcommand == "edit":
                note = edited_note(actor, outcome)
            ack(**opportunity.card_message(card, lang, actor.tz, note=note))
            if routed.subcommand == "won" and outcome.changed:
                announce(services, client, actor, card)
            if outcome.changed:
                refresh_homes(services, client, actor.team_id, (card.owner_id, actor.user_id))
        elif routed.subcommand == "export":
            send_export(services, ack=ack, client=client, actor=actor, text=routed.rest)
        elif routed.subcommand == "account":
            with db.reading() as session:
                account = opp_account.handle(session=session, actor=actor, text=routed.rest)
            ack(**opportunity.account_view(account, lang))
