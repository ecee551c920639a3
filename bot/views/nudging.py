"""Nudges, escalations, follow-ups and weekly digests as Block Kit: what the planner sends.

Pure functions of a plain result. Each deal of a nudge is the card's own summary and buttons
(`card_summary`: open the card, advance, stage picker, won, lost, menu) plus the nudge's reasons
and its own controls: a new close date, snooze 3 / 7 / 14 days, or snooze until a date. Within
Slack's limits whatever the volume: at most 10 deals (4 blocks each) per nudge, and a digest of
about a dozen blocks whose lists are capped with "+N more".
"""

from __future__ import annotations

from typing import Any

from bot import format as fmt
from bot.ids import Action, Nudge, followup_block, nudge_block
from bot.views.blocks import (
    Block,
    button,
    context,
    divider,
    fit_message,
    header,
    option,
    plain_text,
    section,
)
from bot.views.deals import card_summary, summary_line
from bot.views.stats import signal_text
from commands.deals import Card
from commands.i18n import t, tn
from commands.nudging import MIN_STAYS, PERCENTILE, Threshold, followups, nudges
from commands.nudging import digest as digests

SNOOZE_DAYS = (3, 7, 14)
TEXT_MAX = 3000  # the notification text; the blocks carry the rest
DIGEST_SECTION = 2900  # room left in a 3,000-char section for a closing line
TABLE_ROWS = 40
NAME_WIDTH = 16


def _message(blocks: list[Block], text: str) -> dict[str, Any]:
    return {"text": fmt.truncate(text, TEXT_MAX), "blocks": fit_message(blocks)}


def threshold_note(threshold: Threshold, lang: str) -> str:
    """The threshold in use and why, for the overview: ` · stuck after 12 d (learned: …)`."""
    if threshold.source == "admin":
        return t(lang, "nudge.threshold_admin", days=threshold.days)
    if threshold.source == "learned":
        return t(
            lang,
            "nudge.threshold_learned",
            days=threshold.days,
            percentile=PERCENTILE,
            count=threshold.stays,
            observed=fmt.decimal(threshold.percentile_days or 0, lang),
        )
    return t(
        lang,
        "nudge.threshold_default",
        days=threshold.days,
        count=threshold.stays,
        needed=MIN_STAYS,
    )


# --- the daily nudge ----------------------------------------------------------------------------


def reasons(
    card: Card, attention: nudges.Attention, lang: str, *, manager_told: bool = False
) -> str:
    """Why the deal is in today's nudge, one clause per problem."""
    parts = []
    if attention.stuck and attention.threshold is not None:
        key = "nudge.reason_stuck"
        if attention.escalate:
            key = "nudge.reason_stuck_twice" if manager_told else "nudge.reason_stuck_long"
        parts.append(
            t(
                lang,
                key,
                count=attention.days_in_stage,
                stage=fmt.escape(card.stage.name),
                threshold=t(lang, "count.days", count=attention.threshold.days),
            )
        )
    if attention.slipped:
        parts.append(t(lang, "nudge.reason_slipped", date=fmt.day(card.close_date, lang)))
    if attention.next_step_missed and card.next_step_date is not None:
        parts.append(
            t(
                lang,
                "nudge.reason_next_step",
                step=fmt.escape(card.next_step or t(lang, "common.none")),
                date=fmt.day(card.next_step_date, lang),
            )
        )
    return " · ".join(parts)


def nudge_controls(card: Card, lang: str) -> Block:
    """A new close date, snooze for a few days, or snooze until a date."""
    number = card.number
    return {
        "type": "actions",
        "block_id": nudge_block(number, "a"),
        "elements": [
            {
                "type": "datepicker",
                "action_id": Nudge.CLOSE_DATE,
                "initial_date": card.close_date.isoformat(),
                "placeholder": plain_text(t(lang, "nudge.close_date_placeholder"), 150),
            },
            {
                "type": "static_select",
                "action_id": Nudge.SNOOZE,
                "placeholder": plain_text(t(lang, "nudge.snooze_placeholder"), 150),
                "options": [
                    option(t(lang, "nudge.snooze_days", count=days), f"{days}:{number}")
                    for days in SNOOZE_DAYS
                ],
            },
            {
                "type": "datepicker",
                "action_id": Nudge.SNOOZE_UNTIL,
                "placeholder": plain_text(t(lang, "nudge.snooze_until_placeholder"), 150),
            },
        ],
    }


def nudge_item(
    card: Card, attention: nudges.Attention, lang: str, *, manager_told: bool = False
) -> list[Block]:
    """Four blocks: the card's line and buttons, why it is here, the nudge's controls."""
    why_text = reasons(card, attention, lang, manager_told=manager_told)
    why: Block = {
        "type": "context",
        "block_id": nudge_block(card.number, "r"),
        "elements": [{"type": "mrkdwn", "text": ":hourglass: " + why_text}],
    }
    return [*card_summary(card, lang), why, nudge_controls(card, lang)]


def nudge_message(nudge: nudges.Nudge) -> dict[str, Any]:
    lang = nudge.recipient.lang
    count = len(nudge.items) + nudge.more
    intro = t(lang, "nudge.intro", count=count)
    blocks: list[Block] = [section(intro)]
    told = nudge.recipient.manager_id is not None
    for item in nudge.items:
        blocks += nudge_item(item.card, item.attention, lang, manager_told=told)
    notes = []
    if nudge.more > 0:
        notes.append(t(lang, "nudge.more", count=nudge.more))
    notes.append(t(lang, "nudge.footer"))
    blocks.append(context(*notes))
    listed = ", ".join(f"#{i.card.number} {fmt.escape(i.card.account)}" for i in nudge.items)
    return _message(blocks, f"{intro} {listed}")


def escalation_message(escalation: nudges.Escalation) -> dict[str, Any]:
    """To a manager without a digest: a rep's deals stuck twice as long as usual."""
    lang = escalation.manager.lang
    intro = t(lang, "nudge.escalation_intro", rep=escalation.rep_id, count=len(escalation.items))
    blocks: list[Block] = [section(intro)]
    for item in escalation.items:
        blocks += card_summary(item.card, lang)
        blocks.append(context(":hourglass: " + reasons(item.card, item.attention, lang)))
    blocks.append(context(t(lang, "nudge.escalation_footer")))
    return _message(blocks, intro)


# --- follow-ups ---------------------------------------------------------------------------------


def followup_item(item: followups.FollowUpItem, lang: str) -> list[Block]:
    line = section(
        f":pushpin: *{fmt.escape(item.text)}*\n{summary_line(item.card, lang)}",
        block_id=followup_block(item.id),
    )
    buttons: Block = {
        "type": "actions",
        "block_id": f"{followup_block(item.id)}:a",
        "elements": [
            button(
                t(lang, "followup.done_button"), Nudge.FOLLOWUP_DONE, str(item.id), style="primary"
            ),
            button(t(lang, "list.show"), Action.SHOW, str(item.card.number)),
        ],
    }
    return [line, buttons]


def followup_message(message: followups.FollowUpMessage) -> dict[str, Any]:
    lang = message.recipient.lang
    intro = t(lang, "followup.intro", count=len(message.items) + max(message.more, 0))
    blocks: list[Block] = [section(intro)]
    for item in message.items:
        blocks += followup_item(item, lang)
    if message.more > 0:
        blocks.append(context(t(lang, "followup.more", count=message.more)))
    listed = ", ".join(f"#{i.card.number} {fmt.escape(i.text)}" for i in message.items)
    return _message(blocks, f"{intro} {listed}")


def followup_done(blocks: list[Block] | None, done: followups.Done, lang: str) -> list[Block]:
    """The same message with this follow-up's buttons replaced by who marked it done."""
    key = "followup.already_done" if done.already else "followup.done"
    note = context(t(lang, key, user=done.by))
    note["block_id"] = f"{followup_block(done.id)}:a"
    return [note if b.get("block_id") == note["block_id"] else b for b in blocks or []]


# --- the weekly digest --------------------------------------------------------------------------


def _money(minor: int, digest: digests.Digest) -> str:
    return fmt.money(minor, digest.currency, digest.lang)


def _signed(minor: int, digest: digests.Digest) -> str:
    sign = "+" if minor > 0 else "−" if minor < 0 else "±"
    return sign + _money(abs(minor), digest)


def _cell(text: str, width: int) -> str:
    text = text.replace("`", "'")
    return (text[: width - 1] + "…") if len(text) > width else text.ljust(width)


def reps_table(digest: digests.Digest) -> str:
    """Per rep, in a code block: open deals, created, won, lost, win rate, advanced, won €."""
    lang = digest.lang
    heads = [
        t(lang, f"digest.col_{name}") for name in ("open", "new", "won", "lost", "rate", "advanced")
    ]
    head = _cell(t(lang, "digest.col_rep"), NAME_WIDTH) + "".join(f"{h:>7}" for h in heads)
    head += "  " + t(lang, "digest.col_won_amount")

    def line(name: str, rep: digests.RepLine) -> str:
        rate = "—" if rep.win_rate is None else f"{rep.win_rate}%"
        cells = (rep.open_count, rep.created_count, rep.won_count, rep.lost_count)
        row = _cell(name, NAME_WIDTH) + "".join(f"{c:>7}" for c in cells)
        row += f"{rate:>7}{rep.advanced:>7}  {_money(rep.won_minor, digest)}"
        return fmt.escape(row)

    rows = [fmt.escape(head)]
    used = len(rows[0]) + 8
    shown = 0
    for rep in digest.reps[:TABLE_ROWS]:
        row = line(rep.name, rep)
        if used + len(row) + 1 > DIGEST_SECTION - 300:
            break
        rows.append(row)
        used += len(row) + 1
        shown += 1
    if shown < len(digest.reps):
        rows.append(fmt.escape(t(lang, "digest.reps_more", count=len(digest.reps) - shown)))
    rows.append(line(t(lang, "digest.team_line"), digest.totals))
    return "```\n" + "\n".join(rows) + "\n```"


def _deal(card: Card, lang: str, detail: str) -> str:
    account = fmt.escape(fmt.truncate(card.account, 40))
    title = fmt.escape(fmt.truncate(card.title, 40))
    return f"• *#{card.number} {account}* — {title} · {detail}"


def _listing(lines: list[str], total: int, lang: str, title: str) -> str:
    """A titled list, as many lines as fit a section, then how many more there are."""
    if not lines:
        return f"{title}\n{t(lang, 'digest.none')}"
    kept: list[str] = []
    used = len(title) + 1
    for line in lines:
        if used + len(line) + 1 > DIGEST_SECTION - 100:
            break
        kept.append(line)
        used += len(line) + 1
    body = "\n".join(kept)
    if total > len(kept):
        body += "\n" + t(lang, "digest.more", count=total - len(kept))
    return f"{title}\n{body}"


def digest_message(digest: digests.Digest) -> dict[str, Any]:
    lang = digest.lang
    recipient = digest.recipient
    title = t(lang, "digest.title")
    period = t(
        lang,
        "digest.period",
        since=fmt.day(recipient.since.date(), lang),
        until=fmt.day(recipient.until.date(), lang),
    )
    pipeline = t(
        lang,
        "digest.pipeline",
        count=digest.pipeline.count,
        total=_money(digest.pipeline.amount_minor, digest),
        weighted=_money(digest.pipeline.weighted_minor, digest),
    )
    change = digest.change
    if change is None:
        pipeline += "\n" + t(lang, "digest.change_none")
    else:
        pipeline += "\n" + tn(
            lang,
            "digest.change",
            abs(change.count),
            change=f"{change.count:+d}",
            total=_signed(change.amount_minor, digest),
            weighted=_signed(change.weighted_minor, digest),
        )
    blocks: list[Block] = [header(title), context(period), section(pipeline)]
    blocks.append(section(t(lang, "digest.reps_title") + "\n" + reps_table(digest)))
    slipped = []
    for line in digest.slipped:
        if line.pushed_from is not None:
            detail = t(
                lang,
                "digest.slipped_pushed",
                before=fmt.day(line.pushed_from, lang),
                after=fmt.day(line.card.close_date, lang),
            )
        else:
            detail = t(lang, "digest.slipped_passed", date=fmt.day(line.card.close_date, lang))
        detail += f" · {_money(line.card.amount_minor, digest)} · <@{line.card.owner_id}>"
        slipped.append(_deal(line.card, lang, detail))
    blocks.append(
        section(
            _listing(
                slipped,
                digest.slipped_count,
                lang,
                t(lang, "digest.slipped_title", count=digest.slipped_count),
            )
        )
    )
    stuck = []
    for line in digest.stuck:
        detail = t(
            lang,
            "digest.stuck_line",
            count=line.days_in_stage,
            stage=fmt.escape(line.card.stage.name),
            threshold=t(lang, "count.days", count=line.threshold_days or 0),
        )
        if line.twice:
            detail += " " + t(lang, "digest.stuck_twice")
        detail += f" · {_money(line.card.amount_minor, digest)} · <@{line.card.owner_id}>"
        stuck.append(_deal(line.card, lang, detail))
    blocks.append(
        section(
            _listing(
                stuck,
                digest.stuck_count,
                lang,
                t(lang, "digest.stuck_title", count=digest.stuck_count),
            )
        )
    )
    blocks.append(section(forecast_text(digest)))
    if digest.coaching:
        coaching = "\n".join("• " + signal_text(signal, lang) for signal in digest.coaching)
        blocks.append(
            section(fmt.truncate(t(lang, "digest.coaching_title") + "\n" + coaching, 3000))
        )
    blocks += [divider(), context(t(lang, "digest.footer"))]
    fallback = t(
        lang,
        "digest.fallback",
        count=digest.pipeline.count,
        total=_money(digest.pipeline.amount_minor, digest),
    )
    return _message(blocks, fallback)


def forecast_text(digest: digests.Digest) -> str:
    lang = digest.lang
    lines = [t(lang, "digest.forecast_title")]
    for month in digest.forecast.months:
        name = fmt.month(month.month, lang)
        expected = _money(month.expected_minor, digest)
        if month.target_minor is None:
            line = t(lang, "digest.forecast_no_target", month=name, expected=expected)
        else:
            line = t(
                lang,
                "digest.forecast_line",
                month=name,
                expected=expected,
                target=_money(month.target_minor, digest),
                gap=_signed(-(month.gap_minor or 0), digest),
            )
        if digest.forecast.why_weak(month) is not None:
            line += " :warning:"
        lines.append("• " + line)
    if digest.forecast.overdue.count:
        lines.append(
            t(
                lang,
                "digest.forecast_overdue",
                count=digest.forecast.overdue.count,
                total=_money(digest.forecast.overdue.amount_minor, digest),
            )
        )
    return "\n".join(lines)
