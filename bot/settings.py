"""Configuration, read once from the environment (and a `.env` file) into one typed object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

from commands.i18n import LANGUAGES

SLACK_API_DEFAULT = "https://slack.com/api/"


class ConfigError(Exception):
    """A setting is missing or wrong; the message names it."""


@dataclass(frozen=True)
class Settings:
    bot_token: str | None
    signing_secret: str | None
    app_token: str | None
    database_url: str
    slack_api_url: str
    default_currency: str
    default_language: str
    default_timezone: str

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, dotenv: Path | None = None) -> Settings:
        """The process environment wins over `.env` (looked for in the working directory)."""
        values: dict[str, str] = {}
        path = dotenv if dotenv is not None else Path.cwd() / ".env"
        if path.is_file():
            values.update({k: v for k, v in dotenv_values(path).items() if v is not None})
        values.update(os.environ if env is None else env)

        def get(name: str) -> str | None:
            value = values.get(name, "").strip()
            return value or None

        api = get("SLACK_API_URL") or SLACK_API_DEFAULT
        if not api.endswith("/"):
            api += "/"
        currency = (get("SALESBOT_CURRENCY") or "EUR").upper()
        if len(currency) != 3 or not currency.isalpha():
            raise ConfigError(f"SALESBOT_CURRENCY must be an ISO 4217 code, not {currency!r}")
        language = (get("SALESBOT_LANGUAGE") or "fr").lower()
        if language not in LANGUAGES:
            wanted = " or ".join(LANGUAGES)
            raise ConfigError(f"SALESBOT_LANGUAGE must be {wanted}, not {language!r}")
        return cls(
            bot_token=get("SLACK_BOT_TOKEN"),
            signing_secret=get("SLACK_SIGNING_SECRET"),
            app_token=get("SLACK_APP_TOKEN"),
            database_url=get("DATABASE_URL") or "sqlite:///salesbot.db",
            slack_api_url=api,
            default_currency=currency,
            default_language=language,
            default_timezone=get("SALESBOT_TIMEZONE") or "Europe/Paris",
        )

    @property
    def mode(self) -> str:
        """What `salesbot run` starts, from the credentials present."""
        if self.bot_token and self.app_token:
            return "socket"
        if self.bot_token and self.signing_secret:
            return "http"
        return "console"

    def require(self, *names: str) -> None:
        missing = [n for n in names if not getattr(self, _FIELDS[n])]
        if missing:
            raise ConfigError("missing setting(s): " + ", ".join(missing))


_FIELDS = {
    "SLACK_BOT_TOKEN": "bot_token",
    "SLACK_SIGNING_SECRET": "signing_secret",
    "SLACK_APP_TOKEN": "app_token",
}
