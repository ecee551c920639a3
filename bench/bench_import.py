"""How fast `salesbot import` takes a 100,000-row Pipedrive export as it comes.

The file is written as Pipedrive exports deals ("Deal - Title", "Deal - Organization"…, UTF-8
with BOM, comma separated, quoted commas in organisation names, times of day on the won, lost
and created times, empty values on some lost deals, open deals past their expected close date),
with 200 owners given by e-mail and a pipeline the workspace does not have. It goes through the
real command (`salesbot import deals.csv --team T0IMPORT --create-stages`) into a fresh database
whose workspace exists (a team that has used the bot), with the owners looked up by
`users.lookupByEmail` in a `LocalSlack` on loopback; timed end to end: read, recognise, look up,
plan and create the stages, check every row, write in one transaction, commit.

Every run is checked (exit status, deals and history rows counted) so a fast failure cannot
pass for a fast import. Prints a Markdown table and writes bench/results/import-<engine>.json.

    nice -n 10 .venv/bin/python bench/bench_import.py --engine both --rows 100000 --runs 3
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from databases import create_postgres, drop_postgres
from sqlalchemy import func, select

from bot import import_cli
from bot.devtools.localslack import LocalSlack
from bot.settings import Settings
from commands.workspace import ensure_workspace
from storage.db import Database
from storage.models import Opportunity, StageChange

TARGET_S = 60.0
TEAM = "T0IMPORT"
RESULTS = Path(__file__).parent / "results"
REPS = 200
HEADER = [
    "Deal - ID", "Deal - Title", "Deal - Organization", "Deal - Value", "Deal - Currency",
    "Deal - Pipeline", "Deal - Stage", "Deal - Status", "Deal - Expected close date",
    "Deal - Owner", "Deal - Won time", "Deal - Lost time", "Deal - Lost reason",
    "Deal - Deal created", "Deal - Label", "Deal - Next activity date",
]  # fmt: skip
STAGES = ["Qualified", "Contact Made", "Demo Scheduled", "Proposal Made", "Negotiations Started"]


def email(rep: int) -> str:
    return f"rep{rep:03d}@acme.example"


def pipedrive_export(rows: int, rng: random.Random, today: date) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for i in range(rows):
        status = rng.choices(("open", "won", "lost"), (40, 25, 35))[0]
        midnight = datetime.combine(today, datetime.min.time())
        created = midnight - timedelta(days=rng.randint(30, 900), seconds=rng.randint(0, 86_399))
        closed = min(created + timedelta(days=rng.randint(5, 120)), midnight - timedelta(days=1))
        if status == "open":
            expected = today + timedelta(days=rng.randint(-60, 400))  # some overdue
        else:
            expected = closed.date() + timedelta(days=rng.randint(-20, 20))
        value = "" if status == "lost" and rng.random() < 0.2 else str(rng.randint(5, 900) * 100)
        organisation = f"Client {rng.randint(1, 5_000):04d}"
        if rng.random() < 0.1:
            organisation += ", Inc."
        writer.writerow(
            [
                str(i + 1),
                f"Deal {i}",
                organisation,
                value,
                "EUR",
                "Sales pipeline",
                rng.choice(STAGES),
                status,
                expected.isoformat(),
                email(rng.randint(1, REPS)),
                closed.strftime("%Y-%m-%d %H:%M:%S") if status == "won" else "",
                closed.strftime("%Y-%m-%d %H:%M:%S") if status == "lost" else "",
                rng.choice(("Price", "Competitor", "No budget", "")) if status == "lost" else "",
                created.strftime("%Y-%m-%d %H:%M:%S"),
                rng.choice(("Hot", "Warm", "")),
                "",
            ]
        )
    return out.getvalue()


@contextmanager
def database(engine: str, workdir: Path) -> Iterator[str]:
    """A fresh database of the engine, with the team's workspace; removed at the end."""
    if engine == "sqlite":
        path = workdir / f"bench-import-{uuid.uuid4().hex[:8]}.db"
        url = f"sqlite:///{path}"
    else:
        name = f"salesbot_bench_import_{uuid.uuid4().hex[:8]}"
        url = create_postgres(name)
    try:
        db = Database(url)
        db.migrate()  # the schema exists before the clock starts, as in production
        with db.transaction() as session:
            ensure_workspace(
                session=session,
                team_id=TEAM,
                now=datetime.now(UTC),
                language="en",
                timezone="Europe/Paris",
                currency="EUR",
            )
        db.dispose()
        yield url
    finally:
        if engine == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            drop_postgres(name)


def one_run(
    engine: str, workdir: Path, csv_path: Path, slack_url: str, rows: int
) -> dict[str, Any]:
    with database(engine, workdir) as url:
        settings = Settings.load(
            env={"DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_API_URL": slack_url},
            dotenv=Path("/nonexistent"),
        )
        args = argparse.Namespace(
            file=csv_path,
            team=TEAM,
            dry_run=False,
            lang="en",
            create_stages=True,
            skip_other_currencies=False,
            map=None,
            date_order=None,
        )
        out = io.StringIO()
        started = time.perf_counter()
        status = import_cli.run(args, settings, out=out)
        seconds = time.perf_counter() - started
        db = Database(url)
        with db.reading() as session:
            imported = session.scalar(select(func.count()).select_from(Opportunity))
            history = session.scalar(select(func.count()).select_from(StageChange))
        db.dispose()
    return {
        "seconds": seconds,
        "exit_status": status,
        "imported": imported,
        "history_rows": history,
        "output": out.getvalue()[-800:],
        "ok": status == 0 and imported == rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    engines = ("sqlite", "postgres") if args.engine == "both" else (args.engine,)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="salesbot_bench_import_"))
    RESULTS.mkdir(exist_ok=True)
    users = {
        f"U0REP{n:03d}": {"name": f"rep{n:03d}", "profile": {"email": email(n)}}
        for n in range(1, REPS + 1)
    }
    csv_path = workdir / "pipedrive-deals.csv"
    csv_path.write_text(pipedrive_export(args.rows, random.Random(7), date.today()), "utf-8")
    size_mb = csv_path.stat().st_size / 1e6
    table = ["| engine | measure | n | p50 | min | max | target | result |",
             "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |"]  # fmt: skip
    failed = False
    with LocalSlack(users=users).start() as slack:
        for engine in engines:
            runs = []
            for run in range(args.runs):
                print(f"[{engine}] run {run + 1}/{args.runs}…", flush=True)
                result = one_run(engine, workdir, csv_path, slack.api_url, args.rows)
                print(f"[{engine}] {result['seconds']:.1f} s, ok={result['ok']}", flush=True)
                if not result["ok"]:
                    print(result["output"], file=sys.stderr)
                runs.append(result)
            seconds = [r["seconds"] for r in runs]
            p50 = statistics.median(seconds)
            passed = all(r["ok"] for r in runs) and p50 < TARGET_S
            failed = failed or not passed
            table.append(
                f"| {engine} | import {args.rows:,} rows (Pipedrive CSV, {size_mb:.0f} MB) | "
                f"{len(runs)} | {p50:.1f} s | {min(seconds):.1f} s | {max(seconds):.1f} s | "
                f"< {TARGET_S:.0f} s | {'pass' if passed else 'FAIL'} |"
            )
            (RESULTS / f"import-{engine}.json").write_text(
                json.dumps(
                    {
                        "engine": engine,
                        "rows": args.rows,
                        "file_mb": size_mb,
                        "runs": runs,
                        "p50_s": p50,
                        "target_s": TARGET_S,
                        "passed": passed,
                        "environment": {
                            "python": platform.python_version(),
                            "cpus": os.cpu_count(),
                            "load": os.getloadavg(),
                            "at": datetime.now(UTC).isoformat(timespec="seconds"),
                        },
                    },
                    indent=2,
                )
            )
    print("\n".join(table))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
