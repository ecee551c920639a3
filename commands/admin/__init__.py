"""`/salesbot …` for admins and managers: roles and teams, targets, and the settings modal.

`router` reads which subcommand was typed and runs it (used as a namespace: `router.route`,
`router.run`); the results below are what the views render.
"""

from commands.admin import roles, router, targets
from commands.admin.roles import (
    AnnounceChannel,
    LostReasons,
    RoleChanged,
    TeamChanged,
    TeamListing,
)
from commands.admin.router import SettingsApplied, SettingsInput
from commands.admin.targets import TargetSet

__all__ = [
    "AnnounceChannel",
    "LostReasons",
    "RoleChanged",
    "SettingsApplied",
    "SettingsInput",
    "TargetSet",
    "TeamChanged",
    "TeamListing",
    "roles",
    "router",
    "targets",
]
