"""Publishing the App Home: on opening, and after any change to a user's deals."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.middleware import load_actor
from bot.services import Services
from bot.views.home import home_view
from commands.reports.home import home

log = logging.getLogger(__name__)


def publish_home(
    services: Services,
    client: WebClient,
    team_id: str,
    user_id: str,
    selected: str = "",
    *,
    note: str = "",
) -> None:
    """`note`: what a click in the Home just did, shown at its top (a Home click has no
    `response_url` to answer with)."""
    actor = load_actor(services, client, team_id, user_id)
    with services.db.reading() as session:
        result = home(session=session, actor=actor, selected=selected)
    client.views_publish(user_id=user_id, view=home_view(result, actor.lang, note=note))


def refresh_homes(
    services: Services, client: WebClient, team_id: str, user_ids: Iterable[str]
) -> None:
    """After a change: the owner's Home (and the person who acted) must not show stale figures.

    Runs after the ack; a Home that cannot be published (a user who never opened it, Slack
    down) is logged, never an error for the click that caused it.
    """
    for user_id in dict.fromkeys(user_ids):
        try:
            publish_home(services, client, team_id, user_id)
        except SlackApiError as error:
            log.info("home of %s not refreshed: %s", user_id, error.response.get("error"))
        except Exception:  # a timeout, a busy database: the click itself has succeeded
            log.warning("home of %s not refreshed", user_id, exc_info=True)
