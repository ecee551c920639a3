"""Slack's Block Kit limits, as the views and LocalSlack rely on them."""

from __future__ import annotations

from typing import Any

import pytest

from bot.blockkit_limits import MAX_UPDATE_TEXT, message_problems, view_problems


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(action_id: str, text: str = "Go", value: str = "v") -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": plain(text), "value": value}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def modal(blocks: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "opp_new",
        "title": plain("New opportunity"),
        "submit": plain("Save"),
        "blocks": blocks,
        **extra,
    }


def test_a_message_within_every_limit_has_no_problem() -> None:
    blocks = [
        {"type": "header", "text": plain("H" * 150)},
        section("x" * 3000, block_id="b1", accessory=button("a1")),
        {"type": "actions", "block_id": "b2", "elements": [button(f"a{i}") for i in range(25)]},
        {"type": "context", "elements": [plain("c")] * 10},
    ]
    assert message_problems(blocks, "t" * 40_000) == []
    assert message_problems(None, None) == []


@pytest.mark.parametrize(
    ("blocks", "problem"),
    [
        ([section("x")] * 51, "/blocks: 51 blocks > 50"),
        ([section("ok"), section("x" * 3001)], "/blocks/1/text/text: 3001 chars > 3000"),
        ([{"type": "header", "text": plain("H" * 151)}], "/blocks/0/text/text: 151 chars > 150"),
        (
            [{"type": "section", "fields": [plain("f")] * 11}],
            "/blocks/0/fields: 11 fields > 10",
        ),
        (
            [{"type": "section", "fields": [plain("f"), plain("f" * 2001)]}],
            "/blocks/0/fields/1/text: 2001 chars > 2000",
        ),
        (
            [{"type": "actions", "elements": [button(f"a{i}") for i in range(26)]}],
            "/blocks/0/elements: 26 elements > 25",
        ),
        (
            [{"type": "context", "elements": [plain("c")] * 11}],
            "/blocks/0/elements: 11 elements > 10",
        ),
        (
            [{"type": "actions", "elements": [button("a", text="B" * 76)]}],
            "/blocks/0/elements/0/text/text: 76 chars > 75",
        ),
        (
            [{"type": "actions", "elements": [button("a", value="v" * 2001)]}],
            "/blocks/0/elements/0/value: 2001 chars > 2000",
        ),
        (
            [section("s", accessory=button("a" * 256))],
            "/blocks/0/accessory/action_id: 256 chars > 255",
        ),
        ([section("s", block_id="b" * 256)], "/blocks/0/block_id: 256 chars > 255"),
    ],
)
def test_each_limit_is_reported_with_its_json_pointer(
    blocks: list[dict[str, Any]], problem: str
) -> None:
    assert message_problems(blocks, None) == [problem]


def test_select_and_overflow_options_are_limited() -> None:
    select = {
        "type": "static_select",
        "action_id": "stage",
        "options": [option(f"o{i}", str(i)) for i in range(101)],
    }
    overflow_one = {"type": "overflow", "action_id": "o1", "options": [option("a", "a")]}
    overflow_six = {
        "type": "overflow",
        "action_id": "o6",
        "options": [option(str(i), str(i)) for i in range(6)],
    }
    long_option = {
        "type": "static_select",
        "action_id": "long",
        "options": [option("t" * 76, "v" * 151)],
    }
    blocks = [{"type": "actions", "elements": [select, overflow_one, overflow_six, long_option]}]

    assert message_problems(blocks, None) == [
        "/blocks/0/elements/0/options: 101 options > 100",
        "/blocks/0/elements/1/options: 1 options, overflow needs 2-5",
        "/blocks/0/elements/2/options: 6 options, overflow needs 2-5",
        "/blocks/0/elements/3/options/0/text/text: 76 chars > 75",
        "/blocks/0/elements/3/options/0/value: 151 chars > 150",
    ]


def test_duplicate_ids_are_reported() -> None:
    blocks = [
        section("a", block_id="same"),
        {"type": "actions", "block_id": "same", "elements": [button("go"), button("go")]},
    ]

    assert message_problems(blocks, None) == [
        "/blocks/1/block_id: duplicate 'same' (first at /blocks/0)",
        "/blocks/1/elements/1/action_id: duplicate 'go' (first at /blocks/1/elements/0)",
    ]


def test_the_same_action_id_in_two_blocks_is_allowed() -> None:
    blocks = [
        {"type": "actions", "block_id": "r1", "elements": [button("show")]},
        {"type": "actions", "block_id": "r2", "elements": [button("show")]},
    ]
    assert message_problems(blocks, None) == []


def test_message_text_limit_depends_on_the_method() -> None:
    assert message_problems(None, "t" * 40_001) == ["/text: 40001 chars > 40000"]
    assert message_problems(None, "t" * 4_001, text_limit=MAX_UPDATE_TEXT) == [
        "/text: 4001 chars > 4000"
    ]


def test_a_valid_modal_has_no_problem() -> None:
    blocks = [
        {
            "type": "input",
            "block_id": "title",
            "label": plain("Title"),
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ]
    assert view_problems(modal(blocks, close=plain("Cancel"), private_metadata="m" * 3000)) == []


def test_view_limits() -> None:
    view = modal(
        [section("x")] * 101,
        title=plain("T" * 25),
        submit=plain("S" * 25),
        close=plain("C" * 25),
        private_metadata="m" * 3001,
        callback_id="c" * 256,
    )

    assert view_problems(view) == [
        "/title/text: 25 chars > 24",
        "/submit/text: 25 chars > 24",
        "/close/text: 25 chars > 24",
        "/private_metadata: 3001 chars > 3000",
        "/callback_id: 256 chars > 255",
        "/blocks: 101 blocks > 100",
    ]


def test_input_blocks_need_label_element_and_a_submit_button() -> None:
    view = {
        "type": "modal",
        "title": plain("New"),
        "blocks": [{"type": "input", "block_id": "x"}],
    }

    assert view_problems(view) == [
        "/blocks/0/label: required for an input block",
        "/blocks/0/element: required for an input block",
        "/submit: required when the modal has input blocks",
    ]


def test_a_whole_view_over_250_kb_is_too_large() -> None:
    blocks = [section("é" * 2900, block_id=f"b{i}") for i in range(50)]
    problems = view_problems({"type": "home", "blocks": blocks})
    assert len(problems) == 1
    assert problems[0].startswith("/: ")
    assert problems[0].endswith("bytes > 250000")


def test_home_tab_allows_100_blocks_without_title() -> None:
    assert view_problems({"type": "home", "blocks": [section("x")] * 100}) == []
