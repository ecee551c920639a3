"""Bulk-load a workspace with years of realistic history: 1M deals, 5M stage changes in minutes.

`seed.py` gives each deal one "created" row, which is all the board and the forecast read. The
analytics read the history itself (stage moves, wins and losses, amount changes), so this loader
writes, for every deal, a life that is consistent with its row in `opportunities`:

- created at some point of the last `years` (more deals recently: the company grows);
- walked through the process's stages from the first (a few skipped, a few moved back), each
  stay lasting a stage-dependent random time; `stage_entered_at` is the last move;
- closed (won or lost, with the "status" row) when its walk ended before `now`, mostly for the
  older deals; a few lost deals were reopened once and lost again;
- amount changes whose last `to_value` is the deal's amount, close-date slips, a few
  probability overrides and owner changes — padded so the total is `changes_per_deal` × deals.

The workspace, its reps (under managers `U0MGR01…`, each with 20 reps) and an admin `U0ADMIN`
go through the bot's own bootstrap; accounts reuse `seed.py`. Rows go in with Core `insert()`
with explicit ids; PostgreSQL's sequences are moved past them and the tables `ANALYZE`d.

    .venv/bin/python bench/seed_history.py --database-url sqlite:///big.db --opportunities 1000000
"""

from __future__ import annotations

import argparse
import math
import random
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from seed import (
    _NEXT_STEPS,
    _ORIGINS,
    _PRODUCTS,
    _TITLES,
    LOST_STAGE_WEIGHTS,
    OPEN_STAGE_WEIGHTS,
    OPPORTUNITIES,
    STAGE_CHANGES,
    SeedPlan,
    _amount_minor,
    _load_accounts,
    _next_id,
    rep_ids,
)
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from commands.workspace import ensure_member, ensure_workspace
from storage import queries, stays, tallies
from storage.db import Database
from storage.models import Account, Role, Status, Workspace

ADMIN_ID = "U0ADMIN"
REPS_PER_MANAGER = 20
# Mean days spent in each of the five default stages before moving on (or closing).
STAGE_MEAN_DAYS = (6.0, 9.0, 14.0, 18.0, 10.0)


def manager_id(index: int) -> str:
    return f"U0MGR{index:02d}"


@dataclass(frozen=True)
class HistoryPlan:
    team_id: str = "T0BENCH"
    reps: int = 200
    accounts: int = 20_000
    opportunities: int = 1_000_000
    changes_per_deal: float = 5.0
    years: float = 3.0
    batch_size: int = 5_000
    random_seed: int = 20_261_127
    language: str = "fr"
    timezone: str = "Europe/Paris"
    currency: str = "EUR"


@dataclass(frozen=True)
class HistoryReport:
    plan: HistoryPlan
    seconds: float
    opportunities: int
    changes: int
    open: int
    won: int
    lost: int

    def as_dict(self) -> dict[str, Any]:
        return {**{k: v for k, v in asdict(self).items() if k != "plan"}, "plan": asdict(self.plan)}


def seed_history(db: Database, plan: HistoryPlan, *, now: datetime) -> HistoryReport:
    """Load `plan` into a migrated database whose workspace holds no deals yet."""
    rng = random.Random(plan.random_seed)
    started = time.perf_counter()
    reps = rep_ids(plan.reps)
    with db.transaction() as session:
        workspace = ensure_workspace(
            session=session,
            team_id=plan.team_id,
            now=now,
            language=plan.language,
            timezone=plan.timezone,
            currency=plan.currency,
        )
        if workspace.opportunity_seq:
            raise SystemExit(f"{plan.team_id} already has deals: seed an empty database")
        _people(session, plan, reps, now)
        process = queries.active_processes(session=session, team_id=plan.team_id)[0]
        stage_ids = [s.id for s in queries.live_stages(process)]
        process_id = process.id
    _load_accounts(
        db,
        SeedPlan(team_id=plan.team_id, accounts=plan.accounts, batch_size=plan.batch_size),
        rng=rng,
        now=now,
    )
    with db.reading() as session:
        account_ids = list(
            session.scalars(select(Account.id).where(Account.team_id == plan.team_id))
        )
        first_id = _next_id(session, OPPORTUNITIES.c.id)
        first_change = _next_id(session, STAGE_CHANGES.c.id)
    writer = _Writer(plan, rng, now, reps, account_ids, process_id, stage_ids)
    counts = dict.fromkeys(Status, 0)
    done = 0
    while done < plan.opportunities:
        size = min(plan.batch_size, plan.opportunities - done)
        deals: list[dict[str, Any]] = []
        changes: list[dict[str, Any]] = []
        for index in range(done, done + size):
            status = writer.deal(first_id + index, index + 1, deals, changes)
            counts[status] += 1
        for offset, change in enumerate(changes):
            change["id"] = first_change + writer.written + offset
        writer.written += len(changes)
        with db.transaction() as session:
            if db.is_sqlite:
                session.execute(text("PRAGMA cache_size = -262144"))
            session.execute(OPPORTUNITIES.insert(), deals)
            session.execute(STAGE_CHANGES.insert(), changes)
        done += size
    with db.transaction() as session:
        session.execute(
            update(Workspace)
            .where(Workspace.team_id == plan.team_id)
            .values(opportunity_seq=plan.opportunities)
        )
        # Loaded around the ORM: the stats' running totals are counted once, at the end.
        tallies.rebuild(session, plan.team_id)
        if not db.is_sqlite:
            for table in ("accounts", "opportunities", "stage_changes"):
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                    )
                )
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # Production databases have statistics and, on PostgreSQL, a visibility map for
        # index-only scans (autovacuum; `ANALYZE` by the bot on SQLite); give them the same
        # here (autovacuum may be off, or not yet round, on a benchmark machine).
        conn.execute(text("ANALYZE" if db.is_sqlite else "VACUUM (ANALYZE)"))
        conn.commit()  # SQLite: our "begin" listener opened a transaction all the same
    return HistoryReport(
        plan=plan,
        seconds=time.perf_counter() - started,
        opportunities=plan.opportunities,
        changes=writer.written,
        open=counts[Status.OPEN],
        won=counts[Status.WON],
        lost=counts[Status.LOST],
    )


def _people(session: Session, plan: HistoryPlan, reps: list[str], now: datetime) -> None:
    managers = max(1, math.ceil(len(reps) / REPS_PER_MANAGER))
    for index in range(1, managers + 1):
        member = ensure_member(
            session=session, team_id=plan.team_id, user_id=manager_id(index), now=now
        )
        member.role, member.name = Role.MANAGER, f"Manager {index:02d}"
    for index, user_id in enumerate(reps):
        member = ensure_member(session=session, team_id=plan.team_id, user_id=user_id, now=now)
        member.name = f"Commercial {index + 1:03d}"
        member.manager_id = manager_id(index // REPS_PER_MANAGER + 1)
    admin = ensure_member(session=session, team_id=plan.team_id, user_id=ADMIN_ID, now=now)
    admin.role, admin.name = Role.ADMIN, "Admin"


class _Writer:
    """Generates one deal and its history at a time, keeping the change count on target."""

    def __init__(
        self,
        plan: HistoryPlan,
        rng: random.Random,
        now: datetime,
        reps: list[str],
        account_ids: list[int],
        process_id: int,
        stage_ids: list[int],
    ) -> None:
        self.plan, self.rng, self.now = plan, rng, now
        self.reps, self.account_ids = reps, account_ids
        self.process_id, self.stage_ids = process_id, stage_ids
        self.span = timedelta(days=plan.years * 365.25)
        self.written = 0  # changes handed out so far (ids)
        self.generated = 0  # changes generated so far (the pad keeps it on target)
        self.deals = 0
        self.open_weights = list(OPEN_STAGE_WEIGHTS[: len(stage_ids)])
        self.lost_weights = list(LOST_STAGE_WEIGHTS[: len(stage_ids)])

    def _created(self) -> datetime:
        # sqrt of a uniform draw: density grows linearly towards now (a growing company).
        back = self.span * (1 - math.sqrt(self.rng.random()))
        return self.now - back - timedelta(hours=1 + self.rng.random() * 24)

    def _path(self, last: int) -> list[int]:
        """Stage indexes visited, first to `last`: some skipped, sometimes one step back."""
        rng = self.rng
        path = [0]
        for index in range(1, last + 1):
            if index < last and rng.random() < 0.15:
                continue
            path.append(index)
            if index >= 2 and index < last and rng.random() < 0.05:
                path += [index - 1, index]
        return path

    def deal(
        self,
        opportunity_id: int,
        number: int,
        deals: list[dict[str, Any]],
        changes: list[dict[str, Any]],
    ) -> Status:
        rng, now, plan = self.rng, self.now, self.plan
        created = self._created()
        # What the deal is heading for; whether it got there by now depends on the clock.
        # Old deals left open are rarer: most get closed (or lost) in the end.
        young = now - created < timedelta(days=180)
        weights = (30, 45, 25) if young else (33, 57, 10)
        outcome = rng.choices((Status.WON, Status.LOST, Status.OPEN), weights)[0]
        if outcome == Status.WON:
            last = len(self.stage_ids) - 1 if rng.random() < 0.8 else len(self.stage_ids) - 2
        elif outcome == Status.LOST:
            last = rng.choices(range(len(self.stage_ids)), self.lost_weights)[0]
        else:
            last = rng.choices(range(len(self.stage_ids)), self.open_weights)[0]
        path = self._path(last)
        moments = [created]
        for index in path[:-1]:
            stay = rng.expovariate(1 / STAGE_MEAN_DAYS[min(index, len(STAGE_MEAN_DAYS) - 1)])
            moments.append(moments[-1] + timedelta(days=stay))
        close_stay = rng.expovariate(1 / STAGE_MEAN_DAYS[min(path[-1], 4)])
        closed_at = moments[-1] + timedelta(days=close_stay)
        # The walk is cut by the clock: a deal whose future lies ahead is open where it stands.
        reached = sum(1 for m in moments if m < now)
        cut_short = reached < len(moments)
        path, moments = path[:reached], moments[:reached]
        status = outcome
        if outcome == Status.OPEN or cut_short or closed_at >= now:
            status = Status.OPEN
        owner = rng.choice(self.reps)
        amount = _amount_minor(rng)
        stage_id = self.stage_ids[path[-1]]
        rows: list[tuple[datetime, dict[str, Any]]] = []

        def change(at: datetime, kind: str, **values: Any) -> None:
            rows.append(
                (
                    at,
                    {
                        "team_id": plan.team_id,
                        "opportunity_id": opportunity_id,
                        "kind": kind,
                        "changed_by": owner,
                        "changed_at": at,
                        "from_stage_id": values.get("from_stage_id"),
                        "to_stage_id": values.get("to_stage_id"),
                        "from_value": values.get("from_value"),
                        "to_value": values.get("to_value"),
                    },
                )
            )

        change(created, "created", to_stage_id=self.stage_ids[path[0]], to_value="open")
        for i in range(1, len(path)):
            change(
                moments[i],
                "stage",
                from_stage_id=self.stage_ids[path[i - 1]],
                to_stage_id=self.stage_ids[path[i]],
            )
        end = closed_at if status != Status.OPEN else now
        if status != Status.OPEN:
            if status == Status.LOST and rng.random() < 0.02:
                # Lost, reopened a little later, lost again at `closed_at`.
                first = moments[-1] + (closed_at - moments[-1]) * 0.4
                again = moments[-1] + (closed_at - moments[-1]) * 0.6
                change(first, "status", from_value="open", to_value="lost", from_stage_id=stage_id)
                change(again, "status", from_value="lost", to_value="open", to_stage_id=stage_id)
            change(
                closed_at, "status", from_value="open", to_value=str(status), from_stage_id=stage_id
            )
        span = max((end - created).total_seconds(), 60.0)

        def moment() -> datetime:
            return created + timedelta(seconds=rng.uniform(1.0, span - 1.0))

        amounts = rng.choices((0, 1, 2), (65, 25, 10))[0]
        after = amount
        for at in sorted((moment() for _ in range(amounts)), reverse=True):
            before = max(20_000, round(after * rng.uniform(0.6, 1.4) / 10_000) * 10_000)
            if before != after:
                change(at, "amount", from_value=str(before), to_value=str(after))
            after = before
        close_date = (
            closed_at.date()
            if status != Status.OPEN
            else now.date() + timedelta(days=rng.randint(-20, 200))
        )
        override = rng.choice((20, 30, 50, 60, 75)) if rng.random() < 0.05 else None
        if override is not None:
            change(moment(), "probability", from_value=None, to_value=str(override))
        if rng.random() < 0.03:
            change(moment(), "owner", from_value=rng.choice(self.reps), to_value=owner)
        # Close-date slips pad the history to `changes_per_deal` on average.
        self.deals += 1
        target = round(self.deals * plan.changes_per_deal)
        slips = max(0, min(6, target - self.generated - len(rows)))
        later = close_date
        for at in sorted((moment() for _ in range(slips)), reverse=True):
            earlier = later - timedelta(days=rng.randint(7, 45))
            change(at, "close_date", from_value=earlier.isoformat(), to_value=later.isoformat())
            later = earlier
        self.generated += len(rows)
        rows.sort(key=lambda row: row[0])
        history = [row for _, row in rows]
        stays.chain(history)  # as `record_change` would have left them
        changes.extend(history)
        entered = moments[-1]
        has_next = status == Status.OPEN and rng.random() < 0.5
        deals.append(
            {
                "id": opportunity_id,
                "team_id": plan.team_id,
                "number": number,
                "account_id": rng.choice(self.account_ids),
                "title": rng.choice(_TITLES),
                "amount_minor": amount,
                "currency": plan.currency,
                "close_date": close_date,
                "owner_id": owner,
                "created_by": owner,
                "process_id": self.process_id,
                "stage_id": stage_id,
                "status": status.value,
                "lost_reason": "Prix trop élevé" if status == Status.LOST else None,
                "origin": rng.choice(_ORIGINS) if rng.random() < 0.7 else None,
                "product": rng.choice(_PRODUCTS) if rng.random() < 0.5 else None,
                "next_step": rng.choice(_NEXT_STEPS) if has_next else None,
                "next_step_date": now.date() + timedelta(days=rng.randint(1, 30))
                if has_next
                else None,
                "probability_override": override,
                "need_expressed": rng.random() < 0.8,
                "can_answer": rng.random() < 0.7,
                "blockers_lifted": rng.random() < 0.4,
                "meeting_planned": rng.random() < 0.5,
                "created_at": created,
                # Every change bumps it, as the bot's writers do: the last row's time.
                "updated_at": max(at for at, _ in rows),
                "closed_at": closed_at if status != Status.OPEN else None,
                "stage_entered_at": entered,
                "version": 1,
            }
        )
        return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="sqlite:///… or postgresql://…")
    parser.add_argument("--opportunities", type=int, default=HistoryPlan.opportunities)
    parser.add_argument("--changes-per-deal", type=float, default=HistoryPlan.changes_per_deal)
    parser.add_argument("--reps", type=int, default=HistoryPlan.reps)
    parser.add_argument("--years", type=float, default=HistoryPlan.years)
    args = parser.parse_args()
    db = Database(args.database_url)
    db.migrate()
    plan = HistoryPlan(
        opportunities=args.opportunities,
        changes_per_deal=args.changes_per_deal,
        reps=args.reps,
        years=args.years,
    )
    report = seed_history(db, plan, now=datetime.now(UTC))
    db.dispose()
    print(
        f"seeded {report.opportunities:,} opportunities ({report.open:,} open, {report.won:,} won, "
        f"{report.lost:,} lost) and {report.changes:,} changes in {report.seconds:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
