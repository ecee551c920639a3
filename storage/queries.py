"""Queries and writes, always scoped by Slack team.

Functions are keyword-only and take the session; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage import stays
from storage.db import conflict_insert
from storage.models import (
    Account,
    ChangeKind,
    LostReason,
    Member,
    Opportunity,
    Role,
    SalesProcess,
    Stage,
    StageChange,
    Status,
    Workspace,
)
from storage.text import fold


def name_key(name: str) -> str:
    """Case- and accent-insensitive key: "Société Générale" and "societe generale" match."""
    return fold(name)


_DASHES = str.maketrans("-\u2010\u2011\u2012\u2013\u2014", "      ")


def label_key(label: str) -> str:
    """How a deal's origin or product is compared: `name_key`, a dash being a space, so that
    "Bouche-à-oreille" and "bouche a oreille" match. Never stored: nothing to recompute."""
    return " ".join(fold(label).translate(_DASHES).split())


# --- workspaces and members -------------------------------------------------------------


def get_workspace(*, session: Session, team_id: str) -> Workspace | None:
    return session.get(Workspace, team_id)


def team_ids(*, session: Session) -> list[str]:
    """Every workspace in the database, for the jobs that go through them all."""
    return list(session.scalars(select(Workspace.team_id).order_by(Workspace.team_id)))


def add_workspace_if_absent(
    *,
    session: Session,
    team_id: str,
    now: datetime,
    language: str,
    timezone: str,
    currency: str,
) -> bool:
    """Insert the workspace unless it exists; whether this call created it.

    Concurrent first requests of a new workspace all get here: ON CONFLICT DO NOTHING waits for
    the one that inserts first and lets the others read its row, instead of failing on the key.
    """
    insert = conflict_insert(session)
    created = session.execute(
        insert(Workspace)
        .values(
            team_id=team_id,
            name="",
            language=language,
            timezone=timezone,
            currency=currency,
            opportunity_seq=0,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=[Workspace.team_id])
        .returning(Workspace.team_id)
    ).first()
    return created is not None


def get_member(*, session: Session, team_id: str, user_id: str) -> Member | None:
    return session.scalars(
        select(Member).where(Member.team_id == team_id, Member.user_id == user_id)
    ).one_or_none()


def add_member(
    *,
    session: Session,
    team_id: str,
    user_id: str,
    now: datetime,
    role: Role = Role.REP,
    name: str = "",
    language: str | None = None,
    timezone: str | None = None,
) -> Member:
    """The member row, inserted unless a concurrent request already did (see
    `add_workspace_if_absent`): then theirs."""
    insert = conflict_insert(session)
    session.execute(
        insert(Member)
        .values(
            team_id=team_id,
            user_id=user_id,
            name=name,
            role=role,
            language=language,
            timezone=timezone,
            nudges_enabled=True,
            nudge_minute=9 * 60,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=[Member.team_id, Member.user_id])
    )
    member = get_member(session=session, team_id=team_id, user_id=user_id)
    assert member is not None  # inserted here or by the request that won the race
    return member


def team_of(*, session: Session, team_id: str, manager_id: str) -> list[str]:
    """The user ids of the reps reporting to a manager."""
    return list(
        session.scalars(
            select(Member.user_id).where(Member.team_id == team_id, Member.manager_id == manager_id)
        )
    )


def member_names(*, session: Session, team_id: str, user_ids: Sequence[str]) -> dict[str, str]:
    if not user_ids:
        return {}
    rows = session.execute(
        select(Member.user_id, Member.name).where(
            Member.team_id == team_id, Member.user_id.in_(set(user_ids))
        )
    )
    return {user_id: name for user_id, name in rows}


# --- processes and stages ---------------------------------------------------------------


def active_processes(*, session: Session, team_id: str) -> list[SalesProcess]:
    return list(
        session.scalars(
            select(SalesProcess)
            .where(SalesProcess.team_id == team_id, SalesProcess.archived_at.is_(None))
            .order_by(SalesProcess.position, SalesProcess.id)
        )
    )


def add_process(
    *,
    session: Session,
    team_id: str,
    name: str,
    stages: Sequence[tuple[str, int]],
    now: datetime,
    position: int = 0,
) -> SalesProcess:
    process = SalesProcess(
        team_id=team_id, name=name, name_key=name_key(name), position=position, created_at=now
    )
    session.add(process)
    session.flush()
    for index, (stage_name, probability) in enumerate(stages):
        session.add(
            Stage(
                team_id=team_id,
                process_id=process.id,
                name=stage_name,
                position=index,
                probability=probability,
            )
        )
    session.flush()
    session.refresh(process, ["stages"])
    return process


def get_stage(*, session: Session, team_id: str, stage_id: int) -> Stage | None:
    return session.scalars(
        select(Stage).where(Stage.team_id == team_id, Stage.id == stage_id)
    ).one_or_none()


def live_stages(process: SalesProcess) -> list[Stage]:
    return [stage for stage in process.stages if stage.removed_at is None]


# --- accounts ---------------------------------------------------------------------------


def find_account(*, session: Session, team_id: str, name: str) -> Account | None:
    return session.scalars(
        select(Account).where(Account.team_id == team_id, Account.name_key == name_key(name))
    ).one_or_none()


def get_account(*, session: Session, team_id: str, account_id: int) -> Account | None:
    return session.scalars(
        select(Account).where(Account.team_id == team_id, Account.id == account_id)
    ).one_or_none()


def find_or_add_account(*, session: Session, team_id: str, name: str, now: datetime) -> Account:
    """The account of that name (folded), created unless it exists or a concurrent request
    creates it first: ON CONFLICT DO NOTHING, then read the winner's row."""
    account = find_account(session=session, team_id=team_id, name=name)
    if account is not None:
        return account
    insert = conflict_insert(session)
    session.execute(
        insert(Account)
        .values(team_id=team_id, name=name, name_key=name_key(name), created_at=now)
        .on_conflict_do_nothing(index_elements=[Account.team_id, Account.name_key])
    )
    account = find_account(session=session, team_id=team_id, name=name)
    assert account is not None  # inserted here or by the request that won the race
    return account


def search_accounts(
    *, session: Session, team_id: str, query: str, limit: int = 20
) -> list[Account]:
    """Accounts whose name starts with (then contains) the query, for the modal's typeahead."""
    key = name_key(query)
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    starts = list(
        session.scalars(
            select(Account)
            .where(Account.team_id == team_id, Account.name_key.like(f"{escaped}%", escape="\\"))
            .order_by(Account.name_key)
            .limit(limit)
        )
    )
    if len(starts) >= limit or not key:
        return starts
    seen = {account.id for account in starts}
    contains = session.scalars(
        select(Account)
        .where(
            Account.team_id == team_id,
            Account.name_key.like(f"%{escaped}%", escape="\\"),
        )
        .order_by(Account.name_key)
        .limit(limit)
    )
    return (starts + [a for a in contains if a.id not in seen])[:limit]


# --- opportunities ----------------------------------------------------------------------


def next_opportunity_number(*, session: Session, team_id: str) -> int:
    """Hand out the workspace's next `#N`: atomic, gap-free per successful transaction."""
    number = session.execute(
        update(Workspace)
        .where(Workspace.team_id == team_id)
        .values(opportunity_seq=Workspace.opportunity_seq + 1)
        .returning(Workspace.opportunity_seq)
    ).scalar_one()
    return int(number)


def add_opportunity(*, session: Session, opportunity: Opportunity, now: datetime) -> Opportunity:
    session.add(opportunity)
    session.flush()
    record_change(
        session=session,
        opportunity=opportunity,
        kind=ChangeKind.CREATED,
        by=opportunity.created_by,
        at=now,
        to_stage_id=opportunity.stage_id,
        to_value=opportunity.status,
    )
    return opportunity


def record_change(
    *,
    session: Session,
    opportunity: Opportunity,
    kind: ChangeKind,
    by: str,
    at: datetime,
    from_stage_id: int | None = None,
    to_stage_id: int | None = None,
    from_value: str | None = None,
    to_value: str | None = None,
    link: bool = True,
) -> StageChange:
    """One history row. `link=False` leaves the stays' ends to the caller: a bulk change
    closes them for all its deals at once (`stays.end_at`)."""
    change = StageChange(
        team_id=opportunity.team_id,
        opportunity_id=opportunity.id,
        kind=kind,
        changed_by=by,
        changed_at=at,
        from_stage_id=from_stage_id,
        to_stage_id=to_stage_id,
        from_value=from_value,
        to_value=to_value,
    )
    if link:
        stays.link(session=session, change=change)  # the stay it follows ends now
    session.add(change)
    return change


def get_opportunity(*, session: Session, team_id: str, number: int) -> Opportunity | None:
    return session.scalars(
        select(Opportunity).where(Opportunity.team_id == team_id, Opportunity.number == number)
    ).one_or_none()


def open_opportunities(
    *, session: Session, team_id: str, owner_id: str, limit: int | None = None
) -> list[Opportunity]:
    """A rep's open deals, furthest stage first, then the most valuable."""
    query = (
        select(Opportunity)
        .join(Opportunity.stage)
        .where(
            Opportunity.team_id == team_id,
            Opportunity.owner_id == owner_id,
            Opportunity.status == Status.OPEN,
        )
        .order_by(Stage.position.desc(), Opportunity.amount_minor.desc(), Opportunity.number)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def open_opportunities_page(
    *, session: Session, team_id: str, owner_id: str, limit: int, offset: int
) -> list[Opportunity]:
    """A page of a rep's open deals, in `open_opportunities`' order (the number settles ties,
    so pages neither repeat nor skip a deal)."""
    query = (
        select(Opportunity)
        .join(Opportunity.stage)
        .where(
            Opportunity.team_id == team_id,
            Opportunity.owner_id == owner_id,
            Opportunity.status == Status.OPEN,
        )
        .order_by(Stage.position.desc(), Opportunity.amount_minor.desc(), Opportunity.number)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def account_opportunities(
    *, session: Session, team_id: str, account_id: int, limit: int = 200
) -> list[Opportunity]:
    return list(
        session.scalars(
            select(Opportunity)
            .where(Opportunity.team_id == team_id, Opportunity.account_id == account_id)
            .order_by(Opportunity.number.desc())
            .limit(limit)
        )
    )


def deal_labels(
    *,
    session: Session,
    team_id: str,
    field: Literal["origin", "product"],
    owners: Sequence[str] | None = None,
) -> list[str]:
    """Every origin (or product) the deals of `owners` (None: the workspace's) carry, spelled
    as stored: the domain keeps those a typed filter means (`label_key`), then filters on
    exactly them. `ix_opportunities_stats` holds both columns: no deal is read."""
    column = getattr(Opportunity, field)
    query = select(column).distinct().where(Opportunity.team_id == team_id, column.is_not(None))
    if owners is not None:
        query = query.where(Opportunity.owner_id.in_(list(dict.fromkeys(owners))))
    return list(session.scalars(query))


def history(*, session: Session, team_id: str, opportunity_id: int) -> list[StageChange]:
    return list(
        session.scalars(
            select(StageChange)
            .where(StageChange.team_id == team_id, StageChange.opportunity_id == opportunity_id)
            .order_by(StageChange.changed_at, StageChange.id)
        )
    )


def stage_names(*, session: Session, team_id: str, stage_ids: Sequence[int]) -> dict[int, str]:
    if not stage_ids:
        return {}
    rows = session.execute(
        select(Stage.id, Stage.name).where(Stage.team_id == team_id, Stage.id.in_(set(stage_ids)))
    )
    return {stage_id: name for stage_id, name in rows}


# --- lost reasons -----------------------------------------------------------------------


def lost_reasons(*, session: Session, team_id: str) -> list[LostReason]:
    return list(
        session.scalars(
            select(LostReason)
            .where(LostReason.team_id == team_id)
            .order_by(LostReason.position, LostReason.id)
        )
    )


def add_lost_reason(*, session: Session, team_id: str, label: str) -> LostReason:
    position = session.scalar(
        select(func.coalesce(func.max(LostReason.position), -1) + 1).where(
            LostReason.team_id == team_id
        )
    )
    reason = LostReason(team_id=team_id, label=label, label_key=name_key(label), position=position)
    session.add(reason)
    session.flush()
    return reason


# --- administration (`/salesbot`) -------------------------------------------------------


def remove_lost_reason(*, session: Session, team_id: str, label: str) -> LostReason | None:
    """Take a reason off the "Lost" menu; deals lost for it keep their own copy of the text."""
    reason = session.scalars(
        select(LostReason).where(
            LostReason.team_id == team_id, LostReason.label_key == name_key(label)
        )
    ).one_or_none()
    if reason is not None:
        session.delete(reason)
        session.flush()
    return reason


def all_processes(*, session: Session, team_id: str) -> list[SalesProcess]:
    """Active and archived processes: names stay unique across both."""
    return list(
        session.scalars(
            select(SalesProcess)
            .where(SalesProcess.team_id == team_id)
            .order_by(SalesProcess.position, SalesProcess.id)
        )
    )


def open_counts_by_stage(*, session: Session, team_id: str) -> dict[int, int]:
    rows = session.execute(
        select(Opportunity.stage_id, func.count())
        .where(Opportunity.team_id == team_id, Opportunity.status == Status.OPEN)
        .group_by(Opportunity.stage_id)
    )
    return {stage_id: count for stage_id, count in rows}


def open_opportunities_in_stage(
    *, session: Session, team_id: str, stage_id: int
) -> list[Opportunity]:
    return list(
        session.scalars(
            select(Opportunity)
            .where(
                Opportunity.team_id == team_id,
                Opportunity.stage_id == stage_id,
                Opportunity.status == Status.OPEN,
            )
            .order_by(Opportunity.number)
        )
    )


def members_with_role(*, session: Session, team_id: str, role: Role) -> list[str]:
    return list(
        session.scalars(
            select(Member.user_id)
            .where(Member.team_id == team_id, Member.role == role)
            .order_by(Member.user_id)
        )
    )


# --- bulk: import -----------------------------------------------------------------------


def reserve_opportunity_numbers(*, session: Session, team_id: str, count: int) -> int:
    """Hand out `count` consecutive `#N` at once (an import); returns the first."""
    last = session.execute(
        update(Workspace)
        .where(Workspace.team_id == team_id)
        .values(opportunity_seq=Workspace.opportunity_seq + count)
        .returning(Workspace.opportunity_seq)
    ).scalar_one()
    return int(last) - count + 1
