"""Bulk-load a realistic sales workspace for benchmarks: reps, accounts, deals and their history.

The workspace and its members go through the bot's own bootstrap (`ensure_workspace`,
`ensure_member`) so defaults match production; the volume (accounts, opportunities, history)
goes in with SQLAlchemy Core `insert()` in batches, with explicit primary keys so that one
pass writes both a deal and its "created" history row. Afterwards the workspace's
`opportunity_seq` is set to the last number handed out and, on PostgreSQL, the id sequences
are moved past the loaded rows, so the running bot numbers and inserts new deals normally.

Reused by every benchmark: `seed(db, SeedPlan(opportunities=1_000_000), now=now)`, or from the
shell: `.venv/bin/python bench/seed.py --database-url sqlite:///big.db --opportunities 1000000`.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.orm import Session

from commands.workspace import ensure_member, ensure_workspace
from storage import queries, tallies
from storage.db import Database
from storage.models import Account, Base, ChangeKind, Opportunity, StageChange, Status, Workspace

ACCOUNTS: Table = Base.metadata.tables[Account.__tablename__]
OPPORTUNITIES: Table = Base.metadata.tables[Opportunity.__tablename__]
STAGE_CHANGES: Table = Base.metadata.tables[StageChange.__tablename__]

# Where open deals sit in the default five-stage funnel: most are early.
OPEN_STAGE_WEIGHTS = (35, 25, 20, 12, 8)
LOST_STAGE_WEIGHTS = (30, 25, 25, 15, 5)
PROBABILITY_OVERRIDES = (20, 30, 50, 60, 75)

_PREFIXES = (
    "Boulangerie",
    "Garage",
    "Cabinet",
    "SARL",
    "Atelier",
    "Pharmacie",
    "Hôtel",
    "Clinique",
    "Menuiserie",
    "Transports",
    "Imprimerie",
    "Agence",
    "Domaine",
    "Laboratoire",
    "Brasserie",
    "Librairie",
    "Studio",
    "Groupe",
    "Maison",
    "Ferme",
)
_SURNAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefebvre",
    "Mercier",
)
_CITIES = (
    "Paris",
    "Lyon",
    "Nantes",
    "Lille",
    "Rennes",
    "Bordeaux",
    "Toulouse",
    "Grenoble",
    "Dijon",
    "Metz",
    "Reims",
    "Brest",
    "Nice",
    "Tours",
    "Angers",
    "Caen",
    "Rouen",
    "Nancy",
    "Limoges",
    "Amiens",
)
_TITLES = (
    "Peinture",
    "Toiture",
    "Isolation",
    "Ravalement de façade",
    "Licence CRM 20 postes",
    "Maintenance annuelle",
    "Audit énergétique",
    "Rénovation cuisine",
    "Parc de copieurs",
    "Site e-commerce",
    "Formation sécurité",
    "Flotte de véhicules",
    "Climatisation",
    "Menuiseries alu",
    "Contrat d'entretien",
    "Renouvellement serveurs",
)
_ORIGINS = ("Salon", "Recommandation", "Site web", "Prospection", "Partenaire", "Client existant")
_PRODUCTS = ("Standard", "Premium", "Sur mesure", "Abonnement", "Pack PME")
_NEXT_STEPS = (
    "Relancer par téléphone",
    "Envoyer la proposition",
    "Visite sur site",
    "Démo en visio",
    "Attendre le retour du DAF",
    "Caler le rendez-vous de signature",
)


@dataclass(frozen=True)
class SeedPlan:
    """How big and how shaped the loaded workspace is; the defaults are the 100k benchmark."""

    team_id: str = "T0BENCH"
    reps: int = 200
    accounts: int = 2_000
    opportunities: int = 100_000
    # Close dates run from `past_months` ago to `months - past_months` ahead.
    months: int = 24
    past_months: int = 6
    batch_size: int = 5_000
    random_seed: int = 20_261_127
    language: str = "fr"
    timezone: str = "Europe/Paris"
    currency: str = "EUR"


@dataclass(frozen=True)
class SeedReport:
    plan: SeedPlan
    seconds: float
    accounts: int
    opportunities: int
    open: int
    won: int
    lost: int
    first_number: int
    last_number: int

    @property
    def rows_per_second(self) -> float:
        rows = self.accounts + 2 * self.opportunities  # each deal also has a history row
        return rows / self.seconds if self.seconds else math.inf

    def as_dict(self) -> dict[str, Any]:
        return {
            **{k: v for k, v in asdict(self).items() if k != "plan"},
            "plan": asdict(self.plan),
            "rows_per_second": round(self.rows_per_second),
        }


def rep_id(index: int) -> str:
    """The Slack user id of rep number `index` (1-based): U0REP001, U0REP002…"""
    return f"U0REP{index:03d}"


def rep_ids(count: int) -> list[str]:
    return [rep_id(i) for i in range(1, count + 1)]


def account_names(count: int, rng: random.Random) -> list[str]:
    """Distinct, French-sounding company names ("Garage Dubois Lyon"), in a shuffled order."""
    combos = list(itertools.product(_PREFIXES, _SURNAMES, _CITIES))
    rng.shuffle(combos)
    names = [" ".join(c) for c in combos[:count]]
    # Past the 10,000 combinations, add a branch number: still unique, still no bare digits
    # right before an amount when a benchmark reuses the name in `/opp new`.
    for index in range(len(names), count):
        prefix, surname, city = combos[index % len(combos)]
        names.append(f"{prefix} {surname} {city} agence {index // len(combos) + 1}")
    return names


def seed(db: Database, plan: SeedPlan, *, now: datetime) -> SeedReport:
    """Load `plan` into a migrated database (adding to what the workspace already holds)."""
    rng = random.Random(plan.random_seed)
    started = time.perf_counter()
    with db.transaction() as session:
        workspace = ensure_workspace(
            session=session,
            team_id=plan.team_id,
            now=now,
            language=plan.language,
            timezone=plan.timezone,
            currency=plan.currency,
        )
        for index, user_id in enumerate(rep_ids(plan.reps), start=1):
            ensure_member(
                session=session,
                team_id=plan.team_id,
                user_id=user_id,
                now=now,
                name=f"Commercial {index:03d}",
            )
        process = queries.active_processes(session=session, team_id=plan.team_id)[0]
        stage_ids = [s.id for s in queries.live_stages(process)]
        process_id = process.id
        first_number = workspace.opportunity_seq + 1
    _load_accounts(db, plan, rng=rng, now=now)
    with db.reading() as session:
        account_ids = list(
            session.scalars(select(Account.id).where(Account.team_id == plan.team_id))
        )
        next_opportunity_id = _next_id(session, Opportunity.id)
        next_change_id = _next_id(session, StageChange.id)
    counts = _load_opportunities(
        db,
        plan,
        rng=rng,
        now=now,
        account_ids=account_ids,
        process_id=process_id,
        stage_ids=stage_ids,
        first_number=first_number,
        first_id=next_opportunity_id,
        first_change_id=next_change_id,
    )
    last_number = first_number + plan.opportunities - 1
    with db.transaction() as session:
        session.execute(
            update(Workspace)
            .where(Workspace.team_id == plan.team_id)
            .values(opportunity_seq=last_number)
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
    if not db.is_sqlite:
        # Autovacuum would analyse the fresh tables within a minute; do it now so the first
        # measured queries already get the plans a production database has.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    return SeedReport(
        plan=plan,
        seconds=time.perf_counter() - started,
        accounts=len(account_ids),
        opportunities=plan.opportunities,
        open=counts[Status.OPEN],
        won=counts[Status.WON],
        lost=counts[Status.LOST],
        first_number=first_number,
        last_number=last_number,
    )


def _next_id(session: Session, column: Any) -> int:
    return int(session.scalar(select(func.coalesce(func.max(column), 0))) or 0) + 1


def _load_accounts(db: Database, plan: SeedPlan, *, rng: random.Random, now: datetime) -> None:
    with db.reading() as session:
        known = set(
            session.scalars(select(Account.name_key).where(Account.team_id == plan.team_id))
        )
    rows = []
    for name in account_names(plan.accounts, rng):
        key = queries.name_key(name)
        if key in known:
            continue
        created = now - timedelta(days=rng.randrange(30, 900), minutes=rng.randrange(1440))
        rows.append(
            {
                "team_id": plan.team_id,
                "name": name,
                "name_key": key,
                "created_at": created,
            }
        )
    for batch in _batches(rows, plan.batch_size):
        with db.transaction() as session:
            session.execute(insert(ACCOUNTS), batch)


def _load_opportunities(
    db: Database,
    plan: SeedPlan,
    *,
    rng: random.Random,
    now: datetime,
    account_ids: Sequence[int],
    process_id: int,
    stage_ids: Sequence[int],
    first_number: int,
    first_id: int,
    first_change_id: int,
) -> dict[Status, int]:
    counts = dict.fromkeys(Status, 0)
    reps = rep_ids(plan.reps)
    # A few big customers carry many deals, most carry a handful (Zipf-like, s = 0.8).
    account_weights = list(
        itertools.accumulate(1 / (rank**0.8) for rank in range(1, len(account_ids) + 1))
    )
    shuffled_accounts = list(account_ids)
    rng.shuffle(shuffled_accounts)
    open_weights = list(itertools.accumulate(OPEN_STAGE_WEIGHTS[: len(stage_ids)]))
    lost_weights = list(itertools.accumulate(LOST_STAGE_WEIGHTS[: len(stage_ids)]))
    today = now.date()
    window_start = today - timedelta(days=round(plan.past_months * 30.44))
    window_days = round(plan.months * 30.44)

    done = 0
    while done < plan.opportunities:
        size = min(plan.batch_size, plan.opportunities - done)
        accounts = rng.choices(shuffled_accounts, cum_weights=account_weights, k=size)
        deals: list[dict[str, Any]] = []
        changes: list[dict[str, Any]] = []
        for offset in range(size):
            index = done + offset
            close = window_start + timedelta(days=rng.randrange(window_days))
            status = _status(rng, close=close, today=today)
            counts[status] += 1
            if status == Status.WON:
                stage_id = stage_ids[-1]
            elif status == Status.LOST:
                stage_id = rng.choices(stage_ids, cum_weights=lost_weights)[0]
            else:
                stage_id = rng.choices(stage_ids, cum_weights=open_weights)[0]
            created = _moment(close - timedelta(days=rng.randint(20, 240)), rng)
            created = min(created, now - timedelta(hours=rng.randint(2, 72)))
            closed_at: datetime | None = None
            if status != Status.OPEN:
                latest = min(now, _moment(close, rng))
                closed_at = created + (latest - created) * rng.uniform(0.6, 1.0)
            entered = created + ((closed_at or now) - created) * rng.uniform(0.0, 0.9)
            owner = rng.choice(reps)
            has_next = status == Status.OPEN and rng.random() < 0.5
            opportunity_id = first_id + index
            deals.append(
                {
                    "id": opportunity_id,
                    "team_id": plan.team_id,
                    "number": first_number + index,
                    "account_id": accounts[offset],
                    "title": rng.choice(_TITLES),
                    "amount_minor": _amount_minor(rng),
                    "currency": plan.currency,
                    "close_date": close,
                    "owner_id": owner,
                    "created_by": owner,
                    "process_id": process_id,
                    "stage_id": stage_id,
                    "status": status.value,
                    "lost_reason": "Prix trop élevé" if status == Status.LOST else None,
                    "origin": rng.choice(_ORIGINS) if rng.random() < 0.7 else None,
                    "product": rng.choice(_PRODUCTS) if rng.random() < 0.5 else None,
                    "next_step": rng.choice(_NEXT_STEPS) if has_next else None,
                    "next_step_date": today + timedelta(days=rng.randint(1, 30))
                    if has_next
                    else None,
                    "probability_override": rng.choice(PROBABILITY_OVERRIDES)
                    if rng.random() < 0.05
                    else None,
                    "need_expressed": rng.random() < 0.8,
                    "can_answer": rng.random() < 0.7,
                    "blockers_lifted": rng.random() < 0.4,
                    "meeting_planned": rng.random() < 0.5,
                    "created_at": created,
                    "updated_at": max(entered, closed_at or entered),
                    "closed_at": closed_at,
                    "stage_entered_at": entered,
                    "version": 1,
                }
            )
            changes.append(
                {
                    "id": first_change_id + index,
                    "team_id": plan.team_id,
                    "opportunity_id": opportunity_id,
                    "kind": ChangeKind.CREATED.value,
                    "changed_by": owner,
                    "changed_at": created,
                    "from_stage_id": None,
                    "to_stage_id": stage_id,
                    "from_value": None,
                    "to_value": Status.OPEN.value,
                }
            )
        with db.transaction() as session:
            if db.is_sqlite:
                # Past a few hundred MB the index B-trees no longer fit SQLite's default 2 MB
                # page cache and every batch rereads them; 256 MB keeps a 1M load CPU-bound.
                session.execute(text("PRAGMA cache_size = -262144"))
            session.execute(insert(OPPORTUNITIES), deals)
            session.execute(insert(STAGE_CHANGES), changes)
        done += size
    return counts


def _status(rng: random.Random, *, close: date, today: date) -> Status:
    """Past close dates are mostly decided (some still open: overdue); future ones mostly open."""
    roll = rng.random()
    if close < today:
        return Status.OPEN if roll < 0.40 else Status.WON if roll < 0.75 else Status.LOST
    return Status.OPEN if roll < 0.97 else Status.WON if roll < 0.99 else Status.LOST


def _moment(day: date, rng: random.Random) -> datetime:
    """A working-hours moment of `day`, in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
        minutes=rng.randrange(7 * 60, 18 * 60)
    )


def _amount_minor(rng: random.Random) -> int:
    """A deal size in cents: log-normal around 8,000 €, rounded to 100 €, 200 € to 2 M€."""
    euros = min(max(rng.lognormvariate(math.log(8_000), 0.9), 200.0), 2_000_000.0)
    return round(euros / 100) * 100 * 100


def _batches(rows: Sequence[dict[str, Any]], size: int) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="sqlite:///… or postgresql://…")
    parser.add_argument("--team-id", default=SeedPlan.team_id)
    parser.add_argument("--reps", type=int, default=SeedPlan.reps)
    parser.add_argument("--accounts", type=int, default=SeedPlan.accounts)
    parser.add_argument("--opportunities", type=int, default=SeedPlan.opportunities)
    parser.add_argument("--batch-size", type=int, default=SeedPlan.batch_size)
    args = parser.parse_args(argv)
    db = Database(args.database_url)
    db.migrate()
    plan = SeedPlan(
        team_id=args.team_id,
        reps=args.reps,
        accounts=args.accounts,
        opportunities=args.opportunities,
        batch_size=args.batch_size,
    )
    report = seed(db, plan, now=datetime.now(UTC))
    db.dispose()
    print(
        f"seeded {report.opportunities:,} opportunities ({report.open:,} open, "
        f"{report.won:,} won, {report.lost:,} lost), {report.accounts:,} accounts, "
        f"{plan.reps} reps in {report.seconds:.1f} s ({report.rows_per_second:,.0f} rows/s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
