"""What `/pipeline stats` answers with: a process's funnel, stage, rep, month and segment rows.

Plain frozen rows that views and charts render; the rates are computed here once so every view
shows the same figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from commands.analytics.coaching import Coaching, percent
from commands.analytics.period import Period
from commands.reports import Scope

# Calibration: a stage's probability is flagged when the share won among the deals closed that
# got that far is off by more than these points, over at least this many deals.
CALIBRATION_POINTS = 15
CALIBRATION_MIN_DEALS = 20


@dataclass(frozen=True)
class StageRow:
    id: int
    name: str
    probability: int
    reached: int  # deals created in the period that got at least this far
    stays: int  # stays in this stage that ended in the period
    average_days: float | None
    median_days: int | None
    closed: int  # deals closed in the period that got at least this far: the sample
    won: int  # … of which won

    @property
    def observed(self) -> int | None:
        """The share actually won, to set against the configured probability."""
        return percent(self.won, self.closed)

    @property
    def flagged(self) -> bool:
        observed = self.observed
        return (
            observed is not None
            and self.closed >= CALIBRATION_MIN_DEALS
            and abs(observed - self.probability) > CALIBRATION_POINTS
        )


@dataclass(frozen=True)
class RepRow:
    user_id: str
    name: str
    created: int
    won: int
    lost: int
    cycle_days: float  # summed over the won deals

    @property
    def rate(self) -> int | None:
        return percent(self.won, self.won + self.lost)

    @property
    def average_cycle(self) -> float | None:
        return self.cycle_days / self.won if self.won else None


@dataclass(frozen=True)
class MonthRow:
    month: date
    created: int
    open_minor: int  # the open pipeline's value at the month's end (today for this month)


@dataclass(frozen=True)
class SegmentRow:
    label: str | None  # None: not filled in
    created: int
    won: int
    lost: int
    won_minor: int

    @property
    def rate(self) -> int | None:
        return percent(self.won, self.won + self.lost)


@dataclass(frozen=True)
class ProcessStats:
    id: int
    name: str
    totals: RepRow  # the whole scope, as one row
    stages: tuple[StageRow, ...]
    won_reached: int  # deals created in the period and already won: the funnel's last step
    reps: tuple[RepRow, ...]  # most closed first
    months: tuple[MonthRow, ...]
    origins: tuple[SegmentRow, ...]  # most created first
    products: tuple[SegmentRow, ...]
    open_minor: int  # today

    @property
    def funnel(self) -> tuple[int, ...]:
        """Deals at each step: every stage, then won."""
        return (*(s.reached for s in self.stages), self.won_reached)

    def conversion(self, index: int) -> int | None:
        """% of the deals at step `index` that got to the next one."""
        steps = self.funnel
        return percent(steps[index + 1], steps[index]) if index + 1 < len(steps) else None


@dataclass(frozen=True)
class Stats:
    scope: Scope
    text: str  # what followed `stats`, for the chart button
    period: Period
    process: ProcessStats | None  # None: no deal at all in the scope
    others: tuple[str, ...]  # the other processes with deals in the scope
    coaching: Coaching | None  # for `team` and `all`
    currency: str
    subject_name: str = ""  # the rep's name for `@rep`, for the plain-text title
