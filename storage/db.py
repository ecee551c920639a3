"""Engines, sessions and migrations.

SQLite is the embedded default (a file, WAL, foreign keys on); PostgreSQL comes through
`DATABASE_URL`. Callers own the transaction: `with database.transaction() as session: ...`.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

MIGRATIONS = Path(__file__).parent / "migrations"
# Under this many rows any plan is fast: a small workspace never pays for ANALYZE.
STATISTICS_FLOOR = 5_000
# How long /healthz waits for the write lock: a server that cannot start a write this fast
# cannot answer Slack within its 3 s either.
HEALTH_WRITE_TIMEOUT_MS = 1_000


class ConcurrentEdit(StaleDataError):
    """Another request changed the row (its version moved on) between our read and our write;
    nothing of this transaction was saved.

    Raised by `Database.transaction` so the floors above recognise a concurrent edit without
    importing SQLAlchemy; still a `StaleDataError` for code that catches that.
    """


# How long a writer without a deadline waits for SQLite's lock (the scheduler, the CLI).
SQLITE_BUSY_MS = 30_000
# A unit of work needs at least this much time left to start.
MIN_REMAINING = 0.05

# When the current unit of work must be over (time.monotonic()): set around a request's work
# (`bot.app`), absent for background work. See `deadline`.
_deadline: ContextVar[float | None] = ContextVar("salesbot_db_deadline", default=None)


class DeadlineExceeded(Exception):
    """A unit of work could not finish before its deadline; nothing of it was written."""


@contextmanager
def deadline(at: float) -> Iterator[None]:
    """Every unit of work opened inside must be over by `at` (a `time.monotonic()` value).

    A request's answer is due within Slack's 3 s; a write that cannot commit well before is
    rolled back (and the user told nothing was changed) rather than made after Slack gave up
    on the answer. Lock waits are bounded by the time left: SQLite's busy timeout, and
    PostgreSQL's `lock_timeout` and `statement_timeout` for the transaction.
    """
    token = _deadline.set(at)
    try:
        yield
    finally:
        _deadline.reset(token)


def time_left() -> float | None:
    """Seconds before the current deadline, None without one."""
    at = _deadline.get()
    return None if at is None else at - time.monotonic()


def conflict_insert(session: Session) -> Any:
    """The engine's own `insert` construct, which has `on_conflict_do_*` (SQLAlchemy's generic
    one has not): SQLite and PostgreSQL both speak INSERT … ON CONFLICT."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert


def normalise_url(url: str) -> str:
    """Accept the `postgres://` / `postgresql://` URLs hosts hand out; we speak psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            **kwargs,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    engine = create_engine(url, **kwargs)
    event.listen(engine, "begin", _postgres_begin)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" listener emit BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # pysqlite's own BEGIN handling breaks SAVEPOINTs; we emit BEGIN ourselves. Writers take
    # the lock up front (IMMEDIATE): a deferred reader that later writes can fail at once with
    # SQLITE_BUSY, whereas IMMEDIATE waits its turn under busy_timeout.
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    left = time_left()
    busy_ms = SQLITE_BUSY_MS if left is None else max(1, int(left * 1000))
    if conn.info.get("busy_ms", SQLITE_BUSY_MS) != busy_ms:  # a pooled connection keeps it
        conn.exec_driver_sql(f"PRAGMA busy_timeout={busy_ms}")
        conn.info["busy_ms"] = busy_ms
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _postgres_begin(conn: Any) -> None:
    # Writes only (`sqlite_immediate` marks the writers' sessions on both engines): a read after
    # the answer, an export, may take its time. SET LOCAL ends with the transaction: a pooled
    # connection goes back without it.
    left = time_left()
    if left is not None and conn.get_execution_options().get("sqlite_immediate", False):
        ms = max(1, int(left * 1000))
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {ms}; SET LOCAL statement_timeout = {ms}")


class Database:
    """One engine and its session factory; the unit of work is `transaction()`."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url, **engine_kwargs)
        self.sessions = sessionmaker(
            self.engine.execution_options(sqlite_immediate=True), expire_on_commit=False
        )
        self.read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time. Its busy handler makes a waiting writer sleep and
        # retry (up to 100 ms a nap), so under load some wait for seconds while the lock is
        # free; writers of this process queue on a lock here instead, woken when it is free.
        self._writer = threading.RLock() if self.is_sqlite else None
        # Imported here: `storage.tallies` uses this module's helpers. Every flush of every
        # session keeps the stats' running totals from then on.
        from storage import tallies

        tallies.install()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on any error, or when
        the deadline (`deadline`) is past by the time it would commit."""
        left = time_left()
        if left is not None and left < MIN_REMAINING:
            raise DeadlineExceeded("no time left to start a write")
        writer = self._writer
        if writer is not None and not writer.acquire(timeout=-1 if left is None else left):
            raise DeadlineExceeded("the database was busy with other writes")
        try:
            with self.sessions.begin() as session:
                yield session
                left = time_left()
                if left is not None and left <= 0:
                    raise DeadlineExceeded(f"write over its deadline by {-left:.3f} s")
        except StaleDataError as stale:
            if isinstance(stale, ConcurrentEdit):
                raise
            raise ConcurrentEdit(*stale.args) from stale
        finally:
            if writer is not None:
                writer.release()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only unit of work: never blocks writers (and is rolled back at the end)."""
        with self.read_sessions() as session, session.begin():
            yield session
            session.rollback()

    def ping(self) -> bool:
        return self.health() is None

    def health(self) -> str | None:
        """Why this database cannot serve requests now, or None when it can.

        Reachable is not enough: the schema must be at the code's Alembic head (an empty or
        half-migrated database answers `SELECT 1` too), and a write transaction must start
        within `HEALTH_WRITE_TIMEOUT_MS` (a write-locked SQLite file answers reads).
        """
        try:
            with self.engine.connect() as conn:
                current = set(MigrationContext.configure(conn).get_current_heads())
                conn.rollback()
                expected = code_heads()
                if current != expected:
                    found = ", ".join(sorted(current)) or "none"
                    return f"schema not at revision {', '.join(sorted(expected))} (found {found})"
                return self._write_blocked(conn)
        except Exception as error:  # the health check answers "down", whatever the cause
            return f"database unavailable ({type(error).__name__})"

    def _write_blocked(self, conn: Connection) -> str | None:
        if self.is_sqlite:
            # Its own DBAPI connection (in autocommit mode, see `_sqlite_pragmas`), so the
            # BEGIN IMMEDIATE is ours to issue and time out.
            raw = self.engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute(f"PRAGMA busy_timeout={HEALTH_WRITE_TIMEOUT_MS}")
                try:
                    cursor.execute("BEGIN IMMEDIATE")
                    cursor.execute("ROLLBACK")
                except sqlite3.OperationalError:
                    return "database write-locked"
                finally:
                    cursor.execute("PRAGMA busy_timeout=30000")
            finally:
                raw.close()
            return None
        try:
            conn.execute(text(f"SET LOCAL statement_timeout = {HEALTH_WRITE_TIMEOUT_MS}"))
            if conn.execute(text("SHOW transaction_read_only")).scalar_one() == "on":
                return "database read-only"
            # A transaction id is the first thing a write needs (refused on a standby).
            conn.execute(text("SELECT txid_current()"))
        except OperationalError:
            return "database write-locked"
        finally:
            conn.rollback()
        return None

    def migrate(self) -> None:
        migrate(self.engine)

    def refresh_statistics(self) -> bool:
        """Give SQLite's planner fresh table statistics when the big tables have grown.

        Without `sqlite_stat1` SQLite guesses that any indexed equality selects ten rows, so for
        "these ten reps' deals" it may walk the whole workspace through a (team, stage) index
        instead of the (team, owner) one (4 s instead of 25 ms at a million deals). PostgreSQL
        keeps its own statistics (autovacuum). A full ANALYZE reads every index once (about a
        second per million deals), so it runs only when a table's size is off by half from what
        the statistics say; returns whether it ran.
        """
        if not self.is_sqlite:
            return False
        with self.engine.connect() as conn:
            known: dict[str, int] = {}
            analysed = text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if conn.execute(analysed).first():
                known = {
                    table: int(rows or 0)
                    for table, rows in conn.execute(
                        text(
                            "SELECT tbl, max(CAST(stat AS INTEGER)) FROM sqlite_stat1 "
                            "WHERE tbl IN ('opportunities', 'stage_changes') GROUP BY tbl"
                        )
                    )
                }
            stale = False
            for table in ("opportunities", "stage_changes"):
                rows = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                before = known.get(table, 0)
                if rows >= STATISTICS_FLOOR and not (before / 1.5 <= rows <= before * 1.5):
                    stale = True
            if stale:
                conn.execute(text("ANALYZE"))
            conn.commit()
        return stale

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


@cache
def code_heads() -> frozenset[str]:
    """The Alembic head revisions this code expects (read from the scripts once)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision (idempotent)."""
    command.upgrade(alembic_config(engine), "head")
