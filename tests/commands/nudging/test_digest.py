"""The weekly digest: figures checked by hand, when it is due, and Slack's limits for any team."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.blockkit_limits import message_problems
from bot.devtools.render_text import render_blocks
from bot.views.nudging import digest_message
from commands.context import Actor
from commands.deals import transitions
from commands.nudging import digest as digests
from commands.nudging import settings as nudge_settings
from storage.models import DigestSnapshot, Role, Target
from storage.reports import Totals
from tests.conftest import make_actor
from tests.nudge_support import MONDAY, TEAM, deal, member, workspace

# The digest is due Monday 15 March 2027 at 8:30 in Paris (7:30 UTC); its week is the 7 days
# before: from Monday 8 March 7:30 UTC.
DUE = datetime(2027, 3, 15, 7, 30, tzinfo=UTC)
IN_WEEK = datetime(2027, 3, 10, 10, 0, tzinfo=UTC)
LONG_AGO = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)


def _actor(user_id: str, at: datetime, role: Role = Role.REP) -> Actor:
    return make_actor(user_id, role=role, team_id=TEAM, now=at)


def _team(session: Session) -> None:
    workspace(session)
    member(session, "U0BOSS", role=Role.MANAGER, name="Big Boss")
    member(session, "U0ANNA", manager="U0BOSS", name="Anna")
    member(session, "U0BOB", manager="U0BOSS", name="Bob")
    member(session, "U0OUT", name="Someone else")  # not in the team: never counted
    # Anna: two deals created this week (one advanced a stage), one won and one lost.
    deal(
        session,
        "U0ANNA",
        account="Alpha",
        amount=300_000,
        created=IN_WEEK,
        entered=IN_WEEK,
        close=date(2027, 4, 20),
    )
    deal(
        session,
        "U0ANNA",
        account="Beta",
        amount=500_000,
        stage=1,
        created=IN_WEEK,
        entered=IN_WEEK + timedelta(days=1),
    )
    won = deal(
        session, "U0ANNA", account="Gamma", amount=1_000_000, created=LONG_AGO, entered=LONG_AGO
    )
    transitions.win(session=session, actor=_actor("U0ANNA", IN_WEEK), opportunity=won)
    lost = deal(
        session, "U0ANNA", account="Delta", amount=200_000, created=LONG_AGO, entered=LONG_AGO
    )
    transitions.lose(
        session=session, actor=_actor("U0ANNA", IN_WEEK), opportunity=lost, reason="Prix"
    )
    # Bob: one deal stuck 40 days (twice the default 14), one whose close date passed this week.
    deal(
        session,
        "U0BOB",
        account="Stuck",
        amount=2_000_000,
        created=LONG_AGO,
        entered=DUE - timedelta(days=40),
    )
    deal(
        session,
        "U0BOB",
        account="Slipped",
        amount=700_000,
        stage=2,
        created=LONG_AGO,
        entered=DUE - timedelta(days=3),
        close=date(2027, 3, 10),
    )
    deal(session, "U0OUT", account="Elsewhere", amount=9_900_000, created=IN_WEEK, entered=IN_WEEK)
    # Last week's digest saw 3 deals, 30,000 €, weighted 4,000 €.
    session.add(
        DigestSnapshot(
            team_id=TEAM,
            manager_id="U0BOSS",
            week="2027-W10",
            count=3,
            amount_minor=3_000_000,
            weighted_minor=400_000,
            taken_at=DUE - timedelta(days=7),
        )
    )
    session.add(
        Target(
            team_id=TEAM,
            scope="team",
            subject="U0BOSS",
            month=date(2027, 4, 1),
            amount_minor=100_000,
            set_by="U0BOSS",
            set_at=LONG_AGO,
        )
    )
    session.flush()


def _digest(session: Session) -> digests.Digest:
    [recipient] = digests.due_digests(session=session, team_id=TEAM, now=DUE)
    return digests.build(session=session, team_id=TEAM, recipient=recipient)


def test_the_digest_figures_match_a_hand_count(session: Session) -> None:
    _team(session)
    digest = _digest(session)
    assert digest.recipient.week == "2027-W11"
    # Open: Alpha 3,000 € at 5 %, Beta 5,000 € at 10 %, Stuck 20,000 € at 5 %,
    # Slipped 7,000 € at 40 % → 4 deals, 35,000 €, weighted 150 + 500 + 1,000 + 2,800 €.
    assert digest.pipeline == Totals(4, 3_500_000, 445_000)
    assert digest.change == Totals(1, 500_000, 45_000)
    anna = next(r for r in digest.reps if r.user_id == "U0ANNA")
    assert (anna.created_count, anna.created_minor) == (2, 800_000)
    assert (anna.won_count, anna.won_minor, anna.lost_count, anna.win_rate) == (1, 1_000_000, 1, 50)
    assert anna.advanced == 1
    bob = next(r for r in digest.reps if r.user_id == "U0BOB")
    assert (bob.created_count, bob.won_count, bob.win_rate, bob.open_count) == (0, 0, None, 2)
    assert [r.user_id for r in digest.reps] == ["U0BOB", "U0ANNA", "U0BOSS"]  # by open pipeline
    assert [line.card.account for line in digest.slipped] == ["Slipped"]
    [stuck] = digest.stuck
    assert (stuck.card.account, stuck.days_in_stage, stuck.threshold_days, stuck.twice) == (
        "Stuck",
        40,
        14,
        True,
    )
    march, april, may = digest.forecast.months
    assert march.won_minor == 1_000_000 and april.open.weighted_minor == 15_000
    assert april.target_minor == 100_000 and may.target_minor is None


def test_the_digest_message_reads_like_the_figures(session: Session) -> None:
    _team(session)
    message = digest_message(_digest(session))
    assert not message_problems(message["blocks"], message["text"])
    text = render_blocks(message["blocks"]).text
    assert "4 opportunités · 35\u202f000\xa0€ · pondéré 4\u202f450\xa0€" in text
    assert "+1 opportunité · +5\u202f000\xa0€ · pondéré +450\xa0€" in text
    assert "Anna" in text and "50%" in text and "Someone else" not in text
    assert "Slipped" in text and "date de signature passée (10 mars 2027)" in text
    assert "40 j en « Opportunité à qualifier » (seuil 14 j)" in text
    assert "deux fois le seuil" in text
    assert "avril 2027 : attendu 150\xa0€, objectif 1\u202f000\xa0€" in text


def test_the_digest_is_due_once_a_week_at_the_managers_hour(session: Session) -> None:
    _team(session)
    assert digests.due_digests(session=session, team_id=TEAM, now=DUE - timedelta(minutes=1)) == []
    assert len(digests.due_digests(session=session, team_id=TEAM, now=DUE)) == 1
    # Down at 8:30 and back on Wednesday: still this week's digest.
    [late] = digests.due_digests(session=session, team_id=TEAM, now=DUE + timedelta(days=2))
    assert late.week == "2027-W11" and late.reader.moment == DUE
    # Moved to Friday 17:00 in a channel.
    boss = _actor("U0BOSS", DUE, Role.MANAGER)
    settings = nudge_settings.digest(
        session=session, actor=boss, text="<#C0SALES|ventes> vendredi 17:00", can_post=bool
    )
    assert (settings.channel, settings.weekday, settings.minute) == ("C0SALES", 4, 17 * 60)
    assert digests.due_digests(session=session, team_id=TEAM, now=DUE + timedelta(days=2)) == []
    [friday] = digests.due_digests(session=session, team_id=TEAM, now=DUE, as_of=date(2027, 3, 19))
    assert friday.channel == "C0SALES" and friday.reader.moment.hour == 16
    nudge_settings.digest(session=session, actor=boss, text="off", can_post=bool)
    assert (
        digests.due_digests(session=session, team_id=TEAM, now=DUE, as_of=date(2027, 3, 19)) == []
    )


def test_a_huge_team_still_fits_slacks_limits(session: Session) -> None:
    workspace(session)
    member(session, "U0BOSS", role=Role.MANAGER)
    for index in range(120):
        rep = f"U0R{index:04d}"
        member(session, rep, manager="U0BOSS", name=f"Commercial numéro {index} " + "é" * 30)
        deal(
            session,
            rep,
            account=f"Compte {index} " + "x" * 180,
            title="t" * 280,
            entered=MONDAY - timedelta(days=60),
            close=date(2027, 3, 12),
        )
    digest = _digest(session)
    assert digest.stuck_count == 120 and digest.slipped_count == 120
    message = digest_message(digest)
    assert not message_problems(message["blocks"], message["text"])
    assert len(message["blocks"]) <= 50
    # Slack refuses messages whose blocks hold much more than ~13k characters in all.
    assert sum(len(str(b)) for b in message["blocks"]) < 13_000
    text = render_blocks(message["blocks"]).text
    assert "+112 autres" in text  # 8 of 120 stuck deals listed
    assert "autres" in text.split("Par commercial")[1]  # the table says how many reps it hid
