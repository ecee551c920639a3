"""What `/salesbot` does to processes, stages, roles and settings, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commands import processes
from commands.admin import roles
from commands.admin import router as salesbot
from commands.admin.router import SettingsInput, route, run
from commands.context import Actor
from commands.deals import listing as opp_list
from commands.deals import new as opp_new
from commands.errors import DomainError, Forbidden, FormInvalid, InvalidInput, NotFound
from commands.processes import NeedsDestination, ProcessChanged
from storage import queries
from storage.models import (
    ChangeKind,
    Member,
    Opportunity,
    Role,
    SalesProcess,
    Stage,
    StageChange,
)
from tests.conftest import TEAM, add_user, setup_team

DEFAULT = "Processus commercial"


@pytest.fixture
def boss(session: Session) -> Actor:
    setup_team(session)
    return add_user(session, "U0BOSS", role=Role.ADMIN)


def say(session: Session, actor: Actor, text: str) -> salesbot.Result:
    """What `/salesbot <text>` answers."""
    return run(session=session, actor=actor, routed=route(text))


def changed(session: Session, actor: Actor, text: str) -> ProcessChanged:
    result = say(session, actor, text)
    assert isinstance(result, ProcessChanged), result
    return result


def refused(session: Session, actor: Actor, text: str) -> DomainError:
    """The refusal for `text`; the database must look exactly as before."""
    before = _snapshot(session)
    with pytest.raises(DomainError) as error:
        say(session, actor, text)
    assert _snapshot(session) == before, text
    return error.value


def _snapshot(session: Session) -> tuple[object, ...]:
    session.expire_all()
    stages = session.execute(
        select(
            Stage.id,
            Stage.name,
            Stage.position,
            Stage.probability,
            Stage.stuck_after_days,
            Stage.removed_at,
        )
        .where(Stage.team_id == TEAM)
        .order_by(Stage.id)
    ).all()
    procs = session.execute(
        select(SalesProcess.id, SalesProcess.name, SalesProcess.archived_at)
        .where(SalesProcess.team_id == TEAM)
        .order_by(SalesProcess.id)
    ).all()
    deals = session.execute(
        select(Opportunity.number, Opportunity.stage_id).where(Opportunity.team_id == TEAM)
    ).all()
    workspace = queries.get_workspace(session=session, team_id=TEAM)
    members = session.execute(
        select(Member.user_id, Member.role, Member.manager_id).where(Member.team_id == TEAM)
    ).all()
    reasons = [r.label for r in queries.lost_reasons(session=session, team_id=TEAM)]
    announce = workspace.announce_channel if workspace else None
    return (tuple(stages), tuple(procs), tuple(deals), announce, tuple(sorted(members)), reasons)


def process_named(session: Session, name: str) -> SalesProcess:
    found = [p for p in queries.all_processes(session=session, team_id=TEAM) if p.name == name]
    assert found, name
    return found[0]


def stage_names(session: Session, name: str = DEFAULT) -> list[str]:
    process = process_named(session, name)
    session.refresh(process, ["stages"])
    return [s.name for s in queries.live_stages(process)]


def deal_in(session: Session, actor: Actor, stage: Stage, title: str = "Peinture") -> int:
    form = opp_new.NewOpportunityInput(
        account="new:Dupond",
        title=title,
        amount="6000",
        close_date="2027-01-15",
        stage_id=str(stage.id),
    )
    return opp_new.submit(session=session, actor=actor, form=form).number


def stage_of(session: Session, name: str, process: str = DEFAULT) -> Stage:
    found = [s for s in queries.live_stages(process_named(session, process)) if s.name == name]
    assert found, name
    return found[0]


# --- who may --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "processus",
        'process add "Grands comptes"',
        "stage probability 'Processus commercial' 1 50",
        "role <@U0REP> admin",
        "team <@U0BOSS> add <@U0REP>",
        "announce <#C0SALES|ventes>",
        "lost-reasons add Timing",
    ],
)
def test_reps_and_managers_cannot_administer(session: Session, boss: Actor, text: str) -> None:
    for role in (Role.REP, Role.MANAGER):
        actor = add_user(session, f"U0{role.upper()}", role=role)
        assert isinstance(refused(session, actor, text), Forbidden)


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
    before = _snapshot(session)
    asked = say(session, boss, f'stage remove "{DEFAULT}" "Besoins identifiés"')
    assert isinstance(asked, NeedsDestination)
    assert asked.stage.open_count == 2
    assert [t.name for t in asked.targets] == [
        "Opportunité à qualifier",
        "Rendez-vous planifié",
        "Proposition envoyée",
        "En négociation",
    ]
    assert _snapshot(session) == before  # nothing removed, nothing moved
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


# --- roles and teams ------------------------------------------------------------------------


def test_roles_apply_and_create_unknown_members(session: Session, boss: Actor) -> None:
    result = say(session, boss, "rôle <@U0NEW|nouveau> manager")
    assert isinstance(result, roles.RoleChanged)
    assert (result.role, result.before) == (Role.MANAGER, Role.REP)
    member = queries.get_member(session=session, team_id=TEAM, user_id="U0NEW")
    assert member is not None and member.role == Role.MANAGER
    assert salesbot.affected_users(result) == ("U0NEW",)
    back = say(session, boss, "role <@U0NEW> commercial")
    assert isinstance(back, roles.RoleChanged) and back.role == Role.REP


def test_the_last_admin_cannot_demote_themself(session: Session, boss: Actor) -> None:
    assert refused(session, boss, "role <@U0BOSS> rep").key == "admin.last_admin"
    say(session, boss, "role <@U0SECOND> admin")
    result = say(session, boss, "role <@U0BOSS> manager")
    assert isinstance(result, roles.RoleChanged) and result.role == Role.MANAGER


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("role @marie manager", "admin.mention_required"),
        ("role <@U0REP> patron", "admin.role_unknown"),
        ("role <@U0REP>", "admin.usage_role"),
        ("team <@U0REP> add <@U0OTHER>", "admin.not_a_manager"),
        ("team <@U0BOSS> add <@U0BOSS>", "admin.own_manager"),
        ("team <@U0BOSS> hire <@U0REP>", "admin.usage_team"),
        ("team marie", "admin.mention_required"),
    ],
)
def test_bad_role_and_team_changes_are_refused(
    session: Session, boss: Actor, text: str, key: str
) -> None:
    add_user(session, "U0REP")
    assert refused(session, boss, text).key == key


def test_a_team_gives_its_manager_their_reps_pipelines(session: Session, boss: Actor) -> None:
    manager = add_user(session, "U0PAUL", role=Role.MANAGER)
    add_user(session, "U0MARIE", manager="U0OLD")
    with pytest.raises(Forbidden):
        opp_list.handle(session=session, actor=manager, text="<@U0MARIE>")
    result = say(session, boss, "équipe <@U0PAUL|paul> ajouter <@U0MARIE|marie d> <@U0LEO>")
    assert isinstance(result, roles.TeamChanged)
    assert result.added == ("U0LEO",) and result.moved == (("U0MARIE", "U0OLD"),)
    assert result.team == ("U0LEO", "U0MARIE")
    assert set(salesbot.affected_users(result)) == {"U0PAUL", "U0LEO", "U0MARIE"}
    # Marie's deals are now open to Paul.
    assert opp_list.handle(session=session, actor=manager, text="<@U0MARIE>").total_count == 0
    again = say(session, boss, "team <@U0PAUL> add <@U0LEO>")
    assert isinstance(again, roles.TeamChanged) and again.already == ("U0LEO",)
    removed = say(session, boss, "team <@U0PAUL> retirer <@U0MARIE> <@U0STRANGER>")
    assert isinstance(removed, roles.TeamChanged)
    assert removed.removed == ("U0MARIE",) and removed.not_in_team == ("U0STRANGER",)
    listing = say(session, boss, "team <@U0PAUL>")
    assert listing == roles.TeamListing("U0PAUL", Role.MANAGER, ("U0LEO",))


def test_demoting_a_manager_says_their_team_is_left_without_one(
    session: Session, boss: Actor
) -> None:
    add_user(session, "U0PAUL", role=Role.MANAGER)
    add_user(session, "U0MARIE", manager="U0PAUL")
    result = say(session, boss, "role <@U0PAUL> rep")
    assert isinstance(result, roles.RoleChanged) and result.team_kept == 1


# --- announcements and lost reasons -----------------------------------------------------------


def test_announce_channel_on_and_off(session: Session, boss: Actor) -> None:
    result = say(session, boss, "annonce <#C0VENTES|ventes>")
    assert result == roles.AnnounceChannel("C0VENTES", changed=True)
    workspace = queries.get_workspace(session=session, team_id=TEAM)
    assert workspace is not None and workspace.announce_channel == "C0VENTES"
    assert say(session, boss, "announce") == roles.AnnounceChannel("C0VENTES", changed=False)
    assert say(session, boss, "announce off") == roles.AnnounceChannel(None, changed=True)
    assert workspace.announce_channel is None
    assert refused(session, boss, "announce #ventes").key == "admin.channel_required"
    with pytest.raises(InvalidInput):
        roles.set_announce(session=session, actor=boss, channel_id="D0DIRECT")


def test_lost_reasons_list_add_remove(session: Session, boss: Actor) -> None:
    listed = say(session, boss, "raisons")
    assert isinstance(listed, roles.LostReasons) and listed.labels[0] == "Prix"
    added = say(session, boss, "raisons ajouter Délai trop court")
    assert isinstance(added, roles.LostReasons) and added.labels[-1] == "Délai trop court"
    assert refused(session, boss, "raisons ajouter PRIX").key == "admin.lost_reason_exists"
    assert refused(session, boss, "raisons ajouter " + "x" * 76).key == "admin.name_too_long"
    removed = say(session, boss, "lost-reasons remove prix")
    assert isinstance(removed, roles.LostReasons) and removed.removed == "Prix"
    by_number = say(session, boss, "lost-reasons remove 1")
    assert isinstance(by_number, roles.LostReasons) and by_number.removed == "Concurrent"
    assert refused(session, boss, "lost-reasons remove Inconnue").key == "admin.lost_reason_unknown"
    for label in by_number.labels[:-1]:
        say(session, boss, f'lost-reasons remove "{label}"')
    last = queries.lost_reasons(session=session, team_id=TEAM)
    assert len(last) == 1
    assert refused(session, boss, "lost-reasons remove 1").key == "admin.last_lost_reason"


# --- routing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "subcommand"),
    [
        ("", "help"),
        ("aide", "help"),
        ("RÉGLAGES", "settings"),
        ("paramètres", "settings"),
        ("processus", "processes"),
        ("processes", "processes"),
        ("processus ajouter X", "process"),
        ("étape ajouter X", "stage"),
        ("etape supprimer X", "stage"),
        ("rôle <@U1> admin", "role"),
        ("équipe <@U1>", "team"),
        ("annonce off", "announce"),
        ("raisons", "lost-reasons"),
    ],
)
def test_french_and_english_words_route(text: str, subcommand: str) -> None:
    assert route(text).subcommand == subcommand


@pytest.mark.parametrize("text", ["frobnicate", "<!channel>", "x" * 5000])
def test_unknown_words_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        route(text)


# --- the settings modal ---------------------------------------------------------------------


def test_settings_apply_every_filled_part(session: Session, boss: Actor) -> None:
    process = process_named(session, DEFAULT)
    stage = stage_of(session, "Besoins identifiés")
    form = SettingsInput(
        new_process_name="Grands comptes",
        new_process_stages="Découverte:10, Négo:80",
        add_stage_process=str(process.id),
        add_stage_name="Démo",
        add_stage_probability="30",
        edit_stage=str(stage.id),
        edit_probability="45",
        edit_stuck_after="21",
        announce_channel="C0VENTES",
    )
    applied = salesbot.apply_settings(session=session, actor=boss, form=form)
    assert [getattr(c, "key", "announce") for c in applied.changes] == [
        "admin.process_added",
        "admin.stage_added",
        "admin.probability_set",
        "admin.stuck_set",
        "announce",
    ]
    names = [p.name for p in applied.overview.processes]
    assert names == [DEFAULT, "Grands comptes"]
    stages = {s.name: s for s in applied.overview.processes[0].stages}
    assert stages["Démo"].probability == 30
    assert (
        stages["Besoins identifiés"].probability,
        stages["Besoins identifiés"].stuck_after_days,
    ) == (45, 21)
    assert applied.overview.announce_channel == "C0VENTES"


def test_settings_refusals_land_on_their_field_and_nothing_is_saved(
    session: Session, boss: Actor
) -> None:
    setup_team(session, team_id="T0OTHER")
    foreign = queries.active_processes(session=session, team_id="T0OTHER")[0].stages[0]
    before = _snapshot(session)
    form = SettingsInput(
        new_process_name="Grands comptes",  # fine on its own, but undone with the rest
        add_stage_name="Démo",  # no process picked
        edit_stage=str(foreign.id),
        edit_probability="45",
        announce_channel="C0VENTES",
    )
    # The listener's transaction rolls back on FormInvalid; a savepoint does it here.
    with pytest.raises(FormInvalid) as invalid, session.begin_nested():
        salesbot.apply_settings(session=session, actor=boss, form=form)
    assert set(invalid.value.errors) == {"add_stage_process", "edit_stage"}
    bad_numbers = SettingsInput(
        edit_stage=str(stage_of(session, "Besoins identifiés").id),
        edit_probability="150",
        edit_stuck_after="jamais vu",
        new_process_stages="A:10",  # stages without a name
    )
    with pytest.raises(FormInvalid) as invalid, session.begin_nested():
        salesbot.apply_settings(session=session, actor=boss, form=bad_numbers)
    assert {f: e.key for f, e in invalid.value.errors.items()} == {
        "edit_probability": "admin.probability_invalid",
        "edit_stuck_after": "admin.days_invalid",
        "new_process_name": "admin.name_required",
    }
    assert _snapshot(session) == before


def test_settings_need_an_admin(session: Session, boss: Actor) -> None:
    rep = add_user(session, "U0REP")
    with pytest.raises(Forbidden):
        salesbot.settings(session=session, actor=rep)
    with pytest.raises(Forbidden):
        salesbot.apply_settings(session=session, actor=rep, form=SettingsInput())


def test_nothing_filled_changes_nothing(session: Session, boss: Actor) -> None:
    applied = salesbot.apply_settings(session=session, actor=boss, form=SettingsInput())
    assert applied.changes == ()


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
