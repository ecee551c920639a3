"""Reading a spreadsheet: a CSV (UTF-8 or Excel's Windows encoding, "," ";" or tab) or the
first sheet of an .xlsx, as a header line and numbered rows of cells."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from commands.errors import InvalidInput


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (line number in the file, cells)


class Unreadable(Exception):
    """The file cannot be read as a table; the message says why."""


def read_table(path: Path) -> Table:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raise InvalidInput("import.format", path=str(path))


def _read_csv(path: Path) -> Table:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise Unreadable(str(error)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    first = text.split("\n", 1)[0]
    # The delimiter the header line uses most: "," or Excel's ";" (French) or a tab.
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader, [])
        rows: list[tuple[int, list[Any]]] = []
        line = reader.line_num + 1
        for cells in reader:
            rows.append((line, list(cells)))
            line = reader.line_num + 1
    except csv.Error as error:
        raise Unreadable(f"line {reader.line_num}: {error}") from None
    return Table([h.strip() for h in headers], rows)


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (
        Exception
    ) as error:  # openpyxl raises many kinds for a broken file: all mean "unreadable"
        raise Unreadable(str(error)) from None
    try:
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        headers = ["" if h is None else str(h).strip() for h in next(lines, ())]
        rows = [(index, list(cells)) for index, cells in enumerate(lines, start=2)]
    finally:
        book.close()
    return Table(headers, rows)


def cell_text(cells: Sequence[Any], position: int | None) -> str:
    """A cell as text, stripped: "" when missing; 12.0 (how .xlsx stores 12) reads "12"."""
    if position is None or position >= len(cells) or cells[position] is None:
        return ""
    value = cells[position]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    # Undo the export's guard against spreadsheet formulas ("'=…").
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text
