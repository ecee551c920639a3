"""The benchmarks' databases: throwaway ones, and named PostgreSQL ones kept between runs.

PostgreSQL databases are created through `SALESBOT_BENCH_POSTGRES` (an admin URL, by default
the local server's `postgres` database).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_ADMIN_URL = os.environ.get(
    "SALESBOT_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def postgres_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def create_postgres(name: str, *, exist_ok: bool = False) -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not (found and exist_ok):
            conn.execute(f'CREATE DATABASE "{name}"')
    return postgres_url(name)


def drop_postgres(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def throwaway(engine: str, workdir: Path | None = None, *, keep: bool = False) -> Iterator[str]:
    """A fresh, empty database URL of the engine, removed at the end unless `keep`."""
    if engine == "sqlite":
        folder = workdir or Path(tempfile.mkdtemp(prefix="salesbot_bench_"))
        path = folder / f"bench-{uuid.uuid4().hex[:8]}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            if keep:
                print(f"  kept SQLite database {path}", flush=True)
            else:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = f"salesbot_bench_{uuid.uuid4().hex[:10]}"
    url = create_postgres(name)
    try:
        yield url
    finally:
        if keep:
            print(f"  kept PostgreSQL database {name}", flush=True)
        else:
            drop_postgres(name)
