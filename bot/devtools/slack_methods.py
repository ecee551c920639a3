"""The Web API methods the local Slack answers, and the workspace they read and change.

Only the methods the bot uses are implemented, but those behave like Slack where it matters for
catching bugs: Block Kit limits are enforced with `blockkit_limits`, `chat.update` has its
4,000-char text cap, ephemeral messages cannot be updated, `users.info` returns `locale` only
with `include_locale`. `LocalSlack` adds the server, the recording and the faults.
"""

from __future__ import annotations

import copy
import itertools
import math
import time
from collections.abc import Callable, Mapping
from typing import Any

from bot.blockkit_limits import (
    MAX_MESSAGE_TEXT,
    MAX_UPDATE_TEXT,
    MAX_VIEW_BYTES,
    message_problems,
    view_problems,
)
from bot.devtools.slack_http import ApiError, Args, error_metadata, str_or_none, truthy

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
APP_ID = "ALOCAL"
USERS_PAGE = 100  # `users.list` without a limit: some members a page, as Slack does


class SlackWorkspace:
    """What Slack keeps for one workspace (users, channels, messages, views, files) and the Web
    API methods on it, by name in `methods`; each takes the call's arguments and answers the
    rest of Slack's `{"ok": true, ...}` or raises `ApiError`. Callers serialise the calls.
    """

    def __init__(
        self,
        users: Mapping[str, Mapping[str, Any]] | None = None,
        team_id: str = "T0LOCAL",
        *,
        channels: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.team_id = team_id
        self.users: dict[str, dict[str, Any]] = {
            uid: full_user(uid, data, team_id) for uid, data in (users or {}).items()
        }
        self._known_users = users is not None
        # Channels described here (`add_channel`) are answered as described; any other channel
        # is one the bot is a member of.
        self._channels = {cid: dict(info) for cid, info in (channels or {}).items()}
        # The app's `chat:write.public` scope: posting in public channels it is not a member of.
        self.write_public = True
        self._seq = itertools.count(1)
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._ephemeral: set[tuple[str, str]] = set()
        self._views: dict[str, dict[str, Any]] = {}
        self._homes: dict[str, str] = {}  # user id -> view id
        self._files: dict[str, dict[str, Any]] = {}
        self.methods: dict[str, Callable[[Args], Args]] = {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "users.list": self._users_list,
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

    @property
    def base_url(self) -> str:
        """Where the workspace is served: permalinks and upload URLs point there."""
        raise NotImplementedError

    # ---- helpers shared by the methods

    def _check_postable(self, channel: str) -> None:
        """Slack's refusals for a channel the bot may not post in."""
        info = self._channels.get(channel, {})
        if info.get("is_archived"):
            raise ApiError("is_archived")
        if info.get("is_member", True) or info.get("is_im"):
            return
        if info.get("is_private") or not self.write_public:
            raise ApiError("not_in_channel")

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
            raise ApiError("user_not_found")
        channel_id = "D" + user_id[1:]
        self._channels.setdefault(
            channel_id, {"id": channel_id, "is_im": True, "user": user_id, "is_open": True}
        )
        return channel_id

    def _message_args(self, args: Args, *, text_limit: int) -> tuple[str | None, Any]:
        text = str_or_none(args.get("text"))
        blocks = args.get("blocks")
        if text is not None and message_problems(None, text, text_limit=text_limit):
            raise ApiError("msg_too_long")
        if blocks is not None:
            if not isinstance(blocks, list):
                raise ApiError("invalid_blocks_format")
            problems = message_problems(blocks, None)
            if problems:
                raise ApiError("invalid_blocks", errors=problems, **error_metadata(problems, ""))
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
            raise ApiError("invalid_arguments", **error_metadata(["/: view is required"], "/view"))
        problems = view_problems(view)
        if view.get("type") not in allowed:
            problems.insert(0, f"/type: must be one of {', '.join(allowed)}")
        if any(p.endswith(f"bytes > {MAX_VIEW_BYTES}") for p in problems):
            raise ApiError("view_too_large", errors=problems)
        if problems:
            raise ApiError(
                "invalid_arguments", errors=problems, **error_metadata(problems, "/view")
            )
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
            user = full_user(BOT_USER_ID, {"name": "salesbot", "is_bot": True}, self.team_id)
        elif user_id in self.users:
            user = dict(self.users[user_id])
        else:
            raise ApiError("user_not_found")
        # Slack omits the locale unless asked: a bot that forgets include_locale gets none.
        if not truthy(args.get("include_locale")):
            user.pop("locale", None)
        return {"user": user}

    def _users_lookup_by_email(self, args: Args) -> Args:
        address = str(args.get("email", "")).lower()
        for user in self.users.values():
            if str(user["profile"].get("email") or "").lower() == address and address:
                return {"user": user}
        raise ApiError("users_not_found")

    def _users_list(self, args: Args) -> Args:
        """Every user, the bot included (Slack lists bots and deleted users too), `limit` a
        page; `next_cursor` (empty on the last page) is where the next page starts."""
        bot = full_user(BOT_USER_ID, {"name": "salesbot", "is_bot": True}, self.team_id)
        everyone = [*self.users.values(), bot]
        try:
            limit = int(args.get("limit") or 0) or USERS_PAGE
            start = int(str(args.get("cursor") or "0").removeprefix("page:"))
        except ValueError:
            raise ApiError("invalid_cursor") from None
        if not 0 <= start <= len(everyone):
            raise ApiError("invalid_cursor")
        end = start + min(limit, 1000)
        following = f"page:{end}" if end < len(everyone) else ""
        members = [copy.deepcopy(u) for u in everyone[start:end]]
        return {"members": members, "cache_ts": int(time.time()),
                "response_metadata": {"next_cursor": following}}  # fmt: skip

    def _conversations_open(self, args: Args) -> Args:
        if args.get("channel"):
            channel_id = str(args["channel"])
        else:
            users = args.get("users")
            ids = users if isinstance(users, list) else str(users or "").split(",")
            ids = [u.strip() for u in ids if str(u).strip()]
            if len(ids) != 1:
                # Group DMs are not needed by the bot; refuse them rather than fake them badly.
                raise ApiError("invalid_arguments" if not ids else "not_implemented")
            channel_id = self._open_dm(ids[0])
        info = self._channels.get(channel_id, {"id": channel_id})
        if truthy(args.get("return_im")):
            return {"channel": info}
        return {"channel": {"id": channel_id}}

    def _conversations_info(self, args: Args) -> Args:
        channel_id = str(args.get("channel", ""))
        if not channel_id:
            raise ApiError("channel_not_found")
        known = self._channels.get(channel_id, {})
        if known.get("is_private") and not known.get("is_member", True):
            # Slack hides a private channel from a bot that is not in it.
            raise ApiError("channel_not_found")
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
            raise ApiError("channel_not_found")
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
        if not truthy(args.get("include_all_metadata")):
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
            raise ApiError("channel_not_found")
        self._check_postable(channel)
        text, blocks = self._message_args(args, text_limit=MAX_MESSAGE_TEXT)
        if not text and not blocks and not args.get("attachments"):
            raise ApiError("no_text")
        ts = self._next_ts()
        message = self._new_message(args, text, blocks, ts)
        self._messages[(channel, ts)] = message
        return {"channel": channel, "ts": ts, "message": message}

    def _chat_post_ephemeral(self, args: Args) -> Args:
        channel = str(args.get("channel") or "")
        if not channel:
            raise ApiError("channel_not_found")
        if not args.get("user"):
            raise ApiError("user_not_found")
        text, blocks = self._message_args(args, text_limit=MAX_MESSAGE_TEXT)
        if not text and not blocks and not args.get("attachments"):
            raise ApiError("no_text")
        ts = self._next_ts()
        # Slack answers only message_ts: ephemeral messages are not stored as channel messages.
        self._ephemeral.add((channel, ts))
        return {"message_ts": ts}

    def _chat_update(self, args: Args) -> Args:
        channel = str(args.get("channel") or "")
        ts = str(args.get("ts") or "")
        if not channel:
            raise ApiError("channel_not_found")
        if (channel, ts) in self._ephemeral or not ts:
            # A classic bug: chat.update on an ephemeral message; Slack cannot find it.
            raise ApiError("message_not_found")
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
            raise ApiError("channel_not_found")
        if (channel, ts) in self._ephemeral or not ts:
            raise ApiError("message_not_found")
        self._messages.pop((channel, ts), None)
        return {"channel": channel, "ts": ts}

    def _chat_get_permalink(self, args: Args) -> Args:
        channel = str(args.get("channel") or "")
        ts = str(args.get("message_ts") or "")
        if not channel:
            raise ApiError("channel_not_found")
        if not ts:
            raise ApiError("message_not_found")
        permalink = f"{self.base_url}/archives/{channel}/p{ts.replace('.', '')}"
        return {"channel": channel, "permalink": permalink}

    def _views_open(self, args: Args) -> Args:
        if not args.get("trigger_id"):
            raise ApiError("invalid_arguments", **error_metadata(["/: trigger_id is required"], ""))
        view = self._checked_view(args, allowed=("modal",))
        return {"view": self._store_view(view)}

    def _views_update(self, args: Args) -> Args:
        view_id = str_or_none(args.get("view_id"))
        external_id = str_or_none(args.get("external_id"))
        if view_id is None and external_id is not None:
            view_id = next(
                (k for k, v in self._views.items() if v.get("external_id") == external_id), None
            )
        current = self._views.get(view_id or "")
        if current is None:
            raise ApiError("not_found")
        expected = str_or_none(args.get("hash"))
        if expected is not None and expected != current["hash"]:
            raise ApiError("hash_conflict")
        view = self._checked_view(args, allowed=("modal", "home"))
        return {"view": self._store_view(view, view_id=current["id"], previous=current)}

    def _views_publish(self, args: Args) -> Args:
        user_id = str(args.get("user_id") or "")
        if not user_id:
            raise ApiError("invalid_arguments", **error_metadata(["/: user_id is required"], ""))
        if self._known_users and user_id not in self.users:
            raise ApiError("user_not_found")
        view = self._checked_view(args, allowed=("home",))
        current_id = self._homes.get(user_id)
        current = self._views.get(current_id or "")
        expected = str_or_none(args.get("hash"))
        if current is not None and expected is not None and expected != current["hash"]:
            raise ApiError("hash_conflict")
        stored = self._store_view(view, view_id=current_id)
        self._homes[user_id] = stored["id"]
        return {"view": stored}

    def _files_get_upload_url(self, args: Args) -> Args:
        filename = str_or_none(args.get("filename"))
        if not filename or args.get("length") in (None, ""):
            raise ApiError("invalid_arguments")
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
            raise ApiError("invalid_arguments")
        channel = str_or_none(args.get("channel_id"))
        channels = [channel] if channel else []
        if args.get("channels"):
            channels += str(args["channels"]).split(",")
        done: list[Args] = []
        for item in requested:
            entry = self._files.get(str(item.get("id")) if isinstance(item, dict) else "")
            if entry is None or entry["data"] is None:
                raise ApiError("file_not_found")
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


def full_user(user_id: str, data: Mapping[str, Any], team_id: str) -> dict[str, Any]:
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
