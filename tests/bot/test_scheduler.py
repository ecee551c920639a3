"""The scheduler's job lives in the application database; back after a downtime, it runs once."""

from __future__ import annotations

import pickle
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text

from bot import scheduler as scheduling
from bot.services import Services
from bot.settings import Settings
from storage.db import Database


def _services(tmp_path: Path) -> Services:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    settings = Settings.load(
        env={
            "DATABASE_URL": url,
            "SLACK_BOT_TOKEN": "xoxb-x",
            "SLACK_API_URL": "http://127.0.0.1:9/",
        },
        dotenv=Path("/nonexistent"),
    )
    db = Database(url)
    db.migrate()
    return Services(settings=settings, db=db)


class CountingRuntime(scheduling.Runtime):
    def __init__(self, services: Services) -> None:
        base = scheduling.make_runtime(services)
        super().__init__(services=services, deliverer=base.deliverer, planner=base.planner)
        self.ticks = 0
        self.ran = threading.Event()

    def run_tick(self) -> None:
        self.ticks += 1
        self.ran.set()


def _overdue(db: Database, when: datetime) -> None:
    """Rewrite the stored job as APScheduler would have left it, due at `when`."""
    with db.transaction() as session:
        state = session.execute(text("SELECT job_state FROM apscheduler_jobs")).scalar_one()
        job = pickle.loads(state)
        job["next_run_time"] = when
        session.execute(
            text("UPDATE apscheduler_jobs SET job_state = :state, next_run_time = :at"),
            {"state": pickle.dumps(job), "at": when.timestamp()},
        )


def _start(services: Services, runtime: CountingRuntime) -> BackgroundScheduler:
    scheduler = BackgroundScheduler()
    scheduling.configure(scheduler, runtime)
    scheduler.start(paused=True)
    scheduling.add_tick(scheduler, scheduling.TICK)
    scheduler.resume()
    return scheduler


def test_a_tick_missed_while_down_runs_once_at_restart(tmp_path: Path) -> None:
    services = _services(tmp_path)
    first = _start(services, CountingRuntime(services))
    job = first.get_job(scheduling.JOB_ID)
    assert job is not None and job.coalesce and job.max_instances == 1
    assert job.misfire_grace_time == int(scheduling.MISFIRE_GRACE.total_seconds())
    first.shutdown(wait=True)
    # The process has been down for ten minutes: the stored job is ten ticks overdue.
    _overdue(services.db, datetime.now(UTC) - timedelta(minutes=10))

    runtime = CountingRuntime(services)
    second = _start(services, runtime)
    try:
        assert runtime.ran.wait(10)
        time.sleep(0.5)
        assert runtime.ticks == 1  # coalesced: once, not ten times
        job = second.get_job(scheduling.JOB_ID)
        assert job is not None and job.next_run_time > datetime.now(UTC)
    finally:
        second.shutdown(wait=True)
        services.db.dispose()


def test_the_tick_job_is_stored_once_even_when_several_processes_start(tmp_path: Path) -> None:
    services = _services(tmp_path)
    schedulers = [_start(services, CountingRuntime(services)) for _ in range(2)]
    try:
        assert [j.id for j in schedulers[0].get_jobs()] == [scheduling.JOB_ID]
    finally:
        for running in schedulers:
            running.shutdown(wait=True)
        services.db.dispose()
