"""Aggregations for `/pipeline stats` and the coaching signals: grouped in SQL, team-scoped.

Every function returns a few hundred rows at most, whatever the number of deals: the database
groups, Python only arranges the groups. Times are compared as stored (UTC); months are UTC
months ('YYYY-MM'), like the forecast's.

The history (`stage_changes`) is read through three facts:
- a row with `to_stage_id` (created, stage move, reopen) starts a stay in that stage, and the
  deal's next stage/status/process row ends it, at the row's `left_at` (`storage.stays`);
- "created" rows and status rows to "open" open a deal, status rows from "open" close it;
- "amount" rows carry the amount before and after, in minor units, as text.

`scope` holds what the queries share, `outcomes` what is read from the deals, `history` what
is read from their history.
"""

from storage.analytics.history import (
    AmountMoves,
    Reach,
    Reopened,
    Stays,
    amount_moves,
    reach,
    reopened,
    stays,
)
from storage.analytics.outcomes import (
    Activity,
    OwnerMonth,
    Segment,
    activity,
    outcomes_by_owner,
    outcomes_by_segment,
)
from storage.analytics.scope import (
    IMPORTED,
    OwnersHistory,
    deal_scope,
    owners_history,
    per_deal,
    prepare,
)

__all__ = [
    "IMPORTED",
    "Activity",
    "AmountMoves",
    "OwnerMonth",
    "OwnersHistory",
    "Reach",
    "Reopened",
    "Segment",
    "Stays",
    "activity",
    "amount_moves",
    "deal_scope",
    "outcomes_by_owner",
    "outcomes_by_segment",
    "owners_history",
    "per_deal",
    "prepare",
    "reach",
    "reopened",
    "stays",
]
