"""The scheduler: one job, `tick`, every minute, kept in the application database.

APScheduler 3 with a `SQLAlchemyJobStore` on the app's own engine. The tick compares "now" with
each person's local hour: whatever is due and not yet in the outbox is planned, then the
outbox is delivered. So a bot that was down at 9:00 sends the morning's nudges when it is back
(the stored job is overdue: it runs once, `coalesce`, within `misfire_grace_time`), and never
twice: the outbox's keys stop a second planning, its claims a second sending.

Several processes may run it against one PostgreSQL (replicas): APScheduler warns that a shared
job store can run a job twice or skip a run; a tick is idempotent and comes every minute, so
neither matters.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler

from bot.delivery import Deliverer, DeliveryConfig
from bot.planning import Planner
from bot.services import Services
from storage import creation_keys, nudging, outbox

log = logging.getLogger(__name__)

JOB_ID = "salesbot-tick"
TICK = timedelta(minutes=1)
MISFIRE_GRACE = timedelta(hours=6)  # a tick later than this is dropped; the next one covers it
DELIVERY_BUDGET = 50.0  # seconds of delivering per tick, so ticks do not pile up
KEEP_OUTBOX = timedelta(days=60)
# Slack refuses a request signed more than 5 minutes ago: no replay can come later.
KEEP_CREATION_KEYS = timedelta(minutes=10)


@dataclass
class Runtime:
    """What the tick needs; set once per process (a job store pickles references, not objects)."""

    services: Services
    deliverer: Deliverer
    planner: Planner
    _last_prune: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def run_tick(self) -> None:
        now = self.services.clock()
        self.planner.plan_daily(now=now)
        self.planner.plan_digests(now=now)
        report = self.deliverer.run(budget=DELIVERY_BUDGET)
        if report.sent or report.failed or report.recovered:
            log.info("tick: %s", report)
        self._prune(now)

    def _prune(self, now: datetime) -> None:
        if time.monotonic() - self._last_prune < 3600:
            return
        self._last_prune = time.monotonic()
        with self.services.db.transaction() as session:
            outbox.prune(session=session, before=now - KEEP_OUTBOX)
            nudging.prune_marks(session=session)
            creation_keys.prune(session=session, before=now - KEEP_CREATION_KEYS)
        # Hourly housekeeping is also when SQLite's planner statistics catch up with growth.
        self.services.db.refresh_statistics()


_runtime: Runtime | None = None


def tick() -> None:
    """The scheduled job (referenced as "bot.scheduler:tick" in the job store)."""
    runtime = _runtime
    if runtime is None:
        log.warning("tick without a runtime: the scheduler was not started by start_scheduler")
        return
    with runtime._lock:  # one tick at a time in this process, whoever calls it
        runtime.run_tick()


def worker_id() -> str:
    return f"{os.uname().nodename}:{os.getpid()}"[:64]


def make_runtime(services: Services, config: DeliveryConfig | None = None) -> Runtime:
    settings = services.settings
    assert settings.bot_token, "the scheduler needs SLACK_BOT_TOKEN"
    config = config or DeliveryConfig()
    client = Deliverer.make_client(settings.bot_token, settings.slack_api_url, config)
    deliverer = Deliverer(
        services.db, client, worker=worker_id(), clock=services.clock, config=config
    )
    return Runtime(services=services, deliverer=deliverer, planner=Planner(services.db))


def install(runtime: Runtime) -> None:
    global _runtime
    _runtime = runtime


def configure(scheduler: BaseScheduler, runtime: Runtime) -> None:
    install(runtime)
    engine = runtime.services.db.engine
    if engine.dialect.name == "sqlite":
        # Writers take SQLite's lock up front, as every other writer of this app does.
        engine = engine.execution_options(sqlite_immediate=True)
    scheduler.configure(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename="apscheduler_jobs")},
        job_defaults={
            "coalesce": True,
            "misfire_grace_time": int(MISFIRE_GRACE.total_seconds()),
            "max_instances": 1,
        },
        timezone=UTC,
    )


def start_scheduler(
    services: Services, *, config: DeliveryConfig | None = None, tick_every: timedelta = TICK
) -> BackgroundScheduler:
    """In a web process: a background thread ticking every minute."""
    scheduler = BackgroundScheduler()
    configure(scheduler, make_runtime(services, config))
    scheduler.start(paused=True)
    add_tick(scheduler, tick_every)
    scheduler.resume()
    log.info("scheduler started: a tick every %s", tick_every)
    return scheduler


def run_worker(
    services: Services, *, config: DeliveryConfig | None = None, tick_every: timedelta = TICK
) -> None:
    """`salesbot worker`: the scheduler alone, in the foreground, until SIGTERM or Ctrl-C."""
    scheduler = start_scheduler(services, config=config, tick_every=tick_every)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    print("salesbot worker started", flush=True)
    stop.wait()
    log.info("worker stopping: finishing the current tick")
    scheduler.shutdown(wait=True)


def add_tick(scheduler: BaseScheduler, tick_every: timedelta) -> None:
    """Keep the stored job when there is one: an overdue one runs once at start (coalesced)."""
    existing = scheduler.get_job(JOB_ID)
    if existing is not None and getattr(existing.trigger, "interval", None) == tick_every:
        if existing.next_run_time is None:
            scheduler.resume_job(JOB_ID)
        return
    scheduler.add_job(
        "bot.scheduler:tick",
        "interval",
        seconds=tick_every.total_seconds(),
        id=JOB_ID,
        name="plan and deliver nudges, follow-ups and digests",
        replace_existing=True,
        next_run_time=datetime.now(UTC),
    )
