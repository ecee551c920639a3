"""The outbox: written once per key, claimed by one worker, delivered once — whatever Slack says."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.delivery import EVENT_TYPE, Deliverer, DeliveryConfig
from bot.devtools.localslack import LocalSlack
from commands.nudging import settings as nudge_settings
from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage, OutboxStatus, Role
from tests.conftest import make_actor
from tests.nudge_support import TEAM, member, new_database, workspace

FAST = DeliveryConfig(lease=timedelta(seconds=30), http_timeout=5, backoff=0.05, senders=2)
USERS = {f"U0R{index:04d}": {} for index in range(20)}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def fresh(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """A database of each engine for this module, with its workspace."""
    with new_database(request.param, tmp_path_factory.mktemp("outbox")) as db:
        with db.transaction() as session:
            workspace(session)
            for user_id in USERS:
                member(session, user_id)
        yield db


@pytest.fixture
def db(fresh: Database) -> Database:
    with fresh.transaction() as session:
        session.execute(delete(OutboxMessage))
    return fresh


@pytest.fixture
def slack() -> Iterator[LocalSlack]:
    with LocalSlack(users=USERS, team_id=TEAM) as running:
        yield running


def now() -> datetime:
    return datetime.now(UTC)


def _plan(db: Database, recipients: list[str], *, kind: str = "nudge", **payload: object) -> None:
    with db.transaction() as session:
        for user_id in recipients:
            outbox.enqueue(
                session=session,
                team_id=TEAM,
                recipient=user_id,
                kind=kind,
                period="2027-03-15",
                channel=user_id,
                payload={"text": f"hello {user_id}", **payload},
                now=now(),
            )


def _deliverer(db: Database, slack: LocalSlack, config: DeliveryConfig = FAST) -> Deliverer:
    client = Deliverer.make_client("xoxb-test", slack.api_url, config)
    return Deliverer(db, client, worker="test-worker", clock=now, config=config)


def _received(slack: LocalSlack, user_id: str) -> list[str]:
    return [m["text"] for m in slack.messages_in(user_id) if not m.get("upload")]


def _rows(db: Database) -> list[OutboxMessage]:
    with db.reading() as session:
        rows = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        session.expunge_all()  # readable after the read-only transaction rolls back
    return rows


def test_a_key_is_written_once(session: Session) -> None:
    workspace(session)
    first = outbox.enqueue(
        session=session,
        team_id=TEAM,
        recipient="U1",
        kind="nudge",
        period="2027-03-15",
        channel="U1",
        payload={"text": "a"},
        now=now(),
    )
    again = outbox.enqueue(
        session=session,
        team_id=TEAM,
        recipient="U1",
        kind="nudge",
        period="2027-03-15",
        channel="U1",
        payload={"text": "b"},
        now=now(),
    )
    tomorrow = outbox.enqueue(
        session=session,
        team_id=TEAM,
        recipient="U1",
        kind="nudge",
        period="2027-03-16",
        channel="U1",
        payload={"text": "c"},
        now=now(),
    )
    assert first is not None and again is None and tomorrow not in (None, first)


def test_every_message_is_delivered_once_with_its_id_in_the_metadata(
    db: Database, slack: LocalSlack
) -> None:
    recipients = list(USERS)[:8]
    _plan(db, recipients)
    report = _deliverer(db, slack).run()
    assert report.sent == 8 and report.failed == 0
    for user_id in recipients:
        [message] = slack.messages_in(user_id)
        assert message["text"] == f"hello {user_id}"
        assert message["metadata"]["event_type"] == EVENT_TYPE
    assert {r.status for r in _rows(db)} == {OutboxStatus.SENT}
    assert all(r.ts and r.channel_id and r.channel_id.startswith("D") for r in _rows(db))
    assert _deliverer(db, slack).run().sent == 0  # nothing left: nothing sent again


def test_a_burst_of_429_is_waited_out_and_nothing_is_lost(db: Database, slack: LocalSlack) -> None:
    recipients = list(USERS)[:10]
    _plan(db, recipients)
    slack.fail_next("chat.postMessage", status=429, retry_after=1, count=6)
    started = time.monotonic()
    report = _deliverer(db, slack).run()
    assert report.rate_limited == 6 and report.sent == 10 and report.failed == 0
    assert time.monotonic() - started >= 1.0  # Retry-After was honoured
    assert all(len(_received(slack, u)) == 1 for u in recipients)


def test_a_5xx_after_slack_took_the_message_does_not_post_it_twice(
    db: Database, slack: LocalSlack
) -> None:
    _plan(db, ["U0R0000"])
    slack.fail_next("chat.postMessage", status=500, error="internal_error", effect=True)
    report = _deliverer(db, slack).run()
    assert report.recovered == 1 and report.sent == 0
    assert _received(slack, "U0R0000") == ["hello U0R0000"]
    [history] = slack.calls_to("conversations.history")
    assert history.args["channel"] == "D0R0000"
    [row] = _rows(db)
    assert row.status == OutboxStatus.SENT and row.ts == slack.messages_in("U0R0000")[0]["ts"]


def test_a_5xx_before_slack_took_it_is_retried_and_posted_once(
    db: Database, slack: LocalSlack
) -> None:
    _plan(db, ["U0R0001"])
    slack.fail_next("chat.postMessage", status=503, error="service_unavailable", count=2)
    report = _deliverer(db, slack).run()
    assert report.retried == 2 and report.sent == 1
    assert _received(slack, "U0R0001") == ["hello U0R0001"]
    assert _rows(db)[0].attempts == 2


def test_a_permanent_refusal_is_given_up_and_shown_to_admins(
    db: Database, slack: LocalSlack
) -> None:
    _plan(db, ["U0R0002", "U0R0003"])
    slack.fail_next("chat.postMessage", status=200, error="invalid_blocks")
    report = _deliverer(db, slack).run()
    assert report.failed == 1 and report.sent == 1
    admin = make_actor("U0R0000", role=Role.ADMIN, team_id=TEAM, now=now())
    with db.transaction() as session:
        shown = nudge_settings.outbox_report(session=session, actor=admin, text="")
    assert shown.failed_total == 1 and shown.failures[0].error == "invalid_blocks"
    with db.transaction() as session:
        retried = nudge_settings.outbox_report(session=session, actor=admin, text="retry")
    assert retried.retried == 1
    assert _deliverer(db, slack).run().sent == 1


def test_after_the_last_attempt_a_message_is_given_up(db: Database, slack: LocalSlack) -> None:
    _plan(db, ["U0R0004"])
    slack.fail_next("chat.postMessage", status=500, error="internal_error", count=50)
    report = _deliverer(db, slack).run()
    assert report.failed == 1 and report.sent == 0
    [row] = _rows(db)
    assert row.status == OutboxStatus.FAILED and row.attempts == FAST.max_attempts
    assert "internal_error" in (row.last_error or "")


def test_a_worker_that_died_after_posting_is_not_repeated(db: Database, slack: LocalSlack) -> None:
    """The row was claimed, Slack took the post, the worker died before recording it."""
    _plan(db, ["U0R0005", "U0R0006"])
    with db.transaction() as session:
        dead = outbox.claim(
            session=session, worker="dead", now=now(), lease=timedelta(seconds=1), limit=2
        )
    posted = dead[0]
    _deliverer(db, slack).client.chat_postMessage(
        channel=posted.channel,
        text=posted.payload["text"],
        metadata={"event_type": EVENT_TYPE, "event_payload": {"outbox_id": posted.id}},
    )
    time.sleep(1.1)  # the dead worker's lease runs out
    report = _deliverer(db, slack).run()
    assert report.recovered == 1 and report.sent == 1
    assert _received(slack, "U0R0005") == ["hello U0R0005"]
    assert _received(slack, "U0R0006") == ["hello U0R0006"]
    assert {r.status for r in _rows(db)} == {OutboxStatus.SENT}


def test_a_digest_chart_is_uploaded_once_after_its_message(
    db: Database, slack: LocalSlack, tmp_path: Path
) -> None:
    import base64

    file = {"prefix": "forecast", "b64": base64.b64encode(b"\x89PNG fake").decode(), "title": "T"}
    _plan(db, ["U0R0007"], kind="digest", file=file)
    slack.fail_next("file_upload", status=500, error="boom")
    report = _deliverer(db, slack).run()
    assert report.sent == 1 and report.failed == 0
    uploads = [m for m in slack.messages_in("U0R0007") if m.get("upload")]
    assert len(uploads) == 1 and uploads[0]["files"][0]["name"].startswith("forecast-")
    assert _received(slack, "U0R0007") == ["hello U0R0007"]
    assert _rows(db)[0].status == OutboxStatus.SENT


def test_postgres_claims_skip_rows_another_worker_holds(fresh: Database) -> None:
    if fresh.is_sqlite:
        pytest.skip("SQLite has one writer at a time: BEGIN IMMEDIATE serialises claims")
    with fresh.transaction() as session:
        session.execute(delete(OutboxMessage))
    _plan(fresh, list(USERS)[:6])
    first = fresh.sessions()
    first.begin()
    try:
        mine = outbox.claim(
            session=first, worker="a", now=now(), lease=timedelta(minutes=1), limit=4
        )
        with fresh.transaction() as second:  # while the first has not committed
            theirs = outbox.claim(
                session=second, worker="b", now=now(), lease=timedelta(minutes=1), limit=4
            )
        assert len(mine) == 4 and len(theirs) == 2
        assert not {m.id for m in mine} & {t.id for t in theirs}
    finally:
        first.rollback()
        first.close()
