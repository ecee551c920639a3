"""Planning what is due into the outbox, then delivering it: once a day, once a week, once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.delivery import Deliverer, DeliveryConfig
from bot.devtools.localslack import LocalSlack
from bot.devtools.render_text import render_blocks
from bot.planning import Planner
from storage import queries
from storage.db import Database
from storage.models import NudgeMark, OutboxMessage, OutboxStatus, Role
from tests.nudge_support import MONDAY, TEAM, clear, deal, member, new_database, workspace

REPS = ("U0ANNA", "U0BOB", "U0IDLE")
USERS = {user: {} for user in (*REPS, "U0BOSS")}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def fresh(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    with new_database(request.param, tmp_path_factory.mktemp("planning")) as db:
        with db.transaction() as session:
            workspace(session)
            member(session, "U0BOSS", role=Role.MANAGER, name="Boss")
            member(session, "U0ANNA", manager="U0BOSS", name="Anna")
            member(session, "U0BOB", manager="U0BOSS", name="Bob")
            member(session, "U0IDLE", name="Idle")
            deal(session, "U0ANNA", account="Alpha", entered=MONDAY - timedelta(days=20))
            deal(session, "U0ANNA", account="Beta", close=date(2027, 3, 1), amount=500_000)
            deal(session, "U0BOB", account="Gamma", entered=MONDAY - timedelta(days=45))
            deal(session, "U0IDLE", account="Fresh", entered=MONDAY - timedelta(days=1))
        yield db


@pytest.fixture
def db(fresh: Database) -> Database:
    clear(fresh)
    return fresh


@pytest.fixture
def slack() -> Iterator[LocalSlack]:
    with LocalSlack(users=USERS, team_id=TEAM) as running:
        yield running


def _deliver(db: Database, slack: LocalSlack, at: datetime = MONDAY) -> Deliverer:
    started = time.monotonic()
    config = DeliveryConfig(lease=timedelta(seconds=30), http_timeout=5, backoff=0.05)
    client = Deliverer.make_client("xoxb-test", slack.api_url, config)
    # The outbox's own clock follows the planning's "now", so rows are due at once.
    return Deliverer(
        db,
        client,
        worker="t",
        clock=lambda: at + timedelta(seconds=time.monotonic() - started),
        config=config,
    )


def _count(db: Database, model: type[object]) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_each_rep_gets_one_nudge_a_day_and_the_manager_hears_of_twice_stuck_deals(
    db: Database, slack: LocalSlack
) -> None:
    with db.transaction() as session:
        manager = queries.get_member(session=session, team_id=TEAM, user_id="U0BOSS")
        assert manager is not None
        manager.digest_enabled = False  # so stuck-twice-as-long deals reach them as a message
    planner = Planner(db)
    report = planner.plan_daily(now=MONDAY)
    assert report.planned["nudge"] == 2 and report.nothing_due == 2  # Idle and the boss
    assert report.planned["escalation"] == 1  # Bob's deal: 45 days, over twice 14
    again = planner.plan_daily(now=MONDAY + timedelta(hours=3))
    assert sum(again.planned.values()) == 0  # the same day: nothing new
    delivered = _deliver(db, slack).run()
    assert delivered.sent == 3 and delivered.failed == 0
    anna = slack.messages_in("U0ANNA")
    assert len(anna) == 1
    text = render_blocks(anna[0]["blocks"]).text
    assert text.index("Beta") < text.index("Alpha")  # most valuable first
    [alert] = slack.messages_in("U0BOSS")
    assert "<@U0BOB>" in alert["text"] and "Gamma" in str(alert["blocks"])
    assert slack.messages_in("U0IDLE") == []
    # The next day, nothing new to say: no message at all.
    tuesday = MONDAY + timedelta(days=1)
    assert sum(planner.plan_daily(now=tuesday).planned.values()) == 0


def test_a_dry_run_writes_nothing_and_says_what_would_be_sent(db: Database) -> None:
    with db.transaction() as session:
        manager = queries.get_member(session=session, team_id=TEAM, user_id="U0BOSS")
        assert manager is not None
        manager.digest_enabled = True
    report = Planner(db).plan_daily(now=MONDAY, as_of=date(2027, 3, 16), dry_run=True)
    assert {p.recipient for p in report.previews if p.kind == "nudge"} == {"U0ANNA", "U0BOB"}
    assert all(p.period.startswith("2027-03-16") for p in report.previews)
    assert _count(db, OutboxMessage) == 0 and _count(db, NudgeMark) == 0


def test_as_of_a_saturday_nothing_is_due(db: Database) -> None:
    report = Planner(db).plan_daily(now=MONDAY, as_of=date(2027, 3, 20))
    assert sum(report.planned.values()) == 0 and report.nothing_due == 0


def test_the_weekly_digest_goes_out_once_with_its_chart(db: Database, slack: LocalSlack) -> None:
    due = datetime(2027, 3, 15, 7, 30, tzinfo=MONDAY.tzinfo)
    planner = Planner(db)
    assert sum(planner.plan_digests(now=due - timedelta(minutes=1)).planned.values()) == 0
    assert planner.plan_digests(now=due).planned["digest"] == 1
    assert sum(planner.plan_digests(now=due + timedelta(days=1)).planned.values()) == 0
    assert _deliver(db, slack, due).run().sent == 1
    [message, chart] = slack.messages_in("U0BOSS")
    assert "Synthèse de la semaine" in message["text"]
    assert chart["upload"] and chart["files"][0]["name"].startswith("forecast-")
    with db.reading() as session:
        [row] = session.scalars(select(OutboxMessage)).all()
        assert row.status == OutboxStatus.SENT and row.period == "2027-W11"
