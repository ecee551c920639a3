"""The persisted domain: workspaces, members, sales processes, accounts, opportunities, history.

Every table carries `team_id` (the Slack team) and every query filters by it: one workspace can
never read, number or guess another's rows. Money is integer minor units; times are UTC.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    Unicode,
    UniqueConstraint,
    case,
    literal_column,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement, TextClause
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
    # Edits of the deal's description: read by the card's history only (no stays, no totals).
    TITLE = "title"
    ORIGIN = "origin"
    PRODUCT = "product"
    NEXT_STEP = "next_step"
    NEXT_STEP_DATE = "next_step_date"
    QUALIFICATION = "qualification"
    # The owner's forecast category (commit, best-case, pipeline, omit); '' = the stage's.
    CATEGORY = "category"


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
    # The Monday ask for each rep's forecast call (issue 14); on unless an admin turns it off.
    calls_ask_enabled: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=text("true")
    )
    # When the app was uninstalled (its tokens deleted); the data is purged after the
    # retention period. NULL while installed (and always in single-workspace mode).
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
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
    # Slack's locale as sent ("en-GB", "fr-CA"): how dates and numbers are written for them.
    locale: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str | None] = mapped_column(String(64))
    profile_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    nudges_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    nudge_minute: Mapped[int] = mapped_column(Integer, default=9 * 60)
    # The weekly digest of a manager: where (None = a DM), which weekday (0 = Monday), when.
    digest_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    digest_channel: Mapped[str | None] = mapped_column(String(32))
    digest_weekday: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    digest_minute: Mapped[int] = mapped_column(
        Integer, default=8 * 60 + 30, server_default=text("510")
    )
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
    # The forecast category of its deals (commit, best-case, pipeline, omit); NULL = by the
    # probability (≥ 85 % commit, ≥ 40 % best-case, else pipeline).
    forecast_category: Mapped[str | None] = mapped_column(String(16))
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
        # The hot paths: a rep's open deals by stage, and an account's deals. The stage entry
        # and the dates make it cover the coaching table (open, stuck, created and closed
        # lately, per rep): a manager's team is read from it alone.
        Index(
            "ix_opportunities_owner_open",
            "team_id",
            "owner_id",
            "status",
            "stage_id",
            "stage_entered_at",
            "created_at",
            "closed_at",
        ),
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
        # `/pipeline stats` for a few owners reads these columns of each of their deals, six
        # times over: covering (no table read), and seeking the deals changed since a date.
        Index(
            "ix_opportunities_stats",
            "team_id",
            "owner_id",
            "updated_at",
            "process_id",
            "status",
            "created_at",
            "closed_at",
            "amount_minor",
            "stage_id",
            "id",
            "origin",
            "product",
        ),
    )

    # Columns marked `active_history` are the ones `storage.tallies` keys its running totals
    # on: their value before a change is loaded even when expired, so the totals can take
    # the deal out of its old group.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    number: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    title: Mapped[str] = mapped_column(String(300))
    amount_minor: Mapped[int] = mapped_column(BigInteger, active_history=True)
    currency: Mapped[str] = mapped_column(String(3))
    close_date: Mapped[date] = mapped_column(Date)
    owner_id: Mapped[str] = mapped_column(String(32), active_history=True)
    created_by: Mapped[str] = mapped_column(String(32))
    process_id: Mapped[int] = mapped_column(ForeignKey("sales_processes.id"), active_history=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), active_history=True)
    status: Mapped[Status] = mapped_column(String(8), default=Status.OPEN, active_history=True)
    lost_reason: Mapped[str | None] = mapped_column(String(500))
    origin: Mapped[str | None] = mapped_column(String(100), active_history=True)
    product: Mapped[str | None] = mapped_column(String(100), active_history=True)
    next_step: Mapped[str | None] = mapped_column(String(300))
    next_step_date: Mapped[date | None] = mapped_column(Date)
    probability_override: Mapped[int | None] = mapped_column(Integer)
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    # The owner's own forecast category; NULL = the stage's default.
    forecast_category: Mapped[str | None] = mapped_column(String(16))
    # The Slack message the deal was logged from (a message shortcut), shown as its source.
    source_permalink: Mapped[str | None] = mapped_column(String(500))
    need_expressed: Mapped[bool] = mapped_column(Boolean, default=False)
    can_answer: Mapped[bool] = mapped_column(Boolean, default=False)
    blockers_lifted: Mapped[bool] = mapped_column(Boolean, default=False)
    meeting_planned: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), active_history=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), active_history=True)
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


class CreationKey(Base):
    """What Slack gave with a request that created a deal (a slash command's `trigger_id`, a
    form's view id and hash), claimed in the creating transaction: the same delivery again
    (Slack's retry, a double submit, a replayed request) finds it and answers with that deal.
    Kept minutes: Slack refuses requests signed more than 5 minutes ago."""

    __tablename__ = "creation_keys"

    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    number: Mapped[int | None] = mapped_column(Integer)  # the deal's #N, set once created
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Note(Base):
    """A dated note on a deal by its author (`/opp note`, the card's menu): text typed by a
    person, at most 3,000 characters, stored as typed (escaped when shown)."""

    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_opportunity", "opportunity_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id"))
    author_id: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ForecastCall(Base):
    """A forecast call: what a rep (or a manager for their team, or an admin for everyone)
    commits to sign in a month. Re-submitting replaces the call: the old row gets
    `replaced_at` and stays as the call's history; the current call has `replaced_at` NULL.
    A month's call is frozen once the month is over (the domain refuses changes)."""

    __tablename__ = "forecast_calls"
    __table_args__ = (
        Index("ix_forecast_calls_month", "team_id", "month", "scope", "subject", "replaced_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    scope: Mapped[str] = mapped_column(String(8))  # "rep", "team" (a manager's) or "all"
    subject: Mapped[str] = mapped_column(String(32))  # the rep's or manager's id; "" for all
    month: Mapped[date] = mapped_column(Date)  # the first day of the month
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    called_by: Mapped[str] = mapped_column(String(32))
    called_at: Mapped[datetime] = mapped_column(UTCDateTime())
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


_STATS_COLUMNS = (
    "kind",
    "left_at",
    "to_stage_id",
    "changed_at",
    "from_value",
    "to_value",
    "from_stage_id",
)


class StageChange(Base):
    """One change of an opportunity: stage, status, amount, close date, probability, owner…

    Stage and status rows fill `from_stage_id`/`to_stage_id` so analytics and stuck-deal
    detection can read time spent per stage straight from this table.
    """

    __tablename__ = "stage_changes"
    __table_args__ = (
        Index("ix_stage_changes_opportunity", "opportunity_id", "changed_at"),
        Index("ix_stage_changes_team_kind", "team_id", "kind", "changed_at"),
        # `/pipeline stats`, each figure a range of a covering index: stays ended in a period
        # (kind, left_at range), amount changes since a date (kind, left_at and to_stage_id
        # NULL, changed_at range), reopenings (kind 'status'), backward moves (kind 'stage') —
        # over a whole team, and over each of a few owners' deals.
        Index("ix_stage_changes_stays", "team_id", *_STATS_COLUMNS, "opportunity_id"),
        Index("ix_stage_changes_deal_stays", "opportunity_id", *_STATS_COLUMNS, "team_id"),
        # The funnel's few backward moves (and moves out of a process), sought per pair of
        # stages rather than found among every stage move of the team.
        Index(
            "ix_stage_changes_moves",
            "team_id",
            "kind",
            "from_stage_id",
            "to_stage_id",
            "opportunity_id",
        ),
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
    # When the stay this row starts ended: the time of the deal's next created/stage/status/
    # process row (see `storage.stays`); NULL while it lasts and on the other kinds. Stored so
    # the stats read durations as a range instead of pairing every row with its successor.
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), active_history=True)


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


# --- nudges, follow-ups, digests and their outbox (issue 5) ---------------------------------


class NudgeMark(Base):
    """What a deal was last nudged for, so the same problem is not nudged about twice.

    A separate table rather than columns of `opportunities`: marking a deal must not bump its
    optimistic-locking version, or the buttons of the very nudge just sent would be stale.
    """

    __tablename__ = "nudge_marks"

    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id"), primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    nudged_on: Mapped[date] = mapped_column(Date)  # the rep's local date
    stay_started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    close_date: Mapped[date | None] = mapped_column(Date)  # nudged as slipped past this date
    next_step_date: Mapped[date | None] = mapped_column(Date)  # nudged as missed on this date
    # 1: nudged for this stay; 2: nudged again at twice the threshold (the manager was told).
    level: Mapped[int] = mapped_column(Integer, default=1)


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # to send (again) once due_at has passed
    SENDING = "sending"  # claimed by a worker until due_at (its lease)
    SENT = "sent"
    FAILED = "failed"  # given up: logged, listed by `/salesbot outbox`
    SKIPPED = "skipped"  # checked, nothing to say: keeps the key so the check is not redone


class OutboxMessage(Base):
    """A message to deliver, written before it is sent; its key makes it happen once.

    `(team_id, recipient, kind, period)` is unique: the same nudge, digest or follow-up for the
    same person and day (or week) can be planned by any number of workers, it exists once.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("team_id", "recipient", "kind", "period"),
        Index("ix_outbox_due", "status", "due_at"),
        # "Who already has today's nudge?" for thousands of reps, without listing them.
        Index("ix_outbox_period", "team_id", "kind", "period"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    recipient: Mapped[str] = mapped_column(String(32))  # who it is for (a user id)
    kind: Mapped[str] = mapped_column(String(16))  # nudge, digest, followup, escalation
    period: Mapped[str] = mapped_column(String(48))  # a local date, an ISO week…
    channel: Mapped[str] = mapped_column(String(32))  # where: a user id (their DM) or a channel
    payload: Mapped[str] = mapped_column(Text)  # JSON: text, blocks, and an optional file
    status: Mapped[str] = mapped_column(String(8), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    # Set when a post may have reached Slack without our hearing back (a crash, a timeout,
    # a 5xx): the next attempt first looks for it in the channel's history.
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False)
    first_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    channel_id: Mapped[str | None] = mapped_column(String(32))  # as Slack answered (D… for DMs)
    ts: Mapped[str | None] = mapped_column(String(32))  # the message's ts once posted
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FollowUpRule(Base):
    """An admin's reminder: N days after a deal of `process` is won, or enters `stage`."""

    __tablename__ = "followup_rules"
    __table_args__ = (Index("ix_followup_rules_team", "team_id", "removed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    process_id: Mapped[int] = mapped_column(ForeignKey("sales_processes.id"))
    trigger: Mapped[str] = mapped_column(String(8))  # "won" or "stage"
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id"))
    days: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # History up to here has been turned into follow-ups (the next scan starts a bit before).
    scanned_until: Mapped[datetime] = mapped_column(UTCDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FollowUp(Base):
    """One reminder about one deal, due on a day; the owner marks it done."""

    __tablename__ = "followups"
    __table_args__ = (
        UniqueConstraint("rule_id", "opportunity_id"),
        Index("ix_followups_due", "team_id", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    rule_id: Mapped[int] = mapped_column(ForeignKey("followup_rules.id"))
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id"))
    due_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(8), default="open")  # open, done
    sent_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DigestSnapshot(Base):
    """A manager's team pipeline as the weekly digest showed it: next week's "change" base."""

    __tablename__ = "digest_snapshots"
    __table_args__ = (UniqueConstraint("team_id", "manager_id", "week"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    manager_id: Mapped[str] = mapped_column(String(32))
    week: Mapped[str] = mapped_column(String(10))  # ISO week, "2027-W11"
    count: Mapped[int] = mapped_column(Integer)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    weighted_minor: Mapped[int] = mapped_column(BigInteger)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime())


# --- running totals for the whole workspace's stats (see `storage.tallies`) -------------------
# Months are UTC months as 'YYYY-MM' text; '' for "not closed"; '' for an origin or product
# left blank. Keys are never NULL, so that INSERT … ON CONFLICT finds the row to add to.


class OwnerTally(Base):
    """Deals per process, owner, status, month created and month closed."""

    __tablename__ = "owner_tallies"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    process_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(8), primary_key=True)
    created_month: Mapped[str] = mapped_column(String(7), primary_key=True)
    closed_month: Mapped[str] = mapped_column(String(7), primary_key=True)
    deals: Mapped[int] = mapped_column(Integer)
    amount_minor: Mapped[int] = mapped_column(BigInteger)  # today's amounts, summed
    cycle_seconds: Mapped[int] = mapped_column(BigInteger)  # created → won, won deals only


class SegmentTally(Base):
    """Deals per process, origin and product (as typed), status and months."""

    __tablename__ = "segment_tallies"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    process_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    origin: Mapped[str] = mapped_column(String(100), primary_key=True)
    product: Mapped[str] = mapped_column(String(100), primary_key=True)
    status: Mapped[str] = mapped_column(String(8), primary_key=True)
    created_month: Mapped[str] = mapped_column(String(7), primary_key=True)
    closed_month: Mapped[str] = mapped_column(String(7), primary_key=True)
    deals: Mapped[int] = mapped_column(Integer)
    amount_minor: Mapped[int] = mapped_column(BigInteger)


class StageTally(Base):
    """Deals per process, current stage, status and months."""

    __tablename__ = "stage_tallies"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    process_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(8), primary_key=True)
    created_month: Mapped[str] = mapped_column(String(7), primary_key=True)
    closed_month: Mapped[str] = mapped_column(String(7), primary_key=True)
    deals: Mapped[int] = mapped_column(Integer)


class AmountTally(Base):
    """Amount changes (after − before, summed) per month made, and per the deal's process and
    months created and closed — what the month-end values take back off today's amounts."""

    __tablename__ = "amount_tallies"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    process_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    changed_month: Mapped[str] = mapped_column(String(7), primary_key=True)
    created_month: Mapped[str] = mapped_column(String(7), primary_key=True)
    closed_month: Mapped[str] = mapped_column(String(7), primary_key=True)
    changes: Mapped[int] = mapped_column(Integer)
    step_minor: Mapped[int] = mapped_column(BigInteger)


class StayTally(Base):
    """Ended stays per stage, month they ended in and whole days they lasted."""

    __tablename__ = "stay_tallies"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    stage_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    left_month: Mapped[str] = mapped_column(String(7), primary_key=True)
    days: Mapped[int] = mapped_column(Integer, primary_key=True)
    stays: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[int] = mapped_column(BigInteger)  # their lengths, summed


def open_only(column: Any) -> ColumnElement[Any]:
    """`column` for open deals, NULL for closed ones: what the nudge scan's indexes hold.

    Closed deals keep their old dates, so `status = 'open' AND close_date < today` looks, to
    PostgreSQL's per-column statistics, like a fifth of the table, and it scans it all. On
    this expression (its literal must stay a literal, for the index to match) PostgreSQL keeps
    statistics of its own, and SQLite and PostgreSQL both read just the deals that are due.
    """
    return case((Opportunity.status == literal_column("'open'"), column))


def _open_only_sql(column: str) -> TextClause:
    """`open_only(column)` as PostgreSQL prints an index on it back, so that Alembic's
    comparison of these models with the migrated database (tests/storage/test_storage.py)
    matches."""
    return text(f"\nCASE\n    WHEN status = 'open' THEN {column}\n    ELSE NULL\nEND")


# The daily nudge scan: deals stuck in a stage, past their close date, past their next step.
Index(
    "ix_opportunities_stuck",
    Opportunity.team_id,
    Opportunity.stage_id,
    _open_only_sql("stage_entered_at"),
)
Index("ix_opportunities_slipped", Opportunity.team_id, _open_only_sql("close_date"))
Index("ix_opportunities_next_step", Opportunity.team_id, _open_only_sql("next_step_date"))


# Slack's OAuth tables, as slack_sdk's SQLAlchemyInstallationStore and
# SQLAlchemyOAuthStateStore define them (same names, columns and index), declared here so
# migrations create them like every other table; Bolt's stores then read and write them.
# tests/storage checks these declarations against slack_sdk's own.
SLACK_INSTALLATIONS = Table(
    "slack_installations",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False),
    Index(
        "slack_installations_idx",
        "client_id",
        "enterprise_id",
        "team_id",
        "user_id",
        "installed_at",
    ),
)
SLACK_BOTS = Table(
    "slack_bots",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("installed_at", DateTime, nullable=False),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)
SLACK_OAUTH_STATES = Table(
    "slack_oauth_states",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)


# APScheduler's job store table, declared here so migrations create it like every other table
# (its store's own `create(checkfirst=True)` then finds it). Same columns as APScheduler 3.
APSCHEDULER_JOBS = Table(
    "apscheduler_jobs",
    Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
