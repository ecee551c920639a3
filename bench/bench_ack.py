"""How fast `salesbot http` starts and acks slash commands on a realistic database.

For each engine: seed a throwaway database (see `seed.py`), time five cold starts of the real
server process (Popen to the first 200 from /healthz), then send signed `/opp new`, `/opp list`
and `/opp show #N` requests over real HTTP, one at a time, and time each from sending the POST
to reading the whole response. Slack is faked on loopback (`LocalSlack`) with a locale for
every rep, so each rep's first request also pays for its `users.info`.

Every response is checked (200, ephemeral JSON, the deal number, the card title, the rep's real
open-deal count): a latency measured on an error would be worthless, so failures are counted
and shown. Prints a Markdown table and writes the raw numbers to bench/results/ack-<engine>.json.

    .venv/bin/python bench/bench_ack.py --engine both --opportunities 100000 --reps 200
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from databases import throwaway
from seed import SeedPlan, SeedReport, rep_ids, seed
from sqlalchemy import select

from bot import format as fmt
from bot.devtools.localslack import LocalSlack
from bot.devtools.slackreq import command_body, signed_headers
from commands.i18n import t
from storage.db import Database
from storage.models import Account, Opportunity, Stage, Status

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
SECRET = "bench-signing-secret"
COMMANDS = ("new", "list", "show")
ACK_TARGET_MS = 100.0  # p99; Slack itself gives up after 3 s
START_TARGET_S = 3.0
# This run keeps about one core busy (client + server); above that, something else competes.
BUSY_LOAD = 1.5
_COUNT = re.compile(r"(\d+) opportunit")


# --- the server under test ----------------------------------------------------------------


@dataclass
class Server:
    """A running `salesbot http` process and what it printed that looks like trouble."""

    host: str
    port: int
    process: subprocess.Popen[str]
    troubles: list[str] = field(default_factory=list)

    def get(self, path: str) -> int:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=5)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(database_url: str, slack: LocalSlack, workdir: Path) -> tuple[Server, float]:
    """Start the real server; return it and the seconds from Popen to a healthy /healthz."""
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": database_url,
    }
    env.pop("SLACK_APP_TOKEN", None)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "http", "--host", "127.0.0.1", "--port", "0"],
        env=env,
        cwd=workdir,  # no stray .env from the checkout
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        server = _wait_until_listening(process)
        while True:
            try:
                if server.get("/healthz") == 200:
                    break
            except OSError:
                pass
            if time.perf_counter() - started > 60:
                raise RuntimeError("server not healthy after 60 s")
            time.sleep(0.005)
    except BaseException:
        process.kill()
        process.wait()
        raise
    return server, time.perf_counter() - started


def _wait_until_listening(process: subprocess.Popen[str]) -> Server:
    assert process.stdout is not None
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith("salesbot listening on "):
            address = urlsplit(line.split(" on ", 1)[1].strip())
            assert address.hostname is not None and address.port is not None
            server = Server(address.hostname, address.port, process)
            threading.Thread(target=_drain, args=(server,), daemon=True).start()
            return server
    raise RuntimeError("server exited before listening:\n" + "".join(lines[-40:]))


def _drain(server: Server) -> None:
    """Keep reading the server's output (a full pipe would block it); keep what looks wrong."""
    assert server.process.stdout is not None
    for line in server.process.stdout:
        if " ERROR " in line or " WARNING " in line or "Traceback" in line:
            server.troubles.append(line.rstrip())


# --- requests, timing and checks ------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    command: str
    user_id: str
    ms: float
    first_for_user: bool
    failure: str | None


Check = Callable[[dict[str, Any]], str | None]


def timed_command(
    server: Server, slack: LocalSlack, user_id: str, text: str
) -> tuple[float, int, str]:
    """POST one signed `/opp` command on a new connection, as Slack does; (ms, status, body)."""
    body = command_body(
        team_id=SeedPlan.team_id,
        user_id=user_id,
        command="/opp",
        text=text,
        response_url=slack.response_url(uuid.uuid4().hex),
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        **signed_headers(SECRET, body),
    }
    payload = body.encode()
    started = time.perf_counter()
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        conn.request("POST", "/slack/events", body=payload, headers=headers)
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, response.status, data.decode("utf-8", "replace")


def checked(status: int, body: str, check: Check) -> str | None:
    """None when the answer is what a rep should see, else why not."""
    if status != 200:
        return f"HTTP {status}: {body[:200]}"
    try:
        answer = json.loads(body)
    except ValueError:
        return f"not JSON: {body[:200]}"
    if not isinstance(answer, dict) or answer.get("response_type") != "ephemeral":
        return f"not an ephemeral message: {body[:200]}"
    return check(answer)


def _text_of(answer: dict[str, Any]) -> str:
    return (
        str(answer.get("text", ""))
        + "\n"
        + json.dumps(answer.get("blocks", []), ensure_ascii=False)
    )


# --- the workload ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rep:
    user_id: str
    lang: str


@dataclass(frozen=True)
class Workload:
    """Who asks what, and what each answer must say (read from the seeded database)."""

    reps: dict[str, list[Rep]]
    warmup_reps: list[Rep]
    open_counts: dict[str, int]
    # A rep's open (total, weighted) in minor units, summed here card by card in Python: the
    # bot's own rule (amount × probability, rounded half up per deal), whatever SQL it uses.
    open_totals: dict[str, tuple[int, int]]
    currency: str
    deals: dict[int, tuple[str, str]]  # number -> (account, title)
    last_number: int


def slack_users(reps: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Every rep as Slack knows them; one in four reads English."""
    users: dict[str, dict[str, Any]] = {}
    for index, user_id in enumerate(reps):
        english = index % 4 == 3
        users[user_id] = {
            "name": user_id.lower(),
            "real_name": f"Commercial {index + 1:03d}",
            "tz": "Europe/London" if english else "Europe/Paris",
            "locale": "en-GB" if english else "fr-FR",
        }
    return users


def plan_workload(
    db: Database,
    report: SeedReport,
    users: dict[str, dict[str, Any]],
    *,
    per_command: int,
    rng: random.Random,
    requests: int,
) -> Workload:
    ids = list(users)
    needed = per_command * len(COMMANDS) + 10
    if len(ids) < needed:
        raise SystemExit(f"--reps must be at least {needed} for {per_command} users per command")

    def rep(user_id: str) -> Rep:
        return Rep(user_id, "en" if str(users[user_id]["locale"]).startswith("en") else "fr")

    reps = {
        command: [rep(u) for u in ids[i * per_command : (i + 1) * per_command]]
        for i, command in enumerate(COMMANDS)
    }
    warmup = [rep(u) for u in ids[len(COMMANDS) * per_command : needed]]
    team = report.plan.team_id
    numbers = rng.sample(range(report.first_number, report.last_number + 1), k=requests + 20)
    open_counts: dict[str, int] = {}
    open_totals: dict[str, tuple[int, int]] = {}
    with db.reading() as session:
        for owner, amount, override, stage_probability in session.execute(
            select(
                Opportunity.owner_id,
                Opportunity.amount_minor,
                Opportunity.probability_override,
                Stage.probability,
            )
            .join(Stage, Stage.id == Opportunity.stage_id)
            .where(Opportunity.team_id == team, Opportunity.status == Status.OPEN)
        ):
            probability = stage_probability if override is None else override
            total, weighted = open_totals.get(owner, (0, 0))
            open_totals[owner] = (total + amount, weighted + (amount * probability + 50) // 100)
            open_counts[owner] = open_counts.get(owner, 0) + 1
        deals = {
            int(number): (str(account), str(title))
            for number, account, title in session.execute(
                select(Opportunity.number, Account.name, Opportunity.title)
                .join(Account, Account.id == Opportunity.account_id)
                .where(Opportunity.team_id == team, Opportunity.number.in_(numbers))
            )
        }
    return Workload(
        reps, warmup, open_counts, open_totals, report.plan.currency, deals, report.last_number
    )


class Requests:
    """Builds each command's text and the check of its answer, in request order."""

    def __init__(self, workload: Workload, rng: random.Random) -> None:
        self.workload = workload
        self.rng = rng
        self.next_number = workload.last_number + 1
        self.open_counts = dict(workload.open_counts)  # a rep's own `/opp new` adds to it
        self.changed: set[str] = set()
        self.show_numbers = list(workload.deals)
        rng.shuffle(self.show_numbers)
        self.serial = 0

    def new(self, rep: Rep) -> tuple[str, Check]:
        self.serial += 1
        amount = self.rng.choice(("6000€", "12 500 €", "3k€", "850 €", "45k€"))
        title = self.rng.choice(("Peinture", "Toiture", "Isolation", "Audit énergétique"))
        when = self.rng.choice(("fin décembre", "15 mars", "fin juin", "dans 3 mois"))
        account = f"Client{self.serial}"
        expected = t(rep.lang, "opp.created", number=self.next_number)
        self.next_number += 1

        def check(answer: dict[str, Any]) -> str | None:
            text = _text_of(answer)
            if answer.get("text") != expected:
                return f"expected {expected!r}, got {answer.get('text')!r}"
            if account not in text or title not in text:
                return f"card lacks {account!r} / {title!r}"
            self.open_counts[rep.user_id] = self.open_counts.get(rep.user_id, 0) + 1
            self.changed.add(rep.user_id)  # totals no longer as seeded
            return None

        return f"new {account} {amount} {title} close {when}", check

    def list(self, rep: Rep) -> tuple[str, Check]:
        title = t(rep.lang, "list.title_own")
        count = self.open_counts.get(rep.user_id, 0)
        totals: str | None = None
        if rep.user_id not in self.changed:
            total, weighted = self.workload.open_totals.get(rep.user_id, (0, 0))
            currency = self.workload.currency
            totals = t(
                rep.lang,
                "list.totals",
                count=count,
                total=fmt.money(total, currency, rep.lang),
                weighted=fmt.money(weighted, currency, rep.lang),
            )

        def check(answer: dict[str, Any]) -> str | None:
            text = _text_of(answer)
            if title not in text:
                return f"no {title!r} in {text[:200]!r}"
            found = _COUNT.search(str(answer.get("text", "")))
            if found is None or int(found.group(1)) != count:
                return f"expected {count} open deals, got {found and found.group(1)!r}"
            if totals is not None and totals not in str(answer.get("text", "")):
                return f"expected {totals!r} in {answer.get('text')!r}"
            return None

        return "list", check

    def show(self, rep: Rep) -> tuple[str, Check]:
        number = self.show_numbers.pop()
        account, title = self.workload.deals[number]
        expected = f"#{number} · {fmt.escape(account)} — {fmt.escape(title)}"

        def check(answer: dict[str, Any]) -> str | None:
            if answer.get("text") != expected:
                return f"expected {expected!r}, got {str(answer.get('text'))[:200]!r}"
            return None

        return f"show #{number}", check

    def build(self, command: str, rep: Rep) -> tuple[str, Check]:
        builder: Callable[[Rep], tuple[str, Check]] = getattr(self, command)
        return builder(rep)


def measure(
    server: Server,
    slack: LocalSlack,
    workload: Workload,
    *,
    requests: int,
    warmup: int,
    rng: random.Random,
) -> tuple[list[Sample], list[Sample]]:
    """Warm up, then round-robin the three commands so the box's noise hits them alike."""
    plan = Requests(workload, rng)
    seen: set[str] = set()

    def one(command: str, rep: Rep) -> Sample:
        text, check = plan.build(command, rep)
        ms, status, body = timed_command(server, slack, rep.user_id, text)
        first = rep.user_id not in seen
        seen.add(rep.user_id)
        return Sample(command, rep.user_id, ms, first, checked(status, body, check))

    warm = [
        one(COMMANDS[i % len(COMMANDS)], workload.warmup_reps[i % len(workload.warmup_reps)])
        for i in range(warmup)
    ]
    samples: list[Sample] = []
    for index in range(requests):
        for command in COMMANDS:
            reps = workload.reps[command]
            samples.append(one(command, reps[index % len(reps)]))
    return warm, samples


# --- statistics and reports -----------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile: a value that was actually observed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p90": percentile(values, 90),
        "p99": percentile(values, 99),
        "max": max(values),
        "mean": statistics.fmean(values),
    }


@dataclass
class EngineResult:
    engine: str
    seed: SeedReport
    starts_s: list[float]
    samples: list[Sample]
    warmup: list[Sample]
    troubles: list[str]
    environment: dict[str, Any]
    users_info_calls: int

    def of(self, command: str) -> list[Sample]:
        return [s for s in self.samples if s.command == command]

    def command_stats(self, command: str) -> dict[str, Any]:
        samples = self.of(command)
        failures = [s for s in samples if s.failure]
        first = [s.ms for s in samples if s.first_for_user]
        return {
            **summary([s.ms for s in samples]),
            "failures": len(failures),
            "failure_examples": [f"{s.user_id}: {s.failure}" for s in failures[:5]],
            "first_request_per_user": summary(first) if first else None,
            "passed": not failures and percentile([s.ms for s in samples], 99) < ACK_TARGET_MS,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "environment": self.environment,
            "seed": self.seed.as_dict(),
            "start_to_healthy_s": {
                "samples": self.starts_s,
                "median": statistics.median(self.starts_s),
                "max": max(self.starts_s),
                "target": START_TARGET_S,
            },
            "ack_target_p99_ms": ACK_TARGET_MS,
            "commands": {
                command: {
                    **self.command_stats(command),
                    "samples_ms": [round(s.ms, 3) for s in self.of(command)],
                    "first_for_user": [s.first_for_user for s in self.of(command)],
                }
                for command in COMMANDS
            },
            "warmup": {
                "samples_ms": [round(s.ms, 3) for s in self.warmup],
                "failures": [s.failure for s in self.warmup if s.failure],
            },
            "users_info_calls": self.users_info_calls,
            "server_errors_and_warnings": self.troubles,
        }


LABELS = {"new": "`/opp new <text>`", "list": "`/opp list`", "show": "`/opp show #N`"}


def markdown(results: Sequence[EngineResult]) -> str:
    rows = [
        "| engine | measure | n | p50 | p90 | p99 | max | target | errors | result |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |",
    ]
    for result in results:
        starts = result.starts_s
        ok = max(starts) < START_TARGET_S
        rows.append(
            f"| {result.engine} | start → healthy /healthz | {len(starts)} "
            f"| {statistics.median(starts):.2f} s | | | {max(starts):.2f} s "
            f"| < {START_TARGET_S:.0f} s | 0 | {'pass' if ok else 'FAIL'} |"
        )
        for command in COMMANDS:
            s = result.command_stats(command)
            rows.append(
                f"| {result.engine} | {LABELS[command]} ack | {s['n']} | {s['p50']:.1f} ms "
                f"| {s['p90']:.1f} ms | {s['p99']:.1f} ms | {s['max']:.1f} ms "
                f"| p99 < {ACK_TARGET_MS:.0f} ms | {s['failures']} "
                f"| {'pass' if s['passed'] else 'FAIL'} |"
            )
    return "\n".join(rows)


# --- one engine, end to end ----------------------------------------------------------------


def environment(db: Database) -> dict[str, Any]:
    with db.engine.connect() as conn:
        version = conn.exec_driver_sql(
            "SELECT sqlite_version()" if db.is_sqlite else "SHOW server_version"
        ).scalar()
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "database": f"{db.engine.dialect.name} {version}",
        "sqlite_module": sqlite3.sqlite_version,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def run_engine(engine: str, args: argparse.Namespace) -> EngineResult:
    print(f"== {engine}", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix=f"salesbot-bench-{engine}-"))
    try:
        with throwaway(engine, workdir, keep=args.keep) as url:
            db = Database(url)
            db.migrate()
            plan = SeedPlan(
                reps=args.reps, accounts=args.accounts, opportunities=args.opportunities
            )
            report = seed(db, plan, now=datetime.now(UTC))
            print(
                f"  seeded {report.opportunities:,} opportunities ({report.open:,} open), "
                f"{report.accounts:,} accounts, {plan.reps} reps in {report.seconds:.1f} s",
                flush=True,
            )
            rng = random.Random(args.random_seed)
            users = slack_users(rep_ids(plan.reps))
            workload = plan_workload(
                db, report, users, per_command=args.users, rng=rng, requests=args.requests
            )
            info = environment(db)
            db.dispose()
            with LocalSlack(users=users, team_id=plan.team_id) as slack:
                starts: list[float] = []
                troubles: list[str] = []
                server: Server | None = None
                for attempt in range(args.starts):
                    server, seconds = start_server(url, slack, workdir)
                    starts.append(seconds)
                    if attempt < args.starts - 1:
                        server.stop()
                        troubles += server.troubles
                assert server is not None
                print("  start → healthy: " + ", ".join(f"{s:.2f} s" for s in starts), flush=True)
                try:
                    warm, samples = measure(
                        server,
                        slack,
                        workload,
                        requests=args.requests,
                        warmup=args.warmup,
                        rng=rng,
                    )
                finally:
                    server.stop()
                info["load_average_after"] = os.getloadavg()
                troubles += server.troubles
                users_info_calls = len(slack.calls_to("users.info"))
    finally:
        if args.keep and engine == "sqlite":
            print(f"  kept SQLite database in {workdir}", flush=True)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    result = EngineResult(engine, report, starts, samples, warm, troubles, info, users_info_calls)
    asked = len({s.user_id for s in samples + warm})
    print(f"  users.info calls: {users_info_calls} for {asked} distinct reps", flush=True)
    for command in COMMANDS:
        stats = result.command_stats(command)
        print(
            f"  {command:5} p50 {stats['p50']:6.1f}  p90 {stats['p90']:6.1f}  "
            f"p99 {stats['p99']:6.1f}  max {stats['max']:6.1f} ms  failures {stats['failures']}",
            flush=True,
        )
        for example in stats["failure_examples"]:
            print(f"    ! {example}", flush=True)
    warm_failures = [f"{s.command} {s.user_id}: {s.failure}" for s in warm if s.failure]
    print(f"  warm-up failures: {len(warm_failures)}", flush=True)
    for example in warm_failures[:5]:
        print(f"    ! {example}", flush=True)
    before, after = info["load_average"][0], info["load_average_after"][0]
    print(f"  load average (1 min) before {before:.2f}, after {after:.2f}", flush=True)
    if after > BUSY_LOAD:
        print("  ! other processes were busy during the run: the latencies are pessimistic")
    if users_info_calls != asked:
        print("  ! users.info was not called once per rep: the profile path is not measured")
    for line in troubles[:10]:
        print(f"  [server] {line}", flush=True)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"ack-{engine}.json"
    out.write_text(json.dumps(result.as_dict(), indent=1, ensure_ascii=False) + "\n")
    print(f"  raw numbers: {out.relative_to(ROOT)}", flush=True)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--opportunities", type=int, default=SeedPlan.opportunities)
    parser.add_argument("--reps", type=int, default=SeedPlan.reps)
    parser.add_argument("--accounts", type=int, default=SeedPlan.accounts)
    parser.add_argument("--requests", type=int, default=300, help="measured requests per command")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests first")
    parser.add_argument("--users", type=int, default=20, help="distinct reps per command")
    parser.add_argument("--starts", type=int, default=5, help="cold starts to time")
    parser.add_argument("--random-seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the seeded database(s)")
    args = parser.parse_args(argv)
    engines = ("sqlite", "postgres") if args.engine == "both" else (args.engine,)
    started = time.perf_counter()
    results = [run_engine(engine, args) for engine in engines]
    print()
    print(markdown(results))
    print()
    for result in results:
        print(
            f"{result.engine}: seeded {result.seed.opportunities:,} opportunities in "
            f"{result.seed.seconds:.1f} s ({result.seed.rows_per_second:,.0f} rows/s)"
        )
    print(f"total {time.perf_counter() - started:.0f} s")
    passed = all(
        max(r.starts_s) < START_TARGET_S
        and all(r.command_stats(c)["passed"] for c in COMMANDS)
        and not any(s.failure for s in r.warmup)
        for r in results
    )
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
