"""A realistic sample workspace for the console and for trying the bot out.

Deterministic (seeded), relative to `now`: a manager and four reps, two processes, accounts,
about fifty opportunities across stages and the coming months, some stuck, some won or lost.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from commands.workspace import ensure_workspace
from storage import queries
from storage.models import ChangeKind, Opportunity, Role, Stage, Status

DEMO_TEAM = "T0DEMO"


@dataclass(frozen=True)
class DemoUser:
    user_id: str
    name: str
    role: Role
    locale: str
    tz: str
    manager: str | None = None


DEMO_USERS = (
    DemoUser("U0CLAIRE", "Claire Martin", Role.MANAGER, "fr-FR", "Europe/Paris"),
    DemoUser("U0MARIE", "Marie Dubois", Role.REP, "fr-FR", "Europe/Paris", "U0CLAIRE"),
    DemoUser("U0JULIEN", "Julien Petit", Role.REP, "fr-FR", "Europe/Paris", "U0CLAIRE"),
    DemoUser("U0EMMA", "Emma Wilson", Role.REP, "en-GB", "Europe/London", "U0CLAIRE"),
    DemoUser("U0KARIM", "Karim Benali", Role.REP, "fr-FR", "Europe/Paris", "U0CLAIRE"),
    DemoUser("U0ADMIN", "Alex Admin", Role.ADMIN, "fr-FR", "Europe/Paris"),
)

ACCOUNTS = (
    "Dupond",
    "Dupond & Fils",
    "Martin SA",
    "Boulangerie Lemaire",
    "Garage Moreau",
    "Clinique du Parc",
    "Mairie de Villeneuve",
    "Hôtel des Arts",
    "Transports Girard",
    "Acme",
    "Cabinet Roux",
    "Pharmacie Centrale",
    "Lycée Jean Moulin",
    "Brasserie du Port",
    "Société Générale de Peinture",
    "Atelier Fontaine",
    "Ferme Bio du Val",
    "Imprimerie Laurent",
)

PRODUCTS = (
    ("Peinture anti-polluants", "peinture"),
    ("Ravalement de façade", "façade"),
    ("Isolation des combles", "isolation"),
    ("Audit sécurité", "audit"),
    ("Contrat d'entretien", "entretien"),
    ("Rénovation des bureaux", "rénovation"),
)

ORIGINS = ("salon", "site web", "recommandation", "prospection", "partenaire")

TENDER_PROCESS = (
    "Appel d'offres",
    [("Veille", 5), ("Dossier retiré", 15), ("Offre déposée", 40), ("Audition", 70)],
)


def load_demo(*, session: Session, now: datetime, team_id: str = DEMO_TEAM) -> int:
    """Fill an empty workspace; returns how many opportunities were created (0 if present)."""
    workspace = ensure_workspace(
        session=session,
        team_id=team_id,
        now=now,
        language="fr",
        timezone="Europe/Paris",
        currency="EUR",
    )
    if workspace.opportunity_seq > 0:
        return 0
    workspace.name = "Démo Peintures & Rénovation"
    for user in DEMO_USERS:
        member = queries.get_member(session=session, team_id=team_id, user_id=user.user_id)
        if member is None:
            member = queries.add_member(
                session=session, team_id=team_id, user_id=user.user_id, now=now
            )
        member.name, member.role, member.manager_id = user.name, user.role, user.manager
        member.language = user.locale[:2]
        member.timezone = user.tz
    name, stages = TENDER_PROCESS
    queries.add_process(
        session=session, team_id=team_id, name=name, stages=stages, now=now, position=1
    )
    processes = queries.active_processes(session=session, team_id=team_id)
    rng = random.Random(2026)
    reps = [u.user_id for u in DEMO_USERS if u.role == Role.REP]
    created = 0
    for index in range(52):
        process = processes[0] if index % 5 else processes[1]
        stages_of = queries.live_stages(process)
        owner = reps[index % len(reps)]
        title, product = rng.choice(PRODUCTS)
        account = queries.find_or_add_account(
            session=session, team_id=team_id, name=rng.choice(ACCOUNTS), now=now
        )
        age = rng.randint(3, 120)
        created_at = now - timedelta(days=age, hours=rng.randint(0, 8))
        status = Status.OPEN
        if index % 9 == 4:
            status = Status.WON
        elif index % 11 == 6:
            status = Status.LOST
        stage_index = rng.randrange(len(stages_of))
        # A few deals sat in their stage for a long time: the stuck ones nudges will find.
        in_stage = rng.randint(0, min(age, 12)) if index % 7 else min(age, rng.randint(35, 70))
        entered = max(created_at, now - timedelta(days=in_stage))
        close = (now + timedelta(days=rng.randint(5, 200))).date()
        if status != Status.OPEN:
            close = (entered + timedelta(days=rng.randint(0, 10))).date()
            close = min(close, now.date())
        elif index % 13 == 3:
            close = (now - timedelta(days=rng.randint(3, 20))).date()  # slipped: overdue
        amount = rng.choice((1500, 3200, 6000, 8500, 12500, 18000, 24000, 45000, 90000)) * 100
        opportunity = Opportunity(
            team_id=team_id,
            number=queries.next_opportunity_number(session=session, team_id=team_id),
            account=account,
            title=title,
            amount_minor=amount,
            currency="EUR",
            close_date=close,
            owner_id=owner,
            created_by=owner,
            process_id=process.id,
            process=process,
            stage=stages_of[stage_index],
            status=status,
            lost_reason="prix trop élevé" if status == Status.LOST else None,
            origin=rng.choice(ORIGINS),
            product=product,
            next_step="Rappeler le client" if status == Status.OPEN else None,
            next_step_date=_next_step_date(rng, now.date()) if status == Status.OPEN else None,
            need_expressed=True,
            can_answer=True,
            blockers_lifted=stage_index >= 2,
            meeting_planned=rng.random() < 0.8,
            created_at=created_at,
            updated_at=entered,
            closed_at=entered if status != Status.OPEN else None,
            stage_entered_at=entered,
        )
        session.add(opportunity)
        session.flush()
        _history(session, opportunity, stages_of[: stage_index + 1], created_at, entered)
        created += 1
    return created


def _next_step_date(rng: random.Random, today: date) -> date:
    return today + timedelta(days=rng.randint(-5, 20))


def _history(
    session: Session,
    opportunity: Opportunity,
    path: list[Stage],
    start: datetime,
    entered: datetime,
) -> None:
    """Stage history from the first stage to the current one, spread between both dates."""
    owner = opportunity.owner_id
    queries.record_change(
        session=session,
        opportunity=opportunity,
        kind=ChangeKind.CREATED,
        by=owner,
        at=start,
        to_stage_id=path[0].id,
        to_value="open",
    )
    steps = len(path) - 1
    for i in range(1, len(path)):
        at = start + (entered - start) * i / max(steps, 1)
        queries.record_change(
            session=session,
            opportunity=opportunity,
            kind=ChangeKind.STAGE,
            by=owner,
            at=at,
            from_stage_id=path[i - 1].id,
            to_stage_id=path[i].id,
        )
    if opportunity.status != Status.OPEN:
        queries.record_change(
            session=session,
            opportunity=opportunity,
            kind=ChangeKind.STATUS,
            by=owner,
            at=entered,
            from_value="open",
            to_value=str(opportunity.status),
        )
