"""Finding the table in a ledger: which sheet, which rows are its header, what each column is.

A sheet qualifies when one of its first SCAN rows reads as a header: it names the ledger's key
column (项目名称 for projects, 表态事项 for pledges) and at least one more field. Title and units
rows above it are read for the year (2023年…推进情况表, 截至2023年9月26日) and the money unit
(单位：万元). A header of several rows is found from its merged cells (or, in a CSV that keeps
none, from the sub-header row below that has no key cell and only header words); each column's
name joins its parts with "/". A sheet is chosen by its content, not its name; two sheets of
the same kind both qualifying is a question for --sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from board.errors import BoardError
from board.exchange.cells import normal
from board.exchange.ledger.grid import Grid, fill_merges
from board.exchange.ledger.headers import (
    KEY_FIELD,
    KINDS,
    WEAK,
    Kind,
    display,
    header_text,
    match_header,
    split_unit,
)
from board.exchange.ledger.mapfile import MapFile
from board.exchange.ledger.rows import row_kind
from board.i18n import t

SCAN = 30  # rows searched for a header: titles, units, notes and a 3-row header fit easily
MAX_HEADER_ROWS = 3
UNIT_ROW = re.compile(r"(?:金额|计量|货币)?单位\s*[:：]\s*(亿元|万元|元)")
AS_OF = re.compile(r"截[至止](?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]")
YEAR_IN = re.compile(r"((?:19|20)\d{2})\s*年")
NOT_PARENT = ("填报", "填表", "截至", "截止", "制表", "单位", "（截至", "(截至")


@dataclass
class Column:
    """One ledger column: its header as shown, the field it feeds, and its unit."""

    index: int
    header: str
    field: str | None
    unit: str | None = None
    by_map: bool = False
    same_as: str | None = None  # the header of an earlier column feeding the same field


@dataclass
class Context:
    """What the rows above the header say: the title, the year of dates, the money unit."""

    title: str = ""
    year: int = 0
    year_from: str = "today"  # option, map, title, file, header, today
    as_of: date | None = None
    unit: str | None = None


@dataclass
class Table:
    grid: Grid  # merges filled
    kind: Kind
    top: int  # header rows, 0-based inclusive
    bottom: int
    columns: list[Column]
    context: Context = field(default_factory=Context)

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.field == key and c.same_as is None), None)

    @property
    def rows(self) -> str:
        return f"{self.top + 1}–{self.bottom + 1}" if self.bottom > self.top else str(self.top + 1)


def texts(cells: list[Any]) -> list[tuple[int, str]]:
    return [(i, normal(v)) for i, v in enumerate(cells) if normal(v)]


def fields_of(cells: list[Any], kind: Kind, mapping: MapFile | None) -> set[str]:
    found: set[str] = set()
    for _i, text in texts(cells):
        rule = mapping.lookup(text) if mapping else None
        key = rule.field if rule is not None else match_header(text, kind).field
        if key:
            found.add(key)
    return found


def header_kind(cells: list[Any], hint: Kind | None, mapping: MapFile | None) -> Kind | None:
    """The kind of ledger whose header this row is, or None: pledges first (a pledge list
    often has a 项目名称 column too)."""
    for kind in ("pledges", "projects") if hint is None else (hint,):
        found = fields_of(cells, kind, mapping)
        if KEY_FIELD[kind] in found and len(found - WEAK) >= 2:
            return kind
    return None


def band(grid: Grid, row: int) -> tuple[int, int]:
    """The header's rows around `row`: every merged range crossing it that spans rows."""
    top = bottom = row
    for first, _left, last, _right in grid.merges or ():
        if first <= row <= last and last > first:
            top, bottom = min(top, max(first, row - 2)), max(bottom, min(last, row + 2))
    return top, bottom


def continues(grid: Grid, row: int, key: int, kind: Kind, above: list[Any]) -> bool:
    """Whether `row` is a sub-header under the header (计划投资 / 1-8月完成投资 under a
    2023年投资情况 that a CSV kept only in its first column)."""
    cells = grid.rows[row] if row < len(grid.rows) else []
    if grid.cell(row, key) is not None:
        return False
    found = texts(cells)
    if not found or any(not isinstance(cells[i], str) for i, _ in found):
        return False
    if row_kind(found[0][1]) is not None:
        return False
    for index, text in found:
        name, unit = split_unit(header_text(text))
        if match_header(text, kind).field is not None or (unit and not name):
            return True
        if index >= len(above) or above[index] is None:
            return True
    return False


def parent_row(grid: Grid, row: int, below: list[Any]) -> bool:
    """Whether `row` is a header's top row of parents (基本情况 | 投资情况（万元）) rather than a
    title, units or 填报 row: its texts all stand over header cells, and it is not one text
    across the whole table (a title merged over it) nor one text in its first cell alone."""
    found = texts(grid.rows[row]) if 0 <= row < len(grid.rows) else []
    if not found or any(UNIT_ROW.search(v) or v.startswith(NOT_PARENT) for _i, v in found):
        return False
    distinct = {v for _i, v in found}
    width = sum(1 for v in below if v is not None)
    if len(distinct) == 1 and (len(found) >= width or (found[0][0] == 0 and len(found) == 1)):
        return False
    return all(i < len(below) and below[i] is not None for i, _v in found)


def under(grid: Grid, row: int, bottom: int, column: int) -> bool:
    """Whether a header row below `row` names something in `column` (a sub-column)."""
    return any(grid.cell(r, column) is not None for r in range(row + 1, bottom + 1))


def names(grid: Grid, top: int, bottom: int) -> list[str]:
    """One name per column: the header rows' parts joined with "/" (a part repeated by a
    merge counts once); a CSV parent written once over its sub-columns names each of them."""
    width = max((len(grid.rows[r]) for r in range(top, bottom + 1) if r < len(grid.rows)),
                default=0)  # fmt: skip
    out = []
    for column in range(width):
        parts: list[str] = []
        for row in range(top, bottom + 1):
            value = grid.cell(row, column)
            if value is None and under(grid, row, bottom, column):
                left = column - 1
                while left >= 0 and grid.cell(row, left) is None:
                    left -= 1
                if left >= 0 and under(grid, row, bottom, left):
                    value = grid.cell(row, left)
            text = display(normal(value)) if value is not None else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        out.append("/".join(parts))
    return out


def map_columns(headers: list[str], kind: Kind, mapping: MapFile | None) -> list[Column]:
    columns: list[Column] = []
    taken: dict[str, str] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        rule = mapping.lookup(header) if mapping else None
        matched = match_header(header, kind)
        key = rule.field if rule is not None else matched.field
        unit = (rule.unit if rule is not None else None) or matched.unit
        column = Column(index, header, key, unit, rule is not None and key != matched.field)
        if key is not None and key in taken and key != "seq":
            column.same_as = taken[key]
        elif key is not None:
            taken[key] = header
        columns.append(column)
    return columns


def codes_in(grid: Grid, column: int, start: int) -> bool:
    """Whether a 编号 column holds project codes (KF-01) rather than row numbers (1, 2, 3)."""
    values = [normal(grid.cell(r, column)) for r in range(start, len(grid.rows))]
    values = [v for v in values if v]
    with_letters = [v for v in values if re.search(r"[A-Za-z]", v) and row_kind(v) is None]
    return bool(values) and len(with_letters) * 2 >= len(values)


def context_of(grid: Grid, top: int, headers: list[str], path: Path, year: int | None,
               mapping: MapFile | None, today: date) -> Context:  # fmt: skip
    lines = [" ".join(dict.fromkeys(v for _i, v in texts(grid.rows[r]))) for r in range(top)]
    above = "\n".join(line for line in lines if line)
    title = next((line for line in lines if line), "")
    unit_match = UNIT_ROW.search(above)
    context = Context(title=title, unit=(mapping.unit if mapping else None) or (
        unit_match[1] if unit_match else None))
    as_of = AS_OF.search(above)
    found = [
        (year, "option"),
        (mapping.year if mapping else None, "map"),
        (int(as_of[1]) if as_of and as_of[1] else None, "title"),
        (int(m[1]) if (m := YEAR_IN.search(above)) else None, "title"),
        (int(m[1]) if (m := re.search(r"((?:19|20)\d{2})", path.stem)) else None, "file"),
        (int(m[1]) if (m := YEAR_IN.search(" ".join(headers))) else None, "header"),
        (today.year, "today"),
    ]
    context.year, context.year_from = next((y, f) for y, f in found if y is not None)
    if as_of:
        try:
            context.as_of = date(int(as_of[1] or context.year), int(as_of[2]), int(as_of[3]))
        except ValueError:
            context.as_of = None
    return context


def locate(grid: Grid, hint: Kind | None, mapping: MapFile | None) -> Table | None:
    """The ledger table of one sheet (merges filled), or None when no row reads as a header."""
    filled = fill_merges(grid)
    kind = (mapping.kind if mapping else None) or hint
    if mapping is not None and mapping.header_rows is not None:
        top, bottom = mapping.header_rows[0] - 1, mapping.header_rows[1] - 1
        headers = names(filled, top, bottom)
        kinds = [kind] if kind else ["pledges", "projects"]
        for each in kinds:
            assert each in KINDS
            columns = map_columns(headers, each, mapping)
            if any(c.field == KEY_FIELD[each] for c in columns):
                return Table(filled, each, top, bottom, columns)
        return None
    for row in range(min(SCAN, len(filled.rows))):
        found = header_kind(filled.rows[row], kind, mapping)
        if found is None:
            continue
        top, bottom = band(filled, row)
        headers = names(filled, top, bottom)
        columns = map_columns(headers, found, mapping)
        key = next(c.index for c in columns if c.field == KEY_FIELD[found])
        # A merge running from the header down into the data (one 备注 for every row) does
        # not make data rows header rows: a header row has no name of its own in the key column.
        named = normal(filled.cell(row, key))
        while bottom > row and normal(filled.cell(bottom, key)) not in ("", named):
            bottom -= 1
        headers = names(filled, top, bottom)
        columns = map_columns(headers, found, mapping)
        while bottom - top + 1 < MAX_HEADER_ROWS and continues(
            filled, bottom + 1, key, found, filled.rows[bottom]
        ):
            bottom += 1
        while top > 0 and bottom - top + 1 < MAX_HEADER_ROWS and parent_row(
            filled, top - 1, filled.rows[top]
        ):
            top -= 1
        headers = names(filled, top, bottom)
        columns = map_columns(headers, found, mapping)
        return Table(filled, found, top, bottom, columns)
    return None


def find_tables(
    grids: list[Grid],
    path: Path,
    *,
    sheet: str | None,
    hint: Kind | None,
    mapping: MapFile | None,
    year: int | None,
    today: date,
) -> list[Table]:
    """The ledger tables of a file: one per kind, projects first; refusals are one line."""
    wanted = sheet or (mapping.sheet if mapping else None)
    chosen = [g for g in grids if wanted and g.name.strip().casefold() == wanted.strip().casefold()]
    if sheet is not None and not chosen:
        listed = "、".join(g.name for g in grids)
        raise BoardError(t("ledger.no_such_sheet", sheet=sheet, sheets=listed), kind="value")
    if chosen:  # a map's sheet that is gone (7月 last month, 8月 now) is looked for instead
        grids = chosen
    elif len(grids) > 1:
        grids = [g for g in grids if not g.hidden] or grids
    tables = [table for g in grids if (table := locate(g, hint, mapping)) is not None]
    if not tables:
        if not any(g.rows for g in grids):
            raise BoardError(t("ledger.empty", path=path), kind="value")
        scanned = min(SCAN, max(len(g.rows) for g in grids))
        rows = f"1–{scanned}" if scanned > 1 else "1"
        if len(grids) == 1:
            raise BoardError(t("ledger.no_header", rows=rows, path=path), kind="value")
        listed = "、".join(g.name for g in grids)
        raise BoardError(
            t("ledger.no_header_any", rows=rows, sheets=listed, path=path), kind="value"
        )
    for kind in KINDS:
        same = [tb for tb in tables if tb.kind == kind]
        if len(same) > 1:
            listed = "、".join(tb.grid.name for tb in same)
            raise BoardError(
                t("ledger.two_sheets", kind=t(f"ledger.kind.{kind}"), sheets=listed), kind="value"
            )
    for table in tables:
        start = table.bottom + 1
        for column in table.columns:
            if column.field == "seq" and header_text(column.header) == "编号" and codes_in(
                table.grid, column.index, start
            ):
                column.field = "code" if table.kind == "projects" else "project"
        table.context = context_of(
            table.grid, table.top, [c.header for c in table.columns], path, year, mapping, today
        )
    return sorted(tables, key=lambda tb: KINDS.index(tb.kind))
