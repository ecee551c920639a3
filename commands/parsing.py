"""Pure text parsers for what salespeople type: amounts, close dates, `/opp new` lines.

Nothing here knows about Slack or the database. Every refusal is an `InvalidInput` whose message
says what was understood, so the user can fix the text instead of guessing, and nothing doubtful
is ever stored silently.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import dateparser

from commands.errors import InvalidInput

MAX_AMOUNT = Decimal(10**12)
"""Largest amount accepted, in major units: above it the text is surely a typo."""

MAX_YEARS_AHEAD = 5
"""A close date further than this is a typo ("6000"), not a forecast."""

_ECHO_LEN = 60  # refusals quote the text back; keep the quote short enough for a Slack message


def _echo(text: str) -> str:
    """The user's text as quoted back in a refusal: one line, bounded length."""
    line = " ".join(text.split())
    return line if len(line) <= _ECHO_LEN else line[: _ECHO_LEN - 1] + "…"


# --- Free text -------------------------------------------------------------------------------

# Control characters, lone surrogates (they break database encoders) and invisible direction
# marks (they make a name display differently from what it matches). \t and \n are handled apart.
_UNWANTED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)
_RUNS_OF_SPACE = re.compile(r"\s+")


def clean_text(text: str, *, max_len: int = 3000, single_line: bool = False) -> str:
    """Text safe to store and display: NFC, no control characters, stripped, bounded.

    Tabs become spaces; newlines are kept unless `single_line`, where every run of whitespace
    becomes one space (titles, account names).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = unicodedata.normalize("NFC", _UNWANTED.sub("", text))
    if single_line:
        text = _RUNS_OF_SPACE.sub(" ", text)
    text = text.strip()
    if len(text) > max_len:
        raise InvalidInput("parse.text_too_long", max=max_len, length=len(text))
    return text


# Opening quote → closing quote. Curly quotes are what phones and Slack's autocorrect type.
_QUOTES = {'"': '"', "'": "'", "“": "”", "”": "”", "„": "“", "‘": "’", "«": "»"}


def _read_quoted(text: str, start: int) -> tuple[str, int] | None:
    """The quoted token opening at `start` and the index just after it, if one opens there.

    A closing quote counts only before whitespace or the end, so "'Dupond's shop'" keeps its
    apostrophe; an unclosed quote runs to the end of the line.
    """
    close = _QUOTES.get(text[start]) if start < len(text) else None
    if close is None:
        return None
    end = start + 1
    while True:
        end = text.find(close, end)
        if end == -1:
            return text[start + 1 :].strip(), len(text)
        if end + 1 == len(text) or text[end + 1].isspace():
            return text[start + 1 : end].strip(), end + 1
        end += 1


def split_args(text: str) -> list[str]:
    """Split on whitespace, keeping quoted groups ("…", '…', “…”, «…») as one argument."""
    args: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        quoted = _read_quoted(text, i)
        if quoted is not None:
            arg, i = quoted
            args.append(arg)
            continue
        end = i
        while end < n and not text[end].isspace():
            end += 1
        args.append(text[i:end])
        i = end
    return args


_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_OPP_REF = re.compile(r"#?([0-9]{1,10})")


def parse_user_mention(token: str) -> str | None:
    """The user id in a Slack-escaped mention ("<@U123|name>" or "<@U123>"), else None."""
    match = _MENTION.fullmatch(token.strip())
    return match.group(1) if match else None


def parse_opp_ref(token: str) -> int | None:
    """The opportunity number in "#12" or "12", else None."""
    match = _OPP_REF.fullmatch(token.strip())
    if match is None:
        return None
    number = int(match.group(1))
    return number if 1 <= number <= 10**9 else None


# --- Amounts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Amount:
    minor: int
    """Exact amount in minor units (cents)."""
    currency: str | None
    """ISO code when a symbol or code was typed, else None (the team's currency applies)."""


_SPACE = "[ \u00a0\u2009\u202f]"  # space, no-break, thin and narrow no-break: thousands only
_CURRENCY_CODES = {
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "£": "GBP",
    "gbp": "GBP",
}
_AMOUNT = rf"""
    (?P<sign>[-−]{_SPACE}?)?
    (?:(?P<prefix>€|\$|£|eur|usd|gbp){_SPACE}?)?
    (?P<number>
        (?:[0-9]{{1,3}}(?:{_SPACE}[0-9]{{3}})+(?![0-9])
          |[0-9]{{1,3}}(?:,[0-9]{{3}})+(?![0-9])
          |[0-9]{{1,3}}(?:\.[0-9]{{3}})+(?![0-9])
          |[0-9]+)
        (?:[.,][0-9]+)?
    )
    (?:{_SPACE}?(?P<multiplier>[km]))?
    (?:{_SPACE}?(?P<suffix>€|\$|£|euros?|eur|usd|gbp|dollars?))?
"""
_AMOUNT_ALONE = re.compile(_AMOUNT, re.VERBOSE | re.IGNORECASE)
# In free text an amount stands apart: not glued to a word ("A4", "v2"), a date ("15/10"),
# a time ("10:30"), a percentage or a reference ("#12").
_AMOUNT_IN_TEXT = re.compile(
    rf"""(?<![^\s(\[«“"']) {_AMOUNT} (?=$|[\s)\]!?;»”"']|[.,](?:$|\s))""",
    re.VERBOSE | re.IGNORECASE,
)
_NUMBER_PARTS = re.compile(rf"([.,]|{_SPACE})")


def _number_value(raw: str, *, scaled: bool) -> Decimal | None:
    """The value of a number written with thousands separators and a decimal mark, or None.

    A "," or "." followed by exactly three final digits groups thousands ("6,000"); otherwise it
    is the decimal mark ("6,5"). Spaces only group thousands. With k/M (`scaled`), a lone
    separator is always the decimal mark ("1.500k" is 1,500) and decimals are not limited.
    """
    parts = _NUMBER_PARTS.split(raw)
    groups, separators = parts[0::2], [" " if s.isspace() else s for s in parts[1::2]]
    if not separators:
        return Decimal(raw)
    decimal_mark, decimals = None, ""
    last_separator, last_group = separators[-1], groups[-1]
    if last_separator != " " and (len(last_group) != 3 or (scaled and len(separators) == 1)):
        decimal_mark, decimals = last_separator, last_group
        groups, separators = groups[:-1], separators[:-1]
    if separators:
        if len(set(separators)) != 1 or separators[0] == decimal_mark:
            return None
        if len(groups[0]) > 3 or any(len(group) != 3 for group in groups[1:]):
            return None
    if len(decimals) > 2 and not scaled:
        return None
    return Decimal("".join(groups) + ("." + decimals if decimals else ""))


def _amount_of(match: re.Match[str], text: str) -> Amount:
    """The amount a regex match stands for; refuses invalid, non-positive and huge ones."""
    multiplier = (match.group("multiplier") or "").lower()
    value = _number_value(match.group("number"), scaled=bool(multiplier))
    prefix, suffix = match.group("prefix"), match.group("suffix")
    if value is None or (prefix and suffix):
        raise InvalidInput("parse.amount_invalid", field="amount", text=_echo(text))
    if multiplier:
        value = value.scaleb(3 if multiplier == "k" else 6)
    if match.group("sign"):
        raise InvalidInput("parse.amount_not_positive", field="amount", text=_echo(text))
    symbol = prefix or suffix
    return Amount(
        minor=minor_units(value, text),
        currency=_CURRENCY_CODES[symbol.lower()] if symbol else None,
    )


def minor_units(value: Decimal, text: str) -> int:
    """A positive amount in cents (rounded half up), refused when zero or over the maximum;
    `text` is what the user typed, echoed in the refusal."""
    if value <= 0:
        raise InvalidInput("parse.amount_not_positive", field="amount", text=_echo(text))
    if value > MAX_AMOUNT:
        raise InvalidInput("parse.amount_too_large", field="amount", text=_echo(text))
    cents = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if cents.is_zero():
        raise InvalidInput("parse.amount_not_positive", field="amount", text=_echo(text))
    return int(cents.scaleb(2))


def parse_amount(text: str) -> Amount:
    """The amount in `text`, which must be nothing else: "6 000 €", "$1,200.50", "6,5k"…"""
    match = _AMOUNT_ALONE.fullmatch(" ".join(text.split()))
    if match is None:
        raise InvalidInput("parse.amount_invalid", field="amount", text=_echo(text))
    return _amount_of(match, text)


def find_amount(text: str) -> tuple[int, int, Amount] | None:
    """The span and value of the amount in free text, or None.

    An amount marked with a currency or k/M wins over a bare number met earlier, so the number
    in "Studio 54 6000 € déco" is 6000. An integer followed by M alone is a name ("3M"), not
    three million.
    """
    first_bare: tuple[int, int, Amount] | None = None
    for match in _AMOUNT_IN_TEXT.finditer(text):
        try:
            amount = _amount_of(match, text)
        except InvalidInput:
            continue
        marked = bool(match.group("prefix") or match.group("suffix"))
        multiplier = (match.group("multiplier") or "").lower()
        if multiplier == "m" and not marked and not any(c in ".," for c in match.group("number")):
            continue
        if marked or multiplier:
            return match.start(), match.end(), amount
        if first_bare is None:
            first_bare = (match.start(), match.end(), amount)
    return first_bare


# --- Close dates -----------------------------------------------------------------------------

_MONTH_NAMES = (
    "janvier janv jan january",
    "fevrier fevr fev feb febr february",
    "mars mar march",
    "avril avr apr april",
    "mai may",
    "juin jun june",
    "juillet juil jul july",
    "aout aou aug august",
    "septembre sept sep september",
    "octobre oct october",
    "novembre nov november",
    "decembre dec december",
)
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names.split()}
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            "lundi monday",
            "mardi tuesday",
            "mercredi wednesday",
            "jeudi thursday",
            "vendredi friday",
            "samedi saturday",
            "dimanche sunday",
        )
    )
    for name in names.split()
}
_QUARTER_ORDINALS = {
    **dict.fromkeys(("1er", "1e", "1re", "premier", "1st", "first"), 1),
    **dict.fromkeys(("2e", "2eme", "2nd", "deuxieme", "second"), 2),
    **dict.fromkeys(("3e", "3eme", "3rd", "troisieme", "third"), 3),
    **dict.fromkeys(("4e", "4eme", "4th", "quatrieme", "fourth", "dernier", "last"), 4),
}


def _one_of(names: Iterable[str]) -> str:
    # Longest first, so "mars" is not read as "mar" + "s".
    return "|".join(sorted(map(re.escape, names), key=len, reverse=True))


_MONTH = rf"(?P<month_name>{_one_of(_MONTHS)})\.?"
_WEEKDAY = rf"(?P<weekday>{_one_of(_WEEKDAYS)})"
_ORDINAL = r"(?:er|re|eme|e|st|nd|rd|th)?"
# Words before a date that do not change it: "le 3 mars", "d'ici fin octobre", "by the end of…".
_LEAD_WORDS = re.compile(
    r"(?:(?:d'ici|by|on|before|avant|pour|for|vers|around|courant|en|au|a|à|le|la|the)\s+|l'\s*)+"
)

_ISO_DATE = re.compile(r"(?P<year>[0-9]{4})([-/.])(?P<month>[0-9]{1,2})\2(?P<day>[0-9]{1,2})")
_NUMERIC_DATE = re.compile(
    r"(?P<day>[0-9]{1,2})([-/.])(?P<month>[0-9]{1,2})(?:\2(?P<year>[0-9]{4}|[0-9]{2}))?"
)
_DAY_MONTH = re.compile(
    rf"(?:{_WEEKDAY},?\s+)?(?P<day>[0-9]{{1,2}}){_ORDINAL}\s*(?:(?:de|of)\s+)?{_MONTH}"
    rf"(?:,?\s+(?P<year>[0-9]{{4}}))?"
)
_MONTH_DAY = re.compile(
    rf"(?:{_WEEKDAY},?\s+)?{_MONTH}\s+(?:the\s+)?(?P<day>[0-9]{{1,2}}){_ORDINAL}"
    rf"(?:,?\s+(?P<year>[0-9]{{4}}))?"
)
_DAY_ALONE = re.compile(rf"(?P<day>[0-9]{{1,2}}){_ORDINAL}")
_WEEKDAY_DATE = re.compile(
    rf"(?:(?P<this>ce|cette|this)\s+|next\s+)?{_WEEKDAY}(?:\s+(?:prochain|next))?"
)
_YEAR_END = re.compile(r"(?:(?P<next>next)\s+)?year[\s-]?end")
_PERIOD = re.compile(
    rf"""
    (?:(?P<part>debut|early|beginning|start|mi|mid|milieu|middle|fin|end|late)
       (?:\s*-\s*|\s+)
       (?:(?:of|de|du|d'|des)\s*)?
       (?:(?:the|la|le|l'|this|ce|cette)\s*)?
    )?
    (?:
        (?P<month_next_before>next\s+)?{_MONTH}
            (?:\s+(?P<month_year>[0-9]{{4}})|\s+(?P<month_next_after>prochain))?
      | (?:[qt](?P<quarter>[1-4])|(?P<quarter_ordinal>{_one_of(_QUARTER_ORDINALS)})
            \s+(?:trimestre|quarter))
            (?:\s*[-/]?\s*(?:(?:de|of)\s+)?(?P<quarter_year>[0-9]{{4}}))?
      | (?P<this_quarter_next_before>next\s+|prochain\s+)?(?P<this_quarter>trimestre|quarter)
            (?:\s+(?P<this_quarter_next_after>prochain|suivant))?
      | (?P<this_month_next_before>next\s+|prochain\s+)?(?P<this_month>mois|month)(?:-ci)?
            (?:\s+(?P<this_month_next_after>prochain|suivant))?
      | (?P<year>[0-9]{{4}})
      | (?P<this_year_next_before>next\s+)?(?P<this_year>annee|an|year)
            (?:\s+(?P<this_year_next_after>prochaine|prochain|suivante))?
    )
    """,
    re.VERBOSE,
)
_START_WORDS = frozenset(("debut", "early", "beginning", "start"))
_MIDDLE_WORDS = frozenset(("mi", "mid", "milieu", "middle"))
_LETTERS = re.compile(r"[^\W\d_]{2,}")
_MAX_DATE_TEXT = 80  # nobody types a longer date; it also bounds dateparser's work


def _fold(text: str) -> str:
    """Lower case, no accents, one space between words: what the date grammar reads."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().split()).rstrip(".!?,; ")


def _day(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput("parse.date_impossible", field="close_date", text=text) from None


def _last_day(year: int, month: int, text: str) -> date:
    if not 1 <= year <= 9999:
        raise InvalidInput("parse.date_impossible", field="close_date", text=text)
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_shift(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def _same_day_later(today: date, *, months: int) -> date:
    """Today's day number `months` later, on the month's last day if it is shorter."""
    year, month = _month_shift(today.year, today.month, months)
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def _year_of_month(month: int, today: date, *, next_: bool = False) -> int:
    """The year of the next occurrence of `month`: the current month still counts as this year,
    unless "next/prochain" was said."""
    if month < today.month or (next_ and month == today.month):
        return today.year + 1
    return today.year


def _in_period(part: str | None, year: int, first_month: int, months: int, text: str) -> date:
    """The day a period phrase stands for (see `parse_close_date`)."""
    if part in _START_WORDS:
        return _day(year, first_month, 5, text)
    if part in _MIDDLE_WORDS:
        if months == 12:
            return _day(year, 6, 30, text)
        return _day(year, first_month + months // 2, 15, text)
    return _last_day(year, first_month + months - 1, text)


def _period_date(match: re.Match[str], text: str, today: date) -> date | None:
    group = match.group
    part = group("part")
    current_quarter = (today.month - 1) // 3 + 1
    if group("month_name"):
        month = _MONTHS[group("month_name")]
        if group("month_year"):
            year = int(group("month_year"))
        else:
            next_ = bool(group("month_next_before") or group("month_next_after"))
            year = _year_of_month(month, today, next_=next_)
        return _in_period(part, year, month, 1, text)
    if group("quarter") or group("quarter_ordinal"):
        quarter = int(group("quarter") or _QUARTER_ORDINALS[group("quarter_ordinal")])
        if group("quarter_year"):
            year = int(group("quarter_year"))
        else:
            year = today.year + (quarter < current_quarter)
        return _in_period(part, year, 3 * quarter - 2, 3, text)
    if group("this_quarter"):
        next_ = bool(group("this_quarter_next_before") or group("this_quarter_next_after"))
        year, month = _month_shift(today.year, 3 * current_quarter - 2, 3 if next_ else 0)
        return _in_period(part, year, month, 3, text)
    if group("this_month"):
        next_ = bool(group("this_month_next_before") or group("this_month_next_after"))
        if part is None and next_:
            return _same_day_later(today, months=1)
        year, month = _month_shift(today.year, today.month, 1 if next_ else 0)
        return _in_period(part, year, month, 1, text)
    if group("year"):
        return _in_period(part, int(group("year")), 1, 12, text)
    if group("this_year"):
        next_ = bool(group("this_year_next_before") or group("this_year_next_after"))
        if part is None and next_:
            return _same_day_later(today, months=12)
        return _in_period(part, today.year + next_, 1, 12, text)
    return None


def _grammar_date(phrase: str, text: str, today: date) -> date | None:
    """The date for the phrases this module reads itself, or None to ask dateparser."""
    if match := _ISO_DATE.fullmatch(phrase):
        return _day(int(match["year"]), int(match["month"]), int(match["day"]), text)
    if match := _NUMERIC_DATE.fullmatch(phrase):
        day, month = int(match["day"]), int(match["month"])
        if month > 12 >= day:  # "10/15" can only be the American order
            day, month = month, day
        if match["year"]:
            year = int(match["year"]) + (2000 if len(match["year"]) == 2 else 0)
        else:
            year = _year_of_month(month, today)
        return _day(year, month, day, text)
    if match := _DAY_MONTH.fullmatch(phrase) or _MONTH_DAY.fullmatch(phrase):
        month = _MONTHS[match["month_name"]]
        year = int(match["year"]) if match["year"] else _year_of_month(month, today)
        return _day(year, month, int(match["day"]), text)
    if match := _DAY_ALONE.fullmatch(phrase):
        day = int(match["day"])
        year, month = _month_shift(today.year, today.month, 1 if day < today.day else 0)
        return _day(year, month, day, text)
    if match := _WEEKDAY_DATE.fullmatch(phrase):
        ahead = (_WEEKDAYS[match["weekday"]] - today.weekday()) % 7
        return date.fromordinal(today.toordinal() + (ahead or (0 if match["this"] else 7)))
    if match := _YEAR_END.fullmatch(phrase):
        return date(today.year + bool(match["next"]), 12, 31)
    if match := _PERIOD.fullmatch(phrase):
        return _period_date(match, text, today)
    return None


def _dateparser_settings(today: date) -> dict[str, object]:
    return {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": datetime(today.year, today.month, today.day),
        "DATE_ORDER": "DMY",
        "PREFER_LOCALE_DATE_ORDER": False,  # English would otherwise read 10/11 as October
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PARSERS": ["relative-time", "absolute-time"],  # no Unix timestamps: "1700000000"
    }


def _dateparser_date(texts: list[str], today: date) -> date | None:
    settings = _dateparser_settings(today)
    for candidate in dict.fromkeys(texts):
        # Without a word, dateparser reads anything ("a", "-1") as some day of this month.
        if not _LETTERS.search(candidate):
            continue
        parsed = dateparser.parse(candidate, languages=["fr", "en"], settings=settings)
        if parsed is not None:
            return parsed.date()
    return None


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def parse_close_date(text: str, *, today: date) -> date:
    """The close date in `text`, between `today` and five years later.

    Read here rather than by dateparser, which does not know them:
    - parts of a month: "début/early/beginning" is the 5th, "mi/mid/milieu" the 15th,
      "fin/end/late" the last day; "fin octobre", "mi-octobre 2027", "end of next month";
    - a month or quarter alone ("octobre", "Q3", "T4 2027", "next quarter") is its last day,
      since that is when a deal expected "in October" is forecast to close;
      "début T3" is the 5th of the quarter's first month, "mi-T3" the 15th of its middle month;
    - a year: "fin 2027"/"end of year" is 31 December, "début 2027" 5 January, "mi-2027"
      30 June (end of the first half), "2027" alone 31 December;
    - a month, quarter or day-and-month without a year is its next occurrence, the current one
      included: on 27 November, "début novembre" is 5 November this year (refused as past);
    - "le 15" alone is the next 15th; a weekday is the next one after today ("ce vendredi"
      may be today); "next month"/"le mois prochain" is the same day next month;
    - numbers are day first (15/10), or month first when only that reads ("10/15").
    Everything else goes to dateparser (French and English, relative to `today`).
    """
    echo = _echo(text)
    line = " ".join(text.split())
    if not line or len(line) > _MAX_DATE_TEXT:
        raise InvalidInput("parse.date_unknown", field="close_date", text=echo)
    stripped = _LEAD_WORDS.sub("", line.lower().replace("’", "'"), count=1)
    day = _grammar_date(_fold(stripped), echo, today)
    if day is None:
        day = _dateparser_date([line, stripped], today)
    if day is None:
        raise InvalidInput("parse.date_unknown", field="close_date", text=echo)
    if day < today:
        raise InvalidInput("parse.date_past", field="close_date", text=echo, date=day.isoformat())
    if day > _years_later(today, MAX_YEARS_AHEAD):
        raise InvalidInput(
            "parse.date_too_far",
            field="close_date",
            text=echo,
            date=day.isoformat(),
            years=MAX_YEARS_AHEAD,
        )
    return day


def warm_up() -> None:
    """Load dateparser's French and English data now, so the first user does not wait for it.

    The first call costs a few hundred milliseconds; the app calls this once at start.
    """
    settings = _dateparser_settings(date(2000, 1, 1))
    for phrase in ("dans 3 semaines", "in 3 weeks", "le mois prochain"):
        dateparser.parse(phrase, languages=["fr", "en"], settings=settings)


# --- Quick create ----------------------------------------------------------------------------


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
    folded = _fold(word).rstrip(":").removeprefix("d'")  # "date d'échéance :"
    return folded if folded in _SURE_KEYWORDS or folded in _MAYBE_KEYWORDS else None


def _announces_date(words: list[str], index: int) -> bool:
    if _fold(words[index]) == "pour":  # "pour le 15 octobre", not "pour 3 postes"
        following = _fold(words[index + 1]) if index + 1 < len(words) else ""
        return re.fullmatch(r"le|la|l'.*", following) is not None
    return _keyword(words[index]) is not None


def _end_of_keywords(words: list[str], index: int) -> int:
    """The index after the words announcing the date: "closing date :", "date de signature"."""
    end = index + 1
    while end < len(words):
        if _keyword(words[end]) or words[end] in (":", "-", "="):
            end += 1
        elif (
            _fold(words[end]) in ("de", "du") and end + 1 < len(words) and _keyword(words[end + 1])
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
    quoted = _read_quoted(line, 0)
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
