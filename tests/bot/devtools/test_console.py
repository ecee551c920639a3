"""The console drives the real app: a person can list, show, press buttons and fill modals."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.devtools.console import Console, start_console
from bot.settings import Settings
from commands.io import DEMO_TEAM


@pytest.fixture
def console_parts(tmp_path: Path) -> Iterator[tuple[object, object, str]]:
    settings = Settings.load(
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}, dotenv=Path("/nonexistent")
    )
    app, slack, secret, db = start_console(settings, demo=True)
    yield app, slack, secret
    slack.stop()
    db.dispose()


def _run(parts: tuple[object, object, str], lines: list[str]) -> str:
    app, slack, secret = parts
    answers = iter(lines)
    out = io.StringIO()

    def ask(_prompt: str) -> str:
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None

    console = Console(
        app,
        slack,
        secret,
        team_id=DEMO_TEAM,
        user_id="U0MARIE",
        ask=ask,  # type: ignore[arg-type]
        out=out,
    )
    console.loop()
    return out.getvalue()


def test_the_demo_has_deals_and_buttons_work(console_parts: tuple[object, object, str]) -> None:
    out = _run(console_parts, ["/opp list", "1"])
    assert "Vos opportunités en cours" in out
    assert "[1] Voir" in out
    assert "Historique" in out  # pressing [1] showed the full card


def test_a_modal_is_filled_field_by_field_with_inline_errors(
    console_parts: tuple[object, object, str],
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


def test_acting_as_an_english_user(console_parts: tuple[object, object, str]) -> None:
    out = _run(console_parts, [":as emma", "/opp list", "/opp frobnicate"])
    assert "Your open opportunities" in out
    assert "I don't know" in out


def test_ctrl_d_halfway_through_a_form_leaves_quietly_and_saves_nothing(
    console_parts: tuple[object, object, str],
) -> None:
    out = _run(console_parts, ["/opp new", "Nouveau Client"])  # then the input ends
    assert "Nouvelle opportunité" in out
    assert "enregistrée" not in out
    assert "#53" not in _run(console_parts, ["/opp list"])
