"""The console's text rendering of Block Kit, and the view_submission state it builds."""

from __future__ import annotations

from typing import Any

import pytest

from bot.devtools.blockkit_text import mrkdwn_to_text
from bot.devtools.modal_input import InputField, input_fields, state_value, state_values
from bot.devtools.render_text import render_blocks, render_view


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


STAGES = [
    option("Prospect", "prospect"),
    option("Proposition", "proposition"),
    option("Won", "won"),
]

OPPORTUNITY: list[dict[str, Any]] = [
    {"type": "header", "text": plain("Acme renewal")},
    {
        "type": "section",
        "block_id": "summary",
        "text": {
            "type": "mrkdwn",
            "text": "*Owner:* <@U0ALICE|alice> &amp; <https://acme.io|Acme>",
        },
        "fields": [
            {"type": "mrkdwn", "text": "*Stage*\nQualified"},
            {"type": "mrkdwn", "text": "*Amount*\n6 000 €"},
        ],
        "accessory": {
            "type": "overflow",
            "action_id": "opp_more",
            "options": [option("Edit", "edit"), option("Close lost", "lost")],
        },
    },
    {"type": "divider"},
    {"type": "context", "elements": [{"type": "mrkdwn", "text": "12 days in stage"}]},
    {
        "type": "actions",
        "block_id": "opp_actions",
        "elements": [
            {
                "type": "button",
                "action_id": "opp_advance",
                "text": plain("Advance to Proposition"),
                "value": "42",
                "style": "primary",
            },
            {
                "type": "static_select",
                "action_id": "opp_stage",
                "placeholder": plain("Stage"),
                "options": STAGES,
            },
        ],
    },
]


def test_a_message_reads_as_text_with_numbered_controls() -> None:
    rendered = render_blocks(OPPORTUNITY)

    assert rendered.text.split("\n") == [
        "Acme renewal",
        "============",
        "Owner: @alice & Acme",
        "  Stage: Qualified",
        "  Amount: 6 000 €",
        "  [1] ⋯ (Edit, Close lost)",
        "─" * 40,
        "    12 days in stage",
        "  [2] Advance to Proposition",
        "  [3] Stage ▾ (options: Prospect, Proposition, Won)",
    ]


def test_controls_carry_what_a_block_actions_payload_needs() -> None:
    controls = render_blocks(OPPORTUNITY).controls

    assert [(c.number, c.block_id, c.action_id, c.type) for c in controls] == [
        (1, "summary", "opp_more", "overflow"),
        (2, "opp_actions", "opp_advance", "button"),
        (3, "opp_actions", "opp_stage", "static_select"),
    ]
    assert controls[1].label == "Advance to Proposition"
    assert controls[1].value == "42"
    assert controls[2].options == [
        ("Prospect", "prospect"),
        ("Proposition", "proposition"),
        ("Won", "won"),
    ]


def test_control_lookup_by_number() -> None:
    rendered = render_blocks(OPPORTUNITY)

    assert rendered.control(2).action_id == "opp_advance"
    with pytest.raises(KeyError):
        rendered.control(9)


def test_danger_buttons_and_confirm_dialogs_are_shown() -> None:
    button = {
        "type": "button",
        "action_id": "opp_delete",
        "text": plain("Delete"),
        "style": "danger",
        "confirm": {
            "title": plain("Delete?"),
            "text": plain("This cannot be undone."),
            "confirm": plain("Delete"),
            "deny": plain("Keep"),
        },
    }

    rendered = render_blocks([{"type": "actions", "elements": [button]}])

    assert rendered.text == "  [1] Delete (danger)"
    assert rendered.controls[0].confirm == "This cannot be undone."
    assert rendered.controls[0].block_id == "block_0"


@pytest.mark.parametrize(
    ("mrkdwn", "text"),
    [
        ("*bold* and _italic_ and ~struck~", "bold and italic and struck"),
        ("snake_case_name stays, 2*3*4 too", "snake_case_name stays, 2*3*4 too"),
        ("<@U0BOB> and <@U0ALICE|alice>", "@U0BOB and @alice"),
        ("<#C0SALES|sales> <!here>", "#sales @here"),
        ("<https://acme.io|Acme> <https://x.io> <mailto:a@b.c|a@b.c>", "Acme https://x.io a@b.c"),
        ("&lt;b&gt; &amp; co", "<b> & co"),
        ("<!date^1700000000^{date_short}|Nov 14>", "Nov 14"),
    ],
)
def test_mrkdwn_becomes_readable_text(mrkdwn: str, text: str) -> None:
    assert mrkdwn_to_text(mrkdwn) == text


def test_plain_text_is_not_treated_as_mrkdwn() -> None:
    block = {"type": "section", "text": plain("*literally* starred")}

    assert render_blocks([block]).text == "*literally* starred"


def test_ansi_dims_context_and_bolds_headers() -> None:
    text = render_blocks(OPPORTUNITY, ansi=True).text

    assert "\x1b[1mAcme renewal\x1b[0m" in text
    assert "\x1b[2m    12 days in stage\x1b[0m" in text


NEW_OPPORTUNITY: dict[str, Any] = {
    "type": "modal",
    "callback_id": "opp_new",
    "title": plain("New opportunity"),
    "submit": plain("Save"),
    "close": plain("Cancel"),
    "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Tell me about the *deal*."}},
        {
            "type": "input",
            "block_id": "title",
            "label": plain("Title"),
            "element": {"type": "plain_text_input", "action_id": "value", "initial_value": "Acme"},
            "hint": plain("What the customer buys"),
        },
        {
            "type": "input",
            "block_id": "amount",
            "label": plain("Amount"),
            "element": {"type": "number_input", "action_id": "value", "is_decimal_allowed": False},
        },
        {
            "type": "input",
            "block_id": "close_date",
            "label": plain("Close date"),
            "element": {"type": "datepicker", "action_id": "value"},
        },
        {
            "type": "input",
            "block_id": "stage",
            "label": plain("Stage"),
            "element": {
                "type": "static_select",
                "action_id": "value",
                "options": STAGES,
                "initial_option": STAGES[1],
            },
        },
        {
            "type": "input",
            "block_id": "account",
            "label": plain("Account"),
            "element": {"type": "external_select", "action_id": "value", "min_query_length": 1},
        },
        {
            "type": "input",
            "block_id": "product",
            "label": plain("Products"),
            "optional": True,
            "element": {
                "type": "checkboxes",
                "action_id": "value",
                "options": [option("Licences", "lic"), option("Support", "sup")],
            },
        },
        {
            "type": "input",
            "block_id": "next_step",
            "label": plain("Next step"),
            "optional": True,
            "element": {"type": "plain_text_input", "action_id": "value", "multiline": True},
        },
        {
            "type": "input",
            "block_id": "owner",
            "label": plain("Owner"),
            "element": {"type": "users_select", "action_id": "value"},
        },
    ],
}


def test_a_modal_reads_as_a_form() -> None:
    rendered = render_view(NEW_OPPORTUNITY)

    assert rendered.text.split("\n") == [
        "New opportunity",
        "═══════════════",
        "Tell me about the deal.",
        "Title: Acme",
        "    What the customer buys",
        "Amount: ____",
        "Close date: ____",
        "Stage: Proposition",
        "Account: ____",
        "Products (optional): ____",
        "Next step (optional): ____",
        "Owner: ____",
        "",
        "Submit: Save   Close: Cancel",
    ]
    assert rendered.controls == []


def test_input_fields_lists_each_question_in_order() -> None:
    fields = input_fields(NEW_OPPORTUNITY)

    assert [(f.block_id, f.action_id, f.type, f.optional) for f in fields] == [
        ("title", "value", "plain_text_input", False),
        ("amount", "value", "number_input", False),
        ("close_date", "value", "datepicker", False),
        ("stage", "value", "static_select", False),
        ("account", "value", "external_select", False),
        ("product", "value", "checkboxes", True),
        ("next_step", "value", "multiline", True),
        ("owner", "value", "users_select", False),
    ]
    title, _, _, stage, *_ = fields
    assert (title.label, title.initial, title.hint) == ("Title", "Acme", "What the customer buys")
    assert stage.initial == "2"
    assert stage.options == [
        ("Prospect", "prospect"),
        ("Proposition", "proposition"),
        ("Won", "won"),
    ]


def field(block_id: str) -> InputField:
    return next(f for f in input_fields(NEW_OPPORTUNITY) if f.block_id == block_id)


def test_state_values_match_what_slack_sends() -> None:
    answers = [
        (field("title"), "Acme renewal"),
        (field("amount"), "6000"),
        (field("close_date"), "2024-06-30"),
        (field("stage"), "3"),
        (field("account"), "acc-7"),
        (field("product"), "1, 2"),
        (field("next_step"), ""),
        (field("owner"), "@U0ALICE"),
    ]

    assert state_values(answers) == {
        "title": {"value": {"type": "plain_text_input", "value": "Acme renewal"}},
        "amount": {"value": {"type": "number_input", "value": "6000"}},
        "close_date": {"value": {"type": "datepicker", "selected_date": "2024-06-30"}},
        "stage": {"value": {"type": "static_select", "selected_option": option("Won", "won")}},
        "account": {
            "value": {
                "type": "external_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "acc-7", "emoji": True},
                    "value": "acc-7",
                },
            }
        },
        "product": {
            "value": {
                "type": "checkboxes",
                "selected_options": [option("Licences", "lic"), option("Support", "sup")],
            }
        },
        "next_step": {"value": {"type": "plain_text_input", "value": None}},
        "owner": {"value": {"type": "users_select", "selected_user": "U0ALICE"}},
    }


def test_options_can_be_answered_by_value_or_text() -> None:
    stage = field("stage")

    assert state_value(stage, "won")["selected_option"]["value"] == "won"
    assert state_value(stage, "Prospect")["selected_option"]["value"] == "prospect"


@pytest.mark.parametrize(
    ("block_id", "answer"),
    [
        ("title", ""),
        ("amount", "6k"),
        ("amount", "12.5"),
        ("close_date", "30/06/2024"),
        ("stage", "7"),
        ("product", "1,9"),
    ],
)
def test_answers_slack_would_not_accept_raise_value_error(block_id: str, answer: str) -> None:
    with pytest.raises(ValueError):
        state_value(field(block_id), answer)


def test_empty_optional_checkboxes_select_nothing() -> None:
    assert state_value(field("product"), "") == {"type": "checkboxes", "selected_options": []}
