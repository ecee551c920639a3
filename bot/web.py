"""The HTTP front: Slack at POST /slack/events, health at GET /healthz, served by waitress."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server

from storage.db import Database

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]


class WebApp:
    """A WSGI app small enough to read at a glance; Bolt does the Slack part."""

    def __init__(self, app: App, db: Database) -> None:
        self.slack = SlackRequestHandler(app, path="/slack/events")
        self.db = db

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/slack/events" and method == "POST":
            result: Iterable[bytes] = self.slack(environ, start_response)
            return result
        if path == "/healthz" and method in ("GET", "HEAD"):
            healthy = self.db.ping()
            status = "200 OK" if healthy else "503 Service Unavailable"
            body = b"ok\n" if healthy else b"database unavailable\n"
            start_response(
                status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
            )
            return [body]
        body = b"not found\n"
        start_response(
            "404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
        )
        return [body]


def serve(wsgi: WebApp, *, host: str, port: int, threads: int = 8) -> None:
    """Serve until interrupted; prints the bound address (port 0 picks a free one)."""
    server = create_server(wsgi, host=host, port=port, threads=threads, ident="salesbot")
    bound_port = server.effective_port  # type: ignore[union-attr]
    # One write: a log line from another thread must not land between the text and its newline.
    sys.stdout.write(f"salesbot listening on http://{host}:{bound_port}\n")
    sys.stdout.flush()
    log.info("listening on %s:%s", host, bound_port)
    server.run()
