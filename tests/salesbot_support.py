"""`/salesbot` as the tests of processes and of the admin commands drive it: what it answers,
what it refuses (leaving the database exactly as it was), and the stages and deals it acts on."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from commands.admin import router as salesbot
from commands.admin.router import route, run
from commands.channels import CanPost
from commands.context import Actor
from commands.deals import new as opp_new
from commands.errors import DomainError
from commands.processes import ProcessChanged
from storage import queries
from storage.models import Member, Opportunity, SalesProcess, Stage
from tests.conftest import TEAM

DEFAULT = "Processus commercial"


def post_anywhere(channel_id: str) -> bool:
    """Slack's answer when the bot may post in every channel."""
    return True


def say(
    session: Session, actor: Actor, text: str, can_post: CanPost = post_anywhere
) -> salesbot.Result:
    """What `/salesbot <text>` answers."""
    return run(session=session, actor=actor, routed=route(text), can_post=can_post)


def changed(session: Session, actor: Actor, text: str) -> ProcessChanged:
    result = say(session, actor, text)
    assert isinstance(result, ProcessChanged), result
    return result


def refused(
    session: Session, actor: Actor, text: str, can_post: CanPost = post_anywhere
) -> DomainError:
    """The refusal for `text`; the database must look exactly as before."""
    before = snapshot(session)
    with pytest.raises(DomainError) as error:
        say(session, actor, text, can_post)
    assert snapshot(session) == before, text
    return error.value


def snapshot(session: Session) -> tuple[object, ...]:
    session.expire_all()
    stages = session.execute(
        select(
            Stage.id,
            Stage.name,
            Stage.position,
            Stage.probability,
            Stage.stuck_after_days,
            Stage.removed_at,
        )
        .where(Stage.team_id == TEAM)
        .order_by(Stage.id)
    ).all()
    procs = session.execute(
        select(SalesProcess.id, SalesProcess.name, SalesProcess.archived_at)
        .where(SalesProcess.team_id == TEAM)
        .order_by(SalesProcess.id)
    ).all()
    deals = session.execute(
        select(Opportunity.number, Opportunity.stage_id).where(Opportunity.team_id == TEAM)
    ).all()
    workspace = queries.get_workspace(session=session, team_id=TEAM)
    members = session.execute(
        select(Member.user_id, Member.role, Member.manager_id).where(Member.team_id == TEAM)
    ).all()
    reasons = [r.label for r in queries.lost_reasons(session=session, team_id=TEAM)]
    announce = workspace.announce_channel if workspace else None
    return (tuple(stages), tuple(procs), tuple(deals), announce, tuple(sorted(members)), reasons)


def process_named(session: Session, name: str) -> SalesProcess:
    found = [p for p in queries.all_processes(session=session, team_id=TEAM) if p.name == name]
    assert found, name
    return found[0]


def stage_names(session: Session, name: str = DEFAULT) -> list[str]:
    process = process_named(session, name)
    session.refresh(process, ["stages"])
    return [s.name for s in queries.live_stages(process)]


def deal_in(session: Session, actor: Actor, stage: Stage, title: str = "Peinture") -> int:
    form = opp_new.NewOpportunityInput(
        account="new:Dupond",
        title=title,
        amount="6000",
        close_date="2027-01-15",
        stage_id=str(stage.id),
    )
    return opp_new.submit(session=session, actor=actor, form=form).number


def stage_of(session: Session, name: str, process: str = DEFAULT) -> Stage:
    found = [s for s in queries.live_stages(process_named(session, process)) if s.name == name]
    assert found, name
    return found[0]
