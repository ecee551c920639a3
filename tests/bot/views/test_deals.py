"""Block Kit builders: what a reader sees, and never a payload Slack would refuse."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from bot.blockkit_limits import message_problems, view_problems
from bot.devtools.render_text import render_blocks
from bot.views import deal_forms as modal
from bot.views import deals as opportunity
from commands.deals import (
    Card,
    FormChoices,
    HistoryEntry,
    OpportunityList,
    Prefill,
    ProcessChoice,
    StageInfo,
)
from storage.models import ChangeKind, Status

STAGES = (
    StageInfo(1, "Opportunité à qualifier", 0, 5),
    StageInfo(2, "Rendez-vous planifié", 1, 10),
    StageInfo(3, "Besoins identifiés", 2, 40),
)
AT = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def _card(**changes: object) -> Card:
    card = Card(
        number=12,
        account="Dupond",
        title="Peinture anti-polluants",
        amount_minor=600_000,
        currency="EUR",
        close_date=date(2027, 10, 5),
        owner_id="U0MARIE",
        status=Status.OPEN,
        process="Processus commercial",
        stage=STAGES[1],
        stages=STAGES,
        probability=10,
        probability_overridden=False,
        days_in_stage=3,
        origin="salon",
        product="peinture",
        next_step="Rappeler",
        next_step_date=date(2026, 12, 1),
        qualification=(True, True, False, True),
        lost_reason=None,
        created_at=AT,
        closed_at=None,
        version=1,
    )
    return replace(card, **changes)  # type: ignore[arg-type]


def test_the_full_card_shows_every_field_in_french() -> None:
    message = opportunity.card_message(_card(), "fr", "Europe/Paris")
    assert not message_problems(message["blocks"], message["text"])
    text = render_blocks(message["blocks"]).text
    for expected in (
        "#12 · Dupond",
        "Peinture anti-polluants",
        "6\u202f000\xa0€",
        "600\xa0€",
        "Rendez-vous planifié · 3 j dans l'étape",
        "10 %",
        "5 oct. 2027",
        "salon",
        "Rappeler (1 déc. 2026)",
        "Principaux freins levés",
    ):
        assert expected in text, expected


def test_the_card_in_english() -> None:
    text = render_blocks(opportunity.card_message(_card(), "en", "Europe/London")["blocks"]).text
    assert "€6,000" in text and "Oct 5, 2027" in text and "3 d in stage" in text


def test_a_long_history_is_cut_to_fit_one_section() -> None:
    history = tuple(
        HistoryEntry(ChangeKind.STAGE, AT + timedelta(hours=i), "U0MARIE", "A" * 40, "B" * 40)
        for i in range(500)
    )
    message = opportunity.card_message(_card(history=history), "fr", "Europe/Paris")
    assert not message_problems(message["blocks"], message["text"])
    assert "changements plus anciens" in message["blocks"][-1]["text"]["text"]


def test_huge_user_text_never_breaks_the_limits() -> None:
    card = _card(account="A" * 300, title="T" * 3000, next_step="N" * 3000, origin="O" * 2000)
    message = opportunity.card_message(card, "fr", "Europe/Paris")
    assert not message_problems(message["blocks"], message["text"])


def test_a_list_shows_totals_and_how_many_more() -> None:
    cards = tuple(_card(number=i) for i in range(20))
    listing = OpportunityList(
        owner_id="U0MARIE",
        own=True,
        cards=cards,
        total_count=45,
        total_minor=45 * 600_000,
        weighted_minor=45 * 60_000,
        currency="EUR",
    )
    message = opportunity.opportunity_list(listing, "fr")
    assert not message_problems(message["blocks"], message["text"])
    text = render_blocks(message["blocks"]).text
    assert "45 opportunités · total 270\u202f000\xa0€ · pondéré 27\u202f000\xa0€" in text
    assert "25 autres" in text


def test_the_modal_groups_stages_by_process_and_stays_valid() -> None:
    processes = tuple(
        ProcessChoice(
            id=p,
            name=f"Processus {p}",
            stages=tuple((p * 100 + s, f"Étape {s}", s * 10) for s in range(10)),
        )
        for p in range(12)
    )
    view = modal.new_opportunity(
        FormChoices(processes=processes, currency="EUR"),
        Prefill(account="Dupond", amount_text="6000"),
        "fr",
        metadata={"channel": "C1", "response_url": "https://hooks.slack.com/x"},
    )
    assert not view_problems(view)
    stage = next(b for b in view["blocks"] if b.get("block_id") == "stage")["element"]
    assert sum(len(g["options"]) for g in stage["option_groups"]) <= 100
    account = next(b for b in view["blocks"] if b.get("block_id") == "account")["element"]
    assert account["initial_option"]["value"] == "new:Dupond"


def test_the_modal_offers_an_existing_account_as_itself_not_as_a_new_one() -> None:
    choices = FormChoices(
        processes=(ProcessChoice(1, "P", ((1, "A", 5), (2, "B", 10))),), currency="EUR"
    )
    view = modal.new_opportunity(
        choices, Prefill(account="Dupond SA", account_id=7), "en", metadata={}
    )
    assert not view_problems(view)
    account = next(b for b in view["blocks"] if b.get("block_id") == "account")["element"]
    assert account["initial_option"]["value"] == "id:7"
    assert account["initial_option"]["text"]["text"] == "Dupond SA"


def test_the_modal_with_one_process_has_plain_options() -> None:
    choices = FormChoices(
        processes=(ProcessChoice(1, "P", ((1, "A", 5), (2, "B", 10))),), currency="EUR"
    )
    view = modal.new_opportunity(choices, Prefill(), "en", metadata={})
    stage = next(b for b in view["blocks"] if b["block_id"] == "stage")["element"]
    assert [o["value"] for o in stage["options"]] == ["1", "2"]
    assert view["title"]["text"] == "New opportunity"
