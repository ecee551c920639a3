"""Charts as PNG, rendered headless with matplotlib (the Agg backend: no display needed): the
forecast (`/forecast chart`, the digest) and the stats (`/pipeline stats chart`)."""

from __future__ import annotations

import io
import threading

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from bot import format as fmt
from bot.views.stats import short_month
from commands.analytics import Stats
from commands.i18n import t
from commands.reports import Forecast

# pyplot keeps global state; Figure objects do not, but font caches are shared: one at a time.
_LOCK = threading.Lock()


def forecast_png(result: Forecast, lang: str) -> bytes:
    """Weighted and total per month as bars, the target as a line, hard months marked."""
    labels = [fmt.month(m.month, lang) for m in result.months]
    total = [m.open.amount_minor / 100 for m in result.months]
    expected = [m.expected_minor / 100 for m in result.months]
    targets = [None if m.target_minor is None else m.target_minor / 100 for m in result.months]
    with _LOCK:
        figure = Figure(figsize=(9, 4.5), dpi=110)
        axes = figure.subplots()
        positions = range(len(labels))
        axes.bar(positions, total, width=0.7, color="#c9d6ea", label=t(lang, "forecast.col_total"))
        axes.bar(
            positions,
            expected,
            width=0.45,
            color="#1d4e89",
            label=t(lang, "forecast.col_weighted") + " + " + t(lang, "forecast.col_won"),
        )
        if any(v is not None for v in targets):
            axes.plot(
                positions,
                [v if v is not None else float("nan") for v in targets],
                color="#d1495b",
                marker="o",
                label=t(lang, "forecast.col_target"),
            )
        for i, month in enumerate(result.months):
            if month.month in result.weak:
                axes.annotate("⚠", (i, expected[i]), ha="center", va="bottom", color="#d1495b")
        axes.set_xticks(list(positions), labels, rotation=30, ha="right")
        axes.yaxis.set_major_formatter(
            FuncFormatter(lambda value, _: fmt.money(int(value * 100), result.currency, lang))
        )
        axes.set_title(t(lang, "forecast.chart_title"))
        axes.legend(loc="best", framealpha=0.9)
        axes.grid(axis="y", alpha=0.3)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()


def stats_png(result: Stats, lang: str) -> bytes:
    """Deals created per month with the month-end open pipeline, and the funnel."""
    process = result.process
    assert process is not None, "no chart without deals"
    labels = [short_month(m.month, lang) for m in process.months]
    positions = list(range(len(labels)))
    with _LOCK:
        figure = Figure(figsize=(11, 4.5), dpi=110)
        left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
        left.bar(
            positions,
            [m.created for m in process.months],
            color="#c9d6ea",
            label=t(lang, "stats.chart_created"),
        )
        left.set_xticks(positions, labels, rotation=40, ha="right")
        left.set_ylabel(t(lang, "stats.chart_created"))
        value = left.twinx()
        value.plot(
            positions,
            [m.open_minor / 100 for m in process.months],
            color="#1d4e89",
            marker="o",
            label=t(lang, "stats.chart_open"),
        )
        value.yaxis.set_major_formatter(
            FuncFormatter(lambda v, _: fmt.money(int(v * 100), result.currency, lang))
        )
        value.set_ylim(bottom=0)
        handles = left.get_legend_handles_labels()
        extra = value.get_legend_handles_labels()
        left.legend(handles[0] + extra[0], handles[1] + extra[1], loc="upper left")
        left.set_title(fmt.plain(process.name))
        steps = [*(s.name for s in process.stages), t(lang, "stats.won_step")]
        counts = process.funnel
        rows = list(range(len(steps)))[::-1]
        right.barh(rows, counts, color="#1d4e89")
        right.set_yticks(rows, [fmt.truncate(s, 24) for s in steps])
        for row, count in zip(rows, counts, strict=True):
            right.annotate(
                str(count), (count, row), xytext=(3, 0), textcoords="offset points", va="center"
            )
        right.set_title(t(lang, "stats.chart_funnel"))
        right.set_xlim(0, max(max(counts, default=0) * 1.2, 1))
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()
