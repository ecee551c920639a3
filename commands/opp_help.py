"""`/opp help`: usage, in the user's language (the text itself lives in the catalog)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Help:
    command: str = "/opp"
