"""Domain errors: each carries a catalog key and parameters, rendered in the user's language.

One error handler in `bot/` turns them into a message, so no listener needs its own try/except.
"""

from __future__ import annotations

import re
from typing import Any

# Raised by storage when the deal changed under a request (its version moved on): the caller
# answers with the deal as it is now. Re-exported so the floors above import no SQLAlchemy.
from storage.db import ConcurrentEdit

__all__ = [
    "ConcurrentEdit",
    "DomainError",
    "Forbidden",
    "FormInvalid",
    "InvalidInput",
    "NotFound",
]

# Echoed user text loses its control characters (a NUL, an escape sequence) and the invisible
# marks that make it display otherwise than typed: a refusal quotes, it never replays.
_UNSHOWABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)


def _showable(value: Any) -> Any:
    return _UNSHOWABLE.sub("", value) if isinstance(value, str) else value


class DomainError(Exception):
    """A refusal the user should read: the key names a message in the catalog."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = {name: _showable(value) for name, value in params.items()}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r}, {self.params!r})"


class InvalidInput(DomainError):
    """The text or form could not be understood, or breaks a rule; nothing was changed."""

    def __init__(self, key: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(key, **params)
        self.field = field


class NotFound(DomainError):
    """The thing referred to does not exist in this workspace."""


class Forbidden(DomainError):
    """The user may not do this."""


class FormInvalid(DomainError):
    """Several fields of a form were refused: each is answered next to its field."""

    def __init__(self, errors: dict[str, DomainError]) -> None:
        super().__init__("form.invalid")
        self.errors = errors
