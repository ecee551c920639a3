"""The HTTP front: Slack at POST /slack/events, health at GET /healthz, served by waitress.

Before Bolt sees a request, the front checks what costs nothing to check: the body's size
(Slack's payloads are a few kB), the signature headers' shape, the signature itself, then the
body's shape. A request that fails is answered 400/401/413 with one log line that never holds
the body, so unsigned traffic can neither fill the log nor reach a parser that would raise.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server

from storage.db import Database

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]

# Slack's largest payloads (a modal's submission with its whole view) are tens of kB.
MAX_BODY_BYTES = 1024 * 1024
REPLAY_WINDOW = 5 * 60  # seconds: Slack's own rule for a request's timestamp


class Refused(Exception):
    """A request answered before Bolt: the HTTP status and a short reason (never the body)."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class WebApp:
    """A WSGI app small enough to read at a glance; Bolt does the Slack part."""

    def __init__(self, app: App, db: Database, *, signing_secret: str | None = None) -> None:
        self.slack = SlackRequestHandler(app, path="/slack/events")
        self.db = db
        self.secret = signing_secret.encode() if signing_secret else None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/slack/events" and method == "POST":
            try:
                body = self._checked_body(environ)
            except Refused as refused:
                log.warning("refused a request to /slack/events: %s", refused.reason)
                return _plain(start_response, refused.status, refused.reason)
            # Bolt reads the body again: hand it the bytes already read.
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            result: Iterable[bytes] = self.slack(environ, start_response)
            return result
        if path == "/healthz" and method in ("GET", "HEAD"):
            problem = self.db.health()
            if problem is None:
                return _plain(start_response, "200 OK", "ok")
            log.warning("unhealthy: %s", problem)
            return _plain(start_response, "503 Service Unavailable", problem)
        return _plain(start_response, "404 Not Found", "not found")

    def _checked_body(self, environ: dict[str, Any]) -> bytes:
        body = _read_body(environ)
        if _is_ssl_check(body):
            return body  # Slack's certificate probe: Bolt answers it 200, signed or not
        headers = _slack_headers(environ)
        if self.secret is not None and not _signed(self.secret, body, *headers):
            raise Refused("401 Unauthorized", "invalid signature")
        _check_shape(body, environ.get("CONTENT_TYPE", ""))
        return body


def _read_body(environ: dict[str, Any]) -> bytes:
    declared = environ.get("CONTENT_LENGTH") or ""
    if declared and not declared.isdigit():
        raise Refused("400 Bad Request", "malformed Content-Length")
    if declared and int(declared) > MAX_BODY_BYTES:
        raise Refused("413 Payload Too Large", "body over 1 MB")
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    # Without a length (chunked), read one byte past the cap to know it was exceeded.
    body: bytes = stream.read(int(declared) if declared else MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise Refused("413 Payload Too Large", "body over 1 MB")
    return body


def _is_ssl_check(body: bytes) -> bool:
    if len(body) > 1024 or not body.isascii():
        return False
    return parse_qs(body.decode("ascii")).get("ssl_check") == ["1"]


def _slack_headers(environ: dict[str, Any]) -> tuple[str, str]:
    """The signature headers, refused unless shaped as Slack sends them (before any parsing:
    a non-numeric timestamp used to reach the verifier's `int()`)."""
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        raise Refused("401 Unauthorized", "missing or malformed X-Slack-Request-Timestamp")
    if not (signature.isascii() and signature.startswith("v0=") and len(signature) <= 100):
        raise Refused("401 Unauthorized", "missing or malformed X-Slack-Signature")
    return timestamp, signature


def _signed(secret: bytes, body: bytes, timestamp: str, signature: str) -> bool:
    """Slack's v0 signature over the raw bytes (slack_sdk's verifier decodes the body first,
    and raises on bytes that are not UTF-8), within Slack's 5 minutes."""
    if abs(time.time() - int(timestamp)) > REPLAY_WINDOW:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret, base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def _check_shape(body: bytes, content_type: str) -> None:
    """Signed yet malformed (Slack never sends these): a 400 rather than a parser's 500."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("400 Bad Request", "body is not UTF-8") from None
    if content_type.startswith("application/json"):
        _json_object(text, "JSON body")
        return
    payloads = parse_qs(text).get("payload")
    if payloads:
        _json_object(payloads[0], "payload")


def _json_object(text: str, what: str) -> None:
    try:
        value = json.loads(text)
    except ValueError:
        raise Refused("400 Bad Request", f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise Refused("400 Bad Request", f"{what} is not a JSON object")


def _plain(start_response: StartResponse, status: str, text: str) -> list[bytes]:
    body = (text + "\n").encode()
    start_response(
        status,
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]


def serve(wsgi: WebApp, *, host: str, port: int, threads: int = 8) -> None:
    """Serve until interrupted; prints the bound address (port 0 picks a free one)."""
    server = create_server(
        wsgi,
        host=host,
        port=port,
        threads=threads,
        ident="salesbot",
        # waitress buffers up to 1 GB by default before the app sees a byte.
        max_request_body_size=MAX_BODY_BYTES,
    )
    bound_port = server.effective_port  # type: ignore[union-attr]
    # One write: a log line from another thread must not land between the text and its newline.
    sys.stdout.write(f"salesbot listening on http://{host}:{bound_port}\n")
    sys.stdout.flush()
    log.info("listening on %s:%s", host, bound_port)
    server.run()
