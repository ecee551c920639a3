"""A fake Slack Web API on loopback, for end-to-end tests and the local console.

It lives in the package (not in tests) because the console runs the real app against it. Only the
methods the bot uses are implemented, but those behave like Slack where it matters for catching
bugs: Block Kit limits are enforced with `blockkit_limits`, `chat.update` has its 4,000-char text
cap, ephemeral messages cannot be updated, `users.info` returns `locale` only with
`include_locale`, calls without a token get `not_authed`, and rate limits answer 429 with
`Retry-After`. Every call is recorded so tests assert on what Slack would have received.
"""

from __future__ import annotations

import contextlib
import copy
import email.parser
import email.policy
import itertools
import json
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from bot.blockkit_limits import (
    MAX_MESSAGE_TEXT,
    MAX_UPDATE_TEXT,
    MAX_VIEW_BYTES,
    message_problems,
    view_problems,
)

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
APP_ID = "ALOCAL"

# Form-encoded requests carry these as JSON strings; decoding them lets tests assert on real lists.
_JSON_FIELDS = frozenset(
    {"blocks", "attachments", "view", "files", "metadata", "unfurls", "user_auth_blocks", "outputs"}
)
_MESSAGE_METHODS = frozenset(
    {"chat.postMessage", "chat.postEphemeral", "chat.update", "response_url"}
)
_RESPONSE_URL_USES = 5  # Slack accepts 5 posts per response_url
_POST_BURST = 3  # messages a channel may take at once before the per-second rate applies

Args = dict[str, Any]


@dataclass(frozen=True)
class ApiCall:
    """One request as the fake received it, with how it answered."""

    method: str
    args: dict[str, Any]
    ok: bool
    error: str | None
    at: float  # time.monotonic()
    token: str | None = None


@dataclass(frozen=True)
class _Reply:
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


@dataclass
class _Fault:
    status: int
    retry_after: int | None
    error: str
    remaining: int
    effect: bool = False  # the call still takes effect (a post lands), only the answer fails


class _ApiError(Exception):
    """Raised inside a method handler to answer `{"ok": false, "error": ...}`."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


class LocalSlack:
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
        self.team_id = team_id
        self.users: dict[str, dict[str, Any]] = {
            uid: _full_user(uid, data, team_id) for uid, data in (users or {}).items()
        }
        self._known_users = users is not None
        self._channels = {cid: dict(info) for cid, info in (channels or {}).items()}
        self._post_rate = post_rate_per_channel
        # Seconds between storing a posted message and answering: a slow network, or a
        # client killed after Slack took its message but before it heard back.
        self.post_latency = post_latency
        self._cond = threading.Condition(threading.RLock())
        self._calls: list[ApiCall] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._buckets: dict[str, tuple[float, float]] = {}
        self._seq = itertools.count(1)
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._ephemeral: set[tuple[str, str]] = set()
        self._views: dict[str, dict[str, Any]] = {}
        self._homes: dict[str, str] = {}  # user id -> view id
        self._files: dict[str, dict[str, Any]] = {}
        self._response_uses: dict[str, int] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._methods: dict[str, Callable[[Args], Args]] = {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.history": self._conversations_history,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }

    # ---- lifecycle

    def start(self) -> Self:
        if self._server is not None:
            return self
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
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

    def _handle(self, path: str, headers: Mapping[str, str], body: bytes) -> _Reply:
        """Route one request; `headers` are keyed by lower-case name."""
        parts = urlsplit(path)
        route = parts.path
        if route.startswith("/api/"):
            args = _parse_args(headers.get("content-type", ""), body)
            for key, values in parse_qs(parts.query, keep_blank_values=True).items():
                args.setdefault(key, values[0])
            return self._api(route.removeprefix("/api/"), args, headers.get("authorization"))
        if route.startswith("/upload/"):
            return self._upload(route.removeprefix("/upload/"), body)
        if route.startswith("/response/"):
            return self._respond(route.removeprefix("/response/"), body)
        return _Reply(404, "not_found")

    def _api(self, method: str, args: Args, authorization: str | None) -> _Reply:
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

    def _api_reply(self, method: str, args: Args, token: object) -> _Reply:
        handler = self._methods.get(method)
        if handler is None:
            return _Reply(200, {"ok": False, "error": "unknown_method"})
        if not token:
            return _Reply(200, {"ok": False, "error": "not_authed"})
        try:
            if method == "chat.postMessage":
                limited = self._rate_limit(self._resolve_channel(str(args.get("channel", ""))))
                if limited is not None:
                    return limited
            return _Reply(200, {"ok": True, **handler(args)})
        except _ApiError as e:
            return _Reply(200, {"ok": False, "error": e.error, **e.extra})

    def _fault_reply(self, method: str) -> _Reply | None:
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
    def _fault_answer(fault: _Fault) -> _Reply:
        headers: tuple[tuple[str, str], ...] = ()
        if fault.retry_after is not None and fault.status == 429:
            headers = (("Retry-After", str(fault.retry_after)),)
        return _Reply(fault.status, {"ok": False, "error": fault.error}, headers)

    def _rate_limit(self, channel: str) -> _Reply | None:
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
        return _Reply(429, {"ok": False, "error": "ratelimited"}, (("Retry-After", str(wait)),))

    def _record(self, method: str, args: Args, reply: _Reply, token: str | None) -> None:
        call = ApiCall(method, args, reply.ok, reply.error, time.monotonic(), token)
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()

    def _upload(self, file_id: str, body: bytes) -> _Reply:
        with self._cond:
            args: Args = {"file_id": file_id, "length": len(body)}
            reply = self._fault_reply("file_upload")
            if reply is None:
                entry = self._files.get(file_id)
                if entry is None:
                    reply = _Reply(404, "file_not_found")
                else:
                    entry["data"] = body
                    reply = _Reply(200, f"OK - {len(body)}")
            self._record("file_upload", args, reply, None)
            return reply

    def _respond(self, key: str, body: bytes) -> _Reply:
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            payload = None
        args: Args = {**payload, "key": key} if isinstance(payload, dict) else {"key": key}
        with self._cond:
            reply = self._fault_reply("response_url") or self._response_reply(key, payload)
            self._record("response_url", args, reply, None)
            return reply

    def _response_reply(self, key: str, payload: object) -> _Reply:
        if not isinstance(payload, dict):
            return _Reply(400, "invalid_payload")
        uses = self._response_uses.get(key, 0) + 1
        self._response_uses[key] = uses
        if uses > _RESPONSE_URL_USES:
            return _Reply(404, "used_url")
        if message_problems(None, _str_or_none(payload.get("text"))):
            return _Reply(400, "msg_too_long")
        blocks = payload.get("blocks")
        if blocks is not None and (not isinstance(blocks, list) or message_problems(blocks, None)):
            return _Reply(400, "invalid_blocks")
        return _Reply(200, "ok")

    # ---- helpers shared by methods

    def _next_ts(self) -> str:
        # Like Slack's: the epoch second, then a sequence, so `oldest`/`latest` filters work.
        return f"{int(time.time())}.{next(self._seq) % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._seq):08d}"

    def _resolve_channel(self, channel: str) -> str:
        # Slack accepts a user id as channel and posts in the DM with that user.
        if channel[:1] in ("U", "W"):
            return self._open_dm(channel)
        return channel

    def _open_dm(self, user_id: str) -> str:
        if self._known_users and user_id not in self.users and user_id != BOT_USER_ID:
            raise _ApiError("user_not_found")
        channel_id = "D" + user_id[1:]
        self._channels.setdefault(
            channel_id, {"id": channel_id, "is_im": True, "user": user_id, "is_open": True}
        )
        return channel_id

    def _message_args(self, args: Args, *, text_limit: int) -> tuple[str | None, Any]:
        text = _str_or_none(args.get("text"))
        blocks = args.get("blocks")
        if text is not None and message_problems(None, text, text_limit=text_limit):
            raise _ApiError("msg_too_long")
        if blocks is not None:
            if not isinstance(blocks, list):
                raise _ApiError("invalid_blocks_format")
            problems = message_problems(blocks, None)
            if problems:
                raise _ApiError("invalid_blocks", errors=problems, **_metadata(problems, ""))
        return text, blocks

    def _new_message(self, args: Args, text: str | None, blocks: Any, ts: str) -> Args:
        message: Args = {
            "type": "message",
            "text": text or "",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": self.team_id,
            "ts": ts,
        }
        if blocks is not None:
            message["blocks"] = blocks
        for key in ("thread_ts", "attachments", "metadata"):
            if args.get(key) is not None:
                message[key] = args[key]
        return message

    def _store_view(
        self, view: Args, *, view_id: str | None = None, previous: Args | None = None
    ) -> Args:
        view_id = view_id or self._next_id("V")
        stored: Args = {
            "team_id": self.team_id,
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
            **view,
            "id": view_id,
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{next(self._seq):08d}",
            "root_view_id": (previous or {}).get("root_view_id", view_id),
            "previous_view_id": (previous or {}).get("previous_view_id"),
            "app_id": APP_ID,
            "app_installed_team_id": self.team_id,
            "bot_id": BOT_ID,
        }
        self._views[view_id] = stored
        return stored

    def _checked_view(self, args: Args, *, allowed: tuple[str, ...]) -> Args:
        view = args.get("view")
        if not isinstance(view, dict):
            raise _ApiError("invalid_arguments", **_metadata(["/: view is required"], "/view"))
        problems = view_problems(view)
        if view.get("type") not in allowed:
            problems.insert(0, f"/type: must be one of {', '.join(allowed)}")
        if any(p.endswith(f"bytes > {MAX_VIEW_BYTES}") for p in problems):
            raise _ApiError("view_too_large", errors=problems)
        if problems:
            raise _ApiError("invalid_arguments", errors=problems, **_metadata(problems, "/view"))
        return view

    # ---- Web API methods

    def _auth_test(self, args: Args) -> Args:
        return {
            "url": f"{self.base_url}/",
            "team": "Local",
            "user": "salesbot",
            "team_id": self.team_id,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _users_info(self, args: Args) -> Args:
        user_id = str(args.get("user", ""))
        if user_id == BOT_USER_ID:
            user = _full_user(BOT_USER_ID, {"name": "salesbot", "is_bot": True}, self.team_id)
        elif user_id in self.users:
            user = dict(self.users[user_id])
        else:
            raise _ApiError("user_not_found")
        # Slack omits the locale unless asked: a bot that forgets include_locale gets none.
        if not _truthy(args.get("include_locale")):
            user.pop("locale", None)
        return {"user": user}

    def _users_lookup_by_email(self, args: Args) -> Args:
        address = str(args.get("email", "")).lower()
        for user in self.users.values():
            if str(user["profile"].get("email") or "").lower() == address and address:
                return {"user": user}
        raise _ApiError("users_not_found")

    def _conversations_open(self, args: Args) -> Args:
        if args.get("channel"):
            channel_id = str(args["channel"])
        else:
            users = args.get("users")
            ids = users if isinstance(users, list) else str(users or "").split(",")
            ids = [u.strip() for u in ids if str(u).strip()]
            if len(ids) != 1:
                # Group DMs are not needed by the bot; refuse them rather than fake them badly.
                raise _ApiError("invalid_arguments" if not ids else "not_implemented")
            channel_id = self._open_dm(ids[0])
        info = self._channels.get(channel_id, {"id": channel_id})
        if _truthy(args.get("return_im")):
            return {"channel": info}
        return {"channel": {"id": channel_id}}

    def _conversations_info(self, args: Args) -> Args:
        channel_id = str(args.get("channel", ""))
        if not channel_id:
            raise _ApiError("channel_not_found")
        known = self._channels.get(channel_id, {})
        is_im = channel_id.startswith("D")
        info: Args = {
            "id": channel_id,
            "name": channel_id.lower(),
            "is_channel": channel_id.startswith("C"),
            "is_group": channel_id.startswith("G"),
            "is_im": is_im,
            "is_private": not channel_id.startswith("C"),
            "is_member": True,
            "is_archived": False,
            **known,
        }
        if is_im:
            info.pop("name")
        return {"channel": info}

    def _conversations_history(self, args: Args) -> Args:
        channel = self._resolve_channel(str(args.get("channel") or ""))
        if not channel:
            raise _ApiError("channel_not_found")
        oldest = float(args.get("oldest") or 0)
        latest = float(args.get("latest") or math.inf)
        limit = min(max(int(args.get("limit") or 100), 1), 999)
        start = int(args.get("cursor") or 0)
        found = sorted(
            (m for (c, ts), m in self._messages.items() if c == channel),
            key=lambda m: float(m["ts"]),
            reverse=True,  # newest first, as Slack answers
        )
        found = [m for m in found if oldest < float(m["ts"]) <= latest]
        page = [copy.deepcopy(m) for m in found[start : start + limit]]
        if not _truthy(args.get("include_all_metadata")):
            # Slack leaves metadata out unless asked.
            for message in page:
                message.pop("metadata", None)
        more = start + limit < len(found)
        return {
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _chat_post_message(self, args: Args) -> Args:
        channel = self._resolve_channel(str(args.get("channel") or ""))
        if not channel:
            raise _ApiError("channel_not_found")
        text, blocks = self._message_args(args, text_limit=MAX_MESSAGE_TEXT)
        if not text and not blocks and not args.get("attachments"):
            raise _ApiError("no_text")
        ts = self._next_ts()
        message = self._new_message(args, text, blocks, ts)
        self._messages[(channel, ts)] = message
        return {"channel": channel, "ts": ts, "message": message}

    def _chat_post_ephemeral(self, args: Args) -> Args:
        channel = str(args.get("channel") or "")
        if not channel:
            raise _ApiError("channel_not_found")
        if not args.get("user"):
            raise _ApiError("user_not_found")
        text, blocks = self._message_args(args, text_limit=MAX_MESSAGE_TEXT)
        if not text and not blocks and not args.get("attachments"):
            raise _ApiError("no_text")
        ts = self._next_ts()
        # Slack answers only message_ts: ephemeral messages are not stored as channel messages.
        self._ephemeral.add((channel, ts))
        return {"message_ts": ts}

    def _chat_update(self, args: Args) -> Args:
        channel = str(args.get("channel") or "")
        ts = str(args.get("ts") or "")
        if not channel:
            raise _ApiError("channel_not_found")
        if (channel, ts) in self._ephemeral or not ts:
            # A classic bug: chat.update on an ephemeral message; Slack cannot find it.
            raise _ApiError("message_not_found")
        text, blocks = self._message_args(args, text_limit=MAX_UPDATE_TEXT)
        # Messages this fake never saw (test payloads with made-up ts) are accepted as if known.
        message = dict(self._messages.get((channel, ts)) or self._new_message(args, "", None, ts))
        if text is not None:
            message["text"] = text
        if blocks is not None:
            message["blocks"] = blocks
        message["edited"] = {"user": BOT_USER_ID, "ts": self._next_ts()}
        self._messages[(channel, ts)] = message
        return {"channel": channel, "ts": ts, "text": message["text"], "message": message}

    def _chat_delete(self, args: Args) -> Args:
        channel = str(args.get("channel") or "")
        ts = str(args.get("ts") or "")
        if not channel:
            raise _ApiError("channel_not_found")
        if (channel, ts) in self._ephemeral or not ts:
            raise _ApiError("message_not_found")
        self._messages.pop((channel, ts), None)
        return {"channel": channel, "ts": ts}

    def _chat_get_permalink(self, args: Args) -> Args:
        channel = str(args.get("channel") or "")
        ts = str(args.get("message_ts") or "")
        if not channel:
            raise _ApiError("channel_not_found")
        if not ts:
            raise _ApiError("message_not_found")
        permalink = f"{self.base_url}/archives/{channel}/p{ts.replace('.', '')}"
        return {"channel": channel, "permalink": permalink}

    def _views_open(self, args: Args) -> Args:
        if not args.get("trigger_id"):
            raise _ApiError("invalid_arguments", **_metadata(["/: trigger_id is required"], ""))
        view = self._checked_view(args, allowed=("modal",))
        return {"view": self._store_view(view)}

    def _views_update(self, args: Args) -> Args:
        view_id = _str_or_none(args.get("view_id"))
        external_id = _str_or_none(args.get("external_id"))
        if view_id is None and external_id is not None:
            view_id = next(
                (k for k, v in self._views.items() if v.get("external_id") == external_id), None
            )
        current = self._views.get(view_id or "")
        if current is None:
            raise _ApiError("not_found")
        expected = _str_or_none(args.get("hash"))
        if expected is not None and expected != current["hash"]:
            raise _ApiError("hash_conflict")
        view = self._checked_view(args, allowed=("modal", "home"))
        return {"view": self._store_view(view, view_id=current["id"], previous=current)}

    def _views_publish(self, args: Args) -> Args:
        user_id = str(args.get("user_id") or "")
        if not user_id:
            raise _ApiError("invalid_arguments", **_metadata(["/: user_id is required"], ""))
        if self._known_users and user_id not in self.users:
            raise _ApiError("user_not_found")
        view = self._checked_view(args, allowed=("home",))
        current_id = self._homes.get(user_id)
        current = self._views.get(current_id or "")
        expected = _str_or_none(args.get("hash"))
        if current is not None and expected is not None and expected != current["hash"]:
            raise _ApiError("hash_conflict")
        stored = self._store_view(view, view_id=current_id)
        self._homes[user_id] = stored["id"]
        return {"view": stored}

    def _files_get_upload_url(self, args: Args) -> Args:
        filename = _str_or_none(args.get("filename"))
        if not filename or args.get("length") in (None, ""):
            raise _ApiError("invalid_arguments")
        file_id = self._next_id("F")
        self._files[file_id] = {
            "id": file_id,
            "name": filename,
            "length": int(args["length"]),
            "data": None,
        }
        return {"upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, args: Args) -> Args:
        requested = args.get("files")
        if not isinstance(requested, list) or not requested:
            raise _ApiError("invalid_arguments")
        channel = _str_or_none(args.get("channel_id"))
        channels = [channel] if channel else []
        if args.get("channels"):
            channels += str(args["channels"]).split(",")
        done: list[Args] = []
        for item in requested:
            entry = self._files.get(str(item.get("id")) if isinstance(item, dict) else "")
            if entry is None or entry["data"] is None:
                raise _ApiError("file_not_found")
            name = str(entry["name"])
            done.append(
                {
                    "id": entry["id"],
                    "name": name,
                    "title": item.get("title") or name,
                    "size": len(entry["data"]),
                    "user": BOT_USER_ID,
                    "channels": channels,
                    "url_private": f"{self.base_url}/files/{entry['id']}/{name}",
                    "permalink": f"{self.base_url}/files/{BOT_USER_ID}/{entry['id']}/{name}",
                }
            )
        for shared in channels:
            # A shared file shows in the channel as a message carrying it, as in Slack.
            ts = self._next_ts()
            message = self._new_message({}, str(args.get("initial_comment") or ""), None, ts)
            message["files"] = copy.deepcopy(done)
            message["upload"] = True
            self._messages[(self._resolve_channel(shared), ts)] = message
        return {"files": done}


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self._answer(body)

    def do_GET(self) -> None:
        self._answer(b"")

    def _answer(self, body: bytes) -> None:
        slack: LocalSlack = self.server.local_slack  # type: ignore[attr-defined]
        # Header names arrive as the client spelled them (urllib sends "Content-type").
        headers = {name.lower(): value for name, value in self.headers.items()}
        reply = slack._handle(self.path, headers, body)
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


def _parse_args(content_type: str, body: bytes) -> Args:
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


def _full_user(user_id: str, data: Mapping[str, Any], team_id: str) -> dict[str, Any]:
    name = str(data.get("name") or user_id.lower())
    real_name = str(data.get("real_name") or name)
    profile: dict[str, Any] = {
        "real_name": real_name,
        "display_name": data.get("display_name", name),
        "email": data.get("email"),
    }
    profile.update(data.get("profile") or {})
    user: dict[str, Any] = {
        "id": user_id,
        "team_id": team_id,
        "name": name,
        "real_name": real_name,
        "deleted": False,
        "tz": "UTC",
        "tz_label": "Coordinated Universal Time",
        "tz_offset": 0,
        "locale": "en-US",
        "is_admin": False,
        "is_owner": False,
        "is_bot": False,
        "is_app_user": False,
    }
    user.update({k: v for k, v in data.items() if k not in ("profile", "email", "display_name")})
    user["id"] = user_id
    user["profile"] = profile
    return user


def _metadata(problems: list[str], prefix: str) -> Args:
    # Slack's own wording, so error handling written against the fake reads real errors too.
    messages = []
    for problem in problems:
        pointer, _, detail = problem.partition(": ")
        messages.append(f"[ERROR] {detail} [json-pointer:{prefix}{pointer.rstrip('/')}]")
    return {"response_metadata": {"messages": messages}}


def _truthy(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("1", "true"))


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
