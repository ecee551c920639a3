"""Translating catalog keys into the user's language."""

from __future__ import annotations

from typing import Any

from commands.messages import CATALOG, LANGUAGES

DEFAULT_LANGUAGE = "fr"


def language_from_locale(locale: str | None) -> str | None:
    """The catalog language of a Slack locale (`fr-FR`, `en-US`, `en-GB`…), if we have it."""
    if locale:
        lang = locale.replace("_", "-").split("-")[0].lower()
        if lang in LANGUAGES:
            return lang
    return None


def language_of(locale: str | None, fallback: str = DEFAULT_LANGUAGE) -> str:
    """A Slack locale's language, else the fallback (a workspace's default)."""
    lang = language_from_locale(locale)
    if lang is not None:
        return lang
    return fallback if fallback in LANGUAGES else DEFAULT_LANGUAGE


def t(lang: str, key: str, **params: Any) -> str:
    """The text for `key` in `lang`, with its placeholders filled."""
    texts = CATALOG[key]
    text = texts.get(lang) or texts[DEFAULT_LANGUAGE]
    return text.format(**params) if params else text
