"""Every Slack identifier the app uses, in one place: views, listeners, tests and the manifest."""

from __future__ import annotations

import enum


class Command(enum.StrEnum):
    OPP = "/opp"
    PIPELINE = "/pipeline"
    FORECAST = "/forecast"
    SALESBOT = "/salesbot"


class Action(enum.StrEnum):
    SHOW = "opp_show"
    ACCOUNT_SEARCH = "opp_account"
    OPEN_NEW = "opp_open_new"


class Callback(enum.StrEnum):
    NEW_OPPORTUNITY = "opp_new"


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


# Inside an input block the element's action_id is the block's id (the account typeahead
# excepted: its options listener needs an action_id of its own).
