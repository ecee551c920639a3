"""Deals whose origins and products are typed as people type them: in several spellings of
the same name, and near names that are not it. Amounts are powers of two (in euros ×100):
a sum says which deals a report kept."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from commands.context import Actor
from storage.models import Role
from tests.conftest import TEAM, add_user, setup_team
from tests.stats_support import deal, stages_of

# (owner, origin, product, amount in cents)
DEALS = [
    ("U0ANNA", "salon professionnel", None, 10_000),
    ("U0ANNA", "Salon  Professionnel", None, 20_000),  # two spaces
    ("U0ANNA", "Salon", None, 40_000),  # another origin
    ("U0ANNA", "bouche a oreille", None, 80_000),
    ("U0ANNA", "Bouche-à-Oreille", None, 160_000),
    ("U0ANNA", None, "l'oréal PACK", 320_000),
    ("U0ANNA", None, "L’Oréal Pack", 640_000),  # the curly apostrophe
    ("U0ANNA", None, "L'Oréal", 1_280_000),  # another product
    ("U0BEN", "salon professionnel", "l'oréal pack", 2_560_000),  # another rep's
]

# What anna types → the amounts of her deals it means (count, total).
ANNAS = {
    "origin Salon Professionnel": (2, 30_000),
    "origine Bouche-à-oreille": (2, 240_000),
    "product L’Oréal pack": (2, 960_000),
    "produit L'OREAL PACK": (2, 960_000),
    "origin salon": (1, 40_000),
}


def label_deals(session: Session) -> dict[str, Actor]:
    """Anna's and Ben's deals of `DEALS`, open, created 1 October 2026, closing 15 December."""
    setup_team(session)
    people = {
        "anna": add_user(session, "U0ANNA"),
        "ben": add_user(session, "U0BEN"),
        "admin": add_user(session, "U0ADMIN", role=Role.ADMIN),
    }
    stages = stages_of(session, TEAM)
    for owner, origin, product, amount in DEALS:
        opportunity = deal(
            session,
            team_id=TEAM,
            owner=owner,
            stages=stages,
            path=[(0, "2026-10-01")],
            amount=amount,
            origin=origin,
            product=product,
        )
        opportunity.close_date = date(2026, 12, 15)
    session.flush()
    return people
