"""Nudges through the real server: their buttons, `/opp snooze`, `/salesbot nudges|digest`, and
the scheduler running inside `salesbot http`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from bot import format as fmt
from bot.blockkit_limits import message_problems
from bot.delivery import Deliverer, DeliveryConfig
from bot.devtools.slackreq import block_actions_payload, interaction_body
from bot.planning import Planner
from commands.context import zone
from commands.nudging import followups
from storage import queries
from storage.db import Database
from storage.models import FollowUp, Opportunity, Role
from tests.conftest import make_actor
from tests.e2e_support import TEAM, Server, running_server
from tests.nudge_support import deal, member, workspace

pytestmark = pytest.mark.e2e

NOW = datetime.now(UTC)
TODAY = NOW.astimezone(zone("Europe/Paris")).date()
# The next weekday, so there is a nudge to click whatever day the suite runs.
WEEKDAY = TODAY + timedelta(days=max(0, 7 - TODAY.weekday()) if TODAY.weekday() >= 5 else 0)


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('nudges') / 'salesbot.db'}"
    db = Database(url)
    db.migrate()
    with db.transaction() as session:
        workspace(session, TEAM)
        member(session, "U0BOSS", team_id=TEAM, role=Role.ADMIN)
        member(session, "U0MARIE", team_id=TEAM, manager="U0BOSS")
        for index, account in enumerate(("Dupond", "Martin", "Durand")):
            deal(
                session,
                "U0MARIE",
                team_id=TEAM,
                account=account,
                amount=100_000 * (index + 1),
                entered=NOW - timedelta(days=40),
                created=NOW - timedelta(days=60),
                close=TODAY + timedelta(days=90),
            )
    db.dispose()
    return url


@pytest.fixture(scope="module")
def server(db_url: str) -> Iterator[Server]:
    with running_server(db_url) as running:
        yield running


def _deliver(db_url: str, server: Server) -> None:
    """Plan and send what is due on WEEKDAY, as `salesbot nudges --as-of` would."""
    db = Database(db_url)
    try:
        Planner(db).plan_daily(now=NOW, as_of=WEEKDAY)
        config = DeliveryConfig(lease=timedelta(seconds=30), http_timeout=5)
        client = Deliverer.make_client("xoxb-e2e", server.slack.api_url, config)
        Deliverer(db, client, worker="e2e", clock=lambda: datetime.now(UTC), config=config).run()
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def nudge(db_url: str, server: Server) -> dict[str, Any]:
    _deliver(db_url, server)
    [message] = server.slack.messages_in("U0MARIE")
    assert not message_problems(message["blocks"], message["text"])
    return message


def _element(
    blocks: list[dict[str, Any]], action_id: str, number: int
) -> tuple[str, dict[str, Any]]:
    for block in blocks:
        if block["type"] != "actions" or f":{number}:" not in block.get("block_id", ""):
            continue
        for element in block["elements"]:
            if element["action_id"] == action_id:
                return block["block_id"], element
    raise AssertionError(f"no {action_id} for #{number}")


def _click(
    server: Server, message: dict[str, Any], number: int, action_id: str, **value: Any
) -> dict[str, Any]:
    block_id, element = _element(message["blocks"], action_id, number)
    server.slack.clear()
    action = {"action_id": action_id, "block_id": block_id, "type": element["type"], **value}
    if "value" in element:
        action.setdefault("value", element["value"])
    payload = block_actions_payload(
        team_id=TEAM,
        user_id="U0MARIE",
        action=action,
        response_url=server.slack.response_url("nudge"),
        message={"ts": message["ts"], "blocks": message["blocks"], "text": message["text"]},
    )
    assert server.post(interaction_body(payload)).status == 200
    return server.slack.wait_for("response_url").args


def _deal(db_url: str, number: int) -> Opportunity:
    db = Database(db_url)
    try:
        with db.reading() as session:
            found = queries.get_opportunity(session=session, team_id=TEAM, number=number)
            assert found is not None
            session.expunge(found)
            return found
    finally:
        db.dispose()


def test_the_nudge_lists_the_deals_with_their_buttons(nudge: dict[str, Any]) -> None:
    assert "3 opportunités" in nudge["text"]
    assert nudge["metadata"]["event_type"] == "salesbot_outbox"
    ids = [b.get("block_id", "") for b in nudge["blocks"]]
    assert ids.index("opp:3:s") < ids.index("opp:2:s") < ids.index("opp:1:s")  # most valuable


def test_snooze_for_a_week_from_the_nudge(
    server: Server, nudge: dict[str, Any], db_url: str
) -> None:
    week = next(
        o
        for o in _element(nudge["blocks"], "nudge_snooze", 3)[1]["options"]
        if o["value"].startswith("7:")
    )
    answer = _click(server, nudge, 3, "nudge_snooze", selected_option=week)
    assert answer["replace_original"] is True and "mise en veille jusqu'au" in answer["text"]
    assert fmt.day(TODAY + timedelta(days=7), "fr") in answer["text"]
    assert not message_problems(answer["blocks"], answer["text"])
    assert any(b.get("block_id") == "nudge:3:a" for b in answer["blocks"])  # controls kept
    assert _deal(db_url, 3).snoozed_until == TODAY + timedelta(days=7)


def test_a_new_close_date_from_the_nudge(
    server: Server, nudge: dict[str, Any], db_url: str
) -> None:
    picked = (TODAY + timedelta(days=30)).isoformat()
    answer = _click(server, nudge, 2, "nudge_close_date", selected_date=picked)
    assert "signature prévue le" in answer["text"]
    assert _deal(db_url, 2).close_date.isoformat() == picked


def test_a_past_snooze_date_is_refused(server: Server, nudge: dict[str, Any], db_url: str) -> None:
    answer = _click(server, nudge, 1, "nudge_snooze_until", selected_date="2020-01-01")
    assert "date à venir" in answer["text"] and answer.get("replace_original") is False
    assert _deal(db_url, 1).snoozed_until is None


def test_the_cards_own_buttons_work_on_a_nudge(server: Server, nudge: dict[str, Any]) -> None:
    answer = _click(server, nudge, 1, "opp_advance")
    assert "passe en « Rendez-vous planifié »" in answer["text"]
    assert any(b.get("block_id") == "nudge:1:a" for b in answer["blocks"])


def test_snooze_and_nudge_settings_by_command(server: Server, db_url: str) -> None:
    answer = server.command("U0MARIE", "veille #2 2 semaines").json()
    assert "#2 mise en veille jusqu'au" in answer["text"]
    assert fmt.day(TODAY + timedelta(days=14), "fr") in answer["text"]  # not an ISO date
    assert _deal(db_url, 2).snoozed_until == TODAY + timedelta(days=14)
    refused = server.command("U0MARIE", "snooze #2 jamais").json()
    assert "durée" in refused["text"]
    hour = server.command("U0MARIE", "relances heure 08:30", command="/salesbot").json()
    assert "Heure des relances changée" in hour["text"] and "08:30" in hour["text"]
    off = server.command("U0MARIE", "nudges off", command="/salesbot").json()
    assert "coupées" in off["text"]
    db = Database(db_url)
    with db.reading() as session:
        me = queries.get_member(session=session, team_id=TEAM, user_id="U0MARIE")
        assert me is not None and (me.nudge_minute, me.nudges_enabled) == (510, False)
    db.dispose()
    digest = server.command("U0MARIE", "digest dm lundi 08:30", command="/salesbot").json()
    assert "réservée aux managers" in digest["text"]


def test_admins_see_thresholds_and_set_follow_ups(server: Server) -> None:
    overview = server.command("U0BOSS", "processus", command="/salesbot").json()
    assert "bloquée après 14 j (par défaut : 0 passage sur 10 pour apprendre)" in str(overview)
    added = server.command(
        "U0BOSS",
        'suivi ajouter "Processus commercial" gagnée 30 Appeler le client',
        command="/salesbot",
    ).json()
    assert "Suivi #1 ajouté" in added["text"]
    outbox = server.command("U0BOSS", "envois", command="/salesbot").json()
    assert "1 envoyé ·" in outbox["text"] and "Aucun envoi abandonné" in outbox["text"]


def test_a_follow_up_is_done_from_its_message(server: Server, db_url: str) -> None:
    db = Database(db_url)
    with db.transaction() as session:
        admin = make_actor("U0BOSS", role=Role.ADMIN, team_id=TEAM, now=NOW - timedelta(days=3))
        followups.handle(
            session=session, actor=admin, text='add "Processus commercial" won 0 Merci'
        )
        won = deal(
            session, "U0MARIE", team_id=TEAM, account="Gagné", created=NOW - timedelta(days=9)
        )
        from commands.deals import transitions

        transitions.win(
            session=session,
            actor=make_actor("U0MARIE", team_id=TEAM, now=NOW - timedelta(days=2)),
            opportunity=won,
        )
    db.dispose()
    _deliver(db_url, server)
    message = next(m for m in server.slack.messages_in("U0MARIE") if "suivi" in m["text"])
    block_id, done = next(
        (b["block_id"], e)
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "followup_done"
    )
    server.slack.clear()
    payload = block_actions_payload(
        team_id=TEAM,
        user_id="U0MARIE",
        action={
            "action_id": "followup_done",
            "block_id": block_id,
            "type": "button",
            "value": done["value"],
        },
        response_url=server.slack.response_url("done"),
        message={"ts": message["ts"], "blocks": message["blocks"], "text": message["text"]},
    )
    assert server.post(interaction_body(payload)).status == 200
    answer = server.slack.wait_for("response_url").args
    assert "Fait (<@U0MARIE>)" in str(answer["blocks"])
    db = Database(db_url)
    with db.reading() as session:
        [row] = session.scalars(select(FollowUp)).all()
        assert row.status == "done" and row.done_by == "U0MARIE"
    db.dispose()


def test_the_http_server_runs_the_scheduler_which_sends_a_due_digest(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'scheduled.db'}"
    db = Database(url)
    db.migrate()
    with db.transaction() as session:
        workspace(session, TEAM)
        boss = member(session, "U0BOSS", team_id=TEAM, role=Role.MANAGER, tz="UTC")
        boss.digest_weekday = NOW.weekday()  # due since midnight today
        boss.digest_minute = 0
        member(session, "U0MARIE", team_id=TEAM, manager="U0BOSS", tz="UTC")
        member(session, "U0IDLE", team_id=TEAM, tz="UTC").nudge_minute = 0
        deal(
            session,
            "U0MARIE",
            team_id=TEAM,
            entered=NOW - timedelta(days=2),
            close=date.today() + timedelta(days=20),
        )
    users = {u: {"tz": "UTC"} for u in ("U0BOSS", "U0MARIE", "U0IDLE")}
    with running_server(url, users, scheduler=True) as server:
        posted = server.slack.wait_for(
            "chat.postMessage", lambda c: c.args.get("channel") == "U0BOSS", timeout=30
        )
        assert "Synthèse de la semaine" in posted.args["text"]
        server.slack.wait_for("files.completeUploadExternal", timeout=30)
        time.sleep(0.5)
    with db.reading() as session:
        jobs = session.execute(text("SELECT id FROM apscheduler_jobs")).scalars().all()
        assert jobs == ["salesbot-tick"]  # the job lives in the application database
        rows = session.execute(text("SELECT kind, status FROM outbox ORDER BY id")).all()
    assert ("digest", "sent") in [tuple(r) for r in rows]
    db.dispose()
    assert Opportunity  # imported for the deal helpers' typing
