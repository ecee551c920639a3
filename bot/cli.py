"""`salesbot`: run the bot (HTTP, Socket Mode or the local console) and operate it."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot.services import Services
from bot.settings import ConfigError, Settings
from storage.db import Database


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="salesbot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start in the mode the credentials allow (socket, http, console)")
    http = sub.add_parser("http", help="serve Slack over HTTP (POST /slack/events, GET /healthz)")
    http.add_argument("--host", default="0.0.0.0")
    http.add_argument("--port", type=int, default=3000)
    http.add_argument("--threads", type=int, default=8)
    sub.add_parser("socket", help="connect to Slack in Socket Mode")
    console = sub.add_parser("console", help="use the bot in this terminal, without Slack")
    console.add_argument("--demo", action="store_true", help="load the demo workspace first")
    console.add_argument("--as", dest="as_user", default=None, help="demo user id or name")
    sub.add_parser("migrate", help="apply database migrations")
    return parser


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
    if command == "console":
        from bot.console import run_console

        return run_console(settings, demo=args.demo, as_user=args.as_user)
    if command == "http":
        settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
        return _serve_http(
            settings,
            host=getattr(args, "host", "0.0.0.0"),
            port=getattr(args, "port", 3000),
            threads=getattr(args, "threads", 8),
        )
    if command == "socket":
        settings.require("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
        return _serve_socket(settings)
    raise AssertionError(command)


def _prepare(settings: Settings) -> Services:
    from commands.parsing import warm_up

    db = Database(settings.database_url)
    db.migrate()
    warm_up()  # dateparser loads its languages once, not on a rep's first command
    return Services(settings=settings, db=db)


def _serve_http(settings: Settings, *, host: str, port: int, threads: int) -> int:
    from bot.app import create_app
    from bot.web import WebApp, serve

    services = _prepare(settings)
    assert settings.bot_token
    app = create_app(services, token=settings.bot_token, signing_secret=settings.signing_secret)
    serve(WebApp(app, services.db), host=host, port=port, threads=threads)
    return 0


def _serve_socket(settings: Settings) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import create_app

    services = _prepare(settings)
    assert settings.bot_token
    app = create_app(services, token=settings.bot_token, signing_secret=None)
    SocketModeHandler(app, settings.app_token).start()  # type: ignore[no-untyped-call]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
