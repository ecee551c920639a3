"""Load benchmark: 20 concurrent clients of the real `salesbot http`, as Slack would send.

    nice .venv/bin/python bench/bench_load.py [--engine sqlite|postgres|both]
        [--clients 20] [--requests 500] [--hang 0]

Seeds a workspace (bench/seed.py, 10,000 opportunities over 40 reps), starts the server against
a fake Slack on loopback, then runs `--clients` threads, each a rep sending `--requests` signed
requests in a fixed mix: `/opp new …` (creates), `/opp list`, `/pipeline` (the board) and
"advance" clicks on the rep's own cards. `--hang S` makes the fake Slack's `views.publish`
answer only after S seconds (Slack slow or stuck), the call every change used to wait for.

Reports requests per second, the ack (HTTP answer) p50/p99/max, answers past Slack's 3 s,
answers other than 200, and rows written behind the user's back: deals in the database after
the run that no successful create answer named.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ack import SECRET, Server, slack_users, start_server
from databases import throwaway
from seed import SeedPlan, rep_ids, seed
from sqlalchemy import func, select

from bot.devtools.localslack import LocalSlack
from bot.devtools.slack_http import Args, Reply
from bot.devtools.slackreq import (
    block_actions_payload,
    command_body,
    interaction_body,
    signed_headers,
)
from storage.db import Database
from storage.models import Opportunity, Stage, Status

RESULTS = Path(__file__).resolve().parent / "results"
TEAM = SeedPlan.team_id
PLAN = SeedPlan(reps=40, accounts=500, opportunities=10_000)
SLACK_DEADLINE_MS = 3000.0
MIX = ("new", "list", "board", "click", "new", "click", "list", "click")
_CREATED = re.compile(r"#(\d+) (?:logged|enregistr)")
_SORRY = re.compile(r"Sorry, something went wrong|sol\\u00e9, quelque chose|solé, quelque chose")


class SlowSlack(LocalSlack):
    """The fake Slack, with `views.publish` answering only after `hang` seconds."""

    hang: float = 0.0

    def _api(self, method: str, args: Args, authorization: str | None) -> Reply:
        if method == "views.publish" and self.hang:
            time.sleep(self.hang)  # on the fake's own server thread, as a stuck Slack would
        return super()._api(method, args, authorization)


@dataclass
class Tally:
    acks: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    late: int = 0
    non_200: list[str] = field(default_factory=list)
    created: set[int] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)  # 200, but "sorry, nothing was changed"
    lock: threading.Lock = field(default_factory=threading.Lock)


def post(server: Server, body: str) -> tuple[float, int, str]:
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(SECRET, body)}
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    started = time.perf_counter()
    try:
        conn.request("POST", "/slack/events", body=body.encode(), headers=headers)
        response = conn.getresponse()
        data = response.read().decode("utf-8", "replace")
        return (time.perf_counter() - started) * 1000, response.status, data
    finally:
        conn.close()


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def open_cards(db: Database, reps: list[str]) -> dict[str, list[list[int]]]:
    """Each rep's open deals below the last stage, as [number, version] to click on."""
    cards: dict[str, list[list[int]]] = {rep: [] for rep in reps}
    with db.reading() as session:
        last = session.scalar(select(func.max(Stage.position)))
        rows = session.execute(
            select(Opportunity.owner_id, Opportunity.number, Opportunity.version)
            .join(Stage, Stage.id == Opportunity.stage_id)
            .where(
                Opportunity.team_id == TEAM,
                Opportunity.status == Status.OPEN,
                Opportunity.owner_id.in_(reps),
                Stage.position < last,
            )
        ).all()
    for owner, number, version in rows:
        cards[owner].append([number, version])
    return cards


def client(
    server: Server,
    slack: LocalSlack,
    user: str,
    cards: list[list[int]],
    requests: int,
    tally: Tally,
    seed_value: int,
) -> None:
    rng = random.Random(seed_value)
    for index in range(requests):
        kind = MIX[index % len(MIX)]
        url = slack.response_url(uuid.uuid4().hex)
        if kind == "click" and cards:
            card = rng.choice(cards)
            payload = block_actions_payload(
                team_id=TEAM,
                user_id=user,
                action={
                    "action_id": "opp_advance",
                    "block_id": f"opp:{card[0]}:a",
                    "type": "button",
                    "value": f"{card[0]}:{card[1]}",
                },
                response_url=url,
                message={"ts": "1.0", "blocks": []},
            )
            body = interaction_body(payload)
            card[1] += 1  # the next click on it comes from the redrawn card
        else:
            command, text = {
                "new": ("/opp", f"new Load{user}-{index} {rng.randint(1, 90)}k€ Audit fin juin"),
                "list": ("/opp", "list"),
                "board": ("/pipeline", ""),
            }.get(kind, ("/opp", "list"))
            body = command_body(
                team_id=TEAM, user_id=user, command=command, text=text, response_url=url
            )
        try:
            ms, status, data = post(server, body)
        except OSError as error:
            ms, status, data = 30_000.0, 0, str(error)
        with tally.lock:
            tally.acks.append(ms)
            tally.by_kind.setdefault(kind, []).append(ms)
            tally.late += ms > SLACK_DEADLINE_MS
            if status != 200:
                tally.non_200.append(f"{kind}: {status} after {ms:.0f} ms {data[:80]}")
            elif _SORRY.search(data):
                tally.refused.append(f"{kind}: after {ms:.0f} ms")
            elif kind == "new":
                found = _CREATED.search(data)
                if found:
                    tally.created.add(int(found.group(1)))


def run_engine(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, throwaway(engine, Path(tmp)) as url:
        db = Database(url)
        db.migrate()
        seed(db, PLAN, now=datetime.now(UTC))
        reps = rep_ids(PLAN.reps)
        users = reps[: args.clients]
        cards = open_cards(db, users)
        with db.reading() as session:
            before = set(session.scalars(select(Opportunity.number)))
        slack = SlowSlack(users=slack_users(reps), team_id=TEAM).start()
        slack.hang = args.hang
        server, _ = start_server(url, slack, Path(tmp))
        tally = Tally()
        threads = [
            threading.Thread(
                target=client,
                args=(server, slack, user, cards[user], args.requests, tally, index),
            )
            for index, user in enumerate(users)
        ]
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            seconds = time.perf_counter() - started
            time.sleep(min(args.hang, 1.0) + 0.5)  # a write still running when its ack failed
            publishes = len(slack.calls_to("views.publish"))
        finally:
            server.stop()
            slack.stop()
        with db.reading() as session:
            after = set(session.scalars(select(Opportunity.number)))
        db.dispose()
    written = after - before
    acks = tally.acks
    return {
        "engine": engine,
        "hang_s": args.hang,
        "clients": args.clients,
        "requests": len(acks),
        "seconds": seconds,
        "req_per_s": len(acks) / seconds,
        "ack_ms": {"p50": statistics.median(acks), "p99": pct(acks, 99), "max": max(acks)},
        "p99_by_kind_ms": {k: round(pct(v, 99)) for k, v in sorted(tally.by_kind.items())},
        "past_3s": tally.late,
        "non_200": len(tally.non_200),
        "non_200_samples": tally.non_200[:5],
        "answered_sorry": len(tally.refused),
        "sorry_samples": tally.refused[:5],
        "created_answered": len(tally.created),
        "home_publishes": publishes,
        "rows_written": len(written),
        "unacknowledged_rows": len(written - tally.created),
        "load_average_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "server_troubles": [t for t in server.troubles if "waitress.queue" not in t][:5],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=500, help="per client")
    parser.add_argument("--hang", type=float, default=0.0, help="views.publish delay, seconds")
    parser.add_argument("--label", default="", help="suffix of the results file")
    args = parser.parse_args()
    results = []
    for engine in ["sqlite", "postgres"] if args.engine == "both" else [args.engine]:
        result = run_engine(engine, args)
        results.append(result)
        RESULTS.mkdir(exist_ok=True)
        name = f"load-{engine}-hang{args.hang:g}{'-' + args.label if args.label else ''}.json"
        (RESULTS / name).write_text(json.dumps(result, indent=2))
    print(
        "| engine | views.publish | requests | req/s | ack p50 | ack p99 | ack max | past 3 s "
        '| non-200 | "sorry" | unacknowledged rows | load avg |'
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        a = r["ack_ms"]
        slack = f"hangs {r['hang_s']:g} s" if r["hang_s"] else "ok"
        print(
            f"| {r['engine']} | {slack} | {r['requests']} | {r['req_per_s']:.0f} | "
            f"{a['p50']:.0f} ms | {a['p99']:.0f} ms | "
            f"{a['max']:.0f} ms | {r['past_3s']} | {r['non_200']} | {r['answered_sorry']} | "
            f"{r['unacknowledged_rows']} of {r['rows_written']} | "
            f"{r['load_average_1m'][0]}→{r['load_average_1m'][1]} |"
        )
        print("    p99 by kind:", r["p99_by_kind_ms"], "views.publish calls:", r["home_publishes"])
        for line in r["non_200_samples"] + r["sorry_samples"] + r["server_troubles"]:
            print("   ", line[:160])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
