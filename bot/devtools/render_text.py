"""Block Kit as terminal text, for the local console.

The console has no Slack client to draw messages and modals, so it prints them with every
interactive element numbered; a person "presses" an element by typing its number, and fills a
modal field by field. `state_value` builds the exact `view.state.values` entry Slack would send in
a `view_submission`, so the app under the console sees real payloads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

RULE = "─" * 40
_DIM = "\x1b[2m"
_BOLD = "\x1b[1m"
_RESET = "\x1b[0m"
_MAX_LISTED_OPTIONS = 10  # a 100-option select would drown the screen

_CHOSEN_BY_NUMBER = frozenset(
    {"static_select", "radio_buttons", "checkboxes", "multi_static_select"}
)

Option = tuple[str, str]  # (text, value)


@dataclass(frozen=True)
class Control:
    """One interactive element the user can press by `number`."""

    number: int
    block_id: str
    action_id: str
    type: str
    label: str
    value: str | None = None
    options: list[Option] = field(default_factory=list)
    url: str | None = None
    confirm: str | None = None  # the confirm dialog's text, to ask before acting


@dataclass(frozen=True)
class Rendered:
    text: str
    controls: list[Control]

    def control(self, number: int) -> Control:
        """The control printed as `[number]`; KeyError when there is none."""
        for control in self.controls:
            if control.number == number:
                return control
        raise KeyError(number)


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


# ---- rendering


def render_blocks(blocks: Iterable[Mapping[str, Any]], *, ansi: bool = False) -> Rendered:
    """Blocks as text; `ansi` adds bold headers and dim context for a real terminal."""
    renderer = _Renderer(ansi=ansi)
    renderer.blocks(blocks)
    return renderer.result()


def render_view(view: Mapping[str, Any], *, ansi: bool = False) -> Rendered:
    """A modal or App Home: title, blocks (inputs shown as fields), then the modal's buttons."""
    renderer = _Renderer(ansi=ansi)
    title = text_of(view.get("title"))
    if title:
        renderer.heading(title, "═")
    renderer.blocks(_list(view.get("blocks")))
    buttons = []
    for key, name in (("submit", "Submit"), ("close", "Close")):
        if text_of(view.get(key)):
            buttons.append(f"{name}: {text_of(view.get(key))}")
    if buttons:
        renderer.lines.append("")
        renderer.lines.append("   ".join(buttons))
    return renderer.result()


class _Renderer:
    def __init__(self, *, ansi: bool) -> None:
        self.ansi = ansi
        self.lines: list[str] = []
        self.controls: list[Control] = []

    def result(self) -> Rendered:
        return Rendered("\n".join(self.lines).rstrip("\n"), list(self.controls))

    def style(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.ansi else text

    def heading(self, text: str, underline: str) -> None:
        self.lines.append(self.style(text, _BOLD))
        self.lines.append(underline * len(text))

    def blocks(self, blocks: Iterable[Mapping[str, Any]]) -> None:
        for index, block in enumerate(blocks):
            if isinstance(block, Mapping):
                self.block(block, index)

    def block(self, block: Mapping[str, Any], index: int) -> None:
        kind = block.get("type")
        block_id = str(block.get("block_id") or _stand_in_block_id(index))
        if kind == "header":
            self.heading(text_of(block.get("text")), "=")
        elif kind == "section":
            self.section(block, block_id, index)
        elif kind == "divider":
            self.lines.append(RULE)
        elif kind == "context":
            parts = [_context_part(e) for e in _list(block.get("elements"))]
            self.lines.append(self.style("    " + " · ".join(p for p in parts if p), _DIM))
        elif kind == "actions":
            for j, element in enumerate(_list(block.get("elements"))):
                if isinstance(element, Mapping):
                    self.lines.append("  " + self.element(element, block_id, index, j))
        elif kind == "input":
            self.input(block)
        elif kind == "image":
            title = text_of(block.get("title")) or str(block.get("alt_text", ""))
            self.lines.append(f"[image: {title}]")
        elif kind == "rich_text":
            self.lines.extend(_rich_text(_list(block.get("elements"))))
        else:
            self.lines.append(f"({kind} block)")

    def section(self, block: Mapping[str, Any], block_id: str, index: int) -> None:
        text = text_of(block.get("text"))
        if text:
            self.lines.extend(text.split("\n"))
        for f in _list(block.get("fields")):
            label, _, value = text_of(f).partition("\n")
            self.lines.append(f"  {label}: {value.strip()}" if value else f"  {label}")
        accessory = block.get("accessory")
        if isinstance(accessory, Mapping):
            if accessory.get("type") == "image":
                self.lines.append(f"  [image: {accessory.get('alt_text', '')}]")
            else:
                self.lines.append("  " + self.element(accessory, block_id, index, 0))

    def input(self, block: Mapping[str, Any]) -> None:
        label = text_of(block.get("label"))
        optional = " (optional)" if block.get("optional") else ""
        element = block.get("element")
        shown = ""
        if isinstance(element, Mapping):
            initial = _initial_text(element)
            shown = f" {initial}" if initial else " ____"
        self.lines.append(f"{label}{optional}:{shown}")
        hint = text_of(block.get("hint"))
        if hint:
            self.lines.append(self.style(f"    {hint}", _DIM))

    def element(self, element: Mapping[str, Any], block_id: str, block_index: int, j: int) -> str:
        kind = str(element.get("type", ""))
        number = len(self.controls) + 1
        options = _options(element)
        label = (
            text_of(element.get("text"))
            or text_of(element.get("placeholder"))
            or str(element.get("action_id", kind))
        )
        confirm = element.get("confirm")
        control = Control(
            number=number,
            block_id=block_id,
            action_id=str(element.get("action_id") or _stand_in_action_id(block_index, j)),
            type=kind,
            label=label,
            value=_str_or_none(element.get("value")),
            options=options,
            url=_str_or_none(element.get("url")),
            confirm=text_of(confirm.get("text")) if isinstance(confirm, Mapping) else None,
        )
        self.controls.append(control)
        return f"[{number}] {_describe(control, element)}"


def _describe(control: Control, element: Mapping[str, Any]) -> str:
    kind = control.type
    if kind == "button":
        suffix = " (danger)" if element.get("style") == "danger" else ""
        link = f" ↗ {control.url}" if control.url else ""
        return f"{control.label}{suffix}{link}"
    if kind == "overflow":
        return f"⋯ ({_list_options(control.options)})"
    if kind in ("checkboxes", "radio_buttons"):
        chosen = {v for _, v in _initial_options(element)}
        marks = ("☑", "☐") if kind == "checkboxes" else ("◉", "○")
        return "  ".join(f"{marks[0] if v in chosen else marks[1]} {t}" for t, v in control.options)
    initial = _initial_text(element)
    current = f" = {initial}" if initial else ""
    if kind in ("static_select", "multi_static_select"):
        return f"{control.label} ▾{current} (options: {_list_options(control.options)})"
    if kind.endswith("_select"):
        what = kind.removeprefix("multi_").removesuffix("_select")
        return f"{control.label} ▾{current} ({what}: type to search)"
    if kind == "datepicker":
        return f"{control.label} 📅{current}"
    return f"{control.label} ({kind}){current}"


def _list_options(options: list[Option]) -> str:
    shown = ", ".join(text for text, _ in options[:_MAX_LISTED_OPTIONS])
    more = len(options) - _MAX_LISTED_OPTIONS
    return f"{shown}, … +{more} more" if more > 0 else shown


def _context_part(element: object) -> str:
    if not isinstance(element, Mapping):
        return ""
    if element.get("type") == "image":
        return f"[{element.get('alt_text', 'image')}]"
    return text_of(element)


def _rich_text(elements: list[Any]) -> list[str]:
    lines: list[str] = []
    for element in elements:
        if not isinstance(element, Mapping):
            continue
        kind = element.get("type")
        if kind == "rich_text_list":
            ordered = element.get("style") == "ordered"
            for n, item in enumerate(_list(element.get("elements")), start=1):
                bullet = f"{n}." if ordered else "•"
                lines.append(f"  {bullet} {_rich_inline(item)}")
        elif kind == "rich_text_quote":
            lines.extend(f"> {line}" for line in _rich_inline(element).split("\n"))
        else:
            lines.extend(_rich_inline(element).split("\n"))
    return lines


def _rich_inline(section: object) -> str:
    if not isinstance(section, Mapping):
        return ""
    out: list[str] = []
    for part in _list(section.get("elements")):
        if not isinstance(part, Mapping):
            continue
        kind = part.get("type")
        if kind == "text":
            out.append(str(part.get("text", "")))
        elif kind == "link":
            out.append(str(part.get("text") or part.get("url", "")))
        elif kind == "user":
            out.append(f"@{part.get('user_id', '')}")
        elif kind == "channel":
            out.append(f"#{part.get('channel_id', '')}")
        elif kind == "emoji":
            out.append(f":{part.get('name', '')}:")
        elif kind == "broadcast":
            out.append(f"@{part.get('range', '')}")
    return "".join(out)


# ---- modal input


def input_fields(view: Mapping[str, Any]) -> list[InputField]:
    """The view's input blocks, in order, as questions the console can ask."""
    fields: list[InputField] = []
    for index, block in enumerate(_list(view.get("blocks"))):
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
                block_id=str(block.get("block_id") or _stand_in_block_id(index)),
                action_id=str(element.get("action_id") or _stand_in_action_id(index, 0)),
                label=text_of(block.get("label")),
                type=kind,
                optional=bool(block.get("optional")),
                initial=_initial_answer(element),
                options=_options(element),
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
    raw = _raw_options(field.element)
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


# ---- element helpers


def _raw_options(element: Mapping[str, Any]) -> list[dict[str, Any]]:
    options = [o for o in _list(element.get("options")) if isinstance(o, dict)]
    for group in _list(element.get("option_groups")):
        if isinstance(group, Mapping):
            options += [o for o in _list(group.get("options")) if isinstance(o, dict)]
    return options


def _options(element: Mapping[str, Any]) -> list[Option]:
    return [(text_of(o.get("text")), str(o.get("value", ""))) for o in _raw_options(element)]


def _initial_options(element: Mapping[str, Any]) -> list[Option]:
    initial = element.get("initial_options")
    if not isinstance(initial, list):
        one = element.get("initial_option")
        initial = [one] if isinstance(one, Mapping) else []
    return [
        (text_of(o.get("text")), str(o.get("value", ""))) for o in initial if isinstance(o, Mapping)
    ]


def _initial_text(element: Mapping[str, Any]) -> str:
    """What the element shows before anyone touches it."""
    chosen = _initial_options(element)
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


def _initial_answer(element: Mapping[str, Any]) -> str | None:
    # Choices are answered by number, so their initial answer is numbers too.
    if element.get("type") in (
        "static_select",
        "radio_buttons",
        "checkboxes",
        "multi_static_select",
    ):
        values = [v for _, v in _options(element)]
        numbers = [str(values.index(v) + 1) for _, v in _initial_options(element) if v in values]
        return ",".join(numbers) or None
    if element.get("type") == "external_select":
        chosen = _initial_options(element)
        return chosen[0][1] if chosen else None
    return _initial_text(element) or None


def _stand_in_block_id(index: int) -> str:
    # Slack invents a block_id when a view leaves it out; a stable stand-in keeps payloads usable.
    return f"block_{index}"


def _stand_in_action_id(block_index: int, element_index: int) -> str:
    return f"action_{block_index}_{element_index}"


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
