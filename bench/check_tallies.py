"""At scale, do the stats' running totals kept by the writers equal a recount?

Runs real commands (move, win, lose, reopen, edit of amount/owner/origin/product), each in its
own transaction as the bot does, on `--changes` random deals of a seeded workspace (the
`bench_stats.py` databases), then recounts the totals from the deals inside a transaction that
is rolled back, and compares every group. Exits 1 on any difference.

    .venv/bin/python bench/check_tallies.py --database-url sqlite:////tmp/salesbot-bench/stats.db
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commands.context import Actor
from commands.deals import edit as opp_edit
from commands.deals import transitions
from storage import queries, tallies
from storage.db import Database
from storage.models import (
    Opportunity,
    Role,
    Status,
)


def change(session: Session, actor: Actor, deal: Opportunity, rng: random.Random) -> str:
    if deal.status != Status.OPEN:
        transitions.reopen(session=session, actor=actor, opportunity=deal)
        return "reopen"
    kind = rng.choice(("move", "win", "lose", "edit"))
    if kind == "move":
        stages = queries.live_stages(deal.process)
        stage = rng.choice([s for s in stages if s.id != deal.stage_id])
        transitions.move(session=session, actor=actor, opportunity=deal, stage=stage)
    elif kind == "win":
        transitions.win(session=session, actor=actor, opportunity=deal)
    elif kind == "lose":
        transitions.lose(session=session, actor=actor, opportunity=deal, reason="Prix")
    else:
        owners = queries.members_with_role(session=session, team_id=deal.team_id, role=Role.REP)
        edit = opp_edit.Changes(
            amount_minor=rng.randint(1, 10**8),
            owner_id=rng.choice(owners),
            origin=rng.choice(("Salon", "salon", "Web")),
            product=rng.choice(("Audit", "AUDIT", "Toiture")),
        )
        opp_edit.apply(session=session, actor=actor, opportunity=deal, changes=edit)
    return kind


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--team", default="T0BENCH")
    parser.add_argument("--admin", default="U0ADMIN")
    parser.add_argument("--changes", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    db = Database(args.database_url)
    rng = random.Random(args.seed)
    with db.reading() as session:
        ids = list(session.scalars(select(Opportunity.id).where(Opportunity.team_id == args.team)))
    done: Counter[str] = Counter()
    started = time.perf_counter()
    for deal_id in rng.sample(ids, min(args.changes, len(ids))):
        actor = Actor(args.team, args.admin, "fr", "Europe/Paris", Role.ADMIN, datetime.now(UTC))
        with db.transaction() as session:
            done[change(session, actor, session.get_one(Opportunity, deal_id), rng)] += 1
    spent = (time.perf_counter() - started) * 1000 / max(1, sum(done.values()))
    print(f"{dict(done)}: {spent:.1f} ms per change (transaction included)")
    with db.transaction() as session:
        kept = tallies.groups(session, args.team)
        tallies.rebuild(session, args.team)
        again = tallies.groups(session, args.team)
        session.rollback()  # a check: the recount is not kept
    differing = {name: len(kept[name] ^ again[name]) for name in kept}
    print("groups differing from a recount:", differing)
    return 0 if not any(differing.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
