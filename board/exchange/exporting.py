"""Export: the four sheets (or one, or an empty template with its 说明 guide) to .xlsx or .csv.

Export writes real Excel dates, codes as their Chinese words, departments by name and projects
by code, and keeps each row's id in a `编号` column so an edited file matches back to its rows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from board.domain.codes import stage_index
from board.domain.rates import Rates, stage_rates
from board.errors import BoardError
from board.exchange.cells import Lookups, code_word, export_value, normal
from board.exchange.files import XLSX_SUFFIXES, write_atomically
from board.exchange.sheets import (
    CODE_LISTS,
    DEPARTMENTS,
    GUIDE_SHEET,
    SHEETS,
    TABLES,
    Column,
    Sheet,
    sheet_named,
    sheet_names,
)
from board.i18n import t
from board.store.engine import explain, make_engine
from board.store.location import Where
from board.store.schema import check_file

DATE_FORMAT = "yyyy-mm-dd"


def read_rows(db: Where) -> tuple[dict[str, list[dict[str, Any]]], Lookups]:
    """Every row of the four tables, read in one read-only transaction."""
    check_file(db)
    engine = make_engine(db, read_only=True)
    try:
        with engine.begin() as conn:
            rows: dict[str, list[dict[str, Any]]] = {}
            for sheet in SHEETS:
                table = TABLES[sheet.table]
                order = (table.c.sort_order, table.c.id) if sheet is DEPARTMENTS else (table.c.id,)
                rows[sheet.table] = [
                    dict(r) for r in conn.execute(select(table).order_by(*order)).mappings()
                ]
    except DBAPIError as exc:
        raise explain(exc, db) from exc
    finally:
        engine.dispose()
    names = Lookups(
        departments={r["id"]: r["name"] for r in rows["departments"]},
        projects={r["id"]: r["code"] for r in rows["projects"]},
    )
    return rows, names


def sheet_values(
    sheet: Sheet, rows: Iterable[Mapping[str, Any]], names: Lookups
) -> Iterator[list[Any]]:
    for row in rows:
        yield [export_value(c, row[c.field], names) for c in sheet.columns]


def code_choices(prefix: str) -> list[str]:
    return [code_word(prefix, c) for c in CODE_LISTS[prefix]]


def add_sheet(
    book: Any, sheet: Sheet, values: Iterable[list[Any]], validations: bool = True
) -> None:
    """One sheet: bold header, frozen, sized columns, dropdowns for code columns."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = book.create_sheet(sheet.name)
    ws.freeze_panes = "B2"
    for index, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
        if validations and column.kind == "code":
            letter = get_column_letter(index)
            rule = DataValidation(
                type="list",
                formula1='"' + ",".join(code_choices(column.codes)) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
            )
            rule.add(f"{letter}2:{letter}1048576")
            ws.data_validations.append(rule)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    header = []
    for column in sheet.columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font = bold
        cell.fill = fill
        header.append(cell)
    ws.append(header)
    for row in values:
        out: list[Any] = []
        for value in row:
            if isinstance(value, date):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = DATE_FORMAT
                out.append(cell)
            elif isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"  # text, not a formula: data is never run
                out.append(cell)
            else:
                out.append(value)
        ws.append(out)


def add_guide(book: Any) -> None:
    """The 说明 sheet: how to fill the template, and every column of every sheet."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    ws = book.create_sheet(GUIDE_SHEET)
    for letter, width in zip("ABCD", (10, 22, 12, 70), strict=True):
        ws.column_dimensions[letter].width = width
    title = WriteOnlyCell(ws, value=t("guide.title"))
    title.font = Font(bold=True, size=14)
    ws.append([title])
    for key in ("guide.1", "guide.2", "guide.3", "guide.4", "guide.5", "guide.6"):
        ws.append([t(key)])
    ws.append([])
    bold = Font(bold=True)
    head = []
    for key in ("guide.sheet", "guide.column", "guide.required", "guide.note"):
        cell = WriteOnlyCell(ws, value=t(key))
        cell.font = bold
        head.append(cell)
    ws.append(head)
    wrap = Alignment(wrap_text=True, vertical="top")
    for sheet in SHEETS:
        for column in sheet.columns:
            note = WriteOnlyCell(ws, value=column_note(sheet, column))
            note.alignment = wrap
            needed = t("guide.yes") if column.empty == "required" else ""
            ws.append([sheet.name, column.header, needed, note])


def iso_day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:  # a hand-written file's odd text: not planned, as the board reads it
        return None


def zone_rates(projects: Iterable[Mapping[str, Any]], today: date) -> Rates:
    total = Rates()
    for row in projects:
        total = total + stage_rates(
            stage_index(str(row["stage"])),
            iso_day(row["planned_start_on"]),
            iso_day(row["planned_complete_on"]),
            today,
        )
    return total


def add_summary(book: Any, projects: Iterable[Mapping[str, Any]], today: date) -> None:
    """The 概况 sheet: 开工率, 竣工率 and 投产率 as of `today`, as the KPI strip shows them.
    An import skips it (only the four sheets are read back)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    ws = book.create_sheet(t("export.summary.sheet"))
    for letter, width in zip("ABCD", (16, 10, 10, 10), strict=True):
        ws.column_dimensions[letter].width = width
    ws.append([t("export.summary.title", date=today.isoformat())])
    bold = Font(bold=True)
    head = []
    for key in ("export.summary.figure", "export.summary.done", "export.summary.planned"):
        cell = WriteOnlyCell(ws, value=t(key))
        cell.font = bold
        head.append(cell)
    share = WriteOnlyCell(ws, value=t("export.summary.share"))
    share.font = bold
    ws.append([*head, share])
    figures = zone_rates(projects, today)
    for key, rate in (
        ("export.summary.start", figures.start),
        ("export.summary.complete", figures.complete),
        ("export.summary.produce", figures.produce),
    ):
        pct = WriteOnlyCell(ws, value=rate.share)
        pct.number_format = "0%"
        ws.append([t(key), rate.done, rate.planned, pct])
    ws.append([])
    ws.append([t("help.rule.rates")])


def column_note(sheet: Sheet, column: Column) -> str:
    """How to fill one column, for the 说明 sheet."""
    special = {
        ("projects", "code"): "guide.project_code",
        ("departments", "name"): "guide.department_name",
        ("pledges", "status"): "guide.pledge_status",
        ("blockers", "resolved_on"): "guide.resolved_on",
        ("blockers", "opened_on"): "guide.opened_on",
    }.get((sheet.table, column.field))
    parts: list[str] = []
    if column.kind == "code":
        parts.append(t("guide.kind.code", choices=" / ".join(code_choices(column.codes))))
    elif not (special and column.kind == "text"):
        parts.append(t(f"guide.kind.{column.kind}"))
    if special:
        parts.append(t(special))
    elif column.empty == "default" and column.kind != "meeting":
        parts.append(t("guide.default"))
    return t("guide.sep").join(parts)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    counts: tuple[tuple[str, int], ...]
    template: bool = False


def export_file(
    db: Where | None,
    target: Path,
    *,
    sheet: str | None = None,
    template: bool = False,
    today: date | None = None,
) -> ExportResult:
    """Write the sheets (or one, or a template with 说明) to .xlsx, or one sheet to .csv; a
    whole workbook ends with 概况, the rates as of `today`."""
    suffix = target.suffix.lower()
    if suffix not in (*XLSX_SUFFIXES, ".csv"):
        raise BoardError(t("err.bad_format", path=target), kind="value")
    only = sheet_named(sheet) if sheet else None
    if suffix == ".csv" and only is None:
        raise BoardError(t("err.csv_sheet", choices=sheet_names()), kind="value")
    chosen = (only,) if only is not None else SHEETS
    if template:
        rows: dict[str, list[dict[str, Any]]] = {s.table: [] for s in SHEETS}
        names = Lookups()
    else:
        assert db is not None
        rows, names = read_rows(db)
    counts = tuple((s.name, len(rows[s.table])) for s in chosen)

    if suffix == ".csv":
        assert only is not None
        sheet_spec = only

        def write_csv(temp: Path) -> None:
            with temp.open("w", encoding="utf-8-sig", newline="") as handle:
                out = csv.writer(handle)
                out.writerow([c.header for c in sheet_spec.columns])
                for values in sheet_values(sheet_spec, rows[sheet_spec.table], names):
                    out.writerow([normal(v) for v in values])

        write_atomically(target, write_csv)
    else:

        def write_book(temp: Path) -> None:
            from openpyxl import Workbook

            book = Workbook(write_only=True)
            if template:
                add_guide(book)
            for s in chosen:
                add_sheet(book, s, sheet_values(s, rows[s.table], names))
            if not template and only is None:
                add_summary(book, rows["projects"], today or date.today())
            book.save(temp)

        write_atomically(target, write_book)
    return ExportResult(target, counts, template)
