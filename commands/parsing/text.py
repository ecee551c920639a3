"""Free text: cleaning what users type, splitting it into arguments, mentions and `#N` refs.

Also the two helpers every parser shares: the text quoted back in a refusal (`echo`) and the
folded form a grammar reads (`fold_phrase`).
"""

from __future__ import annotations

import re
import unicodedata

from commands.errors import InvalidInput
from storage.text import fold

_ECHO_LEN = 60  # refusals quote the text back; keep the quote short enough for a Slack message


def echo(text: str, *, limit: int = _ECHO_LEN) -> str:
    """The user's text as quoted back in a refusal: one line, at most `limit` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def fold_phrase(text: str) -> str:
    """What a grammar reads: folded like names (curly apostrophes straightened), lower case
    again (compatibility forms like "𝐌" fold to a capital), trailing punctuation dropped."""
    return fold(text).lower().rstrip(".!?,; ")


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


def read_quoted(text: str, start: int) -> tuple[str, int] | None:
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


def read_args(text: str) -> list[tuple[str, bool]]:
    """Split on whitespace, keeping quoted groups ("…", '…', “…”, «…») as one argument;
    each argument comes with whether it was quoted (a quoted name is whole: nothing joins it)."""
    args: list[tuple[str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        quoted = read_quoted(text, i)
        if quoted is not None:
            arg, i = quoted
            args.append((arg, True))
            continue
        end = i
        while end < n and not text[end].isspace():
            end += 1
        args.append((text[i:end], False))
        i = end
    return args


def split_args(text: str) -> list[str]:
    """Split on whitespace, keeping quoted groups ("…", '…', “…”, «…») as one argument."""
    return [arg for arg, _ in read_args(text)]


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
