"""`/pipeline stats` and coaching: how each process converts, where deals drag, who needs help.

`stats` computes a scope's figures (used as a namespace: `stats.stats`, `stats.parse_period`)
over a `Period`, answered as the rows of `results`; `coaching` reads who prospects too little,
struggles to close or has deals stuck (its `coaching` function is reached through the module,
whose name it shares).
"""

from commands.analytics import stats
from commands.analytics.coaching import (
    Coaching,
    CoachRow,
    Signal,
    SignalKind,
    coached_reps,
    coaching_signals,
)
from commands.analytics.period import Period, parse_period
from commands.analytics.results import (
    MonthRow,
    ProcessStats,
    RepRow,
    SegmentRow,
    StageRow,
    Stats,
)

__all__ = [
    "CoachRow",
    "Coaching",
    "MonthRow",
    "Period",
    "ProcessStats",
    "RepRow",
    "SegmentRow",
    "Signal",
    "SignalKind",
    "StageRow",
    "Stats",
    "coached_reps",
    "coaching_signals",
    "parse_period",
    "stats",
]
