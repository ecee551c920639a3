"""What is due goes into the outbox: nudges, manager alerts, follow-ups, weekly digests.

A message is rendered and written to the outbox, and what it says is remembered (deals marked
nudged, follow-ups sent, the digest's figures), in one transaction: either both happen or
neither. Its unique key makes planning idempotent — a restart, a second worker, or the same
`salesbot nudges --as-of` run twice plans nothing new. A dry run does all of this in a
transaction that is rolled back, and returns what would have been sent.
"""

from __future__ import annotations

import base64
import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.views import nudging as views
from commands.i18n import t
from commands.nudging import digest as digests
from commands.nudging import followups, nudges
from storage import outbox, queries
from storage.db import Database
from storage.models import OutboxStatus

log = logging.getLogger(__name__)

CHUNK = 200  # recipients per transaction: bounded memory and short write locks
# A won deal celebrated in the workspace's announcement channel.
ANNOUNCEMENT = "announcement"


def plan_announcement(
    *,
    session: Session,
    team_id: str,
    channel: str,
    number: int,
    version: int,
    text: str,
    now: datetime,
) -> int | None:
    """Put a win's announcement in the outbox, so a 429 or a 5xx delays it instead of losing it.

    Keyed by the deal and the version the win gave it: a retried or replayed click finds the
    key taken and announces nothing more, while a deal reopened and won again is a new win.
    """
    return outbox.enqueue(
        session=session,
        team_id=team_id,
        recipient=channel,
        kind=ANNOUNCEMENT,
        period=f"won:{number}:v{version}",
        channel=channel,
        payload={"text": text},
        now=now,
    )


@dataclass(frozen=True)
class Preview:
    """A message a dry run would have sent."""

    kind: str
    team_id: str
    recipient: str
    channel: str
    period: str
    message: dict[str, Any]


@dataclass
class PlanReport:
    planned: Counter[str] = field(default_factory=Counter)  # by kind
    nothing_due: int = 0  # recipients checked with nothing to say
    already: int = 0  # keys another run (or worker) had written
    deals: int = 0  # deals in the nudges planned
    escalated: int = 0
    previews: list[Preview] = field(default_factory=list)
    errors: int = 0


class Planner:
    def __init__(self, db: Database) -> None:
        self.db = db

    @contextmanager
    def _unit(self, dry_run: bool) -> Iterator[Session]:
        """A transaction; rolled back in a dry run, so nothing at all is written."""
        if dry_run:
            with self.db.reading() as session:
                yield session
        else:
            with self.db.transaction() as session:
                yield session

    def team_ids(self) -> list[str]:
        with self.db.reading() as session:
            return queries.team_ids(session=session)

    def _each_team(
        self, report: PlanReport, plan: Callable[[str], None], team_ids: Sequence[str] | None
    ) -> None:
        for team_id in team_ids if team_ids is not None else self.team_ids():
            try:
                plan(team_id)
            except Exception:  # one workspace's bug must not stop every other's messages
                report.errors += 1
                log.exception("planning for workspace %s failed", team_id)

    # --- daily: nudges, manager alerts, follow-ups ---------------------------------------------

    def plan_daily(
        self,
        *,
        now: datetime,
        as_of: date | None = None,
        dry_run: bool = False,
        team_ids: Sequence[str] | None = None,
    ) -> PlanReport:
        report = PlanReport()

        def plan(team_id: str) -> None:
            self._nudges(team_id, now, as_of, dry_run, report)
            self._followups(team_id, now, as_of, dry_run, report)

        self._each_team(report, plan, team_ids)
        return report

    def _nudges(
        self, team_id: str, now: datetime, as_of: date | None, dry_run: bool, report: PlanReport
    ) -> None:
        with self.db.reading() as session:
            recipients = nudges.daily_recipients(
                session=session, team_id=team_id, now=now, kind=nudges.NUDGE, as_of=as_of
            )
            if not recipients:
                return
            # Thresholds and candidates once for everyone due now, not per rep or per deal.
            found = nudges.scan(session=session, team_id=team_id, recipients=recipients)
        for start in range(0, len(recipients), CHUNK):
            chunk = recipients[start : start + CHUNK]
            with self._unit(dry_run) as session:
                built = nudges.build_nudges(
                    session=session, team_id=team_id, found=found, recipients=chunk
                )
                planned = [n for n in built if self._nudge(session, n, now, dry_run, report)]
                for escalation in nudges.escalations(session=session, nudges=planned):
                    message = views.escalation_message(escalation)
                    self._enqueue(
                        session,
                        report,
                        dry_run,
                        kind=nudges.ESCALATION,
                        team_id=team_id,
                        recipient=escalation.manager.user_id,
                        channel=escalation.manager.user_id,
                        period=escalation.period,
                        message=message,
                        now=now,
                    )

    def _nudge(
        self, session: Session, nudge: nudges.Nudge, now: datetime, dry_run: bool, r: PlanReport
    ) -> bool:
        recipient = nudge.recipient
        period = recipient.day.isoformat()
        if not nudge.items:
            # Checked, nothing to say: the key stops the next tick from checking again today.
            r.nothing_due += 1
            if not dry_run:
                outbox.enqueue(
                    session=session,
                    team_id=nudge.team_id,
                    recipient=recipient.user_id,
                    kind=nudges.NUDGE,
                    period=period,
                    channel=recipient.user_id,
                    payload={},
                    now=now,
                    status=OutboxStatus.SKIPPED,
                )
            return False
        planned = self._enqueue(
            session,
            r,
            dry_run,
            kind=nudges.NUDGE,
            team_id=nudge.team_id,
            recipient=recipient.user_id,
            channel=recipient.user_id,
            period=period,
            message=views.nudge_message(nudge),
            now=now,
        )
        if planned:
            nudges.mark_nudged(session=session, nudge=nudge)
            r.deals += len(nudge.items)
            r.escalated += len(nudge.escalated)
        return planned

    def _followups(
        self, team_id: str, now: datetime, as_of: date | None, dry_run: bool, report: PlanReport
    ) -> None:
        # Read first, write only when someone is due: this runs every minute for every
        # workspace, and a write transaction takes SQLite's one write lock. Follow-ups are
        # created from each rule's last scan on, so creating them later loses none.
        with self.db.reading() as session:
            recipients = nudges.daily_recipients(
                session=session,
                team_id=team_id,
                now=now,
                kind=followups.FOLLOWUP,
                as_of=as_of,
                nudges_only=False,  # an admin's follow-ups are work to do, not a reminder
            )
        if not recipients:
            return
        with self._unit(dry_run) as session:
            followups.materialize(session=session, team_id=team_id, now=now)
            for message in followups.build(session=session, team_id=team_id, recipients=recipients):
                planned = self._enqueue(
                    session,
                    report,
                    dry_run,
                    kind=followups.FOLLOWUP,
                    team_id=team_id,
                    recipient=message.recipient.user_id,
                    channel=message.recipient.user_id,
                    period=message.recipient.day.isoformat(),
                    message=views.followup_message(message),
                    now=now,
                )
                if planned:
                    followups.mark_sent(session=session, message=message)

    # --- weekly: digests -------------------------------------------------------------------------

    def plan_digests(
        self,
        *,
        now: datetime,
        as_of: date | None = None,
        dry_run: bool = False,
        team_ids: Sequence[str] | None = None,
    ) -> PlanReport:
        report = PlanReport()

        def plan(team_id: str) -> None:
            with self.db.reading() as session:
                due = digests.due_digests(session=session, team_id=team_id, now=now, as_of=as_of)
            for recipient in due:
                self._digest(team_id, recipient, now, dry_run, report)

        self._each_team(report, plan, team_ids)
        return report

    def _digest(
        self,
        team_id: str,
        recipient: digests.DigestRecipient,
        now: datetime,
        dry_run: bool,
        report: PlanReport,
    ) -> None:
        from bot.charts import forecast_png  # matplotlib loads only when a digest is due

        # Read and draw outside the write transaction: on SQLite it would hold the one write
        # lock (clicks wait on it) for the whole build and the chart's rendering.
        with self.db.reading() as session:
            digest = digests.build(session=session, team_id=team_id, recipient=recipient)
        message = views.digest_message(digest)
        lang = digest.lang
        message["file"] = {
            "prefix": "forecast",
            "b64": base64.b64encode(forecast_png(digest.forecast, lang)).decode("ascii"),
            "title": t(lang, "digest.chart_title"),
            "comment": t(lang, "digest.chart_comment"),
        }
        with self._unit(dry_run) as session:
            planned = self._enqueue(
                session,
                report,
                dry_run,
                kind=digests.DIGEST,
                team_id=team_id,
                recipient=recipient.reader.user_id,
                channel=recipient.channel or recipient.reader.user_id,
                period=recipient.week,
                message=message,
                now=now,
            )
            if planned:
                digests.record(session=session, digest=digest, now=now)

    # --- the outbox ------------------------------------------------------------------------------

    def _enqueue(
        self,
        session: Session,
        report: PlanReport,
        dry_run: bool,
        *,
        kind: str,
        team_id: str,
        recipient: str,
        channel: str,
        period: str,
        message: dict[str, Any],
        now: datetime,
    ) -> bool:
        """Write the message once; False when its key was already there (nothing to remember)."""
        if dry_run:
            report.previews.append(Preview(kind, team_id, recipient, channel, period, message))
            report.planned[kind] += 1
            return True
        written = outbox.enqueue(
            session=session,
            team_id=team_id,
            recipient=recipient,
            kind=kind,
            period=period,
            channel=channel,
            payload=message,
            now=now,
        )
        if written is None:
            report.already += 1
            return False
        report.planned[kind] += 1
        return True
