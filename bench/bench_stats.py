"""How fast `/pipeline stats` answers, and how fast `salesbot import` loads 100,000 rows.

Stats: on a database of `--opportunities` deals and `changes-per-deal` × as many history rows
(loaded once by `seed_history.py` and kept in `--workdir` / the `salesbot_bench_stats`
PostgreSQL database, since loading 1M deals takes minutes), each of one rep's stats (`""` for
U0REP001…, rotating), one manager's team (`team`, 20 reps) and the whole company (`all`, as
U0ADMIN) is computed `--runs` times in-process, exactly as the listener does after its ack:
`commands.analytics.stats.stats` in a read transaction plus the Block Kit view (Slack itself
is left out).
Every answer is checked (its deals are counted) so a fast error cannot pass for a fast answer.

Import: a generated CSV of `--import-rows` rows (French headers, open, won and lost deals with
historic dates, amounts in several spellings, 200 owners, 5,000 accounts) goes through the real
command (`salesbot import … --team T0IMPORT`) into a fresh empty database, timed end to end
(read, check every row, write in one transaction, commit).

Prints a Markdown table and writes every sample to bench/results/stats-<engine>.json.

    .venv/bin/python bench/bench_stats.py --engine both
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from databases import create_postgres, postgres_url, throwaway
from seed_history import HistoryPlan, manager_id, seed_history
from sqlalchemy import func, select, text

from bot import import_cli
from bot.settings import Settings
from bot.views.stats import stats_message
from commands.analytics import stats
from commands.context import Actor
from commands.workspace import ensure_workspace
from storage.db import Database
from storage.models import Opportunity, Role, StageChange

RESULTS = Path(__file__).resolve().parent / "results"
PG_STATS_DB = "salesbot_bench_stats"
TEAM = "T0BENCH"
TARGETS_MS = {"rep": 200.0, "team": 2_000.0, "all": 2_000.0}
IMPORT_TARGET_S = 60.0
LABELS = {
    "rep": "one rep's stats",
    "team": "a manager's team (20 reps)",
    "all": "the whole company",
}


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile: a value that was actually observed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# --- the stats database ---------------------------------------------------------------------


def stats_url(engine: str, workdir: Path) -> str:
    if engine == "sqlite":
        return f"sqlite:///{workdir / 'stats.db'}"
    return postgres_url(PG_STATS_DB)


def ensure_seeded(engine: str, workdir: Path, plan: HistoryPlan) -> dict[str, Any]:
    """Seed the kept database unless it already holds the plan's deals; say what is there."""
    url = stats_url(engine, workdir)
    if engine == "postgres":
        create_postgres(PG_STATS_DB, exist_ok=True)
    db = Database(url)
    db.migrate()
    seeded: dict[str, Any] = {}
    with db.reading() as session:
        deals = session.scalar(
            select(func.count()).select_from(Opportunity).where(Opportunity.team_id == TEAM)
        )
    if not deals:
        print(f"[{engine}] seeding {plan.opportunities:,} deals (minutes)…", flush=True)
        report = seed_history(db, plan, now=datetime.now(UTC))
        seeded = report.as_dict()
        print(f"[{engine}] seeded in {report.seconds:.0f} s", flush=True)
    with db.reading() as session:
        deals = session.scalar(
            select(func.count()).select_from(Opportunity).where(Opportunity.team_id == TEAM)
        )
        changes = session.scalar(
            select(func.count()).select_from(StageChange).where(StageChange.team_id == TEAM)
        )
    db.dispose()
    return {"url": url, "opportunities": deals, "changes": changes, "seeded_now": seeded}


@dataclass
class Sample:
    scope: str
    user_id: str
    ms: float
    deals: int  # deals behind the answer: 0 would mean something went wrong


def measure_stats(
    engine: str, workdir: Path, runs: int, reps: int, runs_all: int, scopes: Sequence[str]
) -> list[Sample]:
    db = Database(stats_url(engine, workdir))
    db.refresh_statistics()  # as `salesbot run` does at start-up and hourly
    managers = max(1, reps // 20)
    samples: list[Sample] = []

    def one(scope: str, index: int) -> Sample:
        if scope == "rep":
            user, role, typed = f"U0REP{index % reps + 1:03d}", Role.REP, ""
        elif scope == "team":
            user, role, typed = manager_id(index % managers + 1), Role.MANAGER, "team"
        else:
            user, role, typed = "U0ADMIN", Role.ADMIN, "all"
        actor = Actor(TEAM, user, "fr", "Europe/Paris", role, datetime.now(UTC))
        started = time.perf_counter()
        with db.reading() as session:
            result = stats.stats(session=session, actor=actor, text=typed)
        message = stats_message(result, actor.lang)
        ms = (time.perf_counter() - started) * 1000
        assert message["blocks"], "an empty answer"
        process = result.process
        deals = 0 if process is None else process.totals.won + process.totals.lost
        return Sample(scope, user, ms, deals)

    for scope in scopes:
        one(scope, runs)  # warm-up: first-use costs (imports, compiled statements) aside
        for index in range(runs_all if scope == "all" else runs):
            sample = one(scope, index)
            samples.append(sample)
            print(f"[{engine}] {scope} {sample.user_id}: {sample.ms:.0f} ms", flush=True)
    db.dispose()
    return samples


# --- import -----------------------------------------------------------------------------------


def import_csv(rows: int, rng: random.Random, today: date) -> str:
    """A spreadsheet as a French team would keep it: ; separated, French words and dates."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        ["Compte", "Objet", "Montant", "Date de signature", "Étape", "Statut", "Commercial",
         "Origine", "Produit", "Créé le", "Clôturé le", "Commentaire"]
    )  # fmt: skip
    stages = ["Opportunité à qualifier", "Rendez-vous planifié", "Besoins identifiés",
              "Proposition envoyée", "En négociation"]  # fmt: skip
    amounts = ("{:d}", "{:d} €", "{:,d}".replace(",", " ") + " €", "{:d},50")
    for i in range(rows):
        status = rng.choices(("en cours", "gagnée", "perdue"), (40, 25, 35))[0]
        created = today - timedelta(days=rng.randint(30, 900))
        closed = created + timedelta(days=rng.randint(5, 120))
        closed = min(closed, today - timedelta(days=1))
        future = today + timedelta(days=rng.randint(5, 400))
        amount = rng.choice(amounts).format(rng.randint(5, 900) * 100)
        writer.writerow(
            [
                f"Client {rng.randint(1, 5_000):04d}",
                f"Affaire {i}",
                amount,
                future.strftime("%d/%m/%Y") if status == "en cours" else closed.isoformat(),
                rng.choice(stages) if status != "gagnée" else "",
                status,
                f"U0REP{rng.randint(1, 200):03d}",
                rng.choice(("Salon", "Site web", "Recommandation", "")),
                rng.choice(("Standard", "Premium", "")),
                created.isoformat(),
                closed.isoformat() if status != "en cours" else "",
                "",
            ]
        )
    return out.getvalue()


def measure_import(engine: str, workdir: Path, rows: int, rng: random.Random) -> dict[str, Any]:
    content = import_csv(rows, rng, datetime.now(UTC).date())
    with tempfile.TemporaryDirectory() as tmp, throwaway(engine, workdir) as url:
        path = Path(tmp) / "deals.csv"
        path.write_text(content, encoding="utf-8")
        db = Database(url)
        db.migrate()  # the schema exists before the clock starts, as in production
        with db.transaction() as session:  # a team that has used the bot, as the CLI requires
            ensure_workspace(
                session=session,
                team_id="T0IMPORT",
                now=datetime.now(UTC),
                language="fr",  # the spreadsheet is a French team's
                timezone="Europe/Paris",
                currency="EUR",
            )
        db.dispose()
        settings = Settings.load(env={"DATABASE_URL": url}, dotenv=Path("/nonexistent"))
        # The CLI's own parser, so the bench passes whatever options it has today.
        parser = argparse.ArgumentParser()
        import_cli.add_parser(parser.add_subparsers())
        args = parser.parse_args(["import", str(path), "--team", "T0IMPORT", "--lang", "en"])
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
        "rows": rows,
        "seconds": seconds,
        "exit_status": status,
        "imported": imported,
        "history_rows": history,
        "output": out.getvalue()[-500:],
        "passed": status == 0 and imported == rows and seconds < IMPORT_TARGET_S,
    }


# --- report -----------------------------------------------------------------------------------


@dataclass
class EngineResult:
    engine: str
    data: dict[str, Any]
    samples: list[Sample] = field(default_factory=list)
    imported: dict[str, Any] | None = None
    environment: dict[str, Any] = field(default_factory=dict)

    def scope_stats(self, scope: str) -> dict[str, Any]:
        values = [s.ms for s in self.samples if s.scope == scope]
        empty = sum(1 for s in self.samples if s.scope == scope and s.deals == 0)
        return {
            "n": len(values),
            "p50": percentile(values, 50),
            "p99": percentile(values, 99),
            "max": max(values),
            "mean": statistics.fmean(values),
            "empty_answers": empty,
            "passed": not empty and percentile(values, 99) < TARGETS_MS[scope],
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "environment": self.environment,
            "data": self.data,
            "targets_ms": TARGETS_MS,
            "scopes": {
                scope: {
                    **self.scope_stats(scope),
                    "samples_ms": [round(s.ms, 2) for s in self.samples if s.scope == scope],
                }
                for scope in TARGETS_MS
                if any(s.scope == scope for s in self.samples)
            },
            "import": self.imported,
        }


def markdown(results: Sequence[EngineResult]) -> str:
    rows = [
        "| engine | measure | n | p50 | p99 | max | target | result |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for result in results:
        for scope in TARGETS_MS:
            if not any(s.scope == scope for s in result.samples):
                continue
            s = result.scope_stats(scope)
            rows.append(
                f"| {result.engine} | {LABELS[scope]} | {s['n']} | {s['p50']:.0f} ms "
                f"| {s['p99']:.0f} ms | {s['max']:.0f} ms | p99 < {TARGETS_MS[scope]:,.0f} ms "
                f"| {'pass' if s['passed'] else 'FAIL'} |"
            )
        if result.imported:
            i = result.imported
            rows.append(
                f"| {result.engine} | import {i['rows']:,} rows (CSV) | 1 | {i['seconds']:.1f} s "
                f"| | | < {IMPORT_TARGET_S:.0f} s | {'pass' if i['passed'] else 'FAIL'} |"
            )
    return "\n".join(rows)


def environment(url: str) -> dict[str, Any]:
    db = Database(url)
    with db.reading() as session:
        version = session.scalar(
            text("select sqlite_version()") if db.is_sqlite else text("show server_version")
        )
    db.dispose()
    return {
        "load_average_1_5_15": os.getloadavg(),  # a shared box: say how busy it was
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "database_version": version,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--opportunities", type=int, default=HistoryPlan.opportunities)
    parser.add_argument("--changes-per-deal", type=float, default=HistoryPlan.changes_per_deal)
    parser.add_argument("--reps", type=int, default=HistoryPlan.reps)
    parser.add_argument("--runs", type=int, default=20, help="measured runs per scope")
    parser.add_argument(
        "--runs-all", type=int, default=5, help="measured runs of the whole company's stats"
    )
    parser.add_argument("--import-rows", type=int, default=100_000, help="0 skips the import")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "salesbot-bench"
    )
    parser.add_argument("--skip-stats", action="store_true")
    parser.add_argument(
        "--scopes", default="rep,team,all", help="which stats to time: rep, team, all"
    )
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    plan = HistoryPlan(
        opportunities=args.opportunities, changes_per_deal=args.changes_per_deal, reps=args.reps
    )
    engines = ("sqlite", "postgres") if args.engine == "both" else (args.engine,)
    results = []
    for engine in engines:
        data = ensure_seeded(engine, args.workdir, plan) if not args.skip_stats else {}
        result = EngineResult(engine, data)
        result.environment = environment(stats_url(engine, args.workdir))
        if not args.skip_stats:
            result.samples = measure_stats(
                engine, args.workdir, args.runs, args.reps, args.runs_all, args.scopes.split(",")
            )
        if args.import_rows:
            print(f"[{engine}] importing {args.import_rows:,} rows…", flush=True)
            result.imported = measure_import(
                engine, args.workdir, args.import_rows, random.Random(7)
            )
            print(f"[{engine}] import: {result.imported['seconds']:.1f} s", flush=True)
        (RESULTS / f"stats-{engine}.json").write_text(json.dumps(result.as_dict(), indent=2))
        results.append(result)
    print()
    print(markdown(results))
    ok = all(
        r.scope_stats(s)["passed"]
        for r in results
        for s in TARGETS_MS
        if any(sample.scope == s for sample in r.samples)  # only the scopes measured
    ) and all(r.imported is None or r.imported["passed"] for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
