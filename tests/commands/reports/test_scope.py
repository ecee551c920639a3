"""Report scopes (`/pipeline`, `/forecast`, `/pipeline stats`) and process and stage names, read
as people type them: unquoted multi-word names, either apostrophe, no case, no accents."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from commands import processes as admin_processes
from commands.analytics import stats
from commands.context import Actor
from commands.deals import edit as opp_edit
from commands.deals import moves as opp_moves
from commands.deals import new as opp_new
from commands.deals import show as opp_show
from commands.errors import InvalidInput, NotFound
from commands.reports import board as pipeline
from commands.reports import forecast
from commands.reports.scope import ScopeWords, read_scope
from storage import queries
from storage.models import Role
from tests.conftest import NOW, add_user, setup_team

# --- The words, without a database ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("process Appel d'offres", ScopeWords(filters={"process": "Appel d'offres"})),
        (
            "processus Appel d’offres team",
            ScopeWords("team", filters={"process": "Appel d’offres"}),
        ),
        (
            "all process Appel d'offres origine Salon pro produit Audit sécurité",
            ScopeWords(
                "all",
                filters={
                    "process": "Appel d'offres",
                    "origin": "Salon pro",
                    "product": "Audit sécurité",
                },
            ),
        ),
        (
            "process Appel d'offres <@U0MARIE>",
            ScopeWords("rep", "U0MARIE", {"process": "Appel d'offres"}),
        ),
        (
            'process "Appel d\'offres" équipe',
            ScopeWords("team", filters={"process": "Appel d'offres"}),
        ),
        # the first word is the name's, whatever it says
        ("product Team building", ScopeWords(filters={"product": "Team building"})),
        # a word of the grammar ends an unquoted name; quotes keep it in
        ("process Projet équipe", ScopeWords("team", filters={"process": "Projet"})),
        ('process "Projet équipe"', ScopeWords(filters={"process": "Projet équipe"})),
        # outside the forecast a number is part of a name
        ("process Phase 2", ScopeWords(filters={"process": "Phase 2"})),
    ],
)
def test_names_need_no_quotes(text: str, expected: ScopeWords) -> None:
    assert read_scope(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "process Appel d'offres 6",
            ScopeWords(filters={"process": "Appel d'offres", "months": "6"}),
        ),
        ('process "Phase 2" 6', ScopeWords(filters={"process": "Phase 2", "months": "6"})),
        (
            "process Appel d'offres mois 6",
            ScopeWords(filters={"process": "Appel d'offres", "months": "6"}),
        ),
    ],
)
def test_the_forecast_reads_a_number_after_a_name_as_the_months(
    text: str, expected: ScopeWords
) -> None:
    assert read_scope(text, allow_months=True) == expected


def test_the_stats_read_the_period_after_a_name() -> None:
    words = read_scope("team process Appel d'offres period 2026-01..2026-06", allow_period=True)
    assert words == ScopeWords(
        "team", filters={"process": "Appel d'offres", "period": "2026-01..2026-06"}
    )


@pytest.mark.parametrize("text", ["process", "bogus", "n'importe quoi", "months 6"])
def test_what_does_not_fit_is_a_usage_error(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        read_scope(text)
    assert refused.value.key == "scope.usage"


NAME_WORDS = [
    "Appel",
    "d'offres",
    "d’offres",
    "Grands",
    "comptes",
    "Études",
    "L’Oréal",
    "2",
    "v2",
    "(B2B)",
]


@settings(max_examples=100)
@given(
    st.lists(st.sampled_from(NAME_WORDS), min_size=1, max_size=4).map(" ".join),
    st.sampled_from(["", "team", "all", "<@U0MARIE>"]),
    st.sampled_from(["process", "processus", "origin", "origine", "product", "produit"]),
)
def test_any_name_reads_back_whole_quoted_or_not(name: str, who: str, word: str) -> None:
    kind = {"": "me", "team": "team", "all": "all", "<@U0MARIE>": "rep"}[who]
    for typed in (name, f"«{name}»"):
        words = read_scope(f"{word} {typed} {who}")
        assert (words.kind, list(words.filters.values())) == (kind, [name])
        assert read_scope(f"{who} {word} {typed}").filters == words.filters


# --- Looked up, on SQLite and PostgreSQL --------------------------------------------------------

TYPED = [
    "Appel d'offres",
    "Appel d’offres",
    "APPEL DʼOFFRES",
    "appel d‘offrés",
]


@pytest.fixture
def admin(session: Session) -> Actor:
    setup_team(session)
    actor = add_user(session, "U0ADMIN", role=Role.ADMIN)
    queries.add_process(
        session=session,
        team_id=actor.team_id,
        name="Appel d’offres",  # as Slack on a Mac types it
        stages=[("Veille", 5), ("Dépôt d’offre", 40), ("Audition", 70)],
        now=NOW,
    )
    return actor


@pytest.mark.parametrize("typed", TYPED)
def test_every_report_finds_the_process_as_typed(
    session: Session, admin: Actor, typed: str
) -> None:
    board = pipeline.board(session=session, actor=admin, text=f"all process {typed}")
    assert [p.name for p in board.processes] == ["Appel d’offres"]
    ahead = forecast.forecast(session=session, actor=admin, text=f"all process {typed} 6")
    assert (ahead.scope.process_name, ahead.scope.months) == ("Appel d’offres", 6)
    figures = stats.stats(session=session, actor=admin, text=f"all process {typed}")
    assert figures.scope.process_name == "Appel d’offres"


def test_an_unknown_process_names_the_known_ones(session: Session, admin: Actor) -> None:
    with pytest.raises(NotFound) as refused:
        pipeline.board(session=session, actor=admin, text="all process Appel d offres")
    assert "Appel d’offres" in refused.value.params["processes"]


@pytest.mark.parametrize("typed", TYPED)
def test_a_deal_moves_to_a_process_and_stage_as_typed(
    session: Session, admin: Actor, typed: str
) -> None:
    opp_new.quick(session=session, actor=admin, text="Dupond 6000 peinture close fin décembre")
    opp_edit.handle(session=session, actor=admin, text=f"#1 process {typed}")
    deal = opp_show.find(session=session, actor=admin, ref="#1")
    assert deal.process.name == "Appel d’offres"
    opp_moves.move(session=session, actor=admin, text="#1 dépôt d'offre")
    assert deal.stage.name == "Dépôt d’offre"
    opp_moves.move(session=session, actor=admin, text="#1 Veille")
    opp_moves.move(session=session, actor=admin, text="#1 DEPOT D‘OFFRE")
    assert deal.stage.name == "Dépôt d’offre"


@pytest.mark.parametrize("typed", TYPED)
def test_admin_stage_commands_find_the_names_as_typed(
    session: Session, admin: Actor, typed: str
) -> None:
    admin_processes.move_stage(session=session, actor=admin, text=f"{typed} depot d'offre 1")
    process = next(
        p
        for p in queries.all_processes(session=session, team_id=admin.team_id)
        if p.name == "Appel d’offres"
    )
    assert [s.name for s in queries.live_stages(process)] == ["Dépôt d’offre", "Veille", "Audition"]


def test_a_period_may_be_typed_with_spaces() -> None:
    today = NOW.date()
    words = read_scope("period 2026-01 .. 2026-06 team", allow_period=True)
    assert words == ScopeWords("team", filters={"period": "2026-01 .. 2026-06"})
    assert stats.parse_period(words.filters["period"], today=today) == stats.parse_period(
        "2026-01..2026-06", today=today
    )
