"""`/opp`: which subcommand a rep typed, in French or English."""

from __future__ import annotations

from dataclasses import dataclass

from commands.errors import InvalidInput
from commands.parsing import clean_text, parse_opp_ref
from storage.queries import name_key

# Every word a rep may type for a subcommand, folded (no case, no accents) → its canonical name.
OPP_SUBCOMMANDS: dict[str, str] = {
    "help": "help",
    "aide": "help",
    "?": "help",
    "h": "help",
    "new": "new",
    "nouvelle": "new",
    "nouveau": "new",
    "creer": "new",
    "create": "new",
    "add": "new",
    "ajouter": "new",
    "ajout": "new",
    "list": "list",
    "liste": "list",
    "ls": "list",
    "mes": "list",
    "mine": "list",
    "show": "show",
    "voir": "show",
    "afficher": "show",
    "fiche": "show",
    "view": "show",
    "account": "account",
    "compte": "account",
    "client": "account",
    "customer": "account",
    "move": "move",
    "deplacer": "move",
    "etape": "move",
    "stage": "move",
    "next": "next",
    "suivant": "next",
    "suivante": "next",
    "avancer": "next",
    "advance": "next",
    "won": "won",
    "win": "won",
    "gagne": "won",
    "gagnee": "won",
    "signe": "won",
    "signee": "won",
    "lost": "lost",
    "lose": "lost",
    "perdu": "lost",
    "perdue": "lost",
    "reopen": "reopen",
    "rouvrir": "reopen",
    "reouvrir": "reopen",
    "edit": "edit",
    "modifier": "edit",
    "editer": "edit",
    "changer": "edit",
    "update": "edit",
    "snooze": "snooze",
    "veille": "snooze",
    "reporter": "snooze",
    "mettre-en-veille": "snooze",
    "export": "export",
    "exporter": "export",
}


@dataclass(frozen=True)
class Routed:
    subcommand: str
    rest: str


def route(text: str) -> Routed:
    """Split `/opp <word> <rest>`; a bare `#N` means show it."""
    text = clean_text(text)
    if not text:
        return Routed("help", "")
    word, _, rest = text.partition(" ")
    if parse_opp_ref(word) is not None and word.startswith("#"):
        return Routed("show", text)
    subcommand = OPP_SUBCOMMANDS.get(name_key(word))
    if subcommand is None:
        raise InvalidInput("opp.unknown_subcommand", word=word[:40])
    return Routed(subcommand, rest.strip())
