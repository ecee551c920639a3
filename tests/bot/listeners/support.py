"""Calling a listener as Bolt would: a real `Ack`, mock `respond` and `client`, the services and
the actor that the middleware puts in the context, and the registration's error guard."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, cast
from unittest.mock import MagicMock

from slack_bolt import Ack
from sqlalchemy.orm import Session

from bot.listeners.errors import guarded
from bot.services import Services
from bot.settings import Settings
from commands.context import Actor
from storage.db import Database

SETTINGS = Settings(
    bot_token=None,
    signing_secret=None,
    app_token=None,
    database_url="sqlite://",
    slack_api_url="http://127.0.0.1:9/api/",
    default_currency="EUR",
    default_language="fr",
    default_timezone="Europe/Paris",
)


class SessionDatabase:
    """Stands for `storage.db.Database`: every unit of work is the test's own session (rolled
    back after the test); a failing transaction rolls back to its savepoint, as a real one would."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.session.begin_nested():
            yield self.session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        yield self.session


def services_for(session: Session) -> Services:
    return Services(settings=SETTINGS, db=cast(Database, SessionDatabase(session)))


class Call:
    """One request's injected arguments; `run` calls the listener behind the error guard."""

    def __init__(self, services: Services, actor: Actor, **payload: Any) -> None:
        self.ack = Ack()
        self.respond = MagicMock(name="respond")
        self.client = MagicMock(name="client")
        self.context: dict[str, Any] = {
            "services": services,
            "actor": actor,
            "client": self.client,
            "team_id": actor.team_id,
            "user_id": actor.user_id,
        }
        self.kwargs: dict[str, Any] = {
            "ack": self.ack,
            "respond": self.respond,
            "client": self.client,
            "context": self.context,
            "actor": actor,
            "services": services,
            "body": {},  # Bolt always has one; a test passes its own when it matters
            **payload,
        }

    def run(self, listener: Callable[..., Any]) -> None:
        """As Bolt does: only the arguments the (guarded) listener names."""
        wrapped = guarded(listener)
        names = inspect.signature(wrapped).parameters
        wrapped(**{k: v for k, v in self.kwargs.items() if k in names})

    @property
    def acked(self) -> dict[str, Any] | None:
        """What the ack answered Slack (None: not acked; {} for a bare ack)."""
        if self.ack.response is None:
            return None
        body = self.ack.response.body
        return json.loads(body) if body else {}

    def dm_texts(self) -> list[str]:
        """Texts posted to the user's DM (channel = their user id)."""
        return [
            c.kwargs["text"]
            for c in self.client.chat_postMessage.call_args_list
            if c.kwargs.get("channel") == self.context["user_id"]
        ]
