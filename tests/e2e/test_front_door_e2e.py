"""The HTTP front under hostile or broken traffic, and its health check, through real HTTP.

What a user (or an operator) notices: a refused request gets a short 4xx with no traceback,
the server's log never holds a request body, and /healthz says 503 with the reason when the
database could not take a write.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from tests.e2e_support import SECRET, TEAM, Reply, Server, running_server

pytestmark = pytest.mark.e2e

FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("front") / "salesbot.db"


@pytest.fixture(scope="module")
def server(db_path: Path) -> Iterator[Server]:
    with running_server(f"sqlite:///{db_path}") as running:
        yield running


def _signature(body: bytes, timestamp: str, secret: str = SECRET) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def _post(
    server: Server,
    body: bytes,
    *,
    signed: bool = True,
    timestamp: str | None = None,
    content_type: str = FORM,
) -> Reply:
    stamp = timestamp if timestamp is not None else str(int(time.time()))
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp}
    headers["X-Slack-Signature"] = _signature(body, stamp) if signed else "v0=" + "0" * 64
    address = urlsplit(server.url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=20)
    try:
        connection.request("POST", "/slack/events", body=body, headers=headers)
        response = connection.getresponse()
        return Reply(response.status, response.read().decode("utf-8", "replace"))
    finally:
        connection.close()


def _log(server: Server) -> str:
    time.sleep(0.2)  # the drain thread reads the server's output as it comes
    return "".join(server.output)


def _command(text: str) -> bytes:
    return (
        f"team_id={TEAM}&user_id=U0MARIE&command=%2Fopp&text={quote(text)}"
        "&response_url=http%3A%2F%2F127.0.0.1%3A9%2Fx&trigger_id=1.2.3"
    ).encode()


def test_a_non_numeric_timestamp_is_refused_without_a_traceback(server: Server) -> None:
    reply = _post(server, _command("list"), timestamp="not-a-number")
    assert reply.status == 401
    assert "Traceback" not in reply.body and "sorry" not in reply.body.lower()
    assert "Traceback" not in _log(server)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"team_id=T0E2E&text=\xff\xfe\xfa", FORM),
        (b"payload=%7Bnot-json", FORM),
        (b"payload=" + quote(json.dumps([1, 2])).encode(), FORM),
        (b"[1, 2, 3]", "application/json"),
        (b"\xff{", "application/json"),
    ],
    ids=["bad-utf8", "bad-payload-json", "payload-array", "json-array", "json-bad-utf8"],
)
def test_malformed_bodies_get_a_4xx_signed_or_not(
    server: Server, body: bytes, content_type: str
) -> None:
    signed = _post(server, body, content_type=content_type)
    unsigned = _post(server, body, signed=False, content_type=content_type)
    assert signed.status == 400, signed.body
    assert unsigned.status == 401, unsigned.body
    for reply in (signed, unsigned):
        assert "Traceback" not in reply.body
    assert "Traceback" not in _log(server)


def test_a_large_body_is_refused_and_never_logged(server: Server) -> None:
    marker = "ZZMARKERZZ"
    body = ("text=" + marker * 200_000).encode()  # 2 MB: twice the cap
    before = len(_log(server))
    for signed in (True, False):
        try:
            status = _post(server, body, signed=signed).status
        except (ConnectionError, http.client.HTTPException):
            status = 413  # the server may close the connection before reading it all
        assert status == 413
    # An unsigned body under the cap is refused without being logged either.
    assert _post(server, ("text=" + marker * 1000).encode(), signed=False).status == 401
    grown = _log(server)[before:]
    assert marker not in grown
    assert len(grown) < 2_000
    # And the server still answers Slack.
    assert server.get("/healthz").status == 200


def test_health_says_503_with_the_reason_while_sqlite_is_write_locked(
    server: Server, db_path: Path
) -> None:
    assert server.get("/healthz").status == 200
    holder = sqlite3.connect(db_path, isolation_level=None, timeout=5)
    try:
        holder.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        health = server.get("/healthz")
        assert health.status == 503
        assert "write-locked" in health.body
        assert time.monotonic() - started < 3  # answered within Slack's patience, not 30 s
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert server.get("/healthz").status == 200


def test_slacks_certificate_probe_is_still_answered(server: Server) -> None:
    reply = _post(server, b"ssl_check=1&token=x", signed=False)
    assert reply.status == 200
