"""`/opp new <account> <amount> <title…> [close <date phrase>]`, read in one line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from commands.errors import InvalidInput
from commands.parsing.amounts import Amount, find_amount
from commands.parsing.dates import parse_close_date
from commands.parsing.text import clean_text, fold_phrase, read_quoted


@dataclass(frozen=True)
class QuickCreate:
    account: str | None
    title: str | None
    amount: Amount | None
    close_date: date | None
    date_error: InvalidInput | None
    """Why the date phrase that was given is refused; the other fields still hold."""


# "close" and "échéance" announce a date for sure; the others are also ordinary nouns
# ("signature électronique", "due diligence", "peinture pour le hall"), so they start the date
# only when a date follows them.
_SURE_KEYWORDS = frozenset(("close", "closing", "echeance"))
_MAYBE_KEYWORDS = frozenset(("signature", "signing", "cloture", "due", "date"))
_MAX_KEYWORDS_TRIED = 5  # each try may cost a dateparser call


def _keyword(word: str) -> str | None:
    folded = fold_phrase(word).rstrip(":").removeprefix("d'")  # "date d'échéance :"
    return folded if folded in _SURE_KEYWORDS or folded in _MAYBE_KEYWORDS else None


def _announces_date(words: list[str], index: int) -> bool:
    if fold_phrase(words[index]) == "pour":  # "pour le 15 octobre", not "pour 3 postes"
        following = fold_phrase(words[index + 1]) if index + 1 < len(words) else ""
        return re.fullmatch(r"le|la|l'.*", following) is not None
    return _keyword(words[index]) is not None


def _end_of_keywords(words: list[str], index: int) -> int:
    """The index after the words announcing the date: "closing date :", "date de signature"."""
    end = index + 1
    while end < len(words):
        if _keyword(words[end]) or words[end] in (":", "-", "="):
            end += 1
        elif (
            fold_phrase(words[end]) in ("de", "du")
            and end + 1 < len(words)
            and _keyword(words[end + 1])
        ):
            end += 2
        else:
            break
    return end


def _split_date(
    body: str, *, has_account: bool, today: date
) -> tuple[int, date | None, InvalidInput | None]:
    """Where the date phrase of a quick-create line starts, and what it says.

    Returns (cut, close_date, date_error), with cut = len(body) when there is no date phrase.
    """
    spans = list(re.finditer(r"\S+", body))
    words = [span.group() for span in spans]
    fallback: tuple[int, date | None, InvalidInput | None] = (len(body), None, None)
    tried = 0
    index = 0 if has_account else 1  # an unquoted first word is the account, whatever it says
    while index < len(words) and tried < _MAX_KEYWORDS_TRIED:
        if not _announces_date(words, index):
            index += 1
            continue
        tried += 1
        cut, announcing = spans[index].start(), words[index]
        sure = _keyword(announcing) in _SURE_KEYWORDS
        end = _end_of_keywords(words, index)
        phrase = body[spans[end].start() :] if end < len(words) else ""
        index = end
        if not phrase:
            if sure and fallback[2] is None:
                missing = InvalidInput(
                    "parse.date_missing", field="close_date", keyword=announcing.rstrip(":")
                )
                fallback = (cut, None, missing)
            continue
        try:
            return cut, parse_close_date(phrase, today=today), None
        except InvalidInput as error:
            if error.key != "parse.date_unknown":
                return cut, None, error  # understood as a date, but refused
            if sure and fallback[2] is None:  # a typo after "close" must not vanish
                fallback = (cut, None, error)
    return fallback


def _tidy(text: str) -> str | None:
    return text.strip(" ,;:-–—") or None


def parse_quick_create(text: str, *, today: date) -> QuickCreate:
    """Read `/opp new <account> <amount> <title…> [close <date phrase>]`.

    The account is a quoted first group, or else the words before the amount; the title is what
    remains before the date keyword. Without an amount, the first word (or quoted group) is the
    account and the rest the title. A refused date never raises: it goes into `date_error`.
    """
    line = clean_text(text, single_line=True)
    account: str | None = None
    body_start = 0
    quoted = read_quoted(line, 0)
    if quoted is not None:
        account = _tidy(quoted[0])
        body_start = quoted[1]
    body = line[body_start:]
    cut, close_date, date_error = _split_date(body, has_account=quoted is not None, today=today)
    head = body[:cut]
    found = find_amount(head)
    amount: Amount | None = None
    if found is not None:
        start, end, amount = found
        if quoted is None:
            account, title = _tidy(head[:start]), _tidy(head[end:])
        else:
            title = _tidy(head[:start] + " " + head[end:])
    elif quoted is None:
        first, _, rest = head.strip().partition(" ")
        account, title = _tidy(first), _tidy(rest)
    else:
        title = _tidy(head)
    return QuickCreate(
        account=account, title=title, amount=amount, close_date=close_date, date_error=date_error
    )
