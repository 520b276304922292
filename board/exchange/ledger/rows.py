"""Which ledger rows are data: group, 合计, 其中, footer and blank rows told apart.

Group rows ("一、招商引资项目（8项）", "（一）工业项目82个") set the category and stage of the
rows below them (a top-level group clears what an earlier group set) and are skipped; 合计 /
小计 / 其中 rows, footer rows (填表人：… 审核人：…, 备注：…), a repeated header and blank rows
are skipped. Every skipped row is kept with its reason for the preview. A project written over
several rows (its name merged down, or in a CSV left empty below the first row) is one row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from board.exchange.cells import normal
from board.exchange.ledger.headers import KEY_FIELD, header_text
from board.exchange.ledger.values import category_of, squeeze, stage_of

if TYPE_CHECKING:
    from board.exchange.ledger.find import Table

Reason = Literal[
    "blank", "group", "total", "subtotal", "footer", "header", "numbers", "seq_only", "duplicate",
    "note",
]
NUMERAL = "一二三四五六七八九十百"
GROUP_1 = re.compile(rf"^(?:[{NUMERAL}]+\s*[、.．,，]|第[{NUMERAL}]+\s*(?:部分|类|批|大类))")
GROUP_2 = re.compile(rf"^[(（]\s*[{NUMERAL}]+\s*[)）]")
COUNTED = re.compile(r"(?:[(（]\s*)?(?:共|计)?\s*\d+\s*(?:项|个)\s*(?:[)）])?$")
TOTALS = ("合计", "总计", "小计", "共计", "总合计", "汇总")
FOOTER = re.compile(
    r"^(?:填表人|填报人|审核人|制表人|审核|复核人|复核|负责人|单位负责人|主要负责人|分管领导|"
    r"主要领导|联系人|联系电话|报送人|报送单位|填报日期|填表日期|制表日期|统计人|备注|注|说明|附注|"
    r"附件)\s*(?:[:：]|$|\d)"
)


def row_kind(text: str) -> Reason | None:
    """What a row's first text makes it: group, 合计 (total), 其中 (subtotal), footer, or data."""
    plain = squeeze(text)
    if plain.startswith(TOTALS):
        return "total"
    if plain.startswith("其中"):
        return "subtotal"
    if FOOTER.match(plain):
        return "footer"
    if GROUP_1.match(plain) or GROUP_2.match(plain):
        return "group"
    if COUNTED.search(plain) and ("项目" in plain or "类" in plain) and not plain[0].isdigit():
        return "group"
    return None


HEADING_WORDS = re.compile(
    r"招商引资|招商|引资|技术改造|技改|孵化|众创|基础设施|基础|配套|设施|新开工|续建|在建|竣工|投产|"
    r"前期|储备|重点|项目|工程|类|年度|计划|新建|产业|工业|市政|及|和|、"
)


def heading(text: str) -> bool:
    """A row holding only a category or stage heading (招商引资项目, 续建项目), unnumbered."""
    plain = squeeze(text)
    return bool(plain) and HEADING_WORDS.sub("", plain) == "" and (
        category_of(plain) is not None or stage_of(plain) is not None
    )


def group_name(text: str) -> str:
    """A group row's words without its numbering or count (一、招商局（5项） → 招商局)."""
    plain = squeeze(text)
    plain = GROUP_1.sub("", plain)
    plain = GROUP_2.sub("", plain)
    return COUNTED.sub("", plain).strip("：:、 ")


def group_level(text: str) -> int:
    plain = squeeze(text)
    if plain.startswith("其中"):
        return 3
    return 2 if GROUP_2.match(plain) else 1


@dataclass
class DataRow:
    """A row the ledger holds data in; `category`/`stage` are what its group rows said."""

    number: int
    cells: list[Any]
    category: str | None = None
    stage: str | None = None
    joined: list[int] = field(default_factory=list)  # the rows written as part of this one
    group: str = ""  # the nearest group row's words (a pledge list grouped by unit)

    def cell(self, index: int | None) -> Any:
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]


@dataclass(frozen=True)
class Skipped:
    number: int
    reason: Reason
    text: str = ""
    category: str | None = None
    stage: str | None = None


@dataclass
class Rows:
    data: list[DataRow]
    skipped: list[Skipped]
    legend: list[str]  # footer lines that explain a mark (标★的为省重点项目)


def join(into: DataRow, cells: list[Any], number: int, lists: set[int]) -> None:
    """Fold a continuation row into the row it continues: empty cells take its values; two
    texts are kept both (units joined with 、 so the lead stays first)."""
    into.joined.append(number)
    for index, value in enumerate(cells):
        if value is None:
            continue
        if index >= len(into.cells):
            into.cells.extend([None] * (index + 1 - len(into.cells)))
        old = into.cells[index]
        if old is None:
            into.cells[index] = value
        elif isinstance(old, str) and isinstance(value, str) and value not in old:
            into.cells[index] = old + ("、" if index in lists else "；") + value


def column_numbers(found: list[tuple[int, str]]) -> bool:
    """A row numbering the columns (1 2 3 … or 栏次) under the header."""
    values = [v for _i, v in found]
    if values[0] in ("栏次", "甲"):
        return True
    if len(values) < 3 or not all(v.isdigit() for v in values):
        return False
    start = int(values[0])
    return values == [str(start + i) for i in range(len(values))]


def classify(table: Table) -> Rows:
    """The data rows of a table, and every other row with the reason it was skipped."""
    grid = table.grid
    key_column = table.column(KEY_FIELD[table.kind])
    assert key_column is not None
    key = key_column.index
    seq = table.column("seq")
    seq_index = seq.index if seq is not None else None
    lists = {c.index for c in table.columns if c.field in ("lead", "department")}
    headers = {header_text(c.header.rsplit("/", 1)[-1]) for c in table.columns}
    blocks = {
        row: first
        for first, left, last, right in grid.merges or ()
        if left <= key <= right and last > first
        for row in range(first + 1, last + 1)
    }
    levels: dict[int, tuple[str | None, str | None]] = {}
    names: dict[int, str] = {}
    data: list[DataRow] = []
    skipped: list[Skipped] = []
    legend: list[str] = []
    last: DataRow | None = None
    in_footer = False
    for index in range(table.bottom + 1, len(grid.rows)):
        number = index + 1
        cells = list(grid.rows[index])
        found = [(i, normal(v)) for i, v in enumerate(cells) if normal(v)]
        if not found:
            skipped.append(Skipped(number, "blank"))
            last = None
            continue
        first = found[0][1]
        if re.fullmatch(rf"[{NUMERAL}]+", squeeze(first)) and len(found) > 1:
            first = f"{first}、{found[1][1]}"  # 一 | 招商引资项目: a group numbered in 序号
        kind = row_kind(first)
        seq_text = normal(cells[seq_index]) if seq_index is not None and seq_index < len(cells) \
            else ""  # fmt: skip
        if kind is None and len({v for _i, v in found}) == 1 and seq_text in ("", first):
            kind = "group" if heading(first) else None
        if in_footer and len(found) == 1:
            kind = "footer"
        # One text merged across the table (or, in a CSV, alone in its first cell): a note such
        # as 以上项目均为… A pledge list keeps a lone first cell: it may name the unit below it.
        single = found[0][0] in (0, seq_index) and found[0][0] != key and table.kind == "projects"
        lone = len({v for _i, v in found}) == 1 and (len(found) >= 3 or single)
        if kind is None and lone and not re.match(r"\d", squeeze(first)):
            skipped.append(Skipped(number, "note", first))
            last = None
            continue
        if kind == "footer":
            in_footer = True
            line = " ".join(v for _i, v in found)
            if re.search(r"[★☆▲△◆◇●○■□※]", line):
                legend.append(line)
            skipped.append(Skipped(number, "footer", line))
            last = None
            continue
        if kind in ("group", "subtotal"):
            level = group_level(first)
            words = (category_of(first), stage_of(first))
            for deeper in [lv for lv in levels if lv >= level]:
                del levels[deeper]
                names.pop(deeper, None)
            levels[level] = words
            names[level] = group_name(first)
            skipped.append(Skipped(number, kind, first, *words))
            last = None
            continue
        if kind == "total":
            skipped.append(Skipped(number, "total", first))
            last = None
            continue
        if sum(1 for _i, v in found if header_text(v) in headers) >= max(2, len(found) // 2):
            skipped.append(Skipped(number, "header", first))
            continue
        if column_numbers(found):
            skipped.append(Skipped(number, "numbers", first))
            continue
        if index in blocks and last is not None and last.number == blocks[index] + 1:
            join(last, cells, number, lists)  # the same project, its name merged down
            continue
        if normal(cells[key] if key < len(cells) else None) == "":
            if all(i == seq_index for i, _v in found) and re.match(r"\d", squeeze(first)):
                skipped.append(Skipped(number, "seq_only", first))
                continue
            seq_empty = seq_index is None or normal(cells[seq_index] if seq_index < len(cells)
                                                    else None) == ""  # fmt: skip
            if last is not None and seq_empty:
                join(last, cells, number, lists)  # a CSV keeps a merged name in its first row
                continue
        category = next((c for _lv, (c, _s) in sorted(levels.items(), reverse=True) if c), None)
        stage = next((s for _lv, (_c, s) in sorted(levels.items(), reverse=True) if s), None)
        group = next((n for _lv, n in sorted(names.items(), reverse=True) if n), "")
        last = DataRow(number, cells, category, stage, group=group)
        data.append(last)
    final = data[-1].number if data else 0
    skipped = [s for s in skipped if s.reason != "blank" or s.number < final]
    return Rows(data, skipped, legend)
