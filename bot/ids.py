"""Every Slack identifier the app uses, in one place: views, listeners, tests and the manifest."""

from __future__ import annotations

import enum

from bot.payloads import payload_id, payload_version, small_int
from commands.errors import InvalidInput


class Command(enum.StrEnum):
    OPP = "/opp"
    PIPELINE = "/pipeline"
    FORECAST = "/forecast"
    SALESBOT = "/salesbot"


class Action(enum.StrEnum):
    SHOW = "opp_show"
    ACCOUNT_SEARCH = "opp_account"
    OPEN_NEW = "opp_open_new"
    # The card's buttons; their value is "<number>:<version>" (see card_value).
    ADVANCE = "opp_advance"
    STAGE = "opp_stage"
    WON = "opp_won"
    LOST = "opp_lost"
    REOPEN = "opp_reopen"
    MENU = "opp_menu"
    LIST_PAGE = "opp_list_page"  # "More" under `/opp list`; value "<offset>:<text typed>"
    BOARD_PAGE = "board_page"
    BOARD_STAGE = "board_stage"
    FORECAST_CHART = "forecast_chart"
    HOME_SCOPE = "home_scope"
    HOME_PIPELINE = "home_pipeline"
    HOME_FORECAST = "home_forecast"


class Menu(enum.StrEnum):
    """Overflow menu choices; the option value is "<choice>:<number>:<version>"."""

    EDIT = "edit"
    SNOOZE = "snooze"
    REOPEN = "reopen"
    ADVANCE = "advance"
    WON = "won"
    LOST = "lost"
    SHOW = "show"


class Callback(enum.StrEnum):
    NEW_OPPORTUNITY = "opp_new"
    LOST = "opp_lost_modal"
    EDIT = "opp_edit_modal"


class Block(enum.StrEnum):
    ACCOUNT = "account"
    TITLE = "title"
    AMOUNT = "amount"
    CLOSE_DATE = "close_date"
    STAGE = "stage"
    ORIGIN = "origin"
    PRODUCT = "product"
    NEXT_STEP = "next_step"
    NEXT_STEP_DATE = "next_step_date"
    QUALIFICATION = "qualification"
    PROBABILITY = "probability"
    LOST_REASON = "lost_reason"
    LOST_DETAIL = "lost_detail"


def card_block(number: int, part: str) -> str:
    """Block ids of one deal's blocks in a message: "opp:<number>:<part>"."""
    return f"opp:{number}:{part}"


def card_value(number: int, version: int) -> str:
    return f"{number}:{version}"


def parse_card_value(value: str) -> tuple[int, int | None]:
    """(number, version) from a button value; a missing or forged version is answered as a
    stale card (`payloads.STALE_VERSION`), never let through unchecked."""
    number, _, version = value.partition(":")
    return payload_id(number), payload_version(version)


def parse_stage_value(value: str) -> tuple[int, int, int | None]:
    """(stage id, number, version) from the stage picker's "<stage>:<number>:<version>"."""
    stage, _, rest = value.partition(":")
    number, version = parse_card_value(rest)
    return payload_id(stage), number, version


# Inside an input block the element's action_id is the block's id (the account typeahead
# excepted: its options listener needs an action_id of its own).


class Admin(enum.StrEnum):
    """`/salesbot`: its buttons, its settings modal and the modal's blocks.

    The modal's block ids are also the field names `commands.admin.router.SettingsInput` and its
    errors use, so a refusal lands next to its field.
    """

    # Buttons; REMOVE_STAGE_TO is a prefix: one button per destination stage, `…:<n>`.
    REMOVE_STAGE_TO = "admin_remove_stage_to"
    OPEN_SETTINGS = "admin_open_settings"
    SETTINGS = "admin_settings"  # the modal's callback_id
    # The modal's input blocks (the element's action_id is the block's id).
    NEW_PROCESS_NAME = "new_process_name"
    NEW_PROCESS_STAGES = "new_process_stages"
    ADD_STAGE_PROCESS = "add_stage_process"
    ADD_STAGE_NAME = "add_stage_name"
    ADD_STAGE_PROBABILITY = "add_stage_probability"
    EDIT_STAGE = "edit_stage"
    EDIT_PROBABILITY = "edit_probability"
    EDIT_STUCK_AFTER = "edit_stuck_after"
    ANNOUNCE_CHANNEL = "announce_channel"
    # Message blocks.
    STAGE_TARGETS = "admin_stage_targets"
    OVERVIEW_ACTIONS = "admin_overview_actions"


class Nudge(enum.StrEnum):
    """Nudge, follow-up and digest messages: their own controls, next to the card's buttons.

    Their blocks are tagged "nudge:<number>:…" (never "opp:…"), so redrawing a card in place
    keeps them. A date picker has no value: the deal's number is in the block id.
    """

    CLOSE_DATE = "nudge_close_date"  # a new expected close date
    SNOOZE = "nudge_snooze"  # 3 / 7 / 14 days; option value "<days>:<number>"
    SNOOZE_UNTIL = "nudge_snooze_until"  # until a picked date
    FOLLOWUP_DONE = "followup_done"  # value: the follow-up's id


def nudge_block(number: int, part: str) -> str:
    return f"nudge:{number}:{part}"


def parse_nudge_block(block_id: str) -> int:
    """The deal's number in a "nudge:<number>:…" block id."""
    prefix, _, rest = block_id.partition(":")
    number, _, _ = rest.partition(":")
    if prefix != "nudge":
        raise InvalidInput("opp.ref_invalid", ref=block_id[:40])
    return payload_id(number)


def parse_snooze_value(value: str, *, max_days: int) -> tuple[int, int]:
    """(days, number) from a nudge's snooze option "<days>:<number>"; a forged one is refused."""
    days, _, number = value.partition(":")
    checked = small_int(days, low=1, high=max_days)
    if checked is None:
        raise InvalidInput("opp.ref_invalid", ref=number[:40])
    return checked, payload_id(number)


def followup_block(followup_id: int) -> str:
    return f"followup:{followup_id}"


class StatsButton(enum.StrEnum):
    """`/pipeline stats` buttons; their value is the text typed after `stats` (to ask again).

    PROCESS is a prefix: one button per other process, `stats_process:<n>`.
    """

    CHART = "stats_chart"
    PROCESS = "stats_process"
