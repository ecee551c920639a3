"""`/salesbot process …` and `/salesbot stage …`: admins shape the workspace's sales processes.

Every handler checks the actor is an admin and validates all of its input before it writes
anything, so a refusal changes nothing. Nothing is deleted either: a process is archived (its
deals and history stay), a stage is soft-removed only once its open deals have somewhere to go.

Text handlers (`add_process`, `add_stage`…) parse the words typed after the subcommand; the
settings modal and the "where do these deals go" buttons call the same core functions
(`create_process`, `create_stage`, `change_probability`…) with what they picked.
"""

from commands.processes.arguments import (
    MAX_NAME,
    MAX_STAGES,
    MAX_STUCK_DAYS,
    OFF_WORDS,
    parse_probability,
    parse_stages,
    parse_stuck_after,
)
from commands.processes.overview import (
    NeedsDestination,
    Overview,
    ProcessChanged,
    ProcessView,
    StageView,
    overview,
)
from commands.processes.processes import (
    MAX_PROCESSES,
    add_process,
    archive_process,
    create_process,
    process_by_id,
    rename_process,
    restore_process,
)
from commands.processes.stages import (
    add_stage,
    change_probability,
    change_stuck_after,
    create_stage,
    move_stage,
    remove_stage,
    remove_stage_to,
    rename_stage,
    set_probability,
    set_stuck_after,
    stage_by_id,
)

__all__ = [
    "MAX_NAME",
    "MAX_PROCESSES",
    "MAX_STAGES",
    "MAX_STUCK_DAYS",
    "OFF_WORDS",
    "NeedsDestination",
    "Overview",
    "ProcessChanged",
    "ProcessView",
    "StageView",
    "add_process",
    "add_stage",
    "archive_process",
    "change_probability",
    "change_stuck_after",
    "create_process",
    "create_stage",
    "move_stage",
    "overview",
    "parse_probability",
    "parse_stages",
    "parse_stuck_after",
    "process_by_id",
    "remove_stage",
    "remove_stage_to",
    "rename_process",
    "rename_stage",
    "restore_process",
    "set_probability",
    "set_stuck_after",
    "stage_by_id",
]
