"""Listeners for stats (see the issue); registered by bot.listeners.register_listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.services import Services


def register(app: App, services: Services) -> None:
    """Nothing yet."""
