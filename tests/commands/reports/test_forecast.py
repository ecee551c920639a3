"""`/forecast`: months by expected close date, won, targets, gaps, overdue apart, weak months."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from bot.blockkit_limits import message_problems
from bot.charts import forecast_png
from bot.devtools.render_text import render_blocks
from bot.views.forecast import forecast_message
from commands.context import Actor
from commands.deals import moves as opp_moves
from commands.deals import new as opp_new
from commands.errors import Forbidden, InvalidInput
from commands.reports import forecast
from storage import queries
from storage.models import Role, Target
from storage.reports import Totals
from tests.conftest import NOW, add_user, setup_team


def _deal(session: Session, actor: Actor, text: str) -> int:
    result = opp_new.quick(session=session, actor=actor, text=text)
    assert isinstance(result, opp_new.Created)
    return result.card.number


@pytest.fixture
def rep(session: Session) -> Actor:
    """Today is 27 November 2026 (Paris)."""
    setup_team(session)
    actor = add_user(session, "U0REP")
    _deal(session, actor, "A 10 000 x close fin novembre")  # Nov, 5 % → 500
    _deal(session, actor, "B 4 000 x close 15/12")  # Dec, 5 % → 200
    n = _deal(session, actor, "C 20 000 x close fin décembre")  # Dec, → stage 4: 85 % → 17 000
    opp_moves.move(session=session, actor=actor, text=f"#{n} 4")
    n = _deal(session, actor, "D 3 000 x close fin novembre")  # won this month
    opp_moves.win(session=session, actor=actor, text=f"#{n}")
    _deal(session, actor, "E 50 000 x close fin avril")  # Apr 2027, 5 % → 2 500
    # A deal whose close date slipped: still open, date in the past (set directly).
    n = _deal(session, actor, "F 7 000 x close fin novembre")
    late = queries.get_opportunity(session=session, team_id=actor.team_id, number=n)
    assert late is not None
    late.close_date = date(2026, 11, 10)
    session.flush()
    return actor


def test_months_by_expected_close_date(session: Session, rep: Actor) -> None:
    result = forecast.forecast(session=session, actor=rep, text="")
    months = {m.month: m for m in result.months}
    assert [m.month for m in result.months][:2] == [date(2026, 11, 1), date(2026, 12, 1)]
    assert len(result.months) == 6
    assert months[date(2026, 11, 1)].open == Totals(1, 1_000_000, 50_000)
    assert months[date(2026, 11, 1)].won_minor == 300_000
    assert months[date(2026, 12, 1)].open == Totals(2, 2_400_000, 20_000 + 1_700_000)
    assert months[date(2027, 4, 1)].open == Totals(1, 5_000_000, 250_000)
    assert months[date(2027, 1, 1)].open == Totals()


def test_overdue_deals_are_apart_not_in_a_month(session: Session, rep: Actor) -> None:
    result = forecast.forecast(session=session, actor=rep, text="")
    assert result.overdue == Totals(1, 700_000, 35_000)
    assert sum(m.open.count for m in result.months) == 4


def test_targets_gaps_and_weak_months(session: Session, rep: Actor) -> None:
    for month, amount in ((date(2026, 12, 1), 2_000_000), (date(2027, 4, 1), 100_000)):
        session.add(
            Target(
                team_id=rep.team_id,
                scope="rep",
                subject=rep.user_id,
                month=month,
                amount_minor=amount,
                set_by="U0BOSS",
                set_at=NOW,
            )
        )
    session.flush()
    result = forecast.forecast(session=session, actor=rep, text="mois 12")
    months = {m.month: m for m in result.months}
    assert len(result.months) == 12
    december = months[date(2026, 12, 1)]
    assert december.target_minor == 2_000_000
    assert december.gap_minor == 2_000_000 - 1_720_000
    assert result.why_weak(december) == "target"
    assert months[date(2027, 4, 1)].gap_minor == 100_000 - 250_000
    # January has nothing and no target: flagged as well under the period's average.
    assert result.why_weak(months[date(2027, 1, 1)]) == "average"


def test_months_are_bounded(session: Session, rep: Actor) -> None:
    for text in ("months 0", "months 25", "mois beaucoup"):
        with pytest.raises(InvalidInput):
            forecast.forecast(session=session, actor=rep, text=text)
    assert len(forecast.forecast(session=session, actor=rep, text="24").months) == 24


def test_the_message_and_the_chart(session: Session, rep: Actor) -> None:
    session.add(
        Target(
            team_id=rep.team_id,
            scope="rep",
            subject=rep.user_id,
            month=date(2026, 12, 1),
            amount_minor=2_000_000,
            set_by="U0BOSS",
            set_at=NOW,
        )
    )
    session.flush()
    result = forecast.forecast(session=session, actor=rep, text="months 24")
    message = forecast_message(result, "fr")
    assert not message_problems(message["blocks"], message["text"])
    text = render_blocks(message["blocks"]).text
    assert "⚠ décembre 2026" in text and "17\u202f200\xa0€" in text
    assert "En retard" in text and "il manque 2\u202f800\xa0€" in text
    png = forecast_png(result, "en")
    assert png.startswith(b"\x89PNG") and len(png) > 10_000


def test_a_managers_team_forecast(session: Session) -> None:
    setup_team(session)
    boss = add_user(session, "U0BOSS", role=Role.MANAGER)
    for rep in ("U0A", "U0B"):
        actor = add_user(session, rep, manager="U0BOSS")
        _deal(session, actor, "X 1 000 y close fin décembre")
    result = forecast.forecast(session=session, actor=boss, text="team")
    assert sum(m.open.amount_minor for m in result.months) == 200_000


def test_won_counts_in_the_month_it_was_won(session: Session, rep: Actor) -> None:
    later = Actor(
        rep.team_id, rep.user_id, rep.lang, rep.tz, rep.role, datetime(2026, 12, 2, 9, tzinfo=UTC)
    )
    n = _deal(session, rep, "G 1 000 x close fin janvier")
    opp_moves.win(session=session, actor=later, text=f"#{n}")
    result = forecast.forecast(session=session, actor=later, text="")
    assert result.months[0].month == date(2026, 12, 1) and result.months[0].won_minor == 100_000
    assert NOW + timedelta(days=5) > later.now


def test_targets_are_set_by_command_and_used(session: Session, rep: Actor) -> None:
    from commands.admin import targets

    boss = add_user(session, "U0BOSS", role=Role.MANAGER)
    member = queries.get_member(session=session, team_id=rep.team_id, user_id=rep.user_id)
    assert member is not None
    member.manager_id = "U0BOSS"
    session.flush()
    with pytest.raises(Forbidden):
        targets.set_target(session=session, actor=rep, text="<@U0REP> 2026-12 20000")
    with pytest.raises(Forbidden):
        targets.set_target(session=session, actor=boss, text="all 2026-12 20000")
    with pytest.raises(InvalidInput):
        targets.set_target(session=session, actor=boss, text="<@U0REP> 2025-12 20000")
    done = targets.set_target(session=session, actor=boss, text="<@U0REP|rep> 2026-12 20k")
    assert done.amount_minor == 2_000_000
    targets.set_target(session=session, actor=boss, text="<@U0REP> 12/2026 20 000 €")
    result = forecast.forecast(session=session, actor=rep, text="")
    assert result.months[1].target_minor == 2_000_000
    removed = targets.set_target(session=session, actor=boss, text="<@U0REP> 2026-12 off")
    assert removed.amount_minor is None
    assert forecast.forecast(session=session, actor=rep, text="").months[1].target_minor is None
    team = targets.set_target(session=session, actor=boss, text='equipe "mars 2027" 5000')
    assert (team.scope, team.month) == ("team", date(2027, 3, 1))
