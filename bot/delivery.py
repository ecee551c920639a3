"""Delivering the outbox to Slack: each message once, none lost.

Sender threads claim due rows (`storage.outbox.claim`), post them, and record Slack's answer
(its `ts`) in one step. Slack's refusals are sorted by what they tell us:
- 429: certainly not posted; the row waits `Retry-After` seconds (not counted as an attempt);
- 5xx, a transport error or a timeout: maybe posted; retried with exponential backoff, and
  marked *uncertain*;
- any other error (`channel_not_found`, `invalid_blocks`…): given up at once, logged, and listed
  by `/salesbot outbox`.
An attempt that is uncertain — or a row whose worker died (kill -9) or hung past its lease —
is never posted blindly: every post carries the row's id in the message `metadata`
(event type `salesbot_outbox`), and the channel's history since the first attempt is searched
for it first. Found, it is recorded as sent; not found, it is posted. A worker only posts
while its lease has room for the whole call, so no one else can be searching meanwhile.
After `max_attempts` counted attempts, the row is given up.
"""

from __future__ import annotations

import base64
import logging
import socket
import threading
import time
import urllib.error
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any, cast

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from storage import outbox
from storage.db import Database
from storage.outbox import Claimed

log = logging.getLogger(__name__)

EVENT_TYPE = "salesbot_outbox"
TRANSPORT_ERRORS = (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError)
# Slack's own words for "try again later" on a 200 answer.
TRANSIENT = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout"})
LEASE_SHORT = "lease too short to post"


@dataclass(frozen=True)
class DeliveryConfig:
    lease: timedelta = timedelta(minutes=2)
    http_timeout: float = 10.0
    max_attempts: int = 5
    batch: int = 10
    senders: int = 4
    backoff: float = 2.0  # seconds before the first retry, doubled each time
    max_backoff: float = 900.0
    history_pages: int = 5

    def __post_init__(self) -> None:
        if self.lease.total_seconds() < 3 * self.http_timeout:
            raise ValueError("the lease must leave room for at least three Slack calls")


@dataclass
class DeliveryReport:
    sent: int = 0
    recovered: int = 0  # found in the channel's history: already posted, not posted again
    rate_limited: int = 0
    retried: int = 0
    failed: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, name: str) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)


class _Retry(Exception):
    """Not this time: the row goes back to pending."""

    def __init__(self, error: str, *, after: float, uncertain: bool, counted: bool) -> None:
        super().__init__(error)
        self.error = error
        self.after = after
        self.uncertain = uncertain
        self.counted = counted


class _GiveUp(Exception):
    """A refusal that will not change by retrying."""


class Deliverer:
    """Sends what the outbox holds, with `senders` threads; safe to run in several processes."""

    def __init__(
        self,
        db: Database,
        client: WebClient,
        *,
        worker: str,
        clock: Callable[[], datetime],
        config: DeliveryConfig | None = None,
    ) -> None:
        self.db = db
        self.client = client
        self.worker = worker
        self.clock = clock
        self.config = config or DeliveryConfig()

    @staticmethod
    def make_client(token: str, base_url: str, config: DeliveryConfig) -> WebClient:
        # No retry handlers: the outbox decides about retries, with what it knows.
        timeout = cast(int, config.http_timeout)  # typed int, but urllib takes a float
        return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=[])

    def run(
        self,
        *,
        kinds: Sequence[str] | None = None,
        budget: float | None = None,
        stop: threading.Event | None = None,
    ) -> DeliveryReport:
        """Deliver until nothing is due within `budget` seconds (None: until nothing is left)."""
        report = DeliveryReport()
        deadline = None if budget is None else time.monotonic() + budget
        threads = [
            threading.Thread(
                target=self._sender,
                args=(report, kinds, deadline, stop),
                name=f"outbox-{index}",
                daemon=True,
            )
            for index in range(self.config.senders)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return report

    def _sender(
        self,
        report: DeliveryReport,
        kinds: Sequence[str] | None,
        deadline: float | None,
        stop: threading.Event | None,
    ) -> None:
        while not (stop is not None and stop.is_set()):
            if deadline is not None and time.monotonic() >= deadline:
                return
            with self.db.transaction() as session:
                rows = outbox.claim(
                    session=session,
                    worker=self.worker,
                    now=self.clock(),
                    lease=self.config.lease,
                    limit=self.config.batch,
                    kinds=kinds,
                )
            for row in rows:
                self.deliver(row, report)
            if rows:
                continue
            wait = self._next_due(kinds)
            if wait is None:
                return
            if deadline is not None and time.monotonic() + wait > deadline:
                return
            time.sleep(min(max(wait, 0.05), 0.2))  # siblings may be finishing their rows

    def _next_due(self, kinds: Sequence[str] | None) -> float | None:
        """Seconds until the next pending (or leased) row is due; None when none is left."""
        with self.db.reading() as session:
            due = outbox.next_due(session=session, kinds=kinds)
        if due is None:
            return None
        if due.tzinfo is None:  # min() comes back naive on SQLite
            due = due.replace(tzinfo=self.clock().tzinfo)
        return max(0.0, (due - self.clock()).total_seconds())

    # --- one row ------------------------------------------------------------------------------

    def deliver(self, row: Claimed, report: DeliveryReport) -> None:
        try:
            self._deliver(row, report)
        except _Retry as retry:
            self._retry(row, retry, report)
        except _GiveUp as give_up:
            self._fail(row, str(give_up), report)

    def _deliver(self, row: Claimed, report: DeliveryReport) -> None:
        payload = row.payload
        file = payload.get("file")
        ts, channel_id = row.ts, row.channel_id
        if ts is None:
            found = self._find(row, lambda m: _is_ours(m, row.id)) if row.uncertain else None
            if found is not None:
                channel_id, ts = found
                report.add("recovered")
                log.info("outbox %s was already posted (%s); not posting it again", row.id, ts)
            else:
                self._check_lease(row)
                answer = self._call(
                    lambda: self.client.chat_postMessage(
                        channel=row.channel,
                        text=payload.get("text", ""),
                        blocks=payload.get("blocks"),
                        metadata={"event_type": EVENT_TYPE, "event_payload": {"outbox_id": row.id}},
                        unfurl_links=False,
                        unfurl_media=False,
                    )
                )
                channel_id, ts = str(answer["channel"]), str(answer["ts"])
                report.add("sent")
            with self.db.transaction() as session:
                mine = outbox.record_posted(
                    session=session,
                    message_id=row.id,
                    worker=self.worker,
                    ts=ts,
                    channel_id=channel_id,
                    now=self.clock(),
                    finished=file is None,
                )
            if not mine:
                log.warning("outbox %s: lease lost while posting; the next worker finds it", row.id)
                return
            if file is None:
                return
            row = replace(row, ts=ts, channel_id=channel_id, uncertain=False)
        if file is not None:
            self._attach(row, file, report)

    def _attach(self, row: Claimed, file: dict[str, Any], report: DeliveryReport) -> None:
        """The message's file (a digest's chart), uploaded after it; once as well."""
        filename = f"{file.get('prefix', 'file')}-{row.id}.png"
        channel_id = row.channel_id or row.channel
        if row.uncertain and self._find(row, lambda m: _has_file(m, filename)) is not None:
            report.add("recovered")
        else:
            self._check_lease(row)
            self._call(
                lambda: self.client.files_upload_v2(
                    channel=channel_id,
                    content=base64.b64decode(file["b64"]),
                    filename=filename,
                    title=file.get("title") or filename,
                    initial_comment=file.get("comment") or None,
                )
            )
        with self.db.transaction() as session:
            outbox.record_posted(
                session=session,
                message_id=row.id,
                worker=self.worker,
                ts=row.ts or "",
                channel_id=channel_id,
                now=self.clock(),
                finished=True,
            )

    def _check_lease(self, row: Claimed) -> None:
        """Post only if the call ends before the lease does: then no one else is looking."""
        left = (row.lease_until - self.clock()).total_seconds()
        if left < 2 * self.config.http_timeout:
            raise _Retry(LEASE_SHORT, after=0, uncertain=False, counted=False)

    def _call(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except SlackApiError as error:
            raise self._classify(error) from error
        except TRANSPORT_ERRORS as error:
            raise _Retry(
                f"transport: {type(error).__name__}: {error}"[:200],
                after=-1,
                uncertain=True,
                counted=True,
            ) from error

    def _classify(self, error: SlackApiError) -> Exception:
        response = error.response
        status = int(response.status_code)
        code = str(response.get("error") or f"http_{status}")
        if status == 429:
            retry_after = _retry_after(response.headers)
            return _Retry("ratelimited", after=retry_after, uncertain=False, counted=False)
        if status >= 500 or code in TRANSIENT:
            return _Retry(code, after=-1, uncertain=True, counted=True)
        return _GiveUp(code)

    def _find(
        self, row: Claimed, match: Callable[[dict[str, Any]], bool]
    ) -> tuple[str, str] | None:
        """(channel id, ts) of the message `match` finds in the channel since the first attempt."""
        channel_id = row.channel_id or self._channel_id(row.channel)
        oldest = f"{row.first_attempt_at.timestamp() - 60:.6f}"
        cursor: str | None = None
        for _ in range(self.config.history_pages):
            page = self._call(partial(self._history, channel_id, oldest, cursor))
            for message in page.get("messages") or []:
                if isinstance(message, dict) and match(message):
                    return channel_id, str(message.get("ts"))
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
        return None

    def _history(self, channel_id: str, oldest: str, cursor: str | None) -> Any:
        return self.client.conversations_history(
            channel=channel_id, oldest=oldest, limit=200, include_all_metadata=True, cursor=cursor
        )

    def _channel_id(self, channel: str) -> str:
        """A DM's channel id (history needs it; posting accepts the user id)."""
        if channel[:1] not in ("U", "W"):
            return channel
        answer = self._call(lambda: self.client.conversations_open(users=channel))
        return str(answer["channel"]["id"])

    # --- outcomes -----------------------------------------------------------------------------

    def _retry(self, row: Claimed, retry: _Retry, report: DeliveryReport) -> None:
        attempts = row.attempts + (1 if retry.counted else 0)
        if retry.counted and attempts >= self.config.max_attempts:
            self._fail(row, f"{retry.error} (after {attempts} attempts)", report, attempts)
            return
        if retry.after >= 0:
            wait = retry.after
        else:
            wait = min(self.config.backoff * 2 ** max(attempts - 1, 0), self.config.max_backoff)
        if retry.error == "ratelimited":
            report.add("rate_limited")
        elif retry.error == LEASE_SHORT:
            pass  # released unsent, for a worker with a fresh lease: not a failure
        else:
            report.add("retried")
            log.info("outbox %s: %s; retrying in %.0f s", row.id, retry.error, wait)
        with self.db.transaction() as session:
            outbox.record_retry(
                session=session,
                message_id=row.id,
                worker=self.worker,
                due_at=self.clock() + timedelta(seconds=wait),
                error=retry.error,
                uncertain=retry.uncertain or row.uncertain,
                count_attempt=retry.counted,
            )

    def _fail(
        self, row: Claimed, error: str, report: DeliveryReport, attempts: int | None = None
    ) -> None:
        report.add("failed")
        log.error(
            "outbox %s (%s for %s, %s) given up: %s",
            row.id,
            row.kind,
            row.recipient,
            row.period,
            error,
        )
        with self.db.transaction() as session:
            outbox.record_failed(
                session=session,
                message_id=row.id,
                worker=self.worker,
                error=error,
                attempts=attempts,
            )


# What `deliver_soon` sends with: a short run, so a listener thread is never held.
SOON = DeliveryConfig(lease=timedelta(seconds=30), http_timeout=5.0, senders=1)
SOON_BUDGET = 30.0  # seconds: long enough to wait out a Retry-After or two


def deliver_soon(
    db: Database,
    *,
    token: str | None,
    base_url: str,
    clock: Callable[[], datetime],
    kinds: Sequence[str],
) -> threading.Thread | None:
    """Deliver the outbox's rows of `kinds` now, on a background thread, rather than at the
    next tick (a win is announced when it happens). What this run cannot send in its budget
    stays pending for the scheduler's tick; without a token (tests, the console's unit
    checks) nothing is started."""
    if not token:
        return None
    deliverer = Deliverer(
        db,
        Deliverer.make_client(token, base_url, SOON),
        worker=f"soon:{threading.get_ident()}",
        clock=clock,
        config=SOON,
    )
    thread = threading.Thread(
        target=deliverer.run,
        kwargs={"kinds": kinds, "budget": SOON_BUDGET},
        name="outbox-soon",
        daemon=True,
    )
    thread.start()
    return thread


def _is_ours(message: dict[str, Any], outbox_id: int) -> bool:
    metadata = message.get("metadata") or {}
    if not isinstance(metadata, dict) or metadata.get("event_type") != EVENT_TYPE:
        return False
    payload = metadata.get("event_payload") or {}
    return isinstance(payload, dict) and str(payload.get("outbox_id")) == str(outbox_id)


def _has_file(message: dict[str, Any], filename: str) -> bool:
    files = message.get("files") or []
    return any(isinstance(f, dict) and f.get("name") == filename for f in files)


def _retry_after(headers: dict[str, Any]) -> float:
    for name in ("Retry-After", "retry-after"):
        value = headers.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if value is not None:
            try:
                return max(float(value), 1.0)
            except ValueError:
                break
    return 1.0
