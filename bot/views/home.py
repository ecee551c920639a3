"""The App Home tab: a view of up to 100 blocks, republished whenever the user's deals change."""

from __future__ import annotations

import json
from typing import Any

from bot import format as fmt
from bot.ids import Action
from bot.views.blocks import (
    SCOPE_ME,
    VIEW_BLOCKS_MAX,
    Block,
    button,
    context,
    divider,
    header,
    option,
    plain_text,
    section,
)
from bot.views.board import scope_title, several_owners, totals_text
from bot.views.deals import card_summary
from bot.views.forecast import table
from commands.i18n import t
from commands.reports import Home


def home_view(result: Home, lang: str, *, note: str = "") -> dict[str, Any]:
    """`note`: what the reader's last click here did (mrkdwn, already escaped), on top."""
    board = result.board
    title = scope_title(board.scope, lang)
    blocks: list[Block] = [header(t(lang, "home.title"))]
    if note:
        blocks.append(context(note))
    blocks += [
        {
            "type": "actions",
            "elements": [
                button(t(lang, "home.new"), Action.OPEN_NEW, "home", style="primary"),
                button(t(lang, "home.pipeline"), Action.HOME_PIPELINE, result.selected or SCOPE_ME),
                button(t(lang, "home.forecast"), Action.HOME_FORECAST, result.selected or SCOPE_ME),
            ],
        },
    ]
    if result.reps:
        choices = [option(t(lang, "home.me"), "me"), option(t(lang, "home.team"), "team")]
        choices += [option(name, user) for user, name in result.reps[:98]]
        picker: Block = {
            "type": "static_select",
            "action_id": Action.HOME_SCOPE,
            "placeholder": plain_text(t(lang, "home.pick"), 150),
            "options": choices,
        }
        current = result.selected or "me"
        picker["initial_option"] = next((c for c in choices if c["value"] == current), choices[0])
        blocks.append({"type": "actions", "elements": [picker]})
    blocks += [
        divider(),
        section(f"*{t(lang, 'home.pipeline_of', scope=title)}*"),
        context(totals_text(board.totals, board.currency, lang)),
    ]
    for process in board.processes:
        lines = [f"*{fmt.escape(process.name)}*"]
        for column in process.columns:
            label = t(
                lang,
                "card.stage_probability",
                stage=fmt.escape(column.stage.name),
                probability=column.stage.probability,
            )
            lines.append(f"• {label} — {totals_text(column.totals, board.currency, lang)}")
        blocks.append(section("\n".join(lines)))
    blocks += [
        divider(),
        section(f"*{t(lang, 'home.forecast_title')}*"),
        section(table(result.forecast, lang)),
    ]
    blocks += [divider(), section(f"*{t(lang, 'home.attention', count=result.attention_count)}*")]
    if not result.attention:
        blocks.append(context(t(lang, "home.all_good")))
    budget = VIEW_BLOCKS_MAX - len(blocks) - 1
    for card in result.attention:
        if budget < 2:
            break
        blocks += card_summary(card, lang, owner=several_owners(board.scope))
        budget -= 2
    return {
        "type": "home",
        "private_metadata": json.dumps({"selected": result.selected}),
        "blocks": blocks[:VIEW_BLOCKS_MAX],
    }
