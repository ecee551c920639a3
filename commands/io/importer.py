"""`salesbot import <file.csv|file.xlsx> --team T… [--dry-run]`: deals in from a spreadsheet.

Columns are matched by header, in French or English, whatever the case, accents or punctuation
("Date de signature", "close_date", "CLOSE DATE (€)"…); unknown columns are ignored and named.
Every row is checked before anything is written and every error is reported with its line
number; one error and nothing is imported. Amounts and dates are read by the parsers of
`/opp new`, except that dates in the past are accepted where history is meant (a won or lost
deal's dates, a creation date). Owners are Slack user ids (`U…`, `<@U…>`) or e-mail addresses
the caller has already looked up in Slack (`emails`); unknown accounts and members are created.

Each deal gets the next `#N` of the workspace and the history it had: a "created" row at its
creation date and, when won or lost, a status row at its closing date, so the analytics start
with real history. The created row is marked `from_value="import"`: the length of that first
stay is unknown, so days-in-stage leave it out.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from commands.context import zone
from commands.deals.new import MAX_ACCOUNT, MAX_FREE, MAX_NEXT_STEP, MAX_TITLE
from commands.errors import DomainError, InvalidInput
from commands.i18n import t
from commands.parsing import clean_text, minor_units, parse_amount, parse_close_date
from commands.workspace import ensure_member
from storage import queries, stays, tallies
from storage.analytics import IMPORTED
from storage.models import (
    Account,
    Base,
    ChangeKind,
    Member,
    Opportunity,
    SalesProcess,
    Stage,
    StageChange,
    Status,
    Workspace,
)

MAX_ERRORS_SHOWN = 50
MAX_LOST_REASON = 500
BATCH = 5_000

# Field → the headers that mean it, folded (no case, accents or punctuation).
FIELDS: dict[str, tuple[str, ...]] = {
    "account": ("compte", "account", "client", "customer", "societe", "entreprise", "company",
                "prospect", "account name", "nom du compte", "raison sociale"),
    "title": ("objet", "title", "titre", "intitule", "affaire", "opportunite", "opportunity",
              "opportunity name", "nom de l opportunite", "deal", "deal name", "subject", "sujet",
              "ce qui est vendu"),
    "amount": ("montant", "amount", "valeur", "value", "montant ht", "amount ht", "prix", "price",
               "total", "deal value", "ca"),
    "currency": ("devise", "currency", "monnaie"),
    "close_date": ("signature", "date de signature", "date de signature prevue", "close date",
                   "closing date", "expected close date", "date de cloture prevue", "echeance",
                   "close", "date signature", "signing date"),
    "stage": ("etape", "stage", "phase", "deal stage", "etape commerciale"),
    "process": ("processus", "process", "pipeline", "processus commercial", "sales process"),
    "owner": ("commercial", "owner", "email", "e mail", "courriel", "proprietaire", "vendeur",
              "rep", "sales rep", "responsable", "owner email", "owner id", "email du commercial",
              "user", "utilisateur", "deal owner"),
    "status": ("statut", "status", "etat", "state", "resultat", "outcome"),
    "origin": ("origine", "origin", "source", "lead source", "canal", "channel",
               "source du lead"),
    "product": ("produit", "product", "famille", "famille de produit", "product family", "gamme",
                "categorie", "category", "famille produit"),
    "created": ("cree le", "creee le", "created", "created at", "created date", "creation",
                "date de creation", "date creation", "created on", "creation date"),
    "closed": ("cloture le", "cloturee le", "closed", "closed at", "closed date", "closed on",
               "date de cloture", "date cloture", "won date", "lost date", "date de fin"),
    "lost_reason": ("raison de la perte", "motif de perte", "raison perte", "lost reason",
                    "loss reason", "reason lost", "motif"),
    "next_step": ("prochaine etape", "next step", "prochaine action", "next action", "action"),
    "next_step_date": ("date de la prochaine etape", "date prochaine etape", "next step date",
                       "date de relance", "relance", "next action date"),
    "probability": ("probabilite", "probability", "proba", "chance", "win probability"),
    "probability_override": ("probabilite forcee", "probability override"),
    "need": ("besoin exprime", "need expressed", "besoin", "need"),
    "answer": ("nous savons repondre", "we can answer", "on sait repondre", "can answer"),
    "blockers": ("freins leves", "blockers lifted", "freins", "blockers"),
    "meeting": ("rendez vous planifie", "meeting planned", "rdv planifie", "rdv", "meeting"),
    # Read so that an export imports back cleanly; the values themselves are not used.
    "number": ("numero", "number", "n", "no", "id", "deal id"),
}  # fmt: skip
REQUIRED = ("account", "title", "amount", "owner")
# A field is named in messages by its export header (the export's column names).
_EXPORT_COLUMN = {"created": "created_at", "closed": "closed_at"}


def label(field_name: str, lang: str) -> str:
    return t(lang, f"export.col_{_EXPORT_COLUMN.get(field_name, field_name)}")


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
_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")
_PARENTHESES = re.compile(r"\([^)]*\)")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold_header(header: str) -> str:
    """ "Date de signature (prévue)" → "date de signature": what a header is matched on."""
    key = queries.name_key(_PARENTHESES.sub(" ", header))
    return " ".join(_NOT_WORD.sub(" ", key).split())


_HEADERS = {name: field for field, names in FIELDS.items() for name in names}


# --- reading the file ---------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (line number in the file, cells)


class Unreadable(Exception):
    """The file cannot be read as a table; the message says why."""


def read_table(path: Path) -> Table:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raise InvalidInput("import.format", path=str(path))


def _read_csv(path: Path) -> Table:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise Unreadable(str(error)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    first = text.split("\n", 1)[0]
    # The delimiter the header line uses most: "," or Excel's ";" (French) or a tab.
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader, [])
        rows: list[tuple[int, list[Any]]] = []
        line = reader.line_num + 1
        for cells in reader:
            rows.append((line, list(cells)))
            line = reader.line_num + 1
    except csv.Error as error:
        raise Unreadable(f"line {reader.line_num}: {error}") from None
    return Table([h.strip() for h in headers], rows)


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (
        Exception
    ) as error:  # openpyxl raises many kinds for a broken file: all mean "unreadable"
        raise Unreadable(str(error)) from None
    try:
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        headers = ["" if h is None else str(h).strip() for h in next(lines, ())]
        rows = [(index, list(cells)) for index, cells in enumerate(lines, start=2)]
    finally:
        book.close()
    return Table(headers, rows)


# --- headers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Columns:
    index: dict[str, int]  # field → column
    matched: dict[str, str]  # field → header as written
    ignored: tuple[str, ...]
    errors: tuple[DomainError, ...]


def match_headers(headers: Sequence[str], lang: str) -> Columns:
    index: dict[str, int] = {}
    matched: dict[str, str] = {}
    ignored: list[str] = []
    errors: list[DomainError] = []
    for position, header in enumerate(headers):
        field_name = _HEADERS.get(fold_header(header))
        if field_name is None:
            if header:
                ignored.append(header)
            continue
        if field_name in index:
            errors.append(
                InvalidInput(
                    "import.duplicate_column",
                    first=matched[field_name],
                    second=header,
                    column=label(field_name, lang),
                )
            )
            continue
        index[field_name] = position
        matched[field_name] = header
    for name in REQUIRED:
        if name not in index:
            accepted = ", ".join(f"« {h} »" if lang == "fr" else f"“{h}”" for h in FIELDS[name][:6])
            errors.append(
                InvalidInput("import.missing_column", column=label(name, lang), accepted=accepted)
            )
    # A deal's own probability column wins over the effective one (an export has both).
    if "probability_override" in index:
        index.pop("probability", None)
    return Columns(index, matched, tuple(ignored), tuple(errors))


def owner_emails(table: Table, columns: Columns) -> set[str]:
    """The distinct e-mail addresses in the owner column, to look up in Slack first."""
    position = columns.index.get("owner")
    if position is None:
        return set()
    found = set()
    for _, cells in table.rows:
        value = _text(cells, position)
        if value and _EMAIL.fullmatch(value):
            found.add(value.lower())
    return found


# --- checking rows ------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Report:
    rows: int
    open: int
    won: int
    lost: int
    new_accounts: int
    new_members: int
    first_number: int | None
    last_number: int | None
    columns: Columns
    errors: tuple[RowError, ...]
    dry_run: bool

    @property
    def imported(self) -> bool:
        return not self.errors and not self.dry_run and self.rows > 0


def _text(cells: Sequence[Any], position: int | None) -> str:
    if position is None or position >= len(cells) or cells[position] is None:
        return ""
    value = cells[position]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    # Undo the export's guard against spreadsheet formulas ("'=…").
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


class _Checker:
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
        return _text(cells, self.columns.index.get(name))

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
        if _EMAIL.fullmatch(text):
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
                    cached = _read_date(text, today=self.today, past=past)
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
        if isinstance(value, float) and 0 < value < 1:  # an Excel percent cell: 0.6 is 60 %
            value = value * 100
        text = self.text(cells, name).rstrip("%").strip().replace(",", ".")
        try:
            number = Decimal(str(value) if isinstance(value, int | float) else text)
        except InvalidOperation:
            number = Decimal(-1)
        if not 0 <= number <= 100:
            self.fail(line, name, InvalidInput("import.probability_invalid", text=text[:20]))
            return None
        return int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))

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


def _read_date(text: str, *, today: date, past: bool) -> date:
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


# --- the import ---------------------------------------------------------------------------


def import_table(
    *,
    session: Session,
    team_id: str,
    table: Table,
    emails: Mapping[str, str | None] | None,
    lang: str,
    now: datetime,
    dry_run: bool,
) -> Report:
    """Check every row, then (unless a row failed, or `dry_run`) write them all.

    The caller owns the transaction: one error anywhere and nothing is written by this
    function; an exception while writing rolls everything back with the caller's transaction.
    """
    columns = match_headers(table.headers, lang)
    rows = [(line, cells) for line, cells in table.rows if any(_filled(c) for c in cells)]
    if columns.errors or not rows:
        errors = [RowError(1, e) for e in columns.errors]
        if not rows and not columns.errors:
            errors.append(RowError(1, InvalidInput("import.no_rows")))
        return _report([], columns, errors, dry_run)
    workspace = queries.get_workspace(session=session, team_id=team_id)
    assert workspace is not None, "the caller ensures the workspace"
    checker = _Checker(
        session=session,
        workspace=workspace,
        columns=columns,
        emails=emails,
        lang=lang,
        now=now,
    )
    deals = [deal for line, cells in rows if (deal := checker.check(line, cells)) is not None]
    if checker.errors:
        return _report(deals, columns, checker.errors, dry_run)
    new_accounts, accounts = _accounts(session, team_id, deals, now, write=not dry_run)
    new_members = _members(session, team_id, deals, now, write=not dry_run)
    if dry_run:
        return _report(deals, columns, [], True, new_accounts, new_members)
    first = queries.reserve_opportunity_numbers(session=session, team_id=team_id, count=len(deals))
    _write(session, workspace, deals, accounts, first, now)
    return _report(deals, columns, [], False, new_accounts, new_members, first)


def _filled(cell: Any) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))


def _report(
    deals: Sequence[Deal],
    columns: Columns,
    errors: Sequence[RowError],
    dry_run: bool,
    new_accounts: int = 0,
    new_members: int = 0,
    first: int | None = None,
) -> Report:
    by_status = {s: sum(1 for d in deals if d.status == s) for s in Status}
    return Report(
        rows=len(deals),
        open=by_status[Status.OPEN],
        won=by_status[Status.WON],
        lost=by_status[Status.LOST],
        new_accounts=new_accounts,
        new_members=new_members,
        first_number=first,
        last_number=None if first is None else first + len(deals) - 1,
        columns=columns,
        errors=tuple(sorted(errors, key=lambda e: e.line)),
        dry_run=dry_run,
    )


def _chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _accounts(
    session: Session, team_id: str, deals: Sequence[Deal], now: datetime, *, write: bool
) -> tuple[int, dict[str, int]]:
    """Account ids by name key, creating the missing accounts (with their first spelling)."""
    names: dict[str, str] = {}
    for deal in deals:
        names.setdefault(queries.name_key(deal.account), deal.account)
    keys = list(names)
    known: dict[str, int] = {}
    for chunk in _chunks(keys):
        known.update(_pairs(session, chunk, team_id))
    missing = [k for k in keys if k not in known]
    if write and missing:
        table = Base.metadata.tables[Account.__tablename__]
        for chunk in _chunks(missing, BATCH):
            session.execute(
                insert(table),
                [{"team_id": team_id, "name": names[k], "name_key": k, "created_at": now}
                 for k in chunk],
            )  # fmt: skip
        for chunk in _chunks(missing):
            known.update(_pairs(session, chunk, team_id))
    return len(missing), known


def _pairs(session: Session, keys: Sequence[str], team_id: str) -> dict[str, int]:
    rows = session.execute(
        select(Account.name_key, Account.id).where(
            Account.team_id == team_id, Account.name_key.in_(keys)
        )
    )
    return {str(key): int(id_) for key, id_ in rows}


def _members(
    session: Session, team_id: str, deals: Sequence[Deal], now: datetime, *, write: bool
) -> int:
    """Owners new to the bot become reps (their Slack profile is read at their first use)."""
    owners = sorted({d.owner_id for d in deals})
    known: set[str] = set()
    for chunk in _chunks(owners):
        known.update(
            session.scalars(
                select(Member.user_id).where(Member.team_id == team_id, Member.user_id.in_(chunk))
            )
        )
    missing = [o for o in owners if o not in known]
    if write:
        for user_id in missing:
            ensure_member(session=session, team_id=team_id, user_id=user_id, now=now)
    return len(missing)


def _write(
    session: Session,
    workspace: Workspace,
    deals: Sequence[Deal],
    accounts: Mapping[str, int],
    first: int,
    now: datetime,
) -> None:
    """Bulk inserts: the deals, then their history (created, and closed when closed)."""
    team_id = workspace.team_id
    opportunities = Base.metadata.tables[Opportunity.__tablename__]
    changes = Base.metadata.tables[StageChange.__tablename__]
    counted = tallies.Tallies()  # bulk inserts go around the ORM's flush: counted here
    for offset, chunk in enumerate(_chunks(deals, BATCH)):
        base = first + offset * BATCH
        rows = [
            {
                "team_id": team_id,
                "number": base + i,
                "account_id": accounts[queries.name_key(d.account)],
                "title": d.title,
                "amount_minor": d.amount_minor,
                "currency": workspace.currency,
                "close_date": d.close_date,
                "owner_id": d.owner_id,
                "created_by": d.owner_id,
                "process_id": d.stage.process_id,
                "stage_id": d.stage.id,
                "status": d.status.value,
                "lost_reason": d.lost_reason,
                "origin": d.origin,
                "product": d.product,
                "next_step": d.next_step,
                "next_step_date": d.next_step_date,
                "probability_override": d.probability_override,
                "snoozed_until": None,
                "need_expressed": d.qualification.get("need", False),
                "can_answer": d.qualification.get("answer", False),
                "blockers_lifted": d.qualification.get("blockers", False),
                "meeting_planned": d.qualification.get("meeting", False),
                "created_at": d.created_at,
                "updated_at": now,
                "closed_at": d.closed_at,
                "stage_entered_at": d.created_at,
                "version": 1,
            }
            for i, d in enumerate(chunk)
        ]
        session.execute(insert(opportunities), rows)
        for row in rows:
            counted.deal(+1, row)
        ids = {
            int(number): int(id_)
            for number, id_ in session.execute(
                select(Opportunity.number, Opportunity.id).where(
                    Opportunity.team_id == team_id,
                    Opportunity.number >= base,
                    Opportunity.number < base + len(chunk),
                )
            )
        }
        history: list[dict[str, Any]] = []
        for i, deal in enumerate(chunk):
            common = {
                "team_id": team_id,
                "opportunity_id": ids[base + i],
                "changed_by": deal.owner_id,
                "from_stage_id": None,
                "to_stage_id": None,
                "from_value": None,
                "to_value": None,
            }
            history.append(
                {
                    **common,
                    "kind": ChangeKind.CREATED.value,
                    "changed_at": deal.created_at,
                    "to_stage_id": deal.stage.id,
                    "from_value": IMPORTED,
                    "to_value": Status.OPEN.value,
                }
            )
            if deal.closed_at is not None:
                history.append(
                    {
                        **common,
                        "kind": ChangeKind.STATUS.value,
                        "changed_at": deal.closed_at,
                        "from_stage_id": deal.stage.id,
                        "from_value": Status.OPEN.value,
                        "to_value": deal.status.value,
                    }
                )
        stays.chain(history)  # the created row's stay ends when the deal closed
        session.execute(insert(changes), history)
        for change in history:
            counted.stay(+1, change)
    counted.write(session)
