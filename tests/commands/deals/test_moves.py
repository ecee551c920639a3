"""Moving deals: stages, won / lost / reopen, edits, permissions, history, and races."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from commands.context import Actor
from commands.deals import edit as opp_edit
from commands.deals import moves as opp_moves
from commands.deals import new as opp_new
from commands.deals import show as opp_show
from commands.deals import transitions
from commands.errors import Forbidden, InvalidInput, NotFound
from storage import queries
from storage.db import Database
from storage.models import ChangeKind, Role, StageChange, Status
from tests.conftest import add_user, make_actor, setup_team


@pytest.fixture
def rep(session: Session) -> Actor:
    setup_team(session)
    actor = add_user(session, "U0REP", manager="U0BOSS")
    opp_new.quick(session=session, actor=actor, text="Dupond 6000 peinture close fin décembre")
    return actor


def _deal(session: Session, actor: Actor, number: int = 1):  # type: ignore[no-untyped-def]
    return opp_show.find(session=session, actor=actor, ref=f"#{number}")


def _kinds(session: Session, actor: Actor) -> list[str]:
    deal = _deal(session, actor)
    return [
        c.kind
        for c in queries.history(session=session, team_id=actor.team_id, opportunity_id=deal.id)
    ]


def test_next_moves_one_stage_and_records_it(session: Session, rep: Actor) -> None:
    outcome = opp_moves.advance(session=session, actor=rep, text="#1")
    assert outcome.opportunity.stage.name == "Rendez-vous planifié"
    assert outcome.opportunity.probability == 10
    assert _kinds(session, rep) == ["created", "stage"]


def test_move_by_name_number_or_prefix(session: Session, rep: Actor) -> None:
    assert opp_moves.move(session=session, actor=rep, text="#1 4").opportunity.stage.name == (
        "Proposition envoyée"
    )
    moved = opp_moves.move(session=session, actor=rep, text="#1 besoins identifies")
    assert moved.opportunity.stage.name == "Besoins identifiés"
    assert opp_moves.move(session=session, actor=rep, text="#1 En nég").opportunity.stage.name == (
        "En négociation"
    )
    with pytest.raises(InvalidInput) as unknown:
        opp_moves.move(session=session, actor=rep, text="#1 Signature")
    assert unknown.value.key == "move.stage_unknown"


def test_advancing_past_the_last_stage_is_refused(session: Session, rep: Actor) -> None:
    opp_moves.move(session=session, actor=rep, text="#1 5")
    with pytest.raises(InvalidInput) as refused:
        opp_moves.advance(session=session, actor=rep, text="#1")
    assert refused.value.key == "move.last_stage"


def test_won_lost_and_reopen(session: Session, rep: Actor) -> None:
    won = opp_moves.win(session=session, actor=rep, text="#1")
    assert won.opportunity.status == Status.WON and won.opportunity.closed_at == rep.now
    assert won.opportunity.probability == 100
    with pytest.raises(InvalidInput):
        opp_moves.advance(session=session, actor=rep, text="#1")
    opp_moves.reopen(session=session, actor=rep, text="#1")
    with pytest.raises(InvalidInput) as no_reason:
        opp_moves.lose(session=session, actor=rep, text="#1")
    assert no_reason.value.key == "move.usage_lost" or no_reason.value.key.startswith("move.")
    lost = opp_moves.lose(session=session, actor=rep, text="#1 prix trop élevé")
    assert lost.opportunity.status == Status.LOST
    assert lost.opportunity.lost_reason == "prix trop élevé"
    assert _kinds(session, rep) == ["created", "status", "status", "status"]


def test_a_stage_of_another_process_is_refused(session: Session, rep: Actor) -> None:
    other = queries.add_process(
        session=session,
        team_id=rep.team_id,
        name="Appel d'offres",
        stages=[("Veille", 5), ("Offre", 40)],
        now=rep.now,
    )
    deal = _deal(session, rep)
    with pytest.raises(InvalidInput) as refused:
        transitions.move(session=session, actor=rep, opportunity=deal, stage=other.stages[1])
    assert refused.value.key == "move.stage_of_other_process"
    assert deal.stage.name == "Opportunité à qualifier"


def test_only_the_owner_their_manager_or_an_admin_may_move(session: Session, rep: Actor) -> None:
    stranger = add_user(session, "U0OTHER")
    boss = add_user(session, "U0BOSS", role=Role.MANAGER)
    other_boss = add_user(session, "U0BOSS2", role=Role.MANAGER)
    admin = add_user(session, "U0ADMIN", role=Role.ADMIN)
    for refused in (stranger, other_boss):
        with pytest.raises(Forbidden):
            opp_moves.advance(session=session, actor=refused, text="#1")
    assert _kinds(session, rep) == ["created"]
    opp_moves.advance(session=session, actor=boss, text="#1")
    opp_moves.advance(session=session, actor=admin, text="#1")
    changes = queries.history(
        session=session, team_id=rep.team_id, opportunity_id=_deal(session, rep).id
    )
    assert [c.changed_by for c in changes] == ["U0REP", "U0BOSS", "U0ADMIN"]


def test_a_deal_of_another_workspace_cannot_be_touched(session: Session, rep: Actor) -> None:
    setup_team(session, team_id="T0ELSE")
    outsider = add_user(session, "U0REP", team_id="T0ELSE", role=Role.ADMIN)
    with pytest.raises(NotFound):
        opp_moves.advance(session=session, actor=outsider, text="#1")


def test_a_stale_card_changes_nothing(session: Session, rep: Actor) -> None:
    deal = _deal(session, rep)
    shown = deal.version
    transitions.advance(session=session, actor=rep, opportunity=deal, expected_version=shown)
    session.flush()
    with pytest.raises(transitions.Stale):
        transitions.advance(session=session, actor=rep, opportunity=deal, expected_version=shown)
    assert deal.stage.name == "Rendez-vous planifié"


def test_edit_records_amount_close_probability_and_keeps_override(
    session: Session, rep: Actor
) -> None:
    outcome = opp_edit.handle(
        session=session,
        actor=rep,
        text='#1 amount 7500 | close fin janvier | next-step "rappeler" vendredi '
        "| probability 60 | origin salon | product peinture",
    )
    deal = outcome.opportunity
    assert deal.amount_minor == 750_000 and deal.close_date == date(2027, 1, 31)
    assert deal.probability == 60 and deal.next_step == "rappeler"
    assert deal.next_step_date == date(2026, 12, 4)
    assert (deal.origin, deal.product) == ("salon", "peinture")
    opp_moves.advance(session=session, actor=rep, text="#1")
    assert deal.probability == 60  # the override survives stage moves…
    opp_edit.handle(session=session, actor=rep, text="#1 probabilite auto")
    assert deal.probability == 10  # …until cleared
    changes = queries.history(session=session, team_id=rep.team_id, opportunity_id=deal.id)
    described = [(c.kind, c.from_value, c.to_value) for c in changes if c.kind != "stage"]
    assert described == [
        ("created", None, "open"),
        ("amount", "600000", "750000"),
        ("close_date", "2026-12-31", "2027-01-31"),
        ("probability", "auto", "60"),
        # Every field that changed has its line (issue 16, finding 6: these had none).
        ("next_step", None, "rappeler"),
        ("next_step_date", None, "2026-12-04"),
        ("origin", None, "salon"),
        ("product", None, "peinture"),
        ("probability", "60", "auto"),
    ]


def test_a_bad_edit_changes_nothing(session: Session, rep: Actor) -> None:
    for text in ("#1 amount 7500 | probability 150", "#1 frobnicate 3", "#1 close hier"):
        with pytest.raises(InvalidInput):
            opp_edit.handle(session=session, actor=rep, text=text)
    assert _deal(session, rep).amount_minor == 600_000


def test_moving_to_another_process_keeps_the_history(session: Session, rep: Actor) -> None:
    queries.add_process(
        session=session,
        team_id=rep.team_id,
        name="Professionnel",
        stages=[("Contact", 10), ("Devis", 50), ("Négociation", 80)],
        now=rep.now,
    )
    opp_moves.advance(session=session, actor=rep, text="#1")
    deal = opp_edit.handle(session=session, actor=rep, text="#1 process Professionnel").opportunity
    assert (deal.process.name, deal.stage.name) == ("Professionnel", "Devis")
    deal = opp_edit.handle(
        session=session, actor=rep, text="#1 processus professionnel etape 3"
    ).opportunity
    assert deal.stage.name == "Négociation"
    assert _kinds(session, rep) == ["created", "stage", "process", "stage", "stage"]


def test_owner_change_is_recorded_and_limited_to_the_team(session: Session, rep: Actor) -> None:
    boss = add_user(session, "U0BOSS", role=Role.MANAGER)
    add_user(session, "U0MATE", manager="U0BOSS")
    add_user(session, "U0STRANGER")
    with pytest.raises(Forbidden):
        opp_edit.handle(session=session, actor=boss, text="#1 owner <@U0STRANGER>")
    deal = opp_edit.handle(session=session, actor=boss, text="#1 owner <@U0MATE|mate>")
    assert deal.opportunity.owner_id == "U0MATE"
    assert _kinds(session, rep)[-1] == "owner"


def _race(database: Database, team: str, after_load: bool) -> list[str]:
    """Two clicks on the same card at once; returns what each click ended with."""
    barrier = threading.Barrier(2)
    results: list[str] = []
    actor = make_actor("U0REP", team_id=team)

    def click() -> None:
        try:
            if not after_load:
                barrier.wait()
            with database.transaction() as session:
                deal = opp_show.find(session=session, actor=actor, ref="#1")
                if after_load:
                    barrier.wait()
                # Both clicks come from the same card, shown at version 1.
                transitions.advance(
                    session=session, actor=actor, opportunity=deal, expected_version=1
                )
            results.append("moved")
        except (transitions.Stale, StaleDataError):
            results.append("refused")

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_racing_clicks_move_the_deal_once(database: Database) -> None:
    team = f"T0RACE{database.engine.dialect.name[:2].upper()}"
    with database.transaction() as session:
        setup_team(session, team_id=team)
        actor = add_user(session, "U0REP", team_id=team)
        opp_new.quick(session=session, actor=actor, text="Dupond 6000 peinture close fin mars")
    # PostgreSQL lets both load version 1 before either writes; SQLite serialises writers
    # (BEGIN IMMEDIATE), so there the second click reads the first's result.
    results = _race(database, team, after_load=database.engine.dialect.name != "sqlite")
    assert sorted(results) == ["moved", "refused"]
    with database.reading() as session:
        deal = opp_show.find(session=session, actor=make_actor("U0REP", team_id=team), ref="#1")
        assert deal.stage.name == "Rendez-vous planifié"
        stage_rows = session.scalars(
            select(StageChange).where(
                StageChange.opportunity_id == deal.id, StageChange.kind == ChangeKind.STAGE
            )
        ).all()
        assert len(stage_rows) == 1
