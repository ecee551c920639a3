"""Each listener module's table: which function answers which request, one mapping per kind.

`register` applies the error guard to every listener, so no listener has to remember it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import App

from bot.listeners.errors import guarded

Listener = Callable[..., Any]
Key = str | re.Pattern[str]  # a command, action_id, callback_id or event type; or a pattern


@dataclass(frozen=True)
class Listeners:
    commands: Mapping[str, Listener] = field(default_factory=dict)
    actions: Mapping[Key, Listener] = field(default_factory=dict)
    views: Mapping[str, Listener] = field(default_factory=dict)
    options: Mapping[str, Listener] = field(default_factory=dict)
    events: Mapping[str, Listener] = field(default_factory=dict)


def register(app: App, table: Listeners) -> None:
    for command, listener in table.commands.items():
        app.command(command)(guarded(listener))
    for action, listener in table.actions.items():
        app.action(action)(guarded(listener))
    for callback, listener in table.views.items():
        app.view(callback)(guarded(listener))
    for action, listener in table.options.items():
        app.options(action)(guarded(listener))
    for event, listener in table.events.items():
        app.event(event)(guarded(listener))
