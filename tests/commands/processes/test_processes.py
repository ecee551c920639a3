"""What `/salesbot` does to processes and stages, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commands import processes
from commands.context import Actor
from commands.deals import listing as opp_list
from commands.deals import new as opp_new
from commands.errors import NotFound
from commands.processes import NeedsDestination, ProcessChanged
from storage import queries
from storage.models import ChangeKind, Role, SalesProcess, StageChange
from tests.conftest import TEAM, add_user, setup_team
from tests.salesbot_support import (
    DEFAULT,
    changed,
    deal_in,
    refused,
    say,
    snapshot,
    stage_names,
    stage_of,
)


@pytest.fixture
def boss(session: Session) -> Actor:
    setup_team(session)
    return add_user(session, "U0BOSS", role=Role.ADMIN)


# --- processes ------------------------------------------------------------------------------


def test_adding_a_process_with_its_stages(session: Session, boss: Actor) -> None:
    result = changed(
        session,
        boss,
        'processus ajouter "Grands comptes" étapes "Découverte:10, Démo:30 %, Négo:80"',
    )
    assert result.key == "admin.process_added"
    assert [(s.number, s.name, s.probability) for s in result.process.stages] == [
        (1, "Découverte", 10),
        (2, "Démo", 30),
        (3, "Négo", 80),
    ]
    # Reps can log deals in it straight away.
    rep = add_user(session, "U0REP")
    offered = opp_new.choices(session=session, actor=rep).processes
    assert [p.name for p in offered] == [DEFAULT, "Grands comptes"]


def test_a_process_without_stages_gets_the_classic_five_in_the_admins_language(
    session: Session, boss: Actor
) -> None:
    english = replace(add_user(session, "U0EMMA", role=Role.ADMIN), lang="en")
    result = changed(session, english, "process add Renewals")
    assert result.process.stages[0].name == "Opportunity to qualify"
    assert len(result.process.stages) == 5


def test_at_most_ten_active_processes(session: Session, boss: Actor) -> None:
    for i in range(2, 11):
        changed(session, boss, f'process add "P{i}" stages "A:10"')
    error = refused(session, boss, 'process add "P11" stages "A:10"')
    assert error.key == "admin.too_many_processes"
    # Archiving one makes room; the archived one keeps its name.
    changed(session, boss, "process archive P2")
    assert refused(session, boss, "process add p2").key == "admin.process_exists_archived"
    changed(session, boss, 'process add "P11" stages "A:10"')


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("process add " + "x" * 51, "admin.name_too_long"),
        ('process add "processus COMMERCIAL"', "admin.process_exists"),
        ('process add Neuf stages "A:150"', "admin.probability_invalid"),
        ('process add Neuf stages "A:-5"', "admin.probability_invalid"),
        ('process add Neuf stages "A:10, Bidule"', "admin.stage_syntax"),
        ('process add Neuf stages "A:10, a:20"', "admin.stage_duplicate"),
        (
            "process add Neuf stages " + ", ".join(f"S{i}:{i}" for i in range(11)),
            "admin.too_many_stages",
        ),
        ('process add Neuf stages "' + "y" * 200 + ':10"', "admin.name_too_long"),
        ("process add Neuf stages", "admin.stages_required"),
        ("process add", "admin.usage_process_add"),
        ("process archive", "admin.usage_process_archive"),
        ("process archive Inconnu", "admin.process_unknown"),
        ("process frobnicate x", "admin.unknown_process_verb"),
    ],
)
def test_bad_processes_are_refused_and_change_nothing(
    session: Session, boss: Actor, text: str, key: str
) -> None:
    assert refused(session, boss, text).key == key


def test_renaming_a_process_keeps_its_deals(session: Session, boss: Actor) -> None:
    rep = add_user(session, "U0REP")
    number = deal_in(session, rep, stage_of(session, "Besoins identifiés"))
    result = changed(session, boss, "processus renommer Processus commercial Ventes PME")
    assert result.params == {"before": DEFAULT, "after": "Ventes PME"}
    deal = queries.get_opportunity(session=session, team_id=TEAM, number=number)
    assert deal is not None and deal.process.name == "Ventes PME"
    changed(session, boss, 'process add Autre stages "A:10"')
    assert refused(session, boss, 'process rename autre "ventes pme"').key == "admin.process_exists"


def test_archiving_keeps_the_deals_and_says_how_many(session: Session, boss: Actor) -> None:
    changed(session, boss, 'process add "Grands comptes" stages "Découverte:10, Négo:80"')
    rep = add_user(session, "U0REP")
    number = deal_in(session, rep, stage_of(session, "Découverte", "Grands comptes"))
    result = changed(session, boss, 'process archive "grands comptes"')
    assert (result.key, result.params["count"]) == ("admin.process_archived_open", 1)
    # The deal is still the rep's, still in its process, still listed.
    listing = opp_list.handle(session=session, actor=rep, text="")
    assert [c.number for c in listing.cards] == [number]
    assert listing.cards[0].process == "Grands comptes"
    # No new deal can go there, and it shows apart in the overview.
    assert [p.name for p in opp_new.choices(session=session, actor=rep).processes] == [DEFAULT]
    overview = say(session, boss, "processes")
    assert isinstance(overview, processes.Overview)
    assert [(p.name, p.open_count) for p in overview.archived] == [("Grands comptes", 1)]
    # Its stages cannot be edited until it is restored.
    error = refused(session, boss, "stage probability 'Grands comptes' Négo 90")
    assert error.key == "admin.process_is_archived"
    changed(session, boss, "process restore grands comptes")
    changed(session, boss, "stage probability 'Grands comptes' Négo 90")


def test_the_last_active_process_cannot_be_archived(session: Session, boss: Actor) -> None:
    assert refused(session, boss, f'process archive "{DEFAULT}"').key == "admin.last_process"


def test_unknown_process_names_the_known_ones(session: Session, boss: Actor) -> None:
    error = refused(session, boss, "stage add Inconnu Démo 30")
    assert isinstance(error, NotFound)
    assert error.params == {"name": "Inconnu", "known": DEFAULT}


# --- stages ---------------------------------------------------------------------------------


def test_adding_a_stage_at_a_position(session: Session, boss: Actor) -> None:
    result = changed(session, boss, f'stage add "{DEFAULT}" Démo 25 % 3')
    assert result.params["position"] == 3
    assert stage_names(session)[:4] == [
        "Opportunité à qualifier",
        "Rendez-vous planifié",
        "Démo",
        "Besoins identifiés",
    ]
    # Without a position it goes last; the same name in another process is fine.
    changed(session, boss, f'stage add "{DEFAULT}" "Signature imminente" 95')
    assert stage_names(session)[-1] == "Signature imminente"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (f'stage add "{DEFAULT}" Démo 150', "admin.probability_invalid"),
        (f'stage add "{DEFAULT}" Démo beaucoup', "admin.probability_invalid"),
        (f'stage add "{DEFAULT}" "{"z" * 200}" 30', "admin.name_too_long"),
        (f'stage add "{DEFAULT}" "besoins IDENTIFIES" 30', "admin.stage_exists"),
        (f'stage add "{DEFAULT}" 42 30', "admin.stage_name_numeric"),
        (f'stage add "{DEFAULT}" Démo 30 9', "admin.position_invalid"),
        (f'stage rename "{DEFAULT}" Fantôme Spectre', "admin.stage_unknown"),
        (f'stage rename "{DEFAULT}" 1 "Rendez-vous planifié"', "admin.stage_exists"),
        (f'stage move "{DEFAULT}" 1 0', "admin.position_invalid"),
        (f'stage probability "{DEFAULT}" 1 abc', "admin.probability_invalid"),
        (f'stage stuck-after "{DEFAULT}" 1 abc', "admin.days_invalid"),
        (f'stage stuck-after "{DEFAULT}" 1 0', "admin.days_invalid"),
        (f'stage stuck-after "{DEFAULT}" 1 400', "admin.days_invalid"),
        (f'stage remove "{DEFAULT}" 1 to 1', "admin.remove_to_itself"),
        (f'stage remove "{DEFAULT}" 9', "admin.stage_unknown"),
        ("stage dance x", "admin.unknown_stage_verb"),
        ("stage add", "admin.usage_stage_add"),
    ],
)
def test_bad_stage_changes_are_refused_and_change_nothing(
    session: Session, boss: Actor, text: str, key: str
) -> None:
    assert refused(session, boss, text).key == key


def test_at_most_ten_stages(session: Session, boss: Actor) -> None:
    for i in range(5):
        changed(session, boss, f'stage add "{DEFAULT}" Étape{i} 50')
    assert refused(session, boss, f'stage add "{DEFAULT}" Trop 50').key == "admin.too_many_stages"


def test_a_stage_of_another_process_is_not_found(session: Session, boss: Actor) -> None:
    changed(session, boss, 'process add Installation stages "Visite:20, Devis:60"')
    error = refused(session, boss, f'stage probability "{DEFAULT}" Devis 70')
    assert error.key == "admin.stage_unknown"
    assert "1. Opportunité à qualifier" in str(error.params["stages"])


def test_rename_move_probability_and_stuck_after(session: Session, boss: Actor) -> None:
    rep = add_user(session, "U0REP")
    number = deal_in(session, rep, stage_of(session, "Proposition envoyée"))
    changed(session, boss, f'étape renommer "{DEFAULT}" 4 "Devis envoyé"')
    moved = changed(session, boss, f'stage move "{DEFAULT}" "Devis envoyé" 1')
    assert moved.process.stages[0].name == "Devis envoyé"
    result = changed(session, boss, f'étape probabilité "{DEFAULT}" "devis envoye" 70 %')
    assert result.params == {"stage": "Devis envoyé", "before": 85, "after": 70}
    # The deal follows its stage: its probability (and weighted amount) changes at once.
    card = opp_list.handle(session=session, actor=rep, text="").cards[0]
    assert (card.number, card.stage.name, card.probability) == (number, "Devis envoyé", 70)
    stuck = changed(session, boss, f'stage stuck-after "{DEFAULT}" 1 14j')
    assert stuck.process.stages[0].stuck_after_days == 14
    off = changed(session, boss, f'stage bloquée-après "{DEFAULT}" 1 off')
    assert off.key == "admin.stuck_off" and off.process.stages[0].stuck_after_days is None


def test_removing_a_stage_with_deals_asks_where_they_go(session: Session, boss: Actor) -> None:
    rep = add_user(session, "U0REP")
    needs = stage_of(session, "Besoins identifiés")
    first = deal_in(session, rep, needs, "A")
    second = deal_in(session, rep, needs, "B")
    before = snapshot(session)
    asked = say(session, boss, f'stage remove "{DEFAULT}" "Besoins identifiés"')
    assert isinstance(asked, NeedsDestination)
    assert asked.stage.open_count == 2
    assert [t.name for t in asked.targets] == [
        "Opportunité à qualifier",
        "Rendez-vous planifié",
        "Proposition envoyée",
        "En négociation",
    ]
    assert snapshot(session) == before  # nothing removed, nothing moved
    done = changed(session, boss, f'étape supprimer "{DEFAULT}" "Besoins identifiés" vers 4')
    assert done.key == "admin.stage_removed_moved"
    assert done.params == {
        "stage": "Besoins identifiés",
        "count": 2,
        "target": "Proposition envoyée",
    }
    assert [(s.number, s.name) for s in done.process.stages][2:] == [
        (3, "Proposition envoyée"),
        (4, "En négociation"),
    ]
    for number in (first, second):
        deal = queries.get_opportunity(session=session, team_id=TEAM, number=number)
        assert deal is not None and deal.stage.name == "Proposition envoyée"
        moves = [
            (c.kind, c.from_stage_id, c.changed_by)
            for c in queries.history(session=session, team_id=TEAM, opportunity_id=deal.id)
        ]
        assert moves[-1] == (ChangeKind.STAGE, needs.id, "U0BOSS")
    # Soft-removed: the row stays for the history, out of every menu.
    assert needs.removed_at is not None
    assert "Besoins identifiés" not in stage_names(session)


def test_unquoted_names_may_hold_the_word_for_to(session: Session, boss: Actor) -> None:
    changed(session, boss, f'stage add "{DEFAULT}" "Envoi dans la semaine" 50')
    rep = add_user(session, "U0REP")
    number = deal_in(session, rep, stage_of(session, "Envoi dans la semaine"))
    asked = say(session, boss, "stage remove Processus commercial Envoi dans la semaine")
    assert isinstance(asked, NeedsDestination) and asked.stage.name == "Envoi dans la semaine"
    done = changed(
        session, boss, "étape supprimer Processus commercial Envoi dans la semaine dans 2"
    )
    assert done.params["target"] == "Rendez-vous planifié"
    deal = queries.get_opportunity(session=session, team_id=TEAM, number=number)
    assert deal is not None and deal.stage.name == "Rendez-vous planifié"


def test_the_destination_buttons_are_checked(session: Session, boss: Actor) -> None:
    rep = add_user(session, "U0REP")
    needs = stage_of(session, "Besoins identifiés")
    deal_in(session, rep, needs)
    setup_team(session, team_id="T0OTHER")
    foreign = queries.active_processes(session=session, team_id="T0OTHER")[0].stages[0]
    with pytest.raises(NotFound):
        processes.remove_stage_to(
            session=session, actor=boss, stage_id=needs.id, target_id=foreign.id
        )
    with pytest.raises(NotFound):
        processes.remove_stage_to(
            session=session, actor=boss, stage_id=foreign.id, target_id=needs.id
        )
    target = stage_of(session, "En négociation")
    result = processes.remove_stage_to(
        session=session, actor=boss, stage_id=needs.id, target_id=target.id
    )
    assert isinstance(result, ProcessChanged) and result.params["count"] == 1
    # A second click (or a stale message) finds nothing left to do.
    with pytest.raises(NotFound) as gone:
        processes.remove_stage_to(
            session=session, actor=boss, stage_id=needs.id, target_id=target.id
        )
    assert gone.value.key == "admin.stage_gone"


def test_a_stage_with_only_closed_deals_is_removed_and_they_keep_it(
    session: Session, boss: Actor
) -> None:
    rep = add_user(session, "U0REP")
    number = deal_in(session, rep, stage_of(session, "En négociation"))
    deal = queries.get_opportunity(session=session, team_id=TEAM, number=number)
    assert deal is not None
    deal.status = "won"
    session.flush()
    result = changed(session, boss, f'stage remove "{DEFAULT}" "En négociation"')
    assert result.key == "admin.stage_removed"
    assert deal.stage.name == "En négociation"


def test_the_last_stage_cannot_be_removed(session: Session, boss: Actor) -> None:
    changed(session, boss, 'process add Solo stages "Unique:50"')
    assert refused(session, boss, "stage remove Solo Unique").key == "admin.last_stage"


def test_the_overview_counts_open_deals_per_stage(session: Session, boss: Actor) -> None:
    rep = add_user(session, "U0REP")
    deal_in(session, rep, stage_of(session, "Rendez-vous planifié"))
    deal_in(session, rep, stage_of(session, "Rendez-vous planifié"))
    overview = say(session, boss, "processus")
    assert isinstance(overview, processes.Overview)
    process = overview.processes[0]
    assert process.open_count == 2
    assert [s.open_count for s in process.stages] == [0, 2, 0, 0, 0]


def _count_processes(session: Session) -> int:
    query = select(func.count()).select_from(SalesProcess).where(SalesProcess.team_id == TEAM)
    return session.scalar(query) or 0


def test_stage_changes_are_recorded_by_the_admin_only(session: Session, boss: Actor) -> None:
    """History rows name who moved the deals: the admin who removed the stage."""
    rep = add_user(session, "U0REP")
    deal_in(session, rep, stage_of(session, "Rendez-vous planifié"))
    changed(session, boss, f'stage remove "{DEFAULT}" 2 to 1')
    kinds = session.scalars(
        select(StageChange.changed_by).where(
            StageChange.team_id == TEAM, StageChange.kind == ChangeKind.STAGE
        )
    ).all()
    assert kinds == ["U0BOSS"]
    assert _count_processes(session) == 1
