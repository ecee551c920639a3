"""`/salesbot`: the admin command, its "where do these deals go" buttons and the settings modal."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.ids import Admin, Command
from bot.listeners.errors import error_text
from bot.services import Services
from bot.views import admin
from commands import processes
from commands.admin import router as salesbot
from commands.context import Actor
from commands.errors import FormInvalid, NotFound

log = logging.getLogger(__name__)

_REMOVE_STAGE_TO = re.compile("^" + re.escape(Admin.REMOVE_STAGE_TO) + r":\d+$")


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
    if not (stage.isascii() and stage.isdigit() and target.isascii() and target.isdigit()):
        raise NotFound("admin.stage_gone")
    return int(stage), int(target)


def register(app: App, services: Services) -> None:
    db = services.db

    def settings_modal(actor: Actor, meta: dict[str, str]) -> dict[str, Any]:
        """Built before the ack, so a non-admin is refused there and no modal opens."""
        with db.reading() as session:
            overview = salesbot.settings(session=session, actor=actor)
        return admin.settings_modal(overview, actor.lang, metadata=meta)

    @app.command(Command.SALESBOT)
    def salesbot_command(
        ack: Ack, command: dict[str, Any], client: WebClient, context: dict[str, Any]
    ) -> None:
        actor: Actor = context["actor"]
        routed = salesbot.route(command.get("text", ""))
        if routed.subcommand == "help":
            ack(**admin.help_message(actor.lang, is_admin=actor.is_admin))
            return
        if routed.subcommand == "settings":
            meta = {
                "channel": command.get("channel_id", ""),
                "response_url": command.get("response_url", ""),
            }
            modal = settings_modal(actor, meta)
            ack()
            client.views_open(trigger_id=command["trigger_id"], view=modal)
            return
        with db.transaction() as session:
            result = salesbot.run(session=session, actor=actor, routed=routed)
        for user_id in salesbot.affected_users(result):
            # Their cached role would otherwise apply for another minute.
            services.profiles.forget(actor.team_id, user_id)
        ack(**admin.result_message(result, actor.lang))

    @app.action(Admin.OPEN_SETTINGS)
    def open_settings_button(
        ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]
    ) -> None:
        actor: Actor = context["actor"]
        meta = {
            "channel": (body.get("channel") or {}).get("id", ""),
            "response_url": body.get("response_url", ""),
        }
        modal = settings_modal(actor, meta)
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=modal)

    @app.action(_REMOVE_STAGE_TO)
    def remove_stage_to(
        ack: Ack, action: dict[str, Any], respond: Respond, context: dict[str, Any]
    ) -> None:
        actor: Actor = context["actor"]
        stage_id, target_id = stage_ids(str(action.get("value", "")))
        # The work (milliseconds) comes before the ack: a refusal raised after ack() races with
        # Bolt's wait for it and can turn the click's answer into a 404.
        with db.transaction() as session:
            result = processes.remove_stage_to(
                session=session, actor=actor, stage_id=stage_id, target_id=target_id
            )
        ack()
        respond(**admin.result_message(result, actor.lang), replace_original=True)

    @app.view(Admin.SETTINGS)
    def settings_submitted(
        ack: Ack, view: dict[str, Any], client: WebClient, context: dict[str, Any]
    ) -> None:
        actor: Actor = context["actor"]
        form = settings_input(view)
        try:
            with db.transaction() as session:
                applied = salesbot.apply_settings(session=session, actor=actor, form=form)
        except FormInvalid as invalid:
            errors = {field: error_text(e, actor.lang) for field, e in invalid.errors.items()}
            ack(response_action="errors", errors=errors)
            return
        ack()
        metadata = json.loads(view.get("private_metadata") or "{}")
        answer = admin.settings_applied_message(applied, actor.lang)
        _deliver(client, metadata.get("response_url"), actor.user_id, answer)


def _deliver(
    client: WebClient, response_url: str | None, user_id: str, answer: dict[str, Any]
) -> None:
    """Where the admin typed the command; else in their DM with the bot."""
    if response_url:
        sent = WebhookClient(response_url).send(
            text=answer["text"], blocks=answer["blocks"], response_type="ephemeral"
        )
        if sent.status_code == 200:
            return
        log.warning("response_url refused the answer (%s); falling back to a DM", sent.status_code)
    client.chat_postMessage(channel=user_id, text=answer["text"], blocks=answer["blocks"])
