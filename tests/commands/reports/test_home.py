"""The App Home: own pipeline, next three months, deals that need attention, a manager's picker."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from bot.blockkit_limits import view_problems
from bot.devtools.render_text import render_view
from bot.views.home import home_view
from commands.context import Actor
from commands.deals import new as opp_new
from commands.nudging import nudges
from commands.reports import home
from storage import queries
from storage.models import Opportunity, Role, Status
from tests.conftest import NOW, add_user, setup_team
from tests.nudge_support import finished_stays


def _deal(session: Session, actor: Actor, text: str) -> Opportunity:
    result = opp_new.quick(session=session, actor=actor, text=text)
    assert isinstance(result, opp_new.Created)
    deal = queries.get_opportunity(
        session=session, team_id=actor.team_id, number=result.card.number
    )
    assert deal is not None
    return deal


def test_home_shows_stuck_and_overdue_deals_most_valuable_first(session: Session) -> None:
    setup_team(session)
    rep = add_user(session, "U0REP")
    _deal(session, rep, "Fresh 1k x close fin décembre")  # fine
    stuck = _deal(session, rep, "Stuck 5k x close fin janvier")
    stuck.stage_entered_at = NOW - timedelta(days=20)  # default threshold: 14 days
    late = _deal(session, rep, "Late 9k x close fin décembre")
    late.close_date = date(2026, 11, 1)
    session.flush()
    result = home.home(session=session, actor=rep)
    assert [c.account for c in result.attention] == ["Late", "Stuck"]
    view = home_view(result, "fr")
    assert not view_problems(view)
    text = render_view(view).text
    assert "À traiter : 2 affaires" in text and "Nouvelle opportunité" in text
    assert "3 en cours · total 15\u202f000\xa0€" in text


def test_a_stage_threshold_set_by_the_admin_wins(session: Session) -> None:
    setup_team(session)
    rep = add_user(session, "U0REP")
    deal = _deal(session, rep, "Slow 1k x close fin janvier")
    deal.stage_entered_at = NOW - timedelta(days=5)
    deal.stage.stuck_after_days = 3
    session.flush()
    assert [c.account for c in home.home(session=session, actor=rep).attention] == ["Slow"]


def test_an_admin_delay_longer_than_the_default_keeps_a_deal_off_the_list(
    session: Session,
) -> None:
    setup_team(session)
    rep = add_user(session, "U0REP")
    deal = _deal(session, rep, "Long 1k x close fin janvier")
    deal.stage_entered_at = NOW - timedelta(days=20)
    session.flush()
    assert [c.account for c in home.home(session=session, actor=rep).attention] == ["Long"]
    deal.stage.stuck_after_days = 30  # read at once: no cache hides an admin's setting
    session.flush()
    assert home.home(session=session, actor=rep).attention == ()


def test_the_home_counts_as_stuck_what_the_nudge_does(session: Session) -> None:
    """Learned from history: this stage's deals move on within two days, so five is stuck —
    on the Home as in the morning's nudge (the flat 14 days would say otherwise)."""
    setup_team(session)
    rep = add_user(session, "U0REP")
    slow = _deal(session, rep, "Slow 1k x close fin janvier")
    slow.stage_entered_at = NOW - timedelta(days=5)
    fresh = _deal(session, rep, "Fresh 1k x close fin janvier")
    fresh.stage_entered_at = NOW - timedelta(days=1)
    session.flush()
    finished_stays(session, fresh, slow.stage, [2.0] * 12, end=NOW - timedelta(days=30))
    assert [c.account for c in home.home(session=session, actor=rep).attention] == ["Slow"]
    recipient = nudges.Recipient("U0REP", "fr", rep.tz, rep.role, None, rep.today, NOW)
    found = nudges.scan(session=session, team_id=rep.team_id, recipients=[recipient])
    assert found.attention == {"U0REP": [slow.id]}


def test_a_manager_can_switch_to_a_rep_or_the_team(session: Session) -> None:
    setup_team(session)
    boss = add_user(session, "U0BOSS", role=Role.MANAGER)
    anna = add_user(session, "U0ANNA", manager="U0BOSS")
    _deal(session, anna, "A 2k x close fin décembre")
    mine = home.home(session=session, actor=boss)
    assert [r[0] for r in mine.reps] == ["U0ANNA"] and mine.board.totals.count == 0
    team = home.home(session=session, actor=boss, selected="team")
    assert team.board.totals.count == 1
    view = home_view(team, "en")
    assert not view_problems(view)
    picker = next(
        e
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "home_scope"
    )
    assert picker["initial_option"]["value"] == "team"


def test_a_big_home_stays_within_the_view_limit(session: Session) -> None:
    setup_team(session)
    rep = add_user(session, "U0REP")
    process = queries.active_processes(session=session, team_id=rep.team_id)[0]
    account = queries.find_or_add_account(session=session, team_id=rep.team_id, name="Big", now=NOW)
    session.add_all(
        Opportunity(
            team_id=rep.team_id,
            number=i + 1,
            account=account,
            title="T",
            amount_minor=100 * (i + 1),
            currency="EUR",
            close_date=date(2026, 10, 1),
            owner_id=rep.user_id,
            created_by=rep.user_id,
            process_id=process.id,
            process=process,
            stage=process.stages[i % 5],
            status=Status.OPEN,
            created_at=NOW,
            updated_at=NOW,
            stage_entered_at=NOW - timedelta(days=40),
        )
        for i in range(300)
    )
    session.flush()
    result = home.home(session=session, actor=rep)
    assert result.attention_count == 300
    assert not view_problems(home_view(result, "fr"))


def test_a_click_in_the_home_is_answered_on_top_and_a_teams_deals_name_their_owner(
    session: Session,
) -> None:
    from slack_sdk.models.views import View

    setup_team(session)
    boss = add_user(session, "U0BOSS", role=Role.MANAGER)
    anna = add_user(session, "U0ANNA", manager="U0BOSS")
    late = _deal(session, anna, "Late 9k x close fin décembre")
    late.close_date = date(2026, 11, 1)
    session.flush()
    team = home.home(session=session, actor=boss, selected="team")
    view = home_view(team, "fr", note="#1 passe en « Rendez-vous planifié ».")
    assert not view_problems(view)
    View(**view).validate_json()
    assert view["blocks"][1]["elements"][0]["text"] == "#1 passe en « Rendez-vous planifié »."
    lines = [b["text"]["text"] for b in view["blocks"] if b.get("block_id") == "opp:1:s"]
    assert lines and "<@U0ANNA>" in lines[0].split("\n")[0]
    own = home_view(home.home(session=session, actor=anna), "fr")
    assert "<@U0ANNA>" not in str(own["blocks"]) and own["blocks"][1]["type"] == "actions"
