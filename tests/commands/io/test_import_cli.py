"""`salesbot import` of other CRMs' exports through the command line, end to end: the plan a
dry run shows, owners looked up in (a local) Slack once per address, the options.

The command line runs on the real clock: open deals close in 2029, history is from 2025.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.devtools.localslack import LocalSlack
from commands.workspace import ensure_workspace
from storage.db import Database
from storage.models import Opportunity, SalesProcess, Workspace

HEADER = ["Deal - ID", "Deal - Title", "Deal - Organization", "Deal - Value", "Deal - Currency",
          "Deal - Pipeline", "Deal - Stage", "Deal - Status", "Deal - Expected close date",
          "Deal - Owner", "Deal - Won time", "Deal - Lost time", "Deal - Lost reason",
          "Deal - Deal created"]  # fmt: skip
ROWS = [
    ["1", "Website", "Dupond, Fils & Cie", "12500", "EUR", "Sales pipeline", "Contact Made",
     "open", "2029-03-31", "anna@acme.example", "", "", "", "2025-10-01 09:12:44"],
    ["2", "Audit", "Martin SA", "6000", "EUR", "Sales pipeline", "Proposal Made", "won",
     "2025-06-30", "ben@acme.example", "2025-06-15 16:02:10", "", "", "2025-03-02 10:00:00"],
    ["3", "Isolation", "Globex", "", "EUR", "Sales pipeline", "Contact Made", "lost",
     "2025-06-30", "anna@acme.example", "", "2025-05-20 08:00:00", "Price", "2025-02-01 11:11:11"],
    ["4", "Late", "Globex", "900", "EUR", "Sales pipeline", "Proposal Made", "open",
     "2025-09-30", "anna@acme.example", "", "", "", "2025-07-01 12:00:00"],
]  # fmt: skip
USERS = {
    "U0ANNA": {"name": "anna", "profile": {"email": "anna@acme.example"}},
    "U0BEN": {"name": "ben", "profile": {"email": "ben@acme.example"}},
}


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return "\ufeff" + buffer.getvalue()


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    url = f"sqlite:///{tmp_path / 'salesbot.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env
    db = Database(url)
    db.migrate()
    with db.transaction() as session:
        ensure_workspace(
            session=session,
            team_id="T0CLI",
            now=datetime.now(UTC),
            language="en",
            timezone="Europe/Paris",
            currency="EUR",
        )
    return db


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(args)
    return status, capsys.readouterr().out


def _count(db: Database, model: type[object]) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_pipedrive_export_dry_run_plan_then_import(
    cli_db: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "deals-export.csv"
    path.write_text(_csv([HEADER, *ROWS]), encoding="utf-8")
    with LocalSlack(users=USERS).start() as slack:
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("SLACK_API_URL", slack.api_url)
        args = ["import", str(path), "--team", "T0CLI", "--create-stages"]
        status, out = _run([*args, "--dry-run"], capsys)
        assert status == 0, out
        assert "Pipedrive export recognised." in out
        assert "Stages --create-stages creates:" in out
        assert "Sales pipeline (new process): Contact Made (33 %), Proposal Made (67 %)" in out
        assert "Reps found by e-mail: anna@acme.example → U0ANNA, ben@acme.example → U0BEN" in out
        assert "4 deal(s) (2 open, 1 won, 1 lost)" in out
        assert "Open deals past their close date (overdue): 1" in out
        assert "Dates read day, month, year" in out and "Dry run" in out
        # Each address asked once, however many rows name it.
        assert len(slack.calls_to("users.lookupByEmail")) == 2
        assert slack.calls_to("users.list") == []  # no owner by name: members not listed
        assert _count(cli_db, Opportunity) == 0 and _count(cli_db, SalesProcess) == 1
        status, out = _run(args, capsys)
        assert status == 0, out
        assert "Imported: deals #1 to #4" in out
    assert _count(cli_db, Opportunity) == 4 and _count(cli_db, SalesProcess) == 2


def test_a_failed_import_leaves_no_stage_behind(
    cli_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [[*r[:9], "U0ANNA", *r[10:]] for r in ROWS]
    rows[1][3] = "-5"
    path = tmp_path / "deals.csv"
    path.write_text(_csv([HEADER, *rows]), encoding="utf-8")
    status, out = _run(["import", str(path), "--team", "T0CLI", "--create-stages"], capsys)
    assert status == 1 and "line 3:" in out and "Nothing was imported" in out
    assert _count(cli_db, SalesProcess) == 1 and _count(cli_db, Opportunity) == 0


def test_a_team_that_never_used_the_bot_is_refused(
    cli_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(_csv([HEADER, *ROWS]), encoding="utf-8")
    status, out = _run(["import", str(path), "--team", "TNOPE", "--lang", "en"], capsys)
    assert status == 1
    assert "Team TNOPE has never used the bot" in out and "Known teams: T0CLI." in out
    with cli_db.reading() as session:
        assert session.get(Workspace, "TNOPE") is None


def test_other_currencies_refused_with_a_hint_then_skipped(
    cli_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [[*r[:5], "", "", *r[7:9], "U0ANNA", *r[10:]] for r in ROWS]
    rows[0][4] = "USD"
    path = tmp_path / "deals.csv"
    path.write_text(_csv([HEADER, *rows]), encoding="utf-8")
    status, out = _run(["import", str(path), "--team", "T0CLI"], capsys)
    assert status == 1 and "line 2:" in out and "--skip-other-currencies leaves them out" in out
    status, out = _run(["import", str(path), "--team", "T0CLI", "--skip-other-currencies"], capsys)
    assert status == 0, out
    assert "Rows left out, in another currency than EUR: 1 (USD 1)" in out
    assert _count(cli_db, Opportunity) == 3


def test_map_and_help(cli_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "deals.csv"
    path.write_text("Opp,Org,Val,When,Rep\nPaint,Dupond,1000,2029-01-31,U0ANNA\n", "utf-8")
    status, out = _run(["import", str(path), "--team", "T0CLI", "--map", "Opp=thing"], capsys)
    assert status == 1 and "--map: unknown field “thing”" in out
    mapping = "Opp=title,Org=account,Val=amount,When=close_date,Rep=owner"
    status, out = _run(["import", str(path), "--team", "T0CLI", "--map", mapping], capsys)
    assert status == 0, out
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    shown = capsys.readouterr().out
    assert "fields for --map:" in shown and "close_date" in shown and "Salesforce" in shown


def test_pipedrive_owners_by_name_matched_in_slack_page_by_page(
    cli_db: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pipedrive exports `Deal - Owner` as a name: matched against the members Slack lists,
    case and accents ignored; an ambiguous or unknown name refuses its row, naming it."""
    owner = HEADER.index("Deal - Owner")
    names = ["Zoe Lefevre", "ANNA MARTIN", "Ben Durand", "Paul Nobody"]
    rows = [[*r[:owner], name, *r[owner + 1 :]] for r, name in zip(ROWS, names, strict=True)]
    path = tmp_path / "deals-export.csv"
    path.write_text(_csv([HEADER, *rows]), encoding="utf-8")
    users: dict[str, dict[str, object]] = {
        f"U0F{i:03d}": {"name": f"filler{i}", "real_name": f"Filler {i}"} for i in range(250)
    }
    users |= {
        "U0ANNA": {"name": "anna", "real_name": "Anna Martin"},
        "U0BEN": {"name": "ben", "real_name": "Ben Durand"},
        "U0BEN2": {"name": "bend", "real_name": "Benoît D.", "display_name": "ben durand"},
        "U0OLD": {"name": "paul", "real_name": "Paul Nobody", "deleted": True},
        "U0ZOE": {"name": "zoe", "real_name": "Zoé Lefèvre"},  # on the second page
    }
    with LocalSlack(users=users).start() as slack:
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("SLACK_API_URL", slack.api_url)
        args = ["import", str(path), "--team", "T0CLI", "--create-stages"]
        status, out = _run([*args, "--dry-run"], capsys)
        assert status == 1, out
        assert "line 4: “Ben Durand” is ambiguous" in out and "(U0BEN, U0BEN2)" in out
        assert "line 5: No Slack member is named “Paul Nobody”." in out  # deleted: not a member
        assert "line 2:" not in out and "line 3:" not in out
        listed = slack.calls_to("users.list")
        assert len(listed) == 2 and listed[1].args.get("cursor")  # the second page was read
        rows = rows[:2]
        path.write_text(_csv([HEADER, *rows]), encoding="utf-8")
        status, out = _run([*args, "--dry-run"], capsys)
        assert status == 0, out
        assert "Reps found by name: ANNA MARTIN → U0ANNA, Zoe Lefevre → U0ZOE" in out
        status, out = _run(args, capsys)
        assert status == 0, out
        assert slack.calls_to("users.lookupByEmail") == []  # no e-mail in the file
    with cli_db.reading() as session:
        owned = {o.title: o.owner_id for o in session.scalars(select(Opportunity))}
    assert owned == {"Website": "U0ZOE", "Audit": "U0ANNA"}
