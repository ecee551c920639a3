"""`/opp`: which subcommand a rep typed, in French or English, and doing it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.deals import account, edit, listing, moves, new, show, snooze, transitions
from commands.deals.account import AccountView
from commands.deals.cards import Card
from commands.deals.listing import OpportunityList
from commands.errors import InvalidInput
from commands.io import export
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


# Subcommands that only read: the listener opens a read-only unit of work for them.
READS = frozenset({"help", "list", "show", "account", "export"})


@dataclass(frozen=True)
class Routed:
    subcommand: str
    rest: str

    @property
    def writes(self) -> bool:
        return self.subcommand not in READS


@dataclass(frozen=True)
class NewForm:
    """`/opp new` without enough on the line: the modal to open, pre-filled."""

    prefill: new.Prefill
    choices: new.FormChoices


@dataclass(frozen=True)
class Moved:
    """A deal moved or edited from the command line, and its card afterwards."""

    subcommand: str
    outcome: transitions.Outcome
    card: Card


Result = new.Created | NewForm | OpportunityList | Card | Moved | AccountView | export.Plan

MOVES: dict[str, Callable[..., transitions.Outcome]] = {
    "move": moves.move,
    "next": moves.advance,
    "won": moves.win,
    "lost": moves.lose,
    "reopen": moves.reopen,
    "edit": edit.handle,
    "snooze": snooze.handle,
}


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


def run(*, session: Session, actor: Actor, routed: Routed, key: str | None = None) -> Result:
    """Do what `routed` says; `help` is the listener's (no database work). An export is only
    planned here (who, how many): the files are written after the ack. `key` identifies this
    delivery of the command: a create delivered twice makes one deal."""
    sub, rest = routed.subcommand, routed.rest
    if sub == "new":
        created = new.quick(session=session, actor=actor, text=rest, key=key) if rest else None
        if isinstance(created, new.Created):
            return created
        prefill = created.prefill if created is not None else new.Prefill()
        return NewForm(prefill, new.choices(session=session, actor=actor))
    if sub == "list":
        return listing.handle(session=session, actor=actor, text=rest)
    if sub == "show":
        return show.handle(session=session, actor=actor, text=rest)
    if sub == "account":
        return account.handle(session=session, actor=actor, text=rest)
    if sub == "export":
        return export.plan(session=session, actor=actor, text=rest)
    if sub not in MOVES:
        raise InvalidInput("opp.unknown_subcommand", word=sub)
    outcome = MOVES[sub](session=session, actor=actor, text=rest)
    session.flush()
    card = show.full_card(session=session, actor=actor, opportunity=outcome.opportunity)
    return Moved(sub, outcome, card)
