"""Filling a modal from the console, the way Slack's client would.

The console asks for a modal's input blocks one by one; `state_value` builds the exact
`view.state.values` entry Slack would send in a `view_submission`, so the app under the console
sees real payloads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from bot.devtools.blockkit_text import (
    Option,
    as_list,
    element_options,
    initial_options,
    initial_text,
    raw_options,
    stand_in_action_id,
    stand_in_block_id,
    text_of,
)

# Choices the console answers by option number.
_CHOSEN_BY_NUMBER = frozenset(
    {"static_select", "radio_buttons", "checkboxes", "multi_static_select"}
)


@dataclass(frozen=True)
class InputField:
    """One field of a modal, in the order the console asks for it.

    `type` is the element type, except "multiline" for a multi-line plain_text_input.
    `initial` is the pre-filled answer in the form `state_value` accepts (option numbers for
    choices), so the console can offer it as the default.
    """

    block_id: str
    action_id: str
    label: str
    type: str
    optional: bool
    initial: str | None = None
    options: list[Option] = field(default_factory=list)
    hint: str | None = None
    placeholder: str | None = None
    element: dict[str, Any] = field(default_factory=dict, repr=False)


def input_fields(view: Mapping[str, Any]) -> list[InputField]:
    """The view's input blocks, in order, as questions the console can ask."""
    fields: list[InputField] = []
    for index, block in enumerate(as_list(view.get("blocks"))):
        if not isinstance(block, Mapping) or block.get("type") != "input":
            continue
        element = block.get("element")
        if not isinstance(element, Mapping):
            continue
        kind = str(element.get("type", ""))
        if kind == "plain_text_input" and element.get("multiline"):
            kind = "multiline"
        fields.append(
            InputField(
                block_id=str(block.get("block_id") or stand_in_block_id(index)),
                action_id=str(element.get("action_id") or stand_in_action_id(index, 0)),
                label=text_of(block.get("label")),
                type=kind,
                optional=bool(block.get("optional")),
                initial=_initial_answer(element),
                options=element_options(element),
                hint=text_of(block.get("hint")) or None,
                placeholder=text_of(element.get("placeholder")) or None,
                element=dict(element),
            )
        )
    return fields


def state_value(field: InputField, answer: str) -> dict[str, Any]:
    """The `view.state.values[block_id][action_id]` entry Slack sends for `answer`.

    Choices are answered by option number (comma-separated for checkboxes and multi-selects),
    or by the option's value or text. An empty answer means "left empty"; pass `field.initial`
    to keep the pre-filled value, as Slack does. Raises ValueError for an answer Slack's client
    would not let through (required and empty, not a number, not a date, unknown option).
    """
    kind = "plain_text_input" if field.type == "multiline" else field.type
    answer = answer.strip()
    if not answer and not field.optional:
        raise ValueError(f"{field.label}: required")
    empty = not answer
    if kind in ("plain_text_input", "email_text_input", "url_text_input"):
        return {"type": kind, "value": answer or None}
    if kind == "number_input":
        if not empty:
            _check_number(answer, decimal=bool(field.element.get("is_decimal_allowed")))
        return {"type": kind, "value": answer or None}
    if kind == "datepicker":
        if not empty:
            date.fromisoformat(answer)  # raises ValueError for anything but YYYY-MM-DD
        return {"type": kind, "selected_date": answer or None}
    if kind == "timepicker":
        if not empty:
            time.fromisoformat(answer)
        return {"type": kind, "selected_time": answer or None}
    if kind in ("static_select", "radio_buttons"):
        return {"type": kind, "selected_option": None if empty else _pick(field, answer)}
    if kind == "external_select":
        return {"type": kind, "selected_option": None if empty else _pick_external(field, answer)}
    if kind in ("checkboxes", "multi_static_select", "multi_external_select"):
        picks = [] if empty else [_pick(field, a) for a in answer.split(",") if a.strip()]
        return {"type": kind, "selected_options": picks}
    if kind == "users_select":
        return {"type": kind, "selected_user": None if empty else answer.lstrip("@")}
    if kind == "multi_users_select":
        return {"type": kind, "selected_users": _ids(answer, "@")}
    if kind == "conversations_select":
        return {"type": kind, "selected_conversation": None if empty else answer.lstrip("#")}
    if kind == "channels_select":
        return {"type": kind, "selected_channel": None if empty else answer.lstrip("#")}
    if kind == "multi_conversations_select":
        return {"type": kind, "selected_conversations": _ids(answer, "#")}
    if kind == "multi_channels_select":
        return {"type": kind, "selected_channels": _ids(answer, "#")}
    return {"type": kind, "value": answer or None}


def state_values(answers: Iterable[tuple[InputField, str]]) -> dict[str, dict[str, Any]]:
    """`view.state.values` for a whole modal from (field, answer) pairs."""
    values: dict[str, dict[str, Any]] = {}
    for field_, answer in answers:
        values.setdefault(field_.block_id, {})[field_.action_id] = state_value(field_, answer)
    return values


def _find_option(field: InputField, answer: str) -> dict[str, Any] | None:
    answer = answer.strip()
    raw = raw_options(field.element)
    if answer.isdigit() and 1 <= int(answer) <= len(raw):
        return raw[int(answer) - 1]
    for option in raw:
        if answer in (option.get("value"), text_of(option.get("text"))):
            return option
    return None


def _pick(field: InputField, answer: str) -> dict[str, Any]:
    option = _find_option(field, answer)
    if option is None:
        raise ValueError(f"{field.label}: no option {answer.strip()!r}")
    return option


def _pick_external(field: InputField, answer: str) -> dict[str, Any]:
    # External options come from the app's options listener and the console may not have them,
    # so an unknown answer is sent as both the option's text and value.
    option = _find_option(field, answer)
    if option is not None:
        return option
    return {"text": {"type": "plain_text", "text": answer, "emoji": True}, "value": answer}


def _check_number(answer: str, *, decimal: bool) -> None:
    if decimal:
        float(answer)
    elif not re.fullmatch(r"-?\d+", answer):
        raise ValueError(f"not a whole number: {answer!r}")


def _ids(answer: str, sigil: str) -> list[str]:
    return [a.strip().lstrip(sigil) for a in answer.split(",") if a.strip()]


def _initial_answer(element: Mapping[str, Any]) -> str | None:
    # Choices are answered by number, so their initial answer is numbers too.
    if element.get("type") in _CHOSEN_BY_NUMBER:
        values = [v for _, v in element_options(element)]
        numbers = [str(values.index(v) + 1) for _, v in initial_options(element) if v in values]
        return ",".join(numbers) or None
    if element.get("type") == "external_select":
        chosen = initial_options(element)
        return chosen[0][1] if chosen else None
    return initial_text(element) or None
