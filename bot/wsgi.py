"""`application` for any WSGI server (gunicorn, uWSGI): `gunicorn 'bot.wsgi:application'`.

`salesbot http` serves the same app with waitress; this module is for hosts that bring their own.
"""

from __future__ import annotations

from bot.app import create_app
from bot.services import Services
from bot.settings import Settings
from bot.web import WebApp
from commands.parsing import warm_up
from storage.db import Database


def build() -> WebApp:
    settings = Settings.load()
    settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    assert settings.bot_token
    db = Database(settings.database_url)
    db.migrate()
    warm_up()
    app = create_app(
        Services(settings=settings, db=db),
        token=settings.bot_token,
        signing_secret=settings.signing_secret,
    )
    return WebApp(app, db, signing_secret=settings.signing_secret)


application = build()
