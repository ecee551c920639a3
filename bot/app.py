"""The Bolt app factory: one app for HTTP, Socket Mode and the local console."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_sdk import WebClient

from bot.listeners import register_listeners
from bot.middleware import SeenEvents, actor_middleware, retry_middleware, unescape_middleware
from bot.services import Services


def create_app(
    services: Services,
    *,
    token: str,
    signing_secret: str | None,
    process_before_response: bool = False,
) -> App:
    """Build the app; request signatures are always verified over HTTP.

    The local console passes `process_before_response`: a request returns once its listener
    is done, so everything the app sent (a chart, a file) is shown before the next prompt.
    """
    settings = services.settings
    client = WebClient(token=token, base_url=settings.slack_api_url)
    app = App(
        client=client,
        signing_secret=signing_secret,
        process_before_response=process_before_response,
        request_verification_enabled=True,
        # Listeners run on this pool after ack; sized for a 2-core box serving I/O-bound work.
        listener_executor=ThreadPoolExecutor(max_workers=16, thread_name_prefix="listener"),
        logger=logging.getLogger("salesbot.bolt"),
    )
    app.use(retry_middleware(SeenEvents()))
    app.use(unescape_middleware)
    app.use(actor_middleware(services))
    register_listeners(app)
    return app
