"""Coaching signals: each rep against their team, with the figures behind each signal.

Today is 27 November 2026. The boss's five reps, over the last 90 days (created) and 180 days
(closed): r1–r4 create 8 to 10 deals, r5 only 2 (median 9: under half); r5 won 1 of 10 closed
(10 %) where the team won 25 of 50 (50 %); r3 has 6 deals stuck for 30 days, nobody else any.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from bot.views.stats import coaching_blocks, signal_text
from commands.analytics import SignalKind, coaching_signals
from commands.context import Actor
from storage.models import Role, Status
from tests.conftest import NOW, TEAM, add_user, setup_team
from tests.stats_support import deal, stages_of

RECENT = (NOW - timedelta(days=20)).date().isoformat()  # in every window
OLD = (NOW - timedelta(days=400)).date().isoformat()  # in none
FRESH = (NOW - timedelta(days=3)).date().isoformat()  # moved lately: not stuck
STUCK = (NOW - timedelta(days=30)).date().isoformat()


@pytest.fixture
def boss(session: Session) -> Actor:
    setup_team(session)
    boss = add_user(session, "U0BOSS", role=Role.MANAGER)
    s = stages_of(session, TEAM)
    created = {"U0R1": 10, "U0R2": 10, "U0R3": 8, "U0R4": 9, "U0R5": 2}
    won_lost = {"U0R1": (7, 3), "U0R2": (6, 4), "U0R3": (5, 5), "U0R4": (6, 4), "U0R5": (1, 9)}
    for rep, count in created.items():
        add_user(session, rep, manager="U0BOSS")
        for _ in range(count):
            deal(session, team_id=TEAM, owner=rep, stages=s, path=[(0, RECENT), (1, FRESH)])
        won, lost = won_lost[rep]
        for status, n in ((Status.WON, won), (Status.LOST, lost)):
            for _ in range(n):
                # Created long ago, so they do not count as prospecting.
                deal(
                    session, team_id=TEAM, owner=rep, stages=s, path=[(0, OLD)],
                    status=status, closed=RECENT,
                )  # fmt: skip
    for _ in range(6):
        deal(session, team_id=TEAM, owner="U0R3", stages=s, path=[(0, OLD), (2, STUCK)])
    add_user(session, "U0OTHER")  # not the boss's: never compared
    return boss


def test_the_three_signals_with_their_figures(session: Session, boss: Actor) -> None:
    signals = coaching_signals(session=session, actor=boss, now=NOW)
    found = {(s.kind, s.user_id): s for s in signals}
    assert set(found) == {
        (SignalKind.PROSPECTING, "U0R5"),
        (SignalKind.CLOSING, "U0R5"),
        (SignalKind.STUCK, "U0R3"),
    }
    prospecting = found[(SignalKind.PROSPECTING, "U0R5")]
    assert (prospecting.value, prospecting.team_value, prospecting.days) == (2, 9, 90)
    closing = found[(SignalKind.CLOSING, "U0R5")]
    assert (closing.value, closing.team_value, closing.sample, closing.days) == (10, 50, 10, 180)
    stuck = found[(SignalKind.STUCK, "U0R3")]
    # r3's open deals: 8 created recently (not stuck yet) and the 6 stuck ones.
    assert (stuck.value, stuck.team_value, stuck.sample) == (6, 0, 14)


def test_signals_read_as_sentences_in_both_languages(session: Session, boss: Actor) -> None:
    signals = coaching_signals(session=session, actor=boss, now=NOW)
    by_kind = {s.kind: s for s in signals}
    assert signal_text(by_kind[SignalKind.PROSPECTING], "fr") == (
        "<@U0R5> prospecte peu : 2 affaires créées en 90 jours, contre une médiane de 9 dans "
        "l'équipe."
    )
    assert signal_text(by_kind[SignalKind.CLOSING], "en") == (
        "<@U0R5> struggles to close: a 10 % win rate on 10 deals closed in 180 days, against "
        "50 % for the team."
    )
    assert "6 stuck deals out of 14 open" in signal_text(by_kind[SignalKind.STUCK], "en")


def test_the_table_flags_the_reps_first(session: Session, boss: Actor) -> None:
    from commands.analytics.coaching import coached_reps, coaching

    result = coaching(
        session=session,
        team_id=TEAM,
        reps=coached_reps(session=session, actor=boss),
        now=NOW,
    )
    assert [r.user_id for r in result.rows[:2]] == ["U0R5", "U0R3"]
    assert (result.median_created, result.team_rate, result.median_stuck) == (9.0, 50, 0.0)
    text = str(coaching_blocks(result, "fr"))
    assert "prospection, conclusion" in text and "6/14" in text


def test_a_rep_gets_no_signals_and_a_lone_rep_is_not_compared(
    session: Session, boss: Actor
) -> None:
    rep = add_user(session, "U0R1", manager="U0BOSS")
    assert coaching_signals(session=session, actor=rep, now=NOW) == []
    lonely = add_user(session, "U0LONE", role=Role.MANAGER)
    add_user(session, "U0SOLE", manager="U0LONE")
    assert coaching_signals(session=session, actor=lonely, now=NOW) == []


def test_an_admin_without_reports_coaches_every_rep(session: Session, boss: Actor) -> None:
    admin = add_user(session, "U0ADMIN", role=Role.ADMIN)
    signals = coaching_signals(session=session, actor=admin, now=NOW)
    # U0OTHER (a rep with nothing) joins the comparison; the figures still single out r5, r3.
    assert {(s.kind, s.user_id) for s in signals} >= {
        (SignalKind.CLOSING, "U0R5"),
        (SignalKind.STUCK, "U0R3"),
    }


def test_stuck_follows_the_stage_delay_an_admin_set(session: Session, boss: Actor) -> None:
    from commands.analytics.coaching import coached_reps, coaching

    def stuck_per_rep() -> dict[str, int]:
        reps = coached_reps(session=session, actor=boss)
        return {
            r.user_id: r.stuck
            for r in coaching(session=session, team_id=TEAM, reps=reps, now=NOW).rows
        }

    s = stages_of(session, TEAM)
    s[2].stuck_after_days = 45  # r3's deals, 30 days in it: no longer stuck
    s[1].stuck_after_days = 2  # everyone's recent deals, 3 days in it: stuck
    session.flush()
    assert stuck_per_rep() == {"U0R1": 10, "U0R2": 10, "U0R3": 8, "U0R4": 9, "U0R5": 2}
    assert not any(
        s.kind == SignalKind.STUCK for s in coaching_signals(session=session, actor=boss, now=NOW)
    )
