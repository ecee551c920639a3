"""Checking a spreadsheet's rows, one at a time: every error is collected with its line and
column, and a row that passes becomes a `Deal` ready to write.

Amounts and dates are read by the parsers of `/opp new`, except that dates in the past are
accepted where history is meant (a won or lost deal's dates, a creation date). Owners are Slack
user ids (`U…`, `<@U…>`) or e-mail addresses the caller has already looked up in Slack.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from commands.context import zone
from commands.deals.new import MAX_ACCOUNT, MAX_FREE, MAX_NEXT_STEP, MAX_TITLE
from commands.errors import DomainError, InvalidInput
from commands.i18n import t
from commands.io.headers import EMAIL, Columns, fold_header, label
from commands.io.spreadsheet import cell_text
from commands.parsing import clean_text, minor_units, parse_amount, parse_close_date, parse_percent
from storage import queries
from storage.models import SalesProcess, Stage, Status, Workspace

MAX_LOST_REASON = 500


STATUS_WORDS: dict[str, Status] = {
    **dict.fromkeys(("open", "ouvert", "ouverte", "en cours", "active", "actif", "in progress",
                     "pending"), Status.OPEN),
    **dict.fromkeys(("won", "win", "gagne", "gagnee", "signe", "signee", "closed won",
                     "ferme gagne", "gagnee signee"), Status.WON),
    **dict.fromkeys(("lost", "lose", "perdu", "perdue", "closed lost", "ferme perdu",
                     "abandonne", "abandonnee"), Status.LOST),
}  # fmt: skip
TRUE_WORDS = frozenset(("oui", "yes", "y", "o", "true", "vrai", "1", "x", "✓", "✔", "ok"))
FALSE_WORDS = frozenset(("non", "no", "n", "false", "faux", "0", "-"))
_USER_ID = re.compile(r"<?@?([UW][A-Z0-9]{2,})(?:\|[^>]*)?>?")


@dataclass(frozen=True)
class RowError:
    line: int
    error: DomainError
    column: str | None = None  # the field, to name it in the message


@dataclass
class Deal:
    line: int
    account: str
    title: str
    amount_minor: int
    status: Status
    stage: Stage
    owner_id: str
    close_date: date
    created_at: datetime
    closed_at: datetime | None
    origin: str | None = None
    product: str | None = None
    next_step: str | None = None
    next_step_date: date | None = None
    lost_reason: str | None = None
    probability_override: int | None = None
    qualification: dict[str, bool] = field(default_factory=dict)


class RowChecker:
    """Checks one row at a time against the workspace; collects every error with its line."""

    def __init__(
        self,
        *,
        session: Session,
        workspace: Workspace,
        columns: Columns,
        emails: Mapping[str, str | None] | None,
        lang: str,
        now: datetime,
    ) -> None:
        self.session = session
        self.workspace = workspace
        self.columns = columns
        self.emails = emails
        self.lang = lang
        self.now = now
        self.tz = zone(workspace.timezone)
        self.today = now.astimezone(self.tz).date()
        self.processes = queries.active_processes(session=session, team_id=workspace.team_id)
        self.dates: dict[tuple[str, bool], date] = {}
        self.errors: list[RowError] = []

    def cell(self, cells: Sequence[Any], name: str) -> Any:
        position = self.columns.index.get(name)
        if position is None or position >= len(cells):
            return None
        value = cells[position]
        return None if value is None or (isinstance(value, str) and not value.strip()) else value

    def text(self, cells: Sequence[Any], name: str) -> str:
        return cell_text(cells, self.columns.index.get(name))

    def fail(self, line: int, name: str | None, error: DomainError) -> None:
        self.errors.append(RowError(line, error, name))

    def free(self, line: int, cells: Sequence[Any], name: str, limit: int) -> str | None:
        try:
            return clean_text(self.text(cells, name), max_len=limit, single_line=True) or None
        except DomainError as error:
            self.fail(line, name, error)
            return None

    def check(self, line: int, cells: Sequence[Any]) -> Deal | None:
        before = len(self.errors)
        values: dict[str, Any] = {}
        for name, limit in (("account", MAX_ACCOUNT), ("title", MAX_TITLE)):
            values[name] = self.free(line, cells, name, limit)
            if not values[name] and not self.has_error_since(before, (name,)):
                self.fail(
                    line, name, InvalidInput("import.required", column=label(name, self.lang))
                )
        amount = self.amount(line, cells)
        status = self.status(line, cells)
        process = self.process(line, cells)
        stage = self.stage(line, cells, process, status) if process is not None else None
        owner = self.owner(line, cells)
        created_day = self.day(line, cells, "created", past=True)
        closed_day = self.day(line, cells, "closed", past=True)
        is_closed = status in (Status.WON, Status.LOST)
        close_day = self.day(line, cells, "close_date", past=is_closed)
        if is_closed:
            closed_day = closed_day or close_day
            close_day = close_day or closed_day
            if closed_day is None and not self.has_error_since(before, ("closed", "close_date")):
                self.fail(line, "closed", InvalidInput("import.closed_date_required"))
        else:
            if closed_day is not None:
                self.fail(line, "closed", InvalidInput("import.closed_but_open", date=closed_day))
            if close_day is None and not self.has_error_since(before, ("close_date",)):
                self.fail(
                    line,
                    "close_date",
                    InvalidInput("import.required", column=label("close_date", self.lang)),
                )
        if created_day and closed_day and closed_day < created_day:
            self.fail(
                line,
                "closed",
                InvalidInput(
                    "import.closed_before_created",
                    closed=closed_day.isoformat(),
                    created=created_day.isoformat(),
                ),
            )
        origin = self.free(line, cells, "origin", MAX_FREE)
        product = self.free(line, cells, "product", MAX_FREE)
        next_step = self.free(line, cells, "next_step", MAX_NEXT_STEP)
        next_step_date = self.day(line, cells, "next_step_date", past=True, future=True)
        lost_reason = self.free(line, cells, "lost_reason", MAX_LOST_REASON)
        override = self.probability(line, cells)
        qualification = {
            name: self.boolean(line, cells, name)
            for name in ("need", "answer", "blockers", "meeting")
        }
        if len(self.errors) > before:
            return None
        assert amount is not None and status is not None and stage is not None
        assert owner is not None and close_day is not None
        closed_at = self.moment(closed_day) if is_closed and closed_day else None
        # Without a creation date, a historic deal was created when it closed, a new one now.
        created_at = (
            self.moment(created_day)
            if created_day
            else (closed_at if closed_at is not None else self.now)
        )
        if closed_at is not None:
            created_at = min(created_at, closed_at)
        return Deal(
            line=line,
            account=values["account"],
            title=values["title"],
            amount_minor=amount,
            status=status,
            stage=stage,
            owner_id=owner,
            close_date=close_day,
            created_at=created_at,
            closed_at=closed_at,
            origin=origin,
            product=product,
            next_step=next_step,
            next_step_date=next_step_date,
            lost_reason=lost_reason if status == Status.LOST else None,
            probability_override=override,
            qualification={k: bool(v) for k, v in qualification.items()},
        )

    def has_error_since(self, before: int, names: tuple[str, ...]) -> bool:
        return any(e.column in names for e in self.errors[before:])

    def moment(self, day: date) -> datetime:
        """A day of the spreadsheet as a moment: its noon in the workspace's time zone (never
        later than now: today's noon may not have come yet)."""
        return min(datetime.combine(day, time(12), self.tz).astimezone(UTC), self.now)

    def amount(self, line: int, cells: Sequence[Any]) -> int | None:
        value = self.cell(cells, "amount")
        try:
            if value is None:
                raise InvalidInput("import.required", column=label("amount", self.lang))
            currency = self.text(cells, "currency").upper() or None
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                minor = minor_units(Decimal(str(value)), str(value))
            else:
                parsed = parse_amount(clean_text(str(value), max_len=40))
                minor, currency = parsed.minor, parsed.currency or currency
            if currency is not None and currency != self.workspace.currency:
                raise InvalidInput(
                    "opp.currency_mismatch", typed=currency, currency=self.workspace.currency
                )
            return minor
        except (DomainError, InvalidOperation) as error:
            if not isinstance(error, DomainError):
                error = InvalidInput("parse.amount_invalid", text=str(value)[:60])
            self.fail(line, "amount", error)
            return None

    def status(self, line: int, cells: Sequence[Any]) -> Status | None:
        text = self.text(cells, "status")
        if not text:
            return Status.OPEN
        status = STATUS_WORDS.get(fold_header(text))
        if status is None:
            self.fail(line, "status", InvalidInput("import.status_invalid", text=text[:60]))
        return status

    def process(self, line: int, cells: Sequence[Any]) -> SalesProcess | None:
        text = self.text(cells, "process")
        if not text:
            if not self.processes:
                self.fail(line, "process", InvalidInput("opp.no_process"))
                return None
            return self.processes[0]
        wanted = queries.name_key(text)
        for process in self.processes:
            if process.name_key == wanted:
                return process
        self.fail(
            line,
            "process",
            InvalidInput(
                "import.process_unknown",
                text=text[:80],
                processes=", ".join(p.name for p in self.processes),
            ),
        )
        return None

    def stage(
        self, line: int, cells: Sequence[Any], process: SalesProcess, status: Status | None
    ) -> Stage | None:
        stages = queries.live_stages(process)
        text = self.text(cells, "stage")
        if not text:
            if not stages:
                self.fail(line, "stage", InvalidInput("opp.no_process"))
                return None
            # A won deal went through the whole process; others start at the beginning.
            return stages[-1] if status == Status.WON else stages[0]
        wanted = queries.name_key(text)
        for stage in stages:
            if queries.name_key(stage.name) == wanted:
                return stage
        if text.isdigit() and 1 <= int(text) <= len(stages):
            return stages[int(text) - 1]
        self.fail(
            line,
            "stage",
            InvalidInput(
                "import.stage_unknown",
                text=text[:80],
                process=process.name,
                stages=", ".join(s.name for s in stages),
            ),
        )
        return None

    def owner(self, line: int, cells: Sequence[Any]) -> str | None:
        text = self.text(cells, "owner")
        if not text:
            self.fail(
                line, "owner", InvalidInput("import.required", column=label("owner", self.lang))
            )
            return None
        if match := _USER_ID.fullmatch(text):
            return match.group(1)
        if EMAIL.fullmatch(text):
            if self.emails is None:
                self.fail(line, "owner", InvalidInput("import.owner_email_needs_token", text=text))
                return None
            user_id = self.emails.get(text.lower())
            if user_id is None:
                self.fail(line, "owner", InvalidInput("import.owner_email_unknown", text=text))
            return user_id
        self.fail(line, "owner", InvalidInput("import.owner_invalid", text=text[:60]))
        return None

    def day(
        self,
        line: int,
        cells: Sequence[Any],
        name: str,
        *,
        past: bool,
        future: bool | None = None,
    ) -> date | None:
        """A date cell, read like `/opp new`'s close date; `past` lets history in. Dates in the
        past are refused unless `past`; in the future, refused when they record what happened
        (`past` and not `future`)."""
        value = self.cell(cells, name)
        if value is None:
            return None
        field_label = label(name, self.lang)
        if future is None:
            future = not past
        if isinstance(value, datetime):
            day = value.date()
        elif isinstance(value, date):
            day = value
        else:
            text = self.text(cells, name)
            key = (text, past)
            cached = self.dates.get(key)
            if cached is None:
                try:
                    cached = read_date(text, today=self.today, past=past)
                except DomainError as error:
                    self.fail(
                        line,
                        name,
                        InvalidInput(
                            "import.cell_error",
                            column=field_label,
                            message=_message(error, self.lang),
                        ),
                    )
                    return None
                self.dates[key] = cached
            day = cached
        if day < self.today and not past:
            self.fail(
                line,
                name,
                InvalidInput(
                    "import.cell_error",
                    column=field_label,
                    message=_message(
                        InvalidInput("parse.date_past", text=str(value)[:60], date=day.isoformat()),
                        self.lang,
                    ),
                ),
            )
            return None
        if day > self.today and not future:
            self.fail(line, name, InvalidInput("import.date_future", column=field_label, date=day))
            return None
        return day

    def probability(self, line: int, cells: Sequence[Any]) -> int | None:
        name = (
            "probability_override"
            if "probability_override" in self.columns.index
            else ("probability")
        )
        value = self.cell(cells, name)
        if value is None:
            return None
        text = self.text(cells, name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            if isinstance(value, float) and 0 < value < 1:  # an Excel percent cell: 0.6 is 60 %
                value = value * 100
            # Positional, as parse_percent reads it: a float's repr may be "1e-05".
            text = format(Decimal(str(value)), "f")
        percent = parse_percent(text)
        if percent is None:
            written = self.text(cells, name)
            self.fail(line, name, InvalidInput("import.probability_invalid", text=written[:20]))
        return percent

    def boolean(self, line: int, cells: Sequence[Any], name: str) -> bool:
        value = self.cell(cells, name)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        word = fold_header(self.text(cells, name)) or self.text(cells, name)
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        self.fail(
            line,
            name,
            InvalidInput("import.bool_invalid", column=label(name, self.lang), text=str(value)),
        )
        return False


def read_date(text: str, *, today: date, past: bool) -> date:
    """`/opp new`'s date reading; with `past`, a date it refuses only for being past is kept.

    ISO timestamps (what `/opp export` writes for times, in UTC) are read first."""
    if len(text) > 10 and text[10] in "T " and text[:4].isdigit():
        try:
            return datetime.fromisoformat(text).astimezone(UTC).date()
        except ValueError:
            pass
    try:
        return parse_close_date(text, today=today)
    except InvalidInput as error:
        if past and error.key == "parse.date_past":
            return date.fromisoformat(str(error.params["date"]))
        raise


def _message(error: DomainError, lang: str) -> str:
    return t(lang, error.key, **error.params)
