"""The one error handler: domain errors become a message in the user's language.

Anything else is a bug: it is logged with its traceback and the user is told, in their
language, that nothing was changed (the transaction was rolled back).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.context.respond import Respond

from bot.format import escape
from bot.services import Services
from commands.context import Actor
from commands.errors import DomainError
from commands.i18n import t

log = logging.getLogger(__name__)

Listener = Callable[..., Any]


def error_text(error: Exception, lang: str) -> str:
    if isinstance(error, DomainError):
        # Parameters may echo what the user typed: escape them like any user text.
        params = {k: escape(v) if isinstance(v, str) else v for k, v in error.params.items()}
        return t(lang, error.key, **params)
    return t(lang, "error.unexpected")


def register(app: App, services: Services) -> None:
    @app.error
    def on_error(
        error: Exception,
        body: dict[str, Any],
        context: dict[str, Any],
        response: BoltResponse | None,
    ) -> BoltResponse | None:
        actor: Actor | None = context.get("actor")
        lang = actor.lang if actor else services.settings.default_language
        if not isinstance(error, DomainError):
            log.exception("unexpected error in a listener", exc_info=error)
        text = error_text(error, lang)
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


def tell(context: dict[str, Any], text: str) -> None:
    """An ephemeral answer where the user acted, else a DM."""
    respond: Respond | None = context.get("respond")
    actor: Actor | None = context.get("actor")
    if respond is not None:
        respond(text=text, response_type="ephemeral", replace_original=False)
    elif actor is not None:
        context["client"].chat_postMessage(channel=actor.user_id, text=text)


def after_ack(services: Services) -> Callable[[Listener], Listener]:
    """Errors raised after `ack()` are answered here.

    Bolt's runner loses the ack when a listener fails after acking (it overwrites the response
    with None and Slack gets a 404 three seconds later), so such errors must not escape.
    Before the ack, they go to the `@app.error` handler as usual.
    """

    def decorate(listener: Listener) -> Listener:
        @functools.wraps(listener)
        def guarded(**kwargs: Any) -> Any:
            try:
                return listener(**kwargs)
            except Exception as error:
                if kwargs["ack"].response is None:
                    raise
                context = kwargs["context"]
                actor: Actor | None = context.get("actor")
                if not isinstance(error, DomainError):
                    log.exception("unexpected error after ack", exc_info=error)
                lang = actor.lang if actor else services.settings.default_language
                tell(context, error_text(error, lang))
                return None

        return guarded

    return decorate


def _first_input(body: dict[str, Any]) -> str:
    for block in body.get("view", {}).get("blocks", []):
        if block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return "error"
