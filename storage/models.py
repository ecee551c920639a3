"""The persisted domain: workspaces, members, sales processes, accounts, opportunities, history.

Every table carries `team_id` (the Slack team) and every query filters by it: one workspace can
never read, number or guess another's rows. Money is integer minor units; times are UTC.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Stable constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite (naive storage) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Role(enum.StrEnum):
    REP = "rep"
    MANAGER = "manager"
    ADMIN = "admin"


class Status(enum.StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class ChangeKind(enum.StrEnum):
    """What a history row records; stage/status rows also fill the stage columns."""

    CREATED = "created"
    STAGE = "stage"
    STATUS = "status"
    AMOUNT = "amount"
    CLOSE_DATE = "close_date"
    PROBABILITY = "probability"
    OWNER = "owner"
    PROCESS = "process"


class Workspace(Base):
    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    language: Mapped[str] = mapped_column(String(8), default="fr")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    # Last opportunity number handed out; bumped with UPDATE … RETURNING so numbers never repeat.
    opportunity_seq: Mapped[int] = mapped_column(Integer, default=0)
    announce_channel: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    user_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(String(16), default=Role.REP)
    manager_id: Mapped[str | None] = mapped_column(String(32))
    # Null until learned from Slack (users.info include_locale); the workspace default applies.
    language: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    profile_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    nudges_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    nudge_minute: Mapped[int] = mapped_column(Integer, default=9 * 60)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SalesProcess(Base):
    __tablename__ = "sales_processes"
    __table_args__ = (UniqueConstraint("team_id", "name_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    name: Mapped[str] = mapped_column(String(80))
    name_key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    stages: Mapped[list[Stage]] = relationship(
        back_populates="process", order_by="Stage.position", lazy="selectin"
    )


class Stage(Base):
    __tablename__ = "stages"
    __table_args__ = (Index("ix_stages_process", "process_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    process_id: Mapped[int] = mapped_column(ForeignKey("sales_processes.id"))
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    probability: Mapped[int] = mapped_column(Integer)
    stuck_after_days: Mapped[int | None] = mapped_column(Integer)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    process: Mapped[SalesProcess] = relationship(back_populates="stages")


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("team_id", "name_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    name: Mapped[str] = mapped_column(String(200))
    # Case- and accent-insensitive key, so "Dupond" and "DUPOND" are one account.
    name_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Opportunity(Base):
    __tablename__ = "opportunities"
    __table_args__ = (
        UniqueConstraint("team_id", "number"),
        ForeignKeyConstraint(
            ["team_id", "owner_id"],
            ["members.team_id", "members.user_id"],
            name="fk_opportunities_owner_members",
        ),
        # The hot paths: a rep's open deals by stage, and an account's deals.
        Index("ix_opportunities_owner_open", "team_id", "owner_id", "status", "stage_id"),
        Index("ix_opportunities_account", "account_id"),
        # The whole company's board and forecast read only these columns (covering indexes).
        Index(
            "ix_opportunities_board",
            "team_id",
            "status",
            "stage_id",
            "amount_minor",
            "probability_override",
        ),
        Index(
            "ix_opportunities_forecast",
            "team_id",
            "status",
            "close_date",
            "amount_minor",
            "stage_id",
            "probability_override",
        ),
        Index("ix_opportunities_owner_close", "team_id", "owner_id", "status", "close_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    number: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    title: Mapped[str] = mapped_column(String(300))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    close_date: Mapped[date] = mapped_column(Date)
    owner_id: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(32))
    process_id: Mapped[int] = mapped_column(ForeignKey("sales_processes.id"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"))
    status: Mapped[Status] = mapped_column(String(8), default=Status.OPEN)
    lost_reason: Mapped[str | None] = mapped_column(String(500))
    origin: Mapped[str | None] = mapped_column(String(100))
    product: Mapped[str | None] = mapped_column(String(100))
    next_step: Mapped[str | None] = mapped_column(String(300))
    next_step_date: Mapped[date | None] = mapped_column(Date)
    probability_override: Mapped[int | None] = mapped_column(Integer)
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    need_expressed: Mapped[bool] = mapped_column(Boolean, default=False)
    can_answer: Mapped[bool] = mapped_column(Boolean, default=False)
    blockers_lifted: Mapped[bool] = mapped_column(Boolean, default=False)
    meeting_planned: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stage_entered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))

    account: Mapped[Account] = relationship(lazy="joined", innerjoin=True)
    stage: Mapped[Stage] = relationship(lazy="joined", innerjoin=True)
    process: Mapped[SalesProcess] = relationship(lazy="joined", innerjoin=True)

    # Optimistic locking: every UPDATE checks and bumps the version, so a stale writer fails.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own hook

    @property
    def probability(self) -> int:
        """The deal's win probability: its own override, else its stage's."""
        if self.status == Status.WON:
            return 100
        if self.status == Status.LOST:
            return 0
        return (
            self.probability_override
            if self.probability_override is not None
            else self.stage.probability
        )

    @property
    def qualification(self) -> tuple[bool, bool, bool, bool]:
        return (self.need_expressed, self.can_answer, self.blockers_lifted, self.meeting_planned)


class StageChange(Base):
    """One change of an opportunity: stage, status, amount, close date, probability, owner…

    Stage and status rows fill `from_stage_id`/`to_stage_id` so analytics and stuck-deal
    detection can read time spent per stage straight from this table.
    """

    __tablename__ = "stage_changes"
    __table_args__ = (
        Index("ix_stage_changes_opportunity", "opportunity_id", "changed_at"),
        Index("ix_stage_changes_team_kind", "team_id", "kind", "changed_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id"))
    kind: Mapped[ChangeKind] = mapped_column(String(16))
    changed_by: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    from_stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id"))
    to_stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id"))
    from_value: Mapped[str | None] = mapped_column(Text)
    to_value: Mapped[str | None] = mapped_column(Text)


class LostReason(Base):
    """The workspace's list of reasons a deal is lost, offered in the "Lost" modal."""

    __tablename__ = "lost_reasons"
    __table_args__ = (UniqueConstraint("team_id", "label_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    label: Mapped[str] = mapped_column(String(75))
    label_key: Mapped[str] = mapped_column(String(75))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Target(Base):
    """A monthly signing target: for a rep, for a manager's team, or for the whole workspace."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("team_id", "scope", "subject", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    scope: Mapped[str] = mapped_column(String(8))  # "rep", "team" (a manager's) or "all"
    subject: Mapped[str] = mapped_column(String(32))  # the rep's or manager's id; "" for all
    month: Mapped[date] = mapped_column(Date)  # the first day of the month
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    set_by: Mapped[str] = mapped_column(String(32))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())
