"""How names are compared: the keys stored beside them."""

from __future__ import annotations

from storage.text import fold


def name_key(name: str) -> str:
    """Case- and accent-insensitive key: "Société Générale" and "societe generale" match."""
    return fold(name)


_DASHES = str.maketrans("-\u2010\u2011\u2012\u2013\u2014", "      ")


def label_key(label: str) -> str:
    """How a deal's origin or product is compared: `name_key`, a dash being a space, so that
    "Bouche-à-oreille" and "bouche a oreille" match. Never stored: nothing to recompute."""
    return " ".join(fold(label).translate(_DASHES).split())
