"""Nudge benchmarks: the daily scan at a million deals, and 5,000 reps' nudges through a
rate-limited fake Slack that answers 429s, by the real `salesbot nudges` worker process.

```sh
.venv/bin/python bench/bench_nudges.py --engine both --opportunities 1000000 --reps 5000
```

For each engine it:
1. uses the database at `--sqlite-url` / `--postgres-url` when given and already seeded (seed
   them once with `bench/seed.py --reps 5000`: a million deals take minutes), else creates and
   seeds a throwaway one with `seed.py`;
2. records a status row per closed deal (`seed_nudges.add_closed_stays`), the history the
   learned thresholds read;
3. for each `--due` share (1 % and 10 % by default) shapes the open deals
   (`seed_nudges.shape_due`) and times the daily scan — who is due (5,000 reps), the
   thresholds (once), the statement that decides which deals are due and keeps each rep's
   count and ten most valuable — as the median of `--repeat` runs, checking it finds exactly
   the deals made due (target: under a second, growing with the deals due); prints the
   statement's `EXPLAIN` to show the indexes are used;
4. at `--delivery-due` (10 %: every rep has deals due), starts `salesbot nudges --as-of
   <next weekday>` as a real process
   against a `LocalSlack` that allows one message per second per channel and answers bursts
   of 429 (`--burst` every `--burst-every` seconds), samples the process's RSS, and checks
   every rep due got exactly one message and every outbox row ended sent.

It prints a Markdown table and writes `bench/results/nudges-<engine>.json`. Exit status 1
when a target is missed (scan < 1 s, no message lost or repeated, RSS < 200 MB).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.databases import create_postgres
from bench.seed import SeedPlan, seed
from bench.seed_nudges import add_closed_stays, next_weekday, shape_due
from bot.devtools.localslack import LocalSlack
from commands.nudging import nudges, stuck
from storage import nudging
from storage.db import Database
from storage.models import Member, OutboxMessage, Workspace

RESULTS = Path(__file__).resolve().parent / "results"
SCAN_TARGET = 1.0
RSS_TARGET_MB = 200.0


@dataclass
class ScanResult:
    percent: float
    open: int
    due: int
    found: int
    candidates: int
    recipients: int
    recipients_s: float
    thresholds_s: float
    candidates_s: float
    total_s: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.total_s)


@dataclass
class DeliveryResult:
    reps: int
    planned: int
    delivered: int
    repeated: int
    lost: int
    served_429: int
    seconds: float
    peak_rss_mb: float
    output: str


def _database(engine: str, url: str | None, plan: SeedPlan, now: datetime) -> tuple[Database, str]:
    if url:
        db = Database(url)
        db.migrate()
    elif engine == "sqlite":
        path = Path(tempfile.mkdtemp(prefix="salesbot_bench_")) / "nudges.db"
        db = Database(f"sqlite:///{path}")
        db.migrate()
    else:
        db = Database(create_postgres(f"salesbot_bench_{uuid.uuid4().hex[:8]}"))
        db.migrate()
    with db.reading() as session:
        seeded = session.get(Workspace, plan.team_id) is not None
    if not seeded:
        print(f"[{engine}] seeding {plan.opportunities:,} opportunities…", flush=True)
        report = seed(db, plan, now=now)
        print(f"[{engine}] seeded in {report.seconds:.0f} s", flush=True)
    return db, db.url


def _scan_once(db: Database, team_id: str, now: datetime, as_of: Any) -> tuple[float, ...]:
    started = time.perf_counter()
    with db.reading() as session:
        recipients = nudges.daily_recipients(
            session=session, team_id=team_id, now=now, kind=nudges.NUDGE, as_of=as_of
        )
        listed = time.perf_counter()
        latest = max(r.moment for r in recipients)
        limits = stuck.thresholds(session=session, team_id=team_id, now=latest)
        learned = time.perf_counter()
        found = nudges.scan(
            session=session, team_id=team_id, recipients=recipients, thresholds=limits
        )
        done = time.perf_counter()
    due = sum(found.due.values())
    return (
        done - started,
        listed - started,
        learned - listed,
        done - learned,
        float(due),
        float(found.candidates),
        float(len(recipients)),
    )


def scan_bench(
    db: Database, team_id: str, percent: float, now: datetime, repeat: int
) -> ScanResult:
    shape = shape_due(db, team_id, percent=percent, now=now)
    as_of = next_weekday(now.date())
    runs = [_scan_once(db, team_id, now, as_of) for _ in range(repeat)]
    best = sorted(runs)[len(runs) // 2]
    return ScanResult(
        percent=percent,
        open=shape.open,
        due=shape.due,
        found=int(best[4]),
        candidates=int(best[5]),
        recipients=int(best[6]),
        recipients_s=best[1],
        thresholds_s=best[2],
        candidates_s=best[3],
        total_s=[r[0] for r in runs],
    )


def explain(db: Database, team_id: str, now: datetime) -> dict[str, list[str]]:
    """The plan of the scan's statement, to show each of its ranges is an index range."""
    today = next_weekday(now.date())
    with db.reading() as session:
        workspace = session.get(Workspace, team_id)
        tz = workspace.timezone if workspace else "UTC"
        limits = stuck.thresholds(session=session, team_id=team_id, now=now)
    query = nudging.due_query(team_id, nudges.clock(limits, today=today, tz=tz), nudges.MAX_DEALS)
    plans: dict[str, list[str]] = {}
    with db.engine.connect() as conn:
        sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
        prefix = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN (ANALYZE, COSTS OFF) "
        rows = conn.execute(text(prefix + sql)).all()
        plans["scan"] = [str(row[-1]) for row in rows]
    return plans


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def delivery_bench(
    db: Database, team_id: str, now: datetime, *, burst: int, burst_every: float
) -> DeliveryResult:
    """The real worker process delivers every rep's nudge through a rate-limited fake Slack."""
    as_of = next_weekday(now.date())
    with db.reading() as session:
        reps = list(session.scalars(select(Member.user_id).where(Member.team_id == team_id)))
    slack = LocalSlack(
        users={rep: {} for rep in reps}, team_id=team_id, post_rate_per_channel=1.0
    ).start()
    stop = threading.Event()

    def inject() -> None:
        """Bursts of 429 along the run (about one post in ten), each once the last is served."""
        served = 0
        while not stop.wait(burst_every) and served < max(burst, len(reps) // 10):
            if slack.pending_faults("chat.postMessage") == 0:
                slack.fail_next("chat.postMessage", status=429, retry_after=1, count=burst)
                served += burst

    injector = threading.Thread(target=inject, daemon=True)
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": db.url,
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "nudges", "--as-of", as_of.isoformat()],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    injector.start()
    peak = 0.0
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or []), daemon=True)
    reader.start()
    while process.poll() is None:
        peak = max(peak, _rss_mb(process.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    stop.set()
    reader.join(5)
    calls = slack.calls_to("chat.postMessage")
    served_429 = sum(1 for c in calls if c.error == "ratelimited")
    per_channel = Counter(str(c.args["channel"]) for c in calls if c.ok)
    slack.stop()
    with db.reading() as session:
        planned = dict(
            session.execute(
                select(OutboxMessage.recipient, OutboxMessage.status).where(
                    OutboxMessage.team_id == team_id, OutboxMessage.kind == nudges.NUDGE
                )
            ).all()
        )
    due = [rep for rep, status in planned.items() if status != "skipped"]
    return DeliveryResult(
        reps=len(reps),
        planned=len(due),
        delivered=sum(1 for rep in due if per_channel.get(rep) == 1),
        repeated=sum(1 for count in per_channel.values() if count > 1),
        lost=sum(1 for rep in due if per_channel.get(rep, 0) == 0 or planned[rep] != "sent"),
        served_429=served_429,
        seconds=seconds,
        peak_rss_mb=peak,
        output="".join(lines)[-2000:],
    )


def run_engine(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    now = datetime.now(UTC).replace(microsecond=0)
    plan = SeedPlan(opportunities=args.opportunities, reps=args.reps, accounts=args.accounts)
    url = args.sqlite_url if engine == "sqlite" else args.postgres_url
    db, _ = _database(engine, url, plan, now)
    closed = add_closed_stays(db, plan.team_id)
    print(f"[{engine}] {closed:,} closed stays in the history", flush=True)
    scans = []
    for percent in args.due:
        result = scan_bench(db, plan.team_id, percent, now, args.repeat)
        print(
            f"[{engine}] {percent:g} % due: {result.found:,}/{result.due:,} found in "
            f"{result.median * 1000:.0f} ms (median of {len(result.total_s)})",
            flush=True,
        )
        scans.append(result)
    plans = explain(db, plan.team_id, now)
    delivery = None
    if not args.skip_delivery:
        shape_due(db, plan.team_id, percent=args.delivery_due, now=now)
        delivery = delivery_bench(
            db, plan.team_id, now, burst=args.burst, burst_every=args.burst_every
        )
        print(
            f"[{engine}] delivery: {delivery.delivered}/{delivery.planned} reps, "
            f"{delivery.served_429} × 429, {delivery.seconds:.0f} s, "
            f"peak RSS {delivery.peak_rss_mb:.0f} MB",
            flush=True,
        )
    db.dispose()
    return {
        "engine": engine,
        "scans": [{**asdict(s), "median_s": s.median} for s in scans],
        "explain": plans,
        "delivery": asdict(delivery) if delivery else None,
    }


def table(results: Sequence[dict[str, Any]]) -> tuple[str, bool]:
    lines = [
        "| engine | measure | figure | target | result |",
        "| --- | --- | ---: | --- | --- |",
    ]
    ok = True
    for result in results:
        engine = result["engine"]
        first = result["scans"][0]
        for scan in result["scans"]:
            exact = scan["found"] == scan["due"]
            if scan is first:
                # The target: a million deals, a realistic share due (1 %: 8,000 deals).
                passed = exact and scan["median_s"] < SCAN_TARGET
                target = "< 1 s"
            else:
                # More deals due: still under a second, the time growing with them, not faster.
                due_ratio = scan["due"] / max(first["due"], 1)
                time_ratio = scan["median_s"] / max(first["median_s"], 1e-9)
                passed = exact and scan["median_s"] < SCAN_TARGET and time_ratio <= 1.5 * due_ratio
                target = f"< 1 s, ×{due_ratio:.0f} due → at most ×{1.5 * due_ratio:.0f} time"
            ok &= passed
            grown = "" if scan is first else f", ×{scan['median_s'] / first['median_s']:.1f}"
            lines.append(
                f"| {engine} | daily scan, {scan['open']:,} open deals, "
                f"{scan['percent']:g} % due ({scan['due']:,}) | "
                f"{scan['median_s'] * 1000:.0f} ms{grown} (reps "
                f"{scan['recipients_s'] * 1000:.0f}, thresholds "
                f"{scan['thresholds_s'] * 1000:.0f}, deals {scan['candidates_s'] * 1000:.0f}) | "
                f"{target} | {'pass' if passed else 'FAIL'} |"
            )
        delivery = result["delivery"]
        if delivery:
            exact = delivery["lost"] == 0 and delivery["repeated"] == 0
            small = delivery["peak_rss_mb"] < RSS_TARGET_MB
            ok &= exact and small
            lines.append(
                f"| {engine} | {delivery['planned']:,} reps' nudges, 1 msg/s/channel, "
                f"{delivery['served_429']:,} × 429 | {delivery['delivered']:,} delivered once, "
                f"{delivery['lost']} lost, {delivery['repeated']} repeated, "
                f"{delivery['seconds']:.0f} s | none lost or repeated | "
                f"{'pass' if exact else 'FAIL'} |"
            )
            lines.append(
                f"| {engine} | worker peak RSS (`salesbot nudges`) | "
                f"{delivery['peak_rss_mb']:.0f} MB | < 200 MB | {'pass' if small else 'FAIL'} |"
            )
    return "\n".join(lines), ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--sqlite-url", help="an already seeded SQLite database")
    parser.add_argument("--postgres-url", help="an already seeded PostgreSQL database")
    parser.add_argument("--opportunities", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=5_000)
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--due", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--burst", type=int, default=25, help="429s per burst")
    parser.add_argument("--burst-every", type=float, default=1.0, help="seconds between bursts")
    parser.add_argument(
        "--delivery-due", type=float, default=10.0, help="%% due for the delivery run (all reps)"
    )
    parser.add_argument("--skip-delivery", action="store_true")
    args = parser.parse_args(argv)
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    results = []
    for engine in engines:
        result = run_engine(engine, args)
        results.append(result)
        RESULTS.mkdir(exist_ok=True)
        environment = {
            "load_average": os.getloadavg(),
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "when": datetime.now(UTC).isoformat(),
        }
        (RESULTS / f"nudges-{engine}.json").write_text(
            json.dumps({**result, "environment": environment}, indent=2, default=str)
        )
    markdown, ok = table(results)
    print()
    print(markdown)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for result in results:
        print(f"\nEXPLAIN on {result['engine']}:")
        for name, plan in result["explain"].items():
            print(f"  {name}:")
            for line in plan:
                print(f"    {line}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
