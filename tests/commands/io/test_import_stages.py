"""`salesbot import`: the stages a file names that the workspace lacks (planned, ordered,
created with `--create-stages`), closed stage names read as statuses, and the dates of exports.

Today is 27 November 2026 (the domain tests' clock).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from commands.io import stages
from commands.io.dates import DAY_FIRST, MONTH_FIRST, DateReader, detect_order
from storage import queries
from storage.models import SalesProcess, Status
from tests.commands.io.test_import_crm import (
    SALESFORCE_HEADER,
    _csv,
    _deals,
    _errors,
    _import,
    _pipedrive,
    _write,
)
from tests.conftest import TEAM, setup_team


def test_pipedrive_pipeline_and_stages_created_on_request(session: Session, tmp_path: Path) -> None:
    setup_team(session)
    text = _csv(_pipedrive("Sales pipeline", ("Contact Made", "Proposal Made")))
    table = _write(tmp_path, "deals.csv", text)
    refused = _import(session, table)
    assert {key for _, key in _errors(refused)} == {"import.process_unknown"}
    assert [(s.name, s.process) for s in refused.new_stages] == [("Sales pipeline", None)]
    dry = _import(session, table, dry_run=True, create_stages=True)
    assert not dry.errors and dry.stages_created and dry.rows == 4
    planned = dry.new_stages[0].ordered()
    # Order of first appearance, probabilities spread evenly (no probability in the file).
    assert [(s.name, s.probability) for s in planned] == [
        ("Contact Made", 33),
        ("Proposal Made", 67),
    ]
    assert queries.active_processes(session=session, team_id=TEAM)[-1].name != "Sales pipeline"
    assert not _deals(session)
    done = _import(session, table, create_stages=True)
    assert not done.errors
    process = session.scalars(
        select(SalesProcess).where(
            SalesProcess.team_id == TEAM, SalesProcess.name == "Sales pipeline"
        )
    ).one()
    assert [(s.name, s.position, s.probability) for s in process.stages] == [
        ("Contact Made", 0, 33),
        ("Proposal Made", 1, 67),
    ]
    assert {d.process_id for d in _deals(session)} == {process.id}


def test_new_stages_in_an_existing_process_come_after_its_own(
    session: Session, tmp_path: Path
) -> None:
    setup_team(session)
    text = _csv(_pipedrive("Processus commercial", ("Besoins identifiés", "Signature")))
    report = _import(session, _write(tmp_path, "deals.csv", text), create_stages=True)
    assert not report.errors, _errors(report)
    process = queries.active_processes(session=session, team_id=TEAM)[0]
    assert [s.name for s in process.stages][-2:] == ["En négociation", "Signature"]
    assert process.stages[-1].probability == 95  # between the last stage's 90 % and 100 %


def test_numbered_stage_names_give_the_pipelines_order(session: Session, tmp_path: Path) -> None:
    setup_team(session)
    rows = [
        ["Deal Name", "Deal Stage", "Amount", "Close Date", "Deal owner", "Pipeline",
         "Associated Company", "Create Date"],
        ["A", "3 - Proposal", "100", "2027-01-31", "U0ANNA", "New deals", "X", "2026-10-01"],
        ["B", "1. Discovery", "100", "2027-01-31", "U0ANNA", "New deals", "X", "2026-10-01"],
        ["C", "2) Demo", "100", "2027-01-31", "U0ANNA", "New deals", "X", "2026-10-01"],
    ]  # fmt: skip
    report = _import(session, _write(tmp_path, "h.csv", _csv(rows)), create_stages=True)
    assert not report.errors, _errors(report)
    process = next(p for p in queries.active_processes(session=session, team_id=TEAM)
                   if p.name == "New deals")  # fmt: skip
    assert [(s.name, s.probability) for s in process.stages] == [
        ("1. Discovery", 25),
        ("2) Demo", 50),
        ("3 - Proposal", 75),
    ]


def test_stages_with_the_files_probabilities_go_among_the_process_own(
    session: Session, tmp_path: Path
) -> None:
    setup_team(session)
    rows = [
        SALESFORCE_HEADER,
        ["A", "X", "EUR", "100", "1/31/2027", "Discovery", "U0ANNA", "20%", "10/1/2026", ""],
        ["B", "X", "EUR", "100", "1/31/2027", "Contract", "U0ANNA", "95%", "10/1/2026", ""],
    ]  # fmt: skip
    report = _import(session, _write(tmp_path, "r.csv", _csv(rows)), create_stages=True)
    assert not report.errors, _errors(report)
    process = queries.active_processes(session=session, team_id=TEAM)[0]
    session.expire(process)
    assert [(s.name, s.position) for s in process.stages] == [
        ("Opportunité à qualifier", 0),
        ("Rendez-vous planifié", 1),
        ("Discovery", 2),
        ("Besoins identifiés", 3),
        ("Proposition envoyée", 4),
        ("En négociation", 5),
        ("Contract", 6),
    ]


def test_more_stages_than_a_process_holds_are_refused(session: Session, tmp_path: Path) -> None:
    setup_team(session)
    rows = [["Deal Name", "Deal Stage", "Amount", "Close Date", "Deal owner", "Pipeline",
             "Associated Company"]]  # fmt: skip
    rows += [[f"D{n}", f"Step {n}", "100", "2027-01-31", "U0ANNA", "Big", "X"] for n in range(11)]
    report = _import(session, _write(tmp_path, "h.csv", _csv(rows)), create_stages=True)
    assert _errors(report)[0] == (2, "import.too_many_stages")
    assert all(p.name != "Big" for p in queries.active_processes(session=session, team_id=TEAM))


def test_closed_stage_names_are_statuses() -> None:
    for name in ("Closed Won", "closedwon", "Won", "Gagné", "Signée"):
        assert stages.stage_status(name) == Status.WON, name
    for name in ("Closed Lost", "Closed-Lost to Competition", "Perdu", "Lost", "closedlost"):
        assert stages.stage_status(name) == Status.LOST, name
    for name in ("Negotiation/Review", "Proposition envoyée", "Closing"):
        assert stages.stage_status(name) is None, name


def test_export_dates_in_the_files_order() -> None:
    assert detect_order(["3/31/2027", "1/2/2027"]) == MONTH_FIRST
    assert detect_order(["31/03/2027", "1/2/2027"]) == DAY_FIRST
    assert detect_order(["1/2/2027", "2027-05-06"]) is None
    today = date(2026, 11, 27)
    us = DateReader(order=MONTH_FIRST, today=today)
    assert us.read("05/06/2027") == date(2027, 5, 6)
    assert us.read("3/31/2027 2:05 PM") == date(2027, 3, 31)
    eu = DateReader(order=None, today=today)
    assert eu.read("05/06/2027") == date(2027, 6, 5)
    assert eu.read("31.03.2027 14:05") == date(2027, 3, 31)
    assert eu.read("2026-01-15T23:30:00-05:00") == date(2026, 1, 16)  # its UTC day
    assert eu.read("2025-03-31 10:21:03.123") == date(2025, 3, 31)
    assert eu.read("fin mars 2027") == date(2027, 3, 31)
