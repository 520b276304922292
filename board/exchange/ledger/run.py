"""`board import FILE`: board's own workbook as before, anything else read as an office ledger.

A file is board's own when its sheets (or the CSV's name or --sheet) are 项目/表态/问题/部门 and
their first row is board's header set (files.is_own); only then are 编号 ids used. Everything
else (a ledger with its title rows, a .xls, an .ods, a sheet called 7月, a --map file) goes
through the ledger reader: find the table, plan every row inside the write transaction, and
write all of it, through the importer's apply_plans, or nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Connection

from board.errors import BoardError
from board.exchange.cells import normal
from board.exchange.files import NotOwn, read_input
from board.exchange.importing import ImportRefused, ImportResult, apply_plans, import_file
from board.exchange.ledger.find import Table, find_tables
from board.exchange.ledger.grid import CSV_SUFFIXES, read_grids
from board.exchange.ledger.headers import KINDS, Kind
from board.exchange.ledger.mapfile import MapFile, load_map, suggest
from board.exchange.ledger.plan import Ledger, Options
from board.exchange.ledger.report import LedgerRefused, LedgerResult
from board.exchange.sheets import find_sheet, header_key
from board.i18n import t
from board.store import writer as w
from board.store.location import Where


def hint_of(table: str | None) -> Kind | None:
    return next((kind for kind in KINDS if kind == table), None)


def tables_of(
    source: Path, options: Options, today: date, *, sheet: str | None, hint: Kind | None
) -> tuple[list[Table], MapFile | None]:
    """The ledger tables of `source` (a missing file, no header, two candidate sheets: one
    line each)."""
    if not source.exists():
        raise BoardError(t("err.file_missing", path=source), kind="missing")
    mapping = load_map(options.map_file) if options.map_file is not None else None
    grids = read_grids(source)
    if source.suffix.lower() in CSV_SUFFIXES:
        sheet = None  # a CSV is one sheet; --sheet only said which kind
    tables = find_tables(
        grids, source, sheet=sheet, hint=hint, mapping=mapping, year=options.year, today=today
    )
    return tables, mapping


def import_ledger(
    db: Where, source: Path, options: Options, today: date, *, sheet: str | None,
    hint: Kind | None,
) -> LedgerResult:  # fmt: skip
    """Plan every row of every ledger table; refuse all of it (LedgerRefused) or write all."""
    tables, _mapping = tables_of(source, options, today, sheet=sheet, hint=hint)

    def work(conn: Connection) -> LedgerResult:
        ledger = Ledger(conn, today, options)
        reports = [ledger.plan(table) for table in tables]
        ledger.finish(reports)
        if ledger.problems:
            raise LedgerRefused(ledger.problems, source)
        if not options.dry_run:
            apply_plans(conn, ledger.ordered())
        return LedgerResult(source, tuple(reports), options.dry_run)

    with w.Writer(db) as writer:
        return writer.run(work)


def hint_from_sheet(source: Path, sheet: str | None) -> Kind | None:
    if source.suffix.lower() not in CSV_SUFFIXES:
        return None
    named = find_sheet(sheet) if sheet else find_sheet(source.stem)
    return hint_of(named.table) if named is not None else None


def import_any(
    db: Where, source: Path, options: Options, today: date
) -> ImportResult | LedgerResult:
    """board's own file through board's importer; any other file as an office ledger."""
    sheet, hint = options.sheet, hint_from_sheet(source, options.sheet)
    if options.map_file is None:  # a mapping file says the file is a ledger
        try:
            return import_file(
                db, source, sheet=sheet, dry_run=options.dry_run, today=today,
                rename=options.rename,
            )  # fmt: skip
        except NotOwn as not_own:
            sheet = not_own.sheet or sheet
            hint = hint_of(not_own.hint) or hint
        except ImportRefused as refused:
            kind = ledger_kind(source, sheet)
            if kind is None:
                raise
            # A 项目 or 表态 sheet in board's column names but without 编号 (so no id is
            # at stake) that board's strict reader refuses (9月30日前, 招商局、环保局): the
            # ledger reader's rules are what its writer meant. If it finds no table either,
            # board's own refusal stands.
            try:
                return import_ledger(db, source, options, today, sheet=None, hint=kind)
            except LedgerRefused:
                raise
            except BoardError:
                raise refused from None
    return import_ledger(db, source, options, today, sheet=sheet, hint=hint)


def ledger_kind(source: Path, sheet: str | None) -> Kind | None:
    """The kind of a file's one own sheet when it could be read as a ledger: a 项目 or 表态
    sheet without 编号 (ids are used only in board's own export)."""
    raws = read_input(source, sheet)
    if len(raws) != 1:
        return None
    keys = {header_key(normal(h)) for h in raws[0].headers}
    if keys & {header_key(n) for n in ("编号", "id", "ID")}:
        return None
    return hint_of(raws[0].sheet.table)


def suggest_map(source: Path, options: Options, today: date) -> str:
    """The guessed mapping of a ledger, as a --map file (every table of the file)."""
    hint = hint_from_sheet(source, options.sheet)
    tables, _mapping = tables_of(source, options, today, sheet=options.sheet, hint=hint)
    parts = []
    for table in tables:
        parts.append(
            suggest(
                path=source,
                kind=table.kind,
                sheet=table.grid.name,
                rows=(table.top + 1, table.bottom + 1),
                unit=table.context.unit,
                year=table.context.year,
                columns=[
                    (c.header, None if c.same_as else c.field, None) for c in table.columns
                ],
            )
        )
    return "\n".join(parts)
