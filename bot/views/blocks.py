"""Small Block Kit helpers that keep every builder inside Slack's limits."""

from __future__ import annotations

from typing import Any

from bot.format import truncate

Block = dict[str, Any]

SECTION_MAX = 3000
FIELD_MAX = 2000
HEADER_MAX = 150
BUTTON_TEXT_MAX = 75
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100


def mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": truncate(text, SECTION_MAX)}


def plain_text(text: str, limit: int = SECTION_MAX) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": True}


def header(text: str) -> Block:
    return {"type": "header", "text": plain_text(text, HEADER_MAX)}


def section(text: str, *, accessory: Block | None = None, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if accessory is not None:
        block["accessory"] = accessory
    if block_id is not None:
        block["block_id"] = block_id
    return block


def fields(pairs: list[tuple[str, str]]) -> Block:
    """A section of label/value fields (Slack shows them in two columns, ten at most)."""
    return {
        "type": "section",
        "fields": [
            mrkdwn(truncate(f"*{label}*\n{value}", FIELD_MAX)) for label, value in pairs[:10]
        ],
    }


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(t) for t in texts[:10]]}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": plain_text(text, BUTTON_TEXT_MAX),
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


SCOPE_ME = "me"
"""A button's value for a report on one's own deals, typed as nothing: Slack refuses a button
with an empty value."""


def scope_value(typed: str) -> str:
    """What was typed after a report's command, as a button value (never empty)."""
    return typed[:1900] or SCOPE_ME


def typed_scope(value: str) -> str:
    """The typed text a `scope_value` stands for."""
    return "" if value == SCOPE_ME else value


def option(text: str, value: str) -> Block:
    return {"text": plain_text(text, 75), "value": value[:150]}


def fit_message(blocks: list[Block], overflow_text: str | None = None) -> list[Block]:
    """Never more than Slack's 50 blocks: cut and say so rather than be refused."""
    if len(blocks) <= MESSAGE_BLOCKS_MAX:
        return blocks
    kept = blocks[: MESSAGE_BLOCKS_MAX - 1]
    kept.append(context(overflow_text or "…"))
    return kept
