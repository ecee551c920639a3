"""What `/opp` does, on SQLite and PostgreSQL, without Slack."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commands.deals import account as opp_account
from commands.deals import listing as opp_list
from commands.deals import new as opp_new
from commands.deals import show as opp_show
from commands.deals.router import route
from commands.errors import Forbidden, FormInvalid, InvalidInput, NotFound
from storage import queries
from storage.models import Opportunity, Role, StageChange
from tests.conftest import add_user, setup_team


@pytest.fixture
def rep(session: Session):  # type: ignore[no-untyped-def]
    setup_team(session)
    return add_user(session, "U0REP")


def _count(session: Session) -> int:
    query = select(func.count()).select_from(Opportunity).where(Opportunity.team_id == "T0TEST")
    return session.scalar(query) or 0


def test_quick_create_logs_the_deal_with_its_history(session: Session, rep) -> None:  # type: ignore[no-untyped-def]
    result = opp_new.quick(
        session=session,
        actor=rep,
        text="Dupond 6000€ Peinture anti-polluants close début octobre",
    )
    assert isinstance(result, opp_new.Created)
    card = result.card
    assert (card.number, card.account, card.title) == (1, "Dupond", "Peinture anti-polluants")
    assert card.amount_minor == 600_000 and card.currency == "EUR"
    assert card.close_date == date(2027, 10, 5)
    assert card.stage.name == "Opportunité à qualifier" and card.probability == 5
    assert card.weighted_minor == 30_000
    changes = session.scalars(select(StageChange).where(StageChange.team_id == rep.team_id)).all()
    assert [(c.kind, c.changed_by) for c in changes] == [("created", "U0REP")]


@pytest.mark.parametrize(
    ("text", "account", "amount", "close"),
    [
        (
            "Martin SA 12 500 € audit sécurité signature fin novembre",
            "Martin SA",
            1_250_000,
            date(2026, 11, 30),
        ),
        ("Acme 3.5k renewal close next month", "Acme", 350_000, None),
    ],
)
def test_quick_create_examples(
    session: Session,
    rep,
    text: str,
    account: str,
    amount: int,  # type: ignore[no-untyped-def]
    close: date | None,
) -> None:
    result = opp_new.quick(session=session, actor=rep, text=text)
    assert isinstance(result, opp_new.Created)
    assert (result.card.account, result.card.amount_minor) == (account, amount)
    if close:
        assert result.card.close_date == close
    else:
        assert result.card.close_date.month == 12


def test_missing_close_date_opens_the_modal_prefilled(session: Session, rep) -> None:  # type: ignore[no-untyped-def]
    result = opp_new.quick(session=session, actor=rep, text='"Dupond & Fils" 6k peinture')
    assert result == opp_new.OpenForm(
        opp_new.Prefill(account="Dupond & Fils", title="peinture", amount_text="6000")
    )
    assert _count(session) == 0


@pytest.mark.parametrize(
    "when", ["close 12/03/2020", "close hier", "close 31 février", "close blablabla"]
)
def test_a_refused_date_stores_nothing(session: Session, rep, when: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as refused:
        opp_new.quick(session=session, actor=rep, text=f"Dupond 6000 peinture {when}")
    assert refused.value.key.startswith("parse.date_")
    assert _count(session) == 0


def test_another_currency_is_refused(session: Session, rep) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as refused:
        opp_new.quick(session=session, actor=rep, text="Acme $6,000 paint close end of december")
    assert refused.value.key == "opp.currency_mismatch"
    assert _count(session) == 0


def test_form_reports_every_bad_field_at_once(session: Session, rep) -> None:  # type: ignore[no-untyped-def]
    form = opp_new.NewOpportunityInput(
        account="", title="", amount="beaucoup", close_date="2020-01-01", stage_id="999999"
    )
    with pytest.raises(FormInvalid) as invalid:
        opp_new.submit(session=session, actor=rep, form=form)
    assert set(invalid.value.errors) == {"account", "title", "amount", "close_date", "stage"}
    assert _count(session) == 0


def test_form_creates_a_qualified_deal(session: Session, rep) -> None:  # type: ignore[no-untyped-def]
    process = queries.active_processes(session=session, team_id=rep.team_id)[0]
    stage = process.stages[1]
    form = opp_new.NewOpportunityInput(
        account="new:Garage Moreau",
        title="Ravalement",
        amount="12 500,50 €",
        close_date="2027-03-15",
        stage_id=str(stage.id),
        origin="salon",
        product="façade",
        next_step="Envoyer le devis",
        next_step_date="2026-12-02",
        qualification=frozenset({"need", "answer", "blockers", "meeting"}),
    )
    card = opp_new.submit(session=session, actor=rep, form=form)
    assert card.amount_minor == 1_250_050
    assert card.stage.name == "Rendez-vous planifié" and card.probability == 10
    assert card.qualification == (True, True, True, True)
    assert (card.origin, card.product, card.next_step) == ("salon", "façade", "Envoyer le devis")
    # The typeahead now offers the account, and picking it by id reuses it.
    options = opp_new.account_options(session=session, actor=rep, query="gar")
    assert options[0][0] == "Garage Moreau" and options[0][1].startswith("id:")
    again = opp_new.submit(
        session=session,
        actor=rep,
        form=opp_new.NewOpportunityInput(
            account=options[0][1], title="Peinture", amount="6k", close_date="2027-04-01"
        ),
    )
    assert again.account == "Garage Moreau" and again.number == 2


def test_a_stage_of_another_workspace_is_refused(session: Session, rep) -> None:  # type: ignore[no-untyped-def]
    setup_team(session, team_id="T0OTHER")
    foreign = queries.active_processes(session=session, team_id="T0OTHER")[0].stages[0]
    form = opp_new.NewOpportunityInput(
        account="new:X", title="Y", amount="1000", close_date="2027-01-01", stage_id=str(foreign.id)
    )
    with pytest.raises(FormInvalid) as invalid:
        opp_new.submit(session=session, actor=rep, form=form)
    assert set(invalid.value.errors) == {"stage"}


def test_list_shows_own_open_deals_with_totals(session: Session, rep) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "A 1000 x close fin décembre",
        "B 2 500,50 y close fin janvier",
        "C 10k z close fin février",
    ):
        opp_new.quick(session=session, actor=rep, text=text)
    other = add_user(session, "U0OTHER")
    opp_new.quick(session=session, actor=other, text="D 99k w close fin mars")
    listing = opp_list.handle(session=session, actor=rep, text="")
    assert listing.total_count == 3
    assert listing.total_minor == 100_000 + 250_050 + 1_000_000
    # 5 % of each, rounded per deal: 50.00 + 125.03 (125.025 rounded half up) + 500.00
    assert listing.weighted_minor == 5_000 + 12_503 + 50_000
    assert [c.amount_minor for c in listing.cards] == [1_000_000, 250_050, 100_000]


def test_a_rep_cannot_list_someone_else(session: Session, rep) -> None:  # type: ignore[no-untyped-def]
    add_user(session, "U0OTHER")
    with pytest.raises(Forbidden):
        opp_list.handle(session=session, actor=rep, text="<@U0OTHER|other>")


def test_a_manager_lists_their_reps_but_not_others(session: Session) -> None:
    setup_team(session)
    manager = add_user(session, "U0BOSS", role=Role.MANAGER)
    mine = add_user(session, "U0MINE", manager="U0BOSS")
    add_user(session, "U0NOTMINE", manager="U0SOMEONE")
    opp_new.quick(session=session, actor=mine, text="A 1000 x close fin décembre")
    assert opp_list.handle(session=session, actor=manager, text="<@U0MINE>").total_count == 1
    with pytest.raises(Forbidden):
        opp_list.handle(session=session, actor=manager, text="<@U0NOTMINE>")
    admin = add_user(session, "U0ADMIN", role=Role.ADMIN)
    assert opp_list.handle(session=session, actor=admin, text="<@U0NOTMINE>").total_count == 0


def test_show_has_every_field_and_the_history(session: Session, rep) -> None:  # type: ignore[no-untyped-def]
    opp_new.quick(session=session, actor=rep, text="Dupond 6000 peinture close fin décembre")
    card = opp_show.handle(session=session, actor=rep, text="#1")
    assert card.number == 1 and len(card.history) == 1
    assert card.history[0].after == "Opportunité à qualifier"


def test_show_of_unknown_or_foreign_number_is_not_found(session: Session, rep) -> None:  # type: ignore[no-untyped-def]
    setup_team(session, team_id="T0OTHER")
    stranger = add_user(session, "U0STRANGER", team_id="T0OTHER")
    opp_new.quick(session=session, actor=stranger, text="Secret 50k x close fin décembre")
    with pytest.raises(NotFound):
        opp_show.handle(session=session, actor=rep, text="#1")
    with pytest.raises(InvalidInput):
        opp_show.handle(session=session, actor=rep, text="douze")


def test_account_view_splits_open_and_closed(session: Session, rep) -> None:  # type: ignore[no-untyped-def]
    opp_new.quick(session=session, actor=rep, text="Dupond 6000 peinture close fin décembre")
    opp_new.quick(session=session, actor=rep, text="Dupond 2000 audit close fin janvier")
    deal = queries.get_opportunity(session=session, team_id=rep.team_id, number=2)
    assert deal is not None
    deal.status = "won"
    session.flush()
    view = opp_account.handle(session=session, actor=rep, text="dupond")
    assert (view.name, view.open_count, view.won_count, view.won_minor) == ("Dupond", 1, 1, 200_000)
    with pytest.raises(NotFound):
        opp_account.handle(session=session, actor=rep, text="Inconnu")


@pytest.mark.parametrize(
    ("text", "subcommand"),
    [
        ("", "help"),
        ("aide", "help"),
        ("nouvelle X", "new"),
        ("liste", "list"),
        ("VOIR #3", "show"),
        ("#3", "show"),
        ("compte Dupond", "account"),
        ("créer x", "new"),
    ],
)
def test_french_and_english_words_route(text: str, subcommand: str) -> None:
    assert route(text).subcommand == subcommand


@pytest.mark.parametrize("text", ["frobnicate", "x" * 5000, "<!channel>"])
def test_bad_subcommands_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        route(text)


def test_control_characters_are_dropped_not_obeyed() -> None:
    assert route("\x00\x07").subcommand == "help"
    assert route("vo\x00ir #3") == route("voir #3")
