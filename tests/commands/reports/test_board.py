"""`/pipeline`: figures checked against totals computed by hand, scope and permissions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from bot.blockkit_limits import message_problems
from bot.devtools.render_text import render_blocks
from bot.views.board import board_message, stage_page_message
from commands.context import Actor
from commands.deals import moves as opp_moves
from commands.deals import new as opp_new
from commands.errors import Forbidden, InvalidInput, NotFound
from commands.reports import board as pipeline
from storage import queries
from storage.models import Opportunity, Role, Status
from storage.reports import Totals
from tests.conftest import NOW, add_user, setup_team


def _deal(session: Session, actor: Actor, text: str) -> int:
    result = opp_new.quick(session=session, actor=actor, text=text)
    assert isinstance(result, opp_new.Created)
    return result.card.number


@pytest.fixture
def team(session: Session) -> dict[str, Actor]:
    """Two reps of one manager, a rep of nobody, an admin; deals with known figures."""
    setup_team(session)
    people = {
        "boss": add_user(session, "U0BOSS", role=Role.MANAGER),
        "anna": add_user(session, "U0ANNA", manager="U0BOSS"),
        "ben": add_user(session, "U0BEN", manager="U0BOSS"),
        "solo": add_user(session, "U0SOLO"),
        "admin": add_user(session, "U0ADMIN", role=Role.ADMIN),
    }
    anna, ben, solo = people["anna"], people["ben"], people["solo"]
    _deal(session, anna, "Alpha 10 000 peinture close fin janvier")  # #1 stage 1 (5 %)
    n2 = _deal(session, anna, "Beta 2 500,50 façade close fin février")  # #2 → stage 2 (10 %)
    opp_moves.advance(session=session, actor=anna, text=f"#{n2}")
    n3 = _deal(session, anna, "Gamma 1 001 audit close fin mars")  # #3 → stage 4 (85 %)
    opp_moves.move(session=session, actor=anna, text=f"#{n3} 4")
    n4 = _deal(session, ben, "Delta 40k isolation close fin janvier")  # #4 stage 1, won
    opp_moves.win(session=session, actor=ben, text=f"#{n4}")
    _deal(session, ben, "Epsilon 7 777 isolation close fin avril")  # #5 stage 1
    _deal(session, solo, "Zeta 99k secret close fin mai")  # #6, outside the team
    deal5 = queries.get_opportunity(session=session, team_id=anna.team_id, number=5)
    assert deal5 is not None
    deal5.origin, deal5.product = "salon", "isolation"
    session.flush()
    return people


def test_a_reps_board_matches_the_figures_by_hand(session: Session, team: dict[str, Actor]) -> None:
    board = pipeline.board(session=session, actor=team["anna"], text="")
    columns = {c.stage.name: c for c in board.processes[0].columns}
    assert columns["Opportunité à qualifier"].totals == Totals(1, 1_000_000, 50_000)
    # 2 500,50 € × 10 % = 250,05 €
    assert columns["Rendez-vous planifié"].totals == Totals(1, 250_050, 25_005)
    # 1 001 € × 85 % = 850,85 €
    assert columns["Proposition envoyée"].totals == Totals(1, 100_100, 85_085)
    assert columns["Besoins identifiés"].totals == Totals(0, 0, 0)
    assert board.totals == Totals(3, 1_350_150, 160_090)


def test_weighted_amounts_are_rounded_per_deal_then_summed(
    session: Session, team: dict[str, Actor]
) -> None:
    anna = team["anna"]
    # 0,05 € at 10 % is 0,005 € → 0,01 € (half up); twice makes 0,02 €, not round(0,01).
    for _ in range(2):
        number = _deal(session, anna, "Tiny 0,05 x close fin juin")
        opp_moves.advance(session=session, actor=anna, text=f"#{number}")
    board = pipeline.board(session=session, actor=anna, text="")
    stage = next(c for c in board.processes[0].columns if c.stage.name == "Rendez-vous planifié")
    assert stage.totals == Totals(3, 250_060, 25_005 + 2)


def test_the_team_board_excludes_won_deals_and_other_teams(
    session: Session, team: dict[str, Actor]
) -> None:
    board = pipeline.board(session=session, actor=team["boss"], text="equipe")
    # Anna's three and Ben's open one; Ben's won deal and Solo's deal are not there.
    assert board.totals == Totals(4, 1_350_150 + 777_700, 160_090 + 38_885)


def test_filters_by_origin_and_product(session: Session, team: dict[str, Actor]) -> None:
    board = pipeline.board(session=session, actor=team["boss"], text="team origine SALON")
    assert board.totals.count == 1 and board.totals.amount_minor == 777_700
    board = pipeline.board(session=session, actor=team["boss"], text="team product peinture")
    assert board.totals.count == 0


def test_process_filter(session: Session, team: dict[str, Actor]) -> None:
    admin = team["admin"]
    queries.add_process(
        session=session,
        team_id=admin.team_id,
        name="Appel d'offres",
        stages=[("Veille", 5), ("Offre", 40)],
        now=NOW,
    )
    board = pipeline.board(session=session, actor=admin, text='all processus "appel d\'offres"')
    assert [p.name for p in board.processes] == ["Appel d'offres"] and board.totals.count == 0
    with pytest.raises(NotFound):
        pipeline.board(session=session, actor=admin, text="all process Inconnu")


def test_who_may_see_what(session: Session, team: dict[str, Actor]) -> None:
    with pytest.raises(Forbidden):
        pipeline.board(session=session, actor=team["anna"], text="<@U0BEN>")
    with pytest.raises(Forbidden):
        pipeline.board(session=session, actor=team["anna"], text="team")
    with pytest.raises(Forbidden):
        pipeline.board(session=session, actor=team["boss"], text="all")
    with pytest.raises(Forbidden):
        pipeline.board(session=session, actor=team["boss"], text="<@U0SOLO>")
    assert pipeline.board(session=session, actor=team["boss"], text="<@U0BEN>").totals.count == 1
    assert pipeline.board(session=session, actor=team["admin"], text="all").totals.count == 5
    with pytest.raises(InvalidInput):
        pipeline.board(session=session, actor=team["admin"], text="n'importe quoi")


def test_the_board_message_reads_like_a_whiteboard(
    session: Session, team: dict[str, Actor]
) -> None:
    board = pipeline.board(session=session, actor=team["anna"], text="")
    message = board_message(board, "fr")
    assert not message_problems(message["blocks"], message["text"])
    text = render_blocks(message["blocks"]).text
    assert "3 en cours · total 13\u202f501,50\xa0€ · pondéré 1\u202f600,90\xa0€" in text
    assert "Proposition envoyée (85 %)" in text and "#3 · Gamma" in text


def test_five_thousand_deals_in_one_stage_still_render(session: Session) -> None:
    setup_team(session)
    rep = add_user(session, "U0BIG")
    process = queries.active_processes(session=session, team_id=rep.team_id)[0]
    stage = process.stages[0]
    account = queries.find_or_add_account(session=session, team_id=rep.team_id, name="Big", now=NOW)
    session.add_all(
        Opportunity(
            team_id=rep.team_id,
            number=i + 1,
            account=account,
            title=f"Deal {i}",
            amount_minor=100 * (i + 1),
            currency="EUR",
            close_date=date(2027, 1, 1),
            owner_id=rep.user_id,
            created_by=rep.user_id,
            process_id=process.id,
            process=process,
            stage=stage,
            status=Status.OPEN,
            created_at=NOW,
            updated_at=NOW,
            stage_entered_at=NOW,
        )
        for i in range(5000)
    )
    session.flush()
    board = pipeline.board(session=session, actor=rep, text="")
    message = board_message(board, "fr")
    assert not message_problems(message["blocks"], message["text"])
    assert board.totals.count == 5000
    text = render_blocks(message["blocks"]).text
    assert "#5000 · Big" in text  # the most valuable first
    assert "de plus" in text  # and a way to see the rest
    page = pipeline.stage_page(session=session, actor=rep, text="", stage_id=stage.id, offset=4980)
    shown = stage_page_message(page, "en")
    assert not message_problems(shown["blocks"], shown["text"])
    assert len(page.deals) == 20 and page.next_offset is None


def test_many_processes_switch_to_a_compact_board(session: Session) -> None:
    setup_team(session)
    admin = add_user(session, "U0ADMIN", role=Role.ADMIN)
    for p in range(9):
        queries.add_process(
            session=session,
            team_id=admin.team_id,
            name=f"P{p}",
            stages=[(f"S{s}", 10 * s) for s in range(10)],
            now=NOW,
        )
    _deal(session, admin, "Client 5k x close fin janvier")
    message = board_message(pipeline.board(session=session, actor=admin, text="all"), "en")
    assert not message_problems(message["blocks"], message["text"])
    assert any(b["type"] == "actions" for b in message["blocks"])  # the stage picker


def test_a_team_board_names_each_deals_owner(session: Session, team: dict[str, Actor]) -> None:
    """Whose deal is it? Named on the team's and the company's boards, not on one's own."""
    for actor, text in ((team["boss"], "team"), (team["admin"], "all")):
        board = pipeline.board(session=session, actor=actor, text=text)
        lines = [b["text"]["text"] for b in board_message(board, "fr")["blocks"] if "#" in str(b)]
        deals = [line for line in lines if line.startswith("*#")]
        owners = ("<@U0ANNA>", "<@U0BEN>", "<@U0SOLO>")
        assert deals and all(any(o in d.split("\n")[0] for o in owners) for d in deals), deals
        page = pipeline.stage_page(
            session=session,
            actor=actor,
            text=text,
            stage_id=board.processes[0].columns[0].stage.id,
            offset=0,
        )
        assert "<@U0BEN>" in str(stage_page_message(page, "fr")["blocks"])
    own = board_message(pipeline.board(session=session, actor=team["anna"], text=""), "fr")
    assert "<@U0ANNA>" not in str(own["blocks"])
