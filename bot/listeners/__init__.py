"""Listeners, one module per kind of Slack request; `register_listeners` wires them all."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import (
    actions,
    board,
    cards,
    commands,
    errors,
    home,
    nudges,
    options,
    salesbot,
    stats,
    views,
)
from bot.services import Services


def register_listeners(app: App, services: Services) -> None:
    errors.register(app, services)
    commands.register(app, services)
    actions.register(app, services)
    cards.register(app, services)
    board.register(app, services)
    home.register(app, services)
    salesbot.register(app, services)
    nudges.register(app, services)
    stats.register(app, services)
    views.register(app, services)
    options.register(app, services)
