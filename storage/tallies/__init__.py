"""Running totals of the deals and their stays, so a whole workspace's stats read thousands of
rows instead of millions.

`/pipeline stats all` groups every deal the period touches (hundreds of thousands in a big
company) four times over, and every stay that ended in it (millions). These tables hold the
same groups, counted once when the deals change:

- `owner_tallies`: deals per process, owner, status, month created and month closed, with
  their amounts and sales cycles — win rates, per rep, created per month, month-end values;
- `segment_tallies`: the same per origin and product — the breakdowns;
- `stage_tallies`: the same per current stage — the funnel;
- `stay_tallies`: ended stays per stage, month they ended and whole days — days per stage;
- `amount_tallies`: amount changes per month made and the deal's process and months created
  and closed — the month-end values (a deal closing or reopening moves its changes along).

Months are UTC months, like the stats' periods, so the totals answer any period made of whole
months ending today or at a month's end (the default: the last 12 months) for a whole team;
anything narrower (a rep, a team, an origin, a period cut mid-month) reads the deals.

Who keeps them: every deal and history row written through an ORM session (`after_flush`, in
`keeping`: it takes each changed deal out of its old groups and into its new ones, in the same
transaction), `stays.end_at`'s bulk UPDATE and the importer's bulk inserts (`Tallies.deal` /
`Tallies.stay` with their rows), and `rebuild` (`recount`) for data loaded around them (the
benchmarks' loaders; migration 0006 fills them the same way). Durations count whole seconds
(fractions dropped at both ends), and whole days of those. `reading` answers the stats from
them.
"""

from storage.tallies.keeping import (
    DEAL_FIELDS,
    STAY_FIELDS,
    Tallies,
    after_flush,
    deal_key,
    install,
    month,
    step,
)
from storage.tallies.reading import (
    Months,
    amount_moves,
    current_stages,
    months,
    outcomes_by_owner,
    outcomes_by_segment,
    stays,
)
from storage.tallies.recount import TABLES, groups, rebuild

__all__ = [
    "DEAL_FIELDS",
    "STAY_FIELDS",
    "TABLES",
    "Months",
    "Tallies",
    "after_flush",
    "amount_moves",
    "current_stages",
    "deal_key",
    "groups",
    "install",
    "month",
    "months",
    "outcomes_by_owner",
    "outcomes_by_segment",
    "rebuild",
    "stays",
    "step",
]
