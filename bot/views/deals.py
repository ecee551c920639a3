"""Opportunity cards, lists, the account view and help."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot import format as fmt
from bot.ids import Action, Menu, card_block, card_value
from bot.views.blocks import (
    Block,
    button,
    context,
    divider,
    fields,
    fit_message,
    header,
    option,
    plain_text,
    section,
)
from commands.deals import AccountView, Card, HistoryEntry, OpportunityList
from commands.i18n import t, tn
from storage.models import ChangeKind, Status

QUALIFICATION_KEYS = ("qual.need", "qual.answer", "qual.blockers", "qual.meeting")
HISTORY_CHARS = 2800  # leave room in the 3,000-char section for the "earlier" line
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def message(blocks: list[Block], text: str) -> dict[str, Any]:
    """An ephemeral answer: `text` is the notification / accessibility fallback."""
    return {"response_type": "ephemeral", "text": fmt.truncate(text, 3000), "blocks": blocks}


def text_message(text: str) -> dict[str, Any]:
    return message([section(text)], text)


def _title(card: Card) -> str:
    return f"*#{card.number} · {fmt.escape(card.account)}* — {fmt.escape(card.title)}"


def _stage_label(card: Card, lang: str) -> str:
    if card.status != Status.OPEN:
        return t(lang, f"status.{card.status}")
    return t(
        lang,
        "card.stage_probability",
        stage=fmt.escape(card.stage.name),
        probability=card.probability,
    )


def summary_line(card: Card, lang: str, *, owner: bool = False) -> str:
    """One deal in two lines: what it is (and whose, on a view of several people's deals),
    then amount · stage · close date · days in stage."""
    parts = [
        fmt.money(card.amount_minor, card.currency, lang),
        _stage_label(card, lang),
        t(lang, "card.close_on", date=fmt.day(card.close_date, lang)),
    ]
    if card.status == Status.OPEN:
        parts.append(t(lang, "card.days_in_stage", days=card.days_in_stage))
    if card.overdue:
        parts.append(":warning: " + t(lang, "card.overdue"))
    whose = f" · <@{card.owner_id}>" if owner else ""
    return f"{_title(card)}{whose}\n" + " · ".join(parts)


def card_actions(card: Card, lang: str) -> Block:
    """The buttons of a card its reader may change: advance, stage picker, won, lost, a menu."""
    value = card_value(card.number, card.version)
    elements: list[Block] = []
    if card.status == Status.OPEN:
        following = card.next_stage
        if following is not None:
            label = t(lang, "card.advance", stage=following.name)
            elements.append(button(label, Action.ADVANCE, value, style="primary"))
        if len(card.stages) > 1:
            elements.append(stage_picker(card, lang))
        elements.append(button(t(lang, "card.won"), Action.WON, value))
        elements.append(button(t(lang, "card.lost"), Action.LOST, value, style="danger"))
        menu = [(Menu.EDIT, "menu.edit"), (Menu.SNOOZE, "menu.snooze")]
    else:
        elements.append(button(t(lang, "card.reopen"), Action.REOPEN, value))
        menu = [(Menu.EDIT, "menu.edit"), (Menu.REOPEN, "menu.reopen")]
    elements.append(
        {
            "type": "overflow",
            "action_id": Action.MENU,
            "options": [option(t(lang, key), f"{choice}:{value}") for choice, key in menu],
        }
    )
    return {"type": "actions", "block_id": card_block(card.number, "a"), "elements": elements}


def stage_picker(card: Card, lang: str) -> Block:
    options = [
        option(f"{i}. {s.name}", f"{s.id}:{card_value(card.number, card.version)}")
        for i, s in enumerate(card.stages, 1)
    ][:100]
    current = next(
        (o for o, s in zip(options, card.stages, strict=False) if s.id == card.stage.id), None
    )
    picker: Block = {
        "type": "static_select",
        "action_id": Action.STAGE,
        "placeholder": plain_text(t(lang, "card.stage_pick"), 150),
        "options": options,
    }
    if current is not None:
        picker["initial_option"] = current
    return picker


def card_summary(card: Card, lang: str, *, owner: bool = False) -> list[Block]:
    """One deal in a list: its line, a Show button, and the buttons its reader may use."""
    line = section(
        summary_line(card, lang, owner=owner),
        accessory=button(t(lang, "list.show"), Action.SHOW, str(card.number)),
        block_id=card_block(card.number, "s"),
    )
    return [line, card_actions(card, lang)] if card.may_change else [line]


def deal_menu(card: Card, lang: str) -> Block:
    """A deal on the board is one block: its line, with its buttons in a menu (5 at most)."""
    value = card_value(card.number, card.version)
    choices = []
    if card.may_change:
        if card.next_stage is not None:
            choices.append((Menu.ADVANCE, t(lang, "card.advance", stage=card.next_stage.name)))
        choices += [
            (Menu.WON, t(lang, "card.won")),
            (Menu.LOST, t(lang, "card.lost")),
            (Menu.EDIT, t(lang, "menu.edit")),
        ]
    choices.append((Menu.SHOW, t(lang, "list.show")))
    return {
        "type": "overflow",
        "action_id": Action.MENU,
        "options": [option(label, f"{choice}:{value}") for choice, label in choices[:5]],
    }


def deal_block(card: Card, lang: str, *, owner: bool = False) -> Block:
    return section(
        summary_line(card, lang, owner=owner),
        accessory=deal_menu(card, lang),
        block_id=card_block(card.number, "b"),
    )


def note_block(number: int, text: str) -> Block:
    """What just happened, shown right under the card it happened to."""
    return {
        "type": "context",
        "block_id": card_block(number, "n"),
        "elements": [{"type": "mrkdwn", "text": text}],
    }


def replace_card(
    blocks: list[Block] | None, number: int, card: Card, lang: str, tz: str, note: str
) -> list[Block]:
    """The same message with this deal's blocks redrawn (full or summary, as they were)."""
    prefix = card_block(number, "")
    old = [b for b in blocks or [] if str(b.get("block_id", "")).startswith(prefix)]
    if not old:
        return [note_block(number, note), *full_card(card, lang, tz)]
    ids = {str(b.get("block_id")) for b in old}
    # A line that named the owner (a team's board) still does.
    owner = any(f"<@{card.owner_id}>" in str((b.get("text") or {}).get("text")) for b in old)
    if card_block(number, "h") in ids:
        fresh = [*full_card(card, lang, tz), note_block(number, note)]
    elif card_block(number, "b") in ids:
        fresh = [deal_block(card, lang, owner=owner), note_block(number, note)]  # a board line
    else:
        fresh = [*card_summary(card, lang, owner=owner), note_block(number, note)]
    result: list[Block] = []
    placed = False
    for block in blocks or []:
        if str(block.get("block_id", "")).startswith(prefix):
            if not placed:
                result.extend(fresh)
                placed = True
            continue
        result.append(block)
    return fit_message(result)


def full_card(card: Card, lang: str, tz: str, *, note: str | None = None) -> list[Block]:
    """Every field, the qualification checklist and the history."""
    blocks: list[Block] = []
    if note:
        blocks.append(section(note))
    head = header(f"#{card.number} · {fmt.plain(card.account)}")
    head["block_id"] = card_block(card.number, "h")
    blocks.append(head)
    blocks.append(section(f"*{fmt.escape(card.title)}*"))
    probability = (
        t(lang, "card.probability_override", probability=card.probability)
        if card.probability_overridden
        else f"{card.probability} %"
        if fmt.language(lang) == "fr"
        else f"{card.probability}%"
    )
    none = t(lang, "common.none")
    next_step = none
    if card.next_step:
        next_step = fmt.escape(card.next_step)
        if card.next_step_date:
            next_step += f" ({fmt.day(card.next_step_date, lang)})"
    close = fmt.day(card.close_date, lang)
    if card.overdue:
        close += " :warning: " + t(lang, "card.overdue")
    stage = fmt.escape(card.stage.name)
    if card.status == Status.OPEN:
        stage += " · " + t(lang, "card.days_in_stage", days=card.days_in_stage)
    pairs = [
        (t(lang, "card.amount"), fmt.money(card.amount_minor, card.currency, lang)),
        (t(lang, "card.weighted"), fmt.money(card.weighted_minor, card.currency, lang)),
        (t(lang, "card.stage"), stage),
        (t(lang, "card.probability"), probability),
        (t(lang, "card.close_date"), close),
        (t(lang, "card.owner"), f"<@{card.owner_id}>"),
        (t(lang, "card.process"), fmt.escape(card.process)),
        (t(lang, "card.status"), t(lang, f"status.{card.status}")),
        (t(lang, "card.origin"), fmt.escape(card.origin) if card.origin else none),
        (t(lang, "card.product"), fmt.escape(card.product) if card.product else none),
    ]
    blocks.append(fields(pairs))
    detail = [(t(lang, "card.next_step"), next_step)]
    if card.lost_reason:
        detail.append((t(lang, "card.lost_reason"), fmt.escape(card.lost_reason)))
    blocks.append(fields(detail))
    checks = "\n".join(
        f"{':white_check_mark:' if done else ':white_large_square:'} {t(lang, key)}"
        for done, key in zip(card.qualification, QUALIFICATION_KEYS, strict=True)
    )
    blocks.append(section(f"*{t(lang, 'card.qualification')}*\n{checks}"))
    if card.may_change:
        blocks.append(card_actions(card, lang))
    if card.history:
        blocks.append(divider())
        blocks.append(section(f"*{t(lang, 'card.history')}*\n" + history_text(card, lang, tz)))
    # Every block of the card is tagged with its number, so a click can redraw it in place.
    for index, block in enumerate(blocks):
        block.setdefault("block_id", card_block(card.number, f"f{index}"))
    return blocks


def history_text(card: Card, lang: str, tz: str) -> str:
    """Newest changes first, as many as fit one section."""
    lines: list[str] = []
    used = 0
    entries = list(reversed(card.history))
    for index, entry in enumerate(entries):
        line = t(
            lang,
            "history.line",
            when=fmt.moment(entry.at, lang, tz),
            by=entry.by,
            what=_history_what(entry, card, lang),
        )
        if used + len(line) + 1 > HISTORY_CHARS:
            lines.append(tn(lang, "card.history_more", len(entries) - index))
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)


def _history_value(value: str | None, lang: str) -> str:
    """A recorded value as the reader reads it: a date (kept as 2026-12-15) in their way."""
    if not value:
        return "—"
    if _ISO_DAY.fullmatch(value):
        return fmt.day(date.fromisoformat(value), lang)
    return fmt.escape(value)


def _history_what(entry: HistoryEntry, card: Card, lang: str) -> str:
    before = _history_value(entry.before, lang)
    after = _history_value(entry.after, lang)
    if entry.kind == ChangeKind.STATUS:
        before = t(lang, f"status.{entry.before}") if entry.before else "—"
        after = t(lang, f"status.{entry.after}") if entry.after else "—"
    elif entry.kind == ChangeKind.AMOUNT:
        before = fmt.money(int(entry.before), card.currency, lang) if entry.before else "—"
        after = fmt.money(int(entry.after), card.currency, lang) if entry.after else "—"
    elif entry.kind == ChangeKind.OWNER:
        before = f"<@{entry.before}>" if entry.before else "—"
        after = f"<@{entry.after}>" if entry.after else "—"
    elif entry.kind in (ChangeKind.CLOSE_DATE, ChangeKind.NEXT_STEP_DATE):
        before, after = _history_day(entry.before, lang), _history_day(entry.after, lang)
    elif entry.kind == ChangeKind.QUALIFICATION:
        before = _history_checks(entry.before, lang)
        after = _history_checks(entry.after, lang)
    return t(lang, f"history.{entry.kind}", before=before, after=after)


def _history_day(value: str | None, lang: str) -> str:
    """Dates are kept as ISO in the history, shown in the reader's language."""
    try:
        return fmt.day(date.fromisoformat(value), lang) if value else "—"
    except ValueError:
        return fmt.escape(value or "—")


def _history_checks(value: str | None, lang: str) -> str:
    """ "need,meeting" as the checklist's labels; nothing checked is "—"."""
    labels = dict(zip(("need", "answer", "blockers", "meeting"), QUALIFICATION_KEYS, strict=True))
    names = [t(lang, labels[n]) for n in (value or "").split(",") if n in labels]
    return ", ".join(names) or "—"


def opportunity_list(result: OpportunityList, lang: str) -> dict[str, Any]:
    title = (
        t(lang, "list.title_own") if result.own else t(lang, "list.title_of", user=result.owner_id)
    )
    if not result.cards:
        return message([section(f"*{title}*"), section(t(lang, "list.empty"))], title)
    totals = t(
        lang,
        "list.totals",
        count=result.total_count,
        total=fmt.money(result.total_minor, result.currency, lang),
        weighted=fmt.money(result.weighted_minor, result.currency, lang),
    )
    blocks: list[Block] = [section(f"*{title}*"), context(totals)]
    if result.offset:
        first, last = result.offset + 1, result.offset + len(result.cards)
        blocks.append(
            context(t(lang, "list.page", first=first, last=last, count=result.total_count))
        )
    blocks.append(divider())
    for card in result.cards:
        blocks += card_summary(card, lang)
    following = result.next_offset
    if following is not None:
        hidden = result.total_count - following
        more = button(
            t(lang, "board.more_button"), Action.LIST_PAGE, f"{following}:{result.text[:1900]}"
        )
        blocks.append(section(t(lang, "list.more", count=hidden), accessory=more))
    return message(fit_message(blocks), f"{title} — {totals}")


def account_view(result: AccountView, lang: str) -> dict[str, Any]:
    title = t(lang, "account.title", name=fmt.plain(result.name))
    summary = t(
        lang,
        "account.summary",
        count=result.open_count,
        won=t(lang, "count.won", count=result.won_count),
        won_total=fmt.money(result.won_minor, result.currency, lang),
        lost=t(lang, "count.lost", count=result.lost_count),
    )
    blocks: list[Block] = [header(title), context(summary)]
    blocks.append(section(f"*{t(lang, 'account.open')}*"))
    for card in result.open:
        blocks += card_summary(card, lang, owner=True)
    if not result.open:
        blocks.append(context(t(lang, "account.none")))
    blocks.append(divider())
    blocks.append(section(f"*{t(lang, 'account.closed')}*"))
    for card in result.closed:
        blocks += card_summary(card, lang, owner=True)
    if not result.closed:
        blocks.append(context(t(lang, "account.none")))
    fallback = t(lang, "account.title", name=fmt.escape(result.name))
    return message(fit_message(blocks), f"{fallback} — {summary}")


def card_message(card: Card, lang: str, tz: str, *, note: str | None = None) -> dict[str, Any]:
    fallback = f"#{card.number} · {fmt.escape(card.account)} — {fmt.escape(card.title)}"
    return message(full_card(card, lang, tz, note=note), note or fallback)


def help_message(lang: str) -> dict[str, Any]:
    # The date example in the reader's own order: 15/10, or 10/15 in the United States.
    text = t(lang, "opp.help", day_month=fmt.day_month(date(2026, 10, 15), lang))
    return message([section(text)], text)
