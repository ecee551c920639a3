"""Slack's hard Block Kit limits, checked before Slack refuses a payload.

slack_sdk's model classes validate some limits, but only when they are used, and nothing checks the
per-message block count. Views, their tests and `LocalSlack` all call these functions so the
numbers live in one place (see SLACK.md). Each problem names the JSON pointer of the offending
value, the way Slack's `invalid_blocks` errors do, so a failing test points at the block to fix.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000
MAX_UPDATE_TEXT = 4_000
MAX_SECTION_TEXT = 3_000
MAX_SECTION_FIELDS = 10
MAX_FIELD_TEXT = 2_000
MAX_HEADER_TEXT = 150
MAX_ACTIONS_ELEMENTS = 25
MAX_CONTEXT_ELEMENTS = 10
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2_000
MAX_BUTTON_URL = 3_000
MAX_ID = 255
MAX_SELECT_OPTIONS = 100
MAX_OVERFLOW_OPTIONS = 5
MIN_OVERFLOW_OPTIONS = 2
MAX_CHOICE_OPTIONS = 10  # checkboxes and radio buttons
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_INPUT_LABEL = 2_000
MAX_VIEW_TITLE = 24
MAX_PRIVATE_METADATA = 3_000
# Slack says "250 kB"; counting 1,000 bytes per kB errs on the side of refusing early.
MAX_VIEW_BYTES = 250_000

_SELECTS_WITH_OPTIONS = frozenset({"static_select", "multi_static_select"})
_CHOICES = frozenset({"checkboxes", "radio_buttons"})


def message_problems(
    blocks: list[dict[str, Any]] | None,
    text: str | None,
    *,
    text_limit: int = MAX_MESSAGE_TEXT,
) -> list[str]:
    """Problems Slack would refuse a message for; empty when the message is fine.

    `text_limit` is 4,000 (`MAX_UPDATE_TEXT`) for `chat.update`.
    """
    problems: list[str] = []
    if text is not None:
        _check_len(problems, "/text", text, text_limit)
    if blocks is not None:
        _check_blocks(problems, blocks, "/blocks", MAX_MESSAGE_BLOCKS)
    return problems


def view_problems(view: Mapping[str, Any]) -> list[str]:
    """Problems Slack would refuse a modal or App Home view for; empty when it is fine."""
    problems: list[str] = []
    size = len(json.dumps(view, ensure_ascii=False).encode("utf-8"))
    if size > MAX_VIEW_BYTES:
        problems.append(f"/: {size} bytes > {MAX_VIEW_BYTES}")
    is_modal = view.get("type") == "modal"
    if is_modal and not isinstance(view.get("title"), Mapping):
        problems.append("/title: required for a modal")
    for key in ("title", "submit", "close"):
        _check_text_object(problems, view, key, "", MAX_VIEW_TITLE)
    _check_len(problems, "/private_metadata", view.get("private_metadata"), MAX_PRIVATE_METADATA)
    _check_len(problems, "/callback_id", view.get("callback_id"), MAX_ID)
    _check_len(problems, "/external_id", view.get("external_id"), MAX_ID)
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        problems.append("/blocks: required list")
        return problems
    _check_blocks(problems, blocks, "/blocks", MAX_VIEW_BLOCKS)
    has_input = any(isinstance(b, Mapping) and b.get("type") == "input" for b in blocks)
    if is_modal and has_input and not isinstance(view.get("submit"), Mapping):
        # Slack refuses a modal with inputs but no submit button: nothing could send the values.
        problems.append("/submit: required when the modal has input blocks")
    return problems


def _check_blocks(problems: list[str], blocks: list[Any], pointer: str, max_blocks: int) -> None:
    if len(blocks) > max_blocks:
        problems.append(f"{pointer}: {len(blocks)} blocks > {max_blocks}")
    seen_block_ids: dict[str, int] = {}
    for index, block in enumerate(blocks):
        here = f"{pointer}/{index}"
        if not isinstance(block, Mapping):
            problems.append(f"{here}: not an object")
            continue
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            _check_len(problems, f"{here}/block_id", block_id, MAX_ID)
            if block_id in seen_block_ids:
                problems.append(
                    f"{here}/block_id: duplicate {block_id!r} (first at {pointer}/"
                    f"{seen_block_ids[block_id]})"
                )
            else:
                seen_block_ids[block_id] = index
        _check_block(problems, block, here)


def _check_block(problems: list[str], block: Mapping[str, Any], here: str) -> None:
    kind = block.get("type")
    if kind == "section":
        _check_text_object(problems, block, "text", here, MAX_SECTION_TEXT)
        fields = block.get("fields")
        if isinstance(fields, list):
            if len(fields) > MAX_SECTION_FIELDS:
                problems.append(f"{here}/fields: {len(fields)} fields > {MAX_SECTION_FIELDS}")
            for i, field in enumerate(fields):
                if isinstance(field, Mapping):
                    text = field.get("text")
                    _check_len(problems, f"{here}/fields/{i}/text", text, MAX_FIELD_TEXT)
        accessory = block.get("accessory")
        if isinstance(accessory, Mapping):
            _check_elements(problems, [accessory], f"{here}/accessory", single=True)
    elif kind == "header":
        _check_text_object(problems, block, "text", here, MAX_HEADER_TEXT)
    elif kind == "actions":
        elements = _list(block.get("elements"))
        if len(elements) > MAX_ACTIONS_ELEMENTS:
            problems.append(f"{here}/elements: {len(elements)} elements > {MAX_ACTIONS_ELEMENTS}")
        _check_elements(problems, elements, f"{here}/elements", single=False)
    elif kind == "context":
        elements = _list(block.get("elements"))
        if len(elements) > MAX_CONTEXT_ELEMENTS:
            problems.append(f"{here}/elements: {len(elements)} elements > {MAX_CONTEXT_ELEMENTS}")
    elif kind == "input":
        label = block.get("label")
        if not isinstance(label, Mapping):
            problems.append(f"{here}/label: required for an input block")
        else:
            _check_text_object(problems, block, "label", here, MAX_INPUT_LABEL)
        element = block.get("element")
        if not isinstance(element, Mapping):
            problems.append(f"{here}/element: required for an input block")
        else:
            _check_elements(problems, [element], f"{here}/element", single=True)


def _check_elements(
    problems: list[str], elements: Iterable[Any], pointer: str, *, single: bool
) -> None:
    """Check interactive elements; `single` means `pointer` is the element itself."""
    seen_action_ids: dict[str, str] = {}
    for index, element in enumerate(elements):
        here = pointer if single else f"{pointer}/{index}"
        if not isinstance(element, Mapping):
            problems.append(f"{here}: not an object")
            continue
        action_id = element.get("action_id")
        if isinstance(action_id, str):
            _check_len(problems, f"{here}/action_id", action_id, MAX_ID)
            if action_id in seen_action_ids:
                first = seen_action_ids[action_id]
                problems.append(f"{here}/action_id: duplicate {action_id!r} (first at {first})")
            else:
                seen_action_ids[action_id] = here
        _check_element(problems, element, here)


def _check_element(problems: list[str], element: Mapping[str, Any], here: str) -> None:
    kind = element.get("type")
    if kind == "button":
        _check_text_object(problems, element, "text", here, MAX_BUTTON_TEXT)
        _check_len(problems, f"{here}/value", element.get("value"), MAX_BUTTON_VALUE)
        _check_len(problems, f"{here}/url", element.get("url"), MAX_BUTTON_URL)
        if not element.get("url") and not element.get("value"):
            # A click must say what it is about: an empty value reaches the listener as nothing.
            problems.append(f"{here}/value: a button without a value")
    elif kind in _SELECTS_WITH_OPTIONS:
        options = _list(element.get("options"))
        if len(options) > MAX_SELECT_OPTIONS:
            problems.append(f"{here}/options: {len(options)} options > {MAX_SELECT_OPTIONS}")
        _check_options(problems, options, f"{here}/options")
        groups = _list(element.get("option_groups"))
        if len(groups) > MAX_SELECT_OPTIONS:
            problems.append(f"{here}/option_groups: {len(groups)} groups > {MAX_SELECT_OPTIONS}")
        for g, group in enumerate(groups):
            if isinstance(group, Mapping):
                group_options = _list(group.get("options"))
                where = f"{here}/option_groups/{g}/options"
                if len(group_options) > MAX_SELECT_OPTIONS:
                    problems.append(f"{where}: {len(group_options)} options > {MAX_SELECT_OPTIONS}")
                _check_options(problems, group_options, where)
    elif kind == "overflow":
        options = _list(element.get("options"))
        if not MIN_OVERFLOW_OPTIONS <= len(options) <= MAX_OVERFLOW_OPTIONS:
            problems.append(
                f"{here}/options: {len(options)} options, overflow needs "
                f"{MIN_OVERFLOW_OPTIONS}-{MAX_OVERFLOW_OPTIONS}"
            )
        _check_options(problems, options, f"{here}/options")
    elif kind in _CHOICES:
        options = _list(element.get("options"))
        if len(options) > MAX_CHOICE_OPTIONS:
            problems.append(f"{here}/options: {len(options)} options > {MAX_CHOICE_OPTIONS}")
        _check_options(problems, options, f"{here}/options")


def _check_options(problems: list[str], options: list[Any], pointer: str) -> None:
    for index, option in enumerate(options):
        if not isinstance(option, Mapping):
            problems.append(f"{pointer}/{index}: not an object")
            continue
        _check_text_object(problems, option, "text", f"{pointer}/{index}", MAX_OPTION_TEXT)
        _check_len(problems, f"{pointer}/{index}/value", option.get("value"), MAX_OPTION_VALUE)


def _check_text_object(
    problems: list[str], parent: Mapping[str, Any], key: str, here: str, limit: int
) -> None:
    obj = parent.get(key)
    if isinstance(obj, Mapping):
        _check_len(problems, f"{here}/{key}/text", obj.get("text"), limit)


def _check_len(problems: list[str], pointer: str, value: Any, limit: int) -> None:
    # Slack counts characters, not bytes.
    if isinstance(value, str) and len(value) > limit:
        problems.append(f"{pointer}: {len(value)} chars > {limit}")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
