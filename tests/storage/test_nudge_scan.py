"""The daily scan decides in SQL what `commands.nudging.nudges.attention` decides deal by deal:
the two must agree on every case (snoozes, earlier nudges of the same stay, twice as long,
new dates), on both databases; and it keeps, per rep, only the most valuable deals a
message shows."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from commands.nudging import Recipient, Threshold, attention, entered_before, nudges
from storage import nudging
from storage.models import NudgeMark, Role, Status
from storage.nudging import Candidate, Mark
from tests.nudge_support import MONDAY, TEAM, deal, member, stages, workspace

TODAY = date(2027, 3, 15)
TZ = "Europe/Paris"


def _limits(session: Session) -> dict[int, Threshold]:
    """14 days in the first stage, 3 in the second, none known for the third."""
    first, second, _ = stages(session)[:3]
    return {first.id: Threshold(14, "admin", 0), second.id: Threshold(3, "learned", 20)}


def _mark(mark: Mark) -> dict[str, object]:
    return {
        "nudged_on": mark.nudged_on,
        "stay_started_at": mark.stay_started_at,
        "close_date": mark.close_date,
        "next_step_date": mark.next_step_date,
        "level": mark.level,
    }


@pytest.mark.parametrize("owners", [None, ["U0REP"]], ids=["index ranges", "owners' deals"])
def test_the_sql_rule_agrees_with_the_python_rule_on_every_kind_of_deal(
    session: Session, owners: list[str] | None
) -> None:
    workspace(session)
    member(session, "U0REP")
    limits = _limits(session)
    midnight = entered_before(TODAY, 14, TZ)  # the first stage's exact boundary
    entries = [
        MONDAY - timedelta(days=2),
        midnight,
        midnight - timedelta(microseconds=1),
        MONDAY - timedelta(days=20),
        entered_before(TODAY, 28, TZ),
        entered_before(TODAY, 28, TZ) - timedelta(seconds=1),
        MONDAY - timedelta(days=60),
    ]
    closes = [TODAY - timedelta(days=3), TODAY, TODAY + timedelta(days=30)]
    next_steps = [None, TODAY - timedelta(days=1), TODAY]
    snoozes = [None, TODAY - timedelta(days=2), TODAY, TODAY + timedelta(days=3)]
    other_stay = MONDAY - timedelta(days=90)
    rng = random.Random(5)
    cases = list(itertools.product(range(3), entries, closes, next_steps, snoozes))
    expected: dict[int, nudges.Attention] = {}
    for stage, entered, close, next_step, snoozed in rng.sample(cases, 260):
        opportunity = deal(
            session, "U0REP", stage=stage, entered=entered, close=close, next_step=next_step
        )
        opportunity.snoozed_until = snoozed
        mark = rng.choice(
            [
                None,
                Mark(
                    rng.choice([TODAY - timedelta(days=d) for d in (5, 2, 1)]),
                    rng.choice([entered, other_stay]),
                    rng.choice([None, close, TODAY - timedelta(days=10)]),
                    rng.choice([None, next_step, TODAY - timedelta(days=9)]),
                    rng.choice([1, 2]),
                ),
            ]
        )
        if mark is not None:
            session.add(NudgeMark(opportunity_id=opportunity.id, team_id=TEAM, **_mark(mark)))
        found = attention(
            Candidate(
                id=opportunity.id,
                number=opportunity.number,
                owner_id="U0REP",
                stage_id=opportunity.stage_id,
                stage_entered_at=entered,
                close_date=close,
                next_step_date=next_step,
                snoozed_until=snoozed,
                amount_minor=opportunity.amount_minor,
                mark=mark,
            ),
            limits.get(opportunity.stage_id),
            today=TODAY,
            tz=TZ,
        )
        if found is not None:
            expected[opportunity.id] = found
    session.flush()
    assert 40 < len(expected) < 220  # both answers are well represented

    found = nudging.due_deals(
        session=session,
        team_id=TEAM,
        clock=nudges.clock(limits, today=TODAY, tz=TZ),
        limit=1_000,
        owners=owners,
    )
    count, ids = found["U0REP"]
    assert count == len(expected) == len(ids)
    assert set(ids) == set(expected)


@pytest.mark.parametrize("owners", [None, ["U0REP"]], ids=["index ranges", "owners' deals"])
def test_snoozed_already_nudged_and_closed_deals_are_left_out_by_the_database(
    session: Session, owners: list[str] | None
) -> None:
    workspace(session)
    member(session, "U0REP")
    limits = _limits(session)
    entered = MONDAY - timedelta(days=20)
    due = deal(session, "U0REP", account="Due", entered=entered)
    snoozed = deal(session, "U0REP", account="Snoozed", entered=entered)
    snoozed.snoozed_until = TODAY + timedelta(days=1)
    nudged = deal(session, "U0REP", account="Nudged", entered=entered)
    session.add(
        NudgeMark(
            opportunity_id=nudged.id,
            team_id=TEAM,
            **_mark(Mark(TODAY - timedelta(days=3), entered, None, None, 1)),
        )
    )
    deal(session, "U0REP", account="Won", entered=entered, status=Status.WON, closed_at=MONDAY)
    moved = deal(session, "U0REP", account="Moved since", entered=entered)
    session.add(  # nudged during an earlier stay: this one is new
        NudgeMark(
            opportunity_id=moved.id,
            team_id=TEAM,
            **_mark(Mark(TODAY - timedelta(days=30), entered - timedelta(days=40), None, None, 2)),
        )
    )
    session.flush()
    found = nudging.due_deals(
        session=session,
        team_id=TEAM,
        clock=nudges.clock(limits, today=TODAY, tz=TZ),
        limit=10,
        owners=owners,
    )
    assert found == {"U0REP": (2, [due.id, moved.id])}  # equal amounts: by number


def test_each_rep_keeps_the_most_valuable_deals_and_the_count_of_the_others(
    session: Session,
) -> None:
    workspace(session)
    member(session, "U0REP")
    member(session, "U0OTHER")
    limits = _limits(session)
    stuck = MONDAY - timedelta(days=30)
    amounts = [5_000, 90_000, 20_000, 90_000, 1_000, 70_000, 300_000, 8_000, 40_000, 60_000]
    made = [deal(session, "U0REP", amount=a, entered=stuck) for a in amounts]
    deal(session, "U0REP", amount=10**9, entered=MONDAY - timedelta(days=1))  # not due
    deal(session, "U0OTHER", amount=50_000, entered=stuck)
    session.flush()
    found = nudging.due_deals(
        session=session,
        team_id=TEAM,
        clock=nudges.clock(limits, today=TODAY, tz=TZ),
        limit=4,
    )
    # Most valuable first; the two 90,000 deals in the order they were numbered.
    by_amount = {a: d.id for a, d in zip(amounts, made, strict=True) if a != 90_000}
    assert found["U0REP"] == (
        10,
        [by_amount[300_000], made[1].id, made[3].id, by_amount[70_000]],
    )
    assert found["U0OTHER"][0] == 1


@pytest.mark.parametrize("owner_filter_max", [200, 0])
def test_each_rep_is_judged_by_their_own_calendar(
    session: Session, monkeypatch: pytest.MonkeyPatch, owner_filter_max: int
) -> None:
    """Tokyo's midnight comes eight hours before Paris's: a deal that entered its stage at
    20:00 UTC fourteen days ago has 14 days in it in Paris, 13 in Tokyo. With many reps the
    scan reads the whole workspace per timezone (owner_filter_max 0) and keeps its own."""
    monkeypatch.setattr(nudges, "OWNER_FILTER_MAX", owner_filter_max)
    workspace(session)
    member(session, "U0PARIS")
    member(session, "U0TOKYO", tz="Asia/Tokyo")
    entered = datetime(2027, 3, 1, 20, 0, tzinfo=UTC)
    deal(session, "U0PARIS", account="Paris", entered=entered)
    deal(session, "U0TOKYO", account="Tokyo", entered=entered)
    deal(session, "U0TOKYO", account="Tokyo late", close=TODAY - timedelta(days=1))
    session.flush()
    recipients = [
        Recipient("U0PARIS", "fr", TZ, Role.REP, None, TODAY, MONDAY),
        Recipient("U0TOKYO", "fr", "Asia/Tokyo", Role.REP, None, TODAY, MONDAY),
    ]
    found = nudges.scan(session=session, team_id=TEAM, recipients=recipients)
    assert found.due == {"U0PARIS": 1, "U0TOKYO": 1}
    paris, tokyo = nudges.build_nudges(
        session=session, team_id=TEAM, found=found, recipients=recipients
    )
    [item] = paris.items
    assert item.attention.stuck and item.attention.days_in_stage == 14
    [item] = tokyo.items
    assert item.card.account == "Tokyo late"
    assert item.attention.slipped and not item.attention.stuck


def test_housekeeping_forgets_only_the_marks_that_can_no_longer_matter(session: Session) -> None:
    workspace(session)
    member(session, "U0REP")
    kept, closed, moved = (deal(session, "U0REP", account=a) for a in ("Kept", "Closed", "Moved"))
    for d in (kept, closed, moved):
        session.add(
            NudgeMark(
                opportunity_id=d.id,
                team_id=TEAM,
                nudged_on=TODAY,
                stay_started_at=d.stage_entered_at,
                level=1,
            )
        )
    session.flush()
    closed.status = Status.LOST
    moved.stage_entered_at = moved.stage_entered_at + timedelta(days=1)  # a new stay
    session.flush()

    assert nudging.prune_marks(session=session) == 2
    left = session.scalars(select(NudgeMark.opportunity_id)).all()
    assert left == [kept.id]
