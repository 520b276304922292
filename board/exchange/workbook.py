"""Excel and CSV: the four sheets people edit (项目, 表态, 问题, 部门), out and back in.

Export writes real Excel dates, codes as their Chinese words, departments by name and projects
by code, and keeps each row's id in a `编号` column so an edited file matches back to its rows.

Import is all or nothing: every row of every sheet is checked first, inside the same write
transaction that would apply it (so the check sees exactly the data it writes against). One bad
cell refuses the whole file with a list of problems (sheet, row, column, reason); otherwise all
sheets are upserted through `board.store.writer` in one transaction. A cell that still shows
what export wrote for its row counts as unchanged without being re-checked, so exporting and
importing the same file changes nothing, even for rows holding values outside the contract.

CSV files are read as UTF-16 when they start with its BOM (Excel's "Unicode text"), else as
UTF-8 (with or without BOM) and, failing that, as GB18030 (a superset of GBK, what Excel and WPS
in China save as "CSV"); they are written as UTF-8 with BOM. docs/excel.md explains why.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, Table, insert, select
from sqlalchemy.exc import DBAPIError

from board.domain.codes import (
    BLOCKER_CATEGORIES,
    CATEGORIES,
    DEPARTMENT_KINDS,
    PLEDGE_STATUSES,
    STAGES,
)
from board.errors import BoardError
from board.i18n import CATALOGS, t, zh_cn
from board.store import writer as w
from board.store.engine import explain, make_engine
from board.store.schema import check_file, ensure_writable_dir
from board.store.values import check_money, check_progress

MAX_TEXT = 32767  # the most characters an Excel cell holds
MAX_INT = 2**63 - 1  # SQLite INTEGER
XLSX_SUFFIXES = (".xlsx", ".xlsm")
DATE_FORMAT = "yyyy-mm-dd"
ZH = zh_cn.STRINGS  # the file format speaks Chinese whatever the UI language

Kind = Literal[
    "id", "text", "date", "progress", "money", "int", "code", "department", "project", "meeting"
]
Empty = Literal["null", "required", "default"]

# Code lists by the i18n prefix of their words.
CODE_LISTS: dict[str, tuple[str, ...]] = {
    "stage": STAGES,
    "category": CATEGORIES,
    "status": PLEDGE_STATUSES,
    "blocker": BLOCKER_CATEGORIES,
    "kind": DEPARTMENT_KINDS,
}


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its Chinese header, the table column, and how cells are read.

    `empty` says what an empty cell means: `null` clears the value, `required` is refused,
    `default` keeps the row's value (a new row gets the database default).
    """

    header: str
    field: str
    kind: Kind
    empty: Empty = "null"
    codes: str = ""
    width: int = 12
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    name: str  # the sheet's Chinese name, which is also its name in the workbook
    table: str
    what: str  # the writer's word for one row: pledge, project, blocker, department
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()

    @property
    def id_column(self) -> Column:
        return self.columns[0]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)


def _stage_dates() -> tuple[Column, ...]:
    return (
        Column("签约日期", "signed_on", "date"),
        Column("落地日期", "landed_on", "date"),
        Column("开工日期", "started_on", "date"),
        Column("竣工日期", "completed_on", "date"),
        Column("投产日期", "producing_on", "date"),
        Column("计划开工日期", "planned_start_on", "date", width=13),
        Column("计划竣工日期", "planned_complete_on", "date", width=13),
    )


ID = Column("编号", "id", "id", width=7, aliases=("ID", "序号"))
DEPARTMENT_REFS = ("部门", "单位", "责任单位", "表态单位", "department")

PROJECTS = Sheet(
    "项目",
    "projects",
    "project",
    (
        ID,
        Column("项目编号", "code", "text", "required", width=10),
        Column("项目名称", "name", "text", "required", width=30),
        Column("类别", "category", "code", "required", "category", width=10),
        Column("阶段", "stage", "code", "default", "stage", width=8),
        Column("形象进度", "progress", "progress", "default", width=9, aliases=("形象进度%",)),
        Column("进度说明", "progress_note", "text", width=24, aliases=("形象进度说明",)),
        Column("责任单位", "lead_department_id", "department", width=12, aliases=("lead",)),
        Column("责任人", "responsible", "text", width=9),
        Column("包保领导", "leader", "text", width=10, aliases=("挂点领导",)),
        Column("业主单位", "owner", "text", width=22),
        Column("建设地点", "location", "text", width=18),
        Column("总投资（万元）", "total_investment", "money", width=13, aliases=("总投资",)),
        Column("年度计划投资（万元）", "year_plan_investment", "money", width=13),
        Column("年度完成投资（万元）", "year_done_investment", "money", width=13),
        *_stage_dates(),
    ),
    aliases=("projects", "project", "重点项目"),
)

PLEDGES = Sheet(
    "表态",
    "pledges",
    "pledge",
    (
        ID,
        Column("表态单位", "department_id", "department", "required", aliases=DEPARTMENT_REFS),
        Column("项目编号", "project_id", "project", width=10, aliases=("项目", "project")),
        Column("调度会编号", "meeting_id", "meeting", "default", width=10, aliases=("meeting",)),
        Column("表态内容", "content", "text", "required", width=50, aliases=("内容", "事项")),
        Column("完成时限", "due_on", "date", aliases=("时限", "到期日期", "due")),
        Column("状态", "status", "code", "default", "status", width=9),
        Column("完成日期", "done_on", "date", aliases=("销号日期",)),
        Column("备注", "note", "text", width=24),
    ),
    aliases=("pledges", "pledge", "承诺事项"),
)

BLOCKERS = Sheet(
    "问题",
    "blockers",
    "blocker",
    (
        ID,
        Column("项目编号", "project_id", "project", "required", width=10, aliases=("项目",)),
        Column("责任单位", "department_id", "department", aliases=DEPARTMENT_REFS),
        Column("类别", "category", "code", "required", "blocker", width=8, aliases=("问题类别",)),
        Column("问题描述", "description", "text", "required", width=50, aliases=("问题",)),
        Column("提出日期", "opened_on", "date", "default"),
        Column("解决时限", "due_on", "date", aliases=("时限",)),
        Column("销号日期", "resolved_on", "date", aliases=("解决日期",)),
        Column("销号说明", "note", "text", width=24, aliases=("备注",)),
    ),
    aliases=("blockers", "blocker", "问题清单"),
)

DEPARTMENTS = Sheet(
    "部门",
    "departments",
    "department",
    (
        ID,
        Column("名称", "name", "text", "required", width=16, aliases=("部门名称", "单位名称")),
        Column("简称", "short_name", "text", width=10),
        Column("类型", "kind", "code", "default", "kind", width=8, aliases=("单位类型",)),
        Column("发言顺序", "sort_order", "int", "default", width=9, aliases=("排序",)),
    ),
    aliases=("departments", "department", "单位"),
)

# Workbook order; rows are applied in dependency order (APPLY_ORDER).
SHEETS: tuple[Sheet, ...] = (PROJECTS, PLEDGES, BLOCKERS, DEPARTMENTS)
APPLY_ORDER: tuple[Sheet, ...] = (DEPARTMENTS, PROJECTS, PLEDGES, BLOCKERS)
GUIDE_SHEET = "说明"
# What matches a sheet row without 编号 to a stored row (when exactly one stored row has it).
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "projects": ("code",),
    "departments": ("name",),
    "pledges": ("department_id", "content"),
    "blockers": ("project_id", "description"),
}
TEXT_KEYS = frozenset({"code", "name", "content", "description"})
KEY_COLUMN = 1  # the column a repeated row is reported on: 项目编号, 表态单位, 项目编号, 名称
TABLES: dict[str, Table] = {
    "projects": w.projects,
    "pledges": w.pledges,
    "blockers": w.blockers,
    "departments": w.departments,
}


def sheet_names() -> str:
    return "、".join(s.name for s in SHEETS)


def find_sheet(name: str) -> Sheet | None:
    """A sheet by its Chinese name or an alias (表态, pledges, 承诺事项...)."""
    key = name.strip().casefold()
    for sheet in SHEETS:
        if key == sheet.name or key in (a.casefold() for a in sheet.aliases):
            return sheet
    return None


def sheet_named(name: str) -> Sheet:
    sheet = find_sheet(name)
    if sheet is None:
        raise BoardError(t("err.bad_sheet", value=name, choices=sheet_names()), kind="value")
    return sheet


# Cell values: what export writes, and how a cell compares with it ----------------------------

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def code_word(prefix: str, code: str) -> str:
    return ZH.get(f"{prefix}.{code}", code)


def normal(value: Any) -> str:
    """A cell as comparable text: what a CSV holds for it, and the key of 'unchanged'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}"  # what Excel keeps of a number
    if isinstance(value, int):
        return str(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub("", text).strip()


@dataclass
class Lookups:
    """Names for ids, as export shows references."""

    departments: dict[int, str] = field(default_factory=dict)
    projects: dict[int, str] = field(default_factory=dict)


def export_value(column: Column, raw: Any, names: Lookups) -> Any:
    """The cell export writes for a stored value (a typed value for xlsx; `normal` for CSV)."""
    if raw is None:
        return None
    kind = column.kind
    if kind == "date":
        if isinstance(raw, str):
            try:
                return date.fromisoformat(raw.strip())
            except ValueError:
                return raw  # not a date in the file: shown as it is, flagged by the board
        return raw
    if kind == "code":
        return code_word(column.codes, str(raw))
    if kind == "department":
        return names.departments.get(raw, f"#{raw}")
    if kind == "project":
        return names.projects.get(raw, f"#{raw}")
    if kind == "money" and isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    if isinstance(raw, str):
        return CONTROL.sub("", raw)
    return raw


# Words earlier versions of board exported, still read back.
LEGACY_WORDS: dict[str, dict[str, str]] = {
    "kind": {"局": "bureau", "部门": "office", "村": "village"},
}


# Reading cells: each returns the stored form or raises a one-line BoardError -----------------

DATE_RE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
INT_RE = re.compile(r"[+-]?\d+(?:\.0*)?")


def bad_date(value: Any) -> BoardError:
    return BoardError(t("err.bad_date", value=normal(value) or "∅"), kind="value")


def read_date(value: Any) -> str:
    """A date from an Excel date, ISO text, or 2026/9/1, 2026.9.1, 2026年9月1日 (with an
    optional time of day, as Excel writes datetimes into CSV)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        raise bad_date(value)  # a bare number is not a date: too easy to get wrong
    match = DATE_RE.fullmatch(value.strip())
    if match is None:
        raise bad_date(value)
    try:
        return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        raise bad_date(value) from None


def read_int(value: Any) -> int:
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = int(value) if value.is_integer() else None
    elif isinstance(value, str) and INT_RE.fullmatch(value.strip()):
        number = int(float(value.strip())) if "." in value else int(value.strip())
    if number is None or abs(number) > MAX_INT:
        raise BoardError(t("import.bad_integer", value=normal(value) or "∅"), kind="value")
    return number


def read_text(value: Any) -> str:
    text = normal(value)
    if len(text) > MAX_TEXT:
        raise BoardError(t("import.too_long", length=len(text), limit=MAX_TEXT), kind="value")
    return text


def read_code(value: Any, prefix: str) -> str:
    """An English code, or its word in any catalog (签约, 已完成, signed, done...)."""
    codes = CODE_LISTS[prefix]
    text = normal(value)
    if text in codes:
        return text
    if text in LEGACY_WORDS.get(prefix, {}):
        return LEGACY_WORDS[prefix][text]
    folded = text.casefold()
    for code in codes:
        if any(
            folded == catalog.get(f"{prefix}.{code}", "\0").casefold()
            for catalog in CATALOGS.values()
        ):
            return code
    choices = " / ".join(code_word(prefix, c) for c in codes)
    raise BoardError(t("err.bad_code", value=text or "∅", choices=choices), kind="value")


def read_money(value: Any) -> float | None:
    if isinstance(value, bool):
        raise BoardError(t("err.bad_money", value=normal(value)), kind="value")
    money = check_money(value if isinstance(value, int | float) else normal(value))
    if money is not None and not math.isfinite(money):
        raise BoardError(t("err.bad_money", value=normal(value)), kind="value")
    return money


def read_progress(value: Any) -> int:
    if isinstance(value, bool):
        raise BoardError(t("err.bad_progress", value=normal(value)), kind="value")
    return check_progress(value if isinstance(value, int | float) else normal(value))


# Reading files --------------------------------------------------------------------------------


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
    try:
        seen: set[str] = set()
        for ws in book.worksheets:
            sheet = find_sheet(str(ws.title))
            if sheet is None or (only is not None and sheet is not only):
                continue  # 说明 and the office's own sheets
            if sheet.name in seen:
                raise BoardError(t("err.duplicate_sheet", sheet=sheet.name, path=path))
            seen.add(sheet.name)
            out.append(collect(sheet, ws.iter_rows(values_only=True)))
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
        raise BoardError(t("err.no_sheets", path=path, choices=wanted), kind="value")
    return out


def detail(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def read_input(path: Path, sheet_name: str | None) -> list[RawSheet]:
    """The sheets of an .xlsx (all four, or `sheet_name`) or one sheet from a .csv."""
    if not path.exists():
        raise BoardError(t("err.file_missing", path=path), kind="missing")
    if path.is_dir():
        raise BoardError(t("err.bad_format", path=path), kind="value")
    only = sheet_named(sheet_name) if sheet_name else None
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(path, only)
    if suffix in (".csv", ".txt"):
        if only is None:
            only = find_sheet(path.stem)
        if only is None:
            raise BoardError(t("err.csv_sheet", choices=sheet_names()), kind="value")
        return read_csv(path, only)
    raise BoardError(t("err.bad_format", path=path), kind="value")


# Planning an import ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One bad cell (or header): where it is and what is wrong, for the refusal report."""

    sheet: str
    row: int
    column: str
    reason: str

    def line(self) -> str:
        return t(
            "import.problem", sheet=self.sheet, row=self.row, column=self.column, reason=self.reason
        )


class ImportRefused(BoardError):
    """The file had bad rows: nothing was written. `problems` lists every one."""

    def __init__(self, problems: Sequence[Problem], path: Path) -> None:
        super().__init__(
            "\n".join(
                [p.line() for p in problems] + [t("import.refused", count=len(problems), path=path)]
            ),
            kind="value",
        )
        self.problems = tuple(problems)
        self.path = path


class Pending:
    """A row this import adds, referenced (by name or code) before it has an id."""

    __slots__ = ("id", "row", "sheet")

    def __init__(self, sheet: Sheet, row: int) -> None:
        self.sheet = sheet
        self.row = row
        self.id: int | None = None


Ref = int | Pending


@dataclass
class RowPlan:
    sheet: Sheet
    row: int
    action: Literal["added", "updated", "unchanged"]
    row_id: int | None
    values: dict[str, Any]
    pending: Pending | None = None


@dataclass(frozen=True)
class SheetResult:
    sheet: str
    added: int
    updated: int
    unchanged: int
    ignored: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "ignored_columns": list(self.ignored),
        }


@dataclass(frozen=True)
class ImportResult:
    sheets: tuple[SheetResult, ...]
    dry_run: bool

    @property
    def changed(self) -> int:
        return sum(s.added + s.updated for s in self.sheets)


def header_key(text: str) -> str:
    table = str.maketrans({"(": "（", ")": "）", "%": "", "％": ""})
    return re.sub(r"\s+", "", text).translate(table).casefold()


def map_headers(raw: RawSheet, problems: list[Problem]) -> tuple[dict[str, int], tuple[str, ...]]:
    """Column field → cell index; headers nobody knows are returned to be reported as ignored."""
    keys: dict[str, Column] = {}
    for column in raw.sheet.columns:
        for name in (column.header, column.field, *column.aliases):
            keys.setdefault(header_key(name), column)
    found: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(raw.headers):
        text = normal(cell)
        if not text:
            continue
        known = keys.get(header_key(text))
        if known is None:
            ignored.append(text)
        elif known.field in found:
            problems.append(
                Problem(raw.sheet.name, 1, text, t("import.duplicate_header", header=text))
            )
        else:
            found[known.field] = index
    return found, tuple(ignored)


class Planner:
    """Checks every row against the file's current rows (read in the write transaction) and
    plans the writes; problems are collected, never raised one by one."""

    def __init__(self, conn: Connection, today: date) -> None:
        self.conn = conn
        self.today = today
        self.problems: list[Problem] = []
        self.current: dict[str, dict[int, dict[str, Any]]] = {
            sheet.table: {
                row["id"]: dict(row) for row in conn.execute(select(TABLES[sheet.table])).mappings()
            }
            for sheet in SHEETS
        }
        meetings = w.meetings
        self.meetings = set(conn.execute(select(meetings.c.id)).scalars())
        self.latest_meeting = w.latest_meeting(conn)
        self.names = Lookups(
            departments={i: r["name"] for i, r in self.current["departments"].items()},
            projects={i: r["code"] for i, r in self.current["projects"].items()},
        )
        # References as they will be after this import: filled as sheets are planned.
        self.department_by_name: dict[str, Ref] = {}
        self.department_by_short: dict[str, list[tuple[Ref, str]]] = {}
        self.project_by_code: dict[str, Ref] = {}
        orders = [r["sort_order"] or 0 for r in self.current["departments"].values()]
        self.next_order = max(orders, default=0) + 10

    # references ---------------------------------------------------------------------------

    def department(self, value: Any) -> Ref:
        text = read_text(value)
        if text in self.department_by_name:
            return self.department_by_name[text]
        shorts = self.department_by_short.get(text, [])
        if len(shorts) == 1:
            return shorts[0][0]
        if shorts:
            names = "、".join(name for _ref, name in shorts[:10])
            raise BoardError(t("import.ambiguous_department", ref=text, candidates=names))
        if text.lstrip("#").isdigit() and int(text.lstrip("#")) in self.current["departments"]:
            return int(text.lstrip("#"))
        raise BoardError(t("import.unknown_department", ref=text or "∅"))

    def project(self, value: Any) -> Ref:
        text = read_text(value)
        if text in self.project_by_code:
            return self.project_by_code[text]
        raise BoardError(t("import.unknown_project", ref=text or "∅"))

    def meeting(self, value: Any) -> int:
        number = read_int(value)
        if number not in self.meetings:
            raise BoardError(t("import.unknown_meeting", ref=number))
        return number

    def parse(self, column: Column, value: Any) -> Any:
        """A non-empty cell in the stored form."""
        kind = column.kind
        if kind == "text":
            return read_text(value)
        if kind == "date":
            return read_date(value)
        if kind == "progress":
            return read_progress(value)
        if kind == "money":
            return read_money(value)
        if kind in ("int", "id"):
            return read_int(value)
        if kind == "code":
            return read_code(value, column.codes)
        if kind == "department":
            return self.department(value)
        if kind == "project":
            return self.project(value)
        return self.meeting(value)

    # rows ---------------------------------------------------------------------------------

    def plan_sheet(self, raw: RawSheet) -> tuple[list[RowPlan], tuple[str, ...]]:
        sheet = raw.sheet
        columns, ignored = map_headers(raw, self.problems)
        current = self.current[sheet.table]
        natural: dict[tuple[Any, ...], list[int]] = {}
        for stored_id, stored in current.items():
            natural.setdefault(self.stored_key(sheet, stored), []).append(stored_id)
        plans: list[RowPlan] = []
        claimed: dict[int, int] = {}  # row id → sheet row that updates it
        new_keys: dict[tuple[Any, ...], int] = {}  # natural key of a new row → its sheet row
        for number, cells in raw.rows:
            before = len(self.problems)

            def cell(name: str, cells: list[Any] = cells) -> Any:
                index = columns.get(name)
                return cells[index] if index is not None and index < len(cells) else None

            def problem(column: Column, reason: str, number: int = number) -> None:
                self.problems.append(Problem(sheet.name, number, column.header, reason))

            key = self.sheet_key(sheet, cell)
            row_id, by_number = self.identify(sheet, cell, problem, current, key, natural)
            if row_id is not None and row_id in claimed:
                reason = (
                    t("import.duplicate_id", id=row_id, other=claimed[row_id])
                    if by_number
                    else t("import.same_row", other=claimed[row_id])
                )
                problem(sheet.id_column if by_number else sheet.columns[KEY_COLUMN], reason)
                continue
            if row_id is None and key is not None and sheet in (PLEDGES, BLOCKERS):
                if key in new_keys:
                    reason = t("import.same_row", other=new_keys[key])
                    problem(sheet.columns[KEY_COLUMN], reason)
                    continue
                new_keys[key] = number
            if len(self.problems) > before:
                continue
            if row_id is not None:
                claimed[row_id] = number
            values: dict[str, Any] = {}
            old = current.get(row_id) if row_id is not None else None
            for column in sheet.columns[1:]:
                if column.field not in columns:
                    if old is None and column.empty == "required":
                        problem(column, t("err.empty", field=column.header))
                    continue
                value = cell(column.field)
                if old is not None and normal(value) == normal(
                    export_value(column, old[column.field], self.names)
                ):
                    continue  # shows what export wrote: unchanged, whatever it holds
                if normal(value) == "":
                    if column.empty == "required":
                        problem(column, t("err.empty", field=column.header))
                    elif column.empty == "null":
                        values[column.field] = None
                    continue
                try:
                    values[column.field] = self.parse(column, value)
                except BoardError as exc:
                    problem(column, exc.message)
            if len(self.problems) > before:
                continue
            plans.append(self.finish(sheet, number, row_id, old, values))
        return plans, ignored

    def stored_key(self, sheet: Sheet, row: Mapping[str, Any]) -> tuple[Any, ...]:
        """What identifies a stored row besides its id: code, name, or owner and text."""
        fields = NATURAL_KEYS[sheet.table]
        return tuple(normal(row[f]) if f in TEXT_KEYS else row[f] for f in fields)

    def sheet_key(self, sheet: Sheet, cell: Callable[[str], Any]) -> tuple[Any, ...] | None:
        """The same for a sheet row, or None when it is incomplete or does not resolve."""
        out: list[Any] = []
        for name in NATURAL_KEYS[sheet.table]:
            value = cell(name)
            if not normal(value):
                return None
            if name in TEXT_KEYS:
                out.append(normal(value))
                continue
            try:
                ref = self.parse(sheet.column(name), value)
            except BoardError:
                return None  # reported when the column itself is read
            if not isinstance(ref, int):
                return None  # a row added by this file: nothing stored can match it
            out.append(ref)
        return tuple(out)

    def identify(
        self,
        sheet: Sheet,
        cell: Callable[[str], Any],
        problem: Callable[[Column, str], None],
        current: Mapping[int, Mapping[str, Any]],
        key: tuple[Any, ...] | None,
        natural: Mapping[tuple[Any, ...], list[int]],
    ) -> tuple[int | None, bool]:
        """The id of the stored row this sheet row updates, and whether its 编号 said so.

        By 编号; else projects by code, departments by name, pledges by department and
        content, blockers by project and description (when exactly one stored row matches),
        so a file imported twice does not add its new rows twice. None: a new row."""
        raw_id = cell("id")
        if normal(raw_id):
            try:
                row_id = read_int(raw_id)
            except BoardError as exc:
                problem(sheet.id_column, exc.message)
                return None, True
            if row_id not in current:
                problem(sheet.id_column, t("import.unknown_id", id=row_id))
                return None, True
            return row_id, True
        matches = natural.get(key, []) if key is not None else []
        return (matches[0] if len(matches) == 1 else None), False

    def finish(
        self,
        sheet: Sheet,
        number: int,
        row_id: int | None,
        old: Mapping[str, Any] | None,
        values: dict[str, Any],
    ) -> RowPlan:
        """Defaults and stamps a secretary would fill in, then the row's action."""
        if sheet is PLEDGES:
            # Done needs a date: the one given, else the one stored, else today.
            status = values.get("status", old["status"] if old else "open")
            done_on = values["done_on"] if "done_on" in values else (old or {}).get("done_on")
            touched = old is None or "status" in values or "done_on" in values
            if status == "done" and not done_on and touched:
                values["done_on"] = (old or {}).get("done_on") or self.today.isoformat()
            if old is None and values.get("meeting_id") is None:
                values["meeting_id"] = self.latest_meeting
        if sheet is BLOCKERS and old is None and not values.get("opened_on"):
            values["opened_on"] = self.today.isoformat()
        if sheet is DEPARTMENTS and old is None and values.get("sort_order") is None:
            values["sort_order"] = self.next_order  # new departments speak last
            self.next_order += 10
        if old is None:
            return RowPlan(sheet, number, "added", None, values, Pending(sheet, number))
        changes = {k: v for k, v in values.items() if isinstance(v, Pending) or old[k] != v}
        action: Literal["updated", "unchanged"] = "updated" if changes else "unchanged"
        return RowPlan(sheet, number, action, row_id, changes)

    # the final state must keep names and codes unique ---------------------------------------

    def unique(self, plans: list[RowPlan], sheet: Sheet, key: str, message: str) -> None:
        """Report rows whose final name/code is held by another row; register the references."""
        targeted = {p.row_id for p in plans if p.row_id is not None}
        owners: dict[str, str] = {}
        refs: dict[str, Ref] = {}
        finals: list[tuple[Ref, dict[str, Any]]] = []
        what = "project" if sheet is PROJECTS else "department"
        for row_id, row in self.current[sheet.table].items():
            if row_id not in targeted:
                owners[normal(row[key])] = t(f"import.other_{what}", id=row_id)
                refs[normal(row[key])] = row_id
                finals.append((row_id, row))
        for plan in plans:
            old = self.current[sheet.table].get(plan.row_id) if plan.row_id else {}
            final = {**(old or {}), **plan.values}
            value = normal(final.get(key))
            if value in owners:
                self.problems.append(
                    Problem(
                        sheet.name,
                        plan.row,
                        sheet.column(key).header,
                        t(message, value=value, other=owners[value]),
                    )
                )
                continue
            owners[value] = t("import.other_row", row=plan.row)
            ref: Ref | None = plan.pending if plan.pending is not None else plan.row_id
            assert ref is not None
            refs[value] = ref
            finals.append((ref, final))
        if sheet is PROJECTS:
            self.project_by_code = refs
        else:
            self.department_by_name = refs
            self.department_by_short = {}
            for ref, row in finals:
                short = normal(row.get("short_name"))
                if short:
                    self.department_by_short.setdefault(short, []).append(
                        (ref, normal(row.get("name")))
                    )


def plan_import(
    conn: Connection, raws: Sequence[RawSheet], today: date, path: Path
) -> tuple[list[RowPlan], tuple[SheetResult, ...]]:
    """Check every row of every sheet; refuse the file (ImportRefused) if any is bad."""
    planner = Planner(conn, today)
    by_sheet = {raw.sheet.name: raw for raw in raws}
    plans: dict[str, list[RowPlan]] = {}
    ignored: dict[str, tuple[str, ...]] = {}
    for sheet in APPLY_ORDER:
        raw = by_sheet.get(sheet.name) or RawSheet(sheet, [], [])
        plans[sheet.name], ignored[sheet.name] = planner.plan_sheet(raw)
        if sheet is DEPARTMENTS:
            planner.unique(plans[sheet.name], sheet, "name", "import.duplicate_name")
        elif sheet is PROJECTS:
            planner.unique(plans[sheet.name], sheet, "code", "import.duplicate_code")
    if planner.problems:
        order = {raw.sheet.name: i for i, raw in enumerate(raws)}
        columns = {s.name: [c.header for c in s.columns] for s in SHEETS}

        def position(p: Problem) -> tuple[int, int, int]:
            headers = columns[p.sheet]
            return (
                order.get(p.sheet, 0),
                p.row,
                headers.index(p.column) if p.column in headers else -1,
            )

        raise ImportRefused(sorted(planner.problems, key=position), path)
    results = tuple(
        SheetResult(
            raw.sheet.name,
            sum(1 for p in plans[raw.sheet.name] if p.action == "added"),
            sum(1 for p in plans[raw.sheet.name] if p.action == "updated"),
            sum(1 for p in plans[raw.sheet.name] if p.action == "unchanged"),
            ignored[raw.sheet.name],
        )
        for raw in raws
    )
    return [p for sheet in APPLY_ORDER for p in plans[sheet.name]], results


def resolved(values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, Pending):
            assert value.id is not None, "a pending row is inserted before it is referenced"
            value = value.id
        out[key] = value
    return out


def apply_plans(conn: Connection, plans: Iterable[RowPlan]) -> None:
    """Write the planned rows, dependencies first (APPLY_ORDER), through the write layer."""
    for plan in plans:
        table = TABLES[plan.sheet.table]
        values = resolved(plan.values)
        if plan.action == "added":
            result = conn.execute(insert(table).values(**values))
            assert plan.pending is not None
            plan.pending.id = int(result.inserted_primary_key[0])  # type: ignore[index]
        elif plan.action == "updated":
            assert plan.row_id is not None
            w.guarded_update(conn, table, plan.sheet.what, plan.row_id, values, None)


def import_file(
    db: Path, source: Path, *, sheet: str | None = None, dry_run: bool = False, today: date
) -> ImportResult:
    """Check `source` whole, then upsert it into `db` in one transaction (or only count)."""
    raws = read_input(source, sheet)

    def work(conn: Connection) -> tuple[SheetResult, ...]:
        plans, results = plan_import(conn, raws, today, source)
        if not dry_run:
            apply_plans(conn, plans)
        return results

    with w.Writer(db) as writer:
        results = writer.run(work)
    return ImportResult(results, dry_run)


# Export ---------------------------------------------------------------------------------------


def read_rows(db: Path) -> tuple[dict[str, list[dict[str, Any]]], Lookups]:
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
    db: Path | None, target: Path, *, sheet: str | None = None, template: bool = False
) -> ExportResult:
    """Write the sheets (or one, or a template with 说明) to .xlsx, or one sheet to .csv."""
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
            book.save(temp)

        write_atomically(target, write_book)
    return ExportResult(target, counts, template)
