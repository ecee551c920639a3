"""`/pipeline stats` and `/opp export` through the real server: ack first, answer after.

Stats come through the command's response_url; the chart and the export files are uploaded to
the user's DM with files_upload_v2, and the fake Slack keeps their bytes for us to read.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.blockkit_limits import message_problems
from bot.devtools.localslack import ApiCall
from bot.devtools.slackreq import command_body
from tests.e2e_support import TEAM, Server, running_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path: Path = tmp_path_factory.mktemp("stats-e2e") / "salesbot.db"
    with running_server(f"sqlite:///{path}") as running:
        for text in (
            "new Dupond 6000 peinture close fin mars",
            "new Martin 2500 audit close fin avril",
            "new Acme 1 200,50 € =formule close fin mai",
        ):
            assert "blocks" in running.command("U0MARIE", text).json()
        assert running.command("U0MARIE", "gagnée #1").status == 200
        yield running


def _command(server: Server, user: str, command: str, text: str) -> tuple[Any, str]:
    """Send a slash command; returns its ack (JSON or None) and its response_url key."""
    key = uuid.uuid4().hex
    body = command_body(
        team_id=TEAM,
        user_id=user,
        command=command,
        text=text,
        response_url=server.slack.response_url(key),
    )
    reply = server.post(body)
    assert reply.status == 200
    return reply.json(), key


def _answer(server: Server, key: str) -> ApiCall:
    return server.slack.wait_for("response_url", lambda c: c.args.get("key") == key, timeout=15)


def _text(message: dict[str, Any]) -> str:
    return message.get("text", "") + json.dumps(message.get("blocks", []), ensure_ascii=False)


def test_stats_are_acked_then_answered_within_slacks_limits(server: Server) -> None:
    ack, key = _command(server, "U0MARIE", "/pipeline", "stats")
    assert ack is None  # an empty ack: nothing to show until the figures are ready
    answer = _answer(server, key).args
    assert answer["response_type"] == "ephemeral"
    assert not message_problems(answer["blocks"], answer["text"])
    text = _text(answer)
    assert "Statistiques — vos opportunités" in text
    assert "Taux de réussite : 100 %" in text and "1 gagnée, 0 perdue" in text
    assert "3 créées" in text


def test_stats_in_english_and_the_chart_in_the_dm(server: Server) -> None:
    server.command("U0EMMA", "new Globex 9000 licences close end of March")
    _ack, key = _command(server, "U0EMMA", "/pipeline", "stats chart")
    assert "Win rate" in _text(_answer(server, key).args)
    done = server.slack.wait_for(
        "files.completeUploadExternal",
        lambda c: "Pipeline stats" in json.dumps(c.args),
        timeout=15,
    )
    assert done.ok
    file_id = done.args["files"][0]["id"]
    png = server.slack.file_content(file_id)
    assert png is not None and png.startswith(b"\x89PNG")


def test_stats_refusals_come_in_the_users_language(server: Server) -> None:
    _, key = _command(server, "U0EMMA", "/pipeline", "stats all")
    assert "Only admins" in _answer(server, key).args["text"]
    _, key = _command(server, "U0MARIE", "/pipeline", "stats period 2026-13")
    assert "la période" in _answer(server, key).args["text"]


def test_an_admin_sees_the_whole_company_with_coaching(server: Server) -> None:
    _, key = _command(server, "U0BOSS", "/pipeline", "stats tous")
    answer = _answer(server, key).args
    assert not message_problems(answer["blocks"], answer["text"])
    assert "toute l'entreprise" in _text(answer) and "Coaching" in _text(answer)
    # The whole company's figures come from the running totals the clicks above kept.
    assert "Taux de réussite : 100 %" in _text(answer) and "1 gagnée, 0 perdue" in _text(answer)


def test_the_board_still_answers_plain_pipeline(server: Server) -> None:
    board, _ = _command(server, "U0MARIE", "/pipeline", "")
    assert "Pipeline — vos opportunités" in _text(board)


def test_export_sends_a_csv_and_an_xlsx_to_the_dm(server: Server) -> None:
    ack, _ = _command(server, "U0MARIE", "/opp", "export")
    assert "Export de 3 affaires" in ack["text"]
    done = server.slack.wait_for(
        "files.completeUploadExternal", lambda c: ".csv" in json.dumps(c.args), timeout=15
    )
    files = {f["title"]: f["id"] for f in done.args["files"]}  # titled with the file name
    assert sorted(n.rsplit(".", 1)[1] for n in files) == ["csv", "xlsx"]
    assert done.args["channel_id"].startswith("D")  # the user's DM
    content = server.slack.file_content(next(i for n, i in files.items() if n.endswith(".csv")))
    assert content is not None
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r["Compte"] for r in rows] == ["Dupond", "Martin", "Acme"]
    first, _, third = rows
    assert (first["Montant"], first["Devise"], first["Statut"]) == ("6000.00", "EUR", "Gagnée")
    assert first["Probabilité"] == "100" and first["Clôturée le (UTC)"].endswith("Z")
    assert first["Date de signature"].count("-") == 2  # ISO
    assert third["Montant"] == "1200.50" and third["Objet"] == "'=formule"  # not a formula
    assert first["Besoin exprimé"] == "non" and first["Commercial"] == "U0MARIE"
    xlsx = server.slack.file_content(next(i for n, i in files.items() if n.endswith(".xlsx")))
    assert xlsx is not None and xlsx.startswith(b"PK")


def test_export_follows_the_pipelines_permissions(server: Server) -> None:
    refused, _ = _command(server, "U0EMMA", "/opp", "export all")
    assert "Only admins" in refused["text"]
    empty, _ = _command(server, "U0EMMA", "/opp", "exporter <@U0EMMA> produit rien")
    assert "No deals to export" in empty["text"]
