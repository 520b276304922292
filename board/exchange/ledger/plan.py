"""The ledger planner: every data row checked against the stored rows, the writes planned.

It runs inside the write transaction that would apply its plans (as board's own import does),
so what it matches against is what it writes against. Rows become the importer's RowPlans
(added / updated / unchanged, new rows referenced through Pending), applied by
`importing.apply_plans` in the order 部门 → 项目 → 表态 → 问题. Problems are collected, never
raised one by one. An empty ledger cell never clears a stored value: ledgers are incomplete.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from board.errors import BoardError
from board.exchange.cells import normal
from board.exchange.ledger import pledges, projects
from board.exchange.ledger.find import Column, Table
from board.exchange.ledger.headers import field_of, money_factor
from board.exchange.ledger.matching import Codes, content_key, name_key
from board.exchange.ledger.rows import DataRow, Rows, Skipped, classify
from board.exchange.ledger.units import Units
from board.exchange.ledger.values import Day, Years, read_amount, read_day
from board.exchange.planner import Pending, Ref, RowPlan
from board.i18n import t
from board.store import writer as w

TABLE_NAMES = ("departments", "projects", "pledges", "blockers", "milestones")


@dataclass(frozen=True)
class Options:
    """What the user asked for on the command line."""

    sheet: str | None = None
    map_file: Path | None = None
    year: int | None = None
    create_departments: bool = False
    rename: bool = False
    dry_run: bool = False


@dataclass(frozen=True)
class Problem:
    """One thing that keeps the ledger from being written: where, and what is wrong."""

    sheet: str
    row: int | None
    column: str | None
    reason: str
    unit: str | None = None  # a unit board does not know (named in the refusal's summary)

    def line(self) -> str:
        if self.row is None:
            return t("ledger.problem_sheet", sheet=self.sheet, reason=self.reason)
        return t(
            "import.problem",
            sheet=self.sheet,
            row=self.row,
            column=self.column or "—",
            reason=self.reason,
        )


@dataclass
class Report:
    """What one table's import does, for the preview: counts, dates read from words, notes
    and the first rows as board will store them."""

    table: Table
    rows: Rows
    counts: dict[str, list[int]] = field(
        default_factory=lambda: {name: [0, 0, 0] for name in TABLE_NAMES}
    )
    dates: list[tuple[int, str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    first: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    marks: dict[str, int] = field(default_factory=dict)
    unit_name: Callable[[Any], str] = str  # a department reference as its name
    blank_dates: dict[str, list[int]] = field(default_factory=dict)  # column → rows
    own_codes: bool = False  # the 项目编号 column holds the office's numbering, not board's

    def count(self, table: str, action: str) -> None:
        self.counts[table][("added", "updated", "unchanged").index(action)] += 1


class Ledger:
    """State shared by the tables of one import: stored rows, new rows, units, codes."""

    def __init__(self, conn: Connection, today: date, options: Options) -> None:
        self.conn = conn
        self.today = today
        self.options = options
        self.problems: list[Problem] = []
        self.plans: dict[str, list[RowPlan]] = {name: [] for name in TABLE_NAMES}
        self.units = Units(conn, options.create_departments)
        self.projects = {r["id"]: dict(r) for r in conn.execute(select(w.projects)).mappings()}
        self.by_code: dict[str, int] = {str(r["code"]): i for i, r in self.projects.items()}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        for project_id, row in self.projects.items():
            self.by_name[name_key(row["name"])].append(project_id)
        self.new_projects: dict[str, tuple[Pending, str, int]] = {}  # name key → (ref, code, row)
        self.new_codes: dict[str, Pending] = {}
        self.seen: dict[str, dict[Any, int]] = {}  # rows already read, per kind: key → row
        self.signatures: dict[tuple[str, Any], tuple[str, ...]] = {}
        self.codes = Codes(self.by_code)
        self.taken_codes = set(self.by_code)
        self.pledges = {r["id"]: dict(r) for r in conn.execute(select(w.pledges)).mappings()}
        self.pledge_keys: dict[tuple[int, str], list[int]] = defaultdict(list)
        for pledge_id, row in self.pledges.items():
            self.pledge_keys[(row["department_id"], content_key(row["content"]))].append(pledge_id)
        self.blocker_keys: set[tuple[Ref, str]] = {
            (r.project_id, content_key(r.description))
            for r in conn.execute(select(w.blockers.c.project_id, w.blockers.c.description))
        }
        self.milestone_keys: set[tuple[Ref, str]] = {
            (r.project_id, content_key(r.name))
            for r in conn.execute(select(w.milestones.c.project_id, w.milestones.c.name))
        }
        self.latest_meeting = w.latest_meeting(conn, today)

    # one table -----------------------------------------------------------------------------

    def plan(self, table: Table) -> Report:
        report = Report(table, classify(table), unit_name=self.units.name_of)
        self.units.sheet = table.grid.name
        code = table.column("code") if table.kind == "projects" else None
        if code is not None and self.projects:
            codes = {normal(row.cell(code.index)) for row in report.rows.data} - {""}
            if codes and not codes & set(self.by_code):
                # An office's own numbering (XM-001…): matching by it would refuse every
                # project it names; names match instead, and new projects get board's codes.
                report.own_codes = True
                report.notes.append(t("ledger.note.own_codes", column=code.header))
        years = Years(table.context.year, table.context.as_of)
        last_unit: Any = None
        heading_unit, heading_group = "", ""  # a pledge list under unit rows (招商局)
        unit_column = table.column("lead" if table.kind == "projects" else "department")
        last_group: str | None = None
        for row in report.rows.data:
            texts = {normal(v) for v in row.cells} - {""}
            if table.kind == "pledges" and len(texts) == 1:
                only = texts.pop()
                content = table.column("content")
                if self.units.stored(only) is not None:
                    heading_unit, heading_group = only, row.group
                    report.rows.skipped.append(Skipped(row.number, "group", only))
                    continue
                if content is not None and normal(row.cell(content.index)) != only:
                    report.rows.skipped.append(Skipped(row.number, "note", only))
                    continue
            if heading_unit and row.group == heading_group:
                row.group = heading_unit  # under its unit's heading row
            if row.group != last_group:
                last_unit, last_group = None, row.group  # a new group: nothing to carry down
            if unit_column is not None and table.grid.merges is None:
                # A CSV keeps a unit merged down over several rows in the first row only.
                if normal(row.cell(unit_column.index)) == "" and last_unit is not None:
                    row.cells.extend([None] * (unit_column.index + 1 - len(row.cells)))
                    row.cells[unit_column.index] = last_unit
                    report.notes.append(
                        t("ledger.note.unit_above", row=row.number, unit=normal(last_unit))
                    )
                last_unit = row.cell(unit_column.index) or last_unit
            cells = Cells(self, table, report, row, years)
            if table.kind == "projects":
                projects.plan_row(self, cells)
            else:
                pledges.plan_row(self, cells)
        return report

    def finish(self, reports: list[Report]) -> None:
        """Units nobody knows become problems (one per unit, with its rows and near misses);
        the departments to add are counted once, on the first table."""
        for unknown in self.units.unknown.values():
            rows = "、".join(str(r) for r in unknown.rows[:10]) + ("…" if len(unknown.rows) > 10
                                                                  else "")  # fmt: skip
            near = t("ledger.near", names="、".join(unknown.near)) if unknown.near else ""
            reason = t("ledger.unknown_unit", name=unknown.name, rows=rows, near=near)
            self.problems.append(Problem(unknown.sheet, None, None, reason, unknown.name))
        if reports:
            reports[0].counts["departments"][0] = len(self.units.added)
            if self.units.added:
                names = "、".join(
                    t("ledger.unit_kind", name=p.values["name"], kind=t(f"kind.{p.values['kind']}"))
                    for p in self.units.added.values()
                )
                reports[0].notes.insert(0, t("ledger.note.new_units", units=names))

    def problem(self, table: Table, row: int | None, column: str | None, reason: str) -> None:
        self.problems.append(Problem(table.grid.name, row, column, reason))

    def ordered(self) -> list[RowPlan]:
        return [
            *self.units.added.values(),
            *(p for name in TABLE_NAMES[1:] for p in self.plans[name]),
        ]

    def project_ref(self, text: str) -> Ref | None:
        """A stored or newly added project by code or normalised name (pledges name theirs)."""
        if text in self.by_code:
            return self.by_code[text]
        if text in self.new_codes:
            return self.new_codes[text]
        ids = self.by_name.get(name_key(text), [])
        if len(ids) == 1:
            return ids[0]
        new = self.new_projects.get(name_key(text))
        return new[0] if new else None


class Cells:
    """One data row read field by field; a bad cell becomes a problem and reads as None."""

    def __init__(self, ledger: Ledger, table: Table, report: Report, row: DataRow,
                 years: Years) -> None:  # fmt: skip
        self.ledger = ledger
        self.table = table
        self.report = report
        self.row = row
        self.years = years
        self.bad = False

    def column(self, key: str) -> Column | None:
        return self.table.column(key)

    def header(self, key: str) -> str:
        column = self.column(key)
        return column.header if column is not None else t(f"ledger.field.{key}")

    def raw(self, key: str) -> Any:
        column = self.column(key)
        return self.row.cell(column.index) if column is not None else None

    def text(self, key: str) -> str:
        return normal(self.raw(key))

    def problem(self, key: str, reason: str) -> None:
        self.bad = True
        self.ledger.problem(self.table, self.row.number, self.header(key), reason)

    def amount(self, key: str) -> float | None:
        column = self.column(key)
        spec = field_of(key, self.table.kind)
        if column is None or spec is None:
            return None
        factor = money_factor(column.unit, self.table.context.unit) if spec.money else 1.0
        try:
            return read_amount(self.raw(key), factor)
        except BoardError as exc:
            self.problem(key, exc.message)
            return None

    def day(self, key: str, *, end: bool, value: Any = None) -> str | None:
        raw = self.raw(key) if value is None else value
        if normal(raw) == "":
            self.blank(key)
            return None
        try:
            found = read_day(raw, self.years, end=end)
        except BoardError as exc:
            self.problem(key, exc.message)
            return None
        self.shown(key, raw, found)
        return found.iso

    def blank(self, key: str) -> None:
        """An empty date cell is no date too: listed in the preview by column (not done_on,
        empty until the day it is done)."""
        if key != "done_on" and self.column(key) is not None:
            self.report.blank_dates.setdefault(self.header(key), []).append(self.row.number)

    def shown(self, key: str, raw: Any, found: Day, until: Day | None = None) -> None:
        """A date chosen from words goes to the preview, with what the cell said (a span,
        建设起止年限, as its two ends)."""
        if not (found.words or (until is not None and until.words)) or not normal(raw):
            return
        chosen = found.iso or t("ledger.no_date")
        if until is not None and until.iso != found.iso:
            chosen = t("ledger.span", start=chosen, end=until.iso or t("ledger.no_date"))
        self.report.dates.append((self.row.number, self.header(key), normal(raw), chosen))
