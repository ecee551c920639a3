"""`/salesbot`: the answers admins read and the settings modal.

Pure functions of a plain result and a language. Every name an admin typed is escaped before it
is shown; with at most 10 processes of 10 stages, everything fits one message and one modal.
"""

from __future__ import annotations

import json
from typing import Any

from bot import format as fmt
from bot.ids import Admin
from bot.views import nudging_settings
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
from bot.views.nudging import threshold_note
from commands.admin import (
    AnnounceChannel,
    LostReasons,
    RoleChanged,
    TargetSet,
    TeamChanged,
    TeamListing,
)
from commands.admin.router import Result, SettingsApplied
from commands.i18n import t
from commands.nudging import DigestSettings, FollowUpRules, NudgeSettings, OutboxReport
from commands.processes import NeedsDestination, Overview, ProcessChanged, ProcessView
from storage.models import Role

OPTION_TEXT_MAX = 75
VIEW_TEXT_MAX = 24


def _message(blocks: list[Block], text: str) -> dict[str, Any]:
    """An ephemeral answer; `text` is the notification and accessibility fallback."""
    return {"response_type": "ephemeral", "text": fmt.truncate(text, 3000), "blocks": blocks}


def _say(lang: str, key: str, params: dict[str, str | int] | None = None) -> str:
    """A catalog text whose parameters (names admins typed) cannot ping or format anything."""
    safe = {k: fmt.escape(v) if isinstance(v, str) else v for k, v in (params or {}).items()}
    return t(lang, key, **safe)


def _users(user_ids: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"<@{user_id}>" for user_id in user_ids)


def _settings_button(lang: str) -> Block:
    return {
        "type": "actions",
        "block_id": Admin.OVERVIEW_ACTIONS,
        "elements": [button(t(lang, "admin.open_settings"), Admin.OPEN_SETTINGS, "open")],
    }


# --- help ---------------------------------------------------------------------------------


def help_message(lang: str, role: Role) -> dict[str, Any]:
    """What this reader may do: a rep their deals and nudges, a manager also their team's digest
    and targets, an admin everything (with the settings form). Who sets the rest is named.
    The catalogs write usage placeholders as "&lt;process&gt;": mrkdwn, not a Slack link."""
    if role == Role.ADMIN:
        text = t(lang, "admin.help")
        blocks = [section(text), section(nudging_settings.help_lines(lang))]
        blocks.append(_settings_button(lang))
        return _message(blocks, text)
    text = t(lang, "admin.help_yours")
    blocks = [section(text)]
    if role == Role.MANAGER:
        blocks.append(section(t(lang, "admin.help_manager")))
    blocks.append(context(t(lang, "admin.help_set_by_admins")))
    return _message(blocks, text)


# --- processes ----------------------------------------------------------------------------


def process_text(process: ProcessView, lang: str) -> str:
    """The process, then one line per stage: number, name, probability, open deals, stuck."""
    lines = [
        _say(lang, "admin.process_heading", {"process": process.name, "count": process.open_count})
    ]
    for stage in process.stages:
        line = _say(
            lang,
            "admin.stage_line",
            {
                "number": stage.number,
                "stage": stage.name,
                "probability": stage.probability,
                "count": stage.open_count,
            },
        )
        if stage.threshold is not None:
            line += threshold_note(stage.threshold, lang)
        elif stage.stuck_after_days is not None:
            line += t(lang, "admin.stage_stuck", days=stage.stuck_after_days)
        lines.append(line)
    return "\n".join(lines)


def _announce_line(channel: str | None, lang: str) -> str:
    if channel:
        return t(lang, "admin.announce_line", channel=channel)
    return t(lang, "admin.announce_none_line")


def _archived_line(overview: Overview, lang: str) -> str:
    items = ", ".join(
        _say(lang, "admin.archived_item", {"process": p.name, "count": p.open_count})
        for p in overview.archived
    )
    return t(lang, "admin.archived", processes=items)


def overview_blocks(overview: Overview, lang: str) -> list[Block]:
    blocks: list[Block] = []
    for process in overview.processes:
        blocks.append(section(process_text(process, lang)))
    if overview.archived:
        blocks.append(context(_archived_line(overview, lang)))
    blocks.append(context(_announce_line(overview.announce_channel, lang)))
    return blocks


def overview_message(overview: Overview, lang: str) -> dict[str, Any]:
    title = t(lang, "admin.processes_title")
    blocks = [header(title), *overview_blocks(overview, lang)]
    blocks.append(context(t(lang, "admin.overview_hint")))
    blocks.append(_settings_button(lang))
    return _message(fit_message(blocks), title)


def process_changed_message(result: ProcessChanged, lang: str) -> dict[str, Any]:
    note = _say(lang, result.key, result.params)
    return _message([section(note), section(process_text(result.process, lang))], note)


def needs_destination_message(result: NeedsDestination, lang: str) -> dict[str, Any]:
    """Nothing removed yet: one button per stage the deals could go to, and the text form."""
    params: dict[str, str | int] = {
        "stage": result.stage.name,
        "process": result.process.name,
        "count": result.stage.open_count,
    }
    question = _say(lang, "admin.where_to", params)
    buttons = [
        button(
            fmt.plain(t(lang, "admin.move_to_button", stage=target.name)),
            f"{Admin.REMOVE_STAGE_TO}:{index}",
            f"{result.stage.id}:{target.id}",
        )
        for index, target in enumerate(result.targets)
    ]
    # The text form quotes names inside a code span: only backticks would break out of it.
    typed = t(
        lang,
        "admin.where_to_text",
        process=fmt.escape(result.process.name.replace("`", "'")),
        stage=fmt.escape(result.stage.name.replace("`", "'")),
    )
    blocks: list[Block] = [
        section(question),
        {"type": "actions", "block_id": Admin.STAGE_TARGETS, "elements": buttons[:25]},
        context(typed),
    ]
    return _message(blocks, question)


# --- roles, teams, announcements, lost reasons -------------------------------------------


def _role(role: Role, lang: str) -> str:
    return t(lang, f"admin.role.{role}")


def role_message(result: RoleChanged, lang: str) -> dict[str, Any]:
    if result.role == result.before:
        text = t(lang, "admin.role_unchanged", user=result.user_id, role=_role(result.role, lang))
    else:
        text = t(
            lang,
            "admin.role_changed",
            user=result.user_id,
            role=_role(result.role, lang),
            before=_role(result.before, lang),
        )
    blocks = [section(text)]
    if result.team_kept:
        blocks.append(context(t(lang, "admin.role_team_kept", count=result.team_kept)))
    return _message(blocks, text)


def _team_lines(manager_id: str, reps: tuple[str, ...], lang: str) -> str:
    if not reps:
        return t(lang, "admin.team_empty", manager=manager_id)
    return t(lang, "admin.team_members", users=_users(reps))


def team_message(result: TeamChanged, lang: str) -> dict[str, Any]:
    manager = result.manager_id
    lines: list[str] = []
    if result.added:
        lines.append(t(lang, "admin.team_added", manager=manager, users=_users(result.added)))
    for rep, before in result.moved:
        lines.append(t(lang, "admin.team_moved", user=rep, before=before, manager=manager))
    if result.already:
        lines.append(t(lang, "admin.team_already", users=_users(result.already)))
    if result.removed:
        lines.append(t(lang, "admin.team_removed", manager=manager, users=_users(result.removed)))
    if result.not_in_team:
        lines.append(
            t(lang, "admin.team_not_in", manager=manager, users=_users(result.not_in_team))
        )
    text = "\n".join(lines)
    blocks = [section(text), context(_team_lines(manager, result.team, lang))]
    return _message(blocks, text)


def team_listing_message(result: TeamListing, lang: str) -> dict[str, Any]:
    title = t(lang, "admin.team_title", manager=result.manager_id)
    blocks = [section(f"*{title}*\n{_team_lines(result.manager_id, result.reps, lang)}")]
    if result.role not in (Role.MANAGER, Role.ADMIN):
        blocks.append(context(t(lang, "admin.team_listing_not_manager", manager=result.manager_id)))
    return _message(blocks, title)


def announce_text(result: AnnounceChannel, lang: str) -> str:
    if result.channel is None:
        if result.changed:
            return t(lang, "admin.announce_off")
        return t(lang, "admin.announce_none_line")
    if result.changed:
        return t(lang, "admin.announce_set", channel=result.channel)
    return t(lang, "admin.announce_line", channel=result.channel)


def announce_message(result: AnnounceChannel, lang: str) -> dict[str, Any]:
    text = announce_text(result, lang)
    return _message([section(text)], text)


def lost_reasons_message(result: LostReasons, lang: str) -> dict[str, Any]:
    title = t(lang, "admin.lost_reasons_title")
    listing = "\n".join(
        f"{index}. {fmt.escape(label)}" for index, label in enumerate(result.labels, 1)
    )
    blocks: list[Block] = []
    note = None
    if result.added:
        note = _say(lang, "admin.lost_reason_added", {"label": result.added})
    elif result.removed:
        note = _say(lang, "admin.lost_reason_removed", {"label": result.removed})
    if note:
        blocks.append(section(note))
    blocks.append(section(f"*{title}*\n{listing}"))
    return _message(blocks, note or title)


def target_message(result: TargetSet, lang: str) -> dict[str, Any]:
    who = {"rep": f"<@{result.subject}>", "team": t(lang, "board.of_team"),
           "all": t(lang, "board.of_all")}[result.scope]  # fmt: skip
    month = fmt.month(result.month, lang)
    if result.amount_minor is None:
        text = t(lang, "target.removed", who=who, month=month)
    else:
        amount = fmt.money(result.amount_minor, result.currency, lang)
        text = t(lang, "target.set", who=who, month=month, amount=amount)
    return _message([section(text)], text)


def result_message(result: Result, lang: str) -> dict[str, Any]:
    """The answer to any `/salesbot` subcommand but help and settings."""
    if isinstance(result, NudgeSettings | DigestSettings | FollowUpRules | OutboxReport):
        return nudging_settings.settings_result_message(result, lang)
    if isinstance(result, Overview):
        return overview_message(result, lang)
    if isinstance(result, ProcessChanged):
        return process_changed_message(result, lang)
    if isinstance(result, NeedsDestination):
        return needs_destination_message(result, lang)
    if isinstance(result, RoleChanged):
        return role_message(result, lang)
    if isinstance(result, TeamChanged):
        return team_message(result, lang)
    if isinstance(result, TeamListing):
        return team_listing_message(result, lang)
    if isinstance(result, AnnounceChannel):
        return announce_message(result, lang)
    if isinstance(result, TargetSet):
        return target_message(result, lang)
    return lost_reasons_message(result, lang)


# --- the settings modal -------------------------------------------------------------------


def _input(block: Admin, label: str, element: dict[str, Any], *, hint: str | None = None) -> Block:
    result: Block = {
        "type": "input",
        "block_id": block,
        "label": plain_text(label, 2000),
        "element": {"action_id": str(block), **element},
        "optional": True,  # every part of the form is optional: fill only what changes
    }
    if hint:
        result["hint"] = plain_text(hint, 2000)
    return result


def _text_input(max_length: int) -> dict[str, Any]:
    return {"type": "plain_text_input", "max_length": max_length}


def _percent_input() -> dict[str, Any]:
    return {
        "type": "number_input",
        "is_decimal_allowed": False,
        "min_value": "0",
        "max_value": "100",
    }


def _stage_option(name: str, probability: int, value: int, lang: str) -> dict[str, Any]:
    percent = f"{probability} %" if fmt.language(lang) == "fr" else f"{probability}%"
    # Keep the probability readable when a long name must be cut.
    label = f"{fmt.truncate(fmt.plain(name), OPTION_TEXT_MAX - len(percent) - 3)} ({percent})"
    return option(label, str(value))


def _stage_select(overview: Overview, lang: str) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "static_select"}
    if len(overview.processes) == 1:
        element["options"] = [
            _stage_option(s.name, s.probability, s.id, lang) for s in overview.processes[0].stages
        ][:100]
        return element
    groups = []
    budget = 100  # Slack's cap on a select's options
    for process in overview.processes:
        options = [_stage_option(s.name, s.probability, s.id, lang) for s in process.stages]
        if not options or budget <= 0:
            continue
        groups.append(
            {"label": plain_text(fmt.plain(process.name), 75), "options": options[:budget]}
        )
        budget -= len(options)
    element["option_groups"] = groups
    return element


def settings_modal(overview: Overview, lang: str, *, metadata: dict[str, str]) -> dict[str, Any]:
    """Each process with its stages, then the changes that need no typing of commands."""
    blocks: list[Block] = [context(t(lang, "admin.settings_intro"))]
    blocks += [section(process_text(p, lang)) for p in overview.processes]
    if overview.archived:
        blocks.append(context(_archived_line(overview, lang)))
    blocks += [
        divider(),
        section(t(lang, "admin.settings_new_process")),
        _input(Admin.NEW_PROCESS_NAME, t(lang, "admin.field_process_name"), _text_input(50)),
        _input(
            Admin.NEW_PROCESS_STAGES,
            t(lang, "admin.field_stages"),
            _text_input(1000),
            hint=t(lang, "admin.field_stages_hint"),
        ),
    ]
    process_options = [option(fmt.plain(p.name), str(p.id)) for p in overview.processes]
    if process_options:
        blocks += [
            divider(),
            section(t(lang, "admin.settings_add_stage")),
            _input(
                Admin.ADD_STAGE_PROCESS,
                t(lang, "admin.field_process"),
                {"type": "static_select", "options": process_options[:100]},
            ),
            _input(Admin.ADD_STAGE_NAME, t(lang, "admin.field_stage_name"), _text_input(50)),
            _input(
                Admin.ADD_STAGE_PROBABILITY, t(lang, "admin.field_probability"), _percent_input()
            ),
            divider(),
            section(t(lang, "admin.settings_edit_stage")),
            _input(Admin.EDIT_STAGE, t(lang, "admin.field_stage"), _stage_select(overview, lang)),
            _input(
                Admin.EDIT_PROBABILITY, t(lang, "admin.field_new_probability"), _percent_input()
            ),
            _input(
                Admin.EDIT_STUCK_AFTER,
                t(lang, "admin.field_stuck_after"),
                _text_input(10),
                hint=t(lang, "admin.field_stuck_after_hint"),
            ),
        ]
    channel: dict[str, Any] = {
        "type": "conversations_select",
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if overview.announce_channel:
        channel["initial_conversation"] = overview.announce_channel
    blocks += [
        divider(),
        section(t(lang, "admin.settings_announce")),
        _input(
            Admin.ANNOUNCE_CHANNEL,
            t(lang, "admin.field_announce_channel"),
            channel,
            hint=t(lang, "admin.field_announce_hint"),
        ),
        context(t(lang, "admin.settings_more")),
    ]
    return {
        "type": "modal",
        "callback_id": Admin.SETTINGS,
        "title": plain_text(t(lang, "admin.settings_title"), VIEW_TEXT_MAX),
        "submit": plain_text(t(lang, "admin.settings_submit"), VIEW_TEXT_MAX),
        "close": plain_text(t(lang, "admin.settings_close"), VIEW_TEXT_MAX),
        "private_metadata": json.dumps(metadata),
        "blocks": blocks,
    }


def settings_applied_message(applied: SettingsApplied, lang: str) -> dict[str, Any]:
    """What the modal changed, then every process as it is now."""
    lines: list[str] = []
    for change in applied.changes:
        if isinstance(change, ProcessChanged):
            lines.append("• " + _say(lang, change.key, change.params))
        else:
            lines.append("• " + announce_text(change, lang))
    if lines:
        text = t(lang, "admin.settings_saved") + "\n" + "\n".join(lines)
    else:
        text = t(lang, "admin.settings_nothing")
    blocks = [section(text), divider(), *overview_blocks(applied.overview, lang)]
    return _message(fit_message(blocks), text)
