"""`/opp …`, the deal cards and their modals: what a rep does with a deal.

Each subcommand has its module, used as a namespace by the listeners (`deals.new.quick`,
`deals.edit.submit`, `deals.moves.advance`…). The cards they answer with (`Card`, `card_of`) and
the modal's choices are the surface other packages share. `router` (which subcommand was typed)
sits on top of the other packages (it plans exports), so it is imported by name, not from here:
`from commands.deals import router`.
"""

from commands.deals import (
    account,
    edit,
    listing,
    moves,
    new,
    show,
    snooze,
    transitions,
)
from commands.deals.account import AccountView
from commands.deals.cards import Card, HistoryEntry, StageInfo, card_of, days_between
from commands.deals.listing import OpportunityList
from commands.deals.new import (
    MAX_ACCOUNT,
    MAX_FREE,
    MAX_NEXT_STEP,
    MAX_TITLE,
    QUALIFICATION,
    FormChoices,
    Prefill,
    ProcessChoice,
)
from commands.deals.transitions import relocate

__all__ = [
    "MAX_ACCOUNT",
    "MAX_FREE",
    "MAX_NEXT_STEP",
    "MAX_TITLE",
    "QUALIFICATION",
    "AccountView",
    "Card",
    "FormChoices",
    "HistoryEntry",
    "OpportunityList",
    "Prefill",
    "ProcessChoice",
    "StageInfo",
    "account",
    "card_of",
    "days_between",
    "edit",
    "listing",
    "moves",
    "new",
    "relocate",
    "show",
    "snooze",
    "transitions",
]
