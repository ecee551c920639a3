"""`/salesbot nudges|digest|followup|outbox`: the answers about nudging settings, as Block Kit."""

from __future__ import annotations

from typing import Any

from bot import format as fmt
from bot.views.blocks import Block, context, section
from bot.views.nudging import TEXT_MAX
from commands.i18n import t
from commands.nudging import DigestSettings, NudgeSettings, OutboxReport, followups


def _time(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _ephemeral(text: str, *more: Block) -> dict[str, Any]:
    return {
        "response_type": "ephemeral",
        "text": fmt.truncate(text, TEXT_MAX),
        "blocks": [section(text), *more],
    }


def nudge_settings_message(result: NudgeSettings, lang: str) -> dict[str, Any]:
    state = t(lang, "nudge.state_on") if result.enabled else t(lang, "nudge.state_off")
    line = t(lang, "nudge.settings_line", state=state, time=_time(result.minute))
    text = f"{t(lang, result.key)}\n{line}" if result.key else line
    return _ephemeral(text, context(t(lang, "nudge.settings_hint")))


def digest_settings_message(result: DigestSettings, lang: str) -> dict[str, Any]:
    if not result.enabled:
        line = t(lang, "digest.settings_off")
    else:
        where = (
            t(lang, "digest.where_channel", channel=result.channel)
            if result.channel
            else t(lang, "digest.where_dm")
        )
        line = t(
            lang,
            "digest.settings_line",
            where=where,
            weekday=t(lang, f"digest.weekday_{result.weekday}"),
            time=_time(result.minute),
        )
    text = f"{t(lang, result.key)}\n{line}" if result.key else line
    extra = [context(t(lang, "digest.settings_hint"))]
    if result.team_size == 0:
        extra.insert(0, context(t(lang, "digest.no_team")))
    return _ephemeral(text, *extra)


def followup_rules_message(result: followups.FollowUpRules, lang: str) -> dict[str, Any]:
    lines = []
    for rule in result.rules:
        params = {
            "id": rule.id,
            "process": fmt.escape(rule.process),
            "count": rule.days,
            "text": fmt.escape(rule.text),
        }
        if rule.trigger == "stage":
            lines.append(
                t(lang, "followup.rule_stage", stage=fmt.escape(rule.stage or "?"), **params)
            )
        else:
            lines.append(t(lang, "followup.rule_won", **params))
    listing = "\n".join(f"• {line}" for line in lines) or t(lang, "followup.none")
    text = f"*{t(lang, 'followup.title')}*\n{listing}"
    if result.key:
        safe = {
            k: fmt.escape(v) if isinstance(v, str) else v for k, v in (result.params or {}).items()
        }
        text = t(lang, result.key, **safe) + "\n\n" + text
    return _ephemeral(fmt.truncate(text, 3000), context(t(lang, "followup.hint")))


def outbox_message(result: OutboxReport, lang: str) -> dict[str, Any]:
    counts = t(
        lang,
        "outbox.counts",
        count=result.counts.get("sent", 0),
        pending=result.counts.get("pending", 0) + result.counts.get("sending", 0),
        failed=t(lang, "outbox.given_up", count=result.counts.get("failed", 0)),
        skipped=result.counts.get("skipped", 0),
    )
    lines = [f"*{t(lang, 'outbox.title')}*", counts]
    if result.retried is not None:
        lines.insert(0, t(lang, "outbox.retried", count=result.retried))
    if result.failures:
        lines.append(t(lang, "outbox.failed_title", count=result.failed_total))
        for failed in result.failures:
            lines.append(
                "• "
                + t(
                    lang,
                    "outbox.failed_line",
                    kind=t(lang, f"outbox.kind_{failed.kind}"),
                    user=failed.recipient,
                    period=fmt.escape(failed.period),
                    error=fmt.escape(failed.error or "?"),
                    count=failed.attempts,
                )
            )
        lines.append(t(lang, "outbox.retry_hint"))
    else:
        lines.append(t(lang, "outbox.none_failed"))
    return _ephemeral(fmt.truncate("\n".join(lines), 3000))


def settings_result_message(
    result: NudgeSettings | DigestSettings | followups.FollowUpRules | OutboxReport, lang: str
) -> dict[str, Any]:
    if isinstance(result, NudgeSettings):
        return nudge_settings_message(result, lang)
    if isinstance(result, DigestSettings):
        return digest_settings_message(result, lang)
    if isinstance(result, followups.FollowUpRules):
        return followup_rules_message(result, lang)
    return outbox_message(result, lang)


def help_lines(lang: str) -> str:
    return t(lang, "nudge.help")
