"""The import planner: every row of a file checked against the stored rows, writes planned.

The planner runs inside the write transaction that would apply its plans, so its checks see
exactly the data they write against. Problems (sheet, row, column, reason) are collected, never
raised one by one, so a refusal lists every bad cell at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import Connection, select

from board.errors import BoardError
from board.exchange.cells import (
    Lookups,
    export_value,
    normal,
    read_code,
    read_date,
    read_int,
    read_money,
    read_progress,
    read_text,
)
from board.exchange.files import RawSheet
from board.exchange.sheets import (
    BLOCKERS,
    DEPARTMENTS,
    KEY_COLUMN,
    NATURAL_KEYS,
    PLEDGES,
    PROJECTS,
    SHEETS,
    TABLES,
    TEXT_KEYS,
    Column,
    Sheet,
    header_key,
    own_headers,
)
from board.i18n import t
from board.store import writer as w


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


class Pending:
    """A row this import adds, referenced (by name or code) before it has an id."""

    __slots__ = ("id", "row", "sheet")

    def __init__(self, sheet: Sheet, row: int) -> None:
        self.sheet = sheet
        self.row = row
        self.id: int | None = None


Ref = int | Pending
# What a row is called: changing it on a matched row is a rename (refused without --rename).
RENAMED = {
    "projects": "name",
    "departments": "name",
    "pledges": "content",
    "blockers": "description",
    "milestones": "name",
}


@dataclass
class RowPlan:
    sheet: Sheet
    row: int
    action: Literal["added", "updated", "unchanged"]
    row_id: int | None
    values: dict[str, Any]
    pending: Pending | None = None


def map_headers(raw: RawSheet, problems: list[Problem]) -> tuple[dict[str, int], tuple[str, ...]]:
    """Column field → cell index; headers nobody knows are returned to be reported as ignored."""
    keys = own_headers(raw.sheet)
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

    def __init__(self, conn: Connection, today: date, rename: bool = False) -> None:
        self.conn = conn
        self.today = today
        self.rename = rename
        self.problems: list[Problem] = []
        self.current: dict[str, dict[int, dict[str, Any]]] = {
            sheet.table: {
                row["id"]: dict(row) for row in conn.execute(select(TABLES[sheet.table])).mappings()
            }
            for sheet in SHEETS
        }
        meetings = w.meetings
        self.meetings = set(conn.execute(select(meetings.c.id)).scalars())
        self.latest_meeting = w.latest_meeting(conn, today)
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
            if old is not None and not self.rename:
                self.check_rename(sheet, old, values, problem)
            if len(self.problems) > before:
                continue
            plans.append(self.finish(sheet, number, row_id, old, values))
        return plans, ignored

    def check_rename(
        self,
        sheet: Sheet,
        old: Mapping[str, Any],
        values: Mapping[str, Any],
        problem: Callable[[Column, str], None],
    ) -> None:
        """A matched row whose name (or content, description) the file changes is refused
        unless --rename says so: rows numbered 1, 2, 3 by someone else must not rename ours."""
        field = RENAMED[sheet.table]
        if field in values and normal(values[field]) != normal(old[field]):
            reason = t("import.rename_refused", old=normal(old[field]), new=normal(values[field]))
            problem(sheet.column(field), reason)

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
