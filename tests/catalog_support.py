"""The message catalogs as the tests read them: each language's texts by key, uncompiled."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from commands.i18n import LOCALE_DIR, catalog_path


def read_catalog(lang: str, directory: Path = LOCALE_DIR) -> Catalog:
    with catalog_path(directory, lang).open("rb") as po:
        return read_po(po)


def catalog_texts(lang: str, directory: Path = LOCALE_DIR) -> dict[str, tuple[str, ...]]:
    """Each key's text, or its plural forms, in `lang` (the header left out)."""
    texts: dict[str, tuple[str, ...]] = {}
    for message in read_catalog(lang, directory):
        if isinstance(message.id, str):
            if message.id:
                texts[message.id] = (str(message.string),)
        else:
            texts[message.id[0]] = tuple(message.string)
    return texts
