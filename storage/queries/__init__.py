"""Queries and writes, always scoped by Slack team, grouped by concept.

Functions are keyword-only and take the session; the caller owns the transaction. Callers
use this package's names (`queries.get_member(...)`); the modules are how it is kept.
"""

from __future__ import annotations

from storage.queries.accounts import find_account, find_or_add_account, get_account, search_accounts
from storage.queries.admin import (
    add_lost_reason,
    all_processes,
    lost_reasons,
    members_with_role,
    open_counts_by_stage,
    open_opportunities_in_stage,
    remove_lost_reason,
    reserve_opportunity_numbers,
)
from storage.queries.keys import label_key, name_key
from storage.queries.members import (
    add_member,
    add_workspace_if_absent,
    get_member,
    get_workspace,
    member_names,
    team_ids,
    team_of,
)
from storage.queries.opportunities import (
    account_opportunities,
    add_opportunity,
    deal_labels,
    get_opportunity,
    history,
    next_opportunity_number,
    open_opportunities,
    open_opportunities_page,
    record_change,
    stage_names,
)
from storage.queries.processes import active_processes, add_process, get_stage, live_stages

__all__ = [
    "account_opportunities",
    "active_processes",
    "add_lost_reason",
    "add_member",
    "add_opportunity",
    "add_process",
    "add_workspace_if_absent",
    "all_processes",
    "deal_labels",
    "find_account",
    "find_or_add_account",
    "get_account",
    "get_member",
    "get_opportunity",
    "get_stage",
    "get_workspace",
    "history",
    "label_key",
    "live_stages",
    "lost_reasons",
    "member_names",
    "members_with_role",
    "name_key",
    "next_opportunity_number",
    "open_counts_by_stage",
    "open_opportunities",
    "open_opportunities_in_stage",
    "open_opportunities_page",
    "record_change",
    "remove_lost_reason",
    "reserve_opportunity_numbers",
    "search_accounts",
    "stage_names",
    "team_ids",
    "team_of",
]
