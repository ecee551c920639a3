"""Listeners, one module per domain package (as `commands/` is grouped); each module's
`LISTENERS` table says which function answers which request, and `register_listeners` wires
them all, each behind the error guard."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import admin, analytics, deal_cards, deals, errors, nudging, reports, table

MODULES = (deals, deal_cards, reports, analytics, nudging, admin)


def register_listeners(app: App) -> None:
    errors.register(app)
    for module in MODULES:
        table.register(app, module.LISTENERS)
