"""The monthly forecast as a Slack message: a compact table, overdue apart, hard months flagged."""

from __future__ import annotations

from typing import Any

from bot import format as fmt
from bot.ids import Action
from bot.views.blocks import Block, button, context, header, scope_value, section
from bot.views.board import scope_filters, scope_title
from bot.views.deals import message
from commands.i18n import t
from commands.reports import Forecast


def _cell(value: str, width: int) -> str:
    return value.rjust(width)


def table(result: Forecast, lang: str) -> str:
    """Months as rows in a monospace block: readable on desktop and phone alike."""

    def money(minor: int) -> str:
        return fmt.money(minor, result.currency, lang)

    has_target = any(m.target_minor is not None for m in result.months)
    columns = [
        "forecast.col_month",
        "forecast.col_deals",
        "forecast.col_total",
        "forecast.col_weighted",
        "forecast.col_won",
    ]
    if has_target:
        columns += ["forecast.col_target", "forecast.col_gap"]
    rows = [[t(lang, c) for c in columns]]
    for month in result.months:
        row = [
            fmt.month(month.month, lang),
            str(month.open.count),
            money(month.open.amount_minor),
            money(month.open.weighted_minor),
            money(month.won_minor),
        ]
        if has_target:
            row.append(money(month.target_minor) if month.target_minor is not None else "—")
            gap = month.gap_minor
            row.append("—" if gap is None else (money(gap) if gap > 0 else "✓"))
        if result.why_weak(month):
            row[0] = "⚠ " + row[0]
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(columns))]
    lines = [
        "  ".join(
            cell.ljust(widths[0]) if i == 0 else _cell(cell, widths[i])
            for i, cell in enumerate(row)
        )
        for row in rows
    ]
    return "```\n" + "\n".join(lines) + "\n```"


def forecast_message(result: Forecast, lang: str) -> dict[str, Any]:
    title = t(
        lang,
        "forecast.title",
        scope=scope_title(result.scope, lang, result.subject_name),
        count=len(result.months),
    )
    blocks: list[Block] = [header(fmt.plain(title))]
    filters = scope_filters(result.scope, lang)
    if filters:
        blocks.append(context(filters))
    blocks.append(section(table(result, lang)))
    if result.overdue.count:
        blocks.append(
            section(
                t(
                    lang,
                    "forecast.overdue",
                    count=result.overdue.count,
                    total=fmt.money(result.overdue.amount_minor, result.currency, lang),
                    weighted=fmt.money(result.overdue.weighted_minor, result.currency, lang),
                )
            )
        )
    warnings = []
    for month in result.months:
        why = result.why_weak(month)
        if why == "target":
            warnings.append(
                t(
                    lang,
                    "forecast.weak_target",
                    month=fmt.month(month.month, lang),
                    gap=fmt.money(month.gap_minor or 0, result.currency, lang),
                )
            )
        elif why == "average":
            warnings.append(
                t(
                    lang,
                    "forecast.weak_average",
                    month=fmt.month(month.month, lang),
                    average=fmt.money(result.average_expected_minor, result.currency, lang),
                )
            )
    if warnings:
        blocks.append(section("\n".join(warnings)))
    blocks.append(context(t(lang, "forecast.legend")))
    blocks.append(
        {
            "type": "actions",
            "elements": [
                button(t(lang, "forecast.chart"), Action.FORECAST_CHART, scope_value(result.text)),
            ],
        }
    )
    return message(blocks, title)
