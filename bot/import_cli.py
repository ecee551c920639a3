"""`salesbot import <file.csv|file.xlsx> --team T… [--dry-run]`: the command-line side.

Owners given by e-mail are looked up in Slack (`users.lookupByEmail`, scope
`users:read.email`) before the database is touched, so no transaction waits on the network;
without SLACK_BOT_TOKEN, e-mail owners are refused with a message and Slack ids still work.
The whole import is one transaction: any error and nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RateLimitErrorRetryHandler

from bot.services import utc_now
from bot.settings import Settings
from commands.errors import DomainError
from commands.i18n import LANGUAGES, t
from commands.io import headers, importer, spreadsheet
from commands.workspace import ensure_workspace
from storage import queries
from storage.db import Database


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("import", help="import deals from a .csv or .xlsx file")
    parser.add_argument("file", type=Path, help="the spreadsheet (.csv or .xlsx)")
    parser.add_argument("--team", required=True, help="the Slack team id (T…) to import into")
    parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    parser.add_argument("--lang", choices=LANGUAGES, default=None, help="language of the report")


def lookup_emails(client: WebClient, emails: Iterable[str]) -> dict[str, str | None]:
    """Slack user id per address (None: nobody has it). Other Slack errors stop the import."""
    found: dict[str, str | None] = {}
    for email in sorted(emails):
        try:
            user = client.users_lookupByEmail(email=email)["user"]
            found[email] = str(user["id"])
        except SlackApiError as error:
            if error.response.get("error") != "users_not_found":
                raise
            found[email] = None
    return found


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
        table = spreadsheet.read_table(args.file)
    except spreadsheet.Unreadable as error:
        print(t(lang, "import.unreadable", path=args.file, reason=error), file=out)
        return 2
    except DomainError as error:
        print(t(lang, error.key, **error.params), file=out)
        return 2
    columns = headers.match_headers(table.headers, lang)
    emails: dict[str, str | None] | None = None
    wanted = headers.owner_emails(table, columns)
    if client is None and settings.bot_token:
        client = WebClient(token=settings.bot_token, base_url=settings.slack_api_url)
        client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=5))
    if client is not None:
        try:
            emails = lookup_emails(client, wanted) if wanted else {}
        except SlackApiError as error:
            print(
                t(
                    lang,
                    "import.owner_email_failed",
                    text=", ".join(sorted(wanted))[:200],
                    error=error.response.get("error"),
                ),
                file=out,
            )
            return 1
    now = utc_now()
    unit = db.reading() if args.dry_run else db.transaction()
    with unit as session:
        ensure_workspace(
            session=session,
            team_id=args.team,
            now=now,
            language=settings.default_language,
            timezone=settings.default_timezone,
            currency=settings.default_currency,
        )
        report = importer.import_table(
            session=session,
            team_id=args.team,
            table=table,
            emails=emails,
            lang=lang,
            now=now,
            dry_run=args.dry_run,
        )
    if not args.dry_run and not report.errors:
        db.refresh_statistics()  # a big import changes the tables' sizes in one go
    _print(report, lang, out)
    return 1 if report.errors else 0


def _print(report: importer.Report, lang: str, out: TextIO) -> None:
    columns = report.columns
    if columns.matched:
        matched = ", ".join(f"{h} → {headers.label(f, lang)}" for f, h in columns.matched.items())
        print(t(lang, "import.columns", columns=matched), file=out)
    if columns.ignored:
        print(t(lang, "import.ignored", columns=", ".join(columns.ignored)), file=out)
    if report.errors:
        for row in report.errors[: importer.MAX_ERRORS_SHOWN]:
            message = t(lang, row.error.key, **row.error.params)
            print(t(lang, "import.line", line=row.line, message=message), file=out)
        hidden = len(report.errors) - importer.MAX_ERRORS_SHOWN
        if hidden > 0:
            print(t(lang, "import.more_errors", count=hidden), file=out)
        print(t(lang, "import.refused", count=len(report.errors)), file=out)
        return
    print(
        t(
            lang,
            "import.summary",
            rows=report.rows,
            open=report.open,
            won=report.won,
            lost=report.lost,
            accounts=report.new_accounts,
            members=report.new_members,
        ),
        file=out,
    )
    if report.dry_run:
        print(t(lang, "import.dry_run"), file=out)
    elif report.first_number is not None:
        print(t(lang, "import.done", first=report.first_number, last=report.last_number), file=out)
