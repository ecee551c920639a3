"""Block Kit as terminal text, for the local console.

The console has no Slack client to draw messages and modals, so it prints them with every
interactive element numbered; a person "presses" an element by typing its number. Filling a
modal is `modal_input`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.devtools.blockkit_text import (
    Option,
    as_list,
    element_options,
    initial_options,
    initial_text,
    stand_in_action_id,
    stand_in_block_id,
    str_or_none,
    text_of,
)

RULE = "─" * 40
_DIM = "\x1b[2m"
_BOLD = "\x1b[1m"
_RESET = "\x1b[0m"
_MAX_LISTED_OPTIONS = 10  # a 100-option select would drown the screen


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
    renderer.blocks(as_list(view.get("blocks")))
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
        block_id = str(block.get("block_id") or stand_in_block_id(index))
        if kind == "header":
            self.heading(text_of(block.get("text")), "=")
        elif kind == "section":
            self.section(block, block_id, index)
        elif kind == "divider":
            self.lines.append(RULE)
        elif kind == "context":
            parts = [_context_part(e) for e in as_list(block.get("elements"))]
            self.lines.append(self.style("    " + " · ".join(p for p in parts if p), _DIM))
        elif kind == "actions":
            for j, element in enumerate(as_list(block.get("elements"))):
                if isinstance(element, Mapping):
                    self.lines.append("  " + self.element(element, block_id, index, j))
        elif kind == "input":
            self.input(block)
        elif kind == "image":
            title = text_of(block.get("title")) or str(block.get("alt_text", ""))
            self.lines.append(f"[image: {title}]")
        elif kind == "rich_text":
            self.lines.extend(_rich_text(as_list(block.get("elements"))))
        else:
            self.lines.append(f"({kind} block)")

    def section(self, block: Mapping[str, Any], block_id: str, index: int) -> None:
        text = text_of(block.get("text"))
        if text:
            self.lines.extend(text.split("\n"))
        for f in as_list(block.get("fields")):
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
            initial = initial_text(element)
            shown = f" {initial}" if initial else " ____"
        self.lines.append(f"{label}{optional}:{shown}")
        hint = text_of(block.get("hint"))
        if hint:
            self.lines.append(self.style(f"    {hint}", _DIM))

    def element(self, element: Mapping[str, Any], block_id: str, block_index: int, j: int) -> str:
        kind = str(element.get("type", ""))
        number = len(self.controls) + 1
        options = element_options(element)
        label = (
            text_of(element.get("text"))
            or text_of(element.get("placeholder"))
            or str(element.get("action_id", kind))
        )
        confirm = element.get("confirm")
        control = Control(
            number=number,
            block_id=block_id,
            action_id=str(element.get("action_id") or stand_in_action_id(block_index, j)),
            type=kind,
            label=label,
            value=str_or_none(element.get("value")),
            options=options,
            url=str_or_none(element.get("url")),
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
        chosen = {v for _, v in initial_options(element)}
        marks = ("☑", "☐") if kind == "checkboxes" else ("◉", "○")
        return "  ".join(f"{marks[0] if v in chosen else marks[1]} {t}" for t, v in control.options)
    initial = initial_text(element)
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
            for n, item in enumerate(as_list(element.get("elements")), start=1):
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
    for part in as_list(section.get("elements")):
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
