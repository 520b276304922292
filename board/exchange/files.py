"""Files: CSV and XLSX read into raw sheets, and any export written atomically.

CSV files are read as UTF-16 when they start with its BOM (Excel's "Unicode text"), else as
UTF-8 (with or without BOM) and, failing that, as GB18030 (a superset of GBK, what Excel and WPS
in China save as "CSV"); they are written as UTF-8 with BOM. docs/excel.md explains why.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from board.errors import BoardError
from board.exchange.cells import MAX_TEXT, normal
from board.exchange.ledger.headers import ledger_knows
from board.exchange.sheets import (
    NATURAL_KEYS,
    Sheet,
    find_sheet,
    header_key,
    own_headers,
    sheet_named,
    sheet_names,
)
from board.i18n import t
from board.store.schema import ensure_writable_dir

XLSX_SUFFIXES = (".xlsx", ".xlsm")
LEDGER_ONLY_SUFFIXES = (".xls", ".ods")  # board never writes these: always an office's file
# The columns without which a sheet is not board's own: its natural key. 编号 (ids) alone is
# not enough, since ids are used only in a file that is board's own.
OWN_KEYS: dict[str, frozenset[str]] = {
    table: frozenset(keys) for table, keys in NATURAL_KEYS.items()
}


class NotOwn(BoardError):
    """The file is not in board's own format (an office ledger, for exchange/ledger): `sheet`
    is the sheet asked for, `hint` the kind its name or --sheet suggests."""

    def __init__(self, message: str, *, sheet: str | None = None, hint: str | None = None):
        super().__init__(message, kind="value")
        self.sheet = sheet
        self.hint = hint


def is_own(sheet: Sheet, headers: Sequence[Any]) -> bool:
    """Whether a sheet's first row is board's own header set: the sheet's key columns are
    there, and no column is one only a ledger has (序号, 表态事项, 存在问题…)."""
    known = own_headers(sheet)
    texts = [normal(h) for h in headers if normal(h)]
    fields = {known[header_key(h)].field for h in texts if header_key(h) in known}
    if not OWN_KEYS[sheet.table] <= fields:
        return False
    return not any(ledger_knows(h) for h in texts if header_key(h) not in known)


@dataclass
class RawSheet:
    """A sheet as read: its header cells and its non-empty rows with their row numbers."""

    sheet: Sheet
    headers: list[Any]
    rows: list[tuple[int, list[Any]]]


def is_blank(cells: Sequence[Any]) -> bool:
    return all(normal(c) == "" for c in cells)


def collect(sheet: Sheet, rows: Iterable[Sequence[Any]]) -> RawSheet:
    """Header = the first row; blank rows are skipped but keep their numbers."""
    iterator = iter(rows)
    headers = list(next(iterator, ()) or ())
    body = [
        (number, list(cells))
        for number, cells in enumerate(iterator, start=2)
        if cells and not is_blank(cells)
    ]
    return RawSheet(sheet, headers, body)


def decode_csv(data: bytes, path: Path) -> str:
    """UTF-16 by its BOM; else UTF-8 (BOM or not) first, since UTF-8 read as GBK "succeeds" as
    mojibake while Chinese GBK text is almost never valid UTF-8; else GB18030, the superset of
    GBK that Excel/WPS save. Anything else is refused in one line."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            pass
    raise BoardError(t("err.bad_encoding", path=path), kind="value")


def read_csv(path: Path, sheet: Sheet) -> list[RawSheet]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BoardError(t("err.io", path=path, detail=exc.strerror or exc), kind="io") from exc
    text = decode_csv(data, path)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, 16 * MAX_TEXT))
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise BoardError(t("err.bad_csv", path=path, detail=exc), kind="value") from exc
    finally:
        csv.field_size_limit(limit)
    return [collect(sheet, rows)]


def read_xlsx(path: Path, only: Sheet | None) -> list[RawSheet]:
    from openpyxl import load_workbook

    out: list[RawSheet] = []
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged or foreign file: zip, XML and openpyxl errors alike
        raise BoardError(
            t("err.bad_workbook", path=path, detail=detail(exc)), kind="value"
        ) from exc
    foreign: list[str] = []
    try:
        seen: set[str] = set()
        for ws in book.worksheets:
            sheet = find_sheet(str(ws.title))
            if sheet is None or (only is not None and sheet is not only):
                continue  # 说明 and the office's own sheets
            if sheet.name in seen:
                raise BoardError(t("err.duplicate_sheet", sheet=sheet.name, path=path))
            seen.add(sheet.name)
            raw = collect(sheet, ws.iter_rows(values_only=True))
            if is_own(sheet, raw.headers):
                out.append(raw)
            else:
                foreign.append(str(ws.title))
    except BoardError:
        raise
    except Exception as exc:
        raise BoardError(
            t("err.bad_workbook", path=path, detail=detail(exc)), kind="value"
        ) from exc
    finally:
        book.close()
    if not out:
        wanted = only.name if only is not None else sheet_names()
        raise NotOwn(
            t("err.no_sheets", path=path, choices=wanted),
            sheet=foreign[0] if only is not None and foreign else None,
        )
    return out


def detail(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def read_input(path: Path, sheet_name: str | None) -> list[RawSheet]:
    """The sheets of an .xlsx (all four, or `sheet_name`) or one sheet from a .csv, in board's
    own format; NotOwn for anything else (an office ledger: exchange/ledger reads those)."""
    if not path.exists():
        raise BoardError(t("err.file_missing", path=path), kind="missing")
    if path.is_dir():
        raise BoardError(t("err.bad_import_format", path=path), kind="value")
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        only = find_sheet(sheet_name) if sheet_name else None
        if sheet_name and only is None:  # a sheet of the office's own (7月): a ledger's
            raise NotOwn(
                t("err.bad_sheet", value=sheet_name, choices=sheet_names()), sheet=sheet_name
            )
        return read_xlsx(path, only)
    if suffix in (".csv", ".txt"):
        only = sheet_named(sheet_name) if sheet_name else find_sheet(path.stem)
        if only is None:
            raise NotOwn(t("err.csv_sheet", choices=sheet_names()))
        raws = read_csv(path, only)
        if not is_own(only, raws[0].headers):
            raise NotOwn(t("err.csv_sheet", choices=sheet_names()), hint=only.table)
        return raws
    if suffix in LEDGER_ONLY_SUFFIXES:
        raise NotOwn(t("err.bad_import_format", path=path))
    raise BoardError(t("err.bad_import_format", path=path), kind="value")


def file_mode(path: Path) -> int:
    """The mode a new file gets here (the file's own, when replacing one): not mkstemp's 0600."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write beside `path` and rename into place: a failed export leaves no half file."""
    ensure_writable_dir(path)
    handle, temp = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=path.suffix, dir=path.resolve().parent
    )
    os.close(handle)
    try:
        write(Path(temp))
        os.chmod(temp, file_mode(path))
        os.replace(temp, path)
    except OSError as exc:
        raise BoardError(
            t("err.write_file", path=path, detail=exc.strerror or exc), kind="io"
        ) from exc
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
