"""Stuck thresholds: an admin's days win; else learned from the workspace's history; else 14."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from commands import processes
from commands.nudging import Threshold, learned, percentile, stuck
from storage.analytics import IMPORTED
from storage.models import Role, StageChange
from tests.conftest import make_actor
from tests.nudge_support import MONDAY, TEAM, deal, finished_stays, member, stages, workspace


def test_the_percentile_is_a_value_that_was_observed() -> None:
    values = [float(v) for v in range(1, 11)]  # 1 … 10 days
    assert percentile(values, 80) == 8.0
    assert percentile(values, 100) == 10.0
    assert percentile([5.0], 80) == 5.0
    with pytest.raises(ValueError):
        percentile([], 80)


def test_until_ten_stays_the_default_applies() -> None:
    assert learned([30.0] * 9) == Threshold(14, "default", 9)


def test_ten_stays_are_enough_to_learn_the_80th_percentile_rounded_up() -> None:
    stays = [1.0, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.2, 20.0, 30.0]
    found = learned(stays)
    assert (found.days, found.source, found.stays) == (8, "learned", 10)  # p80 = 7.2 days
    assert found.percentile_days == 7.2


def test_a_fast_stage_is_never_under_the_floor() -> None:
    assert learned([0.2] * 20).days == 3


def test_the_admin_setting_wins_over_history() -> None:
    assert learned([30.0] * 50, admin_days=5) == Threshold(5, "admin", 50)


def test_thresholds_are_learned_per_stage_from_finished_stays(session: Session) -> None:
    workspace(session)
    member(session, "U0REP")
    first, second, *_ = stages(session)
    host = deal(session, "U0REP", entered=MONDAY - timedelta(days=1))
    other = deal(session, "U0REP", account="Other", entered=MONDAY - timedelta(days=1))
    before = MONDAY - timedelta(days=2)
    # 12 finished stays in the first stage: 1 … 12 days; p80 is the 10th: 10 days.
    finished_stays(session, host, first, [float(d) for d in range(1, 13)], end=before)
    # Only 4 in the second: not enough, the default.
    finished_stays(session, other, second, [2.0, 2.0, 2.0, 2.0], end=before)
    # Stays that ended more than a year ago are forgotten.
    finished_stays(session, other, second, [1.0] * 10, end=MONDAY - timedelta(days=400))
    found = stuck.thresholds(session=session, team_id=TEAM, now=MONDAY)
    assert found[first.id] == Threshold(10, "learned", 12, 10.0)
    assert found[second.id] == Threshold(14, "default", 4)
    second.stuck_after_days = 21
    session.flush()
    assert stuck.thresholds(session=session, team_id=TEAM, now=MONDAY)[second.id].source == "admin"


def test_a_won_deal_ends_its_stay_and_a_reopened_one_starts_another(session: Session) -> None:
    from commands.deals import transitions

    workspace(session)
    rep = member(session, "U0REP")
    del rep
    actor = make_actor("U0REP", team_id=TEAM, now=MONDAY - timedelta(days=20))
    first = stages(session)[0]
    for index in range(10):
        opportunity = deal(
            session, "U0REP", account=f"A{index}", entered=MONDAY - timedelta(days=30)
        )
        transitions.win(session=session, actor=actor, opportunity=opportunity)
    session.flush()
    found = stuck.thresholds(session=session, team_id=TEAM, now=MONDAY)[first.id]
    assert (found.source, found.stays, found.days) == ("learned", 10, 10)  # 30 → 20 days ago


def test_the_processes_overview_shows_each_threshold_and_why(session: Session) -> None:
    from bot.views.admin import overview_message

    workspace(session)
    member(session, "U0BOSS", role=Role.ADMIN)
    first, second, *_ = stages(session)
    host = deal(session, "U0BOSS")
    finished_stays(
        session, host, first, [float(d) for d in range(1, 13)], end=MONDAY - timedelta(days=2)
    )
    second.stuck_after_days = 21
    session.flush()
    boss = make_actor("U0BOSS", role=Role.ADMIN, team_id=TEAM, now=MONDAY, lang="en")
    text = str(overview_message(processes.overview(session=session, actor=boss), "en"))
    assert "stuck after 10 d (learned: 80th percentile of 12 stays, 10.0 d)" in text
    assert "stuck after 21 d (set by an admin)" in text
    assert "stuck after 14 d (default: 0 of 10 stays needed to learn)" in text


def test_screens_opened_often_reuse_what_history_taught_but_not_the_admin_settings(
    session: Session,
) -> None:
    workspace(session)
    member(session, "U0REP")
    first, second, *_ = stages(session)
    host = deal(session, "U0REP", entered=MONDAY - timedelta(days=1))
    before = MONDAY - timedelta(days=2)
    finished_stays(session, host, first, [float(d) for d in range(1, 13)], end=before)
    assert stuck.recent_thresholds(session=session, team_id=TEAM, now=MONDAY)[first.id].days == 10
    # More history, minutes later: still what was learned (a year's percentile moves slowly)…
    finished_stays(session, host, first, [30.0] * 40, end=before - timedelta(days=20))
    later = MONDAY + timedelta(minutes=4)
    assert stuck.recent_thresholds(session=session, team_id=TEAM, now=later)[first.id].days == 10
    # … but an admin's setting counts at once.
    second.stuck_after_days = 21
    session.flush()
    found = stuck.recent_thresholds(session=session, team_id=TEAM, now=later)
    assert found[second.id] == Threshold(21, "admin", 0)
    # Past the cache's few minutes, history is read again.
    fresh = stuck.recent_thresholds(session=session, team_id=TEAM, now=MONDAY + timedelta(hours=1))
    assert fresh[first.id] == stuck.thresholds(session=session, team_id=TEAM, now=MONDAY)[first.id]
    assert fresh[first.id].days == 30


def test_a_deal_is_stuck_from_the_local_midnight_its_days_in_stage_reach_the_threshold() -> None:
    limits = {1: Threshold(14, "default", 0)}
    today = MONDAY.date()
    [cutoff] = stuck.stuck_before(limits, today=today, tz="Europe/Paris").values()
    # Entered any time on 1 March in Paris (or before): 14 calendar days on 15 March.
    assert cutoff.isoformat() == "2027-03-01T23:00:00+00:00"


def test_imported_deals_first_stays_teach_nothing(session: Session) -> None:
    """An imported deal's "created" row is dated at its creation, not when it reached the
    stage it was imported in: that span is no time spent in the stage."""
    workspace(session)
    member(session, "U0REP")
    first = stages(session)[0]
    for n in range(12):
        imported = deal(session, "U0REP", account=f"Imported {n}", entered=MONDAY)
        created = session.scalars(
            select(StageChange).where(StageChange.opportunity_id == imported.id)
        ).one()
        created.from_value = IMPORTED
        created.changed_at = MONDAY - timedelta(days=200)
        created.left_at = MONDAY - timedelta(days=2)  # as if moved on then
    session.flush()
    found = stuck.thresholds(session=session, team_id=TEAM, now=MONDAY)
    assert found[first.id] == Threshold(14, "default", 0)
