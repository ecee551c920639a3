"""`/pipeline stats` as a Slack message: compact monospace tables, a chart on request.

One process per message (a button per other process), each table cut to fit its section, so
the whole message stays well inside Slack's limits whatever the number of reps or origins.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from bot import format as fmt
from bot.ids import StatsButton
from bot.views.blocks import Block, button, context, fit_message, header, scope_value, section
from bot.views.board import scope_filters, scope_title
from bot.views.deals import message
from commands.analytics import Coaching, ProcessStats, SegmentRow, Signal, SignalKind, Stats
from commands.i18n import t

TABLE_CHARS = 2_400  # per table: keeps the whole message far from Slack's ~12k total
NAME_WIDTH = 22


def number(value: float, lang: str, digits: int = 1) -> str:
    """`12`, `3,5` / `3.5`: no decimals when there are none."""
    if float(value).is_integer():
        return format_decimal(int(value), locale=fmt.locale_of(lang))
    return format_decimal(round(value, digits), locale=fmt.locale_of(lang))


def share(value: int | None) -> str:
    return "—" if value is None else f"{value} %"


def days(value: float | None, lang: str) -> str:
    return "—" if value is None else number(value, lang)


def short_month(value: date, lang: str) -> str:
    return format_date(value, format="MMM y", locale=fmt.locale_of(lang))


def name_cell(name: str) -> str:
    return fmt.escape(fmt.truncate(name, NAME_WIDTH))


def code_table(
    head: Sequence[str], rows: Sequence[Sequence[str]], lang: str, *, limit: int = TABLE_CHARS
) -> str:
    """Rows in a code block, the first column left-aligned, the others right-aligned; rows that
    do not fit in `limit` characters are counted on a last line instead of being cut mid-way."""
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(row: Sequence[str]) -> str:
        cells = [c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)]
        return "  ".join(cells).rstrip()

    lines = [line(head)]
    size = len(lines[0]) + 8
    for index, row in enumerate(rows):
        text = line(row)
        if size + len(text) + 1 > limit - 40:
            lines.append(t(lang, "stats.more_rows", count=len(rows) - index))
            break
        lines.append(text)
        size += len(text) + 1
    return "```\n" + "\n".join(lines) + "\n```"


def _headline(process: ProcessStats, currency: str, lang: str) -> str:
    totals = process.totals
    cycle = totals.average_cycle
    return t(
        lang,
        "stats.headline",
        rate=share(totals.rate),
        count=totals.won,
        lost=t(lang, "count.lost", count=totals.lost),
        cycle=t(lang, "stats.days", days=days(cycle, lang)) if cycle is not None else "—",
        created=t(lang, "count.created", count=totals.created),
        open=fmt.money(process.open_minor, currency, lang),
    )


def funnel_table(process: ProcessStats, lang: str) -> str:
    head = [
        t(lang, "stats.col_stage"),
        t(lang, "stats.col_reached"),
        t(lang, "stats.col_next"),
        t(lang, "stats.col_avg_days"),
        t(lang, "stats.col_median_days"),
        t(lang, "stats.col_stays"),
    ]
    rows = []
    for index, stage in enumerate(process.stages):
        rows.append(
            [
                name_cell(f"{index + 1}. {stage.name}"),
                str(stage.reached),
                share(process.conversion(index)),
                days(stage.average_days, lang),
                "—" if stage.median_days is None else str(stage.median_days),
                str(stage.stays),
            ]
        )
    rows.append([t(lang, "stats.won_step"), str(process.won_reached), "", "", "", ""])
    return code_table(head, rows, lang)


def calibration_table(process: ProcessStats, lang: str) -> str:
    head = [
        t(lang, "stats.col_stage"),
        t(lang, "stats.col_probability"),
        t(lang, "stats.col_observed"),
        t(lang, "stats.col_sample"),
        "",
    ]
    rows = [
        [
            name_cell(f"{index + 1}. {stage.name}"),
            f"{stage.probability} %",
            share(stage.observed),
            str(stage.closed),
            "⚠" if stage.flagged else "",
        ]
        for index, stage in enumerate(process.stages)
    ]
    return code_table(head, rows, lang)


def calibration_notes(process: ProcessStats, lang: str) -> str:
    flagged = [s for s in process.stages if s.flagged]
    if not flagged:
        return t(lang, "stats.calibration_ok")
    return "\n".join(
        t(
            lang,
            "stats.calibration_flag",
            stage=fmt.escape(s.name),
            probability=s.probability,
            observed=s.observed,
            count=s.closed,
        )
        for s in flagged
    )


def reps_table(process: ProcessStats, lang: str) -> str:
    head = [
        t(lang, "stats.col_rep"),
        t(lang, "stats.col_created"),
        t(lang, "stats.col_won"),
        t(lang, "stats.col_lost"),
        t(lang, "stats.col_rate"),
        t(lang, "stats.col_cycle"),
    ]
    rows = [
        [
            name_cell(rep.name),
            str(rep.created),
            str(rep.won),
            str(rep.lost),
            share(rep.rate),
            days(rep.average_cycle, lang),
        ]
        for rep in process.reps
    ]
    return code_table(head, rows, lang)


def months_table(process: ProcessStats, currency: str, lang: str) -> str:
    head = [t(lang, "stats.col_month"), t(lang, "stats.col_created"), t(lang, "stats.col_open")]
    rows = [
        [short_month(m.month, lang), str(m.created), fmt.money(m.open_minor, currency, lang)]
        for m in process.months
    ]
    return code_table(head, rows, lang)


def segments_table(segments: Sequence[SegmentRow], column: str, currency: str, lang: str) -> str:
    head = [
        t(lang, column),
        t(lang, "stats.col_created"),
        t(lang, "stats.col_won"),
        t(lang, "stats.col_lost"),
        t(lang, "stats.col_rate"),
        t(lang, "stats.col_won_amount"),
    ]
    rows = [
        [
            name_cell(s.label) if s.label else t(lang, "stats.unset"),
            str(s.created),
            str(s.won),
            str(s.lost),
            share(s.rate),
            fmt.money(s.won_minor, currency, lang),
        ]
        for s in segments
    ]
    return code_table(head, rows, lang)


FLAG_KEYS = {
    SignalKind.PROSPECTING: "coach.flag_prospecting",
    SignalKind.CLOSING: "coach.flag_closing",
    SignalKind.STUCK: "coach.flag_stuck",
}


def coaching_table(result: Coaching, lang: str) -> str:
    head = [
        t(lang, "stats.col_rep"),
        t(lang, "coach.col_created"),
        t(lang, "coach.col_rate"),
        t(lang, "coach.col_stuck"),
        t(lang, "coach.col_flags"),
    ]
    rows = [
        [
            name_cell(row.name),
            str(row.created),
            f"{share(row.rate)} ({row.won + row.lost})",
            f"{row.stuck}/{row.open}",
            ", ".join(t(lang, FLAG_KEYS[k]) for k in SignalKind if k in row.flags),
        ]
        for row in result.rows
    ]
    rows.append(
        [
            t(lang, "coach.team"),
            number(result.median_created, lang),
            share(result.team_rate),
            number(result.median_stuck, lang),
            "",
        ]
    )
    return code_table(head, rows, lang)


def signal_text(signal: Signal, lang: str) -> str:
    """One signal as a sentence with its figures (the weekly digest uses it too)."""
    if signal.kind == SignalKind.PROSPECTING:
        return t(
            lang,
            "coach.prospecting",
            user=signal.user_id,
            count=round(signal.value),
            days=signal.days,
            median=number(signal.team_value, lang),
        )
    if signal.kind == SignalKind.CLOSING:
        return t(
            lang,
            "coach.closing",
            user=signal.user_id,
            rate=number(signal.value, lang),
            count=signal.sample,
            days=signal.days,
            team_rate=number(signal.team_value, lang),
        )
    return t(
        lang,
        "coach.stuck",
        user=signal.user_id,
        count=round(signal.value),
        open=signal.sample,
        median=number(signal.team_value, lang),
    )


def coaching_blocks(result: Coaching, lang: str) -> list[Block]:
    reps = t(lang, "coach.reps", count=len(result.rows))
    title = t(lang, "coach.title", count=len(result.signals), reps=reps)
    if not result.rows:
        return [section(f"{title}\n{t(lang, 'coach.no_team')}")]
    blocks = [section(f"{title}\n{coaching_table(result, lang)}")]
    if not result.signals:
        blocks.append(context(t(lang, "coach.none")))
    blocks.append(context(t(lang, "coach.legend")))
    return blocks


def stats_message(result: Stats, lang: str) -> dict[str, Any]:
    named = scope_title(result.scope, lang, result.subject_name)
    title = t(lang, "stats.title", scope=fmt.plain(named))
    period = t(
        lang,
        "stats.period",
        start=fmt.day(result.period.start, lang),
        end=fmt.day(result.period.end, lang),
    )
    blocks: list[Block] = [header(title)]
    process = result.process
    filters = scope_filters(result.scope, lang)
    where = [fmt.escape(process.name)] if process is not None else []
    blocks.append(context(" · ".join([*where, period, *([filters] if filters else [])])))
    if process is None:
        blocks.append(section(t(lang, "stats.empty")))
    else:
        currency = result.currency
        blocks.append(section(_headline(process, currency, lang)))
        blocks.append(section(t(lang, "stats.funnel_title") + "\n" + funnel_table(process, lang)))
        blocks.append(
            section(
                t(lang, "stats.calibration_title")
                + "\n"
                + calibration_table(process, lang)
                + "\n"
                + calibration_notes(process, lang)
            )
        )
        if result.scope.kind in ("team", "all") or len(process.reps) > 1:
            blocks.append(section(t(lang, "stats.reps_title") + "\n" + reps_table(process, lang)))
        blocks.append(
            section(t(lang, "stats.months_title") + "\n" + months_table(process, currency, lang))
        )
        for key, rows, column in (
            ("stats.origins_title", process.origins, "stats.col_origin"),
            ("stats.products_title", process.products, "stats.col_product"),
        ):
            if rows:
                blocks.append(
                    section(t(lang, key) + "\n" + segments_table(rows, column, currency, lang))
                )
    if result.coaching is not None:
        blocks += coaching_blocks(result.coaching, lang)
    if process is not None:
        blocks.append(context(t(lang, "stats.legend")))
        elements = [button(t(lang, "stats.chart"), StatsButton.CHART, scope_value(result.text))]
        for index, name in enumerate(result.others[:4]):
            elements.append(
                button(
                    t(lang, "stats.see_process", process=fmt.plain(name)),
                    f"{StatsButton.PROCESS}:{index}",  # unique within the block
                    f"{result.text[:1000]} process «{name}»".strip(),
                )
            )
        blocks.append({"type": "actions", "elements": elements})
        if len(result.others) > 4:
            blocks.append(
                context(
                    t(
                        lang,
                        "stats.other_processes",
                        names=", ".join(fmt.escape(n) for n in result.others[4:]),
                    )
                )
            )
    return message(fit_message(blocks), title)
