"""The Bolt app factory: one app for HTTP, Socket Mode and the local console."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.background import Background
from bot.listeners import register_listeners
from bot.middleware import SeenEvents, actor_middleware, retry_middleware, unescape_middleware
from bot.services import Services
from storage.db import deadline

log = logging.getLogger(__name__)

# Slack waits 3 s for an answer, counted from when it sent the request. A listener's writes
# must be committed by this long after it was handed to a thread, or be rolled back.
WRITE_BUDGET = 2.0
# A listener that waited this long for a thread would answer too late: it is not run at all,
# so that nothing is written for a request Slack has given up on.
TOO_LATE = 1.5
SLACK_TIMEOUT = 10


class ListenerPool(ThreadPoolExecutor):
    """Bolt's listener threads, each run bounded in time (see `WRITE_BUDGET`, `TOO_LATE`)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return super().submit(_in_time, time.monotonic(), fn, *args, **kwargs)


def _in_time(submitted: float, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    waited = time.monotonic() - submitted
    if waited > TOO_LATE:
        log.warning("a request waited %.1f s for a listener thread: not run", waited)
        return None
    with deadline(submitted + WRITE_BUDGET):
        return fn(*args, **kwargs)


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
    if services.background.inline:
        services.background = Background()
    # Each Web API call after an ack holds a listener thread: 10 s of silence (not 30) is
    # enough to give up on Slack (the timeout is between bytes, so uploads are not cut short).
    client = WebClient(token=token, base_url=settings.slack_api_url, timeout=SLACK_TIMEOUT)
    app = App(
        client=client,
        signing_secret=signing_secret,
        process_before_response=process_before_response,
        request_verification_enabled=True,
        # Listeners run on this pool after ack; sized for a 2-core box serving I/O-bound work.
        listener_executor=ListenerPool(max_workers=16, thread_name_prefix="listener"),
        logger=logging.getLogger("salesbot.bolt"),
    )
    app.use(retry_middleware(SeenEvents()))
    app.use(unescape_middleware)
    app.use(actor_middleware(services))
    register_listeners(app)
    return app
