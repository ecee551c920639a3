"""`salesbot import <file.csv|file.xlsx> --team T… [--dry-run]`: deals in from a spreadsheet or
another CRM's export file, as it comes.

The file is read (`spreadsheet`), its header line found and its columns matched (`headers`: the
recognised CRM's own names — `sources` —, the generic French and English ones, `--map`; unknown
ones are ignored and named), the stages it names planned (`stages`), then every row is checked
(`rows`) before anything is written: one error and nothing is imported, and every error is
reported with its line number. Owners are Slack ids, e-mails or names (`owners`), looked up in
Slack by the caller first. Unknown accounts and members are created.

Each deal gets the next `#N` of the workspace and the history it had: a "created" row at its
creation date and, when won or lost, a status row at its closing date, so the analytics start
with real history. The created row is marked `from_value="import"`: the length of that first
stay is unknown, so days-in-stage leave it out.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from commands.context import zone
from commands.errors import InvalidInput
from commands.io import owners, stages
from commands.io.dates import DAY_FIRST, DateReader, detect_order
from commands.io.headers import Columns, locate_header, match_headers
from commands.io.rows import Deal, RowChecker, RowError
from commands.io.spreadsheet import Table, cell_text
from commands.workspace import ensure_member
from storage import imports, queries, stays, tallies
from storage.analytics import IMPORTED
from storage.models import ChangeKind, Status, Workspace

MAX_ERRORS_SHOWN = 50
DATE_FIELDS = ("close_date", "created", "closed", "won_date", "lost_date", "next_step_date")


@dataclass(frozen=True)
class Options:
    create_stages: bool = False  # add the stages (and processes) the workspace lacks
    skip_other_currencies: bool = False  # leave out, and count, deals in another currency
    mapping: Mapping[str, str] = field(default_factory=dict)  # `--map`: header → field
    date_order: str | None = None  # "dmy" or "mdy"; else the file's own, else day first


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
    overdue: int = 0  # open deals whose close date has passed
    skipped: Mapping[str, int] = field(default_factory=dict)  # rows left out, by currency
    new_stages: tuple[stages.NewStages, ...] = ()
    stages_created: bool = False
    date_order: str = DAY_FIRST
    header_line: int = 1
    owners_by_name: Mapping[str, str] = field(default_factory=dict)  # owner cell -> user id

    @property
    def imported(self) -> bool:
        return not self.errors and not self.dry_run and self.rows > 0


def check_team(*, session: Session, team_id: str) -> None:
    """Refuse a team that has never used the bot: its deals would land where nobody looks."""
    if queries.get_workspace(session=session, team_id=team_id) is None:
        known = imports.team_ids(session=session)
        if not known:
            raise InvalidInput("import.no_team_yet", team=team_id)
        raise InvalidInput("import.team_unknown", team=team_id, teams=", ".join(known))


def read_columns(table: Table, lang: str, options: Options) -> tuple[Table, Columns]:
    """The table from its header line, and which column holds which field."""
    table = locate_header(table)
    columns = match_headers(table.headers, lang, mapping=options.mapping, hidden=table.hidden)
    return table, columns


def look_up_owners(
    emails: Iterable[str], lookup: Callable[[str], str | None]
) -> dict[str, str | None]:
    """The Slack user of each distinct address (None: nobody has it), each asked once."""
    return {email: lookup(email) for email in sorted(set(emails))}


def import_table(
    *,
    session: Session,
    team_id: str,
    table: Table,
    emails: Mapping[str, str | None] | None,
    lang: str,
    now: datetime,
    dry_run: bool,
    options: Options | None = None,
    members: Mapping[str, Collection[str]] | None = None,
) -> Report:
    """Check every row, then (unless a row failed, or `dry_run`) write them all.

    The caller owns the transaction: one error anywhere and nothing is written by this
    function; an exception while writing rolls everything back with the caller's transaction.
    With `create_stages`, the missing stages are created before the rows are checked (detached
    objects in a dry run), and go with the rest if a row fails. `emails` holds the user id of
    each owner address (None: Slack not asked), `members` the user ids bearing each member name
    (None: Slack not asked), for owners given by name.
    """
    options = options or Options()
    table, columns = read_columns(table, lang, options)
    rows = [(line, cells) for line, cells in table.rows if any(_filled(c) for c in cells)]
    base: dict[str, Any] = {
        "columns": columns,
        "dry_run": dry_run,
        "header_line": table.header_line,
    }
    if columns.errors or not rows:
        errors = [RowError(table.header_line, e) for e in columns.errors]
        if not rows and not columns.errors:
            errors.append(RowError(table.header_line, InvalidInput("import.no_rows")))
        return _report([], errors, **base)
    workspace = queries.get_workspace(session=session, team_id=team_id)
    assert workspace is not None, "the caller checks the team"
    catalog = stages.Catalog(queries.active_processes(session=session, team_id=team_id))
    planned = stages.plan(rows, columns, catalog, lang)
    base["new_stages"] = tuple(planned.processes.values())
    base["stages_created"] = options.create_stages and bool(planned)
    stage_errors: list[RowError] = []
    if options.create_stages and planned:
        refused = stages.create(
            session=session,
            team_id=team_id,
            planned=planned,
            catalog=catalog,
            now=now,
            write=not dry_run,
        )
        stage_errors = [RowError(line, error, "stage") for line, error in refused]
    order = options.date_order or detect_order(_date_texts(rows, columns)) or DAY_FIRST
    base["date_order"] = order
    checker = RowChecker(
        workspace=workspace,
        columns=columns,
        catalog=catalog,
        dates=DateReader(order=order, today=now.astimezone(zone(workspace.timezone)).date()),
        emails=emails,
        names=None if members is None else owners.index_names(members),
        lang=lang,
        now=now,
        skip_other_currencies=options.skip_other_currencies,
    )
    deals = [deal for line, cells in rows if (deal := checker.check(line, cells)) is not None]
    base["skipped"] = dict(checker.skipped)
    base["owners_by_name"] = dict(sorted(checker.by_name.items()))
    base["overdue"] = sum(
        1 for d in deals if d.status == Status.OPEN and d.close_date < checker.today
    )
    if checker.errors or stage_errors:
        return _report(deals, [*stage_errors, *checker.errors], **base)
    new_accounts, accounts = _accounts(session, team_id, deals, now, write=not dry_run)
    new_members = _members(session, team_id, deals, now, write=not dry_run)
    base.update(new_accounts=new_accounts, new_members=new_members)
    if dry_run:
        return _report(deals, [], **base)
    first = queries.reserve_opportunity_numbers(session=session, team_id=team_id, count=len(deals))
    _write(session, workspace, deals, accounts, first, now)
    return _report(deals, [], **base, first=first)


def _date_texts(rows: Sequence[tuple[int, Sequence[Any]]], columns: Columns) -> Iterable[str]:
    positions = [columns.index[f] for f in DATE_FIELDS if f in columns.index]
    for _, cells in rows:
        for position in positions:
            if position < len(cells) and isinstance(cells[position], str):
                yield cell_text(cells, position)


def _filled(cell: Any) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))


def _report(
    deals: Sequence[Deal],
    errors: Sequence[RowError],
    *,
    columns: Columns,
    dry_run: bool,
    new_accounts: int = 0,
    new_members: int = 0,
    first: int | None = None,
    **extra: Any,
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
        **extra,
    )


def _accounts(
    session: Session, team_id: str, deals: Sequence[Deal], now: datetime, *, write: bool
) -> tuple[int, dict[str, int]]:
    """Account ids by name key, creating the missing accounts (with their first spelling)."""
    names: dict[str, str] = {}
    for deal in deals:
        names.setdefault(queries.name_key(deal.account), deal.account)
    known = imports.account_ids(session=session, team_id=team_id, name_keys=list(names))
    missing = [k for k in names if k not in known]
    if write and missing:
        imports.add_accounts(
            session=session, team_id=team_id, names={k: names[k] for k in missing}, now=now
        )
        known.update(imports.account_ids(session=session, team_id=team_id, name_keys=missing))
    return len(missing), known


def _members(
    session: Session, team_id: str, deals: Sequence[Deal], now: datetime, *, write: bool
) -> int:
    """Owners new to the bot become reps (their Slack profile is read at their first use)."""
    owners = sorted({d.owner_id for d in deals})
    known = imports.known_members(session=session, team_id=team_id, user_ids=owners)
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
    counted = tallies.Tallies()  # bulk inserts go around the ORM's flush: counted here
    for offset, chunk in enumerate(imports.chunks(deals, imports.BATCH)):
        base = first + offset * imports.BATCH
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
        ids = imports.add_opportunities(session=session, team_id=team_id, rows=rows)
        for row in rows:
            counted.deal(+1, row)
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
        imports.add_stage_changes(session=session, rows=history)
        for change in history:
            counted.stay(+1, change)
    counted.write(session)
