"""Real worker processes against a fake Slack: killed mid-batch, or two at once, each message once.

`salesbot nudges --as-of` plans the day's nudges and delivers them, like the scheduler's tick.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.devtools.localslack import LocalSlack
from storage.db import Database
from storage.models import OutboxMessage, OutboxStatus
from tests.nudge_support import TEAM, cli, new_database, seed_reps

pytestmark = pytest.mark.e2e

AS_OF = "2027-03-15"


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db(engine: str, tmp_path: Path) -> Iterator[Database]:
    with new_database(engine, tmp_path) as database:
        yield database


def _finish(process: subprocess.Popen[str], timeout: float = 60) -> str:
    output, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, output
    return output


def _per_recipient(slack: LocalSlack) -> Counter[str]:
    return Counter(
        str(call.args["channel"]) for call in slack.calls_to("chat.postMessage") if call.ok
    )


def _statuses(db: Database) -> Counter[str]:
    with db.reading() as session:
        rows = session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        return Counter({str(status): int(count) for status, count in rows})


def test_a_worker_killed_mid_batch_neither_loses_nor_repeats_a_message(
    db: Database, engine: str
) -> None:
    reps = seed_reps(db, 24)
    # Slack takes each post, then answers 0.1 s later: a kill lands while posts are in flight.
    with LocalSlack(users={r: {} for r in reps}, team_id=TEAM, post_latency=0.1) as slack:
        worker = cli(db.url, slack.api_url, "nudges", "--as-of", AS_OF, "--lease", "1.5")
        slack.wait_for(
            "chat.postMessage",
            lambda _: len(slack.calls_to("chat.postMessage")) >= 8,
            timeout=30,
        )
        os.kill(worker.pid, signal.SIGKILL)  # between Slack taking posts and hearing back
        worker.wait(timeout=10)
        posted_before = len(slack.calls_to("chat.postMessage"))
        assert 8 <= posted_before < len(reps)
        assert _statuses(db)["sending"] > 0  # claimed, some posted, none confirmed

        restarted = _finish(
            cli(db.url, slack.api_url, "nudges", "--as-of", AS_OF, "--lease", "1.5")
        )
        counts = {rep: len(slack.messages_in(rep)) for rep in reps}
        assert counts == dict.fromkeys(reps, 1), restarted
        assert "0 found already sent" not in restarted  # the in-flight posts were found
        assert slack.calls_to("conversations.history")
    assert _statuses(db) == Counter({OutboxStatus.SENT: len(reps)})


def test_two_workers_at_once_send_each_message_once(db: Database, engine: str) -> None:
    reps = seed_reps(db, 40)
    with LocalSlack(users={r: {} for r in reps}, team_id=TEAM, post_latency=0.01) as slack:
        workers = [
            cli(db.url, slack.api_url, "nudges", "--as-of", AS_OF, "--lease", "30")
            for _ in range(2)
        ]
        outputs = [_finish(worker) for worker in workers]
        assert {rep: len(slack.messages_in(rep)) for rep in reps} == dict.fromkeys(reps, 1)
        assert all(count == 1 for count in _per_recipient(slack).values()), outputs
    assert _statuses(db) == Counter({OutboxStatus.SENT: len(reps)})


def test_a_dry_run_prints_what_would_be_sent_and_sends_nothing(tmp_path: Path) -> None:
    with new_database("sqlite", tmp_path) as db:
        seed_reps(db, 2)
        with LocalSlack(users={}, team_id=TEAM) as slack:
            output = _finish(cli(db.url, slack.api_url, "nudges", "--as-of", AS_OF, "--dry-run"))
            assert slack.calls_to("chat.postMessage") == []
        assert "would send 2 nudges" in output
        assert "--- nudge for U0R0000" in output and "Client U0R0000 0" in output
        assert "Mettre en veille" in output
        assert _statuses(db) == Counter()
        digest = _finish(
            cli(db.url, "http://127.0.0.1:9/api/", "digest", "--as-of", AS_OF, "--dry-run")
        )
        assert "would send nothing" in digest  # no manager, no digest


def test_the_worker_runs_the_scheduler_alone_and_stops_on_sigterm(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from storage.models import Role
    from tests.nudge_support import member, workspace

    with new_database("sqlite", tmp_path) as db:
        with db.transaction() as session:
            workspace(session)
            boss = member(session, "U0BOSS", role=Role.MANAGER, tz="UTC")
            boss.digest_weekday, boss.digest_minute = datetime.now(UTC).weekday(), 0
            anna = member(session, "U0ANNA", manager="U0BOSS", tz="UTC")
            boss.nudges_enabled = anna.nudges_enabled = False  # the digest alone, any day
        with LocalSlack(users={"U0BOSS": {}, "U0ANNA": {}}, team_id=TEAM) as slack:
            worker = cli(db.url, slack.api_url, "worker")
            try:
                posted = slack.wait_for("chat.postMessage", timeout=30)
                assert posted.args["channel"] == "U0BOSS"
                slack.wait_for("files.completeUploadExternal", timeout=30)
            finally:
                worker.send_signal(signal.SIGTERM)
            output = _finish(worker, timeout=30)
        assert "salesbot worker started" in output
        assert _statuses(db) == Counter({OutboxStatus.SENT: 1})
