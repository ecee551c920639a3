"""The console drives the real app: a person can list, show, press buttons and fill modals."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.devtools.console import Console, start_console
from bot.devtools.localslack import LocalSlack
from bot.settings import Settings
from commands.io import DEMO_TEAM
from storage.db import Database

Parts = tuple[Any, LocalSlack, str, Database, Path]


@pytest.fixture
def console_parts(tmp_path: Path) -> Iterator[Parts]:
    settings = Settings.load(
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}, dotenv=Path("/nonexistent")
    )
    app, slack, secret, db = start_console(settings, demo=True)
    files = tmp_path / "files"
    files.mkdir()
    yield app, slack, secret, db, files
    slack.stop()
    db.dispose()


def _run(parts: Parts, lines: list[str]) -> str:
    app, slack, secret, db, files = parts
    answers = iter(lines)
    out = io.StringIO()

    def ask(prompt: str) -> str:
        try:
            line = next(answers)
        except StopIteration:
            raise EOFError from None
        out.write(prompt + line + "\n")  # as a terminal shows them
        return line

    console = Console(
        app,
        slack,
        secret,
        team_id=DEMO_TEAM,
        user_id="U0MARIE",
        ask=ask,
        out=out,
        db=db,
        files_dir=files,
    )
    console.loop()
    return out.getvalue()


def test_the_demo_has_deals_and_buttons_work(console_parts: Parts) -> None:
    out = _run(console_parts, ["/opp list", "1"])
    assert "Vos opportunités en cours" in out
    assert "[1] Voir" in out
    assert "Historique" in out  # pressing [1] showed the full card


def test_a_modal_is_filled_field_by_field_with_inline_errors(
    console_parts: Parts,
) -> None:
    out = _run(
        console_parts,
        [
            "/opp new",
            "Nouveau Client",
            "1",  # account: search, pick "new account"
            "Audit énergétique",  # title
            "pas un montant",  # amount (refused below)
            "2027-03-31",
            "",  # close date, stage (default)
            "1,2",
            "",
            "",
            "",
            "",  # qualification, origin, product, next step, date
            "4 500 €",  # the amount again, after the inline error
        ],
    )
    assert "✗" in out  # the amount error was shown next to the field
    assert "Opportunité #53 enregistrée" in out
    assert "4\u202f500\xa0€" in out


def test_acting_as_an_english_user(console_parts: Parts) -> None:
    out = _run(console_parts, [":as emma", "/opp list", "/opp frobnicate"])
    assert "Your open opportunities" in out
    assert "I don't know" in out


def test_ctrl_d_halfway_through_a_form_leaves_quietly_and_saves_nothing(
    console_parts: Parts,
) -> None:
    out = _run(console_parts, ["/opp new", "Nouveau Client"])  # then the input ends
    assert "Nouvelle opportunité" in out
    assert "enregistrée" not in out
    assert "#53" not in _run(console_parts, ["/opp list"])


def test_a_form_is_left_with_cancel_or_esc_and_nothing_is_saved(console_parts: Parts) -> None:
    out = _run(
        console_parts,
        [
            "/opp new",
            "",  # the account is required: asked again
            "/opp list",  # a command inside the form is not taken as an account name
            ":cancel",
            "/opp new",
            "Nouveau Client",
            "1",  # the account: a new one
            "\x1b",  # Esc (then Enter) at the next field
            "/opp list",
        ],
    )
    assert "You are filling in a form: answer it, or :cancel to leave it." in out
    assert out.count("Form cancelled: nothing was saved.") == 2
    assert out.count("Vos opportunités en cours") == 1  # only the last /opp list ran
    assert "enregistrée" not in out and "Nouveau Client" not in out.split("U0MARIE> /opp list")[-1]


def test_the_app_home_is_shown_as_text_and_its_buttons_work(console_parts: Parts) -> None:
    out = _run(console_parts, [":home", "3"])  # [3]: the Home's forecast button
    home = out.split("U0MARIE> :home")[1]
    assert "salesbot — votre pipeline" in home and "Pipeline — vos opportunités" in home
    assert "[1] Nouvelle opportunité" in home
    assert "Prévisions — vos opportunités, 6 mois" in out.split("U0MARIE> 3")[1]


def test_charts_and_exports_are_written_to_files_whose_paths_are_printed(
    console_parts: Parts,
) -> None:
    files = console_parts[4]
    out = _run(console_parts, ["/forecast chart", "/opp export"])
    written = [Path(line.split(": ", 1)[1]) for line in out.splitlines() if "File written:" in line]
    assert [path.suffix for path in written] == [".png", ".csv", ".xlsx"]
    assert all(path.parent == files for path in written)
    assert written[0].read_bytes().startswith(b"\x89PNG")
    assert "Cabinet Roux" in written[1].read_text(encoding="utf-8-sig")
    again = _run(console_parts, ["/forecast chart"])
    assert "forecast-2.png" in again  # an earlier file is never overwritten


def test_as_gives_a_role_to_a_user_or_to_someone_new(console_parts: Parts) -> None:
    out = _run(
        console_parts,
        [
            ":as emma admin",
            "/salesbot help",
            ":as paul manager",
            "/salesbot help",
            ":as emma rep",
            ":as alex rep",  # the last admin: refused by the domain's rule
            ":as marie",
            ":as nobody",
        ],
    )
    emma, paul = out.split("U0EMMA> /salesbot help")[1], out.split("U0PAUL> /salesbot help")[1]
    assert "Now acting as Emma Wilson (U0EMMA, admin)." in out
    assert "salesbot settings (admins)" in emma and "/salesbot process add" in emma
    assert "Now acting as Paul (U0PAUL, manager)." in out
    assert "Your team (managers)" in paul and "/salesbot digest" in paul
    assert "/salesbot process add" not in paul
    assert "Now acting as Emma Wilson (U0EMMA, rep)." in out
    assert "Now acting as Alex" not in out and "is the last admin" in out
    assert "Now acting as Marie Dubois (U0MARIE, rep)." in out
    assert "No user 'nobody'" in out
