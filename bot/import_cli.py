"""`salesbot import <file.csv|file.xlsx> --team T… [--dry-run] [--create-stages]
[--skip-other-currencies] [--map …]`: the command-line side.

Owners given by e-mail are looked up in Slack (`users.lookupByEmail`, scope
`users:read.email`), and when some are given by name (as CRMs export them) the workspace's
members are listed once (`users.list`, scope `users:read`), before the database is touched, so
no transaction waits on the network; without SLACK_BOT_TOKEN, owners by e-mail or name are
refused with a message and Slack ids still work.
The whole import is one transaction: any error and nothing is written.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TextIO

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RateLimitErrorRetryHandler

from bot.services import utc_now
from bot.settings import Settings
from commands.errors import DomainError
from commands.i18n import LANGUAGES, t
from commands.io import dates, headers, importer, sources, spreadsheet
from storage import queries
from storage.db import Database


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fields = "\n".join(f"  {name:<15} {meaning}" for name, meaning in sources.MAPPABLE.items())
    parser = sub.add_parser(
        "import",
        help="import deals from a .csv or .xlsx file, or another CRM's export",
        description=textwrap.fill(
            "Import deals from a spreadsheet or from the export file of "
            + ", ".join(s.name for s in sources.SOURCES)
            + " as it comes. Every row is checked first: one error and nothing is imported."
        ),
        epilog="fields for --map:\n" + fields,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", type=Path, help="the spreadsheet (.csv or .xlsx)")
    parser.add_argument("--team", required=True, help="the Slack team id (T…) to import into")
    parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    parser.add_argument("--lang", choices=LANGUAGES, default=None, help="language of the report")
    parser.add_argument(
        "--create-stages",
        action="store_true",
        help="add the stages (and pipelines, as processes) the workspace does not have",
    )
    parser.add_argument(
        "--skip-other-currencies",
        action="store_true",
        help="leave out (and count) deals in another currency than the workspace's",
    )
    parser.add_argument(
        "--map",
        metavar='"HEADER=field,…"',
        default=None,
        help="say which column holds which field (field '-' ignores a column); see below",
    )
    parser.add_argument(
        "--date-order",
        choices=(dates.DAY_FIRST, dates.MONTH_FIRST),
        default=None,
        help="read 01/02/2027 day first (dmy) or month first (mdy); by default the file's "
        "own order when its dates show it, else day first",
    )


def slack_lookup(client: WebClient) -> Callable[[str], str | None]:
    """`users.lookupByEmail`: the user id of an address, None when nobody has it. Other Slack
    errors stop the import."""

    def lookup(email: str) -> str | None:
        try:
            return str(client.users_lookupByEmail(email=email)["user"]["id"])
        except SlackApiError as error:
            if error.response.get("error") != "users_not_found":
                raise
            return None

    return lookup


def lookup_emails(client: WebClient, emails: Iterable[str]) -> dict[str, str | None]:
    """Slack user id per address (None: nobody has it), each address asked once."""
    return importer.look_up_owners(emails, slack_lookup(client))


MEMBERS_PAGE = 200  # Slack's advice for `users.list`: at most 200 members a page


def list_members(client: WebClient) -> dict[str, set[str]]:
    """Every name of the workspace's people -> their user ids, from `users.list` followed page
    by page; deleted users and bots (they own no deals) are left out."""
    names: dict[str, set[str]] = {}
    cursor: str | None = None
    while True:
        page = client.users_list(limit=MEMBERS_PAGE, cursor=cursor)
        for user in page.get("members") or []:
            if user.get("deleted") or user.get("is_bot") or user.get("id") == "USLACKBOT":
                continue
            profile = user.get("profile") or {}
            for name in (user.get("real_name"), profile.get("real_name"),
                         profile.get("display_name")):  # fmt: skip
                if isinstance(name, str) and name.strip():
                    names.setdefault(name, set()).add(str(user["id"]))
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            return names


def run(
    args: argparse.Namespace,
    settings: Settings,
    *,
    out: TextIO | None = None,
    client: WebClient | None = None,
) -> int:
    """Exit status: 0 imported (or a clean dry run), 1 refused, 2 unreadable."""
    out = out or sys.stdout
    db = Database(settings.database_url)
    db.migrate()
    try:
        return _run(args, settings, db, out, client)
    finally:
        db.dispose()


def _run(
    args: argparse.Namespace,
    settings: Settings,
    db: Database,
    out: TextIO,
    client: WebClient | None,
) -> int:
    with db.reading() as session:
        workspace = queries.get_workspace(session=session, team_id=args.team)
        lang = args.lang or (workspace.language if workspace else settings.default_language)
        try:
            importer.check_team(session=session, team_id=args.team)
            options = importer.Options(
                create_stages=args.create_stages,
                skip_other_currencies=args.skip_other_currencies,
                mapping=sources.parse_map(args.map),
                date_order=args.date_order,
            )
        except DomainError as error:
            print(t(lang, error.key, **error.params), file=out)
            return 1
    try:
        table = spreadsheet.read_table(args.file)
    except spreadsheet.Unreadable as error:
        print(t(lang, "import.unreadable", path=args.file, reason=error), file=out)
        return 2
    except DomainError as error:
        print(t(lang, error.key, **error.params), file=out)
        return 2
    table, columns = importer.read_columns(table, lang, options)
    emails: dict[str, str | None] | None = None
    wanted = headers.owner_emails(table, columns)
    if client is None and settings.bot_token:
        client = WebClient(token=settings.bot_token, base_url=settings.slack_api_url)
        client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=5))
    members: dict[str, set[str]] | None = None
    named = headers.owner_names(table, columns)
    if client is not None:
        try:
            emails = lookup_emails(client, wanted) if wanted else {}
            members = list_members(client) if named else {}  # only when a name needs it
        except SlackApiError as error:
            print(
                t(
                    lang,
                    "import.owner_email_failed",
                    text=", ".join(sorted(wanted | named))[:200],
                    error=error.response.get("error"),
                ),
                file=out,
            )
            return 1
    now = utc_now()
    unit = db.reading() if args.dry_run else db.transaction()
    try:
        with unit as session:
            report = importer.import_table(
                session=session,
                team_id=args.team,
                table=table,
                emails=emails,
                lang=lang,
                now=now,
                dry_run=args.dry_run,
                options=options,
                members=members,
            )
            workspace = queries.get_workspace(session=session, team_id=args.team)
            currency = workspace.currency if workspace else settings.default_currency
            if report.errors:
                raise _Refused(report)  # stages created before the rows failed go too
    except _Refused as refused:
        report = refused.report
    if not args.dry_run and not report.errors:
        db.refresh_statistics()  # a big import changes the tables' sizes in one go
    _print(report, lang, out, currency=currency, emails=emails or {})
    return 1 if report.errors else 0


class _Refused(Exception):
    """Rolls the import's transaction back."""

    def __init__(self, report: importer.Report) -> None:
        super().__init__("refused")
        self.report = report


def _print(
    report: importer.Report,
    lang: str,
    out: TextIO,
    *,
    currency: str,
    emails: Mapping[str, str | None],
) -> None:
    def say(key: str, **params: object) -> None:
        print(t(lang, key, **params), file=out)

    columns = report.columns
    if columns.source is not None:
        say("import.source", source=columns.source.name)
    if report.header_line != 1:
        say("import.header_line", line=report.header_line)
    if columns.matched:
        matched = ", ".join(f"{h} → {headers.label(f, lang)}" for f, h in columns.matched.items()
                            if f != "number")  # fmt: skip
        say("import.columns", columns=matched)
    if columns.ignored:
        say("import.ignored", columns=", ".join(columns.ignored))
    if columns.hidden:
        say("import.hidden", columns=", ".join(columns.hidden))
    if report.dry_run and any(f in columns.index for f in importer.DATE_FIELDS):
        say(f"import.date_order_{report.date_order}")
    if report.new_stages:
        say("import.stages_create" if report.stages_created else "import.stages_unknown")
        for entry in report.new_stages:
            listed = ", ".join(f"{s.name} ({s.probability} %)" for s in entry.ordered())
            key = "import.stages_line" if entry.process else "import.stages_line_new"
            say(key, process=entry.name, stages=listed)
    if report.errors:
        for row in report.errors[: importer.MAX_ERRORS_SHOWN]:
            say("import.line", line=row.line, message=t(lang, row.error.key, **row.error.params))
        hidden = len(report.errors) - importer.MAX_ERRORS_SHOWN
        if hidden > 0:
            say("import.more_errors", count=hidden)
        if any(row.error.key == "opp.currency_mismatch" for row in report.errors):
            say("import.currency_hint", currency=currency)
        say("import.refused", count=len(report.errors))
        return
    say(
        "import.summary",
        rows=report.rows,
        open=report.open,
        won=report.won,
        lost=report.lost,
        accounts=report.new_accounts,
        members=report.new_members,
    )
    if report.overdue:
        say("import.overdue", count=report.overdue)
    if report.skipped:
        currencies = ", ".join(f"{code} {n}" for code, n in sorted(report.skipped.items()))
        say("import.skipped", currency=currency, count=sum(report.skipped.values()),
            currencies=currencies)  # fmt: skip
    if report.dry_run and emails:
        found = ", ".join(f"{e} → {u}" for e, u in sorted(emails.items()) if u)
        if found:
            say("import.owners", owners=found)
    if report.dry_run and report.owners_by_name:
        found = ", ".join(f"{n} → {u}" for n, u in report.owners_by_name.items())
        say("import.owners_by_name", owners=found)
    if report.dry_run:
        say("import.dry_run")
    elif report.first_number is not None:
        say("import.done", first=report.first_number, last=report.last_number)
