"""The pipeline board as a Slack message: processes, stages as columns, deals as cards.

A message holds 50 blocks: the board spends them on stage headers first, then on the most
valuable deals, and always offers a way to page through the rest of a stage.
"""

from __future__ import annotations

from typing import Any

from bot import format as fmt
from bot.ids import Action
from bot.views.blocks import (
    MESSAGE_BLOCKS_MAX,
    Block,
    button,
    context,
    divider,
    header,
    option,
    plain_text,
    section,
)
from bot.views.deals import deal_block, message
from commands.i18n import t
from commands.reports import Board, Scope, StagePage
from storage.reports import Totals


def totals_text(totals: Totals, currency: str, lang: str) -> str:
    return t(
        lang,
        "board.totals",
        count=totals.count,
        total=fmt.money(totals.amount_minor, currency, lang),
        weighted=fmt.money(totals.weighted_minor, currency, lang),
    )


def scope_title(scope: Scope, lang: str, name: str | None = None) -> str:
    """Whose report it is. In mrkdwn a rep is a mention; a header is plain text, where a mention
    shows as a raw `<@U…>`: pass the rep's `name` there (their id when no name is known)."""
    if scope.kind == "rep":
        if name is not None:
            return name or scope.subject
        return t(lang, "board.of_rep", user=scope.subject)
    return t(lang, f"board.of_{scope.kind}")


def scope_filters(scope: Scope, lang: str) -> str | None:
    parts = []
    if scope.process_name:
        parts.append(t(lang, "board.filter_process", name=fmt.escape(scope.process_name)))
    if scope.origin:
        parts.append(t(lang, "board.filter_origin", name=fmt.escape(scope.origin)))
    if scope.product:
        parts.append(t(lang, "board.filter_product", name=fmt.escape(scope.product)))
    return " · ".join(parts) or None


def more_block(stage_id: int, offset: int, hidden: int, text: str, lang: str) -> Block:
    return section(
        t(lang, "board.more", count=hidden),
        accessory=button(
            t(lang, "board.more_button"), Action.BOARD_PAGE, f"{stage_id}:{offset}:{text[:1900]}"
        ),
    )


def several_owners(scope: Scope) -> bool:
    """A view of a team's or the company's deals names each deal's owner."""
    return scope.kind in ("team", "all")


def board_message(result: Board, lang: str) -> dict[str, Any]:
    title = scope_title(result.scope, lang)
    overall = totals_text(result.totals, result.currency, lang)
    named = fmt.plain(scope_title(result.scope, lang, result.subject_name))
    head: list[Block] = [header(t(lang, "board.title", scope=named)), context(overall)]
    filters = scope_filters(result.scope, lang)
    if filters:
        head.append(context(filters))
    n_stages = sum(len(p.columns) for p in result.processes)
    fixed = len(head) + 2 * len(result.processes) + n_stages
    if fixed > MESSAGE_BLOCKS_MAX - 2:
        return _compact(result, head, lang, title, overall)
    # Deals get what is left, one block each, plus one "+N more" block per cut stage.
    budget = MESSAGE_BLOCKS_MAX - fixed
    shown = _share(result, budget)
    blocks = list(head)
    for process, shares in zip(result.processes, shown, strict=True):
        blocks.append(divider())
        name = fmt.escape(process.name) + (t(lang, "board.archived") if process.archived else "")
        blocks.append(section(f"*{name}* — {totals_text(process.totals, result.currency, lang)}"))
        for column, count in zip(process.columns, shares, strict=True):
            blocks.append(
                section(
                    _column_line(
                        column.stage.name,
                        column.stage.probability,
                        column.totals,
                        result.currency,
                        lang,
                    )
                )
            )
            owner = several_owners(result.scope)
            blocks += [deal_block(card, lang, owner=owner) for card in column.deals[:count]]
            hidden = column.totals.count - min(count, len(column.deals))
            if hidden > 0:
                blocks.append(
                    more_block(
                        column.stage.id, min(count, len(column.deals)), hidden, result.text, lang
                    )
                )
    if not result.totals.count:
        blocks.append(section(t(lang, "board.empty")))
    return message(blocks[:MESSAGE_BLOCKS_MAX], f"{title} — {overall}")


def _share(result: Board, budget: int) -> list[list[int]]:
    """How many deals each stage shows: round-robin, so every busy stage gets its best first.

    Each busy stage keeps one block back for its "+N more" line (simple, at worst a block
    wasted when a stage turns out to fit whole).
    """
    columns = [c for p in result.processes for c in p.columns]
    budget -= sum(1 for c in columns if c.totals.count)
    counts = [0] * len(columns)
    progress = True
    while progress and budget > 0:
        progress = False
        for i, column in enumerate(columns):
            if budget > 0 and counts[i] < len(column.deals):
                counts[i] += 1
                budget -= 1
                progress = True
    shares: list[list[int]] = []
    start = 0
    for process in result.processes:
        shares.append(counts[start : start + len(process.columns)])
        start += len(process.columns)
    return shares


def _column_line(name: str, probability: int, totals: Totals, currency: str, lang: str) -> str:
    label = t(lang, "card.stage_probability", stage=fmt.escape(name), probability=probability)
    return f"*{label}* · {totals_text(totals, currency, lang)}"


def _compact(
    result: Board, head: list[Block], lang: str, title: str, overall: str
) -> dict[str, Any]:
    """Too many stages for one card each: a table per process and a stage picker to drill in."""
    blocks = list(head)
    options = []
    for process in result.processes[: MESSAGE_BLOCKS_MAX - len(head) - 2]:
        lines = [
            f"*{fmt.escape(process.name)}* — {totals_text(process.totals, result.currency, lang)}"
        ]
        for column in process.columns:
            lines.append(
                "• "
                + _column_line(
                    column.stage.name,
                    column.stage.probability,
                    column.totals,
                    result.currency,
                    lang,
                )
            )
            if column.totals.count:
                options.append(
                    option(
                        f"{process.name} › {column.stage.name}",
                        f"{column.stage.id}:0:{result.text[:100]}",
                    )
                )
        blocks.append(section("\n".join(lines)))
    if options:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "static_select",
                        "action_id": Action.BOARD_STAGE,
                        "placeholder": plain_text(t(lang, "board.pick_stage"), 150),
                        "options": options[:100],
                    }
                ],
            }
        )
    return message(blocks[:MESSAGE_BLOCKS_MAX], f"{title} — {overall}")


def stage_page_message(page: StagePage, lang: str) -> dict[str, Any]:
    title = t(
        lang,
        "board.stage_page",
        process=fmt.plain(page.process),
        stage=fmt.plain(page.stage.name),
        first=page.offset + 1 if page.deals else 0,
        last=page.offset + len(page.deals),
        count=page.totals.count,
    )
    blocks: list[Block] = [
        section(f"*{fmt.escape(title)}*"),
        context(totals_text(page.totals, page.currency, lang)),
    ]
    owner = several_owners(page.scope)
    blocks += [deal_block(card, lang, owner=owner) for card in page.deals]
    following = page.next_offset
    if following is not None:
        blocks.append(
            more_block(page.stage.id, following, page.totals.count - following, page.text, lang)
        )
    return message(blocks[:MESSAGE_BLOCKS_MAX], title)
