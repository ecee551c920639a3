"""Close dates: "fin octobre", "Q3", "le 15", "next month", "15/10/2027", in French or English.

The period phrases salespeople use are read by a grammar here; everything else goes to
dateparser. A date is refused when past or more than five years ahead.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Iterable
from datetime import date, datetime

import dateparser
from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton

from commands.errors import InvalidInput
from commands.parsing.text import echo, fold_phrase

MAX_YEARS_AHEAD = 5
"""A close date further than this is a typo ("6000"), not a forecast."""

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


@functools.cache
def month_first(lang: str | None) -> bool:
    """Whether the reader writes the month before the day, as their locale's short date does:
    en-US "5/6/27" is May 6; en-GB and French "05/06/2027" is 5 June. Day first when unknown."""
    if not lang:
        return False
    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return False
    pattern = str(locale.date_formats["short"].pattern)
    return 0 <= pattern.find("M") < pattern.find("d")


def day_month_example(lang: str | None, today: date) -> str:
    """15 October in digits, in the reader's order: "15/10", "10/15" (en-US), "15.10." (fr-CH)."""
    try:
        locale = Locale.parse((lang or "fr").replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        locale = Locale.parse("fr")
    return str(format_skeleton("Md", date(today.year, 10, 15), locale=locale))


def _grammar_date(phrase: str, text: str, today: date, lang: str | None) -> date | None:
    """The date for the phrases this module reads itself, or None to ask dateparser."""
    if match := _ISO_DATE.fullmatch(phrase):
        return _day(int(match["year"]), int(match["month"]), int(match["day"]), text)
    if match := _NUMERIC_DATE.fullmatch(phrase):
        day, month = int(match["day"]), int(match["month"])
        if month_first(lang):
            day, month = month, day
        if month > 12 >= day:  # "15/10" and "10/15" can each be read one way only
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


def _dateparser_settings(today: date, lang: str | None = None) -> dict[str, object]:
    return {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": datetime(today.year, today.month, today.day),
        "DATE_ORDER": "MDY" if month_first(lang) else "DMY",
        "PREFER_LOCALE_DATE_ORDER": False,  # English would otherwise read 10/11 as October
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PARSERS": ["relative-time", "absolute-time"],  # no Unix timestamps: "1700000000"
    }


def _dateparser_date(texts: list[str], today: date, lang: str | None) -> date | None:
    settings = _dateparser_settings(today, lang)
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


def parse_close_date(text: str, *, today: date, lang: str | None = None) -> date:
    """The close date in `text`, between `today` and five years later.

    `lang` is the reader's language tag ("en-US", "fr"): numbers are read in its order.

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
    - numbers are in the reader's order (15/10; 10/15 in en-US), or the other way when only
      that reads ("10/15" for a French reader, "15/10" for an American one).
    Everything else goes to dateparser (French and English, relative to `today`).
    """
    quoted = echo(text)
    line = " ".join(text.split())
    unknown = InvalidInput(
        "parse.date_unknown",
        field="close_date",
        text=quoted,
        example=day_month_example(lang, today),
    )
    if not line or len(line) > _MAX_DATE_TEXT:
        raise unknown
    stripped = _LEAD_WORDS.sub("", line.lower().replace("’", "'"), count=1)
    day = _grammar_date(fold_phrase(stripped), quoted, today, lang)
    if day is None:
        day = _dateparser_date([line, stripped], today, lang)
    if day is None:
        raise unknown
    if day < today:
        # The date itself, not a text: it is written the reader's way when shown.
        raise InvalidInput("parse.date_past", field="close_date", text=quoted, date=day)
    if day > _years_later(today, MAX_YEARS_AHEAD):
        raise InvalidInput(
            "parse.date_too_far",
            field="close_date",
            text=quoted,
            date=day,
            years=MAX_YEARS_AHEAD,
        )
    return day


# The words a date phrase is made of, besides numbers, months, weekdays and quarters: what
# `parse_close_date` and dateparser read around them. Used to find a date phrase in free text.
_PHRASE_WORD = re.compile(
    r"le|la|les|l|the|of|de|du|des|d|a|au|aux|en|in|on|by|before|avant|pour|for|vers|around"
    r"|courant|dans|ici|within|from|now|et|and|debut|early|beginning|start|mi|mid|milieu"
    r"|middle|fin|end|late|year-end|yearend|next|prochain|prochaine|prochains|prochaines"
    r"|suivant|suivante|this|ce|cette|ci|dernier|derniere|last|premier|premiere|first|second"
    r"|deuxieme|troisieme|third|quatrieme|fourth|jour|jours|day|days|semaine|semaines|week"
    r"|weeks|mois|month|months|trimestre|quarter|an|ans|annee|annees|year|years|demain"
    r"|tomorrow|apres|aujourd'hui|today|un|une|one|deux|two|trois|three|quatre|four|cinq"
    r"|five|six|sept|seven|huit|eight"
)
_NUMBER_WORD = re.compile(
    rf"[0-9]{{1,4}}{_ORDINAL}|[0-9]{{1,2}}[-/.][0-9]{{1,2}}(?:[-/.][0-9]{{2,4}})?"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[qt][1-4]"
)


def is_month(word: str) -> bool:
    """Whether `word` is a month's name or abbreviation ("mars", "oct.", "February")."""
    return fold_phrase(word).rstrip(".") in _MONTHS


def is_date_word(word: str) -> bool:
    """Whether `word` can belong to a date phrase: a number, a numeric date, a month, a weekday,
    a quarter, or a word around them ("fin", "next", "dans", "semaines", "d'ici", "mi-octobre").
    A title's words ("A4", "v2", "audit") are not, so a date reader cannot swallow them."""
    folded = fold_phrase(word).rstrip(".,")
    parts = [part.removeprefix("d'").removeprefix("l'") for part in folded.split("-") if part]
    return bool(parts) and all(
        _PHRASE_WORD.fullmatch(part) is not None
        or part in _MONTHS
        or part in _WEEKDAYS
        or _NUMBER_WORD.fullmatch(part) is not None
        for part in parts
    )


def warm_up() -> None:
    """Load dateparser's French and English data now, so the first user does not wait for it.

    The first call costs a few hundred milliseconds; the app calls this once at start.
    """
    settings = _dateparser_settings(date(2000, 1, 1))
    for phrase in ("dans 3 semaines", "in 3 weeks", "le mois prochain"):
        dateparser.parse(phrase, languages=["fr", "en"], settings=settings)
