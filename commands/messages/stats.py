"""Catalog entries (see commands.messages)."""

MESSAGES: dict[str, dict[str, str]] = {}
