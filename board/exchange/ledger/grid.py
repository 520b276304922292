"""Any spreadsheet file as plain grids: every sheet's cells by row and column, merges known.

.xlsx/.xlsm are read with openpyxl (its full mode: merged ranges and number formats are
there), legacy .xls and .ods with python-calamine (ODS merges from the file's own XML, which
calamine does not report), CSV through the same decoding as board's own CSV (UTF-8 with or
without BOM, else GB18030/GBK, UTF-16 by its BOM). A CSV keeps no merges: `merges` is None and
the ledger reader makes up for it (files.decode_csv explains the encodings).

Two number formats are read as the user sees them, because the value alone misleads: a
percent-formatted 0.6 is "60%", and a year.month typed as 2023.10 in a "0.00" cell is
"2023.10", not the number 2023.1. A date shown without its day (yyyy"年"m"月") is "2023年9月".
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from board.errors import BoardError
from board.exchange.cells import MAX_TEXT
from board.exchange.files import decode_csv, detail
from board.i18n import t

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (0-based)
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
CSV_SUFFIXES = (".csv", ".txt")
FIXED_DECIMALS = re.compile(r"^(?:#,##)?0\.(0+)$")


@dataclass
class Grid:
    """One sheet: its rows of cell values (None for empty), merged ranges, visibility."""

    name: str
    rows: list[list[Any]]
    merges: list[Merge] | None = field(default_factory=list)  # None: the format keeps none
    hidden: bool = False

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def cell(self, row: int, column: int) -> Any:
        cells = self.rows[row] if 0 <= row < len(self.rows) else []
        return cells[column] if 0 <= column < len(cells) else None


def trimmed(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows without trailing empty cells, and no trailing empty rows."""
    out = []
    for cells in rows:
        cells = [None if (isinstance(c, str) and not c.strip()) else c for c in cells]
        while cells and cells[-1] is None:
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def shown(value: Any, number_format: str | None) -> Any:
    """A cell as Excel shows it where the stored value would mislead (see the docstring)."""
    fmt = (number_format or "").lower()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        if fmt.endswith("%"):
            return f"{value * 100:g}%"
        fixed = FIXED_DECIMALS.match(fmt)
        if fixed and 1900 < value < 2100 and not float(value).is_integer():
            return f"{value:.{len(fixed[1])}f}"
        return value
    if isinstance(value, datetime):
        if "y" in fmt and "m" in fmt and "d" not in fmt and "h" not in fmt:
            return f"{value.year}年{value.month}月"
        return value.date() if value.time() == time() else value
    return value


def read_xlsx_grids(path: Path) -> list[Grid]:
    from openpyxl import load_workbook

    book = load_workbook(path, data_only=True)
    try:
        grids = []
        for ws in book.worksheets:
            rows = [
                [shown(c.value, getattr(c, "number_format", None)) for c in cells]
                for cells in ws.iter_rows()
            ]
            merges = [
                (r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1)
                for r in ws.merged_cells.ranges
            ]
            hidden = getattr(ws, "sheet_state", "visible") != "visible"
            grids.append(Grid(str(ws.title), trimmed(rows), merges, hidden))
        return grids
    finally:
        book.close()


def calamine_value(value: Any) -> Any:
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, datetime) and value.time() == time():
        return value.date()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)  # calamine reads whole numbers of .ods as floats
    return value


def read_calamine_grids(path: Path) -> list[Grid]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    try:
        ods_merges = read_ods_merges(path) if path.suffix.lower() == ".ods" else {}
        visible = {m.name: str(m.visible).lower().endswith("visible") for m in book.sheets_metadata}
        grids = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            rows = [[calamine_value(v) for v in r] for r in sheet.to_python(skip_empty_area=False)]
            found = sheet.merged_cell_ranges
            merges = (
                [(a[0], a[1], b[0], b[1]) for a, b in found]
                if found is not None
                else ods_merges.get(name, [])
            )
            grids.append(Grid(name, trimmed(rows), merges, not visible.get(name, True)))
        return grids
    finally:
        book.close()


ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def read_ods_merges(path: Path) -> dict[str, list[Merge]]:
    """Merged ranges of each sheet of an .ods, from its content.xml (calamine has none)."""
    out: dict[str, list[Merge]] = {}
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as handle:
        root = ElementTree.parse(handle).getroot()
    for table in root.iter(f"{ODS_TABLE}table"):
        merges: list[Merge] = []
        row = 0
        for element in table.iter(f"{ODS_TABLE}table-row"):
            column = 0
            for cell in element:
                repeat = int(cell.get(f"{ODS_TABLE}number-columns-repeated", "1"))
                across = int(cell.get(f"{ODS_TABLE}number-columns-spanned", "1"))
                down = int(cell.get(f"{ODS_TABLE}number-rows-spanned", "1"))
                if across > 1 or down > 1:
                    merges.append((row, column, row + down - 1, column + across - 1))
                column += repeat
            row += int(element.get(f"{ODS_TABLE}number-rows-repeated", "1"))
        out[table.get(f"{ODS_TABLE}name", "")] = merges
    return out


def read_csv_grid(path: Path) -> list[Grid]:
    text = decode_csv(path.read_bytes(), path)
    first = next((line for line in text.splitlines() if line.strip(", \t")), "")
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, 16 * MAX_TEXT))
    try:
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise BoardError(t("err.bad_csv", path=path, detail=exc), kind="value") from exc
    finally:
        csv.field_size_limit(limit)
    return [Grid(path.stem, trimmed([[c.strip() or None for c in r] for r in rows]), None)]


def read_grids(path: Path) -> list[Grid]:
    """Every sheet of `path` as a grid; a damaged or foreign file is one line."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return read_xlsx_grids(path)
        if suffix in (".xls", ".ods"):
            return read_calamine_grids(path)
        if suffix in CSV_SUFFIXES:
            return read_csv_grid(path)
    except BoardError:
        raise
    except OSError as exc:
        raise BoardError(t("err.io", path=path, detail=exc.strerror or exc), kind="io") from exc
    except Exception as exc:  # zip, XML, openpyxl and calamine errors alike: a damaged file
        raise BoardError(
            t("err.bad_workbook", path=path, detail=detail(exc)), kind="value"
        ) from exc
    raise BoardError(t("err.bad_import_format", path=path), kind="value")


def fill_merges(grid: Grid) -> Grid:
    """The same sheet with each merged range's value in every cell it covers (a unit merged
    down over four pledges belongs to all four; a header merged across names each column)."""
    rows = [list(r) for r in grid.rows]
    for top, left, bottom, right in grid.merges or ():
        value = grid.cell(top, left)
        if value is None:
            continue
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            cells = rows[r]
            if len(cells) <= right:
                cells.extend([None] * (right + 1 - len(cells)))
            for c in range(left, right + 1):
                if cells[c] is None:
                    cells[c] = value
    return Grid(grid.name, rows, grid.merges, grid.hidden)
