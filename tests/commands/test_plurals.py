"""Counts read right in both languages: CLDR's plural rules (French: 0 and 1 are singular)."""

from __future__ import annotations

import re

import pytest

from commands.i18n import LANGUAGES, t, tn
from tests.catalog_support import read_catalog

# Placeholders that hold a count of something.
COUNTS = {
    "accounts", "attempts", "change", "closed", "count", "created", "days", "failed", "length",
    "limit", "lost", "max", "members", "months", "needed", "open", "pending", "reps", "rows",
    "sample", "sent", "signals", "skipped", "stays", "stuck", "threshold", "won", "years",
}  # fmt: skip
# A count placeholder followed by a word (or a unit) the count governs.
COUNTED = re.compile(r"\{(\w+)\}\s*[^\W\d_]")

# Singular entries whose counted word does not change with the count, and why.
INVARIANT = {
    # abbreviations: "1 d", "39 j"
    "admin.stage_stuck", "nudge.threshold_admin", "card.days_in_stage", "stats.days",
    # "open"/"en cours", "more"/"de plus" are the same for 1 and 2
    "board.totals", "board.more", "stats.more_rows", "admin.process_heading",
    "admin.stage_line", "admin.archived_item",
    # limits: a fixed maximum, always more than one; a length past it is too
    "opp.field_too_long", "admin.name_too_long", "admin.too_many_stages",
    "admin.too_many_processes", "admin.team_too_many", "admin.too_many_lost_reasons",
    "nudge.snooze_invalid", "followup.too_many", "stats.period_too_long", "parse.date_too_far",
    "parse.text_too_long",
    # only said past Excel's row limit: always many
    "export.too_big_for_excel",
}  # fmt: skip
# Still "(s)" texts, in the import's files being changed elsewhere: to convert with them.
NOT_YET = {"import.summary"}
TOTALS = {"total": "1", "weighted": "1"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_showing_a_count_is_a_plural_entry(lang: str) -> None:
    counted = {
        message.id
        for message in read_catalog(lang)
        if isinstance(message.id, str)
        and message.id
        and COUNTS & set(COUNTED.findall(str(message.string)))
    }
    assert sorted(counted - INVARIANT - NOT_YET) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_text_hedges_its_plural(lang: str) -> None:
    hedged = {
        message.id
        for message in read_catalog(lang)
        if message.id
        and re.search(r"\((?:s|x|aux|e)\)", " ".join(_forms(message.string)))
        and message.id not in NOT_YET
    }
    # "Ajouté(s) à l'équipe : {users}" lists names, not a count; "relancé(e)" is a gender.
    assert hedged <= {"admin.team_added", "admin.team_removed", "nudge.escalation_intro"}


def _forms(string: object) -> list[str]:
    return [string] if isinstance(string, str) else [str(form) for form in string]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("lang", "key", "params", "expected"),
    [
        ("fr", "export.started", {}, ["0 affaire ", "1 affaire ", "2 affaires ", "25 affaires "]),
        ("en", "export.started", {}, ["0 deals:", "1 deal:", "2 deals:", "25 deals:"]),
        ("en", "digest.fallback", TOTALS, ["0 open deals", "1 open deal,", "2 open deals"]),
        ("fr", "count.won", {}, ["0 gagnée", "1 gagnée", "2 gagnées", "25 gagnées"]),
        ("fr", "coach.title", {"reps": "1 commercial"}, ["0 signal ", "1 signal ", "2 signaux "]),
        (
            "en",
            "coach.title",
            {"reps": "2 reps"},
            ["0 signals ", "1 signal ", "2 signals ", "25 signals "],
        ),
        ("fr", "list.totals", TOTALS, ["0 opportunité ·", "1 opportunité ·", "2 opportunités ·"]),
        ("en", "list.totals", TOTALS, ["0 opportunities", "1 opportunity ·"]),
        ("fr", "admin.process_added", {"process": "P"}, ["0 étape.", "1 étape.", "2 étapes."]),
        ("en", "admin.process_added", {"process": "P"}, ["0 stages.", "1 stage.", "2 stages."]),
        ("en", "count.days", {}, ["0 days", "1 day", "2 days", "25 days"]),
        ("fr", "count.days", {}, ["0 j", "1 j", "2 j", "25 j"]),
    ],
)
def test_counts_read_right_at_0_1_2_and_25(
    lang: str, key: str, params: dict[str, str], expected: list[str]
) -> None:
    for count, text in zip((0, 1, 2, 25), expected, strict=False):
        # Through `t` with a `count`, as a domain message renders, and through `tn`.
        assert text in t(lang, key, count=count, **params), (count, text)
        assert text in tn(lang, key, count, **params), (count, text)
