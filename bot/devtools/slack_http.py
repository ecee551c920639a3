"""The wire side of the local Slack: requests in, replies and errors out, as Slack does them.

Slack clients send Web API arguments as a form, JSON or multipart; `parse_args` turns any of them
into one dict, decoding the fields that travel as JSON strings, and `truthy` reads a boolean
argument. A method refuses with `ApiError`, worded by `error_metadata` as Slack words it.
`RequestHandler` hands each request to the server's `Router` (the `LocalSlack`) and writes its
`Reply`.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any, Protocol
from urllib.parse import parse_qs

# Form-encoded requests carry these as JSON strings; decoding them lets tests assert on real lists.
_JSON_FIELDS = frozenset(
    {"blocks", "attachments", "view", "files", "metadata", "unfurls", "user_auth_blocks", "outputs"}
)

Args = dict[str, Any]


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any] | str
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def ok(self) -> bool:
        if isinstance(self.body, dict):
            return self.status == 200 and bool(self.body.get("ok"))
        return self.status == 200

    @property
    def error(self) -> str | None:
        if self.ok:
            return None
        if isinstance(self.body, dict):
            return str(self.body.get("error", f"http_{self.status}"))
        return self.body


class ApiError(Exception):
    """Raised inside a method handler to answer `{"ok": false, "error": ...}`."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


class Router(Protocol):
    def handle_request(self, path: str, headers: dict[str, str], body: bytes) -> Reply: ...


class RequestHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self._answer(body)

    def do_GET(self) -> None:
        self._answer(b"")

    def _answer(self, body: bytes) -> None:
        router: Router = self.server.local_slack  # type: ignore[attr-defined]
        # Header names arrive as the client spelled them (urllib sends "Content-type").
        headers = {name.lower(): value for name, value in self.headers.items()}
        reply = router.handle_request(self.path, headers, body)
        if isinstance(reply.body, dict):
            data = json.dumps(reply.body).encode("utf-8")
            content_type = "application/json; charset=utf-8"
        else:
            data = reply.body.encode("utf-8")
            content_type = "text/plain; charset=utf-8"
        self.send_response(reply.status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test and console output clean; `LocalSlack.calls` is the log."""


def parse_args(content_type: str, body: bytes) -> Args:
    media = content_type.split(";", 1)[0].strip().lower()
    args: Args
    if not body:
        args = {}
    elif media == "application/json":
        parsed = json.loads(body)
        args = dict(parsed) if isinstance(parsed, dict) else {}
    elif media == "multipart/form-data":
        args = _parse_multipart(content_type, body)
    else:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        args = {key: values[0] for key, values in form.items()}
    for key in _JSON_FIELDS & args.keys():
        value = args[key]
        if isinstance(value, str):
            # Left as sent when not JSON; the method then answers as Slack does to bad JSON.
            with contextlib.suppress(ValueError):
                args[key] = json.loads(value)
    return {k: v for k, v in args.items() if v is not None}


def _parse_multipart(content_type: str, body: bytes) -> Args:
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    args: Args = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        args[name] = data if part.get_filename() else data.decode("utf-8")
    return args


# ---- reading arguments and wording errors as Slack does


def error_metadata(problems: list[str], prefix: str) -> Args:
    # Slack's own wording, so error handling written against the fake reads real errors too.
    messages = []
    for problem in problems:
        pointer, _, detail = problem.partition(": ")
        messages.append(f"[ERROR] {detail} [json-pointer:{prefix}{pointer.rstrip('/')}]")
    return {"response_metadata": {"messages": messages}}


def truthy(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("1", "true"))


def str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
