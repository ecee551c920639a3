"""The one error handler: domain errors become a message in the user's language.

Anything else is a bug: it is logged with its traceback and the user is told, in their
language, that nothing was changed (the transaction was rolled back) — unless the change had
already been committed (`after_commit`): then they are told it was made and how to see it, so
that they do not do it twice.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.context.respond import Respond

from bot.format import day, escape
from bot.listeners.replies import reply
from bot.services import Services
from commands.context import Actor
from commands.errors import DomainError
from commands.i18n import t

log = logging.getLogger(__name__)

Listener = Callable[..., Any]
FALLBACK_LANGUAGE = "fr"  # only when the request failed before the middleware ran


class ChangeMade(Exception):
    """Something failed after deal #`number` was changed and committed (drawing its card,
    republishing a Home): the answer must say the change was made, not that nothing was."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


@contextmanager
def after_commit(number: int) -> Iterator[None]:
    """Wrap what follows a committed change of deal #`number`: any failure becomes `ChangeMade`."""
    try:
        yield
    except ChangeMade:
        raise
    except Exception as error:
        raise ChangeMade(number) from error


def error_text(error: Exception, lang: str) -> str:
    if isinstance(error, ChangeMade):
        return t(lang, "error.change_made", number=error.number)
    if isinstance(error, DomainError):
        # Parameters may echo what the user typed: escape them like any user text; a date is
        # written the reader's way.
        params = {k: _shown(v, lang) for k, v in error.params.items()}
        return t(lang, error.key, **params)
    return t(lang, "error.unexpected")


def _shown(value: Any, lang: str) -> Any:
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, date):
        return day(value, lang)
    return value


def field_errors(errors: dict[str, DomainError], lang: str) -> dict[str, str]:
    """A refused form's errors, each next to its field (`response_action: errors`)."""
    return {field: error_text(error, lang) for field, error in errors.items()}


def _language(context: dict[str, Any]) -> str:
    actor: Actor | None = context.get("actor")
    if actor is not None:
        return actor.lang
    services: Services | None = context.get("services")
    return services.settings.default_language if services else FALLBACK_LANGUAGE


def on_error(
    error: Exception,
    body: dict[str, Any],
    context: dict[str, Any],
    response: BoltResponse | None,
) -> BoltResponse | None:
    """Bolt's `@app.error`: errors raised before the ack (or by a listener without one)."""
    if not isinstance(error, DomainError):
        log.exception("unexpected error in a listener", exc_info=error)
    text = error_text(error, _language(context))
    if body.get("type") == "view_submission" and response is not None:
        # Point at the field when we know it, else at the form's first input.
        block_id = getattr(error, "field", None) or _first_input(body)
        payload = {"response_action": "errors", "errors": {block_id: text}}
        return BoltResponse(
            status=200, body=json.dumps(payload), headers={"content-type": "application/json"}
        )
    if "command" in body and response is not None:
        payload = {"response_type": "ephemeral", "text": text}
        return BoltResponse(
            status=200, body=json.dumps(payload), headers={"content-type": "application/json"}
        )
    tell(context, text)
    return BoltResponse(status=200, body="") if response is not None else None


def register(app: App) -> None:
    app.error(on_error)


def tell(context: dict[str, Any], text: str) -> None:
    """An ephemeral answer where the user acted, else a DM."""
    respond: Respond | None = context.get("respond")
    actor: Actor | None = context.get("actor")
    if actor is None and respond is None:
        return
    try:
        reply(
            context["client"],
            actor.user_id if actor else "",
            {"text": text},
            response_url=respond.response_url if respond else None,
            replace_original=False,
        )
    except Exception:  # Slack itself failing: the request is still answered (never a 500)
        log.warning("could not tell the user about an error", exc_info=True)


def guarded(listener: Listener) -> Listener:
    """`listener` with errors raised after its `ack()` answered here.

    Bolt's runner loses the ack when a listener fails after acking (it overwrites the response
    with None and Slack gets a 404 three seconds later), so such errors must not escape.
    Before the ack, they go to `on_error` as usual. Applied by the registration, to every
    listener; the wrapper asks Bolt for `ack` and `context` whether the listener does or not.
    """
    signature = inspect.signature(listener)
    wanted = set(signature.parameters)
    extra = [
        inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        for name in ("ack", "context")
        if name not in wanted
    ]

    def guard(**kwargs: Any) -> Any:
        try:
            return listener(**{k: v for k, v in kwargs.items() if k in wanted})
        except Exception as error:
            if kwargs["ack"].response is None:
                raise
            if not isinstance(error, DomainError):
                log.exception("unexpected error after ack", exc_info=error)
            context = kwargs["context"]
            tell(context, error_text(error, _language(context)))
            return None

    functools.update_wrapper(guard, listener, updated=())
    del guard.__wrapped__  # type: ignore[attr-defined]  # Bolt reads the signature below instead
    guard.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), *extra]
    )
    return guard


def _first_input(body: dict[str, Any]) -> str:
    for block in body.get("view", {}).get("blocks", []):
        if block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return "error"
