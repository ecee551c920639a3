"""Checking a spreadsheet's rows, one at a time: every error is collected with its line and
column, and a row that passes becomes a `Deal` ready to write.

Amounts are read by the parser of `/opp new`, dates as exports write them (`dates`). Past dates
are accepted where history is meant (a won or lost deal's dates, a creation date) and for an
open deal's close date: such a deal is overdue, which every CRM export has. Owners are Slack
user ids (`U…`, `<@U…>`) or e-mail addresses the caller has already looked up in Slack. A stage
named like a closed status sets the status (`stages`); a deal in another currency than the
workspace's is refused, or left out and counted when the import skips them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from commands.context import zone
from commands.deals.new import MAX_ACCOUNT, MAX_FREE, MAX_NEXT_STEP, MAX_TITLE
from commands.errors import DomainError, InvalidInput
from commands.i18n import t
from commands.io.dates import DateReader
from commands.io.headers import EMAIL, USER_ID, Columns, fold_header, label
from commands.io.money import read_amount, row_currency
from commands.io.owners import NameIndex, owner_by_name
from commands.io.spreadsheet import cell_text
from commands.io.stages import Catalog, stage_status
from commands.parsing import MAX_YEARS_AHEAD, clean_text, parse_percent
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
        workspace: Workspace,
        columns: Columns,
        catalog: Catalog,
        dates: DateReader,
        emails: Mapping[str, str | None] | None,
        lang: str,
        names: NameIndex | None = None,
        now: datetime,
        skip_other_currencies: bool = False,
    ) -> None:
        self.workspace = workspace
        self.columns = columns
        self.catalog = catalog
        self.dates = dates
        self.emails = emails
        self.names = names  # folded member name -> their user ids; None: Slack not asked
        self.by_name: dict[str, str] = {}  # owner cell -> the one member it names
        self.lang = lang
        self.now = now
        self.skip_other_currencies = skip_other_currencies
        self.tz = zone(workspace.timezone)
        self.today = now.astimezone(self.tz).date()
        self.latest = _years_later(self.today, MAX_YEARS_AHEAD)
        self.errors: list[RowError] = []
        self.skipped: dict[str, int] = {}  # rows left out, by currency

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
        if self.other_currency(cells):
            return None
        before = len(self.errors)
        values: dict[str, Any] = {}
        for name, limit in (("account", MAX_ACCOUNT), ("title", MAX_TITLE)):
            values[name] = self.free(line, cells, name, limit)
            if not values[name] and not self.has_error_since(before, (name,)):
                self.fail(
                    line, name, InvalidInput("import.required", column=label(name, self.lang))
                )
        lost_reason = self.free(line, cells, "lost_reason", MAX_LOST_REASON)
        status = self.status(line, cells, lost_reason)
        amount = self.amount(line, cells, status)
        process = self.process(line, cells)
        stage = self.stage(line, cells, process, status) if process is not None else None
        owner = self.owner(line, cells)
        created_day = self.day(line, cells, "created", past=True)
        closed_day = self.day(line, cells, "closed", past=True)
        if status in (Status.WON, Status.LOST):
            own = "won_date" if status == Status.WON else "lost_date"
            closed_day = closed_day or self.day(line, cells, own, past=True)
        is_closed = status in (Status.WON, Status.LOST)
        # A closed deal's close date is when it closed unless the file says when: not to come.
        future = not is_closed or closed_day is not None
        close_day = self.day(line, cells, "close_date", past=True, future=future)
        if is_closed:
            closed_day = closed_day or close_day
            close_day = close_day or closed_day
            if closed_day is None and not self.has_error_since(
                before, ("closed", "close_date", "won_date", "lost_date")
            ):
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
        override = self.probability(line, cells, stage)
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

    def other_currency(self, cells: Sequence[Any]) -> bool:
        """Whether the row is left out for its currency (counted in `skipped`)."""
        if not self.skip_other_currencies:
            return False
        code = row_currency(self.cell(cells, "amount"), self.text(cells, "currency"))
        if code is None or code == self.workspace.currency:
            return False
        self.skipped[code] = self.skipped.get(code, 0) + 1
        return True

    def amount(self, line: int, cells: Sequence[Any], status: Status | None) -> int | None:
        value = self.cell(cells, "amount")
        if value is None:
            if status == Status.LOST:
                return 0  # CRMs leave lost deals' amounts empty: still a loss to count
            self.fail(
                line, "amount", InvalidInput("import.required", column=label("amount", self.lang))
            )
            return None
        try:
            return read_amount(value, self.text(cells, "currency"), self.workspace.currency)
        except DomainError as error:
            self.fail(line, "amount", error)
            return None

    def status(self, line: int, cells: Sequence[Any], lost_reason: str | None) -> Status | None:
        """The status column's, else the one a closed stage names; without either, a deal
        with a lost reason and no status column is lost (Odoo's lost deals carry only that)."""
        text = self.text(cells, "status")
        stage_text = self.text(cells, "stage")
        from_stage = stage_status(stage_text) if stage_text else None
        if not text:
            if from_stage is not None:
                return from_stage
            if lost_reason and "status" not in self.columns.index:
                return Status.LOST
            return Status.OPEN
        status = STATUS_WORDS.get(fold_header(text))
        if status is None:
            self.fail(line, "status", InvalidInput("import.status_invalid", text=text[:60]))
        elif from_stage is not None and from_stage != status:
            self.fail(
                line,
                "stage",
                InvalidInput("import.stage_status_conflict", status=text[:40], stage=stage_text),
            )
        return status

    def process(self, line: int, cells: Sequence[Any]) -> SalesProcess | None:
        text = self.text(cells, "process")
        process = self.catalog.process(text)
        if process is not None:
            return process
        if not text:
            self.fail(line, "process", InvalidInput("opp.no_process"))
            return None
        self.fail(
            line,
            "process",
            InvalidInput(
                "import.process_unknown",
                text=text[:80],
                processes=", ".join(p.name for p in self.catalog.processes),
            ),
        )
        return None

    def stage(
        self, line: int, cells: Sequence[Any], process: SalesProcess, status: Status | None
    ) -> Stage | None:
        stages = self.catalog.stages.get(process.name_key, [])
        text = self.text(cells, "stage")
        if not text or stage_status(text) is not None:
            if not stages:
                self.fail(line, "stage", InvalidInput("opp.no_process"))
                return None
            # A won deal went through the whole process; others start at the beginning.
            return stages[-1] if status == Status.WON else stages[0]
        found = self.catalog.stage(process, text)
        if found is None:
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
        return found

    def owner(self, line: int, cells: Sequence[Any]) -> str | None:
        text = self.text(cells, "owner")
        if not text:
            self.fail(
                line, "owner", InvalidInput("import.required", column=label("owner", self.lang))
            )
            return None
        if match := USER_ID.fullmatch(text):
            return match.group(1)
        if EMAIL.fullmatch(text):
            if self.emails is None:
                self.fail(line, "owner", InvalidInput("import.owner_email_needs_token", text=text))
                return None
            user_id = self.emails.get(text.lower())
            if user_id is None:
                self.fail(line, "owner", InvalidInput("import.owner_email_unknown", text=text))
            return user_id
        try:  # by name, as CRMs export it
            user_id = self.by_name[text] = owner_by_name(self.names, text)
        except InvalidInput as error:
            self.fail(line, "owner", error)
            return None
        return user_id

    def day(
        self,
        line: int,
        cells: Sequence[Any],
        name: str,
        *,
        past: bool,
        future: bool | None = None,
    ) -> date | None:
        """A date cell. Past dates are refused unless `past`; future ones, when they record
        what happened (`past` and not `future`); none further than `/opp new` allows."""
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
            try:
                day = self.dates.read(self.text(cells, name))
            except DomainError as error:
                self.fail(
                    line,
                    name,
                    InvalidInput(
                        "import.cell_error", column=field_label, message=_message(error, self.lang)
                    ),
                )
                return None
        refusal: DomainError | None = None
        text = str(value)[:60]
        if day < self.today and not past:
            refusal = InvalidInput("parse.date_past", text=text, date=day.isoformat())
        elif day > self.latest and future:
            refusal = InvalidInput(
                "parse.date_too_far", text=text, date=day.isoformat(), years=MAX_YEARS_AHEAD
            )
        if refusal is not None:
            self.fail(
                line,
                name,
                InvalidInput(
                    "import.cell_error", column=field_label, message=_message(refusal, self.lang)
                ),
            )
            return None
        if day > self.today and not future:
            self.fail(line, name, InvalidInput("import.date_future", column=field_label, date=day))
            return None
        return day

    def probability(self, line: int, cells: Sequence[Any], stage: Stage | None) -> int | None:
        """The deal's own probability. A recognised CRM's probability column is its stage's:
        it overrides the stage's here only where it differs."""
        name = (
            "probability_override"
            if "probability_override" in self.columns.index
            else "probability"
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
        elif (
            name == "probability"
            and self.columns.source is not None
            and (stage is None or stage.probability == percent)
        ):
            return None
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


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _message(error: DomainError, lang: str) -> str:
    return t(lang, error.key, **error.params)
