"""`/salesbot` views: what an admin reads, and never a payload Slack would refuse."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.blockkit_limits import message_problems, view_problems
from bot.devtools.modal_input import input_fields, state_value
from bot.devtools.render_text import render_blocks
from bot.ids import Admin
from bot.listeners.admin import settings_input, stage_ids
from bot.views import admin
from commands.admin import (
    AnnounceChannel,
    LostReasons,
    RoleChanged,
    SettingsApplied,
    SettingsInput,
    TeamChanged,
    TeamListing,
)
from commands.errors import NotFound
from commands.processes import (
    NeedsDestination,
    Overview,
    ProcessChanged,
    ProcessView,
    StageView,
)
from storage.models import Role

NASTY = "<!channel> & <@U0BOSS> *gras* `code`"


def _stage(sid: int, number: int, name: str, probability: int = 10, **more: Any) -> StageView:
    return StageView(
        id=sid,
        number=number,
        name=name,
        probability=probability,
        stuck_after_days=more.get("stuck"),
        open_count=more.get("open", 0),
    )


def _process(
    pid: int, name: str, stages: tuple[StageView, ...], archived: bool = False
) -> ProcessView:
    return ProcessView(
        id=pid,
        name=name,
        archived=archived,
        stages=stages,
        open_count=sum(s.open_count for s in stages),
    )


DEFAULT = _process(
    1,
    "Processus commercial",
    (
        _stage(11, 1, "Opportunité à qualifier", 5, stuck=14, open=3),
        _stage(12, 2, "Rendez-vous planifié", 10),
        _stage(13, 3, "Besoins identifiés", 40, open=2),
    ),
)


def _biggest() -> Overview:
    """Ten processes of ten stages with the longest names, all of them full of `&` and `<`."""
    name = ("&<" * 25)[:50]
    processes = tuple(
        _process(
            p,
            f"{p}{name}"[:50],
            tuple(
                _stage(p * 100 + s, s + 1, f"{s}{name}"[:50], 100, stuck=365, open=99_999)
                for s in range(10)
            ),
        )
        for p in range(10)
    )
    archived = tuple(_process(1000 + i, f"Old {i} {name}", (), archived=True) for i in range(40))
    return Overview(processes=processes, archived=archived, announce_channel="C0VENTES")


def _text(message: dict[str, Any]) -> str:
    return render_blocks(message["blocks"]).text


def _raw(message: dict[str, Any]) -> str:
    return message["text"] + json.dumps(message["blocks"], ensure_ascii=False)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_help_lists_every_subcommand_in_each_language(lang: str) -> None:
    message = admin.help_message(lang, Role.ADMIN)
    assert not message_problems(message["blocks"], message["text"])
    text = _text(message)
    words = ("réglages", "processus ajouter", "étape supprimer", "rôle", "équipe", "annonce")
    if lang == "en":
        words = ("settings", "process add", "stage remove", "role", "team", "announce")
    for word in words:
        assert f"/salesbot {word}" in text, word
    # The usage placeholders must not reach Slack as "<…>" (it would read them as links).
    assert "<process" not in _raw(message) and "<processus" not in _raw(message)
    assert message["blocks"][-1]["elements"][0]["action_id"] == Admin.OPEN_SETTINGS


def test_help_tells_non_admins_whom_to_ask() -> None:
    message = admin.help_message("fr", Role.REP)
    assert "réglés par les administrateurs de salesbot" in _text(message)
    assert Admin.OPEN_SETTINGS not in json.dumps(message)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_help_lists_what_this_reader_may_do(lang: str) -> None:
    texts = {role: _text(admin.help_message(lang, role)) for role in Role}
    for role, text in texts.items():
        message = admin.help_message(lang, role)
        assert not message_problems(message["blocks"], message["text"]), role
        for block in message["blocks"]:
            Block.parse(block).validate_json()  # type: ignore[union-attr]
        assert ("/salesbot nudges" if lang == "en" else "/salesbot relances") in text, role
    digest, target = ("digest", "target") if lang == "en" else ("synthese", "objectif")
    process_add = "process add" if lang == "en" else "processus ajouter"
    # A rep: their deals and nudges; nothing they would be refused.
    assert f"/salesbot {digest}" not in texts[Role.REP]
    assert f"/salesbot {target}" not in texts[Role.REP]
    assert f"/salesbot {process_add}" not in texts[Role.REP]
    # A manager: also their team's digest and targets, not the admins' settings.
    assert f"/salesbot {digest}" in texts[Role.MANAGER]
    assert f"/salesbot {target}" in texts[Role.MANAGER]
    assert f"/salesbot {process_add}" not in texts[Role.MANAGER]
    assert "/salesbot outbox" not in texts[Role.MANAGER] and "outbox" not in texts[Role.MANAGER]
    # An admin: everything.
    for command in (digest, target, process_add):
        assert f"/salesbot {command}" in texts[Role.ADMIN], command


def test_the_overview_shows_stages_probabilities_stuck_and_open_deals() -> None:
    overview = Overview(
        processes=(DEFAULT,),
        archived=(_process(2, "Ancien", (_stage(21, 1, "X", open=4),), archived=True),),
        announce_channel=None,
    )
    text = _text(admin.overview_message(overview, "fr"))
    assert "Processus commercial · 5 en cours" in text
    assert "1. Opportunité à qualifier — 5 % · 3 en cours · bloquée après 14 j" in text
    assert "2. Rendez-vous planifié — 10 % · 0 en cours" in text
    assert "Archivés : Ancien (4 en cours)" in text
    assert "pas d'annonce" in text
    english = _text(admin.overview_message(overview, "en"))
    assert "1. Opportunité à qualifier — 5% · 3 open · stuck after 14 d" in english


def test_ten_processes_of_ten_stages_fit_a_message_and_the_modal() -> None:
    overview = _biggest()
    message = admin.overview_message(overview, "fr")
    assert not message_problems(message["blocks"], message["text"])
    assert _text(message).count("99999 en cours") == 100
    view = admin.settings_modal(overview, "fr", metadata={"response_url": "https://x/" + "y" * 200})
    assert not view_problems(view)
    stage = next(b for b in view["blocks"] if b.get("block_id") == Admin.EDIT_STAGE)["element"]
    assert sum(len(g["options"]) for g in stage["option_groups"]) == 100
    applied = SettingsApplied(
        changes=tuple(
            ProcessChanged("admin.stuck_set", {"stage": "x" * 50, "count": 3}, p)
            for p in overview.processes
        ),
        overview=overview,
    )
    answer = admin.settings_applied_message(applied, "en")
    assert not message_problems(answer["blocks"], answer["text"])


def test_names_typed_by_admins_cannot_ping_or_format() -> None:
    nasty = _process(1, NASTY, (_stage(11, 1, NASTY, open=1), _stage(12, 2, "B")))
    messages = [
        admin.overview_message(Overview((nasty,), (), None), "fr"),
        admin.result_message(
            ProcessChanged("admin.process_added", {"process": NASTY, "count": 2}, nasty), "fr"
        ),
        admin.result_message(NeedsDestination(nasty, nasty.stages[0], nasty.stages[1:]), "fr"),
        admin.result_message(LostReasons((NASTY,), added=NASTY), "fr"),
    ]
    for message in messages:
        raw = _raw(message)
        assert "<!channel>" not in raw and "<@U0BOSS>" not in raw, raw
    view = admin.settings_modal(Overview((nasty,), (), None), "fr", metadata={})
    assert "<!channel>" not in json.dumps(view, ensure_ascii=False)


def test_where_do_the_deals_go_offers_one_button_per_other_stage() -> None:
    stages = tuple(_stage(10 + i, i + 1, f"Étape {i}" + "x" * 50, open=i) for i in range(10))
    process = _process(1, "P", stages)
    result = NeedsDestination(process, stages[3], stages[:3] + stages[4:])
    message = admin.result_message(result, "fr")
    assert not message_problems(message["blocks"], message["text"])
    assert "contient 3 opportunités en cours" in _text(message)
    assert "Rien n'a encore été supprimé" in _text(message)
    buttons = message["blocks"][1]["elements"]
    assert len(buttons) == 9
    assert [stage_ids(b["value"]) for b in buttons] == [(13, s.id) for s in result.targets]
    assert all(b["action_id"].startswith(Admin.REMOVE_STAGE_TO + ":") for b in buttons)
    # The typed form is offered too, with the names filled in.
    assert '/salesbot étape supprimer "P" "Étape 3' in _text(message)


def test_a_forged_button_value_is_not_found() -> None:
    with pytest.raises(NotFound):
        stage_ids("12:abc")


def test_roles_teams_announcements_read_naturally() -> None:
    role = admin.result_message(RoleChanged("U0PAUL", Role.REP, Role.MANAGER, team_kept=2), "fr")
    assert "<@U0PAUL> est maintenant commercial (avant : manager)." in role["text"]
    assert "Son équipe (2)" in _text(role)
    team = admin.result_message(
        TeamChanged(
            "U0PAUL",
            added=("U0LEO",),
            moved=(("U0MARIE", "U0OLD"),),
            already=(),
            removed=(),
            not_in_team=(),
            team=("U0LEO", "U0MARIE"),
        ),
        "en",
    )
    assert "Added to <@U0PAUL>'s team: <@U0LEO>." in team["text"]
    assert "<@U0MARIE> moves from <@U0OLD>'s team to <@U0PAUL>'s." in team["text"]
    assert "Members: <@U0LEO>, <@U0MARIE>" in json.dumps(team["blocks"])
    listing = admin.result_message(TeamListing("U0REP", Role.REP, ()), "fr")
    assert "n'est pas manager" in json.dumps(listing["blocks"], ensure_ascii=False)
    announce = admin.result_message(AnnounceChannel("C0VENTES", changed=True), "fr")
    assert "annoncées dans <#C0VENTES>" in announce["text"]
    assert "/invite @salesbot" in announce["text"]
    off = admin.result_message(AnnounceChannel(None, changed=True), "en")
    assert off["text"] == "Won deals are no longer announced."
    for message in (role, team, listing, announce, off):
        assert not message_problems(message["blocks"], message["text"])


def test_many_lost_reasons_and_a_big_team_stay_within_limits() -> None:
    reasons = admin.result_message(LostReasons(tuple("r" * 75 + str(i) for i in range(30))), "fr")
    assert not message_problems(reasons["blocks"], reasons["text"])
    big = tuple(f"U0{i:09d}" for i in range(300))
    team = admin.result_message(
        TeamChanged(
            "U0PAUL",
            added=big[:50],
            moved=tuple((u, "U0OLD") for u in big[50:100]),
            already=(),
            removed=(),
            not_in_team=(),
            team=big,
        ),
        "fr",
    )
    assert not message_problems(team["blocks"], team["text"])


def test_the_modal_round_trips_into_settings_input() -> None:
    overview = Overview(
        processes=(DEFAULT, _process(2, "Grands comptes", (_stage(21, 1, "Démo", 30),))),
        archived=(),
        announce_channel="C0VENTES",
    )
    view = admin.settings_modal(overview, "fr", metadata={"response_url": "https://r"})
    assert not view_problems(view)
    assert view["callback_id"] == Admin.SETTINGS
    fields = {f.block_id: f for f in input_fields(view)}
    assert set(fields) == {a.value for a in Admin if a.value in SettingsInput.__dataclass_fields__}
    assert all(f.optional for f in fields.values())
    # Untouched, the channel comes back as it was: nothing would change.
    assert fields[Admin.ANNOUNCE_CHANNEL].initial == "C0VENTES"
    answers = {
        Admin.NEW_PROCESS_NAME: "Export",
        Admin.NEW_PROCESS_STAGES: "A:10, B:50",
        Admin.ADD_STAGE_PROCESS: "Grands comptes",
        Admin.ADD_STAGE_NAME: "Signature",
        Admin.ADD_STAGE_PROBABILITY: "90",
        Admin.EDIT_STAGE: "Besoins identifiés (40 %)",
        Admin.EDIT_PROBABILITY: "45",
        Admin.EDIT_STUCK_AFTER: "off",
        Admin.ANNOUNCE_CHANNEL: "",
    }
    values = {b: {f.action_id: state_value(f, answers[Admin(b)])} for b, f in fields.items()}
    form = settings_input({**view, "state": {"values": values}})
    assert form == SettingsInput(
        new_process_name="Export",
        new_process_stages="A:10, B:50",
        add_stage_process="2",
        add_stage_name="Signature",
        add_stage_probability="90",
        edit_stage="13",
        edit_probability="45",
        edit_stuck_after="off",
        announce_channel=None,
    )


def test_a_modal_in_english_with_one_process_lists_its_stages_plainly() -> None:
    view = admin.settings_modal(Overview((DEFAULT,), (), None), "en", metadata={})
    assert view["title"]["text"] == "salesbot settings"
    stage = next(b for b in view["blocks"] if b.get("block_id") == Admin.EDIT_STAGE)["element"]
    assert stage["options"][0]["text"]["text"] == "Opportunité à qualifier (5%)"
    channel = next(b for b in view["blocks"] if b.get("block_id") == Admin.ANNOUNCE_CHANNEL)
    assert "initial_conversation" not in channel["element"]
