"""The deal forms: the "New opportunity", "Lost" and edit modals."""

from __future__ import annotations

import json
from typing import Any

from bot import format as fmt
from bot.ids import Action, Block, Callback
from bot.views.blocks import context, option, plain_text
from commands.deals import QUALIFICATION, Card, FormChoices, Prefill
from commands.i18n import t

QUALIFICATION_LABELS = {
    "need": "qual.need",
    "answer": "qual.answer",
    "blockers": "qual.blockers",
    "meeting": "qual.meeting",
}


def _input(
    block: Block,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool = False,
    hint: str | None = None,
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "type": "input",
        "block_id": block,
        "label": plain_text(label, 2000),
        "element": {"action_id": str(block), **element},
        "optional": optional,
    }
    if hint:
        result["hint"] = plain_text(hint, 2000)
    return result


def _text_input(
    initial: str | None, max_length: int, *, multiline: bool = False, placeholder: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "max_length": max_length,
        "multiline": multiline,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = plain_text(placeholder, 150)
    return element


def _stage_label(name: str, probability: int, lang: str) -> str:
    percent = f"{probability} %" if fmt.language(lang) == "fr" else f"{probability}%"
    return f"{name} ({percent})"


def stage_select(choices: FormChoices, lang: str) -> dict[str, Any]:
    """One select: stages grouped by process when there are several (the stage implies it)."""
    first = choices.processes[0].stages[0] if choices.processes[0].stages else None
    element: dict[str, Any] = {"type": "static_select"}
    if len(choices.processes) == 1:
        element["options"] = [
            option(_stage_label(name, p, lang), str(sid))
            for sid, name, p in choices.processes[0].stages
        ][:100]
    else:
        groups = []
        budget = 100  # Slack's cap on options, across groups
        for process in choices.processes:
            opts = [
                option(_stage_label(name, p, lang), str(sid)) for sid, name, p in process.stages
            ][:budget]
            if not opts:
                continue
            budget -= len(opts)
            groups.append({"label": plain_text(process.name, 75), "options": opts})
            if budget <= 0:
                break
        element["option_groups"] = groups[:100]
    if first is not None:
        sid, name, p = first
        element["initial_option"] = option(_stage_label(name, p, lang), str(sid))
    return element


def new_opportunity(
    choices: FormChoices, prefill: Prefill, lang: str, *, metadata: dict[str, str]
) -> dict[str, Any]:
    account: dict[str, Any] = {
        "type": "external_select",
        "action_id": Action.ACCOUNT_SEARCH,
        "min_query_length": 1,
        "placeholder": plain_text(t(lang, "modal.account_placeholder"), 150),
    }
    if prefill.account_id is not None:  # the account typed already exists: offer it as itself
        account["initial_option"] = option(
            fmt.plain(prefill.account or ""), f"id:{prefill.account_id}"
        )
    elif prefill.account:
        account["initial_option"] = option(
            t(lang, "modal.account_new", name=fmt.plain(prefill.account)), f"new:{prefill.account}"
        )
    blocks: list[dict[str, Any]] = []
    if prefill.account or prefill.amount_text or prefill.title or prefill.close_date:
        blocks.append(context(t(lang, "modal.prefilled")))
    date_element: dict[str, Any] = {"type": "datepicker"}
    if prefill.close_date:
        date_element["initial_date"] = prefill.close_date.isoformat()
    blocks += [
        _input(Block.ACCOUNT, t(lang, "modal.account"), account),
        _input(Block.TITLE, t(lang, "modal.title_field"), _text_input(prefill.title, 200)),
        _input(
            Block.AMOUNT,
            t(lang, "modal.amount", currency=choices.currency),
            _text_input(prefill.amount_text, 40),
            hint=t(lang, "modal.amount_hint"),
        ),
        _input(Block.CLOSE_DATE, t(lang, "modal.close_date"), date_element),
        _input(Block.STAGE, t(lang, "modal.stage"), stage_select(choices, lang)),
        _input(
            Block.QUALIFICATION,
            t(lang, "modal.qualification"),
            {
                "type": "checkboxes",
                "options": [option(t(lang, QUALIFICATION_LABELS[q]), q) for q in QUALIFICATION],
            },
            optional=True,
        ),
        _input(Block.ORIGIN, t(lang, "modal.origin"), _text_input(None, 100), optional=True),
        _input(Block.PRODUCT, t(lang, "modal.product"), _text_input(None, 100), optional=True),
        _input(Block.NEXT_STEP, t(lang, "modal.next_step"), _text_input(None, 300), optional=True),
        _input(
            Block.NEXT_STEP_DATE,
            t(lang, "modal.next_step_date"),
            {"type": "datepicker"},
            optional=True,
        ),
    ]
    return {
        "type": "modal",
        "callback_id": Callback.NEW_OPPORTUNITY,
        "title": plain_text(t(lang, "modal.title"), 24),
        "submit": plain_text(t(lang, "modal.submit"), 24),
        "close": plain_text(t(lang, "modal.close"), 24),
        "private_metadata": json.dumps(metadata),
        "blocks": blocks,
    }


def lost_modal(
    card: Card, reasons: list[str], lang: str, *, metadata: dict[str, Any]
) -> dict[str, Any]:
    """ "Lost": a reason from the workspace's list (required) plus details."""
    return {
        "type": "modal",
        "callback_id": Callback.LOST,
        "title": plain_text(t(lang, "lost.title"), 24),
        "submit": plain_text(t(lang, "modal.submit"), 24),
        "close": plain_text(t(lang, "modal.close"), 24),
        "private_metadata": json.dumps(metadata),
        "blocks": [
            context(
                t(
                    lang,
                    "lost.intro",
                    number=card.number,
                    account=fmt.escape(card.account),
                    title=fmt.escape(card.title),
                )
            ),
            _input(
                Block.LOST_REASON,
                t(lang, "lost.reason"),
                {"type": "static_select", "options": [option(r, r) for r in reasons[:100]]},
            ),
            _input(
                Block.LOST_DETAIL,
                t(lang, "lost.detail"),
                _text_input(None, 400, multiline=True),
                optional=True,
            ),
        ],
    }


def edit_modal(
    card: Card, choices: FormChoices, lang: str, *, metadata: dict[str, Any]
) -> dict[str, Any]:
    """Edit every field; the stage select spans processes, so it also moves the deal across."""
    stage = stage_select(choices, lang)
    for group in stage.get("option_groups", [{"options": stage.get("options", [])}]):
        for opt in group["options"]:
            if opt["value"] == str(card.stage.id):
                stage["initial_option"] = opt
    checks = {
        "type": "checkboxes",
        "options": [option(t(lang, QUALIFICATION_LABELS[q]), q) for q in QUALIFICATION],
    }
    done = [
        option(t(lang, QUALIFICATION_LABELS[q]), q)
        for q, on in zip(QUALIFICATION, card.qualification, strict=True)
        if on
    ]
    if done:
        checks["initial_options"] = done
    next_date: dict[str, Any] = {"type": "datepicker"}
    if card.next_step_date:
        next_date["initial_date"] = card.next_step_date.isoformat()
    units, cents = divmod(card.amount_minor, 100)
    amount = f"{units}" if not cents else f"{units}.{cents:02d}"
    probability = str(card.probability) if card.probability_overridden else None
    return {
        "type": "modal",
        "callback_id": Callback.EDIT,
        "title": plain_text(t(lang, "edit.title", number=card.number), 24),
        "submit": plain_text(t(lang, "modal.submit"), 24),
        "close": plain_text(t(lang, "modal.close"), 24),
        "private_metadata": json.dumps(metadata),
        "blocks": [
            _input(Block.TITLE, t(lang, "modal.title_field"), _text_input(card.title, 200)),
            _input(
                Block.AMOUNT,
                t(lang, "modal.amount", currency=card.currency),
                _text_input(amount, 40),
                hint=t(lang, "modal.amount_hint"),
            ),
            _input(
                Block.CLOSE_DATE,
                t(lang, "modal.close_date"),
                {"type": "datepicker", "initial_date": card.close_date.isoformat()},
            ),
            _input(Block.STAGE, t(lang, "modal.stage"), stage),
            _input(
                Block.PROBABILITY,
                t(lang, "edit.probability"),
                _text_input(probability, 4),
                optional=True,
            ),
            _input(Block.QUALIFICATION, t(lang, "modal.qualification"), checks, optional=True),
            _input(
                Block.ORIGIN, t(lang, "modal.origin"), _text_input(card.origin, 100), optional=True
            ),
            _input(
                Block.PRODUCT,
                t(lang, "modal.product"),
                _text_input(card.product, 100),
                optional=True,
            ),
            _input(
                Block.NEXT_STEP,
                t(lang, "modal.next_step"),
                _text_input(card.next_step, 300),
                optional=True,
            ),
            _input(Block.NEXT_STEP_DATE, t(lang, "modal.next_step_date"), next_date, optional=True),
        ],
    }
