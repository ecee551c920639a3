"""`salesbot import` of other CRMs' export files as they come: Pipedrive, HubSpot, Salesforce,
Odoo, Zoho CRM. The files are written here in each CRM's export format, with what real exports
carry: a BOM, quoted commas, empty amounts on lost deals, times of day, report-locale dates,
title rows and hidden columns in an .xlsx, a report footer.

Today is 27 November 2026 (the domain tests' clock).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commands.io import importer, spreadsheet
from commands.io.dates import DAY_FIRST, MONTH_FIRST
from commands.io.importer import Options
from storage import queries
from storage.db import Database
from storage.models import ChangeKind, Opportunity, Status
from tests.conftest import NOW, TEAM, add_user, setup_team

EMAILS: dict[str, str | None] = {
    "anna@acme.example": "U0ANNA",
    "ben@acme.example": "U0BEN",
    "gone@acme.example": None,
}


def _csv(rows: list[list[str]], *, delimiter: str = ",", bom: bool = False) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" if bom else "") + buffer.getvalue()


def _write(tmp: Path, name: str, text: str, encoding: str = "utf-8") -> spreadsheet.Table:
    path = tmp / name
    path.write_bytes(text.encode(encoding))
    return spreadsheet.read_table(path)


def _import(
    session: Session,
    table: spreadsheet.Table,
    *,
    dry_run: bool = False,
    lang: str = "en",
    **options: object,
) -> importer.Report:
    return importer.import_table(
        session=session,
        team_id=TEAM,
        table=table,
        emails=EMAILS,
        lang=lang,
        now=NOW,
        dry_run=dry_run,
        options=Options(**options),  # type: ignore[arg-type]
    )


def _deals(session: Session) -> list[Opportunity]:
    return list(
        session.scalars(
            select(Opportunity).where(Opportunity.team_id == TEAM).order_by(Opportunity.number)
        )
    )


def _errors(report: importer.Report) -> list[tuple[int, str]]:
    return [(e.line, e.error.key) for e in report.errors]


# --- Pipedrive ------------------------------------------------------------------------------

PIPEDRIVE_HEADER = [
    "Deal - ID", "Deal - Title", "Deal - Organization", "Deal - Value", "Deal - Currency",
    "Deal - Pipeline", "Deal - Stage", "Deal - Status", "Deal - Expected close date",
    "Deal - Owner", "Deal - Won time", "Deal - Lost time", "Deal - Lost reason",
    "Deal - Deal created",
]  # fmt: skip


def _pipedrive(pipeline: str, stage_names: tuple[str, str]) -> list[list[str]]:
    first, second = stage_names
    return [
        PIPEDRIVE_HEADER,
        ["101", "Website redesign", "Dupond, Fils & Cie", "12500", "EUR", pipeline, first,
         "open", "2027-03-31", "anna@acme.example", "", "", "", "2026-10-01 09:12:44"],
        ["102", "Audit", "Martin SA", "6000.50", "EUR", pipeline, second, "won", "2026-01-31",
         "ben@acme.example", "2026-01-15 16:02:10", "", "", "2025-11-02 10:00:00"],
        ["103", "Isolation", "dupond, fils & cie", "", "EUR", pipeline, first, "lost",
         "2026-06-30", "anna@acme.example", "", "2026-05-20 08:00:00", "Price too high",
         "2026-02-01 11:11:11"],
        ["104", "Late one", "Globex", "900", "EUR", pipeline, second, "open", "2026-09-30",
         "anna@acme.example", "", "", "", "2026-07-01 12:00:00"],
    ]  # fmt: skip


def test_pipedrive_export_as_it_comes(session: Session, tmp_path: Path) -> None:
    setup_team(session)
    table = _write(
        tmp_path,
        "deals.csv",
        _csv(_pipedrive("Processus commercial", ("Besoins identifiés", "Proposition envoyée")),
             bom=True),
    )  # fmt: skip
    report = _import(session, table)
    assert not report.errors, _errors(report)
    assert report.columns.source is not None and report.columns.source.name == "Pipedrive"
    assert (report.rows, report.open, report.won, report.lost) == (4, 2, 1, 1)
    assert report.overdue == 1  # "Late one" was expected on 30 September
    assert report.new_accounts == 3  # "Dupond, Fils & Cie" once, whatever its case
    open_deal, won, lost, late = _deals(session)
    assert (
        open_deal.account.name == "Dupond, Fils & Cie" and lost.account_id == open_deal.account_id
    )
    assert (open_deal.amount_minor, open_deal.owner_id) == (1_250_000, "U0ANNA")
    assert open_deal.created_at.date() == date(2026, 10, 1)
    assert (won.status, won.amount_minor, won.owner_id) == (Status.WON, 600_050, "U0BEN")
    assert won.closed_at is not None and won.closed_at.date() == date(2026, 1, 15)
    assert won.stage.name == "Proposition envoyée"  # the stage it was won in
    assert (lost.status, lost.amount_minor, lost.lost_reason) == (Status.LOST, 0, "Price too high")
    assert lost.closed_at is not None and lost.closed_at.date() == date(2026, 5, 20)
    assert (late.status, late.close_date) == (Status.OPEN, date(2026, 9, 30))
    history = queries.history(session=session, team_id=TEAM, opportunity_id=lost.id)
    assert [(c.kind, c.changed_at.date()) for c in history] == [
        (ChangeKind.CREATED, date(2026, 2, 1)),
        (ChangeKind.STATUS, date(2026, 5, 20)),
    ]


# --- HubSpot --------------------------------------------------------------------------------


def test_hubspot_xlsx_with_title_rows_hidden_columns_and_real_cells(
    session: Session, tmp_path: Path
) -> None:
    setup_team(session)
    add_user(session, "U0ANNA")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["All deals"])
    sheet.append(["Exported 2026-11-26 by anna@acme.example"])
    sheet.append([])
    sheet.append(["Record ID", "Deal Name", "Deal Stage", "Amount", "Close Date", "Deal owner",
                  "Pipeline", "Associated Company (Primary)", "Create Date",
                  "Amount in company currency"])  # fmt: skip
    sheet.append([9001, "Licences", "Contract Sent", 12500.5, datetime(2027, 2, 28, 17, 30),
                  "U0ANNA", "Sales Pipeline", "Globex", datetime(2026, 10, 1, 9), 1])  # fmt: skip
    sheet.append([9002, "Support", "Closed Won", 900, datetime(2026, 3, 31), "U0ANNA",
                  "Sales Pipeline", "Initech", datetime(2026, 1, 5), 2])  # fmt: skip
    sheet.append([9003, "Training", "Closed Lost", None, datetime(2026, 4, 30), "U0ANNA",
                  "Sales Pipeline", "Initech", datetime(2026, 2, 5), 3])  # fmt: skip
    sheet.append([9004, "Renewal", "Appointment Scheduled", 3000, datetime(2027, 1, 15),
                  "U0ANNA", "Sales Pipeline", "Globex", datetime(2026, 11, 2), 4])  # fmt: skip
    sheet.column_dimensions["J"].hidden = True
    path = tmp_path / "hubspot-deals.xlsx"
    book.save(path)
    table = spreadsheet.read_table(path)
    report = _import(session, table, create_stages=True)
    assert not report.errors, _errors(report)
    assert report.columns.source is not None and report.columns.source.name == "HubSpot"
    assert report.header_line == 4
    assert report.columns.hidden == ("Amount in company currency",)
    assert (report.open, report.won, report.lost) == (2, 1, 1)
    # Closed Won / Closed Lost are statuses: only the two open stages are created.
    assert [s.name for s in report.new_stages[0].ordered()] == [
        "Contract Sent",
        "Appointment Scheduled",
    ]
    licences, support, training, renewal = _deals(session)
    assert (licences.amount_minor, licences.close_date) == (1_250_050, date(2027, 2, 28))
    assert licences.account.name == "Globex" and licences.stage.name == "Contract Sent"
    assert support.status == Status.WON and support.closed_at is not None
    assert support.closed_at.date() == date(2026, 3, 31)
    assert (training.status, training.amount_minor) == (Status.LOST, 0)
    assert renewal.created_at.date() == date(2026, 11, 2)


def test_hubspot_csv_with_times_of_day(session: Session, tmp_path: Path) -> None:
    setup_team(session)
    text = _csv(
        [
            ["Deal Name", "Deal Stage", "Amount", "Close Date", "Deal owner", "Pipeline",
             "Associated Company", "Create Date"],
            ["Licences", "Proposition envoyée", "12500.00", "2027-02-28 17:30", "U0ANNA",
             "Processus commercial", "Globex", "2026-10-01 09:00"],
            ["Support", "closedwon", "900", "2026-03-31 00:00", "U0ANNA", "Processus commercial",
             "Initech", "2026-01-05 14:02"],
        ]
    )  # fmt: skip
    report = _import(session, _write(tmp_path, "hubspot.csv", text))
    assert not report.errors, _errors(report)
    assert (report.open, report.won) == (1, 1)
    licences, support = _deals(session)
    assert licences.close_date == date(2027, 2, 28)
    assert support.closed_at is not None and support.closed_at.date() == date(2026, 3, 31)


# --- Salesforce ----------------------------------------------------------------------------

SALESFORCE_HEADER = ["Opportunity Name", "Account Name", "Amount Currency", "Amount",
                     "Close Date", "Stage", "Opportunity Owner", "Probability (%)", "Created Date",
                     "Lead Source"]  # fmt: skip
FOOTER = [[], ['"Opportunities report"'], ["Copyright (c) 2000-2026 salesforce.com, inc."],
          ["Confidential Information - Do Not Distribute"]]  # fmt: skip


def test_salesforce_us_report_month_first_with_footer(session: Session, tmp_path: Path) -> None:
    setup_team(session)
    rows = [
        SALESFORCE_HEADER,
        ["Big deal", "Acme, Inc.", "EUR", "12,500.00", "3/31/2027", "Proposal/Price Quote",
         "U0ANNA", "75%", "10/1/2026", "Web"],
        ["Small deal", "Initech", "EUR", "900.00", "1/5/2027", "Qualification", "U0ANNA", "10%",
         "11/2/2026", "Partner Referral"],
        ["Won deal", "Globex", "EUR", "3,000.00", "2/14/2026", "Closed Won", "U0BEN", "100%",
         "12/20/2025", "Web"],
        ["Lost deal", "Globex", "EUR", "", "5/13/2026", "Closed Lost", "U0BEN", "0%",
         "1/20/2026", ""],
        ["Middle", "Umbrella", "EUR", "4,000.00", "2/1/2027", "Needs Analysis", "U0ANNA", "20%",
         "11/3/2026", "Web"],
    ]  # fmt: skip
    table = _write(tmp_path, "report.csv", _csv(rows + FOOTER))
    report = _import(session, table, create_stages=True)
    assert not report.errors, _errors(report)
    assert report.columns.source is not None and report.columns.source.name == "Salesforce"
    assert report.date_order == MONTH_FIRST and report.rows == 5
    # Ordered by the probability the file gives, which the stages take.
    assert [(s.name, s.probability) for s in report.new_stages[0].ordered()] == [
        ("Qualification", 10),
        ("Needs Analysis", 20),
        ("Proposal/Price Quote", 75),
    ]
    big, _small, won, lost, middle = _deals(session)
    assert (big.close_date, big.amount_minor, big.origin) == (date(2027, 3, 31), 1_250_000, "Web")
    assert big.probability_override is None  # the stage's probability: no override
    assert won.status == Status.WON and won.closed_at is not None
    assert won.closed_at.date() == date(2026, 2, 14)
    assert (lost.status, lost.amount_minor) == (Status.LOST, 0)
    assert middle.stage.name == "Needs Analysis"


def test_salesforce_other_currencies_refused_then_skipped(session: Session, tmp_path: Path) -> None:
    setup_team(session)
    rows = [
        SALESFORCE_HEADER,
        ["Paris", "Dupond", "EUR", "12 500,00", "31/03/2027", "Besoins identifiés", "U0ANNA",
         "40 %", "01/10/2026", "Salon"],
        ["Boston", "Acme", "USD", "9 000,00", "30/04/2027", "Besoins identifiés", "U0ANNA",
         "40 %", "01/10/2026", "Web"],
        ["London", "Tesco", "GBP", "5 000,00", "30/04/2027", "Besoins identifiés", "U0ANNA",
         "40 %", "01/10/2026", "Web"],
    ]  # fmt: skip
    table = _write(tmp_path, "rapport.csv", _csv(rows, delimiter=";"))
    refused = _import(session, table, lang="fr")
    assert _errors(refused) == [(3, "opp.currency_mismatch"), (4, "opp.currency_mismatch")]
    assert not _deals(session)
    report = _import(session, table, lang="fr", skip_other_currencies=True)
    assert not report.errors and report.rows == 1
    assert report.skipped == {"USD": 1, "GBP": 1}
    assert report.date_order == DAY_FIRST
    (paris,) = _deals(session)
    assert (paris.amount_minor, paris.close_date) == (1_250_000, date(2027, 3, 31))


# --- Odoo and Zoho --------------------------------------------------------------------------


def test_odoo_crm_export(session: Session, tmp_path: Path) -> None:
    setup_team(session)
    text = _csv(
        [
            ["Opportunity", "Customer", "Expected Revenue", "Expected Closing", "Stage",
             "Salesperson", "Probability", "Sales Team", "Created on", "Lost Reason"],
            ["Office chairs", "Dupond", "4,200.00", "03/15/2027", "Qualified", "U0ANNA", "30.0",
             "Europe", "10/02/2026 14:31:07", ""],
            ["Desks", "Martin", "9,900.00", "02/28/2026", "Won", "U0ANNA", "100.0", "Europe",
             "12/01/2025 09:00:00", ""],
            ["Lamps", "Martin", "0.00", "04/30/2026", "New", "U0ANNA", "0.0", "Europe",
             "01/10/2026 09:00:00", "Too expensive"],
        ]
    )  # fmt: skip
    report = _import(session, _write(tmp_path, "crm.lead.csv", text), create_stages=True)
    assert report.columns.source is not None and report.columns.source.name == "Odoo"
    # A lost reason without a status column: the deal is lost (Odoo archives lost deals).
    assert [k for _, k in _errors(report)] == ["parse.amount_not_positive"]
    text = text.replace('"0.00"', '""').replace(",0.00,", ",,")
    report = _import(session, _write(tmp_path, "crm.lead.csv", text), create_stages=True)
    assert not report.errors, _errors(report)
    assert (report.open, report.won, report.lost) == (1, 1, 1)
    assert report.date_order == MONTH_FIRST  # 03/15/2027 reads only month first
    chairs, desks, lamps = _deals(session)
    assert chairs.process.name == "Europe" and chairs.close_date == date(2027, 3, 15)
    assert desks.status == Status.WON and lamps.lost_reason == "Too expensive"


def test_zoho_deals_export(session: Session, tmp_path: Path) -> None:
    setup_team(session)
    text = _csv(
        [
            ["Record Id", "Deal Owner", "Deal Name", "Account Name", "Amount", "Closing Date",
             "Stage", "Probability (%)", "Expected Revenue", "Created Time", "Lead Source",
             "Reason For Loss"],
            ["zcrm_1", "anna@acme.example", "ERP rollout", "Globex", "25000", "2027-06-30",
             "Proposition envoyée", "85", "21250", "2026-09-01 10:00:00", "Trade Show", ""],
            ["zcrm_2", "ben@acme.example", "Payroll", "Initech", "", "2026-08-31",
             "Closed-Lost to Competition", "0", "0", "2026-05-01 10:00:00", "Web",
             "Competitor cheaper"],
        ],
        bom=True,
    )  # fmt: skip
    report = _import(session, _write(tmp_path, "Deals_001.csv", text))
    assert not report.errors, _errors(report)
    assert report.columns.source is not None and report.columns.source.name == "Zoho CRM"
    assert "Expected Revenue" in report.columns.ignored
    erp, payroll = _deals(session)
    assert (erp.amount_minor, erp.probability_override) == (2_500_000, None)  # 85 % = stage's
    assert (payroll.status, payroll.lost_reason) == (Status.LOST, "Competitor cheaper")


# --- the rest: --map, French Excel, conflicts, unknown e-mails -------------------------------


def test_map_covers_any_other_headers(session: Session, tmp_path: Path) -> None:
    setup_team(session)
    text = _csv(
        [
            ["Opp", "Org", "Val", "When", "Rep", "Junk"],
            ["Paint", "Dupond", "1000", "2027-01-31", "U0ANNA", "x"],
        ]
    )
    table = _write(tmp_path, "custom.csv", text)
    assert {k for _, k in _errors(_import(session, table))} == {"import.missing_column"}
    mapping = {"Opp": "title", "Org": "account", "Val": "amount", "When": "close_date",
               "Rep": "owner", "junk": "-"}  # fmt: skip
    report = _import(session, table, mapping=mapping)
    assert not report.errors and report.rows == 1 and report.columns.ignored == ("Junk",)
    wrong = _import(session, table, mapping={"Nope": "title"})
    assert "import.map_header" in {k for _, k in _errors(wrong)}


def test_french_excel_csv_in_windows_encoding_still_works(session: Session, tmp_path: Path) -> None:
    setup_team(session)
    text = (
        "Compte;Objet;Montant;Date de signature;Étape;Statut;Commercial\r\n"
        "Société Générale;Peinture façade;12 500,00 €;31/03/2027;Besoins identifiés;en cours;"
        "U0ANNA\r\n"
        "Crédit Agricole;Audit;3 000,50 €;15/01/2026;;Gagnée;U0ANNA\r\n"
    )
    report = _import(session, _write(tmp_path, "export.csv", text, "cp1252"), lang="fr")
    assert not report.errors, _errors(report)
    paint, audit = _deals(session)
    assert (paint.account.name, paint.amount_minor) == ("Société Générale", 1_250_000)
    assert paint.close_date == date(2027, 3, 31) and audit.status == Status.WON


def test_status_and_closed_stage_must_agree_and_unknown_emails_name_the_row(
    session: Session, tmp_path: Path
) -> None:
    setup_team(session)
    text = _csv(
        [
            PIPEDRIVE_HEADER,
            ["1", "A", "Org", "100", "EUR", "", "Closed Lost", "won", "2026-01-31",
             "anna@acme.example", "2026-01-31", "", "", ""],
            ["2", "B", "Org", "100", "EUR", "", "", "open", "2027-01-31", "gone@acme.example",
             "", "", "", ""],
        ]
    )  # fmt: skip
    report = _import(session, _write(tmp_path, "deals.csv", text))
    assert _errors(report) == [
        (2, "import.stage_status_conflict"),
        (3, "import.owner_email_unknown"),
    ]
    # Scoped to the team: other tests of the session may have left deals in other workspaces.
    deals = select(func.count()).select_from(Opportunity).where(Opportunity.team_id == TEAM)
    assert session.scalar(deals) == 0


def test_a_database_no_team_has_used_says_so(tmp_path: Path) -> None:
    # Its own empty database: the session's shared one holds other tests' workspaces.
    empty = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    empty.migrate()
    try:
        with empty.reading() as fresh, pytest.raises(Exception) as nobody:
            importer.check_team(session=fresh, team_id="TNOPE")
    finally:
        empty.dispose()
    assert getattr(nobody.value, "key", None) == "import.no_team_yet"


def test_team_never_seen_is_refused_naming_the_known_ones(session: Session) -> None:
    setup_team(session)
    with pytest.raises(Exception) as refused:
        importer.check_team(session=session, team_id="TNOPE")
    assert getattr(refused.value, "key", None) == "import.team_unknown"
    assert TEAM in str(getattr(refused.value, "params", {}).get("teams"))


def test_map_takes_a_field_from_the_sources_own_column(session: Session, tmp_path: Path) -> None:
    """Pipedrive exports owners by name: an added e-mail column, mapped, is read instead."""
    setup_team(session)
    rows = _pipedrive("Processus commercial", ("Besoins identifiés", "Proposition envoyée"))
    rows = [[*row, "Owner email" if i == 0 else row[9]] for i, row in enumerate(rows)]
    for row in rows[1:]:
        row[9] = "Anna Martin"
    table = _write(tmp_path, "deals.csv", _csv(rows))
    assert {k for _, k in _errors(_import(session, table))} == {"import.owner_name_needs_token"}
    report = _import(session, table, mapping={"Owner email": "owner"})
    assert not report.errors, _errors(report)
    assert "Deal - Owner" in report.columns.ignored
    assert {d.owner_id for d in _deals(session)} == {"U0ANNA", "U0BEN"}


def test_csv_with_a_title_line_above_the_header(session: Session, tmp_path: Path) -> None:
    setup_team(session)
    text = (
        "Rapport des opportunités\r\n"
        "\r\n"
        "Compte;Objet;Montant;Date de signature;Commercial\r\n"
        "Dupond;Peinture;1 000,00 €;31/03/2027;U0ANNA\r\n"
    )
    report = _import(session, _write(tmp_path, "rapport.csv", text, "cp1252"), lang="fr")
    assert not report.errors, _errors(report)
    assert report.header_line == 3 and report.rows == 1
