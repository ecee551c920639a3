"""Benchmark of the board, the forecast and the Home at 1,000,000 opportunities.

    .venv/bin/python bench/bench_board.py [--engine sqlite|postgres|both] [--opportunities N]

Seeds 1,000 reps, 3 processes and 24 months of close dates, then times, in process (the work a
request does after Slack's signature check: domain + queries + Block Kit):
- one rep's `/pipeline`, `/forecast` and Home render (p50 / p99 over random reps; target p99 <
  100 ms);
- the whole company's `/pipeline all` and `/forecast all` (target < 1 s);
- the same aggregations written by hand as one SQL query each, and the ratio (target < 2×);
and prints the query plans (EXPLAIN) of the hot queries, to show the indexes in use.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from databases import throwaway
from seed import SeedPlan, rep_ids, seed
from sqlalchemy import text
from sqlalchemy.dialects import postgresql, sqlite

from bot.views.board import board_message
from bot.views.forecast import forecast_message
from bot.views.home import home_view
from commands.context import Actor
from commands.reports import board as pipeline
from commands.reports import forecast, home
from commands.workspace import ensure_member
from storage import queries, reports
from storage.db import Database
from storage.models import Role

RESULTS = Path(__file__).resolve().parent / "results"
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
TEAM = SeedPlan.team_id


def spread_over_processes(db: Database) -> None:
    """Two more processes; a third of the deals each, mapped to the stage of the same rank."""
    with db.transaction() as session:
        first = queries.active_processes(session=session, team_id=TEAM)[0]
        others = [
            queries.add_process(
                session=session,
                team_id=TEAM,
                name="Professionnel",
                stages=[("Contact", 10), ("Visite", 25), ("Devis", 60), ("Négociation", 80)],
                now=NOW,
                position=1,
            ),
            queries.add_process(
                session=session,
                team_id=TEAM,
                name="Appel d'offres",
                stages=[
                    ("Veille", 5),
                    ("Dossier", 15),
                    ("Offre déposée", 40),
                    ("Audition", 70),
                    ("Attribution", 90),
                ],
                now=NOW,
                position=2,
            ),
        ]
        base = [s.id for s in first.stages]
        for remainder, process in zip((1, 2), others, strict=True):
            target = [s.id for s in process.stages]
            cases = " ".join(
                f"WHEN {old} THEN {target[min(i, len(target) - 1)]}" for i, old in enumerate(base)
            )
            session.execute(
                text(
                    f"UPDATE opportunities SET process_id = {process.id}, "
                    f"stage_id = CASE stage_id {cases} END WHERE id % 3 = {remainder}"
                )
            )
    if not db.is_sqlite:
        # The UPDATE above left two thirds of the table as dead rows and no visibility map;
        # autovacuum would clean that up within minutes, so do it now (index-only scans).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


def manager_with_team(db: Database, size: int) -> str:
    """A manager of the first `size` reps, for the team views."""
    with db.transaction() as session:
        boss = ensure_member(session=session, team_id=TEAM, user_id="U0BOSS", now=NOW)
        boss.role = Role.MANAGER
        for user_id in rep_ids(size):
            member = queries.get_member(session=session, team_id=TEAM, user_id=user_id)
            assert member is not None
            member.manager_id = "U0BOSS"
    return "U0BOSS"


def actor(user_id: str, role: Role = Role.REP) -> Actor:
    return Actor(TEAM, user_id, "fr", "Europe/Paris", role, NOW)


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda p: ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]  # noqa: E731
    return {
        "n": len(samples),
        "p50": pick(50),
        "p99": pick(99),
        "max": ordered[-1],
        "median": statistics.median(samples),
    }


def hand_board(db: Database, owner: str | None) -> Callable[[], Any]:
    where = "o.team_id = :team AND o.status = 'open'" + (
        " AND o.owner_id = :owner" if owner else ""
    )
    sql = text(
        "SELECT o.stage_id, count(*), sum(o.amount_minor), "
        "sum((o.amount_minor * coalesce(o.probability_override, s.probability) + 50) / 100) "
        f"FROM opportunities o JOIN stages s ON s.id = o.stage_id WHERE {where} "
        "GROUP BY o.stage_id"
    )

    def run() -> Any:
        # The same session and transaction handling as ours: only the query differs.
        with db.reading() as session:
            return session.execute(sql, {"team": TEAM, "owner": owner}).all()

    return run


def hand_forecast(db: Database, owner: str | None) -> Callable[[], Any]:
    month = "substr(o.close_date, 1, 7)" if db.is_sqlite else "to_char(o.close_date, 'YYYY-MM')"
    where = "o.team_id = :team AND o.status = 'open'" + (
        " AND o.owner_id = :owner" if owner else ""
    )
    sql = text(
        f"SELECT {month}, count(*), sum(o.amount_minor), "
        "sum((o.amount_minor * coalesce(o.probability_override, s.probability) + 50) / 100) "
        f"FROM opportunities o JOIN stages s ON s.id = o.stage_id WHERE {where} "
        f"AND o.close_date >= :start AND o.close_date < :end GROUP BY {month}"
    )
    params = {"team": TEAM, "owner": owner, "start": date(2026, 11, 27), "end": date(2027, 5, 1)}

    def run() -> Any:
        with db.reading() as session:
            return session.execute(sql, params).all()

    return run


def ours_board(db: Database, owner: str | None) -> Callable[[], Any]:
    filters = reports.Filters(team_id=TEAM, owners=[owner] if owner else None)

    def run() -> Any:
        with db.reading() as session:
            return reports.board(session=session, filters=filters)

    return run


def ours_forecast(db: Database, owner: str | None) -> Callable[[], Any]:
    filters = reports.Filters(team_id=TEAM, owners=[owner] if owner else None)

    def run() -> Any:
        with db.reading() as session:
            return reports.forecast(
                session=session, filters=filters, start=date(2026, 11, 27), end=date(2027, 5, 1)
            )

    return run


def explain(db: Database) -> dict[str, str]:
    """Query plans of the hot aggregations, as the database will run them."""
    plans = {}
    with db.reading() as session:
        dialect = session.get_bind().dialect
        for label, owners in (("rep", ["U0REP001"]), ("all", None)):
            filters = reports.Filters(team_id=TEAM, owners=owners)
            for name, query in (
                ("board", reports.board_query(filters)),
                (
                    "forecast",
                    reports.forecast_query(session, filters, date(2026, 11, 27), date(2027, 5, 1)),
                ),
            ):
                compiled = query.compile(
                    dialect=sqlite.dialect() if db.is_sqlite else postgresql.dialect(),
                    compile_kwargs={"literal_binds": True},
                )
                prefix = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN "
                rows = session.execute(text(prefix + str(compiled))).all()
                plans[f"{name} {label}"] = "\n".join(
                    str(r[-1]) if db.is_sqlite else str(r[0]) for r in rows
                )
        del dialect
    return plans


@contextlib.contextmanager
def database(engine: str, args: argparse.Namespace) -> Iterator[str]:
    """The given database (`--sqlite-url` / `--postgres-url`, kept), else a throwaway one."""
    given = args.sqlite_url if engine == "sqlite" else args.postgres_url
    if given:
        yield given
    else:
        with throwaway(engine) as url:
            yield url


def seeded(db: Database) -> bool:
    with db.reading() as session:
        return queries.get_member(session=session, team_id=TEAM, user_id="U0BOSS") is not None


def run_engine(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {"engine": engine}
    with database(engine, args) as url:
        db = Database(url)
        db.migrate()
        if seeded(db):
            result["seed_s"] = 0.0  # seeded by an earlier run (--sqlite-url / --postgres-url)
        else:
            plan = SeedPlan(
                reps=args.reps,
                opportunities=args.opportunities,
                accounts=20_000,
                months=24,
                past_months=6,
            )
            started = time.perf_counter()
            seed(db, plan, now=NOW)
            spread_over_processes(db)
            result["seed_s"] = round(time.perf_counter() - started, 1)
        boss = manager_with_team(db, 10)
        db.refresh_statistics()  # as `salesbot run` does at start-up and hourly
        with db.reading() as session:
            result["open"] = session.execute(
                text("SELECT count(*) FROM opportunities WHERE status = 'open'")
            ).scalar_one()
        rng = random.Random(11)
        reps = rep_ids(args.reps)

        def one_rep(fn: Callable[[Actor], Any]) -> Callable[[], Any]:
            return lambda: fn(actor(rng.choice(reps)))

        def board_rep(a: Actor) -> Any:
            with db.reading() as session:
                return board_message(pipeline.board(session=session, actor=a, text=""), "fr")

        def forecast_rep(a: Actor) -> Any:
            with db.reading() as session:
                return forecast_message(forecast.forecast(session=session, actor=a, text=""), "fr")

        def home_rep(a: Actor) -> Any:
            with db.reading() as session:
                return home_view(home.home(session=session, actor=a), "fr")

        admin = actor("U0ADMIN", Role.ADMIN)
        with db.transaction() as session:
            ensure_member(session=session, team_id=TEAM, user_id="U0ADMIN", now=NOW).role = "admin"

        def board_all() -> Any:
            with db.reading() as session:
                return board_message(pipeline.board(session=session, actor=admin, text="all"), "fr")

        def forecast_all() -> Any:
            with db.reading() as session:
                return forecast_message(
                    forecast.forecast(session=session, actor=admin, text="all"), "fr"
                )

        def board_team() -> Any:
            with db.reading() as session:
                return board_message(
                    pipeline.board(session=session, actor=actor(boss, Role.MANAGER), text="team"),
                    "fr",
                )

        for fn in (board_rep, forecast_rep, home_rep):  # warm caches and imports
            for _ in range(10):
                one_rep(fn)()
        board_all()
        forecast_all()
        timings = {
            "pipeline (one rep)": stats(timed(one_rep(board_rep), args.runs)),
            "forecast (one rep)": stats(timed(one_rep(forecast_rep), args.runs)),
            "home (one rep)": stats(timed(one_rep(home_rep), args.runs)),
            "pipeline team (10 reps)": stats(timed(board_team, 20)),
            "pipeline all": stats(timed(board_all, args.all_runs)),
            "forecast all": stats(timed(forecast_all, args.all_runs)),
        }
        rep = "U0REP042"
        ratios = {}
        for label, ours, hand, runs in (
            ("board aggregation, one rep", ours_board(db, rep), hand_board(db, rep), args.runs),
            (
                "forecast aggregation, one rep",
                ours_forecast(db, rep),
                hand_forecast(db, rep),
                args.runs,
            ),
            ("board aggregation, all", ours_board(db, None), hand_board(db, None), args.all_runs),
            (
                "forecast aggregation, all",
                ours_forecast(db, None),
                hand_forecast(db, None),
                args.all_runs,
            ),
        ):
            # Interleave the two so machine noise hits both alike; compare medians.
            mine, theirs = [], []
            for _ in range(runs):
                mine += timed(ours, 1)
                theirs += timed(hand, 1)
            ratios[label] = {
                "ours_median_ms": statistics.median(mine),
                "hand_median_ms": statistics.median(theirs),
                "ratio": statistics.median(mine) / statistics.median(theirs),
            }
        result["timings"] = timings
        result["ratios"] = ratios
        result["plans"] = explain(db)
        db.dispose()
    return result


def markdown(results: list[dict[str, Any]]) -> str:
    lines = [
        "| engine | what | p50 ms | p99 ms | max ms | target |",
        "|---|---|---:|---:|---:|---|",
    ]
    for result in results:
        for label, t in result["timings"].items():
            target = "p99 < 100 ms" if "one rep" in label else "< 1 s"
            ok = (t["p99"] < 100) if "one rep" in label else (t["max"] < 1000)
            lines.append(
                f"| {result['engine']} | {label} | {t['p50']:.1f} | {t['p99']:.1f} | "
                f"{t['max']:.1f} | {target} {'✓' if ok else '✗'} |"
            )
    lines += [
        "",
        "| engine | aggregation | ours (median ms) | hand-written SQL | ratio |",
        "|---|---|---:|---:|---:|",
    ]
    for result in results:
        for label, r in result["ratios"].items():
            lines.append(
                f"| {result['engine']} | {label} | {r['ours_median_ms']:.2f} | "
                f"{r['hand_median_ms']:.2f} | {r['ratio']:.2f}× |"
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--opportunities", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--all-runs", type=int, default=7)
    parser.add_argument(
        "--sqlite-url", help="use (and keep) this database; seeded on first use, reused after"
    )
    parser.add_argument("--postgres-url", help="same, for PostgreSQL (the database must exist)")
    args = parser.parse_args()
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    results = []
    for engine in engines:
        result = run_engine(engine, args)
        results.append(result)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"board-{engine}.json").write_text(json.dumps(result, indent=2))
        print(f"\n## {engine}: seeded in {result['seed_s']} s ({result['open']:,} open)")
        for name, plan_text in result["plans"].items():
            print(f"\n-- EXPLAIN {name}\n{plan_text}")
    print("\n" + markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
