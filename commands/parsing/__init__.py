"""Pure text parsers for what salespeople type: amounts, close dates, percentages, `/opp new`
lines, arguments, mentions and references.

Nothing here knows about Slack or the database. Every refusal is an `InvalidInput` whose message
says what was understood, so the user can fix the text instead of guessing, and nothing doubtful
is ever stored silently.
"""

from commands.parsing.amounts import (
    MAX_AMOUNT,
    Amount,
    find_amount,
    locate_amount,
    minor_units,
    parse_amount,
)
from commands.parsing.dates import MAX_YEARS_AHEAD, parse_close_date, warm_up
from commands.parsing.percent import parse_percent
from commands.parsing.quick_create import QuickCreate, parse_quick_create
from commands.parsing.text import (
    clean_text,
    parse_opp_ref,
    parse_user_mention,
    read_args,
    split_args,
)

__all__ = [
    "MAX_AMOUNT",
    "MAX_YEARS_AHEAD",
    "Amount",
    "QuickCreate",
    "clean_text",
    "find_amount",
    "locate_amount",
    "minor_units",
    "parse_amount",
    "parse_close_date",
    "parse_opp_ref",
    "parse_percent",
    "parse_quick_create",
    "parse_user_mention",
    "read_args",
    "split_args",
    "warm_up",
]
