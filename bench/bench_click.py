"""Benchmark of a button click (advance) at 100,000 opportunities, through real HTTP.

    .venv/bin/python bench/bench_click.py [--engine sqlite|postgres|both] [--clicks 300]

Seeds 100,000 opportunities over 200 reps (bench/seed.py), starts `salesbot http`, and clicks
"advance" on real cards as Slack would send it (a signed `block_actions` payload with the card's
blocks). Measures the ack (HTTP response, target p99 < 100 ms) and, after it, the time until
the card is redrawn in place (the response_url post the fake Slack records). Each click is
checked: 200, a redraw that names the new stage, and one stage change in the database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ack import SECRET, Server, slack_users, start_server
from databases import throwaway
from seed import SeedPlan, rep_ids, seed
from sqlalchemy import select

from bot.devtools.localslack import LocalSlack
from bot.devtools.slackreq import block_actions_payload, interaction_body, signed_headers
from storage.db import Database
from storage.models import Opportunity, Stage, Status

RESULTS = Path(__file__).resolve().parent / "results"
TEAM = SeedPlan.team_id


def post(server: Server, body: str) -> tuple[float, int]:
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(SECRET, body)}
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        started = time.perf_counter()
        conn.request("POST", "/slack/events", body=body.encode(), headers=headers)
        response = conn.getresponse()
        response.read()
        return (time.perf_counter() - started) * 1000, response.status
    finally:
        conn.close()


def card_blocks(number: int, version: int) -> list[dict[str, Any]]:
    """The blocks of a summary card as `/opp list` shows it (what Slack sends back)."""
    return [
        {"type": "section", "block_id": f"opp:{number}:s", "text": {"type": "mrkdwn", "text": "…"}},
        {
            "type": "actions",
            "block_id": f"opp:{number}:a",
            "elements": [
                {"type": "button", "action_id": "opp_advance", "value": f"{number}:{version}"}
            ],
        },
    ]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_engine(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, throwaway(engine, Path(tmp)) as url:
        db = Database(url)
        db.migrate()
        report = seed(db, SeedPlan(), now=datetime.now(UTC))
        reps = rep_ids(SeedPlan.reps)
        rng = random.Random(5)
        with db.reading() as session:
            # Open deals that are not at the last stage yet, of a few reps.
            last = session.scalar(select(Stage.position).order_by(Stage.position.desc()).limit(1))
            rows = session.execute(
                select(Opportunity.number, Opportunity.version, Opportunity.owner_id)
                .join(Stage, Stage.id == Opportunity.stage_id)
                .where(
                    Opportunity.team_id == TEAM,
                    Opportunity.status == Status.OPEN,
                    Opportunity.owner_id.in_(reps[:20]),
                    Stage.position < last,
                )
            ).all()
        rng.shuffle(rows)
        targets = rows[: args.clicks + args.warmup]
        slack = LocalSlack(users=slack_users(reps), team_id=TEAM).start()
        server, started_in = start_server(url, slack, Path(tmp))
        acks: list[float] = []
        redraws: list[float] = []
        failures: list[str] = []
        try:
            for index, (number, version, owner) in enumerate(targets):
                key = f"click{index}"
                payload = block_actions_payload(
                    team_id=TEAM,
                    user_id=owner,
                    action={
                        "action_id": "opp_advance",
                        "block_id": f"opp:{number}:a",
                        "type": "button",
                        "value": f"{number}:{version}",
                    },
                    response_url=slack.response_url(key),
                    message={"ts": "1.0", "blocks": card_blocks(number, version)},
                )
                sent = time.perf_counter()
                ms, status = post(server, interaction_body(payload))
                call = slack.wait_for(
                    "response_url", lambda c, k=key: c.args.get("key") == k, timeout=10
                )
                # The redraw comes after the ack, from the listener thread: until it is posted.
                redraw_ms = (time.perf_counter() - sent) * 1000
                text = str(call.args.get("text", ""))
                if status != 200 or not ("passe en" in text or "moved to" in text):
                    failures.append(f"#{number}: {status} {text[:80]}")
                if index >= args.warmup:
                    acks.append(ms)
                    redraws.append(redraw_ms)
        finally:
            server.stop()
            slack.stop()
        with db.reading() as session:
            moved = session.scalar(
                select(Opportunity.version).where(
                    Opportunity.team_id == TEAM, Opportunity.number == targets[-1][0]
                )
            )
        db.dispose()
    return {
        "engine": engine,
        "opportunities": report.opportunities,
        "start_s": started_in,
        "clicks": len(acks),
        "failures": failures,
        "last_version_after": moved,
        "ack": {"p50": statistics.median(acks), "p99": pct(acks, 99), "max": max(acks)},
        "redrawn": {
            "p50": statistics.median(redraws),
            "p99": pct(redraws, 99),
            "max": max(redraws),
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--clicks", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()
    results = []
    for engine in ["sqlite", "postgres"] if args.engine == "both" else [args.engine]:
        result = run_engine(engine, args)
        results.append(result)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"click-{engine}.json").write_text(json.dumps(result, indent=2))
    print("| engine | clicks | ack p50 | ack p99 | ack max | redrawn p50 | redrawn p99 | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        a, d = r["ack"], r["redrawn"]
        print(
            f"| {r['engine']} | {r['clicks']} | {a['p50']:.1f} ms | {a['p99']:.1f} ms | "
            f"{a['max']:.1f} ms | {d['p50']:.1f} ms | {d['p99']:.1f} ms | "
            f"{len(r['failures'])} |"
        )
        for failure in r["failures"][:5]:
            print("   ", failure)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
