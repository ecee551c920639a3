"""How text is compared, for every floor: one folding, so a name typed in Slack, a header read
from a spreadsheet and a key stored in the database agree.

Account, process and stage name keys are stored folded: changing what `fold` returns would break
the lookup of existing rows.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """No case, no accents, one space between words: "Société  Générale" → "societe generale"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())
