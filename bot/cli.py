"""`salesbot`: run the bot (HTTP, Socket Mode or the local console) and operate it."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from babel import Locale

from bot.services import Services
from bot.settings import ConfigError, Settings
from storage.db import Database

if TYPE_CHECKING:
    from bot.delivery import DeliveryConfig


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="salesbot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run", help="start in the mode the credentials allow (socket, http, console)"
    )
    http = sub.add_parser("http", help="serve Slack over HTTP (POST /slack/events, GET /healthz)")
    http.add_argument("--host", default="0.0.0.0")
    http.add_argument("--port", type=int, default=3000)
    http.add_argument("--threads", type=int, default=8)
    socket = sub.add_parser("socket", help="connect to Slack in Socket Mode")
    for web in (run, http, socket):
        web.add_argument(
            "--no-scheduler",
            action="store_true",
            help="no nudges or digests from this process (a `salesbot worker` sends them)",
        )
    worker = sub.add_parser("worker", help="run the scheduler alone: nudges, follow-ups, digests")
    nudges = sub.add_parser("nudges", help="plan and send the nudges and follow-ups due on a date")
    digest = sub.add_parser("digest", help="plan and send the weekly digests due on a date")
    for ops in (nudges, digest):
        ops.add_argument(
            "--as-of", type=_date, required=True, help="as if it were this date (YYYY-MM-DD)"
        )
        ops.add_argument("--dry-run", action="store_true", help="print what would be sent")
    for sender in (worker, nudges, digest):
        sender.add_argument(
            "--lease",
            type=float,
            default=120.0,
            help="seconds a worker holds a message it is sending before another may take it over",
        )
    console = sub.add_parser("console", help="use the bot in this terminal, without Slack")
    console.add_argument("--demo", action="store_true", help="load the demo workspace first")
    console.add_argument("--as", dest="as_user", default=None, help="demo user id or name")
    sub.add_parser("migrate", help="apply database migrations")
    recount = sub.add_parser(
        "recount",
        help="count the stats' running totals again from the deals "
        "(after restoring or editing the database by hand)",
    )
    recount.add_argument("--team", default=None, help="one workspace (T…); all when left out")
    from bot.import_cli import add_parser as add_import

    add_import(sub)
    return parser


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from error


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = Settings.load()
        return _dispatch(args, settings)
    except ConfigError as error:
        print(f"salesbot: {error}", file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command
    if command == "run":
        command = settings.mode
        if command == "console":
            args.demo, args.as_user = True, None
    if command == "migrate":
        db = Database(settings.database_url)
        db.migrate()
        print(
            f"salesbot: database at {db.engine.url.render_as_string(hide_password=True)} "
            "is up to date"
        )
        return 0
    if command == "recount":
        return _recount(settings, args.team)
    if command == "import":
        from bot import import_cli

        return import_cli.run(args, settings)
    if command == "console":
        from bot.devtools.console import run_console

        return run_console(settings, demo=args.demo, as_user=args.as_user)
    if command == "http":
        settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
        return _serve_http(
            settings,
            host=getattr(args, "host", "0.0.0.0"),
            port=getattr(args, "port", 3000),
            threads=getattr(args, "threads", 8),
            scheduler=not args.no_scheduler,
        )
    if command == "socket":
        settings.require("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
        return _serve_socket(settings, scheduler=not args.no_scheduler)
    if command == "worker":
        settings.require("SLACK_BOT_TOKEN")
        from bot.scheduler import run_worker

        run_worker(_prepare(settings, serving=False), config=_delivery(args))
        return 0
    if command in ("nudges", "digest"):
        if not args.dry_run:
            settings.require("SLACK_BOT_TOKEN")
        return _ops(settings, args)
    raise AssertionError(command)


def _recount(settings: Settings, team: str | None) -> int:
    from storage import queries, tallies

    db = Database(settings.database_url)
    with db.transaction() as session:
        known = queries.team_ids(session=session)
        if team is not None and team not in known:
            print(f"salesbot: no workspace {team!r} in this database", file=sys.stderr)
            return 1
        teams = known if team is None else [team]
        for team_id in teams:
            tallies.rebuild(session, team_id)
    print(f"salesbot: running totals counted again for {_counted(len(teams), 'workspace')}")
    return 0


def _delivery(args: argparse.Namespace) -> DeliveryConfig:
    from datetime import timedelta

    from bot.delivery import DeliveryConfig

    lease = max(float(args.lease), 1.0)
    # A short lease (tests, impatient operators) gets a short HTTP timeout to fit in it.
    return DeliveryConfig(lease=timedelta(seconds=lease), http_timeout=min(10.0, lease / 3))


def _counted(count: int, noun: str) -> str:
    """An operator's count in English: "1 nudge", "4 nudges", "0 workspaces" (CLDR's rule)."""
    return f"{count} {noun if Locale('en').plural_form(count) == 'one' else noun + 's'}"


def _ops(settings: Settings, args: argparse.Namespace) -> int:
    """`salesbot nudges|digest --as-of D [--dry-run]`: plan what is due that day, then send it."""
    from bot.devtools.render_text import render_blocks
    from bot.planning import Planner
    from commands.nudging import digest, followups, nudges

    services = _prepare(settings, serving=False)
    planner = Planner(services.db)
    now = services.clock()
    if args.command == "nudges":
        report = planner.plan_daily(now=now, as_of=args.as_of, dry_run=args.dry_run)
        kinds = [nudges.NUDGE, nudges.ESCALATION, followups.FOLLOWUP]
    else:
        report = planner.plan_digests(now=now, as_of=args.as_of, dry_run=args.dry_run)
        kinds = [digest.DIGEST]
    for preview in report.previews:
        print(
            f"--- {preview.kind} for {preview.recipient} in {preview.channel} "
            f"({preview.team_id}, {preview.period})"
        )
        print(render_blocks(preview.message.get("blocks") or []).text)
        if preview.message.get("file"):
            print(f"[+ {preview.message['file'].get('title')} (PNG)]")
    planned = ", ".join(_counted(count, kind) for kind, count in sorted(report.planned.items()))
    print(
        f"salesbot {args.command} --as-of {args.as_of}: "
        f"{'would send' if args.dry_run else 'planned'} {planned or 'nothing'}; "
        f"{report.nothing_due} with nothing due, {report.already} already planned"
        + (f", {_counted(report.errors, 'workspace')} failed (see the log)" * bool(report.errors))
    )
    if args.dry_run:
        return 1 if report.errors else 0
    from bot.scheduler import make_runtime

    runtime = make_runtime(services, _delivery(args))
    delivered = runtime.deliverer.run(kinds=kinds)
    print(
        f"salesbot {args.command}: {delivered.sent} sent, {delivered.recovered} found already "
        f"sent, {delivered.rate_limited} rate-limited and retried, {delivered.retried} retried, "
        f"{delivered.failed} given up"
    )
    return 1 if report.errors or delivered.failed else 0


def _prepare(settings: Settings, *, serving: bool = True) -> Services:
    db = Database(settings.database_url)
    db.migrate()
    db.refresh_statistics()
    if serving:
        from commands.parsing import warm_up

        warm_up()  # dateparser loads its languages once, not on a rep's first command
    # Everything loaded so far lives as long as the process: moving it out of the collector's
    # sight turns 60-120 ms full collections (the p99 tail of an ack) into sub-millisecond ones.
    gc.collect()
    gc.freeze()
    return Services(settings=settings, db=db)


def _serve_http(
    settings: Settings, *, host: str, port: int, threads: int, scheduler: bool = True
) -> int:
    from bot.app import create_app
    from bot.web import WebApp, serve

    services = _prepare(settings)
    assert settings.bot_token
    app = create_app(services, token=settings.bot_token, signing_secret=settings.signing_secret)
    if scheduler:
        from bot.scheduler import start_scheduler

        start_scheduler(services)
    web = WebApp(app, services.db, signing_secret=settings.signing_secret)
    serve(web, host=host, port=port, threads=threads)
    return 0


def _serve_socket(settings: Settings, *, scheduler: bool = True) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import create_app

    services = _prepare(settings)
    assert settings.bot_token
    app = create_app(services, token=settings.bot_token, signing_secret=None)
    if scheduler:
        from bot.scheduler import start_scheduler

        start_scheduler(services)
    SocketModeHandler(app, settings.app_token).start()  # type: ignore[no-untyped-call]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
