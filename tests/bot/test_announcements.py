"""A win's announcement is planned once per win, whoever asks how many times."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.planning import ANNOUNCEMENT, plan_announcement
from storage import outbox
from tests.conftest import NOW, TEAM, setup_team


def _plan(session: Session, number: int, version: int) -> int | None:
    return plan_announcement(
        session=session,
        team_id=TEAM,
        channel="C0VENTES",
        number=number,
        version=version,
        text=f"#{number} won",
        now=NOW,
    )


def test_the_same_win_is_planned_once_and_a_new_win_again(session: Session) -> None:
    setup_team(session)
    first = _plan(session, 7, 3)
    assert first is not None
    assert _plan(session, 7, 3) is None  # a retried click, a second worker: nothing more
    assert _plan(session, 7, 5) is not None  # reopened and won again: a new announcement
    row = outbox.get(session=session, message_id=first)
    assert row is not None
    assert (row.kind, row.channel, row.recipient) == (ANNOUNCEMENT, "C0VENTES", "C0VENTES")
