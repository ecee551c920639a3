"""The stats message and chart, without Slack or a database: readable, and within the limits."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot import format as fmt
from bot.blockkit_limits import message_problems
from bot.charts import stats_png
from bot.views.stats import code_table, stats_message
from commands.analytics import (
    Coaching,
    CoachRow,
    MonthRow,
    Period,
    ProcessStats,
    RepRow,
    SegmentRow,
    SignalKind,
    StageRow,
    Stats,
)
from commands.reports import Scope

STAGES = ("Opportunité à qualifier", "Rendez-vous planifié", "Besoins identifiés")


def _result(reps: int = 3, segments: int = 3, others: tuple[str, ...] = ()) -> Stats:
    long = "Établissements Dupont-Aignan & Fils <@U123> *gras*"
    process = ProcessStats(
        id=1,
        name="Processus commercial",
        totals=RepRow("", "", 40, 12, 8, 12 * 30.5),
        stages=tuple(
            StageRow(i, name, (5, 40, 90)[i], 40 - 10 * i, 30, 12.25, 9, 20, 12)
            for i, name in enumerate(STAGES)
        ),
        won_reached=12,
        reps=tuple(RepRow(f"U{i:04d}", f"{long} {i}", 10, 3, 2, 3 * 40.0) for i in range(reps)),
        months=tuple(MonthRow(date(2026, m, 1), m * 3, m * 1_234_567_89) for m in range(1, 13)),
        origins=(
            *tuple(SegmentRow(f"{long} {i}", 5, 2, 1, 1000000) for i in range(segments)),
            SegmentRow(None, 1, 0, 0, 0),
        ),
        products=(SegmentRow("peinture", 4, 1, 1, 250_050),),
        open_minor=98_765_432_10,
    )
    coaching = Coaching(
        rows=tuple(
            CoachRow(f"U{i:04d}", f"Rep {i}", 3, 2, 6, 10, 5, frozenset({SignalKind.CLOSING}))
            for i in range(reps)
        ),
        median_created=4.5,
        team_rate=50,
        median_stuck=1.0,
        signals=(),
    )
    return Stats(
        scope=Scope(kind="all", owners=None, subject=""),
        text="all",
        period=Period(date(2025, 12, 1), date(2026, 11, 27)),
        process=process,
        others=others,
        coaching=coaching,
        currency="EUR",
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_message_reads_well(lang: str) -> None:
    message = stats_message(_result(), lang)
    assert not message_problems(message["blocks"], message["text"])
    text = json.dumps(message["blocks"], ensure_ascii=False)
    if lang == "fr":
        assert "Taux de réussite : 60 %" in text and fmt.money(98_765_432_10, "EUR", lang) in text
        assert "Entonnoir" in text and "prospection" not in text and "conclusion" in text
    else:
        assert "Win rate: 60 %" in text and "€98,765,432.10" in text
        assert "Funnel" in text and "closing" in text
    # User text is escaped: no mention or formatting survives from a name.
    assert "<@U123>" not in text


def test_hundreds_of_reps_and_origins_are_cut_with_a_count() -> None:
    message = stats_message(_result(reps=400, segments=120), "en")
    assert not message_problems(message["blocks"], message["text"])
    text = json.dumps(message["blocks"])
    assert "and 3" in text  # "… and 3xx more"
    # The whole message stays far from Slack's undocumented total (~12k characters).
    sections = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert sum(len(s) for s in sections) < 12_000


def test_other_processes_get_a_button_each() -> None:
    others = tuple(f"Processus {i}" for i in range(7))
    message = stats_message(_result(others=others), "fr")
    assert not message_problems(message["blocks"], message["text"])
    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == ["stats_chart"] + [
        f"stats_process:{i}" for i in range(4)
    ]
    assert actions["elements"][1]["value"] == "all process «Processus 0»"
    assert "Processus 6" in json.dumps(message["blocks"], ensure_ascii=False)


def test_tables_align_and_stop_at_their_limit() -> None:
    table = code_table(["Name", "N"], [["a", "1"], ["bbb", "22"]], "en")
    assert table == "```\nName   N\na      1\nbbb   22\n```"
    cut = code_table(["Name"], [["x" * 50]] * 100, "fr", limit=600)
    assert len(cut) <= 600 and cut.rstrip("`\n").endswith("de plus")


def test_the_chart_is_a_png() -> None:
    png = stats_png(_result(), "fr")
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
