"""A fake Slack Web API on loopback, for end-to-end tests and the local console.

It lives in the package (not in tests) because the console runs the real app against it. This
module is the server and what a test observes and steers: every call is recorded so tests assert
on what Slack would have received, calls without a token get `not_authed`, rate limits answer 429
with `Retry-After`, faults can be injected, and response_url posts and file uploads are answered.
The Web API methods and the workspace they act on are in `slack_methods`, Slack's wire format
in `slack_http`.
"""

from __future__ import annotations

import copy
import json
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from bot.blockkit_limits import message_problems
from bot.devtools.slack_http import ApiError, Args, Reply, RequestHandler, parse_args, str_or_none
from bot.devtools.slack_methods import SlackWorkspace, full_user

_MESSAGE_METHODS = frozenset(
    {"chat.postMessage", "chat.postEphemeral", "chat.update", "response_url"}
)
_RESPONSE_URL_USES = 5  # Slack accepts 5 posts per response_url
_POST_BURST = 3  # messages a channel may take at once before the per-second rate applies


@dataclass(frozen=True)
class ApiCall:
    """One request as the fake received it, with how it answered."""

    method: str
    args: dict[str, Any]
    ok: bool
    error: str | None
    at: float  # time.monotonic()
    token: str | None = None


@dataclass
class _Fault:
    status: int
    retry_after: int | None
    error: str
    remaining: int
    effect: bool = False  # the call still takes effect (a post lands), only the answer fails


class LocalSlack(SlackWorkspace):
    """Fake Slack Web API: `WebClient(base_url=local.api_url)` talks to it.

    `users` maps user ids to partial Slack user objects (name, real_name, tz, tz_offset, locale,
    is_admin, is_owner, email...); missing keys get Slack-like defaults.
    `post_rate_per_channel` turns on Slack's per-channel `chat.postMessage` limit.
    """

    def __init__(
        self,
        users: Mapping[str, Mapping[str, Any]] | None = None,
        team_id: str = "T0LOCAL",
        *,
        channels: Mapping[str, Mapping[str, Any]] | None = None,
        post_rate_per_channel: float | None = None,
        post_latency: float = 0.0,
    ) -> None:
        super().__init__(users, team_id, channels=channels)
        self._post_rate = post_rate_per_channel
        # Seconds between storing a posted message and answering: a slow network, or a
        # client killed after Slack took its message but before it heard back.
        self.post_latency = post_latency
        self._cond = threading.Condition(threading.RLock())
        self._calls: list[ApiCall] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._buckets: dict[str, tuple[float, float]] = {}
        self._response_uses: dict[str, int] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle

    def start(self) -> Self:
        if self._server is not None:
            return self
        server = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        server.daemon_threads = True
        server.local_slack = self  # type: ignore[attr-defined]
        self._server = server
        # A short poll interval keeps stop() fast in tests.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("LocalSlack is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        """Base URL for `WebClient(base_url=...)`."""
        return f"{self.base_url}/api/"

    def response_url(self, key: str) -> str:
        """A response_url for an interaction payload; posts to it are recorded with this key."""
        return f"{self.base_url}/response/{key}"

    # ---- recording

    @property
    def calls(self) -> list[ApiCall]:
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[ApiCall]:
        with self._cond:
            return [c for c in self._calls if c.method == method]

    def clear(self) -> None:
        """Forget recorded calls (not messages, views or files)."""
        with self._cond:
            self._calls.clear()

    def wait_for(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        timeout: float = 5.0,
    ) -> ApiCall:
        """The first recorded call to `method` matching `predicate`, waiting for it if needed.

        Bolt runs listeners and lazy functions on other threads, so tests must wait rather than
        look right after dispatching.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for call in self._calls:
                    if call.method == method and (predicate is None or predicate(call)):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = ", ".join(
                        c.method if c.ok else f"{c.method}!{c.error}" for c in self._calls
                    )
                    which = " matching the predicate" if predicate else ""
                    raise AssertionError(
                        f"no {method} call{which} within {timeout}s; seen: {seen or 'nothing'}"
                    )
                self._cond.wait(remaining)

    def sent_messages(self) -> list[ApiCall]:
        """Accepted posts, ephemerals, updates and response_url payloads, in order."""
        with self._cond:
            return [c for c in self._calls if c.method in _MESSAGE_METHODS and c.ok]

    def published_home(self, user_id: str) -> dict[str, Any] | None:
        """The App Home view last published for `user_id`, as Slack stored it."""
        with self._cond:
            view = self._views.get(self._homes.get(user_id, ""))
            return copy.deepcopy(view) if view is not None else None

    def file_content(self, file_id: str) -> bytes | None:
        """Bytes uploaded for `file_id` through its upload_url."""
        with self._cond:
            data = self._files.get(file_id, {}).get("data")
            return data if isinstance(data, bytes) else None

    def add_channel(
        self,
        channel_id: str,
        *,
        private: bool | None = None,
        member: bool = True,
        archived: bool = False,
    ) -> None:
        """A channel as Slack would describe it; `private` defaults to Slack's G prefix."""
        private = channel_id.startswith("G") if private is None else private
        with self._cond:
            self._channels[channel_id] = {
                "id": channel_id,
                "is_channel": not private,
                "is_group": private,
                "is_private": private,
                "is_member": member,
                "is_archived": archived,
            }

    def add_user(self, user_id: str, data: Mapping[str, Any]) -> None:
        """A person joining the workspace (partial Slack user, as in `users`)."""
        with self._cond:
            self.users[user_id] = full_user(user_id, data, self.team_id)

    def uploaded_file(self, file_id: str) -> tuple[str, bytes] | None:
        """The name and bytes of an uploaded file, once its upload is done."""
        with self._cond:
            entry = self._files.get(file_id, {})
            data = entry.get("data")
            return (str(entry["name"]), data) if isinstance(data, bytes) else None

    # ---- fault injection

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        error: str = "ratelimited",
        count: int = 1,
        effect: bool = False,
    ) -> None:
        """Make the next `count` calls to `method` fail (status 200 gives a plain API error).

        `method` may also be "response_url" or "file_upload". With `effect`, the call still
        does its work (a message is posted) and only its answer is the failure, like a 5xx or
        a timeout after Slack took the message.
        """
        with self._cond:
            fault = _Fault(status, retry_after, error, count, effect)
            self._faults.setdefault(method, []).append(fault)

    def pending_faults(self, method: str) -> int:
        """How many calls to `method` are still to fail."""
        with self._cond:
            return sum(fault.remaining for fault in self._faults.get(method, []))

    def messages_in(self, channel: str) -> list[dict[str, Any]]:
        """The messages a channel holds now (posted, updated, deleted as Slack would), oldest
        first; a user id means the DM with that user."""
        with self._cond:
            wanted = "D" + channel[1:] if channel[:1] in ("U", "W") else channel
            found = [m for (c, _), m in self._messages.items() if c == wanted]
        return sorted(copy.deepcopy(found), key=lambda m: float(m["ts"]))

    # ---- HTTP entry points (called from the server threads)

    def handle_request(self, path: str, headers: dict[str, str], body: bytes) -> Reply:
        """Route one request; `headers` are keyed by lower-case name."""
        parts = urlsplit(path)
        route = parts.path
        if route.startswith("/api/"):
            args = parse_args(headers.get("content-type", ""), body)
            for key, values in parse_qs(parts.query, keep_blank_values=True).items():
                args.setdefault(key, values[0])
            return self._api(route.removeprefix("/api/"), args, headers.get("authorization"))
        if route.startswith("/upload/"):
            return self._upload(route.removeprefix("/upload/"), body)
        if route.startswith("/response/"):
            return self._respond(route.removeprefix("/response/"), body)
        return Reply(404, "not_found")

    def _api(self, method: str, args: Args, authorization: str | None) -> Reply:
        token = args.pop("token", None)
        if authorization and authorization.startswith("Bearer "):
            token = authorization.removeprefix("Bearer ")
        with self._cond:
            fault = self._next_fault(method)
            reply = None if fault is None else self._fault_answer(fault)
            if reply is None or (fault is not None and fault.effect):
                answer = self._api_reply(method, args, token)
                reply = reply or answer
            self._record(method, args, reply, token if isinstance(token, str) else None)
        if method == "chat.postMessage" and self.post_latency:
            time.sleep(self.post_latency)  # outside the lock: other channels go on meanwhile
        return reply

    def _api_reply(self, method: str, args: Args, token: object) -> Reply:
        handler = self.methods.get(method)
        if handler is None:
            return Reply(200, {"ok": False, "error": "unknown_method"})
        if not token:
            return Reply(200, {"ok": False, "error": "not_authed"})
        try:
            if method == "chat.postMessage":
                limited = self._rate_limit(self._resolve_channel(str(args.get("channel", ""))))
                if limited is not None:
                    return limited
            return Reply(200, {"ok": True, **handler(args)})
        except ApiError as e:
            return Reply(200, {"ok": False, "error": e.error, **e.extra})

    def _fault_reply(self, method: str) -> Reply | None:
        fault = self._next_fault(method)
        return None if fault is None else self._fault_answer(fault)

    def _next_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.pop(0)
        return fault

    @staticmethod
    def _fault_answer(fault: _Fault) -> Reply:
        headers: tuple[tuple[str, str], ...] = ()
        if fault.retry_after is not None and fault.status == 429:
            headers = (("Retry-After", str(fault.retry_after)),)
        return Reply(fault.status, {"ok": False, "error": fault.error}, headers)

    def _rate_limit(self, channel: str) -> Reply | None:
        if self._post_rate is None:
            return None
        now = time.monotonic()
        tokens, last = self._buckets.get(channel, (float(_POST_BURST), now))
        tokens = min(float(_POST_BURST), tokens + (now - last) * self._post_rate)
        if tokens >= 1.0:
            self._buckets[channel] = (tokens - 1.0, now)
            return None
        self._buckets[channel] = (tokens, now)
        wait = max(1, math.ceil((1.0 - tokens) / self._post_rate))
        return Reply(429, {"ok": False, "error": "ratelimited"}, (("Retry-After", str(wait)),))

    def _record(self, method: str, args: Args, reply: Reply, token: str | None) -> None:
        call = ApiCall(method, args, reply.ok, reply.error, time.monotonic(), token)
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()

    def _upload(self, file_id: str, body: bytes) -> Reply:
        with self._cond:
            args: Args = {"file_id": file_id, "length": len(body)}
            reply = self._fault_reply("file_upload")
            if reply is None:
                entry = self._files.get(file_id)
                if entry is None:
                    reply = Reply(404, "file_not_found")
                else:
                    entry["data"] = body
                    reply = Reply(200, f"OK - {len(body)}")
            self._record("file_upload", args, reply, None)
            return reply

    def _respond(self, key: str, body: bytes) -> Reply:
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            payload = None
        args: Args = {**payload, "key": key} if isinstance(payload, dict) else {"key": key}
        with self._cond:
            reply = self._fault_reply("response_url") or self._response_reply(key, payload)
            self._record("response_url", args, reply, None)
            return reply

    def _response_reply(self, key: str, payload: object) -> Reply:
        if not isinstance(payload, dict):
            return Reply(400, "invalid_payload")
        uses = self._response_uses.get(key, 0) + 1
        self._response_uses[key] = uses
        if uses > _RESPONSE_URL_USES:
            return Reply(404, "used_url")
        if message_problems(None, str_or_none(payload.get("text"))):
            return Reply(400, "msg_too_long")
        blocks = payload.get("blocks")
        if blocks is not None and (not isinstance(blocks, list) or message_problems(blocks, None)):
            return Reply(400, "invalid_blocks")
        return Reply(200, "ok")
