"""Catalog entries of `/salesbot` (see commands.messages)."""

MESSAGES: dict[str, dict[str, str]] = {}
