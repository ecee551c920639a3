"""Publishing the App Home: on opening, and after any change to a user's deals.

Never on the request's thread: a Home is not the answer to a request, and Slack may be slow to
take it. Publishes go to `services.background`, one per user at a time (a burst of changes
gives one publish, reading the data when it runs), with a short Web API timeout.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.middleware import load_actor
from bot.services import Services
from bot.views.home import home_view
from commands.reports.home import home

log = logging.getLogger(__name__)

# Slack answers views.publish in well under a second; past this the publish is given up (the
# next change or opening publishes again) rather than holding a worker.
PUBLISH_TIMEOUT = 5


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
    `response_url` to answer with). Queued: it replaces a publish still waiting for that user."""
    job = partial(_publish, services, _quick(services, client), team_id, user_id, selected, note)
    queued = job if services.background.inline else partial(_logged, user_id, job)
    services.background.submit((team_id, user_id), queued, wait=False)


def _publish(
    services: Services, client: WebClient, team_id: str, user_id: str, selected: str, note: str
) -> None:
    actor = load_actor(services, client, team_id, user_id)
    with services.db.reading() as session:
        result = home(session=session, actor=actor, selected=selected)
    client.views_publish(user_id=user_id, view=home_view(result, actor.lang, note=note))


def _quick(services: Services, client: WebClient) -> WebClient:
    """The same client with a short timeout, for the queue's threads (in line, as it is)."""
    if services.background.inline or type(client) is not WebClient:
        return client
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=PUBLISH_TIMEOUT,
        headers=client.headers,
    )


def _logged(user_id: str, job: partial[None]) -> None:
    try:
        job()
    except SlackApiError as error:
        log.info("home of %s not published: %s", user_id, error.response.get("error"))


def refresh_homes(
    services: Services, client: WebClient, team_id: str, user_ids: Iterable[str]
) -> None:
    """After a change: the owner's Home (and the person who acted) must not show stale figures.

    Queued after the answer; a publish already waiting for a user (perhaps with a note) is
    kept, since it reads the data when it runs. A Home that cannot be published (a user who
    never opened it, Slack down) is logged, never an error for the click that caused it.
    """
    quick = _quick(services, client)
    for user_id in dict.fromkeys(user_ids):
        job = partial(_refresh, services, quick, team_id, user_id)
        services.background.submit((team_id, user_id), job, replace=False)


def _refresh(services: Services, client: WebClient, team_id: str, user_id: str) -> None:
    try:
        _publish(services, client, team_id, user_id, "", "")
    except SlackApiError as error:
        log.info("home of %s not refreshed: %s", user_id, error.response.get("error"))
    except Exception:  # a timeout, a busy database: the click itself has succeeded
        log.warning("home of %s not refreshed", user_id, exc_info=True)
