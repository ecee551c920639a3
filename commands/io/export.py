"""`/opp export [filters]`: every field of the deals the user may see, as CSV and as Excel.

The same scope words and permissions as `/pipeline` (a rep their own deals, a manager their
team's, an admin everyone's), every status. Column headers are in the user's language and are
the ones `salesbot import` reads back. The CSV is for machines (UTF-8 with a BOM so Excel reads
accents, comma-separated, decimal point, ISO dates, UTC times); the Excel file has real numbers
and dates. Rows are streamed from the database to the files, never all held in memory.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.errors import InvalidInput
from commands.i18n import t
from commands.reports import Scope, filters_of, resolve
from storage import export, queries
from storage.models import Status
from storage.reports import Filters

XLSX_MAX_ROWS = 1_048_575  # an Excel sheet holds 1,048,576 rows, the header included

COLUMNS = (
    "number",
    "account",
    "title",
    "amount",
    "currency",
    "status",
    "process",
    "stage",
    "probability",
    "probability_override",
    "close_date",
    "owner",
    "owner_name",
    "origin",
    "product",
    "need",
    "answer",
    "blockers",
    "meeting",
    "next_step",
    "next_step_date",
    "lost_reason",
    "snoozed_until",
    "created_by",
    "created_at",
    "updated_at",
    "closed_at",
    "stage_entered_at",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Plan:
    scope: Scope
    filters: Filters
    count: int
    currency: str


@dataclass(frozen=True)
class Files:
    count: int
    csv: Path
    xlsx: Path | None  # None past Excel's row limit

    @property
    def paths(self) -> list[Path]:
        return [self.csv] + ([self.xlsx] if self.xlsx is not None else [])


def plan(*, session: Session, actor: Actor, text: str) -> Plan:
    """Who may be exported (checked like `/pipeline`) and how many deals that is."""
    try:
        scope = resolve(session=session, actor=actor, text=text)
    except InvalidInput as error:
        if error.key == "scope.usage":
            raise InvalidInput("export.usage") from None
        raise
    filters = filters_of(actor, scope)
    count = export.count_deals(session=session, filters=filters)
    workspace = queries.get_workspace(session=session, team_id=actor.team_id)
    assert workspace is not None
    return Plan(scope, filters, count, workspace.currency)


def decimal_amount(minor: int) -> Decimal:
    """Minor units as an exact decimal number of major units: 1250050 → 12500.50."""
    return Decimal(minor).scaleb(-2).quantize(Decimal("0.01"))


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


def records(*, session: Session, actor: Actor, plan: Plan) -> Iterator[tuple[Any, ...]]:
    """One tuple per deal, in `COLUMNS` order, as typed values (None when empty)."""
    names = export.member_names(session=session, team_id=actor.team_id)
    statuses = {s: t(actor.lang, f"status.{s}") for s in Status}
    for row in export.rows(session=session, filters=plan.filters):
        (
            number,
            account,
            title,
            amount,
            currency,
            status,
            process,
            stage,
            stage_probability,
            override,
            close_date,
            owner,
            origin,
            product,
            need,
            answer,
            blockers,
            meeting,
            next_step,
            next_step_date,
            lost_reason,
            snoozed_until,
            created_by,
            created_at,
            updated_at,
            closed_at,
            entered_at,
        ) = row
        status = Status(status)
        probability = {Status.WON: 100, Status.LOST: 0}.get(
            status, override if override is not None else stage_probability
        )
        yield (
            number,
            account,
            title,
            decimal_amount(amount),
            currency,
            statuses[status],
            process,
            stage,
            probability,
            override,
            close_date,
            owner,
            names.get(owner) or None,
            origin,
            product,
            bool(need),
            bool(answer),
            bool(blockers),
            bool(meeting),
            next_step,
            next_step_date,
            lost_reason,
            snoozed_until,
            created_by,
            _utc(created_at),
            _utc(updated_at),
            _utc(closed_at),
            _utc(entered_at),
        )


def headers(lang: str) -> list[str]:
    return [t(lang, f"export.col_{column}") for column in COLUMNS]


def csv_cell(value: Any, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return t(lang, "export.yes") if value else t(lang, "export.no")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date | Decimal | int):
        return str(value) if not isinstance(value, date) else value.isoformat()
    text = str(value)
    # A cell starting with = + - @ is a formula to a spreadsheet: quote it (import unquotes).
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_files(*, session: Session, actor: Actor, plan: Plan, directory: Path) -> Files:
    """Write `<directory>/salesbot-<date>.csv` and `.xlsx` in one pass over the deals."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    stem = f"salesbot-{actor.today.isoformat()}"
    csv_path = directory / f"{stem}.csv"
    xlsx_path: Path | None = directory / f"{stem}.xlsx"
    with_excel = plan.count <= XLSX_MAX_ROWS
    book = Workbook(write_only=True)
    sheet = book.create_sheet(t(actor.lang, "export.title"))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    titles = headers(actor.lang)

    def head_cell(text: str) -> Any:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        return cell

    sheet.append([head_cell(h) for h in titles])
    count = 0
    with csv_path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(titles)
        for record in records(session=session, actor=actor, plan=plan):
            writer.writerow([csv_cell(v, actor.lang) for v in record])
            if with_excel:
                sheet.append([_excel_cell(sheet, v, WriteOnlyCell) for v in record])
            count += 1
    if with_excel:
        assert xlsx_path is not None
        book.save(xlsx_path)
    else:
        xlsx_path = None
    return Files(count, csv_path, xlsx_path)


def _excel_cell(sheet: Any, value: Any, cell_type: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones: UTC, as the header says
    if isinstance(value, str) and value.startswith("="):
        cell = cell_type(sheet, value=value)
        cell.data_type = "s"  # text, never a formula
        return cell
    return value
