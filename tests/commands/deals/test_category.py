"""Forecast categories: the default by stage probability, the stage's and the owner's choice, as
typed in either language — and the SQL rule agreeing with the domain's (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from commands.deals import new as opp_new
from commands.deals.category import (
    BEST_CASE_FROM,
    COMMIT_FROM,
    Category,
    category_of,
    default_category,
    label,
    parse_category,
)
from storage.categories import category_sql
from storage.models import Opportunity, Stage
from tests.conftest import add_user, setup_team


def test_the_default_follows_the_stage_probability() -> None:
    assert default_category(10) == Category.PIPELINE
    assert default_category(39) == Category.PIPELINE
    assert default_category(40) == Category.BEST_CASE
    assert default_category(84) == Category.BEST_CASE
    assert default_category(85) == Category.COMMIT
    assert default_category(100) == Category.COMMIT


def test_the_owner_choice_wins_over_the_stage_which_wins_over_the_probability() -> None:
    assert category_of(own=None, stage_category=None, stage_probability=90) == Category.COMMIT
    assert category_of(own=None, stage_category="omit", stage_probability=90) == Category.OMIT
    assert (
        category_of(own="pipeline", stage_category="omit", stage_probability=90)
        == Category.PIPELINE
    )


def test_categories_are_read_as_typed_in_french_and_english() -> None:
    assert parse_category("engagé") == Category.COMMIT
    assert parse_category("ENGAGE") == Category.COMMIT
    assert parse_category("commit") == Category.COMMIT
    assert parse_category("Meilleur cas") == Category.BEST_CASE
    assert parse_category("best-case") == Category.BEST_CASE
    assert parse_category("best case") == Category.BEST_CASE
    assert parse_category("exclu") == Category.OMIT
    assert parse_category("omit") == Category.OMIT
    assert parse_category("pipeline") == Category.PIPELINE
    assert parse_category("peut-être") is None
    assert parse_category("") is None


def test_labels_in_both_languages() -> None:
    assert [label("fr", c) for c in Category] == ["engagé", "meilleur cas", "pipeline", "exclu"]
    assert [label("en-GB", c) for c in Category] == ["commit", "best case", "pipeline", "omit"]


def test_the_sql_rule_gives_the_domain_category_of_each_deal(session: Session) -> None:
    setup_team(session, team_id="T-CAT-1")
    rep = add_user(session, "U0CAT", team_id="T-CAT-1")
    for line in ("Acme 5k site fin mars", "Beta 6k appli fin mars", "Gamma 7k audit fin mars"):
        result = opp_new.quick(session=session, actor=rep, text=line)
        assert isinstance(result, opp_new.Created)
    deals = session.scalars(
        select(Opportunity).where(Opportunity.team_id == "T-CAT-1").order_by(Opportunity.number)
    ).all()
    deals[1].stage.forecast_category = "omit"
    deals[2].forecast_category = "commit"
    session.flush()
    rule = category_sql(commit_from=COMMIT_FROM, best_case_from=BEST_CASE_FROM)
    rows = session.execute(
        select(Opportunity.number, rule)
        .join(Stage, Stage.id == Opportunity.stage_id)
        .where(Opportunity.team_id == "T-CAT-1")
        .order_by(Opportunity.number)
    ).all()
    expected = [
        category_of(
            own=d.forecast_category,
            stage_category=d.stage.forecast_category,
            stage_probability=d.stage.probability,
        ).value
        for d in deals
    ]
    assert [category for _, category in rows] == expected
    assert expected[2] == "commit"
