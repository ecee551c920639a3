"""`/opp new <account> <amount> <title…> [<date phrase>]`, read in one line.

What each part is:
- the account is a quoted first group, else the words before the amount, else the first word;
- the amount is the one `locate_amount` picks; when what reads as the amount cannot be one
  (negative, zero, over `MAX_AMOUNT`), it is kept out of the title and refused (`amount_error`);
- the close date is announced by a keyword, or is the line's trailing date phrase.

Keywords: "close", "closing" and "échéance" always announce a date, so what follows them must
read as one. "signature", "signing", "clôture", "due" and "date" are also ordinary nouns: when
they open the title ("signature électronique", "due diligence") they belong to it; after a word
of title, what follows them must read as a date, and is refused like after "close" when it does
not ("site web signature xyzzy"). "pour le …" announces a date only when one follows.

A trailing date phrase needs no keyword when it is unambiguous, that is when all of these hold:
- the line's last words (at most six) are read whole by `parse_close_date` ("next friday",
  "vendredi prochain", "dans 3 semaines", "fin octobre", "Q3", "T2 2027", "15/10", "15 octobre")
  and each is a word dates are made of (`is_date_word`), so a title's "A4" or "v2" is never
  read into a date however lenient the date reader;
- the phrase is found from the shortest ending up, and once some words read as a date, it
  grows only by words that open a date phrase ("le", "fin", "end of", "d'ici", "next"): in
  "Q1 après 15/10" or "appartement T3 demain" the title keeps "après" and "T3";
- a single word is a date only when it can be nothing else: Q1–Q4, 15/10, 15/10/2027,
  2027-10-15, demain, tomorrow. A lone month, weekday, year, day number or T1–T4 is also a
  product or a name ("audit mars", "black friday", "plan 2027", "appartement T3");
- a phrase starting with a bare number goes on with a month ("15 octobre"): in "lot 2 dans
  3 semaines" the 2 is the title's; a number of units without "dans"/"in" is the length of
  what is sold ("licence 3 ans", "formation 2 jours"), not a date;
- what the whole phrase leaves is a title ("Acme 6k next friday" keeps "next friday" as its
  title), and that title does not end on a word calling for a complement ("campagne de Q3",
  "prime de fin d'année": the date is part of the title).
A trailing phrase read as a date that is refused (past, more than five years ahead) is refused,
as after a keyword. A keyword's date wins over a trailing one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from commands.errors import InvalidInput
from commands.parsing.amounts import Amount, locate_amount
from commands.parsing.dates import is_date_word, is_month, parse_close_date
from commands.parsing.text import clean_text, fold_phrase, read_quoted


@dataclass(frozen=True)
class QuickCreate:
    account: str | None
    title: str | None
    amount: Amount | None
    close_date: date | None
    date_error: InvalidInput | None
    """Why the date phrase that was given is refused; the other fields still hold."""
    amount_error: InvalidInput | None = None
    """Why what reads as the amount cannot be one; it is in neither the title nor `amount`."""


@dataclass(frozen=True)
class _Reading:
    cut: int
    """Where the date phrase (with its keyword) starts in the body."""
    close_date: date | None
    error: InvalidInput | None


# "close" and "échéance" announce a date for sure; the others are also ordinary nouns
# ("signature électronique", "due diligence", "peinture pour le hall").
_SURE_KEYWORDS = frozenset(("close", "closing", "echeance"))
_MAYBE_KEYWORDS = frozenset(("signature", "signing", "cloture", "due", "date"))
_MAX_KEYWORDS_TRIED = 5  # each try may cost a dateparser call
_MAX_TRAILING_WORDS = 6  # "by the end of next month" is the longest anyone types
_LONE_DATE = re.compile(
    r"q[1-4]|[0-9]{1,2}/[0-9]{1,2}(?:/[0-9]{2}(?:[0-9]{2})?)?|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"|demain|apres-demain|tomorrow"
)
# Words that open a date phrase before words already read as a date: "le 15", "fin octobre",
# "end of next month", "d'ici fin mars", "mi-T3".
_OPENING = re.compile(
    r"le|la|l'|the|of|de|du|d'|a|à|au|en|on|by|before|avant|pour|for|vers|around|courant"
    r"|d'ici|dans|in|within|fin|debut|mi|mid|milieu|middle|end|early|late|beginning|start"
    r"|next|this|ce|cette"
)
# Words after which a date is the title's complement, not the deal's close date.
_DANGLING = re.compile(
    r"de|du|des|d'|of|the|for|pour|par|en|le|la|les|l'|a|à|au|aux|avec|with|et|and|sur|on"
)
_DURATION = re.compile(
    r"[0-9]+(?:[.,][0-9]+)?\s*(?:j|jours?|sem|semaines?|mois|ans?|annees?|h|heures?|min|minutes?"
    r"|days?|weeks?|months?|years?|hours?|hrs?)"
)


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


def _keyword_date(
    body: str, *, has_account: bool, today: date, lang: str | None = None
) -> tuple[_Reading | None, _Reading | None, list[_Reading]]:
    """The date announced by a keyword: (read or refused as a date, a sure keyword's unread
    phrase, maybe-keywords' unread phrases). Only the first is final; see the module's rules."""
    spans = list(re.finditer(r"\S+", body))
    words = [span.group() for span in spans]
    sure_unread: _Reading | None = None
    maybe_unread: list[_Reading] = []
    tried = 0
    index = 0 if has_account else 1  # an unquoted first word is the account, whatever it says
    while index < len(words) and tried < _MAX_KEYWORDS_TRIED:
        if not _announces_date(words, index):
            index += 1
            continue
        tried += 1
        cut, announcing = spans[index].start(), words[index]
        keyword = _keyword(announcing)
        end = _end_of_keywords(words, index)
        phrase = body[spans[end].start() :] if end < len(words) else ""
        index = end
        if not phrase:
            if keyword in _SURE_KEYWORDS and sure_unread is None:
                missing = InvalidInput(
                    "parse.date_missing", field="close_date", keyword=announcing.rstrip(":")
                )
                sure_unread = _Reading(cut, None, missing)
            continue
        try:
            return _Reading(cut, parse_close_date(phrase, today=today, lang=lang), None), None, []
        except InvalidInput as error:
            if error.key != "parse.date_unknown":
                return _Reading(cut, None, error), None, []  # understood as a date, but refused
            if keyword in _SURE_KEYWORDS:  # a typo after "close" must not vanish
                sure_unread = sure_unread or _Reading(cut, None, error)
            elif keyword is not None:
                maybe_unread.append(_Reading(cut, None, error))
    return None, sure_unread, maybe_unread


def _unambiguous(words: list[str]) -> bool:
    """Whether trailing words, if they read as a date, can only be one (the module's rules)."""
    if not all(map(is_date_word, words)):
        return False
    if len(words) == 1:
        return _LONE_DATE.fullmatch(fold_phrase(words[0])) is not None
    if words[0].isdigit() and not is_month(words[1]):
        return False
    return _DURATION.fullmatch(fold_phrase(" ".join(words))) is None


def _complete(title: str | None) -> bool:
    """A title that does not end on a word calling for a complement ("campagne de")."""
    if title is None:
        return False
    last = fold_phrase(title.split()[-1])
    return _DANGLING.fullmatch(last) is None and not last.endswith("'")


def _trailing_date(
    body: str, *, has_account: bool, account: str | None, today: date, lang: str | None = None
) -> _Reading | None:
    """The date phrase ending the line without a keyword, if unambiguous (the module's rules).

    Read from the shortest ending up: once some words read as a date, a longer phrase only adds
    words that open a date phrase ("le", "fin", "end of", "d'ici"), so a lenient date reader
    cannot take a title's word along ("Q1 après 15/10", "T3 demain").
    """
    spans = list(re.finditer(r"\S+", body))
    words = [span.group() for span in spans]
    first = max(0 if has_account else 1, len(words) - _MAX_TRAILING_WORDS)
    found: list[_Reading] = []
    for index in range(len(words) - 1, first - 1, -1):
        if found and _OPENING.fullmatch(fold_phrase(words[index])) is None:
            break
        if not _unambiguous(words[index:]):
            continue
        cut = spans[index].start()
        try:
            found.append(_Reading(cut, parse_close_date(body[cut:], today=today, lang=lang), None))
        except InvalidInput as error:
            if error.key != "parse.date_unknown":
                found.append(_Reading(cut, None, error))
    # The whole phrase or nothing: what it leaves must be a title.
    if found and _complete(_parts(body[: found[-1].cut], account=account)[1]):
        return found[-1]
    return None


def _tidy(text: str) -> str | None:
    return text.strip(" ,;:-–—") or None


def _parts(
    head: str, *, account: str | None
) -> tuple[str | None, str | None, Amount | InvalidInput | None]:
    """(account, title, amount or its refusal) of the line before its date phrase; `account`
    is the quoted one, if any."""
    located = locate_amount(head)
    if located is not None:
        start, end, amount = located
        if account is None:
            return _tidy(head[:start]), _tidy(head[end:]), amount
        return account, _tidy(head[:start] + " " + head[end:]), amount
    if account is None:
        first, _, rest = head.strip().partition(" ")
        return _tidy(first), _tidy(rest), None
    return account, _tidy(head), None


def parse_quick_create(text: str, *, today: date, lang: str | None = None) -> QuickCreate:
    """Read `/opp new <account> <amount> <title…> [<date phrase>]` (rules in the module doc).

    Without an amount, the first word (or quoted group) is the account and the rest the title.
    `lang` is the reader's language tag: numeric dates follow its order (en-US: 05/06 is May 6).
    Nothing refused raises: a refused date goes into `date_error`, a refused amount into
    `amount_error`, and the other fields still hold.
    """
    line = clean_text(text, single_line=True)
    account: str | None = None
    body_start = 0
    quoted = read_quoted(line, 0)
    if quoted is not None:
        account = _tidy(quoted[0])
        body_start = quoted[1]
    body = line[body_start:]
    has_account = quoted is not None
    final, sure_unread, maybe_unread = _keyword_date(
        body, has_account=has_account, today=today, lang=lang
    )
    reading = (
        final
        or sure_unread
        or _trailing_date(body, has_account=has_account, account=account, today=today, lang=lang)
        or next((r for r in maybe_unread if _parts(body[: r.cut], account=account)[1]), None)
        or _Reading(len(body), None, None)
    )
    account, title, amount = _parts(body[: reading.cut], account=account)
    refused = amount if isinstance(amount, InvalidInput) else None
    return QuickCreate(
        account=account,
        title=title,
        amount=amount if isinstance(amount, Amount) else None,
        close_date=reading.close_date,
        date_error=reading.error,
        amount_error=refused,
    )
