"""What every listener needs: settings, the database, the clock, and the actor cache."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.background import Background, Inline
from bot.settings import Settings
from storage.db import Database


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Profile:
    """What we know of a user, cached briefly so the ack path rarely touches the database."""

    lang: str
    tz: str
    role: str


@dataclass
class ProfileCache:
    ttl: float = 60.0
    _items: dict[tuple[str, str], tuple[float, Profile]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, team_id: str, user_id: str) -> Profile | None:
        with self._lock:
            item = self._items.get((team_id, user_id))
        if item is None or item[0] < time.monotonic():
            return None
        return item[1]

    def put(self, team_id: str, user_id: str, profile: Profile) -> None:
        with self._lock:
            if len(self._items) > 50_000:  # bounded: a huge org cannot grow it forever
                self._items.clear()
            self._items[(team_id, user_id)] = (time.monotonic() + self.ttl, profile)

    def forget(self, team_id: str, user_id: str) -> None:
        with self._lock:
            self._items.pop((team_id, user_id), None)


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Callable[[], datetime] = utc_now
    profiles: ProfileCache = field(default_factory=ProfileCache)
    # What is not the answer (Home publishes). In line by default (tests, one-shot commands);
    # a serving app gets a queue with its own threads (`bot.app.create_app`).
    background: Background = field(default_factory=Inline)
