"""Who may change what: a rep their own deals, a manager also their team's, admins everything."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.errors import Forbidden
from storage import queries
from storage.models import Opportunity, Role


def may_act_for(*, session: Session, actor: Actor, owner_id: str) -> bool:
    """Whether the actor may act on, or see, what belongs to `owner_id`: themselves, a manager
    their reps, an admin anyone. The one rule for deals, lists, reports and targets."""
    if actor.user_id == owner_id or actor.role == Role.ADMIN:
        return True
    if actor.role == Role.MANAGER:
        member = queries.get_member(session=session, team_id=actor.team_id, user_id=owner_id)
        return member is not None and member.manager_id == actor.user_id
    return False


def may_act_for_any(*, session: Session, actor: Actor) -> Callable[[str], bool]:
    """`may_act_for` for the many owners of a list or a board: one query at most, then a set."""
    if actor.role == Role.ADMIN:
        return lambda _owner: True
    allowed = {actor.user_id}
    if actor.role == Role.MANAGER:
        allowed |= set(
            queries.team_of(session=session, team_id=actor.team_id, manager_id=actor.user_id)
        )
    return allowed.__contains__


def check_can_change(*, session: Session, actor: Actor, opportunity: Opportunity) -> None:
    if not may_act_for(session=session, actor=actor, owner_id=opportunity.owner_id):
        raise Forbidden("perm.not_your_deal", number=opportunity.number, owner=opportunity.owner_id)


def check_admin(actor: Actor) -> None:
    if actor.role != Role.ADMIN:
        raise Forbidden("perm.admin_only")
