"""`/salesbot` end to end: signed requests to the real HTTP server, Slack faked on loopback.

Each test works in a workspace of its own (its own team id), so they do not depend on each
other's processes. U0BOSS is a Slack admin, hence a bot admin; U0MARIE and U0EMMA start as reps.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.blockkit_limits import message_problems, view_problems
from bot.devtools.modal_input import input_fields, state_value
from bot.ids import Admin
from tests.e2e_support import USERS, Reply, Server, running_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("admin_e2e") / "salesbot.db"
    with running_server(f"sqlite:///{path}", users=USERS) as running:
        yield running


def _answer(reply: Reply) -> dict[str, Any]:
    assert reply.status == 200, reply.body
    answer = reply.json()
    assert answer["response_type"] == "ephemeral", answer
    assert not message_problems(answer.get("blocks"), answer["text"])
    return dict(answer)


def _text(answer: dict[str, Any]) -> str:
    return answer.get("text", "") + "\n" + json.dumps(answer.get("blocks", []), ensure_ascii=False)


def admin(server: Server, text: str, team: str, user: str = "U0BOSS") -> dict[str, Any]:
    return _answer(server.command(user, text, command="/salesbot", team=team))


def test_help_in_each_language_and_for_each_role(server: Server) -> None:
    boss = admin(server, "aide", "T0HELP")
    assert "/salesbot processus ajouter" in boss["text"]
    assert Admin.OPEN_SETTINGS in json.dumps(boss["blocks"])
    rep = admin(server, "help", "T0HELP", user="U0EMMA")
    assert "/salesbot nudges on|off" in _text(rep)
    assert "/salesbot process add" not in _text(rep) and "/salesbot digest" not in _text(rep)
    assert "set by salesbot admins" in _text(rep) and Admin.OPEN_SETTINGS not in _text(rep)
    # A manager reads what managers do (digest, targets), not that everything is for admins.
    admin(server, "rôle <@U0MARIE|marie> manager", "T0HELP")
    manager = _text(admin(server, "aide", "T0HELP", user="U0MARIE"))
    assert "/salesbot synthese #canal|dm lundi 08:30" in manager
    assert "/salesbot objectif @commercial 2027-03 20000" in manager
    assert "/salesbot processus ajouter" not in manager and Admin.OPEN_SETTINGS not in manager


def test_reps_are_refused_and_nothing_changes(server: Server) -> None:
    team = "T0REFUSE"
    refused = admin(server, 'processus ajouter "Pirates" étapes "A:10"', team, user="U0MARIE")
    assert "Seuls les administrateurs" in refused["text"]
    listing = admin(server, "processus", team)
    assert "Pirates" not in _text(listing)


def test_processes_and_stages_by_text(server: Server) -> None:
    team = "T0PROC"
    added = admin(
        server,
        'processus ajouter "Grands comptes" étapes "Découverte:10, Démo:30, Négociation:80"',
        team,
    )
    assert "Processus « Grands comptes » créé, avec 3 étapes." in added["text"]
    assert "2. Démo — 30 % · 0 en cours" in _text(added)
    admin(server, "étape probabilité 'Grands comptes' Démo 35", team)
    admin(server, "étape bloquée-après 'Grands comptes' 3 21", team)
    admin(server, "étape ajouter 'Grands comptes' Signature 95", team)
    listing = admin(server, "processus", team)
    text = _text(listing)
    assert "Processus commercial" in text and "Grands comptes" in text
    assert "2. Démo — 35 % · 0 en cours" in text
    assert "3. Négociation — 80 % · 0 en cours · bloquée après 21 j" in text
    assert "4. Signature — 95 %" in text
    # An English-speaking admin reads the same in English.
    admin(server, "role <@U0EMMA|emma> admin", team)
    english = _text(admin(server, "processes", team, user="U0EMMA"))
    assert "Sales processes" in english and "2. Démo — 35% · 0 open" in english


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('étape ajouter "Processus commercial" "' + "x" * 200 + '" 30', "trop long"),
        ('étape ajouter "Processus commercial" Démo 150', "pas une probabilité"),
        ("étape probabilité Inconnu Démo 30", "aucun processus « inconnu »"),
        ('étape probabilité "Processus commercial" Fantôme 30', "aucune étape « fantôme »"),
        ('étape bloquée-après "Processus commercial" 1 abc', "nombre de jours"),
        ('processus archiver "Processus commercial"', "dernier processus actif"),
        ("rôle marie admin", "mentionnez la personne"),
        ("annonce #ventes", "choisissez le canal"),
        ("frobnicate", "je ne connais pas"),
    ],
)
def test_bad_input_gets_a_clear_answer(server: Server, text: str, expected: str) -> None:
    team = "T0BAD"
    before = _text(admin(server, "processus", team))
    answer = admin(server, text, team)
    assert expected in answer["text"].lower()
    assert _text(admin(server, "processus", team)) == before


def test_the_fifty_first_process_is_refused(server: Server) -> None:
    team = "T0MANY"
    for i in range(2, 11):
        admin(server, f'processus ajouter "P{i}" étapes "A:10"', team)
    refused = admin(server, 'processus ajouter "P11" étapes "A:10"', team)
    assert "10 processus actifs au plus" in refused["text"]
    assert "P11" not in _text(admin(server, "processus", team))


def test_removing_a_stage_asks_where_its_deals_go(server: Server) -> None:
    team = "T0REMOVE"
    created = server.command("U0MARIE", "new Dupond 6000 peinture close fin mars", team=team).json()
    number = int(created["text"].split("#")[1].split()[0])
    asked = admin(server, 'étape supprimer "Processus commercial" 1', team)
    assert "contient 1 opportunité en cours" in asked["text"]
    buttons = next(b for b in asked["blocks"] if b["type"] == "actions")["elements"]
    assert buttons[0]["text"]["text"] == "→ Rendez-vous planifié"
    # Nothing was removed by asking.
    assert "1. Opportunité à qualifier — 5 % · 1 en cours" in _text(
        admin(server, "processus", team)
    )
    # A rep cannot press the button (say, forwarded to them).
    server.slack.clear()
    action = {
        "action_id": buttons[0]["action_id"],
        "block_id": Admin.STAGE_TARGETS,
        "type": "button",
        "value": buttons[0]["value"],
    }
    assert server.action("U0MARIE", action, team=team).status == 200
    refusal = server.slack.wait_for("response_url")
    assert "Seuls les administrateurs" in refusal.args["text"]
    # The admin picks the destination: the deal moves, with its history.
    server.slack.clear()
    assert server.action("U0BOSS", action, team=team).status == 200
    done = server.slack.wait_for("response_url")
    assert done.ok, done.error
    assert "Étape « Opportunité à qualifier » supprimée" in done.args["text"]
    assert done.args.get("replace_original") is True
    listing = _text(admin(server, "processus", team))
    assert "Opportunité à qualifier" not in listing
    assert "1. Rendez-vous planifié — 10 % · 1 en cours" in listing
    card = _text(server.command("U0MARIE", f"voir #{number}", team=team).json())
    assert "Rendez-vous planifié" in card and "U0BOSS" in card
    # A second press of the same button finds the stage already gone.
    server.slack.clear()
    server.action("U0BOSS", action, team=team)
    assert "n'existe plus" in server.slack.wait_for("response_url").args["text"]


def test_a_new_role_applies_at_once(server: Server) -> None:
    team = "T0ROLE"
    assert "Seuls" in admin(server, "processus", team, user="U0MARIE")["text"]
    promoted = admin(server, "rôle <@U0MARIE|marie> admin", team)
    assert "<@U0MARIE> est maintenant administrateur (avant : commercial)." in promoted["text"]
    assert "Processus commercial" in _text(admin(server, "processus", team, user="U0MARIE"))
    admin(server, "rôle <@U0MARIE|marie> commercial", team)
    assert "Seuls" in admin(server, "processus", team, user="U0MARIE")["text"]
    last = admin(server, "rôle <@U0BOSS|boss> commercial", team)
    assert "dernier administrateur" in last["text"]


def test_a_team_opens_its_reps_deals_to_the_manager(server: Server) -> None:
    team = "T0TEAM"
    server.command("U0MARIE", "new Dupond 6000 peinture close fin mars", team=team)
    forbidden = server.command("U0EMMA", "list <@U0MARIE|marie>", team=team).json()
    assert "not available to you" in forbidden["text"]
    refused = admin(server, "équipe <@U0EMMA|emma> ajouter <@U0MARIE|marie>", team)
    assert "n'est pas manager" in refused["text"]
    admin(server, "rôle <@U0EMMA|emma> manager", team)
    added = admin(server, "équipe <@U0EMMA|emma> ajouter <@U0MARIE|marie> <@U0NEW|new>", team)
    assert "<@U0MARIE>, <@U0NEW>" in added["text"]
    listing = server.command("U0EMMA", "list <@U0MARIE|marie>", team=team).json()
    assert "Dupond" in _text(listing)
    shown = admin(server, "équipe <@U0EMMA|emma>", team)
    assert "<@U0MARIE>, <@U0NEW>" in _text(shown)


def test_announce_channel(server: Server) -> None:
    team = "T0ANNOUNCE"
    answer = admin(server, "annonce <#C0VENTES|ventes>", team)
    assert "annoncées dans <#C0VENTES>" in answer["text"]
    assert "<#C0VENTES>" in _text(admin(server, "processus", team))
    assert "ne sont plus annoncées" in admin(server, "annonce off", team)["text"]


def _modal(server: Server, team: str, text: str = "réglages") -> dict[str, Any]:
    server.slack.clear()
    reply = server.command("U0BOSS", text, command="/salesbot", team=team)
    assert reply.status == 200 and reply.body in ("", "null"), reply.body
    opened = server.slack.wait_for("views.open")
    assert opened.ok, opened.error
    view: dict[str, Any] = opened.args["view"]
    assert not view_problems(view)
    return view


def _values(view: dict[str, Any], answers: dict[str, str]) -> dict[str, Any]:
    fields = input_fields(view)
    return {
        f.block_id: {f.action_id: state_value(f, answers.get(f.block_id, f.initial or ""))}
        for f in fields
    }


def test_the_settings_modal_for_people_who_do_not_like_typing(server: Server) -> None:
    team = "T0MODAL"
    view = _modal(server, team)
    assert "Processus commercial" in json.dumps(view, ensure_ascii=False)
    # Refusals come back next to their fields; nothing is saved.
    bad = {
        Admin.NEW_PROCESS_NAME: "Grands comptes",
        Admin.NEW_PROCESS_STAGES: "Découverte:10, Démo:300",
        Admin.EDIT_STAGE: "Besoins identifiés (40 %)",
        Admin.EDIT_STUCK_AFTER: "jamais vu",
    }
    refused = server.submit("U0BOSS", view, _values(view, bad), team=team).json()
    assert refused["response_action"] == "errors"
    assert set(refused["errors"]) == {Admin.NEW_PROCESS_STAGES, Admin.EDIT_STUCK_AFTER}
    assert "pas une probabilité" in refused["errors"][Admin.NEW_PROCESS_STAGES]
    assert "Grands comptes" not in _text(admin(server, "processus", team))
    # Corrected, everything is saved at once and the admin is told what changed.
    good = {
        **bad,
        Admin.NEW_PROCESS_STAGES: "Découverte:10, Démo:30",
        Admin.EDIT_STUCK_AFTER: "14",
        Admin.EDIT_PROBABILITY: "45",
        Admin.ADD_STAGE_PROCESS: "Processus commercial",
        Admin.ADD_STAGE_NAME: "Signature",
        Admin.ADD_STAGE_PROBABILITY: "95",
        Admin.ANNOUNCE_CHANNEL: "C0VENTES",
    }
    server.slack.clear()
    accepted = server.submit("U0BOSS", view, _values(view, good), team=team)
    assert accepted.status == 200 and accepted.body in ("", "null"), accepted.body
    saved = server.slack.wait_for("response_url")
    assert saved.ok, saved.error
    assert "Réglages enregistrés" in saved.args["text"]
    listing = _text(admin(server, "processus", team))
    assert "Grands comptes" in listing and "2. Démo — 30 %" in listing
    assert "3. Besoins identifiés — 45 % · 0 en cours · bloquée après 14 j" in listing
    assert "6. Signature — 95 %" in listing and "<#C0VENTES>" in listing
    # Reopened, the modal shows the channel; emptying it turns announcements off.
    again = _modal(server, team, "paramètres")
    server.slack.clear()
    values = _values(again, {Admin.ANNOUNCE_CHANNEL: ""})
    values[Admin.ANNOUNCE_CHANNEL] = {
        Admin.ANNOUNCE_CHANNEL: {"type": "conversations_select", "selected_conversation": None}
    }
    assert server.submit("U0BOSS", again, values, team=team).status == 200
    assert "ne sont plus annoncées" in server.slack.wait_for("response_url").args["text"]


def test_the_settings_button_opens_the_modal_and_reps_cannot(server: Server) -> None:
    team = "T0BUTTON"
    overview = admin(server, "processus", team)
    button = next(b for b in overview["blocks"] if b["type"] == "actions")["elements"][0]
    action = {
        "action_id": button["action_id"],
        "block_id": Admin.OVERVIEW_ACTIONS,
        "type": "button",
        "value": button["value"],
    }
    server.slack.clear()
    assert server.action("U0BOSS", action, team=team).status == 200
    assert server.slack.wait_for("views.open").ok
    server.slack.clear()
    assert admin(server, "réglages", team, user="U0MARIE")["text"].startswith("Seuls")
    assert not server.slack.calls_to("views.open")


def test_a_channel_the_bot_cannot_post_to_is_refused_when_chosen(server: Server) -> None:
    team = "T0CHANNEL"
    server.slack.add_channel("G0SECRET", member=False)  # private, the bot not invited
    server.slack.add_channel("C0PUBLIC", member=False)  # public: chat:write.public suffices
    refused = admin(server, "annonce <#G0SECRET|direction>", team)
    assert "Je ne peux pas écrire dans <#G0SECRET>" in refused["text"]
    assert "/invite @salesbot" in refused["text"]
    assert "<#G0SECRET>" not in _text(admin(server, "processus", team))
    accepted = admin(server, "annonce <#C0PUBLIC|ventes>", team)
    assert "<#C0PUBLIC>" in _text(accepted)
    # A manager's digest, in English: the same answer.
    admin(server, "rôle <@U0EMMA|emma> manager", team)
    digest = admin(server, "digest <#G0SECRET|direction> monday 08:30", team, user="U0EMMA")
    assert "I can't post in <#G0SECRET>" in digest["text"]
    # The settings form says it next to the field, and saves nothing.
    view = _modal(server, team)
    values = _values(view, {Admin.ANNOUNCE_CHANNEL: "G0SECRET"})
    answer = server.submit("U0BOSS", view, values, team=team).json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {Admin.ANNOUNCE_CHANNEL}
    assert "/invite @salesbot" in answer["errors"][Admin.ANNOUNCE_CHANNEL]
    assert "<#C0PUBLIC>" in _text(admin(server, "processus", team))
    # Once invited, the bot can post there.
    server.slack.add_channel("G0SECRET", member=True)
    assert "<#G0SECRET>" in _text(admin(server, "annonce <#G0SECRET|direction>", team))
