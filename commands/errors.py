"""Domain errors: each carries a catalog key and parameters, rendered in the user's language.

One error handler in `bot/` turns them into a message, so no listener needs its own try/except.
"""

from __future__ import annotations

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


class DomainError(Exception):
    """A refusal the user should read: the key names a message in the catalog."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

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
