"""The real HTTP server in a subprocess, a LocalSlack for its Web API, and signed requests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bot.devtools.localslack import LocalSlack
from bot.devtools.slackreq import (
    block_actions_payload,
    command_body,
    interaction_body,
    signed_headers,
    view_submission_payload,
)

SECRET = "e2e-signing-secret"
TEAM = "T0E2E"


@dataclass
class Reply:
    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Server:
    url: str
    slack: LocalSlack
    process: subprocess.Popen[str]
    started_in: float
    # Everything the server printed (its log), for tests about what it writes there.
    output: list[str] = field(default_factory=list)

    def post(
        self,
        body: str,
        *,
        secret: str = SECRET,
        timestamp: int | None = None,
        content_type: str = "application/x-www-form-urlencoded",
    ) -> Reply:
        headers = {
            "Content-Type": content_type,
            **signed_headers(secret, body, timestamp=timestamp),
        }
        request = urllib.request.Request(
            self.url + "/slack/events", data=body.encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Reply(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode())

    def command(self, user: str, text: str, command: str = "/opp", team: str = TEAM) -> Reply:
        return self.post(
            command_body(
                team_id=team,
                user_id=user,
                command=command,
                text=text,
                response_url=self.slack.response_url(uuid.uuid4().hex),
            )
        )

    def action(
        self,
        user: str,
        action: dict[str, Any],
        team: str = TEAM,
        view: dict[str, Any] | None = None,
    ) -> Reply:
        payload = block_actions_payload(
            team_id=team,
            user_id=user,
            action=action,
            response_url=self.slack.response_url(uuid.uuid4().hex),
            view=view,
        )
        return self.post(interaction_body(payload))

    def submit(
        self, user: str, view: dict[str, Any], values: dict[str, Any], team: str = TEAM
    ) -> Reply:
        payload = view_submission_payload(team_id=team, user_id=user, view=view, values=values)
        return self.post(interaction_body(payload))

    def get(self, path: str) -> Reply:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                return Reply(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode())


USERS = {
    "U0MARIE": {
        "name": "marie",
        "real_name": "Marie Dubois",
        "tz": "Europe/Paris",
        "locale": "fr-FR",
    },
    "U0EMMA": {
        "name": "emma",
        "real_name": "Emma Wilson",
        "tz": "Europe/London",
        "locale": "en-GB",
    },
    "U0BOSS": {
        "name": "boss",
        "real_name": "Big Boss",
        "tz": "Europe/Paris",
        "locale": "fr-FR",
        "is_admin": True,
    },
}


@contextmanager
def running_server(
    database_url: str, users: dict[str, Any] | None = None, *, scheduler: bool = False
) -> Iterator[Server]:
    """`salesbot http --port 0` as a real process, Slack faked on loopback.

    Without its scheduler unless asked: its nudges and digests would mix with the answers
    request tests wait for.
    """
    slack = LocalSlack(users=users or USERS, team_id=TEAM).start()
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-e2e",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": database_url,
    }
    env.pop("SLACK_APP_TOKEN", None)
    started = time.monotonic()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "http",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            *([] if scheduler else ["--no-scheduler"]),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    url = _wait_for_address(process, output)
    server = Server(url=url, slack=slack, process=process, started_in=0.0, output=output)
    while server.get("/healthz").status != 200:
        time.sleep(0.02)
    server.started_in = time.monotonic() - started
    try:
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        slack.stop()


def _wait_for_address(process: subprocess.Popen[str], lines: list[str]) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise AssertionError("server exited:\n" + "".join(lines))
        lines.append(line)
        if line.startswith("salesbot listening on "):
            # Keep draining the output so the server never blocks on a full pipe.
            threading.Thread(target=_drain, args=(process, lines), daemon=True).start()
            return line.split(" on ", 1)[1].strip()
    raise AssertionError("server did not start:\n" + "".join(lines))


def _drain(process: subprocess.Popen[str], lines: list[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        if "ERROR" in line or "Traceback" in line:
            sys.stderr.write("[server] " + line)
