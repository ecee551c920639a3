"""`/salesbot` and its settings modal, called as Bolt would."""

from __future__ import annotations

import json
from typing import Any
from unittest.mock import MagicMock

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlalchemy.orm import Session

from bot.listeners import admin
from bot.services import Services
from bot.views.admin import help_message
from commands.context import Actor
from commands.errors import Forbidden
from storage.models import Role
from tests.bot.listeners.support import Call, services_for
from tests.conftest import add_user, setup_team


@pytest.fixture
def services(session: Session) -> Services:
    setup_team(session)
    return services_for(session)


def _command(services: Services, actor: Actor, text: str) -> Call:
    command = {"text": text, "channel_id": "C0ADMIN", "response_url": "", "trigger_id": "T1"}
    return Call(services, actor, command=command, body=command)


def _salesbot(services: Services, actor: Actor, text: str) -> Call:
    call = _command(services, actor, text)
    call.run(admin.salesbot_command)
    return call


def test_help_depends_on_the_role(session: Session, services: Services) -> None:
    for role in Role:
        reader = add_user(session, f"U0{role.upper()}", role=role)
        call = _salesbot(services, reader, "aide")
        assert call.acked is not None
        assert call.acked["text"] == help_message("fr", role)["text"], role
    manager = add_user(session, "U0MANAGER", role=Role.MANAGER)
    blocks = json.dumps(_salesbot(services, manager, "help").acked, ensure_ascii=False)
    assert "/salesbot synthese" in blocks and "/salesbot processus ajouter" not in blocks


def test_a_rep_asking_for_the_settings_is_refused_before_any_modal(
    session: Session, services: Services
) -> None:
    rep = add_user(session, "U0REP")
    call = _command(services, rep, "réglages")
    with pytest.raises(Forbidden):  # to Bolt's error handler, which answers the command
        call.run(admin.salesbot_command)
    assert call.acked is None
    call.client.views_open.assert_not_called()


def test_an_admin_gets_the_settings_modal_opened_where_they_typed(
    session: Session, services: Services
) -> None:
    boss = add_user(session, "U0BOSS", role=Role.ADMIN)
    call = _salesbot(services, boss, "réglages")
    assert call.acked == {}
    opened = call.client.views_open.call_args.kwargs
    assert opened["trigger_id"] == "T1"
    metadata = json.loads(opened["view"]["private_metadata"])
    assert metadata == {"channel": "C0ADMIN", "response_url": ""}


def test_a_role_change_forgets_the_cached_profile(session: Session, services: Services) -> None:
    boss = add_user(session, "U0BOSS", role=Role.ADMIN)
    add_user(session, "U0EMMA")
    forgotten: list[tuple[str, str]] = []
    services.profiles.forget = lambda team, user: forgotten.append((team, user))  # type: ignore[method-assign]
    call = _salesbot(services, boss, "rôle <@U0EMMA|emma> manager")
    assert call.acked is not None and call.acked["response_type"] == "ephemeral"
    assert forgotten == [(boss.team_id, "U0EMMA")]


def test_can_post_reads_slacks_description_of_the_channel() -> None:
    def client_answering(**answers: Any) -> Any:
        client = MagicMock()

        def info(channel: str) -> dict[str, Any]:
            answer = answers[channel]
            if isinstance(answer, str):
                response = SlackResponse(
                    client=client,
                    http_verb="POST",
                    api_url="conversations.info",
                    req_args={},
                    data={"ok": False, "error": answer},
                    headers={},
                    status_code=200,
                )
                raise SlackApiError(answer, response)
            return {"ok": True, "channel": answer}

        client.conversations_info.side_effect = info
        return client

    can_post = admin.can_post_in(
        client_answering(
            C0PUBLIC={"is_private": False, "is_member": False},
            G0IN={"is_private": True, "is_member": True},
            G0OUT={"is_private": True, "is_member": False},
            C0OLD={"is_private": False, "is_member": True, "is_archived": True},
            G0HIDDEN="channel_not_found",
            C0BUSY="ratelimited",
        )
    )
    assert can_post("C0PUBLIC") and can_post("G0IN")
    assert not can_post("G0OUT") and not can_post("C0OLD") and not can_post("G0HIDDEN")
    # When Slack cannot tell, the admin is not blocked (the outbox reports a failed post).
    assert can_post("C0BUSY")
