"""`salesbot import`: headers in French or English, rows checked first, all or nothing.

Today is 27 November 2026 for the domain tests; the command-line tests run on the real clock,
so their open deals close in 2029 and their history is from 2025.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.devtools.localslack import LocalSlack
from commands.analytics import stats
from commands.deals import new as opp_new
from commands.io import headers, importer, spreadsheet
from commands.workspace import ensure_workspace
from storage import queries
from storage.db import Database
from storage.models import ChangeKind, Member, Opportunity, Role, StageChange, Status
from tests.conftest import NOW, TEAM, add_user, setup_team

GOOD_FR = (
    "\ufeffCompte;Objet;Montant;Date de signature;Étape;Statut;Commercial;Origine;Produit;"
    "Créé le;Clôturé le;Notes\n"
    "Dupond;Peinture façade;12 500 €;fin mars 2027;Besoins identifiés;en cours;U0ANNA;Salon;"
    "peinture;;;appeler lundi\n"
    "Martin SA;Audit sécurité;6k;15/01/2026;;Gagnée;<@U0BEN>;Site web;audit;2025-11-02;;\n"
    "dupond;Isolation;3 000,50;;;perdue;U0ANNA;;;01/09/2025;2025-10-15;\n"
)

BAD = (
    "Compte,Titre,Montant,Date de signature,Étape,Statut,Commercial\n"
    ",Sans compte,1000,2027-03-31,,,U0ANNA\n"
    "Acme,Mauvais montant,douze,2027-03-31,,,U0ANNA\n"
    "Acme,Date passée,1000,2025-01-01,,,U0ANNA\n"
    "Acme,Étape inconnue,1000,2027-03-31,Signature,,U0ANNA\n"
    "Acme,Statut inconnu,1000,2027-03-31,,peut-être,U0ANNA\n"
    "Acme,Commercial inconnu,1000,2027-03-31,,,Marie\n"
    "Acme,OK,1000,2027-03-31,,,U0ANNA\n"
    'Acme,"Sur deux\nlignes",1000,2027-03-31,,,bob@example.com\n'
    "Acme,Dollars,$1000,2027-03-31,,,U0ANNA\n"
)


def _table(text: str, name: str = "deals.csv", tmp: Path | None = None) -> spreadsheet.Table:
    assert tmp is not None
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return spreadsheet.read_table(path)


def _import(
    session: Session,
    table: spreadsheet.Table,
    *,
    dry_run: bool = False,
    emails: dict[str, str | None] | None = None,
    lang: str = "fr",
) -> importer.Report:
    return importer.import_table(
        session=session,
        team_id=TEAM,
        table=table,
        emails=emails,
        lang=lang,
        now=NOW,
        dry_run=dry_run,
    )


def _count(session: Session) -> int:
    return int(
        session.scalar(
            select(func.count()).select_from(Opportunity).where(Opportunity.team_id == TEAM)
        )
        or 0
    )


def test_french_headers_history_and_numbering(session: Session, tmp_path: Path) -> None:
    setup_team(session)
    anna = add_user(session, "U0ANNA")
    first = opp_new.quick(session=session, actor=anna, text="Acme 1000 x close fin janvier")
    assert isinstance(first, opp_new.Created) and first.card.number == 1
    report = _import(session, _table(GOOD_FR, tmp=tmp_path))
    assert not report.errors
    assert (report.rows, report.open, report.won, report.lost) == (3, 1, 1, 1)
    assert (report.first_number, report.last_number) == (2, 4)  # the sequence goes on
    assert (report.new_accounts, report.new_members) == (2, 1)  # Dupond, Martin SA; U0BEN
    assert report.columns.ignored == ("Notes",)
    deals = {
        d.number: d for d in session.scalars(select(Opportunity).where(Opportunity.team_id == TEAM))
    }
    open_deal, won, lost = deals[2], deals[3], deals[4]
    assert (open_deal.amount_minor, open_deal.close_date) == (1_250_000, date(2027, 3, 31))
    assert open_deal.stage.name == "Besoins identifiés" and open_deal.origin == "Salon"
    assert open_deal.account.name == "Dupond" and lost.account_id == open_deal.account_id
    assert (won.status, won.owner_id, won.amount_minor) == (Status.WON, "U0BEN", 600_000)
    assert won.stage.name == "En négociation"  # a won deal went through the whole process
    assert won.closed_at is not None and won.closed_at.date() == date(2026, 1, 15)
    assert won.created_at.date() == date(2025, 11, 2)
    assert (lost.status, lost.amount_minor) == (Status.LOST, 300_050)
    assert lost.created_at.date() == date(2025, 9, 1)
    history = queries.history(session=session, team_id=TEAM, opportunity_id=won.id)
    assert [(c.kind, c.changed_at.date(), c.to_value) for c in history] == [
        (ChangeKind.CREATED, date(2025, 11, 2), "open"),
        (ChangeKind.STATUS, date(2026, 1, 15), "won"),
    ]
    assert history[0].from_value == "import"
    assert session.get(Member, session.scalar(select(Member.id).where(Member.user_id == "U0BEN")))
    workspace = queries.get_workspace(session=session, team_id=TEAM)
    assert workspace is not None and workspace.opportunity_seq == 4


def test_imported_history_feeds_the_stats(session: Session, tmp_path: Path) -> None:
    setup_team(session)
    anna = add_user(session, "U0ANNA", role=Role.ADMIN)
    add_user(session, "U0BEN")
    _import(session, _table(GOOD_FR, tmp=tmp_path))
    result = stats.stats(session=session, actor=anna, text="all")
    assert result.process is not None
    totals = result.process.totals
    # Won 15 Jan 2026 (in the period); lost 15 Oct 2025 (before it).
    assert (totals.won, totals.lost) == (1, 0)
    assert totals.average_cycle == pytest.approx(74)  # 2 Nov 2025 → 15 Jan 2026
    # An imported deal's first stay has no known length: days in stage leave it out.
    assert sum(s.stays for s in result.process.stages) == 0


def test_every_error_has_its_line_and_nothing_is_written(session: Session, tmp_path: Path) -> None:
    setup_team(session)
    report = _import(session, _table(BAD, tmp=tmp_path))
    lines = {(e.line, e.error.key) for e in report.errors}
    assert lines == {
        (2, "import.required"),
        (3, "parse.amount_invalid"),
        # line 4, an open deal whose close date has passed, is overdue, not wrong (issue 16)
        (5, "import.stage_unknown"),
        (6, "import.status_invalid"),
        (7, "import.owner_name_needs_token"),  # a name, and no Slack to find it in
        (9, "import.owner_email_needs_token"),
        (11, "opp.currency_mismatch"),
    }
    assert _count(session) == 0 and report.first_number is None
    workspace = queries.get_workspace(session=session, team_id=TEAM)
    assert workspace is not None and workspace.opportunity_seq == 0


def test_missing_and_duplicate_columns_are_named(session: Session, tmp_path: Path) -> None:
    setup_team(session)
    report = _import(session, _table("Client,Account,Amount\nA,B,1\n", tmp=tmp_path), lang="en")
    keys = sorted(e.error.key for e in report.errors)
    assert keys == ["import.duplicate_column", "import.missing_column", "import.missing_column"]
    missing = [e.error for e in report.errors if e.error.key == "import.missing_column"]
    assert {m.params["column"] for m in missing} == {"Title", "Owner"}


def test_a_dry_run_checks_everything_and_writes_nothing(session: Session, tmp_path: Path) -> None:
    setup_team(session)
    report = _import(session, _table(GOOD_FR, tmp=tmp_path), dry_run=True)
    assert not report.errors and report.rows == 3 and report.new_accounts == 2
    assert _count(session) == 0
    assert queries.find_account(session=session, team_id=TEAM, name="Dupond") is None


def test_owners_by_email_once_looked_up(session: Session, tmp_path: Path) -> None:
    setup_team(session)
    text = "Account,Title,Amount,Close date,Owner\nA,X,100,2027-01-31,Marie@Example.com\n"
    table = _table(text, tmp=tmp_path)
    columns = headers.match_headers(table.headers, "en")
    assert headers.owner_emails(table, columns) == {"marie@example.com"}
    unknown = _import(session, table, emails={"marie@example.com": None}, lang="en")
    assert [e.error.key for e in unknown.errors] == ["import.owner_email_unknown"]
    found = _import(session, table, emails={"marie@example.com": "U0MARIE"}, lang="en")
    assert not found.errors and found.new_members == 1


def test_english_xlsx_with_real_dates_numbers_and_booleans(
    session: Session, tmp_path: Path
) -> None:
    setup_team(session)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        ["Account name", "Deal name", "Amount (EUR)", "Close Date", "STAGE", "Status", "Owner",
         "Created", "Probability", "Meeting planned", "Lead source"]
    )  # fmt: skip
    sheet.append(
        ["Globex", "Licences", 12500.5, datetime(2027, 2, 28), "proposition envoyee", "open",
         "U0EMMA", datetime(2026, 10, 1), 0.6, True, "Partner"]
    )  # fmt: skip
    sheet.append(["Initech", "Support", 900, date(2026, 3, 31), 2, "won", "U0EMMA", None, None,
                  "no", None])  # fmt: skip
    path = tmp_path / "deals.xlsx"
    book.save(path)
    add_user(session, "U0EMMA")
    report = _import(session, spreadsheet.read_table(path), lang="en")
    assert not report.errors, [(e.line, e.error) for e in report.errors]
    deals = sorted(
        session.scalars(select(Opportunity).where(Opportunity.team_id == TEAM)),
        key=lambda d: d.number,
    )
    globex, initech = deals
    assert (globex.amount_minor, globex.close_date) == (1_250_050, date(2027, 2, 28))
    assert globex.probability_override == 60 and globex.meeting_planned
    assert globex.origin == "Partner" and globex.created_at.date() == date(2026, 10, 1)
    assert globex.stage.name == "Proposition envoyée"  # matched without case or accents
    assert initech.stage.position == 1 and initech.status == Status.WON  # stage "2"


def test_numeric_amount_cells_get_the_same_refusals_as_typed_amounts(
    session: Session, tmp_path: Path
) -> None:
    setup_team(session)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Account name", "Deal name", "Amount", "Close Date", "Owner"])
    sheet.append(["Globex", "Huge", 10**13, date(2027, 2, 28), "U0EMMA"])
    sheet.append(["Initech", "Free", 0, date(2027, 2, 28), "U0EMMA"])
    path = tmp_path / "deals.xlsx"
    book.save(path)
    add_user(session, "U0EMMA")
    report = _import(session, spreadsheet.read_table(path), lang="en")
    keys = [(e.line, e.error.key) for e in report.errors]
    assert keys == [(2, "parse.amount_too_large"), (3, "parse.amount_not_positive")]
    assert _count(session) == 0


def test_a_csv_export_imports_back(session: Session, tmp_path: Path) -> None:
    from commands.io import export

    setup_team(session)
    admin = add_user(session, "U0ADMIN", role=Role.ADMIN)
    for text in ("Dupond 6000 peinture close fin mars", "=Hack 1 200,50 x close fin avril"):
        opp_new.quick(session=session, actor=admin, text=text)
    plan = export.plan(session=session, actor=admin, text="all")
    files = export.write_files(session=session, actor=admin, plan=plan, directory=tmp_path)
    setup_team(session, team_id="T0OTHER")
    report = importer.import_table(
        session=session,
        team_id="T0OTHER",
        table=spreadsheet.read_table(files.csv),
        emails=None,
        lang="fr",
        now=NOW,
        dry_run=False,
    )
    assert not report.errors, [(e.line, e.error) for e in report.errors]
    copies = session.scalars(
        select(Opportunity).where(Opportunity.team_id == "T0OTHER").order_by(Opportunity.number)
    ).all()
    assert [(c.account.name, c.amount_minor, c.close_date) for c in copies] == [
        ("Dupond", 600_000, date(2027, 3, 31)),
        ("=Hack", 120_050, date(2027, 4, 30)),
    ]


# --- the command line ---------------------------------------------------------------------


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    url = f"sqlite:///{tmp_path / 'salesbot.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env
    db = Database(url)
    db.migrate()
    # The team has used the bot: an import into a team it has never seen is refused.
    with db.transaction() as session:
        ensure_workspace(
            session=session,
            team_id="T0CLI",
            now=datetime.now(UTC),
            language="fr",
            timezone="Europe/Paris",
            currency="EUR",
        )
    return db


CLI_GOOD = (
    "Account,Title,Amount,Close date,Status,Owner,Created,Closed\n"
    "Dupond,Paint,6000,2029-06-30,,U0ANNA,,\n"
    "Martin,Audit,1 200.50,2025-03-31,won,U0ANNA,2025-01-15,\n"
)


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(args)
    return status, capsys.readouterr().out


def test_cli_imports_a_good_file(
    cli_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(CLI_GOOD, encoding="utf-8")
    status, out = _run(["import", str(path), "--team", "T0CLI", "--lang", "en"], capsys)
    assert status == 0, out
    assert "2 deal(s) (1 open, 1 won, 0 lost)" in out and "Imported: deals #1 to #2" in out
    with cli_db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Opportunity)) == 2
        assert session.scalar(select(func.count()).select_from(StageChange)) == 3


def test_cli_dry_run_then_refusal_with_lines(
    cli_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(CLI_GOOD, encoding="utf-8")
    status, out = _run(["import", str(path), "--team", "T0CLI", "--dry-run"], capsys)
    assert status == 0 and "Essai à blanc" in out
    bad = tmp_path / "bad.csv"
    bad.write_text(CLI_GOOD + "Acme,X,-5,2029-01-31,,U0ANNA,,\n", encoding="utf-8")
    status, out = _run(["import", str(bad), "--team", "T0CLI"], capsys)
    assert status == 1
    assert "ligne 4 :" in out and "Rien n'a été importé : 1 erreur à" in out
    with cli_db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Opportunity)) == 0


def test_cli_refuses_other_formats_and_unreadable_files(
    cli_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = _run(["import", str(tmp_path / "deals.ods"), "--team", "T0CLI"], capsys)
    assert status == 2 and ".csv" in out
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    status, out = _run(["import", str(broken), "--team", "T0CLI"], capsys)
    assert status == 2 and "Impossible de lire" in out


def test_cli_looks_owner_emails_up_in_slack(
    cli_db: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    users = {"U0MARIE": {"name": "marie", "profile": {"email": "marie@example.com"}}}
    with LocalSlack(users=users).start() as slack:
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("SLACK_API_URL", slack.api_url)
        path = tmp_path / "deals.csv"
        path.write_text(
            "Compte,Objet,Montant,Signature,Commercial\n"
            "A,X,100,2029-01-31,marie@example.com\n"
            "B,Y,100,2029-01-31,nobody@example.com\n",
            encoding="utf-8",
        )
        status, out = _run(["import", str(path), "--team", "T0CLI"], capsys)
        assert status == 1 and "ligne 3 :" in out and "nobody@example.com" in out
        assert len(slack.calls_to("users.lookupByEmail")) == 2
        path.write_text(
            "Compte,Objet,Montant,Signature,Commercial\nA,X,100,2029-01-31,marie@example.com\n",
            encoding="utf-8",
        )
        status, out = _run(["import", str(path), "--team", "T0CLI"], capsys)
        assert status == 0, out
    with cli_db.reading() as session:
        deal = session.scalars(select(Opportunity)).one()
        assert deal.owner_id == "U0MARIE"


def test_header_folding() -> None:
    assert headers.fold_header("Date de signature (prévue)") == "date de signature"
    assert headers.fold_header("  CLOSE_DATE ") == "close date"
    assert headers.fold_header("Créé le") == "cree le"


def test_cli_recounts_the_stats_running_totals(
    cli_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After a hand edit of the database, `salesbot recount` puts the totals right again."""
    from sqlalchemy import update

    from storage.models import OwnerTally

    path = tmp_path / "deals.csv"
    path.write_text(CLI_GOOD, encoding="utf-8")
    assert _run(["import", str(path), "--team", "T0CLI", "--lang", "en"], capsys)[0] == 0

    def won() -> int | None:
        with cli_db.reading() as session:
            return session.scalar(
                select(func.sum(OwnerTally.deals)).where(OwnerTally.status == "won")
            )

    assert won() == 1
    with cli_db.transaction() as session:
        session.execute(update(OwnerTally).values(deals=OwnerTally.deals + 5))
    assert won() == 6
    status, out = _run(["recount", "--team", "T0CLI"], capsys)
    assert status == 0 and "for 1 workspace\n" in out
    assert won() == 1
    assert _run(["recount", "--team", "T0NOPE"], capsys)[0] == 1
