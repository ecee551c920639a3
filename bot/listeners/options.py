"""Options for external selects: the account typeahead."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import format as fmt
from bot.ids import Action
from bot.services import Services
from bot.views.blocks import option
from commands.context import Actor
from commands.deals import new as opp_new
from commands.i18n import t


def register(app: App, services: Services) -> None:
    @app.options(Action.ACCOUNT_SEARCH)
    def account_options(ack: Ack, payload: dict[str, Any], context: dict[str, Any]) -> None:
        actor: Actor = context["actor"]
        query = str(payload.get("value", ""))[: opp_new.MAX_ACCOUNT]
        with services.db.reading() as session:
            found = opp_new.account_options(session=session, actor=actor, query=query)
        ack(
            options=[
                option(
                    t(actor.lang, "modal.account_new", name=fmt.plain(label))
                    if value.startswith("new:")
                    else fmt.plain(label),
                    value,
                )
                for label, value in found
            ][:100]
        )
