"""`/salesbot`: the admin command, its "where do these deals go" buttons and the settings modal.

`/salesbot` is routed in the domain (`commands.admin.router`); `help` and `settings` (no
database work, or a modal to open) are answered here.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.ids import Admin, Command
from bot.listeners.errors import field_errors
from bot.listeners.replies import metadata, open_modal, origin, reply
from bot.listeners.table import Listeners
from bot.payloads import small_int
from bot.services import Services
from bot.views import admin
from commands import processes
from commands.admin import router as salesbot
from commands.channels import CanPost
from commands.context import Actor
from commands.errors import FormInvalid, NotFound

log = logging.getLogger(__name__)

_REMOVE_STAGE_TO = re.compile("^" + re.escape(Admin.REMOVE_STAGE_TO) + r":\d+$")


def salesbot_command(
    ack: Ack, command: dict[str, Any], client: WebClient, actor: Actor, services: Services
) -> None:
    routed = salesbot.route(command.get("text", ""))
    if routed.subcommand == "help":
        ack(**admin.help_message(actor.lang, actor.role))
        return
    if routed.subcommand == "settings":
        open_settings(ack, command, client, actor, services)
        return
    with services.db.transaction() as session:
        result = salesbot.run(
            session=session, actor=actor, routed=routed, can_post=can_post_in(client)
        )
    for user_id in salesbot.affected_users(result):
        # Their cached role would otherwise apply for another minute.
        services.profiles.forget(actor.team_id, user_id)
    ack(**admin.result_message(result, actor.lang))


def open_settings(
    ack: Ack, body: dict[str, Any], client: WebClient, actor: Actor, services: Services
) -> None:
    """The modal is built before the ack, so a non-admin is refused there and no modal opens."""
    with services.db.reading() as session:
        overview = salesbot.settings(session=session, actor=actor)
    modal = admin.settings_modal(overview, actor.lang, metadata=origin(body))
    ack()
    open_modal(client, body, modal)


def remove_stage_to(
    ack: Ack, action: dict[str, Any], respond: Respond, actor: Actor, services: Services
) -> None:
    stage_id, target_id = stage_ids(str(action.get("value", "")))
    # The work (milliseconds) comes before the ack: a refusal raised after ack() races with
    # Bolt's wait for it and can turn the click's answer into a 404.
    with services.db.transaction() as session:
        result = processes.remove_stage_to(
            session=session, actor=actor, stage_id=stage_id, target_id=target_id
        )
    ack()
    respond(**admin.result_message(result, actor.lang), replace_original=True)


def settings_submitted(
    ack: Ack, view: dict[str, Any], client: WebClient, actor: Actor, services: Services
) -> None:
    form = settings_input(view)
    try:
        with services.db.transaction() as session:
            applied = salesbot.apply_settings(
                session=session, actor=actor, form=form, can_post=can_post_in(client)
            )
    except FormInvalid as invalid:
        ack(response_action="errors", errors=field_errors(invalid.errors, actor.lang))
        return
    ack()
    answer = admin.settings_applied_message(applied, actor.lang)
    reply(client, actor.user_id, answer, response_url=metadata(view).get("response_url"))


def can_post_in(client: WebClient) -> CanPost:
    """Whether the bot can post in a channel, from `conversations.info`.

    With `chat:write.public` it posts in any public channel, member or not; a private channel
    needs it as a member, and Slack hides a private channel from a bot outside it
    (`channel_not_found`). When Slack cannot tell (rate limit, timeout), the admin is not
    blocked: the outbox reports a failed delivery later.
    """

    def can_post(channel_id: str) -> bool:
        try:
            info = client.conversations_info(channel=channel_id).get("channel") or {}
        except SlackApiError as error:
            reason = error.response.get("error")
            if reason == "channel_not_found":
                return False
            log.warning("conversations.info %s failed: %s", channel_id, reason)
            return True
        except (SlackClientError, OSError):
            log.warning("conversations.info %s failed", channel_id, exc_info=True)
            return True
        if info.get("is_archived"):
            return False
        return not (info.get("is_private") and not info.get("is_member"))

    return can_post


def settings_input(view: dict[str, Any]) -> salesbot.SettingsInput:
    """The modal's state as plain input, whatever the client sent (or left out)."""
    state = view.get("state", {}).get("values", {})

    def value(block: Admin) -> dict[str, Any]:
        found = state.get(block, {}).get(block)
        return found if isinstance(found, dict) else {}

    def text(block: Admin) -> str:
        return str(value(block).get("value") or "")

    def picked(block: Admin) -> str:
        return str((value(block).get("selected_option") or {}).get("value") or "")

    return salesbot.SettingsInput(
        new_process_name=text(Admin.NEW_PROCESS_NAME),
        new_process_stages=text(Admin.NEW_PROCESS_STAGES),
        add_stage_process=picked(Admin.ADD_STAGE_PROCESS),
        add_stage_name=text(Admin.ADD_STAGE_NAME),
        add_stage_probability=text(Admin.ADD_STAGE_PROBABILITY),
        edit_stage=picked(Admin.EDIT_STAGE),
        edit_probability=text(Admin.EDIT_PROBABILITY),
        edit_stuck_after=text(Admin.EDIT_STUCK_AFTER),
        announce_channel=value(Admin.ANNOUNCE_CHANNEL).get("selected_conversation") or None,
    )


def stage_ids(value: str) -> tuple[int, int]:
    """(stage to remove, stage receiving its deals) from a button's value."""
    stage, _, target = value.partition(":")
    stage_id, target_id = small_int(stage, low=1), small_int(target, low=1)
    if stage_id is None or target_id is None:
        raise NotFound("admin.stage_gone")
    return stage_id, target_id


LISTENERS = Listeners(
    commands={Command.SALESBOT: salesbot_command},
    actions={Admin.OPEN_SETTINGS: open_settings, _REMOVE_STAGE_TO: remove_stage_to},
    views={Admin.SETTINGS: settings_submitted},
)
