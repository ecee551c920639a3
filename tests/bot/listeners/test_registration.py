"""`register_listeners`: every module's table wired, each listener behind the error guard."""

from __future__ import annotations

import inspect
from typing import Any
from unittest.mock import MagicMock

from bot.ids import Action, Admin, Callback, Command, Nudge, StatsButton
from bot.listeners import register_listeners


def _registered(app: MagicMock, kind: str) -> dict[Any, Any]:
    """{key: the function Bolt was given} for app.<kind>(key)(function)."""
    method = getattr(app, kind)
    found: dict[Any, Any] = {}
    for key_call, decorator in zip(method.call_args_list, _decorators(method), strict=True):
        found[key_call.args[0]] = decorator
    return found


def _decorators(method: MagicMock) -> list[Any]:
    return [c.args[0] for c in method.return_value.call_args_list]


def test_every_command_action_view_option_and_event_is_registered_once() -> None:
    app = MagicMock()
    register_listeners(app)
    app.error.assert_called_once()
    commands = _registered(app, "command")
    assert set(commands) == {Command.OPP, Command.PIPELINE, Command.FORECAST, Command.SALESBOT}
    actions = {k if isinstance(k, str) else k.pattern for k in _registered(app, "action")}
    assert {Action.SHOW, Action.ADVANCE, Action.MENU, Action.HOME_SCOPE} <= actions
    assert {Nudge.SNOOZE, Nudge.FOLLOWUP_DONE, Admin.OPEN_SETTINGS, StatsButton.CHART} <= actions
    assert len(app.action.call_args_list) == len(actions)
    views = set(_registered(app, "view"))
    assert views == {Callback.NEW_OPPORTUNITY, Callback.LOST, Callback.EDIT, Admin.SETTINGS}
    assert set(_registered(app, "options")) == {Action.ACCOUNT_SEARCH}
    assert set(_registered(app, "event")) == {"app_home_opened"}


def test_every_listener_is_guarded() -> None:
    """The guard asks Bolt for `ack` and `context` even when the listener does not."""
    app = MagicMock()
    register_listeners(app)
    for kind in ("command", "action", "view", "options", "event"):
        for listener in _registered(app, kind).values():
            names = inspect.getfullargspec(inspect.unwrap(listener)).args
            assert {"ack", "context"} <= set(names), listener.__name__
