"""A create delivered twice makes one deal (SQLite and PostgreSQL): the same `/opp new` (Slack's
retry, a replayed request: the same trigger_id), the same form submitted twice (the same view id
and hash), even two deliveries racing; each answers with the same #N."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from commands.context import Actor
from commands.deals import new as opp_new
from commands.errors import InvalidInput
from storage import creation_keys, queries
from storage.db import Database
from storage.models import CreationKey, Opportunity, StageChange, Workspace
from tests.conftest import NOW, add_user, make_actor, setup_team

LINE = "Acme 6k website close fin mars"


@pytest.fixture
def rep(session: Session) -> Actor:
    setup_team(session)
    return add_user(session, "U0REP")


def _count(session: Session, team_id: str = "T0TEST") -> int:
    query = select(func.count()).select_from(Opportunity).where(Opportunity.team_id == team_id)
    return session.scalar(query) or 0


def _created(session: Session, actor: Actor, key: str | None) -> int:
    result = opp_new.quick(session=session, actor=actor, text=LINE, key=key)
    assert isinstance(result, opp_new.Created)
    return result.card.number


def test_the_same_command_twice_creates_one_deal_and_both_answers_name_it(
    session: Session, rep: Actor
) -> None:
    first = _created(session, rep, "command:1.a")
    again = _created(session, rep, "command:1.a")
    assert again == first
    assert _count(session) == 1
    other = _created(session, rep, "command:2.b")  # another delivery: another deal
    assert other == first + 1
    assert _count(session) == 2


def test_without_a_key_every_create_counts(session: Session, rep: Actor) -> None:
    assert _created(session, rep, None) != _created(session, rep, None)
    assert _count(session) == 2


def test_the_same_form_submitted_twice_creates_one_deal(session: Session, rep: Actor) -> None:
    process = queries.active_processes(session=session, team_id=rep.team_id)[0]
    form = opp_new.NewOpportunityInput(
        account="new:Garage Moreau",
        title="Ravalement",
        amount="12 500 €",
        close_date="2027-03-15",
        stage_id=str(process.stages[1].id),
    )
    first = opp_new.submit(session=session, actor=rep, form=form, key="view:V1:h1")
    again = opp_new.submit(session=session, actor=rep, form=form, key="view:V1:h1")
    assert again.number == first.number
    assert _count(session) == 1
    assert opp_new.submit(session=session, actor=rep, form=form, key="view:V1:h2").number != (
        first.number
    )


def test_keys_are_per_workspace(session: Session, rep: Actor) -> None:
    setup_team(session, team_id="T0OTHER")
    other = add_user(session, "U0REP", team_id="T0OTHER")
    assert _created(session, rep, "command:1.a") == 1
    assert _created(session, other, "command:1.a") == 1
    assert (_count(session), _count(session, "T0OTHER")) == (1, 1)


def test_a_refused_create_does_not_keep_its_key(session: Session, rep: Actor) -> None:
    with pytest.raises(InvalidInput), session.begin_nested():
        opp_new.quick(
            session=session, actor=rep, text="Acme $6,000 paint close end of june", key="k"
        )
    assert _created(session, rep, "k") == 1  # the corrected line, sent again, is created


def test_housekeeping_forgets_keys_after_minutes(session: Session, rep: Actor) -> None:
    _created(session, rep, "command:old")
    later = make_actor("U0REP", now=NOW + timedelta(minutes=20))
    _created(session, later, "command:new")
    assert creation_keys.prune(session=session, before=NOW + timedelta(minutes=10)) == 1
    keys = session.scalars(select(CreationKey.key).where(CreationKey.team_id == "T0TEST"))
    assert list(keys) == ["command:new"]


@pytest.fixture
def committed_team(database: Database) -> Iterator[str]:
    """A workspace committed for real: racing transactions each see it."""
    team_id = f"T0RACE{uuid.uuid4().hex[:6].upper()}"
    with database.transaction() as session:
        setup_team(session, team_id=team_id)
        add_user(session, "U0REP", team_id=team_id)
    yield team_id
    with database.transaction() as session:
        ids = select(Opportunity.id).where(Opportunity.team_id == team_id)
        session.execute(delete(StageChange).where(StageChange.opportunity_id.in_(ids)))
        for model in (CreationKey, Opportunity):
            session.execute(delete(model).where(model.team_id == team_id))


def test_two_identical_creates_racing_make_one_deal(
    database: Database, committed_team: str
) -> None:
    actor = make_actor("U0REP", team_id=committed_team)
    barrier = threading.Barrier(2)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            barrier.wait(5)
            with database.transaction() as session:
                numbers.append(_created(session, actor, "command:race"))
        except BaseException as error:  # the test reports it
            errors.append(error)

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert errors == []
    assert len(numbers) == 2 and numbers[0] == numbers[1]
    with database.reading() as session:
        assert _count(session, committed_team) == 1
        seq = session.scalar(
            select(Workspace.opportunity_seq).where(Workspace.team_id == committed_team)
        )
    assert seq == numbers[0]  # no number burnt by the second delivery
