"""Reading Block Kit as plain text: mrkdwn, text objects, and what an element offers and shows.

Shared by the console's rendering (`render_text`) and its modal filling (`modal_input`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

Option = tuple[str, str]  # (text, value)

# ---- mrkdwn


_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!([a-z]+)(?:\^[^|>]*)?(?:\|([^>]*))?>")
_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
_CODE_FENCE = re.compile(r"```\n?")
# Markers count only around words, so snake_case and 2*3 survive.
_EMPHASIS = [
    re.compile(rf"(?<![\w{m}]){m}(?=\S)([^{m}\n]*?\S){m}(?![\w{m}])") for m in (r"\*", "_", "~")
]


def mrkdwn_to_text(text: str) -> str:
    """Slack mrkdwn as readable plain text: markers dropped, mentions and links resolved."""
    text = _USER.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _SPECIAL.sub(lambda m: m.group(2) or "@" + m.group(1), text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1).removeprefix("mailto:"), text)
    text = _CODE_FENCE.sub("", text)
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\1", text)
    # Slack escapes only these three; unescape last so "&lt;b&gt;" does not become a link.
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def text_of(obj: object) -> str:
    """The readable text of a text object (plain_text or mrkdwn), or "" for anything else."""
    if not isinstance(obj, Mapping):
        return ""
    text = str(obj.get("text", ""))
    return mrkdwn_to_text(text) if obj.get("type") == "mrkdwn" else text


# ---- elements


def raw_options(element: Mapping[str, Any]) -> list[dict[str, Any]]:
    options = [o for o in as_list(element.get("options")) if isinstance(o, dict)]
    for group in as_list(element.get("option_groups")):
        if isinstance(group, Mapping):
            options += [o for o in as_list(group.get("options")) if isinstance(o, dict)]
    return options


def element_options(element: Mapping[str, Any]) -> list[Option]:
    return [(text_of(o.get("text")), str(o.get("value", ""))) for o in raw_options(element)]


def initial_options(element: Mapping[str, Any]) -> list[Option]:
    initial = element.get("initial_options")
    if not isinstance(initial, list):
        one = element.get("initial_option")
        initial = [one] if isinstance(one, Mapping) else []
    return [
        (text_of(o.get("text")), str(o.get("value", ""))) for o in initial if isinstance(o, Mapping)
    ]


def initial_text(element: Mapping[str, Any]) -> str:
    """What the element shows before anyone touches it."""
    chosen = initial_options(element)
    if chosen:
        return ", ".join(text for text, _ in chosen)
    for key in (
        "initial_value",
        "initial_date",
        "initial_time",
        "initial_user",
        "initial_conversation",
        "initial_channel",
    ):
        if element.get(key):
            return str(element[key])
    for key in ("initial_users", "initial_conversations", "initial_channels"):
        if element.get(key):
            return ", ".join(str(v) for v in element[key])
    return ""


def stand_in_block_id(index: int) -> str:
    # Slack invents a block_id when a view leaves it out; a stable stand-in keeps payloads usable.
    return f"block_{index}"


def stand_in_action_id(block_index: int, element_index: int) -> str:
    return f"action_{block_index}_{element_index}"


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
