"""How text is compared, for every floor: one folding, so a name typed in Slack, a header read
from a spreadsheet and a key stored in the database agree.

Account and process name keys and lost-reason label keys are stored folded: changing what `fold`
returns needs a migration that recomputes them (0007 did, when apostrophes were straightened).
"""

from __future__ import annotations

import unicodedata

# What keyboards type for an apostrophe: Slack on a Mac and phones insert the curly one.
_APOSTROPHES = str.maketrans("\u2019\u2018\u02bc", "'''")


def fold(text: str) -> str:
    """No case, no accents, one space between words, one apostrophe:
    "Société  Générale" → "societe generale", "Appel d’offres" → "appel d'offres"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())
