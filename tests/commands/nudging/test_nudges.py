"""Which deals a rep is nudged about, when, and how the message reads."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.blockkit_limits import message_problems
from bot.devtools.render_text import render_blocks
from bot.views.nudging import nudge_message
from commands.nudging import Recipient, Threshold, attention, nudges
from storage import outbox
from storage.models import Role
from storage.nudging import Candidate, Mark
from tests.nudge_support import MONDAY, TEAM, deal, member, workspace

TODAY = date(2027, 3, 15)
ENTERED = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)  # 42 days before TODAY
LIMIT = Threshold(14, "default", 0)


def _candidate(**changes: object) -> Candidate:
    base = Candidate(
        id=1,
        number=1,
        owner_id="U0REP",
        stage_id=1,
        stage_entered_at=MONDAY - timedelta(days=20),
        close_date=date(2027, 6, 30),
        next_step_date=None,
        snoozed_until=None,
        amount_minor=100_000,
        mark=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _due(candidate: Candidate, threshold: Threshold | None = LIMIT) -> nudges.Attention | None:
    return attention(candidate, threshold, today=TODAY, tz="Europe/Paris")


def test_a_deal_is_stuck_once_its_days_in_stage_reach_the_threshold() -> None:
    assert _due(_candidate(stage_entered_at=MONDAY - timedelta(days=13))) is None
    found = _due(_candidate(stage_entered_at=MONDAY - timedelta(days=14)))
    assert found is not None and found.stuck and found.days_in_stage == 14
    assert not found.escalate and found.mark.level == 1


def test_slipped_close_dates_and_missed_next_steps_need_attention_too() -> None:
    fresh = MONDAY - timedelta(days=1)
    slipped = _due(_candidate(stage_entered_at=fresh, close_date=date(2027, 3, 14)))
    assert slipped is not None and slipped.slipped and not slipped.stuck
    missed = _due(_candidate(stage_entered_at=fresh, next_step_date=date(2027, 3, 12)))
    assert missed is not None and missed.next_step_missed
    assert _due(_candidate(stage_entered_at=fresh, next_step_date=TODAY)) is None


def test_a_snoozed_deal_waits_until_its_snooze_ends() -> None:
    assert _due(_candidate(snoozed_until=date(2027, 3, 16))) is None
    assert _due(_candidate(snoozed_until=TODAY)) is not None


def test_the_same_stay_is_not_nudged_twice() -> None:
    entered = MONDAY - timedelta(days=20)
    mark = Mark(date(2027, 3, 10), entered, None, None, 1)
    assert _due(_candidate(stage_entered_at=entered, mark=mark)) is None
    # A new stay (the deal moved, then stuck again) is nudged again.
    moved = MONDAY - timedelta(days=15)
    assert _due(_candidate(stage_entered_at=moved, mark=mark)) is not None


def test_a_snooze_that_ended_since_the_last_nudge_brings_the_deal_back() -> None:
    entered = MONDAY - timedelta(days=20)
    mark = Mark(date(2027, 3, 5), entered, None, None, 1)
    ended = _candidate(stage_entered_at=entered, mark=mark, snoozed_until=date(2027, 3, 12))
    assert _due(ended) is not None
    older = _candidate(stage_entered_at=entered, mark=mark, snoozed_until=date(2027, 3, 1))
    assert _due(older) is None  # that snooze ended before the last nudge


def test_twice_as_long_nudges_again_once_and_tells_the_manager() -> None:
    entered = MONDAY - timedelta(days=28)
    mark = Mark(date(2027, 3, 1), entered, None, None, 1)
    found = _due(_candidate(stage_entered_at=entered, mark=mark))
    assert found is not None and found.escalate and found.mark.level == 2
    again = _due(_candidate(stage_entered_at=entered, mark=found.mark))
    assert again is None


def test_a_new_missed_date_is_a_new_problem_in_the_same_stay() -> None:
    entered = MONDAY - timedelta(days=20)
    mark = Mark(date(2027, 3, 1), entered, date(2027, 2, 28), None, 1)
    same = _candidate(stage_entered_at=entered, mark=mark, close_date=date(2027, 2, 28))
    assert _due(same) is None
    pushed_then_missed = replace(same, close_date=date(2027, 3, 10))
    found = _due(pushed_then_missed)
    assert found is not None and found.slipped and found.mark.close_date == date(2027, 3, 10)


def test_no_threshold_means_never_stuck() -> None:
    assert _due(_candidate(), threshold=None) is None


# --- who is due, and the scan, on both databases -----------------------------------------------


def test_reps_are_due_after_their_own_morning_hour_on_weekdays(session: Session) -> None:
    workspace(session)
    member(session, "U0PARIS")  # 9:00 Paris = 8:00 UTC: due at 9:00 UTC
    member(session, "U0NY", tz="America/New_York")  # 9:00 New York = 13:00 UTC
    early = member(session, "U0EARLY")
    early.nudge_minute = 7 * 60 + 30
    off = member(session, "U0OFF")
    off.nudges_enabled = False
    session.flush()

    def due(now: datetime, **kw: object) -> list[str]:
        found = nudges.daily_recipients(
            session=session,
            team_id=TEAM,
            now=now,
            kind=nudges.NUDGE,
            **kw,  # type: ignore[arg-type]
        )
        return sorted(r.user_id for r in found)

    assert due(datetime(2027, 3, 15, 6, 0, tzinfo=UTC)) == []
    assert due(datetime(2027, 3, 15, 7, 0, tzinfo=UTC)) == ["U0EARLY"]
    assert due(MONDAY) == ["U0EARLY", "U0PARIS"]
    assert due(datetime(2027, 3, 15, 13, 30, tzinfo=UTC)) == ["U0EARLY", "U0NY", "U0PARIS"]
    assert due(datetime(2027, 3, 13, 13, 30, tzinfo=UTC)) == []  # a Saturday
    # Once a rep's message of the day is in the outbox, they are not due again that day.
    outbox.enqueue(
        session=session,
        team_id=TEAM,
        recipient="U0PARIS",
        kind=nudges.NUDGE,
        period="2027-03-15",
        channel="U0PARIS",
        payload={},
        now=MONDAY,
    )
    assert due(MONDAY) == ["U0EARLY"]
    # As of a date: everyone with nudges on, at their own hour of that day.
    as_of = nudges.daily_recipients(
        session=session, team_id=TEAM, now=MONDAY, kind=nudges.NUDGE, as_of=date(2027, 3, 16)
    )
    assert {r.user_id: r.moment.hour for r in as_of} == {
        "U0EARLY": 6,
        "U0NY": 13,
        "U0PARIS": 8,
    }


def _recipient(user_id: str = "U0REP", manager: str | None = None) -> Recipient:
    return Recipient(user_id, "fr", "Europe/Paris", Role.REP, manager, TODAY, MONDAY)


def test_the_scan_finds_stuck_slipped_and_missed_deals_most_valuable_first(
    session: Session,
) -> None:
    workspace(session)
    member(session, "U0REP")
    member(session, "U0OTHER")
    deal(session, "U0REP", account="Fresh", entered=MONDAY - timedelta(days=2))
    deal(session, "U0REP", account="Stuck", amount=50_000, entered=MONDAY - timedelta(days=20))
    deal(session, "U0REP", account="Late", amount=900_000, close=date(2027, 3, 1))
    deal(session, "U0REP", account="Call", amount=70_000, next_step=date(2027, 3, 10))
    snoozed = deal(session, "U0REP", account="Zzz", entered=MONDAY - timedelta(days=30))
    snoozed.snoozed_until = date(2027, 4, 1)
    deal(session, "U0OTHER", account="Not mine", entered=MONDAY - timedelta(days=30))
    session.flush()
    found = nudges.scan(session=session, team_id=TEAM, recipients=[_recipient()])
    built = nudges.build_nudges(
        session=session, team_id=TEAM, found=found, recipients=[_recipient()]
    )
    assert [item.card.account for item in built[0].items] == ["Late", "Call", "Stuck"]
    nudges.mark_nudged(session=session, nudge=built[0])
    session.flush()
    again = nudges.scan(session=session, team_id=TEAM, recipients=[_recipient()])
    assert again.attention == {}  # tomorrow, nothing new: not nudged twice


def test_the_nudge_message_carries_the_card_buttons_and_the_nudge_controls(
    session: Session,
) -> None:
    workspace(session)
    member(session, "U0REP", manager="U0BOSS")
    for index in range(14):  # more than one message holds
        deal(
            session,
            "U0REP",
            account=f"Client {index} " + "x" * 150,
            amount=100_000 + index,
            entered=MONDAY - timedelta(days=30),
            next_step=date(2027, 3, 1),
            close=date(2027, 3, 2),
        )
    recipient = _recipient(manager="U0BOSS")
    found = nudges.scan(session=session, team_id=TEAM, recipients=[recipient])
    [nudge] = nudges.build_nudges(
        session=session, team_id=TEAM, found=found, recipients=[recipient]
    )
    assert len(nudge.items) == 10 and nudge.more == 4
    message = nudge_message(nudge)
    assert not message_problems(message["blocks"], message["text"])
    assert len(message["blocks"]) <= 50
    actions = {
        element["action_id"]
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    }
    assert {"opp_advance", "opp_stage", "opp_won", "opp_lost", "opp_menu"} <= actions
    assert {"nudge_close_date", "nudge_snooze", "nudge_snooze_until"} <= actions
    text = render_blocks(message["blocks"]).text
    assert "14 opportunités" in text and "+4 autres demain" in text
    assert "votre manager en est informé" in text  # 30 days: twice the default 14
    assert "date de signature dépassée (2 mars 2027)" in text
    assert "prochaine étape en retard : Rappeler (1 mars 2027)" in text
