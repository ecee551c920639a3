"""Values read back from payloads, and what a refusal quotes back."""

from __future__ import annotations

import pytest

from bot.ids import parse_card_value, parse_snooze_value, parse_stage_value
from bot.listeners.errors import error_text
from bot.payloads import MAX_ID, STALE_VERSION, card_metadata, small_int
from commands.errors import InvalidInput
from commands.parsing import parse_amount


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (12, 12),
        ("²", None),
        ("-1", None),
        ("", None),
        ("1e3", None),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("9" * 400, None),
        (True, None),
        (None, None),
        ("١٢", None),
    ],
)
def test_small_int_takes_only_ascii_digits_in_range(value: object, expected: int | None) -> None:
    assert small_int(value) == expected


def test_a_card_value_without_a_valid_version_is_stale() -> None:
    assert parse_card_value("12:3") == (12, 3)
    for value in ("12", "12:", "12:-1", "12:abc", "12:²", f"12:{MAX_ID + 1}"):
        assert parse_card_value(value) == (12, STALE_VERSION)


@pytest.mark.parametrize("value", ["²:1", "0:1", f"{MAX_ID + 1}:1", ":1", "abc"])
def test_a_forged_card_number_is_refused(value: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_card_value(value)
    assert refused.value.key == "payload.forged"


def test_stage_values_and_snoozes_are_checked_the_same_way() -> None:
    assert parse_stage_value("4:12:3") == (4, 12, 3)
    for value in (f"{2**31}:12:3", "²:12:3", "0:12:3"):
        with pytest.raises(InvalidInput):
            parse_stage_value(value)
    assert parse_snooze_value("7:12", max_days=30) == (7, 12)
    for value in ("31:12", "0:12", "7:²", "7:99999999999"):
        with pytest.raises(InvalidInput):
            parse_snooze_value(value, max_days=30)


@pytest.mark.parametrize(
    "meta", [{}, {"number": None}, {"number": "²"}, {"number": 2**31}, {"number": [1]}]
)
def test_forged_metadata_is_refused(meta: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        card_metadata(meta)


def test_metadata_versions_that_are_not_versions_are_stale() -> None:
    assert card_metadata({"number": 3, "version": 2}) == (3, 2)
    assert card_metadata({"number": "3", "version": None}) == (3, STALE_VERSION)
    assert card_metadata({"number": 3, "version": -1}) == (3, STALE_VERSION)


def test_a_refusal_never_quotes_control_characters() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_amount("12\x00\x1b[2Jx")  # a modal's amount field is not cleaned first
    text = error_text(refused.value, "fr")
    assert "12[2Jx" in text
    assert "\x00" not in text and "\x1b" not in text


@pytest.mark.parametrize("value", ["²:0:x", f"{2**31}:0:x", "1:²:x", "1:-5:x"])
def test_a_forged_board_page_is_refused(value: str) -> None:
    from bot.listeners.reports import _page_value

    with pytest.raises(InvalidInput):
        _page_value(value)


@pytest.mark.parametrize("value", ["²:1", f"{2**31}:1", "1:99999999999", "0:1"])
def test_a_forged_stage_removal_is_refused(value: str) -> None:
    from bot.listeners.admin import stage_ids
    from commands.errors import NotFound

    with pytest.raises(NotFound):
        stage_ids(value)
