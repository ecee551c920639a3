"""Owners given by name, as CRMs export them: one member bearing the name (case, accents and
spaces ignored) owns the deal; nobody, or several, and the row is refused, naming the name."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from commands.io import headers, importer, owners, spreadsheet
from storage.models import Opportunity
from tests.conftest import NOW, TEAM, setup_team

TEXT = (
    "Account,Title,Amount,Close date,Owner\n"
    "Acme,Paint,100,2027-01-31,Zoe  LEFEVRE\n"  # accents, case and spaces differ
    "Acme,Audit,200,2027-01-31,Ben Durand\n"  # two members bear it
    "Acme,Roof,300,2027-01-31,Paul Nobody\n"
    "Acme,Walls,400,2027-01-31,U0ANNA\n"  # ids and e-mails need no name
)
MEMBERS = {
    "Zoé Lefèvre": {"U0ZOE"},
    "zoe": {"U0ZOE"},
    "Ben Durand": {"U0BEN"},
    "ben durand": {"U0BEN2"},
    "  ": {"U0BLANK"},
}


def _import(
    session: Session, table: spreadsheet.Table, members: dict[str, set[str]] | None
) -> importer.Report:
    return importer.import_table(session=session, team_id=TEAM, table=table, emails={},
                                 lang="en", now=NOW, dry_run=False, members=members)  # fmt: skip


def _deals(session: Session) -> list[Opportunity]:
    query = select(Opportunity).where(Opportunity.team_id == TEAM).order_by(Opportunity.number)
    return list(session.scalars(query))


def _table(tmp_path: Path, text: str) -> spreadsheet.Table:
    path = tmp_path / "deals.csv"
    path.write_text(text, encoding="utf-8")
    return spreadsheet.read_table(path)


def test_names_are_the_cells_neither_ids_nor_emails(tmp_path: Path) -> None:
    table = _table(tmp_path, TEXT + "Acme,Mail,1,2027-01-31,anna@example.com\n")
    columns = headers.match_headers(table.headers, "en")
    assert headers.owner_names(table, columns) == {"Zoe  LEFEVRE", "Ben Durand", "Paul Nobody"}


def test_a_name_needs_exactly_one_member(session: Session, tmp_path: Path) -> None:
    setup_team(session)
    table = _table(tmp_path, TEXT)
    before = len(_deals(session))
    report = _import(session, table, MEMBERS)
    refused = {e.line: (e.error.key, e.error.params) for e in report.errors}
    assert refused == {
        3: ("import.owner_name_ambiguous", {"text": "Ben Durand", "users": "U0BEN, U0BEN2"}),
        4: ("import.owner_name_unknown", {"text": "Paul Nobody"}),
    }
    assert len(_deals(session)) == before
    # Without the two bad rows, the name finds its member and the deal is theirs.
    good = _table(tmp_path, "\n".join(TEXT.splitlines()[i] for i in (0, 1, 4)) + "\n")
    report = _import(session, good, MEMBERS)
    assert not report.errors and report.owners_by_name == {"Zoe  LEFEVRE": "U0ZOE"}
    new = _deals(session)[before:]
    assert {o.title: o.owner_id for o in new} == {"Paint": "U0ZOE", "Walls": "U0ANNA"}


def test_a_name_without_slack_says_what_is_needed(session: Session, tmp_path: Path) -> None:
    setup_team(session)
    report = _import(session, _table(tmp_path, TEXT), None)
    assert {e.error.key for e in report.errors} == {"import.owner_name_needs_token"}


def test_the_index_folds_names_and_drops_blank_ones() -> None:
    index = owners.index_names(MEMBERS)
    assert index["zoe lefevre"] == {"U0ZOE"} and index["ben durand"] == {"U0BEN", "U0BEN2"}
    assert "" not in index
